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
import functools
import logging
import os
import time
from collections.abc import Awaitable, Callable, Sequence
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
from streams.pipeline import (
    MAX_DEAD_LETTER_KEY_BYTES,
    Cleaner,
    StageError,
    dead_letter,
    observations,
    observations_many,
)
from streams.settings import Settings
from streams.topics import BadEvent, encode

log = logging.getLogger(__name__)
T = TypeVar("T")
# What the clean agent takes at once: what the consumer has, up to BATCH_SIZE, waiting at most BATCH_WITHIN_S for
# more. Its outputs are sent together and acknowledged once, and relate parses the batch's candidate sentences
# together. A dense article is some 30 ms of CPU, so a full batch keeps the event loop for about a second.
BATCH_SIZE = 32
BATCH_WITHIN_S = 0.005


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
    """How an agent runs a stage on events and sends what they give: failures go to the dead-letter topic with the
    original bytes. Every output, dead letters included, is only handed to the producer here; it counts as delivered
    once `flush` has awaited the broker's acknowledgement of everything sent since the last flush, which an agent
    does before it lets its events be acknowledged (Faust commits the offsets of acknowledged events)."""

    def __init__(self, deadletter: faust.TopicT, progress: health.Progress, max_message_bytes: int,
                 metrics: Metrics) -> None:
        self.deadletter, self.progress, self.max_message_bytes = deadletter, progress, max_message_bytes
        self.metrics = metrics
        self.sending: list[Any] = []  # futures of the broker's acknowledgements, in the order sent (one agent's)
        self.inputs: list[tuple[Stage, float | None]] = []  # (stage, input record's time) of each event's outputs

    async def reject(self, stage: Stage, error: str, event: faust.EventT[bytes]) -> None:
        message = event.message
        log.warning("dead-lettering %s/%s@%s at %s: %s", message.topic, message.partition, message.offset, stage, error)
        letter = dead_letter(stage, error, message.value, topic=message.topic, partition=message.partition,
                             offset=message.offset, key=message.key)
        key = message.key[:MAX_DEAD_LETTER_KEY_BYTES] if message.key else None
        self.sending.append(await self.deadletter.send(key=key, value=encode(letter)))

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

    async def process_many(self, stage: Stage, events: Sequence[faust.EventT[bytes]],
                           work_many: Callable[[list[Any]], list[T]], items: Sequence[Any],
                           work_one: Callable[..., T]) -> list[T | None]:
        """Run a stage on a batch at once (`work_many(items)`, one result per item); should that fail, on each event
        by itself (`work_one(event.value, item)`), so that only the events that fail are dead-lettered."""
        if not events:
            return []
        for event in events:
            self.progress.tick(stage)
            self.metrics.took(stage, event.message.topic)
        try:
            with logs.context(stage=stage), self.metrics.timed(stage):
                return list(work_many(list(items)))
        except Exception:
            log.warning("%s failed on a batch of %d; taking its events one by one", stage, len(events),
                        exc_info=True)
        results: list[T | None] = []
        for event, item in zip(events, items, strict=True):
            results.append(await self.process(stage, event, work_one, item))
        return results

    async def send(
        self, stage: Stage, event: faust.EventT[bytes], topic: faust.TopicT, records: Sequence[tuple[str, BaseModel]]
    ) -> None:
        """Send a stage's (key, payload) outputs. An output the broker would refuse for its size is caught first
        and the event dead-lettered: a failed send would end the worker."""
        encoded = [(key.encode(), encode(payload)) for key, payload in records]
        too_big = max(len(value) for _, value in encoded)
        if too_big > self.max_message_bytes:
            limit = self.max_message_bytes
            self.metrics.dead_letter(stage, "too_large")
            await self.reject(stage, f"output of {too_big} bytes exceeds max_message_bytes ({limit})", event)
            return
        self.sending.extend([await topic.send(key=key, value=value) for key, value in encoded])
        self.inputs.append((stage, event.message.timestamp))

    async def flush(self, stage: Stage) -> list[Any]:
        """Await the broker's acknowledgements (RecordMetadata, in the order sent) of everything sent since the last
        flush; a worker that cannot deliver stops, its events unacknowledged."""
        sending, inputs = self.sending, self.inputs
        self.sending, self.inputs = [], []
        acknowledged = await delivery(stage, sending)
        for output_stage, timestamp in inputs:
            self.metrics.delivered(output_stage, timestamp)
        return acknowledged


async def delivery(stage: str, sent: Sequence[Any]) -> list[Any]:
    """The broker's acknowledgements (RecordMetadata) of sent records; a worker that cannot deliver stops."""
    try:
        return list(await asyncio.gather(*sent))
    except Exception:
        log.critical("could not deliver %s's outputs; stopping so that its events are read again", stage)
        os._exit(75)  # no commit happens: the events are delivered again to whichever worker takes over


def ends_the_worker(agent: Callable[[faust.StreamT[bytes]], Awaitable[None]]
                    ) -> Callable[[faust.StreamT[bytes]], Awaitable[None]]:
    """An agent that fails halfway through a batch ends the worker at once, the batch unacknowledged
    (faust_fixes.batches), so that whichever worker takes over reads it again. (Faust would restart the agent and
    read on past the batch.)"""

    @functools.wraps(agent)
    async def run(stream: faust.StreamT[bytes]) -> None:
        try:
            await agent(stream)
        except Exception:
            log.critical("the %s agent failed; stopping so that its batch is read again", agent.__name__,
                         exc_info=True)
            os._exit(70)

    return run


class Extent:
    """The beginning and end offsets of a topic's partitions now, read by a consumer of its own (in no group)."""

    def __init__(self, bootstrap: str, settings: Settings) -> None:
        self.bootstrap, self.settings = bootstrap, settings
        self.consumer: AIOKafkaConsumer | None = None

    async def of(self, topic: str) -> dict[int, tuple[int, int]] | None:
        """{partition: (beginning, end)}, or None when the broker did not answer."""
        try:
            if self.consumer is None:
                consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, group_id=None,
                                            enable_auto_commit=False, **kafka_io.client_options(self.settings))
                await consumer.start()
                self.consumer = consumer
            return await kafka_io.extent(self.consumer, topic)
        except Exception as exc:  # the broker is busy or away
            log.warning("could not read the offsets of %s: %s", topic, exc)
            return None


class WatermarkSender:
    """The clean agent's watermarks: for each partition of articles.raw it reads, the newest published_at of the
    records done, sent to every partition of relations.watermarks once the outputs of those records are
    acknowledged, with the offset of relations.observed that their observations lie below, and, when every record of
    the partition is done, its end offset (idle). While behind, at most every `every_s`: how often is promptness,
    not correctness.

    A watermark says that every record of its partition below `next_offset` is done, so `next_offset` moves only
    over offsets done one after another, from a start known to be done: the offset the group has committed (a
    commit covers only acknowledged events, streams/faust_fixes.py) or, with no commit, the partition's beginning.
    Never from the first record read: Faust drops records at rebalances (faust_fixes.py, which reads them again),
    and forgets the committed offset while a rebalance is in progress; a record that comes past a hole moves
    nothing until the hole is filled. What this worker counted stays counted across rebalances (its outputs were
    acknowledged); a commit ahead of it lets it jump. Records below such a commit may have been related by another
    worker, whose observations can lie above every offset this one was acknowledged, so after a jump the offsets
    of relations.observed are read from the broker before the next watermark is sent."""

    def __init__(self, app: faust.App, topic: faust.TopicT, partitions: int, offsets: Extent, raw_topic: str,
                 observed_topic: str, every_s: float = 0.25) -> None:
        self.app, self.topic, self.partitions, self.every_s = app, topic, partitions, every_s
        self.offsets, self.raw_topic, self.observed_topic = offsets, raw_topic, observed_topic
        self.newest: dict[int, datetime] = {}
        self.last_sent: dict[int, float] = {}
        self.observed_end: dict[int, int] = {}  # relations.observed partition -> past the observations done
        self.next_offset: dict[int, int] = {}  # articles.raw partition -> every offset below it is done
        self.observed_stale = False  # observed_end may not cover observations of every record counted done

    def sent(self, acknowledged: Sequence[Any]) -> None:
        for metadata in acknowledged:
            if metadata.topic == self.observed_topic:
                self.observed_end[metadata.partition] = max(self.observed_end.get(metadata.partition, 0),
                                                            metadata.offset + 1)

    def read(self, partition: int, published_at: datetime) -> None:
        if partition not in self.newest or published_at > self.newest[partition]:
            self.newest[partition] = published_at

    async def done(self, batch: Sequence[faust.EventT[bytes]], articles: Sequence[CleanArticle | None]) -> list[Any]:
        """Every output of the batch is acknowledged: count its events done, in offset order per partition (all of
        the batch is done at once), from where each partition's done records end. The partitions that moved."""
        read: dict[Any, list[tuple[int, datetime | None]]] = {}
        for event, article in zip(batch, articles, strict=True):
            published_at = article.published_at if article is not None else None
            read.setdefault(event.message.tp, []).append((event.message.offset, published_at))
        counted = []
        for tp, records in read.items():
            start = await self._start(tp)
            if start is None:
                continue
            before = self.next_offset.get(tp.partition, start)
            for offset, published_at in sorted(records, key=lambda record: record[0]):
                if offset > start:  # a hole: the records before it are not done
                    break
                start = max(start, offset + 1)
                if published_at is not None:
                    self.read(tp.partition, published_at)
            self.next_offset[tp.partition] = start
            if start > before:
                counted.append(tp)
        return counted

    async def _start(self, tp: Any) -> int | None:
        """Where the partition's done records end: what this worker counted, or the group's commit if ahead of it,
        or with neither the partition's beginning (None when that cannot be read now)."""
        counted = self.next_offset.get(tp.partition)
        committed = faust_fixes.read_from(self.app, tp)
        if committed is not None and (counted is None or committed > counted):
            self.observed_stale = True
            return committed
        if counted is not None:
            return counted
        extent = await self.offsets.of(self.raw_topic)
        return extent[tp.partition][0] if extent and tp.partition in extent else None

    async def after(self, counted: Sequence[Any]) -> None:
        """Send the watermark of each partition that counted (when due), once observed_end covers its records."""
        now = time.monotonic()
        due: list[tuple[Any, int | None]] = []
        for tp in counted:
            try:
                end = self.app.consumer.highwater(tp)
            except Exception:  # the driver has no figure yet: not known to be at the end
                end = None
            at_end = end is not None and self.next_offset[tp.partition] >= end
            if at_end or now - self.last_sent.get(tp.partition, 0.0) >= self.every_s:
                due.append((tp, end if at_end else None))
        if not due:
            return
        if self.observed_stale:
            extent = await self.offsets.of(self.observed_topic)
            if extent is None:
                return  # sent after a later batch
            for partition, (_, end) in extent.items():
                self.observed_end[partition] = max(self.observed_end.get(partition, 0), end)
            self.observed_stale = False
        sent = []
        for tp, read_to_end in due:
            self.last_sent[tp.partition] = now
            for partition in range(self.partitions):
                mark = SourceWatermark(
                    source_topic=tp.topic,
                    source_partition=tp.partition,
                    watermark=self.newest.get(tp.partition),
                    read_to_end=read_to_end,
                    observed_offset=self.observed_end.get(partition, 0),
                )
                sent.append(await self.topic.send(key=str(tp.partition).encode(), value=encode(mark),
                                                  partition=partition))
        await delivery("clean", sent)


class SourceExtent:
    """The partitions of articles.raw with their beginning and end offsets, for the detect driver (which source
    partitions are empty, and which are still idle). Looked up again before each watermark is taken, so that the
    figures are newer than every watermark that counts: a record appended before a watermark was sent then shows,
    and its partition is not taken for idle while the watermark passes it."""

    def __init__(self, offsets: Extent, topic: str) -> None:
        self.offsets, self.topic = offsets, topic

    async def refresh(self, detector: Detector) -> None:
        # no figures (the broker is busy or away): no partition counts as idle
        detector.set_extent(await self.offsets.of(self.topic))


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
    # One per agent: each flush awaits its own agent's sends only (a shared one let the detect agent's flush take
    # the clean agent's sends, whose batch then counted as done before they were acknowledged).
    clean_io, detect_io = (StageIO(topic[registry.DEADLETTER.name], progress, settings.max_message_bytes, metrics)
                           for _ in range(2))
    cleaner = Cleaner(
        max_body_bytes=settings.max_body_bytes,
        dedup=DuplicateIndex(max_entries=settings.dedup_max_entries, ttl=timedelta(days=settings.dedup_ttl_days)),
    )
    dense = settings.topic(registry.OBSERVED.name) in faust_fixes.inputs_without_markers(settings)
    store = TableStore(pairs)
    detector = Detector(config=detector_config(settings), store=store, dense_offsets=dense)
    raw, clean_out, observed, alerts_out = (
        topic[spec.name] for spec in (registry.RAW, registry.CLEAN, registry.OBSERVED, registry.ALERTS)
    )
    observed_name, watermarks_name = observed.get_topic_name(), settings.topic(registry.WATERMARKS.name)
    marks = WatermarkSender(app, topic[registry.WATERMARKS.name], settings.topic_partitions,
                            Extent(bootstrap, settings), raw.get_topic_name(), observed_name)
    extent = SourceExtent(Extent(bootstrap, settings), raw.get_topic_name())
    rebalances = [app.rebalancing_count]

    def clean_one(value: bytes, received_at: datetime | None) -> CleanArticle:
        return cleaner(registry.RAW.decode(value), received_at=received_at)

    def relate_one(value: bytes, article: CleanArticle) -> list[RelationObservation]:
        return observations(article)  # a batch's articles one by one, after relating them together failed

    def observation_one(value: bytes, partition: int, offset: int) -> list[RelationshipAlert]:
        return detector.take_observation(registry.OBSERVED.decode(value), partition, offset)

    def watermark_one(value: bytes, partition: int) -> list[RelationshipAlert]:
        return detector.take_watermark(registry.WATERMARKS.decode(value), partition)

    @app.agent(raw, name="clean")
    @ends_the_worker
    async def clean(stream: faust.StreamT[bytes]) -> None:
        """clean and relate a batch: articles.clean and relations.observed, then the source partitions' watermarks,
        and only then is the batch acknowledged (faust_fixes.batches)."""
        async for batch in faust_fixes.batches(stream, BATCH_SIZE, BATCH_WITHIN_S):
            metrics.batch("clean", len(batch))
            articles: list[CleanArticle | None] = []
            for event in batch:
                article = await clean_io.process("clean", event, clean_one, _from_epoch(event.message.timestamp))
                articles.append(article)
                if article is not None:
                    await clean_io.send("clean", event, clean_out, [(article.article_id, article)])
                    metrics.cleaned(article)
            cleaned = [(event, article) for event, article in zip(batch, articles, strict=True) if article is not None]
            related = await clean_io.process_many("relate", [event for event, _ in cleaned], observations_many,
                                            [article for _, article in cleaned], relate_one)
            for (event, _), found in zip(cleaned, related, strict=True):
                if found:
                    metrics.observed(found)
                    await clean_io.send("relate", event, observed, [(o.pair, o) for o in found])
            marks.sent(await clean_io.flush("clean"))
            await marks.after(await marks.done(batch, articles))

    @app.agent(app.topic(observed.get_topic_name(), watermarks_name), name="detect")
    @ends_the_worker
    async def detect(stream: faust.StreamT[bytes]) -> None:
        """A batch of observations and watermarks: the detect driver over each in turn, the table written once per
        entry per batch (TableStore), the alerts sent, and their acknowledgements awaited before the batch is."""
        last: dict[int, faust.EventT[bytes]] = {}  # partition -> the batch's last event of it

        def current(partition: int) -> bool:
            faust_fixes.current(last[partition])  # the table writes go to that partition's changelog
            return True

        async for batch in faust_fixes.batches(stream, BATCH_SIZE, BATCH_WITHIN_S):
            metrics.batch("detect", len(batch))
            if any(event.message.topic == watermarks_name for event in batch):
                await extent.refresh(detector)  # newer than every watermark of the batch
            for event in batch:
                message = event.message
                if app.rebalancing_count != rebalances[0]:  # the table may hold newer clocks than the driver's cache
                    rebalances[0] = app.rebalancing_count
                    detector.forget()
                faust_fixes.current(event)
                store.begin(message.partition)
                last[message.partition] = event
                if message.topic == watermarks_name:
                    alerts = await detect_io.process("detect", event, watermark_one, message.partition)
                else:
                    # what the group has committed was read (None while a rebalance is in progress)
                    detector.read_from(message.partition, faust_fixes.read_from(app, message.tp) or 0)
                    alerts = await detect_io.process("detect", event, observation_one, message.partition,
                                                     message.offset)
                if alerts:
                    await detect_io.send("detect", event, alerts_out, [(a.pair, a) for a in alerts])
                    metrics.alerted(alerts)
            store.flush(current)
            last.clear()
            await detect_io.flush("detect")  # its alerts and dead letters acknowledged before the batch is

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
