"""The reported-change trigger: an article states outright that relations warmed, cooled, broke off or were
restored, with enough confidence.

It fires on arrival, because a subscriber should hear of "relations were severed" within a second, not after
the allowed lateness. To keep arrival order from changing what is alerted, the decision reads only the article
itself and the pair's history older than `published_at - allowed_lateness`: under the lateness guarantee, every
article that old has arrived and been finalised by the time this one arrives, whatever the order. Reports of one
change that fall within the lateness of each other get the same id (same kind, same anchor), so the first to
arrive is announced and the rest are recognised as the same alert. Live and replay therefore announce the same
alert ids; only when two such reports arrive in reverse order may live cite the later article as evidence.
An article that arrives after its window has closed (see detector.py) is judged the same way, but what it reads
may then be incomplete (the baseline snapshots kept may all be newer than its horizon, and decisions already
taken are not revisited), so its alert, and the later reports' ids, can differ from an event-time replay's.

Cool-down: a report is not announced if a reported alert of the same direction, of the same or a stronger
kind, was raised less than cooldown_days before it and the relationship has not moved the other way since
(an alert of the opposite direction, from either trigger).
"""

from __future__ import annotations

from dataclasses import dataclass

from streams.domain.detection import alerts
from streams.domain.detection.config import DetectorConfig
from streams.domain.detection.state import AlertRecord, PairState, Pending
from streams.models import AlertKind, RelationshipAlert


@dataclass(frozen=True)
class Decision:
    kind: AlertKind
    alert_id: str
    baseline: float | None


def decide(state: PairState, article: Pending, config: DetectorConfig) -> Decision | None:
    """The reported alert this article announces, if any (before de-duplication by id)."""
    if article.trend is None or article.confidence < config.reported_min_confidence:
        return None
    horizon = article.published_at.timestamp() - config.lateness_s
    direction: alerts.Direction = "up" if article.trend == "warming" else "down"
    snapshot = _snapshot_before(state.snapshots, horizon)
    baseline = snapshot[1] if snapshot and snapshot[2] >= config.min_reported_history else None
    kind = alerts.reported_kind(direction, article.score, baseline, config)
    past = [record for record in state.alerts if record.at.timestamp() < horizon]
    previous = _last_reported(past, direction)
    if previous is not None and _suppresses(previous, kind, past, article, config):
        return None
    anchor = previous.alert_id if previous is not None else "-"
    return Decision(kind, alerts.alert_id(state.pair, kind, "reported", anchor), baseline)


def build(state: PairState, article: Pending, decision: Decision, config: DetectorConfig) -> RelationshipAlert:
    shift = None if decision.baseline is None else article.score - decision.baseline
    return RelationshipAlert(
        alert_id=decision.alert_id,
        pair=state.pair,
        countries=state.countries,
        kind=decision.kind,
        trigger="reported",
        severity=alerts.severity(decision.kind, shift, article.confidence, config),
        baseline=round(decision.baseline if decision.baseline is not None else article.score, 3),
        current=article.score,
        window_start=article.published_at,
        window_end=article.published_at,
        evidence=alerts.evidence([article]),
    )


def _snapshot_before(snapshots: list[tuple[float, float, int]], horizon: float) -> tuple[float, float, int] | None:
    """The baseline as of the newest article older than the horizon. If a burst has pushed that snapshot out,
    the oldest one kept is the nearest available."""
    for snapshot in reversed(snapshots):
        if snapshot[0] < horizon:
            return snapshot
    return snapshots[0] if snapshots else None


def _last_reported(past: list[AlertRecord], direction: alerts.Direction) -> AlertRecord | None:
    for record in reversed(past):
        if record.trigger == "reported" and alerts.DIRECTION[record.kind] == direction:
            return record
    return None


def _suppresses(
    previous: AlertRecord, kind: AlertKind, past: list[AlertRecord], article: Pending, config: DetectorConfig
) -> bool:
    if kind in alerts.STRONG and previous.kind not in alerts.STRONG:
        return False  # an escalation is news even right after the milder alert
    if (article.published_at - previous.at).total_seconds() >= config.cooldown_s:
        return False
    direction = alerts.DIRECTION[previous.kind]
    return not any(record.at > previous.at and alerts.DIRECTION[record.kind] != direction for record in past)
