"""The detector's thresholds. Their defaults, and why each is what it is, live in data/thresholds.json."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

HOUR = 3600.0
DAY = 86400.0


@cache
def _defaults() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("data/thresholds.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _default(name: str) -> Any:
    table = _defaults()
    return Field(default=table[name], description=table[f"_{name}"])


class DetectorConfig(BaseModel):
    """Thresholds of change detection; see data/thresholds.json for the reason behind each default."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    allowed_lateness_hours: float = _default("allowed_lateness_hours")
    baseline_half_life_days: float = _default("baseline_half_life_days")
    recent_half_life_days: float = _default("recent_half_life_days")
    prior_sigma: float = _default("prior_sigma")
    prior_weight: float = _default("prior_weight")
    min_sigma: float = _default("min_sigma")
    z_clip: float = _default("z_clip")
    cusum_k: float = _default("cusum_k")
    cusum_h: float = _default("cusum_h")
    cusum_cap: float = _default("cusum_cap")
    baseline_error_allowance: float = _default("baseline_error_allowance")
    shift_z: float = _default("shift_z")
    min_history: int = _default("min_history")
    min_articles: int = _default("min_articles")
    min_sources: int = _default("min_sources")
    min_shift_points: float = _default("min_shift_points")
    min_shift_sigmas: float = _default("min_shift_sigmas")
    episode_gap_days: float = _default("episode_gap_days")
    min_confidence: float = _default("min_confidence")
    reported_min_confidence: float = _default("reported_min_confidence")
    high_confidence: float = _default("high_confidence")
    min_reported_history: int = _default("min_reported_history")
    cooldown_days: float = _default("cooldown_days")
    late_report_max_hours: float = _default("late_report_max_hours")
    rupture_score: float = _default("rupture_score")
    hostile_level: float = _default("hostile_level")
    severe_level: float = _default("severe_level")
    cooperative_level: float = _default("cooperative_level")
    severity_medium_points: float = _default("severity_medium_points")
    severity_high_points: float = _default("severity_high_points")
    max_pending: int = _default("max_pending")
    max_held: int = _default("max_held")
    max_evidence: int = _default("max_evidence")
    max_sources: int = _default("max_sources")
    max_seen: int = _default("max_seen")
    max_alerts: int = _default("max_alerts")
    max_snapshots: int = _default("max_snapshots")
    sentence_chars: int = _default("sentence_chars")

    @property
    def lateness_s(self) -> float:
        return self.allowed_lateness_hours * HOUR

    @property
    def cooldown_s(self) -> float:
        return self.cooldown_days * DAY
