"""The topic registry: each topic's name, key, payload model and codec, declared once.

The codec is the same for every topic: a pydantic model as orjson bytes, written with `encode` and read with
`Topic.decode`, which raises `BadEvent` for anything that is not a valid payload so that the caller can
dead-letter it with its reason and original bytes. Faust itself moves raw bytes (its own codecs would drop an
undecodable event before an agent could dead-letter it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

import orjson
from pydantic import BaseModel, ValidationError

from streams.models import CleanArticle, DeadLetter, RawArticle, RelationObservation, RelationshipAlert

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


@dataclass(frozen=True)
class Topic(Generic[M]):
    name: str
    key: str
    model: type[M]

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


RAW = Topic("articles.raw", key="article id", model=RawArticle)
CLEAN = Topic("articles.clean", key="article id", model=CleanArticle)
OBSERVED = Topic("relations.observed", key="pair", model=RelationObservation)
ALERTS = Topic("relations.alerts", key="pair", model=RelationshipAlert)
DEADLETTER = Topic("articles.deadletter", key="article id, if known", model=DeadLetter)

ALL: tuple[Topic[BaseModel], ...] = (RAW, CLEAN, OBSERVED, ALERTS, DEADLETTER)  # type: ignore[assignment]
