"""The stages as plain functions over payload models, shared by the Faust agents, `analyze` and `replay`."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import orjson

from streams.detect import Detector, MemoryStore, PairStore  # noqa: F401  (the detect driver, re-exported)
from streams.domain.cleaning import DuplicateIndex, RejectedArticle, clean_article
from streams.domain.relations import ArticleText, relate_many
from streams.models import (
    AnalyzedArticle,
    CleanArticle,
    DeadLetter,
    RawArticle,
    RelationObservation,
    RelationshipAlert,
    Stage,
)
from streams.topics import RAW, BadEvent

DEFAULT_MAX_BODY_BYTES = 900_000
# A dead letter must fit Kafka's default 1 MB message limit (and the producer's max_request_size) once base64 has
# added a third: an oversized letter cannot be sent, and the failed send kills the agent that was rejecting the
# event. Beyond this, the letter keeps the head of the original; topic/partition/offset locate the whole event.
MAX_DEAD_LETTER_ORIGINAL_BYTES = 512 * 1024
# The key travels twice (as the record's key and in key_b64): keep it small, so the letter always fits.
MAX_DEAD_LETTER_KEY_BYTES = 1024
# A publication date further ahead than this is an error (a bad clock or a bad parse), and one such article
# would hold a partition's event time in the future and silence its alerts.
MAX_FUTURE = timedelta(days=1)


class StageError(ValueError):
    """An event that a stage cannot process; `reason` goes to the dead-letter topic."""

    def __init__(self, stage: Stage, reason: str) -> None:
        super().__init__(f"{stage}: {reason}")
        self.stage: Stage = stage
        self.reason = reason


def dead_letter(
    stage: Stage,
    error: str,
    original: bytes | None,
    *,
    topic: str | None = None,
    partition: int | None = None,
    offset: int | None = None,
    key: bytes | None = None,
) -> DeadLetter:
    original = original or b""
    if len(original) > MAX_DEAD_LETTER_ORIGINAL_BYTES:
        digest = hashlib.sha256(original).hexdigest()
        error = (
            f"{error} [original truncated to its first {MAX_DEAD_LETTER_ORIGINAL_BYTES} of {len(original)} "
            f"bytes, sha256 {digest}]"
        )
        original = original[:MAX_DEAD_LETTER_ORIGINAL_BYTES]
    if key is not None and len(key) > MAX_DEAD_LETTER_KEY_BYTES:
        key = key[:MAX_DEAD_LETTER_KEY_BYTES]
    return DeadLetter(
        stage=stage,
        error=error,
        original_b64=base64.b64encode(original).decode("ascii"),
        topic=topic,
        partition=partition,
        offset=offset,
        key_b64=base64.b64encode(key).decode("ascii") if key is not None else None,
        failed_at=datetime.now(UTC),
    )


@dataclass
class Cleaner:
    """Stage 1. Holds the near-duplicate index, so one instance per worker (or per offline run)."""

    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    dedup: DuplicateIndex | None = field(default_factory=DuplicateIndex)

    def __call__(self, raw: RawArticle, *, received_at: datetime | None = None) -> CleanArticle:
        try:
            cleaned = clean_article(raw, max_body_bytes=self.max_body_bytes)
        except RejectedArticle as exc:
            raise StageError("clean", exc.reason) from None
        if not cleaned.text.strip():
            raise StageError("clean", "no article text left after cleaning")
        published_at = raw.published_at or received_at or datetime.now(UTC)
        horizon = max(received_at or datetime.now(UTC), datetime.now(UTC)) + MAX_FUTURE
        if published_at > horizon:
            raise StageError("clean", f"published_at {published_at.isoformat()} is in the future")
        fingerprint, duplicate_of = "", None
        if self.dedup is not None:
            fingerprint, duplicate_of = self.dedup.check(raw.id, cleaned.text, published_at)
        return CleanArticle(
            article_id=raw.id,
            title=cleaned.title,
            text=cleaned.text,
            source=raw.source,
            url=raw.url,
            published_at=published_at,
            language=raw.language,
            fingerprint=fingerprint,
            duplicate_of=duplicate_of,
        )


def observations(article: CleanArticle) -> list[RelationObservation]:
    """Stage 2: every pair the article relates, as observations keyed by pair."""
    return observations_many([article])[0]


def observations_many(articles: Sequence[CleanArticle]) -> list[list[RelationObservation]]:
    """Stage 2 over a batch: the candidate sentences of all the articles are parsed together."""
    now = datetime.now(UTC)
    texts = [
        ArticleText(a.text, a.title, a.published_at or now, a.language) for a in articles
    ]
    out: list[list[RelationObservation]] = []
    for article, reading in zip(articles, relate_many(texts), strict=True):
        published_at = article.published_at or now
        out.append(
            [
                RelationObservation(
                    **relation.model_dump(),
                    observation_id=f"{article.article_id}:{relation.pair}",
                    article_id=article.article_id,
                    source=article.source,
                    url=article.url,
                    published_at=published_at,
                    duplicate_of=article.duplicate_of,
                )
                for relation in reading.relations
            ]
        )
    return out


def analyze_event(line: str | bytes, cleaner: Cleaner | None = None) -> AnalyzedArticle:
    """One line of `dyadwatch analyze`: clean + relate, or a `rejected` row with the reason. Never raises
    for bad input."""
    return analyze_events([line], cleaner)[0]


def analyze_events(lines: Sequence[str | bytes], cleaner: Cleaner | None = None) -> list[AnalyzedArticle]:
    """`analyze_event` over a batch, in order; the candidate sentences of the batch are parsed together."""
    cleaner = cleaner or Cleaner(dedup=None)
    rows: list[AnalyzedArticle | CleanArticle] = []
    dated: list[datetime | None] = []  # the event's own date: an undated text is not read as of today
    for line in lines:
        raw_bytes = line.encode("utf-8", "surrogatepass") if isinstance(line, str) else line
        try:
            raw = RAW.decode(raw_bytes)
            rows.append(cleaner(raw))
            dated.append(raw.published_at)
        except (BadEvent, StageError) as exc:
            reason = exc.reason if isinstance(exc, StageError) else str(exc)
            rows.append(
                AnalyzedArticle(
                    article_id=_best_effort_id(raw_bytes), status="rejected", error=reason, text="", relations=[]
                )
            )
    accepted = [r for r in rows if isinstance(r, CleanArticle)]
    readings = iter(
        relate_many([ArticleText(a.text, a.title, d, a.language) for a, d in zip(accepted, dated, strict=True)])
    )
    out: list[AnalyzedArticle] = []
    for row in rows:
        if isinstance(row, AnalyzedArticle):
            out.append(row)
            continue
        reading = next(readings)
        # The contract's text is the whole cleaned article: its headline once, then the story.
        text = f"{row.title}\n{row.text}" if row.title else row.text
        out.append(
            AnalyzedArticle(
                article_id=row.article_id, status="ok", text=text, relations=reading.relations, note=reading.note
            )
        )
    return out


def _best_effort_id(raw_bytes: bytes) -> str:
    """The article id for a rejected row, if the event has one at all."""
    try:
        data = orjson.loads(raw_bytes)
    except orjson.JSONDecodeError:
        return ""
    value = data.get("id") if isinstance(data, dict) else None
    return value if isinstance(value, str) else ""


def replay(
    raw_events: Iterable[RawArticle],
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    on_article: Callable[[], object] | None = None,
) -> Iterator[RelationshipAlert]:
    """Clean -> relate -> detect over an archive, in event-time order: the offline twin of the stream."""
    cleaner = Cleaner(max_body_bytes=max_body_bytes)
    detector = Detector()
    epoch = datetime.min.replace(tzinfo=UTC) + timedelta(days=1)
    for raw in sorted(raw_events, key=lambda r: (r.published_at or epoch, r.id)):
        if on_article is not None:
            on_article()
        try:
            article = cleaner(raw)
        except StageError:
            continue
        for observation in observations(article):
            yield from detector(observation)
    yield from detector.flush()
