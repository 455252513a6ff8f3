"""At-least-once under a crash: SIGKILL the worker mid-stream, restart it, and nothing is lost; whatever is
repeated carries the same id and the same content, so dropping repeats by id leaves exactly the expected set."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from streams import topics as registry
from streams.testing.harness import (
    Publisher,
    Run,
    collect,
    compare,
    dedup_by_id,
    events_processed,
    expected_offline,
    synthetic_articles,
)

pytestmark = pytest.mark.integration

ARTICLES = 80


def test_sigkill_mid_stream_loses_nothing_and_repeats_only_identical_records(
    kafka_bootstrap: str, fresh_topics: Any, tmp_path: Path
) -> None:
    articles = synthetic_articles(ARTICLES, seed=61)
    expected = expected_offline(articles)
    assert len(expected) >= ARTICLES * 0.9, "the synthetic articles should nearly all yield an observation"
    # The replacement joins while the killed member still holds its partitions; the group waits a session timeout
    # for it (15 s by default), shortened here to keep the test quick. The outcome under test does not depend on it.
    run = Run(kafka_bootstrap, tmp_path, name=fresh_topics.prefix, extra_env={"DYADWATCH_SESSION_TIMEOUT_S": "10"})
    run.create_topics()
    publisher = Publisher(kafka_bootstrap, run.settings, run.topic(registry.RAW), articles, rate_per_s=20)
    try:
        victim = run.start_worker()
        publisher.start()
        publisher.wait_for(0.5, timeout_s=120)
        taken = events_processed(victim)
        victim.kill()
        run.workers.remove(victim)
        assert taken, "the worker had taken no events before it was killed: not a mid-stream crash"
        assert not publisher.done.is_set(), "the input had all been published before the kill"
        run.start_worker()
        publisher.join(timeout=120)
        assert publisher.error is None, f"publishing failed: {publisher.error!r}"
        run.drain(timeout_s=180)
    finally:
        run.stop_all()
    outputs = collect(run)

    observed = compare([(i, b"") for i in sorted(expected)], outputs.observations)
    assert observed["lost"] == [], f"lost {len(observed['lost'])} observations, e.g. {observed['lost'][:5]}"
    assert observed["unexpected"] == []
    assert observed["conflicting"] == [], "copies of one observation id differ: dropping by id would be wrong"
    assert sorted(i for i, _ in dedup_by_id(outputs.observations)) == sorted(expected)
    alerted = compare(outputs.alerts, outputs.alerts)
    assert alerted["conflicting"] == [], "copies of one alert id differ: dropping by id would be wrong"
    assert outputs.dead_letters == []
