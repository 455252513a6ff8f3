"""The stream and `replay` agree: the demo corpus fed live, with a worker restart half way (state rebuilt from
the changelog), gives exactly the alerts that the offline replay gives."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from streams import kafka_io
from streams import topics as registry
from streams.demo import CORPUS
from streams.pipeline import replay
from streams.runner import WorkerProcess
from streams.settings import Settings
from streams.testing.harness import feed_paced, read_alerts

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("store", ["memory://", "rocksdb://"])
def test_live_stream_with_a_restart_gives_the_replay_alerts(
    store: str, kafka_bootstrap: str, fresh_topics: Any, tmp_path: Path
) -> None:
    settings = Settings(
        app_id=fresh_topics.app_id,
        topic_prefix=f"{fresh_topics.prefix}.",
        kafka_bootstrap=kafka_bootstrap,
        commit_interval_s=0.2,
        store=store,
    )
    asyncio.run(kafka_io.ensure_topics(kafka_bootstrap, settings))
    lines = [line for line in CORPUS.read_bytes().splitlines() if line.strip()]
    half = len(lines) // 2

    expected = list(replay(registry.RAW.decode(line) for line in lines))
    assert expected, "the demo corpus must imply some alerts"

    for part, chunk in enumerate((lines[:half], lines[half:])):
        # Each worker has its own data dir: the second one rebuilds the pair table from the changelog.
        env = settings.model_copy(update={"data_dir": str(tmp_path / f"w{part}")}).as_env()
        worker = WorkerProcess(env, tmp_path / f"w{part}.log")
        with worker:
            worker.wait_ready(timeout_s=120)
            asyncio.run(feed_paced(kafka_bootstrap, settings, chunk))

    live = asyncio.run(read_alerts(kafka_bootstrap, settings))
    by_id = {a.alert_id: a for a in live}
    assert len(by_id) == len(live), f"an alert was sent twice: {[a.alert_id for a in live]}"
    assert sorted(by_id) == sorted(a.alert_id for a in expected)
    for alert in expected:
        got = by_id[alert.alert_id]
        assert (got.kind, got.trigger, got.severity) == (alert.kind, alert.trigger, alert.severity)
        assert got.current == pytest.approx(alert.current, abs=0.01)
        assert got.baseline == pytest.approx(alert.baseline, abs=0.01)
