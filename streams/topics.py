"""The topic registry: each topic's name, key, payload model and codec, declared once.

The codec is the same for every topic: a pydantic model as orjson bytes, written with `encode` and read with
`Topic.decode`, which raises `BadEvent` for anything that is not a valid payload so that the caller can
dead-letter it with its reason and original bytes. Faust itself moves raw bytes (its own codecs would drop an
undecodable event before an agent could dead-letter it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

import orjson
from pydantic import BaseModel, ValidationError

from streams.models import (
    CleanArticle,
    DeadLetter,
    RawArticle,
    RelationObservation,
    RelationshipAlert,
    SourceWatermark,
)

M = TypeVar("M", bound=BaseModel)


class BadEvent(ValueError):
    """An event whose bytes are not a valid payload of its topic."""


def encode(payload: BaseModel) -> bytes:
    return orjson.dumps(payload.model_dump(mode="json", exclude_none=False))


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors(include_url=False)[:5]:
        where = ".".join(str(p) for p in item["loc"]) or "<event>"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


DAY_MS = 86_400_000


@dataclass(frozen=True)
class Topic(Generic[M]):
    """A topic of the contract. `copartitioned`: keyed like the detect table, so its partition count must be the
    configured one (a pair's observations and its state in the same partition); the others may have any count.
    `retention_days` and the cleanup policy are what the worker creates the topic with."""

    name: str
    key: str
    model: type[M]
    copartitioned: bool = False
    retention_days: float = 7.0
    cleanup: Literal["delete", "compact"] = "delete"

    def configs(self) -> dict[str, str]:
        return {"cleanup.policy": self.cleanup, "retention.ms": str(int(self.retention_days * DAY_MS))}

    def decode(self, value: bytes | None) -> M:
        if value is None:
            raise BadEvent("empty event (no value)")
        try:
            data = orjson.loads(value)
        except orjson.JSONDecodeError as exc:
            raise BadEvent(f"not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise BadEvent(f"expected a JSON object, got {type(data).__name__}")
        try:
            return self.model.model_validate(data)
        except ValidationError as exc:
            raise BadEvent(f"invalid {self.model.__name__}: {_describe(exc)}") from None


# Retention: the inputs a week (an outage of days can still be re-read, and `replay` has the archive); what people
# act on, alerts and dead letters, a month.
RAW = Topic("articles.raw", key="article id", model=RawArticle)
CLEAN = Topic("articles.clean", key="article id", model=CleanArticle)
OBSERVED = Topic("relations.observed", key="pair", model=RelationObservation, copartitioned=True)
ALERTS = Topic("relations.alerts", key="pair", model=RelationshipAlert, retention_days=30.0)
DEADLETTER = Topic("articles.deadletter", key="article id, if known", model=DeadLetter, retention_days=30.0)
# Beside relations.observed rather than in it, so that its subscribers see observations only.
WATERMARKS = Topic("relations.watermarks", key="source partition", model=SourceWatermark, copartitioned=True)

ALL: tuple[Topic[BaseModel], ...] = (RAW, CLEAN, OBSERVED, WATERMARKS, ALERTS, DEADLETTER)  # type: ignore[assignment]

AgentName = Literal["clean", "detect"]


@dataclass(frozen=True)
class StageSpec:
    """One agent of the topology: its name, the topics it reads and the topics it writes."""

    name: AgentName
    inputs: tuple[Topic[BaseModel], ...]
    outputs: tuple[Topic[BaseModel], ...]
    tables: tuple[str, ...] = field(default=())  # Faust tables, co-partitioned with the inputs


# clean and relate are one agent: the reader of articles.raw must send each of its partitions' watermarks after
# the observations they cover, and a hop through articles.clean would mix its partitions (the topic stays the
# contract: the agent publishes it).
TOPOLOGY: tuple[StageSpec, ...] = (
    StageSpec("clean", (RAW,), (CLEAN, OBSERVED, WATERMARKS, DEADLETTER)),  # type: ignore[arg-type]
    StageSpec("detect", (OBSERVED, WATERMARKS), (ALERTS, DEADLETTER), tables=("pairs",)),  # type: ignore[arg-type]
)
STAGES: dict[AgentName, StageSpec] = {stage.name: stage for stage in TOPOLOGY}


def changelog(app_id: str, table: str) -> str:
    """The changelog topic Faust names for a table of the app (compacted, co-partitioned with its input)."""
    return f"{app_id}-{table}-changelog"
