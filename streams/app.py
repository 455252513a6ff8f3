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
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import faust
import orjson
from aiokafka import AIOKafkaConsumer
from faust.web import Request, Response, View
from pydantic import BaseModel

from streams import faust_fixes, health, kafka_io, logs
from streams import topics as registry
from streams.detect import DRIVER_KEY, Detector, TableStore
from streams.domain.cleaning import DuplicateIndex
from streams.domain.detection import DetectorConfig
from streams.metrics import Metrics, mount
from streams.models import CleanArticle, RelationObservation, RelationshipAlert, SourceWatermark, Stage
from streams.pipeline import MAX_DEAD_LETTER_KEY_BYTES, Cleaner, StageError, dead_letter, observations
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

    def __init__(self, deadletter: faust.TopicT, progress: health.Progress, max_message_bytes: int,
                 metrics: Metrics) -> None:
        self.deadletter, self.progress, self.max_message_bytes = deadletter, progress, max_message_bytes
        self.metrics = metrics

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
        message = event.message
        self.metrics.took(stage, message.topic)
        article_id = message.key.decode("utf-8", "replace") if message.key and stage != "detect" else None
        with logs.context(article_id=article_id, stage=stage, partition=message.partition):
            try:
                with self.metrics.timed(stage):
                    return work(event.value, *args)
            except (BadEvent, StageError) as exc:
                self.metrics.dead_letter(stage, exc)
                await self.reject(stage, getattr(exc, "reason", str(exc)), event)
            except Exception as exc:  # a defect must not stop the stream: the event is kept for replay
                log.exception("%s failed", stage)
                self.metrics.dead_letter(stage, exc)
                await self.reject(stage, f"internal error: {type(exc).__name__}: {exc}", event)
        return None

    async def send(
        self, stage: Stage, event: faust.EventT[bytes], topic: faust.TopicT, records: Sequence[tuple[str, BaseModel]]
    ) -> list[Any]:
        """Send a stage's (key, payload) outputs. An output the broker would refuse for its size is caught first
        and the event dead-lettered: a failed send would crash the agent, and Faust would commit past the event."""
        encoded = [(key.encode(), encode(payload)) for key, payload in records]
        too_big = max(len(value) for _, value in encoded)
        if too_big > self.max_message_bytes:
            limit = self.max_message_bytes
            self.metrics.dead_letter(stage, "too_large")
            await self.reject(stage, f"output of {too_big} bytes exceeds max_message_bytes ({limit})", event)
            return []
        # Wait for the broker's acknowledgement before the event counts as done: Faust commits the offset once the
        # agent moves on, so an output that failed to arrive would otherwise be lost.
        delivered = [await topic.send(key=key, value=value) for key, value in encoded]
        acknowledged = await delivery(stage, topic, delivered)
        self.metrics.delivered(stage, event.message.timestamp)
        return acknowledged


async def delivery(stage: str, topic: faust.TopicT, sent: Sequence[Any]) -> list[Any]:
    """The broker's acknowledgements (RecordMetadata) of sent records; a worker that cannot deliver stops."""
    try:
        return list(await asyncio.gather(*sent))
    except Exception:
        log.critical("could not deliver %s's outputs to %s; stopping so the event is re-read", stage, topic)
        os._exit(75)  # no commit happens: the event is delivered again to whichever worker takes over


class WatermarkSender:
    """The clean agent's watermarks: for each partition of articles.raw it reads, the newest published_at read, sent
    to every partition of relations.watermarks once the observations before it are acknowledged, with the offset of
    relations.observed they lie below, and, when it has read to the partition's end, that end offset (idle).
    While behind, at most every `every_s`: how often is promptness, not correctness.

    A watermark says that every record of the partition before it is done, so only records read one after another
    from where the assignment began count (`done`): one that comes past a hole (Faust dropped the records before it,
    streams/faust_fixes.py, which reads them again) moves nothing until the hole is filled."""

    def __init__(self, app: faust.App, topic: faust.TopicT, partitions: int, every_s: float = 0.25) -> None:
        self.app, self.topic, self.partitions, self.every_s = app, topic, partitions, every_s
        self.newest: dict[int, datetime] = {}
        self.last_sent: dict[int, float] = {}
        self.observed_end: dict[int, int] = {}  # relations.observed partition -> past the last offset acknowledged
        self.next_offset: dict[int, int] = {}  # articles.raw partition -> every offset below it is done
        self.rebalances = app.rebalancing_count

    def begin(self, event: faust.EventT[bytes]) -> None:
        """Before an event: after a rebalance, each partition counts from where its consumer began reading."""
        if self.app.rebalancing_count != self.rebalances:
            self.rebalances = self.app.rebalancing_count
            self.next_offset.clear()
        message = event.message
        if message.partition not in self.next_offset:  # no commit yet: the partition's first record read starts it
            self.next_offset[message.partition] = faust_fixes.read_from(self.app, message.tp) or message.offset

    def done(self, event: faust.EventT[bytes]) -> bool:
        """The event's outputs are acknowledged: whether it and every record before it in its partition are done."""
        partition, offset = event.message.partition, event.message.offset
        expected = self.next_offset.get(partition, offset)
        if offset == expected:
            self.next_offset[partition] = offset + 1
        return offset <= expected

    def sent(self, acknowledged: Sequence[Any]) -> None:
        for metadata in acknowledged:
            self.observed_end[metadata.partition] = max(self.observed_end.get(metadata.partition, 0),
                                                        metadata.offset + 1)

    def read(self, partition: int, published_at: datetime) -> None:
        if partition not in self.newest or published_at > self.newest[partition]:
            self.newest[partition] = published_at

    async def after(self, event: faust.EventT[bytes]) -> None:
        message = event.message
        try:
            end = self.app.consumer.highwater(message.tp)
        except Exception:  # the driver has no figure yet: not known to be at the end
            end = None
        at_end = end is not None and message.offset + 1 >= end
        now = time.monotonic()
        if not at_end and now - self.last_sent.get(message.partition, 0.0) < self.every_s:
            return
        self.last_sent[message.partition] = now
        sent = []
        for partition in range(self.partitions):
            mark = SourceWatermark(
                source_topic=message.topic,
                source_partition=message.partition,
                watermark=self.newest.get(message.partition),
                read_to_end=end if at_end else None,
                observed_offset=self.observed_end.get(partition, 0),
            )
            sent.append(await self.topic.send(key=str(message.partition).encode(), value=encode(mark),
                                              partition=partition))
        await delivery("clean", self.topic, sent)


class SourceExtent:
    """The partitions of articles.raw with their beginning and end offsets, for the detect driver (which source
    partitions are empty, and which are still idle). Looked up again before each watermark is taken, so that the
    figures are newer than every watermark that counts: a record appended before a watermark was sent then shows,
    and its partition is not taken for idle while the watermark passes it."""

    def __init__(self, bootstrap: str, settings: Settings, topic: str) -> None:
        self.bootstrap, self.settings, self.topic = bootstrap, settings, topic
        self.consumer: AIOKafkaConsumer | None = None

    async def refresh(self, detector: Detector) -> None:
        if self.consumer is None:
            self.consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, group_id=None,
                                             enable_auto_commit=False, **kafka_io.client_options(self.settings))
            await self.consumer.start()
        try:
            detector.set_extent(await kafka_io.extent(self.consumer, self.topic))
        except Exception as exc:  # the broker is busy or away: no figures, so no partition counts as idle
            log.warning("could not read the offsets of %s: %s", self.topic, exc)
            detector.set_extent(None)


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
    progress = health.Progress(
        inputs={settings.topic(spec.name): stage.name for stage in registry.TOPOLOGY for spec in stage.inputs}
    )
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
    metrics = Metrics()
    mount(app, metrics, inputs=list(progress.inputs))
    io = StageIO(topic[registry.DEADLETTER.name], progress, settings.max_message_bytes, metrics)
    cleaner = Cleaner(
        max_body_bytes=settings.max_body_bytes,
        dedup=DuplicateIndex(max_entries=settings.dedup_max_entries, ttl=timedelta(days=settings.dedup_ttl_days)),
    )
    dense = settings.topic(registry.OBSERVED.name) in faust_fixes.inputs_without_markers(settings)
    detector = Detector(config=detector_config(settings), store=TableStore(pairs), dense_offsets=dense)
    raw, clean_out, observed, alerts_out = (
        topic[spec.name] for spec in (registry.RAW, registry.CLEAN, registry.OBSERVED, registry.ALERTS)
    )
    marks = WatermarkSender(app, topic[registry.WATERMARKS.name], settings.topic_partitions)
    extent = SourceExtent(bootstrap, settings, raw.get_topic_name())
    watermarks_name = settings.topic(registry.WATERMARKS.name)
    rebalances = [app.rebalancing_count]
    begun: set[int] = set()  # partitions of relations.observed read since the last rebalance

    def clean_one(value: bytes, received_at: datetime | None) -> CleanArticle:
        return cleaner(registry.RAW.decode(value), received_at=received_at)

    def relate_one(value: bytes, article: CleanArticle) -> list[RelationObservation]:
        return observations(article)

    def observation_one(value: bytes, partition: int, offset: int) -> list[RelationshipAlert]:
        return detector.take_observation(registry.OBSERVED.decode(value), partition, offset)

    def watermark_one(value: bytes, partition: int) -> list[RelationshipAlert]:
        return detector.take_watermark(registry.WATERMARKS.decode(value), partition)

    @app.agent(raw, name="clean")
    async def clean(stream: faust.StreamT[bytes]) -> None:
        """clean and relate: articles.clean and relations.observed, then the source partition's watermark."""
        async for event in stream.events():
            marks.begin(event)
            article = await io.process("clean", event, clean_one, _from_epoch(event.message.timestamp))
            if article is not None:
                await io.send("clean", event, clean_out, [(article.article_id, article)])
                metrics.cleaned(article)
                found = await io.process("relate", event, relate_one, article)
                if found:
                    metrics.observed(found)
                    marks.sent(await io.send("relate", event, observed, [(o.pair, o) for o in found]))
            if not marks.done(event):
                continue
            if article is not None and article.published_at is not None:
                marks.read(event.message.partition, article.published_at)
            await marks.after(event)

    @app.agent(app.topic(observed.get_topic_name(), watermarks_name), name="detect")
    async def detect(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            message = event.message
            if app.rebalancing_count != rebalances[0]:  # the table may hold newer clocks than this worker's cache
                rebalances[0] = app.rebalancing_count
                detector.forget()
                begun.clear()
            if message.topic != watermarks_name and message.partition not in begun:
                begun.add(message.partition)
                detector.read_from(message.partition, faust_fixes.read_from(app, message.tp) or 0)
            if message.topic == watermarks_name:
                await extent.refresh(detector)
                alerts = await io.process("detect", event, watermark_one, message.partition)
            else:
                alerts = await io.process("detect", event, observation_one, message.partition, message.offset)
            if alerts:
                await io.send("detect", event, alerts_out, [(a.pair, a) for a in alerts])
                metrics.alerted(alerts)

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
            return self.json({"pairs": {pair.decode(): _summary(value) for pair, value in pairs.items()
                                        if not pair.startswith(DRIVER_KEY)}})

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
