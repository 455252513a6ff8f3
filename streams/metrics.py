"""Prometheus metrics of a worker, served as `/metrics` on its Faust web port (prometheus-client).

One `Metrics` per app, each on its own registry (two apps in one process, or a test, never share counters):

    metrics = Metrics()
    mount(app, metrics)                         # GET /metrics; consumer lag and recovery read from the app
    metrics.took("clean", message.topic, n)     # events a stage took, by input topic (clean's are articles in)
    with metrics.timed("clean"): ...            # a stage's processing time
    metrics.cleaned(article)                    # cleaned, and duplicates
    metrics.observed(observations)              # pairs observed, by polarity
    metrics.alerted(alerts)                     # alerts by kind and trigger
    metrics.dead_letter("relate", exc)          # by stage and reason class
    metrics.delivered("relate", input_timestamp_s)   # input record's time -> its outputs acknowledged
    metrics.batch("detect", len(batch))

Everything the worker reads from Faust (lag per partition, recovery) is read at scrape time, so the agents pay
nothing for it, and a scrape that cannot read it leaves those series out instead of failing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from streams import health
from streams.models import CleanArticle, RelationObservation, RelationshipAlert

ReasonClass = Literal["bad_event", "rejected", "too_large", "internal"]
REASON_CLASSES: tuple[ReasonClass, ...] = ("bad_event", "rejected", "too_large", "internal")

# Seconds. Processing: a clean or relate step is milliseconds, a batch up to seconds. Latency: the product promises
# an alert within a second; a worker that falls behind shows in the top buckets.
STAGE_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0)
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
BATCH_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)


def reason_class(error: BaseException | ReasonClass) -> ReasonClass:
    """The class of a dead letter's reason (a bounded label; the reason itself is in the letter)."""
    if isinstance(error, str):  # "too_large": an output the broker would refuse, caught before sending
        if error not in REASON_CLASSES:
            raise ValueError(f"unknown reason class {error!r}; one of {', '.join(REASON_CLASSES)}")
        return error
    from streams.pipeline import StageError
    from streams.topics import BadEvent

    if isinstance(error, BadEvent):
        return "bad_event"  # the bytes are not a valid payload of the topic
    if isinstance(error, StageError):
        return "rejected"  # a valid payload the stage refuses (no text left, a date in the future, too big)
    return "internal"  # a defect: the event is kept for replay


@dataclass
class WorkerState:
    """What the worker's consumer knows at scrape time."""

    lag: dict[tuple[str, int], int] = field(default_factory=dict)  # (topic, partition) -> records past the commit
    assigned: int = 0
    recovering: bool = False
    rebalances: int = 0


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None, *, process: bool = True) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        r = self.registry
        self.events = Counter(
            "dyadwatch_events", "events a stage took from an input topic", ["stage", "topic"], registry=r
        )
        self.articles_in = Counter("dyadwatch_articles_in", "raw articles taken by the clean stage", registry=r)
        self.articles_cleaned = Counter("dyadwatch_articles_cleaned", "articles cleaned and passed on", registry=r)
        self.duplicates = Counter(
            "dyadwatch_duplicates", "cleaned articles that copy one seen before (exact or near)", registry=r
        )
        self.observations = Counter(
            "dyadwatch_observations", "pairs observed (relations.observed records)", ["polarity"], registry=r
        )
        self.alerts = Counter("dyadwatch_alerts", "alerts raised", ["kind", "trigger"], registry=r)
        self.dead_letters = Counter(
            "dyadwatch_dead_letters", "events dead-lettered", ["stage", "reason"], registry=r
        )
        self.stage_seconds = Histogram(
            "dyadwatch_stage_seconds", "processing time of a stage call", ["stage"], buckets=STAGE_BUCKETS,
            registry=r,
        )
        self.latency_seconds = Histogram(
            "dyadwatch_output_latency_seconds",
            "from the input record's timestamp to the stage's outputs acknowledged by the broker (for the stage "
            "that reads articles.raw: publish -> output)",
            ["stage"], buckets=LATENCY_BUCKETS, registry=r,
        )
        self.batch_size = Histogram(
            "dyadwatch_batch_size", "events per batch a stage took", ["stage"], buckets=BATCH_BUCKETS, registry=r
        )
        if process:
            ProcessCollector(registry=r)  # process_cpu_seconds_total, process_resident_memory_bytes, ...
            PlatformCollector(registry=r)

    # ------------------------------------------------------------ recording

    def took(self, stage: str, topic: str, count: int = 1) -> None:
        """`count` events taken from `topic`; the clean stage's are the articles in (it reads articles.raw)."""
        self.events.labels(stage, topic).inc(count)
        if stage == "clean":
            self.articles_in.inc(count)

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        began = time.perf_counter()
        try:
            yield
        finally:
            self.stage_seconds.labels(stage).observe(time.perf_counter() - began)

    def cleaned(self, article: CleanArticle) -> None:
        self.articles_cleaned.inc()
        if article.duplicate_of is not None:
            self.duplicates.inc()

    def observed(self, observations: Iterable[RelationObservation]) -> None:
        for observation in observations:
            self.observations.labels(observation.polarity).inc()

    def alerted(self, alerts: Iterable[RelationshipAlert]) -> None:
        for alert in alerts:
            self.alerts.labels(alert.kind, alert.trigger).inc()

    def dead_letter(self, stage: str, error: BaseException | ReasonClass) -> None:
        self.dead_letters.labels(stage, reason_class(error)).inc()

    def delivered(self, stage: str, since: float | None, now: float | None = None) -> None:
        """Outputs of an input record stamped `since` (Unix seconds, e.g. Faust's `event.message.timestamp`) were
        acknowledged; nothing is recorded without a timestamp."""
        if since:
            self.latency_seconds.labels(stage).observe(max(0.0, (now or time.time()) - since))

    def batch(self, stage: str, size: int) -> None:
        self.batch_size.labels(stage).observe(size)

    # ------------------------------------------------------------ reading

    def watch(self, source: Callable[[], WorkerState]) -> None:
        """Read consumer lag and recovery state from `source` at every scrape."""
        self.registry.register(_StateCollector(source))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class _StateCollector(Collector):
    def __init__(self, source: Callable[[], WorkerState]) -> None:
        self.source = source

    def collect(self) -> Iterable[Metric]:
        try:
            state = self.source()
        except Exception:  # a consumer not started or between rebalances: no figures this scrape
            return []
        lag = GaugeMetricFamily(
            "dyadwatch_consumer_lag", "records of an assigned input partition past the committed offset",
            labels=["topic", "partition"],
        )
        for (topic, partition), behind in sorted(state.lag.items()):
            lag.add_metric([topic, str(partition)], behind)
        assigned = GaugeMetricFamily("dyadwatch_assigned_partitions", "partitions assigned to this worker")
        assigned.add_metric([], state.assigned)
        recovering = GaugeMetricFamily(
            "dyadwatch_recovering", "1 while the worker rebalances or restores its tables from changelogs"
        )
        recovering.add_metric([], 1.0 if state.recovering else 0.0)
        rebalances = CounterMetricFamily("dyadwatch_rebalances", "rebalances this worker has been through")
        rebalances.add_metric([], state.rebalances)
        return [lag, assigned, recovering, rebalances]

    def describe(self) -> Iterable[Metric]:
        return []  # read at scrape time; nothing to check against at registration


def faust_state(app: Any, inputs: Sequence[str] | None = None) -> WorkerState:
    """Lag per assigned partition (of `inputs` only, if given: changelogs are the recovery's business) and the
    recovery state, from a running Faust app's consumer."""
    assigned = app.consumer.assignment()
    lag = {
        (o.tp.topic, o.tp.partition): max(0, int(o.highwater) - int(o.committed or 0))
        for o in health.partition_offsets(app, assigned)
        if inputs is None or o.tp.topic in inputs
    }
    return WorkerState(
        lag=lag,
        assigned=len(assigned),
        recovering=bool(app.in_recovery) or bool(app.rebalancing),
        rebalances=int(app.rebalancing_count),
    )


def mount(app: Any, metrics: Metrics, *, inputs: Sequence[str] | None = None, path: str = "/metrics") -> None:
    """Serve `metrics` at `path` on the app's web server, with the app's consumer lag and recovery state."""
    from faust.web import Request, Response, View

    metrics.watch(lambda: faust_state(app, inputs))

    @app.page(path)
    class MetricsView(View):
        async def get(self, request: Request) -> Response:
            # aiohttp refuses a content_type with a charset in it; the header carries Prometheus' full type
            return self.bytes(metrics.exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST})
