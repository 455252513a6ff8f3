"""Worker metrics: what each recording call counts, what a scrape shows, and /metrics served on a Faust app."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import faust
import pytest
from aiohttp.test_utils import TestClient, TestServer
from faust.types import TP
from prometheus_client.parser import text_string_to_metric_families

from streams.metrics import Metrics, WorkerState, faust_state, mount, reason_class
from streams.models import CleanArticle, RelationObservation, RelationshipAlert
from streams.pipeline import StageError
from streams.topics import BadEvent

T0 = datetime(2025, 5, 2, 9, 30, tzinfo=UTC)


def samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape, by name and labels, parsed back from the exposition text."""
    found = {}
    for family in text_string_to_metric_families(metrics.exposition().decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def article(duplicate_of: str | None = None) -> CleanArticle:
    return CleanArticle(article_id="a1", text="Text.", published_at=T0, fingerprint="0" * 16,
                        duplicate_of=duplicate_of)


def observation(pair: str, polarity: str) -> RelationObservation:
    a, b = pair.split("-")
    return RelationObservation(
        pair=pair, countries=(a, b), polarity=polarity, score=3.0 if polarity == "cooperation" else -4.0, quad=1,
        confidence=0.8, evidence=[], observation_id=f"a1:{pair}", article_id="a1", published_at=T0,
    )


def alert(kind: str, trigger: str) -> RelationshipAlert:
    return RelationshipAlert(
        alert_id=f"FRA-DEU:{kind}:{trigger}:0", pair="DEU-FRA", countries=("DEU", "FRA"), kind=kind,
        trigger=trigger, severity="high", baseline=3.0, current=-5.0, window_start=T0, window_end=T0, evidence=[],
    )


def test_counters_count_what_each_call_reports() -> None:
    metrics = Metrics(process=False)
    metrics.took("clean", "articles.raw", 3)
    metrics.took("detect", "relations.observed")
    metrics.took("detect", "relations.watermarks", 4)
    metrics.cleaned(article())
    metrics.cleaned(article(duplicate_of="a0"))
    metrics.observed([observation("DEU-FRA", "cooperation"), observation("CHN-JPN", "conflict"),
                      observation("BRA-IND", "cooperation")])
    metrics.alerted([alert("rupture", "reported"), alert("cooling", "statistical"), alert("rupture", "reported")])
    got = samples(metrics)
    assert got[("dyadwatch_articles_in_total", ())] == 3
    assert got[("dyadwatch_events_total", (("stage", "clean"), ("topic", "articles.raw")))] == 3
    assert got[("dyadwatch_events_total", (("stage", "detect"), ("topic", "relations.observed")))] == 1
    assert got[("dyadwatch_events_total", (("stage", "detect"), ("topic", "relations.watermarks")))] == 4
    assert got[("dyadwatch_articles_cleaned_total", ())] == 2
    assert got[("dyadwatch_duplicates_total", ())] == 1
    assert got[("dyadwatch_observations_total", (("polarity", "cooperation"),))] == 2
    assert got[("dyadwatch_observations_total", (("polarity", "conflict"),))] == 1
    assert got[("dyadwatch_alerts_total", (("kind", "rupture"), ("trigger", "reported")))] == 2
    assert got[("dyadwatch_alerts_total", (("kind", "cooling"), ("trigger", "statistical")))] == 1


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (BadEvent("not valid JSON: unexpected character"), "bad_event"),
        (StageError("clean", "no article text left after cleaning"), "rejected"),
        (KeyError("pair"), "internal"),
        ("too_large", "too_large"),
    ],
)
def test_dead_letters_are_counted_by_stage_and_reason_class(error: Any, expected: str) -> None:
    metrics = Metrics(process=False)
    assert reason_class(error) == expected
    metrics.dead_letter("relate", error)
    assert samples(metrics)[("dyadwatch_dead_letters_total", (("reason", expected), ("stage", "relate")))] == 1


def test_an_unknown_reason_class_is_refused_rather_than_becoming_a_new_label() -> None:
    with pytest.raises(ValueError, match="unknown reason class"):
        Metrics(process=False).dead_letter("clean", "oops")  # type: ignore[arg-type]


def test_histograms_observe_processing_time_latency_and_batch_size() -> None:
    metrics = Metrics(process=False)
    with metrics.timed("relate"):
        time.sleep(0.003)  # a stand-in for work: the histogram must see at least this long
    metrics.delivered("clean", since=1_000.0, now=1_000.3)
    metrics.delivered("clean", since=None)  # no timestamp on the input: nothing to measure
    metrics.batch("detect", 40)
    got = samples(metrics)
    assert got[("dyadwatch_stage_seconds_count", (("stage", "relate"),))] == 1
    assert got[("dyadwatch_stage_seconds_sum", (("stage", "relate"),))] >= 0.003
    assert got[("dyadwatch_output_latency_seconds_count", (("stage", "clean"),))] == 1
    assert got[("dyadwatch_output_latency_seconds_sum", (("stage", "clean"),))] == pytest.approx(0.3)
    assert got[("dyadwatch_output_latency_seconds_bucket", (("le", "0.25"), ("stage", "clean")))] == 0
    assert got[("dyadwatch_output_latency_seconds_bucket", (("le", "0.5"), ("stage", "clean")))] == 1
    assert got[("dyadwatch_batch_size_bucket", (("le", "50.0"), ("stage", "detect")))] == 1
    assert got[("dyadwatch_batch_size_bucket", (("le", "20.0"), ("stage", "detect")))] == 0


def test_worker_state_is_read_at_scrape_time() -> None:
    metrics = Metrics(process=False)
    state = WorkerState(lag={("articles.raw", 0): 12, ("articles.raw", 1): 0}, assigned=2, recovering=True,
                        rebalances=3)
    metrics.watch(lambda: state)
    got = samples(metrics)
    assert got[("dyadwatch_consumer_lag", (("partition", "0"), ("topic", "articles.raw")))] == 12
    assert got[("dyadwatch_consumer_lag", (("partition", "1"), ("topic", "articles.raw")))] == 0
    assert got[("dyadwatch_recovering", ())] == 1
    assert got[("dyadwatch_assigned_partitions", ())] == 2
    assert got[("dyadwatch_rebalances_total", ())] == 3
    state.lag[("articles.raw", 0)] = 0
    state.recovering = False
    got = samples(metrics)
    assert got[("dyadwatch_consumer_lag", (("partition", "0"), ("topic", "articles.raw")))] == 0
    assert got[("dyadwatch_recovering", ())] == 0


def test_a_scrape_survives_a_worker_state_that_cannot_be_read() -> None:
    metrics = Metrics(process=False)
    metrics.took("clean", "articles.raw")

    def broken() -> WorkerState:
        raise RuntimeError("consumer not started")

    metrics.watch(broken)
    got = samples(metrics)
    assert got[("dyadwatch_articles_in_total", ())] == 1
    assert not any(name == "dyadwatch_consumer_lag" for name, _ in got)


def test_faust_state_reads_lag_past_the_commit_for_the_input_partitions_only() -> None:
    raw0, raw1, changelog = TP("raw", 0), TP("raw", 1), TP("pairs-changelog", 0)
    highwaters = {raw0: 50, raw1: 7, changelog: 900}
    consumer = SimpleNamespace(
        assignment=lambda: set(highwaters),
        highwater=highwaters.__getitem__,
        _committed_offset={raw0: 45, raw1: None},
        _read_offset={},  # the real consumer has it too; the lag reads only what is committed
    )
    app = SimpleNamespace(consumer=consumer, in_recovery=False, rebalancing=False, rebalancing_count=1)
    state = faust_state(app, inputs=["raw"])
    assert state.lag == {("raw", 0): 5, ("raw", 1): 7}  # nothing committed yet: all of it
    assert state.assigned == 3 and not state.recovering and state.rebalances == 1


async def test_metrics_are_served_on_the_faust_web_app() -> None:
    app = faust.App("metrics-view-test", broker="kafka://127.0.0.1:1", web_enabled=True)
    metrics = Metrics()
    mount(app, metrics)
    metrics.took("clean", "articles.raw", 2)
    async with TestClient(TestServer(app.web.web_app)) as client:
        response = await client.get("/metrics")
        body = await response.text()
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    assert "dyadwatch_articles_in_total 2.0" in body
    assert "process_resident_memory_bytes" in body
