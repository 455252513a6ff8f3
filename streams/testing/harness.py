"""Shared pieces of the fault and fuzz benchmarks and the integration tests: a broker of their own, workers,
synthetic articles, and reading back everything that reached the output topics.

The benchmarks run on loopback only. Unless KAFKA_BOOTSTRAP (or DYADWATCH_KAFKA_BOOTSTRAP) names a cluster, they
start a private single-node broker on free ports with a throw-away data directory, so they never disturb the
shared development broker on 9092 and may stop and restart theirs at will.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from streams import kafka_io
from streams import topics as registry
from streams.runner import WorkerProcess, free_port
from streams.settings import Settings

Record = tuple[bytes | None, bytes]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- broker


@dataclass
class Broker:
    bootstrap: str
    managed: bool
    port: int = 0
    controller_port: int = 0
    data_dir: Path | None = None

    def restart(self) -> float:
        """Stop (SIGTERM: a clean shutdown) and start the broker again; returns how long it was down."""
        if not self.managed:
            raise RuntimeError("only a broker this benchmark started may be restarted")
        from streams import kafka_local

        began = time.monotonic()
        kafka_local.stop(port=self.port, data_dir=self.data_dir)
        kafka_local.start(port=self.port, controller_port=self.controller_port, data_dir=self.data_dir)
        return time.monotonic() - began


@contextlib.contextmanager
def broker() -> Iterator[Broker]:
    """The configured cluster, or a private broker on free ports that is stopped and deleted afterwards."""
    for name in ("DYADWATCH_KAFKA_BOOTSTRAP", "KAFKA_BOOTSTRAP"):
        configured = os.environ.get(name, "").strip()
        if configured:
            yield Broker(configured, managed=False)
            return
    from streams import kafka_local
    from streams.kafka_local.jars import to_stderr

    port, controller_port = free_port(), free_port()
    data_dir = Path(tempfile.mkdtemp(prefix="dyadwatch-bench-broker-"))
    try:
        kafka_local.start(port=port, controller_port=controller_port, data_dir=data_dir, progress=to_stderr)
        yield Broker(f"127.0.0.1:{port}", True, port, controller_port, data_dir)
    finally:
        kafka_local.stop(port=port, data_dir=data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)


# ---------------------------------------------------------------- a pipeline run: names and workers


@dataclass
class Run:
    """One pipeline instance: its own app id (consumer group) and topic names, and the workers serving it."""

    bootstrap: str
    work_dir: Path
    name: str = field(default_factory=lambda: f"b{uuid.uuid4().hex[:10]}")
    partitions: int = 4
    extra_env: dict[str, str] = field(default_factory=dict)
    workers: list[WorkerProcess] = field(default_factory=list)
    started_workers: int = 0

    @property
    def settings(self) -> Settings:
        return Settings(app_id=f"{self.name}-app", topic_prefix=f"{self.name}.", kafka_bootstrap=self.bootstrap,
                        topic_partitions=self.partitions)

    def topic(self, spec: registry.Topic[Any]) -> str:
        return self.settings.topic(spec.name)

    def env(self) -> dict[str, str]:
        settings = self.settings
        return {
            "DYADWATCH_APP_ID": settings.app_id,
            "DYADWATCH_TOPIC_PREFIX": settings.topic_prefix,
            "DYADWATCH_KAFKA_BOOTSTRAP": self.bootstrap,
            "KAFKA_BOOTSTRAP": self.bootstrap,
            "DYADWATCH_TOPIC_PARTITIONS": str(self.partitions),
            **self.extra_env,
        }

    def create_topics(self, max_message_bytes: int | None = None) -> None:
        if max_message_bytes is not None:
            asyncio.run(_create_big_topics(self.bootstrap, self.settings, max_message_bytes))
        asyncio.run(kafka_io.ensure_topics(self.bootstrap, self.settings))

    def start_worker(self, timeout_s: float = 120.0) -> WorkerProcess:
        self.started_workers += 1
        index = self.started_workers
        env = {**self.env(), "DYADWATCH_DATA_DIR": str(self.work_dir / f"worker-{index}")}
        worker = WorkerProcess(env, self.work_dir / f"worker-{index}.log").start()
        self.workers.append(worker)
        worker.wait_ready(timeout_s)
        return worker

    def delete_topics(self) -> None:
        """Delete the run's topics and changelogs (on a shared broker they would pile up run after run)."""
        asyncio.run(kafka_io.delete_topics_with_prefix(self.bootstrap, self.settings, self.name))

    def stop_all(self) -> None:
        for worker in self.workers:
            worker.stop()

    def lag(self) -> int:
        inputs = [self.topic(spec) for stage in registry.TOPOLOGY for spec in stage.inputs]
        return asyncio.run(kafka_io.group_lag(self.bootstrap, self.settings, self.settings.app_id, inputs))

    def drain(self, timeout_s: float) -> float:
        """Wait until the group has committed all its input; returns the seconds it took."""
        began = time.monotonic()
        asyncio.run(kafka_io.wait_drained(self.bootstrap, self.settings, timeout_s=timeout_s, quiet_s=1.0))
        return time.monotonic() - began


async def _create_big_topics(bootstrap: str, settings: Settings, max_message_bytes: int) -> None:
    """articles.raw and articles.deadletter with a per-topic message limit above the broker's ~1 MB default."""
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic
    from aiokafka.errors import TopicAlreadyExistsError

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **kafka_io.client_options(settings))
    await admin.start()
    try:
        configs = {"max.message.bytes": str(max_message_bytes)}
        wanted = [NewTopic(settings.topic(spec.name), settings.topic_partitions, settings.topic_replicas,
                           topic_configs=configs) for spec in (registry.RAW, registry.DEADLETTER)]
        with contextlib.suppress(TopicAlreadyExistsError):
            await admin.create_topics(wanted)
    finally:
        await admin.close()


class Supervisor(threading.Thread):
    """What deploy/'s livenessProbe has Kubernetes do: restart a worker whose /live fails three probes in a row,
    ten seconds apart. (Only answers of failure count; a worker not answering yet is starting, or being killed by
    a fault.)"""

    def __init__(self, run: Run, period_s: float = 10.0, failures: int = 3) -> None:
        super().__init__(daemon=True)
        self.run_, self.period_s, self.failures = run, period_s, failures
        self.restarts = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        failed: dict[int, int] = {}
        while not self.stopped.wait(self.period_s):
            for worker in list(self.run_.workers):
                pid = worker.process.pid if worker.process else 0
                status, _ = worker.health("live")
                failed[pid] = failed.get(pid, 0) + 1 if status >= 500 else 0
                if failed[pid] >= self.failures and worker in self.run_.workers:
                    log(f"worker pid {pid} failed liveness {self.failures} times; restarting it")
                    worker.kill()
                    self.run_.workers.remove(worker)
                    self.restarts += 1
                    try:
                        self.run_.start_worker()
                    except (TimeoutError, RuntimeError) as exc:
                        log(f"the restarted worker did not come up: {exc}")

    def stop(self) -> None:
        self.stopped.set()
        if self.is_alive():
            self.join(timeout=150)


def events_processed(worker: WorkerProcess) -> int | None:
    """The worker's own count of events its agents took (from /ready), or None if it does not answer."""
    status, body = worker.health("ready")
    if status == 0:
        return None
    try:
        return int(sum(orjson.loads(body).get("events", {}).values()))
    except (orjson.JSONDecodeError, AttributeError):
        return None


def wait_progress(workers: Sequence[WorkerProcess], baseline: dict[int, int], timeout_s: float,
                  done: threading.Event | None = None) -> None:
    """Wait until every worker is ready and at least one has taken events beyond `baseline` (pid -> count), or
    until `done` is set and nothing is left to take. Raises TimeoutError saying which worker is stuck."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        statuses = [w.health("ready")[0] for w in workers]
        counts = {w.process.pid: events_processed(w) or 0 for w in workers if w.process}
        moved = any(count > baseline.get(pid, 0) for pid, count in counts.items())
        if all(s == 200 for s in statuses) and (moved or (done is not None and done.is_set())):
            return
        time.sleep(0.2)  # polling interval of a bounded wait
    tails = "\n".join(w.log_tail(15) for w in workers)
    raise TimeoutError(f"no worker made progress within {timeout_s:.0f} s after the fault:\n{tails}")


# ---------------------------------------------------------------- publishing


class Publisher(threading.Thread):
    """Publishes records at a steady rate on its own event loop; `progress` lets a fault wait for a point in
    the stream. A send that fails (broker down) is retried until `give_up_s`, and counted."""

    def __init__(self, bootstrap: str, settings: Settings, topic: str, records: Sequence[Record], *,
                 rate_per_s: float, max_request_size: int = 1_048_576, give_up_s: float = 120.0) -> None:
        super().__init__(daemon=True)
        self.bootstrap, self.settings, self.topic = bootstrap, settings, topic
        self.records, self.rate = records, rate_per_s
        self.max_request_size, self.give_up_s = max_request_size, give_up_s
        self.sent = 0
        self.retries = 0
        self.refused: list[tuple[int, str]] = []  # (index, error) the producer itself would not send
        self.error: BaseException | None = None
        self.done = threading.Event()
        self._progress = threading.Condition()

    def wait_for(self, fraction: float, timeout_s: float) -> None:
        target = int(len(self.records) * fraction)
        with self._progress:
            if not self._progress.wait_for(lambda: self.sent >= target or self.done.is_set(), timeout_s):
                raise TimeoutError(f"publisher stuck at {self.sent}/{len(self.records)}")

    def run(self) -> None:
        try:
            asyncio.run(self._publish())
        except BaseException as exc:
            self.error = exc
        finally:
            self.done.set()
            with self._progress:
                self._progress.notify_all()

    async def _publish(self) -> None:
        from aiokafka import AIOKafkaProducer
        from aiokafka.errors import KafkaError, MessageSizeTooLargeError

        producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap, acks="all", enable_idempotence=True, linger_ms=5,
            max_request_size=self.max_request_size, request_timeout_ms=15_000,
            **kafka_io.client_options(self.settings),
        )
        await producer.start()
        interval = 1.0 / self.rate if self.rate > 0 else 0.0
        began = time.monotonic()
        try:
            for index, (key, value) in enumerate(self.records):
                due = began + index * interval
                if interval and due > time.monotonic():
                    await asyncio.sleep(due - time.monotonic())
                deadline = time.monotonic() + self.give_up_s
                while True:
                    try:
                        await producer.send_and_wait(self.topic, value=value, key=key)
                        break
                    except MessageSizeTooLargeError as exc:
                        self.refused.append((index, f"{type(exc).__name__}: {exc}"))
                        break
                    except KafkaError:
                        # The broker is down or moving: a fault under test. Retrying may write the record
                        # twice; the run counts input records, so that shows.
                        if time.monotonic() > deadline:
                            raise
                        self.retries += 1
                        await asyncio.sleep(0.5)
                with self._progress:
                    self.sent += 1
                    self._progress.notify_all()
        finally:
            await producer.stop()


# ---------------------------------------------------------------- reading the outputs


async def read_all(bootstrap: str, settings: Settings, topic_names: Sequence[str],
                   timeout_s: float = 120.0) -> dict[str, list[Any]]:
    """Every record now on these topics, from offset 0 to the end offsets taken at the start."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None,
                                auto_offset_reset="earliest", isolation_level="read_committed",
                                fetch_max_bytes=128 * 1024 * 1024,
                                max_partition_fetch_bytes=64 * 1024 * 1024, **kafka_io.client_options(settings))
    await consumer.start()
    try:
        partitions = []
        for name in topic_names:
            found = consumer.partitions_for_topic(name)
            if not found:
                await consumer._client.force_metadata_update()
                found = consumer.partitions_for_topic(name) or set()
            partitions += [TopicPartition(name, p) for p in found]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        out: dict[str, list[Any]] = {name: [] for name in topic_names}
        deadline = time.monotonic() + timeout_s
        pending = {tp for tp, end in ends.items() if end > 0}
        while pending:
            if time.monotonic() > deadline:
                raise TimeoutError(f"could not read {sorted(map(str, pending))} to the end in {timeout_s:.0f} s")
            batch = await consumer.getmany(*pending, timeout_ms=1000)
            for tp, messages in batch.items():
                for message in messages:
                    if message.offset < ends[tp]:
                        out[tp.topic].append(message)
                if await consumer.position(tp) >= ends[tp]:
                    pending.discard(tp)
        return out
    finally:
        await consumer.stop()


async def feed_paced(bootstrap: str, settings: Settings, lines: Sequence[bytes]) -> None:
    """Publish one article at a time and wait until the worker has committed it: news arrives over time."""
    for line in lines:
        await kafka_io.publish(bootstrap, settings, settings.topic(registry.RAW.name), [(None, line)])
        await kafka_io.wait_drained(bootstrap, settings, timeout_s=60, quiet_s=0.2)


async def read_alerts(bootstrap: str, settings: Settings) -> list[Any]:
    """Every alert on the run's alert topic (RelationshipAlert models), once the topic has been quiet for 2 s."""
    alerts: list[Any] = []
    async with kafka_io.reading(bootstrap, settings, settings.topic(registry.ALERTS.name)) as consumer:
        while True:
            batch = await consumer.getmany(timeout_ms=2000)
            if not batch:
                return alerts
            for messages in batch.values():
                alerts.extend(registry.ALERTS.decode(m.value) for m in messages)


@dataclass
class Outputs:
    observations: list[tuple[str, bytes]]  # (observation_id, value) in the order read
    alerts: list[tuple[str, bytes]]
    dead_letters: list[Any]
    input_records: int
    reorder_s: float = 0.0
    reorder_event_h: float = 0.0
    announce_s: list[float] = field(default_factory=list)  # per reported alert: its article in Kafka -> alert sent
    broken_watermarks: list[str] = field(default_factory=list)  # see broken_watermarks()


def collect(run: Run) -> Outputs:
    specs = (registry.OBSERVED, registry.ALERTS, registry.DEADLETTER, registry.RAW, registry.WATERMARKS)
    names = [run.topic(t) for t in specs]
    read = asyncio.run(read_all(run.bootstrap, run.settings, names))
    observed, alerts, dead, raw, marks = (read[n] for n in names)
    appended = append_times(raw)
    return Outputs(
        observations=[(orjson.loads(m.value)["observation_id"], m.value) for m in observed],
        alerts=[(orjson.loads(m.value)["alert_id"], m.value) for m in alerts],
        dead_letters=[registry.DEADLETTER.decode(m.value) for m in dead],
        input_records=len(raw),
        announce_s=announcing(alerts, appended),
        broken_watermarks=broken_watermarks(raw, observed, marks),
        **reordering(observed, appended),
    )


def broken_watermarks(raw: list[Any], observed: list[Any], marks: list[Any]) -> list[str]:
    """Watermarks whose claim was false when sent. A watermark on partition d of relations.watermarks for source
    partition P says: every record of P up to the one dated `watermark` (or, read to end E, below E) is done, and
    its observations for d lie below `observed_offset` of relations.observed d. One that breaks it can make an
    article late that was not, and lose its alerts; often it does not (the observations came a moment later), so
    this is checked apart from the outputs. Returns a description of each broken one (all records from offset 0:
    the topics are the run's own)."""
    records: dict[int, list[tuple[int, str, datetime | None]]] = {}
    for m in raw:
        try:
            value = orjson.loads(m.value)
            published = value.get("published_at")
            records.setdefault(m.partition, []).append(
                (m.offset, str(value.get("id")), datetime.fromisoformat(published) if published else None))
        except (orjson.JSONDecodeError, AttributeError, TypeError, ValueError):
            records.setdefault(m.partition, []).append((m.offset, "", None))
    first: dict[tuple[int, str], int] = {}  # (relations.observed partition, observation id) -> first offset
    of_article: dict[tuple[str, int], set[str]] = {}  # (article id, relations.observed partition) -> observation ids
    for m in observed:
        value = orjson.loads(m.value)
        first.setdefault((m.partition, value["observation_id"]), m.offset)
        of_article.setdefault((value["article_id"], m.partition), set()).add(value["observation_id"])
    broken: list[str] = []
    for m in marks:
        mark = orjson.loads(m.value)
        source = sorted(records.get(mark["source_partition"], []))
        if mark["read_to_end"] is not None:
            covered = mark["read_to_end"]
        elif mark["watermark"] is not None:
            newest = datetime.fromisoformat(mark["watermark"])
            dated = [offset for offset, _, published in source if published == newest]
            covered = min(dated) + 1 if dated else 0
        else:
            continue
        for offset, article_id, _ in source:
            if offset >= covered:
                break
            late = [i for i in of_article.get((article_id, m.partition), ()) if first[(m.partition, i)] >=
                    mark["observed_offset"]]
            broken.extend(f"watermark {m.partition}@{m.offset} (source {mark['source_partition']}, below "
                          f"{covered}, observed offset {mark['observed_offset']}): {i} first at "
                          f"{first[(m.partition, i)]}" for i in late)
    return broken


def append_times(raw: list[Any]) -> dict[Any, float]:
    """When each article id was first appended to articles.raw, in seconds."""
    appended: dict[Any, float] = {}
    for m in raw:
        with contextlib.suppress(orjson.JSONDecodeError, AttributeError):
            appended.setdefault(orjson.loads(m.value).get("id"), m.timestamp / 1000)
    return appended


def announcing(alerts: list[Any], appended: dict[Any, float]) -> list[float]:
    """For each reported alert (first copy of each id), the seconds from its article's append to articles.raw to
    the alert's append to relations.alerts (both stamped by their producers on this machine)."""
    seen: set[str] = set()
    delays = []
    for m in sorted(alerts, key=lambda m: m.timestamp):
        alert = orjson.loads(m.value)
        if alert["trigger"] != "reported" or alert["alert_id"] in seen or not alert["evidence"]:
            continue
        seen.add(alert["alert_id"])
        at = appended.get(alert["evidence"][0]["article_id"])
        if at is not None:
            delays.append(round(m.timestamp / 1000 - at, 3))
    return delays


def reordering(observed: list[Any], appended: dict[Any, float]) -> dict[str, float]:
    """How far behind its pair's newest article an observation reached the detect stage, at worst: in seconds of
    publishing (the raw records' append times) and in hours of event time (published_at, what the detector's
    allowed lateness is measured in). Within a partition of relations.observed, offset order is the order the
    detect stage sees."""
    newest: dict[str, tuple[float, datetime]] = {}
    seen: set[str] = set()
    worst_s, worst_event = 0.0, timedelta(0)
    for m in sorted(observed, key=lambda m: (m.partition, m.offset)):
        obs = orjson.loads(m.value)
        at, published = appended.get(obs["article_id"]), datetime.fromisoformat(obs["published_at"])
        if at is None or obs["observation_id"] in seen:  # a redelivered copy: the detect stage skips it
            continue
        seen.add(obs["observation_id"])
        seen_at, seen_published = newest.get(obs["pair"], (at, published))
        worst_s, worst_event = max(worst_s, seen_at - at), max(worst_event, seen_published - published)
        newest[obs["pair"]] = (max(seen_at, at), max(seen_published, published))
    return {"reorder_s": round(worst_s, 2), "reorder_event_h": round(worst_event.total_seconds() / 3600, 1)}


def _comparable(value: bytes) -> Any:
    """A record's content for comparing two copies with the same id (the failure time is not content)."""
    data = orjson.loads(value)
    data.pop("failed_at", None)
    return data


def compare(expected: list[tuple[str, bytes]], got: list[tuple[str, bytes]]) -> dict[str, Any]:
    """Lost and duplicated ids of one output topic against the reference run's."""
    want = {i for i, _ in expected}
    counts = Counter(i for i, _ in got)
    contents: dict[str, set[bytes]] = {}
    for i, value in got:
        contents.setdefault(i, set()).add(orjson.dumps(_comparable(value), option=orjson.OPT_SORT_KEYS))
    # An expected record given without content (ids only) is compared by id alone.
    reference = {i: orjson.dumps(_comparable(v), option=orjson.OPT_SORT_KEYS) for i, v in expected if v}
    return {
        "unique": len(counts),
        "records": len(got),
        "expected": len(want),
        "lost": sorted(want - counts.keys()),
        "unexpected": sorted(counts.keys() - want),
        "duplicated": sum(c - 1 for c in counts.values()),
        # Dropping by id is only safe if all copies of an id are the same record.
        "conflicting": sorted(i for i, values in contents.items() if len(values) > 1),
        "differs_from_reference": sorted(
            i for i, values in contents.items() if i in reference and reference[i] not in values
        ),
    }


def dedup_by_id(records: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """What a downstream consumer does under the at-least-once guarantee: keep the first record of each id."""
    seen: set[str] = set()
    kept = []
    for record_id, value in records:
        if record_id not in seen:
            seen.add(record_id)
            kept.append((record_id, value))
    return kept


# ---------------------------------------------------------------- synthetic articles

# Invented templates (written for these benchmarks): each names two countries and says how they get on.
COUNTRIES = ["France", "Germany", "Japan", "India", "Brazil", "Canada", "Mexico", "Kenya", "Egypt", "Australia",
             "Argentina", "Indonesia", "Nigeria", "Spain", "Poland", "Vietnam"]
COOPERATIVE = [
    "{a} and {b} signed an agreement to expand trade in {topic}.",
    "The foreign ministers of {a} and {b} pledged closer cooperation on {topic} at talks on {day}.",
    "{a} will send emergency aid to {b} after the floods, its government said.",
    "Leaders of {a} and {b} praised their partnership and agreed a joint programme on {topic}.",
    "{a} and {b} agreed to hold regular consultations and to reopen direct flights.",
]
CONFLICT = [
    "{a} accused {b} of violating its airspace and summoned the ambassador.",
    "{a} expelled two diplomats from {b} in a deepening dispute over {topic}.",
    "{a} imposed sanctions on {b}, saying the move answered repeated provocations.",
    "Troops from {a} clashed with forces of {b} near the border on {day}, officials said.",
    "{a} condemned {b} for detaining its citizens and threatened retaliation.",
]
WARMING = ["Relations between {a} and {b} have warmed markedly in recent months."]
COOLING = ["Ties between {a} and {b} have cooled sharply since the spring."]
FILLER = [
    "Markets in the region were little changed on {day}.",
    "Analysts said the weather had delayed the harvest of {topic}.",
    "The statement was published on the ministry's website late in the evening.",
    "A spokesperson declined to comment further on the matter.",
]
TOPICS = ["grain", "rare earths", "fisheries", "semiconductors", "river water", "shipping lanes", "vaccines",
          "solar power", "tourism", "rail links", "fertiliser", "coffee"]
SOURCES = ["wire-a", "wire-b", "daily-c", "radio-d", "paper-e"]


def synthetic_articles(count: int, seed: int = 6, *, phase: int | None = None, reports: float = 0.1) -> list[Record]:
    """`count` raw article events: a dozen pairs that start friendly and turn hostile over the weeks, with the
    occasional explicit "ties have warmed/cooled" (a `reports` share of the articles). With `phase`, each pair
    instead turns every `phase` of its articles (friendly, hostile, friendly, ...), for more changes to find.
    Deterministic for a seed; keyed by article id; 3 hours of event time apart, in event-time order."""
    rng = random.Random(seed)
    pairs = [(COUNTRIES[i], COUNTRIES[(i * 5 + 3) % len(COUNTRIES)]) for i in range(12)]
    per_pair = Counter[int]()
    start = datetime(2025, 3, 1, 6, 0, tzinfo=UTC)
    records: list[Record] = []
    for n in range(count):
        which = n % len(pairs)
        a, b = pairs[which]
        if rng.random() < 0.5:
            a, b = b, a
        index = per_pair[which]
        per_pair[which] += 1
        hostile = (index // phase) % 2 == 1 if phase else index >= (count // len(pairs)) // 2
        templates = CONFLICT if hostile else COOPERATIVE
        day = (start + timedelta(hours=3 * n)).strftime("%A")
        fill = {"a": a, "b": b, "topic": rng.choice(TOPICS), "day": day}
        sentences = [t.format(**fill) for t in rng.sample(templates, 2)]
        if rng.random() < reports:
            sentences.append(rng.choice(COOLING if hostile else WARMING).format(**fill))
        sentences.insert(rng.randrange(len(sentences) + 1), rng.choice(FILLER).format(**fill))
        sentences.append(f"Officials said {rng.randrange(2, 900)} delegates took part in the meetings this week.")
        article_id = f"syn-{seed}-{n:05d}"
        event = {
            "id": article_id,
            "title": f"{a} and {b}: {fill['topic']}",
            "body": "\n".join(sentences),
            "source": rng.choice(SOURCES),
            "url": f"https://news.example/{article_id}",
            "published_at": (start + timedelta(hours=3 * n)).isoformat(),
            "language": "en",
        }
        records.append((article_id.encode(), orjson.dumps(event)))
    return records


def partition_of(key: bytes, partitions: int) -> int:
    """The partition the producers' default partitioner gives a key (murmur2, as Kafka's Java client)."""
    from aiokafka.partitioner import murmur2

    return int(murmur2(key) & 0x7FFFFFFF) % partitions


def plant_late(records: Sequence[Record], partitions: int, *, every: int, within_h: float, beyond_h: float,
               beyond_shift: int, beyond_pairs: Sequence[int] = ()) -> tuple[list[Record], dict[str, list[str]]]:
    """Articles genuinely late: every `every`-th article is re-dated and sent after newer articles of its own
    partition of articles.raw (where a reader sees it behind what it has read): `within_h` hours behind the article
    after it in that partition (within the allowed lateness: it must still count as if in order), or, for the
    synthetic pairs numbered in `beyond_pairs` (an article's index modulo 12), `beyond_h` hours behind and sent
    `beyond_shift` of that partition's articles later (beyond it: late). Returns the records in sending order and
    the ids planted, by kind."""
    out = list(records)
    planted: dict[str, list[str]] = {"within": [], "beyond": []}
    by_partition: dict[int, list[int]] = {}
    for index, (key, _) in enumerate(out):
        by_partition.setdefault(partition_of(key or b"", partitions), []).append(index)
    moves: list[tuple[int, int]] = []  # (index of the late article, index it is sent after)
    busy: set[int] = set()
    for index in range(every, len(out), every):
        key = out[index][0] or b""
        same = by_partition[partition_of(key, partitions)]
        at = same.index(index)
        kind = "beyond" if index % 12 in beyond_pairs else "within"
        shift = 1 if kind == "within" else beyond_shift
        if at + shift >= len(same) or index in busy or same[at + shift] in busy:
            continue
        after = same[at + shift]
        busy.update((index, after))
        event = orjson.loads(out[index][1])
        newer = datetime.fromisoformat(orjson.loads(out[after][1])["published_at"])
        event["published_at"] = (newer - timedelta(hours=within_h if kind == "within" else beyond_h)).isoformat()
        out[index] = (key, orjson.dumps(event))
        planted[kind].append(event["id"])
        moves.append((index, after))
    late = {index for index, _ in moves}
    order = [i for i in range(len(out)) if i not in late]
    for index, after in sorted(moves, key=lambda m: -m[1]):
        order.insert(order.index(after) + 1, index)
    return [out[i] for i in order], planted


def expected_offline(records: Sequence[Record]) -> set[str]:
    """The observation ids the stages give in-process, for a sanity check of the reference run."""
    from streams.pipeline import Cleaner, StageError, observations

    cleaner = Cleaner(dedup=None)
    ids: set[str] = set()
    for _, value in records:
        try:
            article = cleaner(registry.RAW.decode(value))
        except (registry.BadEvent, StageError):
            continue
        ids.update(o.observation_id for o in observations(article))
    return ids
