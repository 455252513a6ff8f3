"""Alert kinds, severity, deterministic ids and evidence.

The four kinds (scores on the -10..+10 Goldstein-like scale):

- warming: the relationship moves towards cooperation (a statistical rise of the level, or an article that says
  ties are improving) without meeting the bar of a rapprochement.
- cooling: the relationship moves towards conflict without meeting the bar of a rupture.
- rupture: relations broken off. Statistically: the level falls from a baseline that was not hostile
  (> hostile_level) to serious conflict (<= severe_level). Reported: an article reports a cooling and scores it
  at or below rupture_score (severing ties, expulsions, sanctions, force), for a pair not already hostile.
- rapprochement: relations restored. Statistically: the level rises from a hostile baseline (<= hostile_level)
  to cooperation (>= cooperative_level). Reported: an article reports a warming, scores it cooperative, and the
  pair's baseline was hostile. (An article alone cannot tell "restored" from "warmer still", so without a hostile
  history a warming report is a warming.)

Rupture and rapprochement are the strong forms of cooling and warming: they are always severity "high", and a
rupture is announced even within the cool-down of a cooling (an escalation), but not the reverse.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Literal

from streams.domain.detection.config import DetectorConfig
from streams.domain.detection.state import Item, Pending
from streams.models import AlertEvidence, AlertKind, AlertTrigger, Severity

Direction = Literal["up", "down"]

DIRECTION: dict[AlertKind, Direction] = {
    "warming": "up",
    "rapprochement": "up",
    "cooling": "down",
    "rupture": "down",
}
STRONG: frozenset[AlertKind] = frozenset({"rupture", "rapprochement"})


def alert_id(pair: str, kind: AlertKind, trigger: AlertTrigger, anchor: str) -> str:
    """The same change always gets the same id, so a redelivered or replayed alert is recognisably the same."""
    digest = hashlib.sha256(f"{pair}|{kind}|{trigger}|{anchor}".encode()).hexdigest()
    return f"{pair}:{kind}:{trigger}:{digest[:16]}"


def statistical_kind(direction: Direction, baseline: float, current: float, config: DetectorConfig) -> AlertKind:
    if direction == "up":
        if baseline <= config.hostile_level and current >= config.cooperative_level:
            return "rapprochement"
        return "warming"
    if baseline > config.hostile_level and current <= config.severe_level:
        return "rupture"
    return "cooling"


def reported_kind(direction: Direction, score: float, baseline: float | None, config: DetectorConfig) -> AlertKind:
    hostile = baseline is not None and baseline <= config.hostile_level
    if direction == "up":
        return "rapprochement" if hostile and score >= config.cooperative_level else "warming"
    return "rupture" if score <= config.rupture_score and not hostile else "cooling"


def severity(kind: AlertKind, shift: float | None, confidence: float, config: DetectorConfig) -> Severity:
    """From the size of the shift in points; a reported change with no history to measure it by goes by the
    article's confidence."""
    if kind in STRONG:
        return "high"
    if shift is None:
        return "medium" if confidence >= config.high_confidence else "low"
    if abs(shift) >= config.severity_high_points:
        return "high"
    if abs(shift) >= config.severity_medium_points:
        return "medium"
    return "low"


def evidence(items: Sequence[Item | Pending]) -> list[AlertEvidence]:
    return [
        AlertEvidence(
            article_id=item.article_id,
            source=item.source,
            published_at=item.published_at,
            score=item.score,
            sentences=[item.sentence] if item.sentence else [],
        )
        for item in items
    ]
