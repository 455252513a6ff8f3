"""A live worker's /metrics: the counters and histograms move as articles flow, and with
DYADWATCH_LOG_FORMAT=json every log line is JSON, tagged with the article, stage and partition it concerns."""

from __future__ import annotations

import time
import urllib.request
from pathlib import Path
from typing import Any

import orjson
import pytest
from prometheus_client.parser import text_string_to_metric_families

from streams import topics as registry
from streams.runner import WorkerProcess
from streams.testing.harness import Publisher, Run, synthetic_articles

pytestmark = pytest.mark.integration

Sample = tuple[str, tuple[tuple[str, str], ...]]


def scrape(worker: WorkerProcess) -> dict[Sample, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{worker.web_port}/metrics", timeout=5) as response:
        text = response.read().decode("utf-8")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name.startswith("dyadwatch_")
    }


def total(samples: dict[Sample, float], name: str, **labels: str) -> float:
    return sum(v for (n, ls), v in samples.items() if n == name and all((k, v2) in ls for k, v2 in labels.items()))


def test_metrics_move_as_articles_flow_and_logs_are_tagged_json(
    kafka_bootstrap: str, fresh_topics: Any, tmp_path: Path
) -> None:
    articles = synthetic_articles(30, seed=17)
    bad = [(b"bad-json", b"{not json"), (b"bad-body", b'{"id": "bad-body"}')]
    run = Run(kafka_bootstrap, tmp_path, name=fresh_topics.prefix, extra_env={"DYADWATCH_LOG_FORMAT": "json"})
    run.create_topics()
    try:
        worker = run.start_worker()
        before = scrape(worker)
        publisher = Publisher(kafka_bootstrap, run.settings, run.topic(registry.RAW), articles + bad, rate_per_s=50)
        publisher.start()
        publisher.join(timeout=120)
        assert publisher.error is None, f"publishing failed: {publisher.error!r}"
        run.drain(timeout_s=120)
        deadline = time.monotonic() + 30
        after = scrape(worker)
        while total(after, "dyadwatch_articles_cleaned_total") < len(articles) and time.monotonic() < deadline:
            time.sleep(0.5)
            after = scrape(worker)
    finally:
        run.stop_all()

    assert total(before, "dyadwatch_articles_cleaned_total") == 0
    assert total(after, "dyadwatch_articles_cleaned_total") == len(articles)
    assert total(after, "dyadwatch_observations_total") > total(before, "dyadwatch_observations_total")
    assert total(after, "dyadwatch_dead_letters_total", stage="clean") == len(bad)
    moved = [
        name
        for (name, labels), value in after.items()
        if name.endswith("_count") and value > before.get((name, labels), 0.0)
    ]
    assert any("seconds" in name for name in moved), f"no histogram took an observation: {sorted(after)[:20]}"

    lines = [line for line in (tmp_path / "worker-1.log").read_text("utf-8").splitlines() if line.strip()]
    records = []
    for line in lines:
        try:
            records.append(orjson.loads(line))
        except orjson.JSONDecodeError:
            pytest.fail(f"a log line is not JSON: {line[:200]}")
    assert all({"article_id", "stage", "partition"} <= record.keys() for record in records)
    tagged = [r for r in records if r.get("article_id") in {"bad-json", "bad-body"}]
    assert tagged and all(r["stage"] == "clean" and r["partition"] is not None for r in tagged)
