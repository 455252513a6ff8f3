"""One pair's detection state: bounded, JSON-serialisable (it is a Faust table value in a changelog topic).

Times that only the arithmetic needs are epoch seconds (floats); times a reader sees are datetimes.
Every list is bounded by a `max_*` threshold of DetectorConfig, so a pair's state has a fixed ceiling whatever
its coverage.
"""

from __future__ import annotations

from typing import NamedTuple

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from streams.models import AlertKind, AlertTrigger, Alpha3, Pair, Trend


class _State(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class Level(_State):
    """An exponentially weighted mean and variance of scores, decayed in event time."""

    weight: float = 0.0
    mean: float = 0.0
    var: float = 0.0
    as_of: float | None = Field(default=None, description="event time (epoch s) the weight is decayed to")


class Item(NamedTuple):
    """An article's part in a pair's story, kept as evidence. (Tuples, not models, for the many small records:
    half the memory, and JSON arrays rather than objects.)"""

    article_id: str
    source: str | None
    published_at: AwareDatetime
    score: float
    sentence: str | None


class Pending(NamedTuple):
    """An article waiting until the allowed lateness has passed, so that it is folded in event-time order."""

    published_at: AwareDatetime
    observation_id: str
    article_id: str
    source: str | None
    score: float
    sentence: str | None
    trend: Trend | None
    confidence: float


class Episode(_State):
    """One side of the two-sided CUSUM: the run of articles since its statistic last stood at zero."""

    statistic: float = 0.0
    start: AwareDatetime | None = None
    first_id: str | None = Field(default=None, description="observation that opened the run (names the alert)")
    articles: int = 0
    score_sum: float = 0.0
    sources: list[str] = Field(default_factory=list)
    evidence: list[Item] = Field(default_factory=list)


class AlertRecord(NamedTuple):
    alert_id: str
    kind: AlertKind
    trigger: AlertTrigger
    at: AwareDatetime


class PairState(_State):
    """Everything detection keeps about one pair."""

    pair: Pair
    countries: tuple[Alpha3, Alpha3]
    max_seen: AwareDatetime = Field(description="newest event time seen for the pair")
    watermark: AwareDatetime = Field(description="articles published before this can no longer raise alerts")
    articles: int = Field(default=0, description="independent articles seen (duplicates excluded)")
    duplicates: int = 0
    late: int = Field(default=0, description="articles that arrived after their window had closed")
    history: int = Field(default=0, description="independent articles in the baseline since it was last reset")
    sources: list[str] = Field(default_factory=list, description="recent distinct sources, newest last")
    seen: str = Field(default="", description="8-hex-digit hashes of recent observation ids, concatenated")
    baseline: Level = Field(default_factory=Level)
    recent: Level = Field(default_factory=Level)
    held: list[tuple[float, float]] = Field(
        default_factory=list, description="(event time, score) of articles kept out of the baseline during a run"
    )
    last_folded: float | None = Field(default=None, description="event time of the newest finalised article")
    rising: Episode = Field(default_factory=Episode)
    falling: Episode = Field(default_factory=Episode)
    snapshots: list[tuple[float, float, int]] = Field(
        default_factory=list, description="(event time, baseline mean, history) after each recent finalised article"
    )
    pending: list[Pending] = Field(default_factory=list, description="sorted by (published_at, observation_id)")
    evidence: list[Item] = Field(
        default_factory=list, description="recent finalised articles, newest last (sentences are not kept here)"
    )
    alerts: list[AlertRecord] = Field(default_factory=list, description="finalised alerts, oldest first")
    announced: list[str] = Field(
        default_factory=list, description="reported alerts sent on arrival whose article is still pending"
    )
    last_alert: AlertRecord | None = None
