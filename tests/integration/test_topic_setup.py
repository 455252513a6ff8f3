"""The worker prepares its topics: on an empty cluster whose broker auto-creates 1-partition topics (the local
broker does), it makes every topic as configured before it starts, and it refuses to start, saying what to do,
when a topic breaks co-partitioning. Also `dyadwatch topics create|check` and `dyadwatch demo` under SIGTERM."""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from click.testing import CliRunner

from streams import kafka_io, provision
from streams import topics as registry
from streams.cli import main
from streams.demo import CORPUS
from streams.pipeline import replay
from streams.runner import WorkerProcess
from streams.settings import Settings
from streams.testing.harness import feed_paced, read_alerts, read_all

pytestmark = pytest.mark.integration
PARTITIONS = 3  # neither the broker's auto-creation count (1) nor the default (4)


def settings_for(namespace: Any, bootstrap: str, **extra: Any) -> Settings:
    return Settings(app_id=namespace.app_id, topic_prefix=f"{namespace.prefix}.", kafka_bootstrap=bootstrap,
                    topic_partitions=PARTITIONS, commit_interval_s=0.2, **extra)


async def describe(bootstrap: str, names: list[str]) -> tuple[dict[str, int], dict[str, str]]:
    """Partition counts of the topics that exist, and each one's cleanup policy."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        counts = {t["topic"]: len(t["partitions"]) for t in await admin.describe_topics() if t["topic"] in names}
        responses = await admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, name, {"cleanup.policy": None}) for name in counts])
        policies = {resource[3]: entry[1] for response in responses for resource in response.resources
                    for entry in resource[4] if entry[0] == "cleanup.policy"}
        return counts, policies
    finally:
        await admin.close()


def test_a_worker_started_first_on_an_empty_cluster_makes_its_topics_as_configured(
    kafka_bootstrap: str, fresh_topics: Any, tmp_path: Path
) -> None:
    settings = settings_for(fresh_topics, kafka_bootstrap)
    wanted = [n.name for n in provision.needed(settings)]
    assert asyncio.run(describe(kafka_bootstrap, wanted))[0] == {}, "the namespace should start empty"
    lines = [line for line in CORPUS.read_bytes().splitlines() if line.strip()]
    expected = sorted(a.alert_id for a in replay(registry.RAW.decode(line) for line in lines))
    with WorkerProcess({**settings.as_env(), "DYADWATCH_DATA_DIR": str(tmp_path / "w")}, tmp_path / "w.log") as worker:
        worker.wait_ready(timeout_s=120)
        counts, policies = asyncio.run(describe(kafka_bootstrap, wanted))
        assert counts == dict.fromkeys(wanted, PARTITIONS)
        assert policies[registry.changelog(settings.app_id, "pairs")] == "compact"
        assert policies[settings.topic(registry.RAW.name)] == "delete"
        asyncio.run(feed_paced(kafka_bootstrap, settings, lines))
    assert sorted(a.alert_id for a in asyncio.run(read_alerts(kafka_bootstrap, settings))) == expected


def test_an_archive_published_before_the_worker_starts_is_all_processed(
    kafka_bootstrap: str, fresh_topics: Any, tmp_path: Path
) -> None:
    # Only articles.raw exists, made by the broker's auto-creation (1 partition) when the archive was published.
    settings = settings_for(fresh_topics, kafka_bootstrap)
    lines = [line for line in CORPUS.read_bytes().splitlines() if line.strip()]
    raw = settings.topic(registry.RAW.name)
    asyncio.run(kafka_io.publish(kafka_bootstrap, settings, raw, [(None, line) for line in lines]))
    assert asyncio.run(describe(kafka_bootstrap, [raw]))[0] == {raw: 1}
    with WorkerProcess({**settings.as_env(), "DYADWATCH_DATA_DIR": str(tmp_path / "w")}, tmp_path / "w.log") as worker:
        worker.wait_ready(timeout_s=120)
        asyncio.run(kafka_io.wait_drained(kafka_bootstrap, settings, timeout_s=120, quiet_s=0.5))
    names = [settings.topic(t.name) for t in (registry.CLEAN, registry.DEADLETTER)]
    out = asyncio.run(read_all(kafka_bootstrap, settings, names))
    assert out[names[1]] == [], "nothing may be dead-lettered (the issue's PartitionsMismatch)"
    assert len(out[names[0]]) == len(lines), "every article of the backlog is cleaned"
    # A backlog read at full speed gives the alerts that news at its pace gives (those replay gives).
    expected = sorted(a.alert_id for a in replay(registry.RAW.decode(line) for line in lines))
    assert sorted(a.alert_id for a in asyncio.run(read_alerts(kafka_bootstrap, settings))) == expected


def test_the_demo_corpus_shuffled_across_partitions_gives_exactly_replay_s_alert_ids(
    kafka_bootstrap: str, fresh_topics: Any, tmp_path: Path
) -> None:
    # Each partition of articles.raw in event-time order (as a feed appends news), the partitions far apart in event
    # time, all published before the worker starts: detect reads each pair's articles out of order.
    settings = settings_for(fresh_topics, kafka_bootstrap)
    lines = sorted((line for line in CORPUS.read_bytes().splitlines() if line.strip()),
                   key=lambda line: orjson.loads(line)["published_at"])
    rng = random.Random(11)
    by_partition: dict[int, list[bytes]] = {}
    for line in lines:
        by_partition.setdefault(rng.randrange(PARTITIONS), []).append(line)
    assert len(by_partition) == PARTITIONS
    asyncio.run(kafka_io.ensure_topics(kafka_bootstrap, settings))

    async def publish() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all", enable_idempotence=True)
        await producer.start()
        try:
            for partition in sorted(by_partition, reverse=True):  # the latest news first
                for line in by_partition[partition]:
                    await producer.send_and_wait(settings.topic(registry.RAW.name), line, partition=partition)
        finally:
            await producer.stop()

    asyncio.run(publish())
    with WorkerProcess({**settings.as_env(), "DYADWATCH_DATA_DIR": str(tmp_path / "w")}, tmp_path / "w.log") as worker:
        worker.wait_ready(timeout_s=120)
        asyncio.run(kafka_io.wait_drained(kafka_bootstrap, settings, timeout_s=120, quiet_s=0.5))
    expected = sorted(a.alert_id for a in replay(registry.RAW.decode(line) for line in lines))
    assert len(expected) >= 3
    live = [a.alert_id for a in asyncio.run(read_alerts(kafka_bootstrap, settings))]
    assert sorted(set(live)) == expected


def test_a_keyed_topic_with_the_wrong_partition_count_stops_the_worker_with_the_fix(
    kafka_bootstrap: str, fresh_topics: Any, tmp_path: Path
) -> None:
    settings = settings_for(fresh_topics, kafka_bootstrap)
    observed = settings.topic(registry.OBSERVED.name)

    async def make_wrong() -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
        await admin.start()
        try:
            await admin.create_topics([NewTopic(observed, 1, 1)])
        finally:
            await admin.close()
        await kafka_io.publish(kafka_bootstrap, settings, observed, [(b"CHN-PRK", b"{}")])

    asyncio.run(make_wrong())
    worker = WorkerProcess({**settings.as_env(), "DYADWATCH_DATA_DIR": str(tmp_path / "w")}, tmp_path / "w.log")
    worker.start()
    assert worker.process is not None
    try:
        code = worker.process.wait(timeout=90)
    finally:
        worker.kill()
    message = worker.log_tail(20)
    assert code == 2, message
    assert f"topic {observed}" in message and "has 1 partition; 3 needed" in message
    assert "holds 1 records, so do not add partitions" in message
    assert "DYADWATCH_TOPIC_PARTITIONS=1" in message  # one way out; the other is a fresh set of topics
    # Nothing else was made: the worker refused before its agents started.
    assert asyncio.run(describe(kafka_bootstrap, [n.name for n in provision.needed(settings)]))[0] == {observed: 1}


def test_topics_check_reports_missing_topics_and_create_makes_them(kafka_bootstrap: str, fresh_topics: Any) -> None:
    env = settings_for(fresh_topics, kafka_bootstrap).as_env()
    runner = CliRunner()
    checked = runner.invoke(main, ["topics", "check"], env=env)
    assert checked.exit_code == 2
    assert f"topic {fresh_topics.prefix}.relations.observed" in checked.output and "does not exist" in checked.output
    created = runner.invoke(main, ["topics", "create"], env=env)
    assert created.exit_code == 0, created.output
    assert runner.invoke(main, ["topics", "check"], env=env).exit_code == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_demo_stopped_by_a_signal_stops_its_worker_and_removes_its_topics(
    sig: signal.Signals, kafka_bootstrap: str, tmp_path: Path
) -> None:
    env = {**os.environ, "KAFKA_BOOTSTRAP": kafka_bootstrap}
    demo = subprocess.Popen([sys.executable, "-m", "streams.cli", "demo", "--pause", "0.5"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert demo.stdout is not None
    run, pid, seen = None, None, []
    deadline = time.monotonic() + 150
    try:
        for line in demo.stdout:  # bounded: the demo prints as it goes, and is killed at the deadline
            seen.append(line)
            run = run or (m.group(1) if (m := re.match(r"run (\S+): starting", line)) else None)
            pid = pid or (int(m.group(1)) if (m := re.match(r"worker pid (\d+)", line)) else None)
            if line.startswith("publishing") or time.monotonic() > deadline:
                break
        assert run and pid, "".join(seen)
        demo.send_signal(sig)
        rest, _ = demo.communicate(timeout=90)
    finally:
        demo.kill()
    assert "stopped; the worker is stopped too" in rest, "".join(seen) + rest
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    left = asyncio.run(kafka_io.delete_topics_with_prefix(kafka_bootstrap, Settings(kafka_bootstrap=kafka_bootstrap),
                                                          run))
    assert left == [], f"the demo left topics behind: {left}"
