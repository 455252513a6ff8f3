"""Payload models of every topic, and of the offline `analyze` rows.

These pydantic models are the contract: `schemas/` is generated from them, the Faust topics carry them, and the
offline commands print them. Nothing here imports Faust.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

Polarity = Literal["cooperation", "conflict", "neutral"]
Trend = Literal["warming", "cooling"]
Alpha3 = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
Pair = Annotated[str, Field(pattern=r"^[A-Z]{3}-[A-Z]{3}$")]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RawArticle(BaseModel):
    """A news article as a scraper delivers it to `articles.raw`."""

    model_config = ConfigDict(frozen=True, extra="ignore", str_strip_whitespace=False)

    id: Annotated[str, Field(min_length=1, max_length=512)]
    body: str | None = None
    html: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published_at: AwareDatetime | None = None
    language: str | None = None

    @model_validator(mode="after")
    def _has_content(self) -> RawArticle:
        if not (self.body and self.body.strip()) and not (self.html and self.html.strip()):
            raise ValueError("article has neither a non-empty 'body' nor 'html'")
        return self


class CleanArticle(_Model):
    """An article after cleaning, on `articles.clean` (keyed by article id)."""

    article_id: str
    title: str | None = None
    text: str
    source: str | None = None
    url: str | None = None
    published_at: AwareDatetime | None = None
    language: str | None = None
    fingerprint: str = Field(description="SimHash of the text's shingles, hex")
    duplicate_of: str | None = Field(
        default=None, description="id of an earlier article this one repeats (exactly or nearly)"
    )


class Reference(_Model):
    """A word that stands for a country in an evidence sentence ("its", "the two countries", "Moscow's ally")."""

    text: str
    country: Alpha3
    antecedent: str = Field(description="the earlier mention it was resolved to, as written")


class Evidence(_Model):
    sentence: str
    cues: list[str]
    initiator: Alpha3 | None = Field(default=None, description="the state that acts in this sentence, if one does")
    target: Alpha3 | None = Field(default=None, description="the state acted on, if the act has a direction")
    references: list[Reference] = Field(default_factory=list)


class Relation(_Model):
    """The judgement of one country pair in one article."""

    pair: Pair
    countries: tuple[Alpha3, Alpha3]
    polarity: Polarity
    score: Annotated[float, Field(ge=-10.0, le=10.0)]
    quad: Annotated[int, Field(ge=1, le=4)]
    trend: Trend | None = None
    confidence: Annotated[float, Field(ge=0.0, le=1.0)]
    initiator: Alpha3 | None = Field(
        default=None, description="who acted on whom: the acting state, null when the act is mutual or unclear"
    )
    target: Alpha3 | None = Field(default=None, description="the state acted on, null when mutual or unclear")
    evidence: list[Evidence]


class RelationObservation(Relation):
    """One pair's relation as one article reports it, on `relations.observed` (keyed by pair)."""

    observation_id: str = Field(description="'<article_id>:<pair>', stable across redeliveries")
    article_id: str
    source: str | None = None
    url: str | None = None
    published_at: AwareDatetime
    duplicate_of: str | None = None


AlertKind = Literal["warming", "cooling", "rupture", "rapprochement"]
AlertTrigger = Literal["reported", "statistical"]
Severity = Literal["low", "medium", "high"]


class AlertEvidence(_Model):
    article_id: str
    source: str | None = None
    published_at: AwareDatetime
    score: float
    sentences: list[str]


class RelationshipAlert(_Model):
    """A change in a pair's relationship, on `relations.alerts` (keyed by pair)."""

    alert_id: str = Field(description="deterministic: the same change redelivered has the same id")
    pair: Pair
    countries: tuple[Alpha3, Alpha3]
    kind: AlertKind
    trigger: AlertTrigger
    severity: Severity
    baseline: float = Field(description="the pair's long-run level before the change")
    current: float = Field(description="the pair's recent level")
    window_start: AwareDatetime
    window_end: AwareDatetime
    evidence: list[AlertEvidence]


class SourceWatermark(_Model):
    """How far the stage that reads articles.raw has got in one of its partitions, sent to every partition of
    relations.watermarks (co-partitioned with relations.observed) after the observations it covers.

    The detect stage takes event time as the minimum over the source partitions of their watermarks, and applies a
    pair's articles in event-time order once that has passed them; a partition read to its end offset stops
    holding it back (see streams/domain/detection/clock.py)."""

    source_topic: str
    source_partition: Annotated[int, Field(ge=0)]
    watermark: AwareDatetime | None = Field(
        description="the newest published_at read from the source partition (null: none since the reader started)"
    )
    read_to_end: int | None = Field(
        description="the source partition's end offset when its reader had read everything up to it (null while "
        "it is behind)"
    )
    observed_offset: Annotated[int, Field(ge=0)] = Field(
        description="every observation the watermark covers is in this partition of relations.observed below "
        "this offset"
    )


Stage = Literal["clean", "relate", "detect"]


class DeadLetter(_Model):
    """An event that could not be processed, on `articles.deadletter`, with everything needed to replay it."""

    stage: Stage
    error: str
    original_b64: str = Field(description="the event's original bytes, base64")
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    key_b64: str | None = None
    failed_at: datetime


class AnalyzedArticle(_Model):
    """One row of `dyadwatch analyze` output (the contract of DESIGN.md)."""

    article_id: str
    status: Literal["ok", "rejected"]
    error: str | None = None
    text: str
    relations: list[Relation]
    note: str | None = Field(
        default=None, description="why an accepted article gives no relations when that is not its content"
    )
