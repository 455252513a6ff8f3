"""The Faust wiring: topics, agents, the pair table and the HTTP views. Agents read, call a stage, write.

clean:  articles.raw   -> articles.clean       (keyed by article id)
relate: articles.clean -> relations.observed   (re-keyed by pair)
detect: relations.observed -> relations.alerts (keyed by pair; state in the `pairs` table + changelog)
Every failure goes to articles.deadletter with the stage, the reason and the original bytes.

Guarantee: at-least-once with deterministic ids (observation_id, alert_id): a redelivered event produces the
same records again, which consumers drop by id; the detect stage skips observations its state has seen.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import faust
import orjson
from aiokafka.helpers import create_ssl_context
from faust.web import Request, Response, View
from pydantic import BaseModel

from streams import faust_fixes, health
from streams import topics as registry
from streams.domain.cleaning import DuplicateIndex
from streams.domain.detection import DetectorConfig, PairState, advance, observe
from streams.models import CleanArticle, RelationObservation, RelationshipAlert, Stage
from streams.pipeline import MAX_DEAD_LETTER_KEY_BYTES, Cleaner, StageError, dead_letter, observations
from streams.settings import Settings
from streams.topics import BadEvent, encode

log = logging.getLogger(__name__)
T = TypeVar("T")


def broker_urls(bootstrap: str) -> list[str]:
    return [f"kafka://{host.strip()}" for host in bootstrap.split(",") if host.strip()]


def credentials(settings: Settings) -> Any:
    if settings.security_protocol == "PLAINTEXT":
        return None
    ssl_context = None
    if settings.security_protocol in ("SSL", "SASL_SSL"):
        ssl_context = create_ssl_context(
            cafile=settings.ssl_cafile, certfile=settings.ssl_certfile, keyfile=settings.ssl_keyfile
        )
    if settings.security_protocol == "SSL":
        return faust.SSLCredentials(ssl_context)
    if settings.sasl_username is None or settings.sasl_password is None:
        raise ValueError(f"{settings.security_protocol} needs DYADWATCH_SASL_USERNAME and DYADWATCH_SASL_PASSWORD")
    return faust.SASLCredentials(
        username=settings.sasl_username,
        password=settings.sasl_password.get_secret_value(),
        mechanism=settings.sasl_mechanism,
        ssl_context=ssl_context,
    )


def create_app(settings: Settings, bootstrap: str) -> faust.App:
    app = faust.App(
        settings.app_id,
        broker=broker_urls(bootstrap),
        broker_credentials=credentials(settings),
        store=settings.store,
        datadir=settings.data_dir,
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=settings.topic_replicas,
        broker_commit_interval=settings.commit_interval_s,
        broker_session_timeout=settings.session_timeout_s,
        processing_guarantee=settings.processing_guarantee,
        key_serializer="raw",
        value_serializer="raw",
        web_host=settings.web_host,
        web_port=settings.web_port,
        web_bind=settings.web_host,
        web_tables_enabled=False,
        web_router_enabled=False,
        consumer_auto_offset_reset="earliest",
        # see faust_fixes: Faust can drop input around a rebalance; in an input without transaction markers any hole
        # in the offsets is such a drop, and is never committed past
        TableManager=faust_fixes.table_manager(_inputs_without_markers(settings)),
    )

    # Every topic carries raw bytes (the app's default serializers): the registry decodes them, so that an event
    # that does not decode is dead-lettered with its original bytes instead of being dropped by Faust.
    raw_topic, clean_topic, observed_topic, alerts_topic, deadletter_topic = (
        app.topic(settings.topic(spec.name))
        for spec in (registry.RAW, registry.CLEAN, registry.OBSERVED, registry.ALERTS, registry.DEADLETTER)
    )
    progress = health.Progress(
        inputs={
            raw_topic.get_topic_name(): "clean",
            clean_topic.get_topic_name(): "relate",
            observed_topic.get_topic_name(): "detect",
        }
    )
    pairs = app.Table(
        "pairs",
        default=None,
        partitions=settings.topic_partitions,
        # Faust picks a table's codecs from its types (bytes -> raw, else json) for the store, the changelog and
        # recovery alike; serializer arguments are not honoured on recovery. Raw keys also make the HTTP router
        # place a pair in the partition that relations.observed puts it in (a JSON key hashes elsewhere).
        key_type=bytes,
        value_type=bytes,
        help="each pair's detection state: PairState as JSON bytes",
    )
    cleaner = Cleaner(
        max_body_bytes=settings.max_body_bytes,
        dedup=DuplicateIndex(max_entries=settings.dedup_max_entries, ttl=timedelta(days=settings.dedup_ttl_days)),
    )
    detector_config = DetectorConfig()
    if settings.allowed_lateness_hours is not None:
        detector_config = detector_config.model_copy(update={"allowed_lateness_hours": settings.allowed_lateness_hours})

    async def reject(stage: Stage, error: str, event: faust.EventT[bytes]) -> None:
        message = event.message
        log.warning("dead-lettering %s/%s@%s at %s: %s", message.topic, message.partition, message.offset, stage, error)
        letter = dead_letter(
            stage,
            error,
            message.value,
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            key=message.key,
        )
        key = message.key[:MAX_DEAD_LETTER_KEY_BYTES] if message.key else None
        await deadletter_topic.send(key=key, value=encode(letter))

    async def process(stage: Stage, event: faust.EventT[bytes], work: Callable[..., T], *args: Any) -> T | None:
        """Run one stage on one event; anything that fails goes to the dead-letter topic with its reason."""
        progress.tick(stage)
        try:
            return work(event.value, *args)
        except (BadEvent, StageError) as exc:
            await reject(stage, getattr(exc, "reason", str(exc)), event)
        except Exception as exc:  # a defect must not stop the stream: the event is kept for replay
            log.exception("%s failed", stage)
            await reject(stage, f"internal error: {type(exc).__name__}: {exc}", event)
        return None

    async def send(
        stage: Stage, event: faust.EventT[bytes], topic: faust.TopicT, records: Sequence[tuple[str, BaseModel]]
    ) -> None:
        """Send a stage's (key, payload) outputs. An output the broker would refuse for its size is caught first
        and the event dead-lettered: a failed send would crash the agent, and Faust would commit past the event."""
        encoded = [(key.encode(), encode(payload)) for key, payload in records]
        too_big = max(len(value) for _, value in encoded)
        if too_big > settings.max_message_bytes:
            limit = settings.max_message_bytes
            await reject(stage, f"output of {too_big} bytes exceeds max_message_bytes ({limit})", event)
            return
        # Wait for the broker's acknowledgement before the event counts as done: Faust commits the offset once the
        # agent moves on, so an output that failed to arrive would otherwise be lost.
        delivered = [await topic.send(key=key, value=value) for key, value in encoded]
        try:
            await asyncio.gather(*delivered)
        except Exception:
            log.critical("could not deliver %s's outputs to %s; stopping so the event is re-read", stage, topic)
            os._exit(75)  # no commit happens: the event is delivered again to whichever worker takes over

    def clean_one(value: bytes, received_at: datetime | None) -> CleanArticle:
        return cleaner(registry.RAW.decode(value), received_at=received_at)

    def relate_one(value: bytes) -> list[RelationObservation]:
        return observations(registry.CLEAN.decode(value))

    @app.agent(raw_topic, name="clean")
    async def clean(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            article = await process("clean", event, clean_one, _from_epoch(event.message.timestamp))
            if article is not None:
                await send("clean", event, clean_topic, [(article.article_id, article)])

    @app.agent(clean_topic, name="relate")
    async def relate(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            found = await process("relate", event, relate_one)
            if found:
                await send("relate", event, observed_topic, [(o.pair, o) for o in found])

    # Pairs with articles still inside the allowed lateness, per partition, with the time of their newest article:
    # once the partition's event time is the allowed lateness past it, the pair is finalised (a statistical alert
    # waits for that; advance() does nothing sooner). In memory only: after a restart a waiting pair is finalised
    # by its own next article instead.
    waiting: dict[int, dict[str, datetime]] = {}
    stream_time: dict[int, datetime] = {}
    lateness = timedelta(hours=detector_config.allowed_lateness_hours)

    def load(pair: str) -> PairState | None:
        stored = pairs.get(pair.encode())
        return PairState.model_validate_json(stored) if stored is not None else None

    def save(state: PairState, partition: int) -> None:
        # JSON bytes, not dicts: a third of the memory in the in-memory store (benchmarks/detection.py).
        pairs[state.pair.encode()] = state.model_dump_json().encode()
        if state.pending:
            waiting.setdefault(partition, {})[state.pair] = state.max_seen
        else:
            waiting.get(partition, {}).pop(state.pair, None)

    def finalise_waiting(partition: int, now: datetime, skip: str) -> list[RelationshipAlert]:
        alerts: list[RelationshipAlert] = []
        due = sorted(p for p, newest in waiting.get(partition, {}).items() if p != skip and newest <= now - lateness)
        for pair in due:
            try:
                other = load(pair)
                if other is None:
                    waiting[partition].pop(pair, None)
                    continue
                other, more = advance(other, now - lateness, detector_config)
                save(other, partition)
                alerts.extend(more)
            except Exception:  # one pair's bad state must not fail every later event of the partition
                log.exception("could not finalise waiting pair %s; it waits for its own next article", pair)
                waiting[partition].pop(pair, None)
        return alerts

    def detect_one(value: bytes, partition: int) -> list[RelationshipAlert]:
        observation = registry.OBSERVED.decode(value)
        state, alerts = observe(load(observation.pair), observation, detector_config)
        save(state, partition)
        now = max(stream_time.get(partition, observation.published_at), observation.published_at)
        stream_time[partition] = now
        return alerts + finalise_waiting(partition, now, skip=observation.pair)

    @app.agent(observed_topic, name="detect")
    async def detect(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            alerts = await process("detect", event, detect_one, event.message.partition)
            if alerts:
                await send("detect", event, alerts_topic, [(a.pair, a) for a in alerts])

    _add_views(app, pairs, progress)
    return app


def _inputs_without_markers(settings: Settings) -> list[str]:
    """The input topics whose every offset is a record: those the app writes itself, unless in transactions, and
    articles.raw unless its producers use transactions."""
    if settings.processing_guarantee == "exactly_once":
        return []
    own = [settings.topic(registry.CLEAN.name), settings.topic(registry.OBSERVED.name)]
    return own if settings.raw_transactional else [settings.topic(registry.RAW.name), *own]


def _from_epoch(timestamp: float | None) -> datetime | None:
    return datetime.fromtimestamp(timestamp, UTC) if timestamp else None


def _add_views(app: faust.App, pairs: Any, progress: health.Progress) -> None:
    """Read-only HTTP views: readiness, liveness, and the pairs' state (routed to the partition's owner)."""

    @app.page("/ready")
    class Ready(View):
        async def get(self, request: Request) -> Response:
            report = health.check(app, progress)
            return self.json(report, status=200 if report["ready"] else 503)

    @app.page("/live")
    class Live(View):
        async def get(self, request: Request) -> Response:
            report = health.check(app, progress)
            return self.json(report, status=200 if report["live"] else 503)

    @app.page("/pairs")
    class Pairs(View):
        async def get(self, request: Request) -> Response:
            # Only this worker's partitions: each worker answers for the pairs it owns.
            return self.json({"pairs": {pair.decode(): _summary(value) for pair, value in pairs.items()}})

    @app.page("/pairs/{pair}")
    class PairView(View):
        @app.table_route(table=pairs, match_info="pair")  # type: ignore[arg-type]
        async def get(self, request: Request, pair: str) -> Response:
            value = pairs.get(pair.encode())
            if value is None:
                return self.json({"error": f"no history for pair {pair}"}, status=404)
            return self.json({"pair": pair, "state": orjson.loads(value)})


def _summary(value: bytes) -> dict[str, Any]:
    """A pair's current level, baseline and last alert, for the list view."""
    state = orjson.loads(value)  # no model validation: the list view must stay cheap with thousands of pairs
    return {
        "current": round(state["recent"]["mean"], 2),
        "baseline": round(state["baseline"]["mean"], 2),
        "articles": state["articles"],
        "sources": state["sources"],
        "last_alert": state["last_alert"],
    }
