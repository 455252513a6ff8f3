"""The Faust wiring: topics, agents, the pair table and the HTTP views. Agents read, call a stage, write.

The topology (which stage reads and writes which topic) is declared in streams/topics.py; the stages themselves,
the detect driver included, are in streams/pipeline.py and run without Faust. Every failure goes to
articles.deadletter with the stage, the reason and the original bytes. What works around Faust's defects is in
streams/faust_fixes.py.

Guarantee: at-least-once with deterministic ids (observation_id, alert_id): a redelivered event produces the
same records again, which consumers drop by id; the detect stage skips observations its state has seen.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import faust
import orjson
from faust.web import Request, Response, View
from pydantic import BaseModel

from streams import faust_fixes, health, kafka_io
from streams import topics as registry
from streams.domain.cleaning import DuplicateIndex
from streams.domain.detection import DetectorConfig, PairState
from streams.models import CleanArticle, RelationObservation, RelationshipAlert, Stage
from streams.pipeline import MAX_DEAD_LETTER_KEY_BYTES, Cleaner, Detector, StageError, dead_letter, observations
from streams.settings import Settings
from streams.topics import BadEvent, encode

log = logging.getLogger(__name__)
T = TypeVar("T")


def broker_urls(bootstrap: str) -> list[str]:
    return [f"kafka://{host.strip()}" for host in bootstrap.split(",") if host.strip()]


def credentials(settings: Settings) -> Any:
    """Faust's credentials object for the configured security protocol (from the same pieces as kafka_io's)."""
    if settings.security_protocol == "PLAINTEXT":
        return None
    context = kafka_io.ssl_context(settings)
    login = kafka_io.sasl_login(settings)
    if login is None:
        return faust.SSLCredentials(context)
    return faust.SASLCredentials(
        username=login[0], password=login[1], mechanism=settings.sasl_mechanism, ssl_context=context
    )


class StageIO:
    """How an agent runs a stage on one event and sends what it gives: failures go to the dead-letter topic with
    the original bytes; outputs count as delivered only once the broker has acknowledged them."""

    def __init__(self, deadletter: faust.TopicT, progress: health.Progress, max_message_bytes: int) -> None:
        self.deadletter, self.progress, self.max_message_bytes = deadletter, progress, max_message_bytes

    async def reject(self, stage: Stage, error: str, event: faust.EventT[bytes]) -> None:
        message = event.message
        log.warning("dead-lettering %s/%s@%s at %s: %s", message.topic, message.partition, message.offset, stage, error)
        letter = dead_letter(stage, error, message.value, topic=message.topic, partition=message.partition,
                             offset=message.offset, key=message.key)
        key = message.key[:MAX_DEAD_LETTER_KEY_BYTES] if message.key else None
        await self.deadletter.send(key=key, value=encode(letter))

    async def process(self, stage: Stage, event: faust.EventT[bytes], work: Callable[..., T], *args: Any) -> T | None:
        """Run one stage on one event; anything that fails goes to the dead-letter topic with its reason."""
        self.progress.tick(stage)
        try:
            return work(event.value, *args)
        except (BadEvent, StageError) as exc:
            await self.reject(stage, getattr(exc, "reason", str(exc)), event)
        except Exception as exc:  # a defect must not stop the stream: the event is kept for replay
            log.exception("%s failed", stage)
            await self.reject(stage, f"internal error: {type(exc).__name__}: {exc}", event)
        return None

    async def send(
        self, stage: Stage, event: faust.EventT[bytes], topic: faust.TopicT, records: Sequence[tuple[str, BaseModel]]
    ) -> None:
        """Send a stage's (key, payload) outputs. An output the broker would refuse for its size is caught first
        and the event dead-lettered: a failed send would crash the agent, and Faust would commit past the event."""
        encoded = [(key.encode(), encode(payload)) for key, payload in records]
        too_big = max(len(value) for _, value in encoded)
        if too_big > self.max_message_bytes:
            limit = self.max_message_bytes
            await self.reject(stage, f"output of {too_big} bytes exceeds max_message_bytes ({limit})", event)
            return
        # Wait for the broker's acknowledgement before the event counts as done: Faust commits the offset once the
        # agent moves on, so an output that failed to arrive would otherwise be lost.
        delivered = [await topic.send(key=key, value=value) for key, value in encoded]
        try:
            await asyncio.gather(*delivered)
        except Exception:
            log.critical("could not deliver %s's outputs to %s; stopping so the event is re-read", stage, topic)
            os._exit(75)  # no commit happens: the event is delivered again to whichever worker takes over


class TableStore:
    """The detect driver's PairStore over the Faust table: PairState as JSON bytes, keyed by the pair's bytes."""

    def __init__(self, table: Any) -> None:
        self.table = table

    def get(self, pair: str) -> PairState | None:
        stored = self.table.get(pair.encode())
        return PairState.model_validate_json(stored) if stored is not None else None

    def put(self, state: PairState) -> None:
        # JSON bytes, not dicts: a third of the memory in the in-memory store (benchmarks/detection.py).
        self.table[state.pair.encode()] = state.model_dump_json().encode()

    def pairs(self) -> Iterable[str]:
        return [key.decode() for key in self.table]


def create_app(settings: Settings, bootstrap: str) -> faust.App:
    faust_fixes.check_version()
    app = faust.App(
        settings.app_id,
        broker=broker_urls(bootstrap),
        broker_credentials=credentials(settings),
        store=settings.store,
        datadir=settings.data_dir,
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=settings.topic_replicas,
        topic_allow_declare=False,  # the worker made or checked its topics before starting (streams/provision.py)
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
        TableManager=faust_fixes.table_manager(faust_fixes.inputs_without_markers(settings)),
    )
    # Every topic carries raw bytes (the app's default serializers): the registry decodes them, so that an event
    # that does not decode is dead-lettered with its original bytes instead of being dropped by Faust.
    topic = {spec.name: app.topic(settings.topic(spec.name)) for spec in registry.ALL}
    progress = health.Progress(inputs={settings.topic(stage.input.name): stage.name for stage in registry.TOPOLOGY})
    pairs = app.Table(
        registry.STAGES["detect"].tables[0],
        default=None,
        partitions=settings.topic_partitions,
        # Faust picks a table's codecs from its types (bytes -> raw, else json) for the store, the changelog and
        # recovery alike; serializer arguments are not honoured on recovery. Raw keys also make the HTTP router
        # place a pair in the partition that relations.observed puts it in (a JSON key hashes elsewhere).
        key_type=bytes,
        value_type=bytes,
        help="each pair's detection state: PairState as JSON bytes",
    )
    io = StageIO(topic[registry.DEADLETTER.name], progress, settings.max_message_bytes)
    cleaner = Cleaner(
        max_body_bytes=settings.max_body_bytes,
        dedup=DuplicateIndex(max_entries=settings.dedup_max_entries, ttl=timedelta(days=settings.dedup_ttl_days)),
    )
    detector = Detector(config=detector_config(settings), store=TableStore(pairs))
    clean_in, clean_out = (topic[name] for name in (registry.RAW.name, registry.CLEAN.name))
    relate_out, detect_out = (topic[name] for name in (registry.OBSERVED.name, registry.ALERTS.name))

    def clean_one(value: bytes, received_at: datetime | None) -> CleanArticle:
        return cleaner(registry.RAW.decode(value), received_at=received_at)

    def relate_one(value: bytes) -> list[RelationObservation]:
        return observations(registry.CLEAN.decode(value))

    def detect_one(value: bytes, partition: int) -> list[RelationshipAlert]:
        return detector(registry.OBSERVED.decode(value), partition)

    @app.agent(clean_in, name="clean")
    async def clean(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            article = await io.process("clean", event, clean_one, _from_epoch(event.message.timestamp))
            if article is not None:
                await io.send("clean", event, clean_out, [(article.article_id, article)])

    @app.agent(clean_out, name="relate")
    async def relate(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            found = await io.process("relate", event, relate_one)
            if found:
                await io.send("relate", event, relate_out, [(o.pair, o) for o in found])

    @app.agent(relate_out, name="detect")
    async def detect(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            alerts = await io.process("detect", event, detect_one, event.message.partition)
            if alerts:
                await io.send("detect", event, detect_out, [(a.pair, a) for a in alerts])

    _add_views(app, pairs, progress)
    return app


def detector_config(settings: Settings) -> DetectorConfig:
    config = DetectorConfig()
    if settings.allowed_lateness_hours is not None:
        config = config.model_copy(update={"allowed_lateness_hours": settings.allowed_lateness_hours})
    return config


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
