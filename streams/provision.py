"""The topics a worker needs, made or checked at start through the admin client (never by broker auto-creation).

What is needed comes from the topology (streams/topics.py): every topic a stage reads or writes, and the changelog
of every table. A topic keyed like the detect table (relations.observed, and the changelog itself) must have the
configured partition count: a pair's observations and its state must live in the same partition number, and Faust
stops with `PartitionsMismatch` otherwise. The other topics may have any count (articles.raw is often someone
else's). With `create`, missing topics are made with the configured partitions and replication, the registry's
retention and cleanup policy, and compaction for changelogs; without it (an operator provisions topics), they are
only checked. Either way a problem stops the worker with a message that names the topic, what was found, what is
needed and how to fix it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from streams import kafka_io
from streams import topics as registry
from streams.settings import Settings

# A changelog keeps each pair's last state for good: compaction, no time limit.
CHANGELOG_CONFIGS = {"cleanup.policy": "compact", "retention.ms": "-1"}


@dataclass(frozen=True)
class Needed:
    name: str
    partitions: int  # what the worker creates it with
    exact: bool  # the count must be `partitions` (co-partitioned with the detect table)
    configs: dict[str, str]
    role: str  # for messages: what the topic is


class TopicProblem(RuntimeError):
    """The cluster's topics do not fit the worker: the message says what was found and how to fix it."""


def needed(settings: Settings) -> list[Needed]:
    """Every topic the topology reads or writes, and each table's changelog."""
    wanted: dict[str, Needed] = {}
    for stage in registry.TOPOLOGY:
        for spec in (*stage.inputs, *stage.outputs):
            name = settings.topic(spec.name)
            role = f"{spec.name} (keyed by {spec.key})"
            wanted.setdefault(name, Needed(name, settings.topic_partitions, spec.copartitioned, spec.configs(), role))
        for table in stage.tables:
            name = registry.changelog(settings.app_id, table)
            role = f"the changelog of the {table} table (co-partitioned with {stage.inputs[0].name})"
            wanted[name] = Needed(name, settings.topic_partitions, True, dict(CHANGELOG_CONFIGS), role)
    return list(wanted.values())


async def prepare(bootstrap: str, settings: Settings, *, create: bool) -> list[str]:
    """Create what is missing (if `create`) and check everything; returns the topics created. Raises TopicProblem."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=30_000,
                                **kafka_io.client_options(settings))
    await admin.start()
    try:
        wanted = needed(settings)
        found = await _partition_counts(admin)
        # What exists is judged first: a worker that refuses to start leaves the cluster as it found it.
        wrong = [n for n in wanted if n.name in found and n.exact and found[n.name] != n.partitions]
        if wrong:
            records = await _records(bootstrap, settings, {n.name: found[n.name] for n in wrong})
            raise TopicProblem("\n".join(_miscounted(n, found[n.name], records[n.name], settings) for n in wrong))
        missing = [n for n in wanted if n.name not in found]
        if missing and create:
            topics = [NewTopic(n.name, n.partitions, settings.topic_replicas, topic_configs=n.configs) for n in missing]
            with contextlib.suppress(TopicAlreadyExistsError):  # another worker made them at the same moment
                await admin.create_topics(topics, timeout_ms=30_000)
            found = await _until_visible(admin, [n.name for n in missing])
        still = [n for n in wanted if n.name not in found]
        if still:
            raise TopicProblem("\n".join(_missing(n, settings) for n in still))
        return [n.name for n in missing]
    finally:
        await admin.close()


async def _partition_counts(admin: AIOKafkaAdminClient) -> dict[str, int]:
    # All topics: a metadata request that names topics may auto-create them on a broker that allows it.
    return {t["topic"]: len(t["partitions"]) for t in await admin.describe_topics() if t["error_code"] == 0}


async def _until_visible(admin: AIOKafkaAdminClient, names: list[str], timeout_s: float = 30.0) -> dict[str, int]:
    """The partition counts once the topics just created show in the metadata (the brokers learn of them a moment
    after the controller has made them), or as they are when `timeout_s` has passed."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = await _partition_counts(admin)
        if all(name in found for name in names) or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.2)  # polling interval of a bounded wait


async def _records(bootstrap: str, settings: Settings, counts: dict[str, int]) -> dict[str, int]:
    """How many records each topic holds now (end minus beginning offsets over its partitions)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                                **kafka_io.client_options(settings))
    await consumer.start()
    try:
        partitions = [TopicPartition(name, p) for name, count in counts.items() for p in range(count)]
        ends = await consumer.end_offsets(partitions)
        starts = await consumer.beginning_offsets(partitions)
        held = dict.fromkeys(counts, 0)
        for tp in partitions:
            held[tp.topic] += ends[tp] - starts[tp]
        return held
    finally:
        await consumer.stop()


def _missing(topic: Needed, settings: Settings) -> str:
    return (
        f"topic {topic.name} ({topic.role}) does not exist; needed with {topic.partitions} partitions"
        f"{' exactly' if topic.exact else ''}. Create it (`dyadwatch topics create` makes every topic the worker "
        f"needs, with DYADWATCH_TOPIC_PARTITIONS={settings.topic_partitions}), or let the worker create topics "
        "(DYADWATCH_CREATE_TOPICS=true)."
    )


def _miscounted(topic: Needed, count: int, records: int, settings: Settings) -> str:
    head = (
        f"topic {topic.name} ({topic.role}) has {count} partition{'s' if count != 1 else ''}; "
        f"{topic.partitions} needed (DYADWATCH_TOPIC_PARTITIONS={settings.topic_partitions}): the detect table "
        "and relations.observed must have the same partition count, so that each pair's state lives where its "
        "observations arrive."
    )
    if records == 0:
        return (f"{head} It is empty: delete it and run `dyadwatch topics create` (or restart the worker), which "
                f"makes it with {topic.partitions} partitions.")
    return (
        f"{head} It holds {records} records, so do not add partitions to it: that would move pairs to other "
        f"partitions and split their history. Either set DYADWATCH_TOPIC_PARTITIONS={count} if every "
        "co-partitioned topic has that count, or start a fresh set of topics (a new DYADWATCH_TOPIC_PREFIX and "
        "DYADWATCH_APP_ID) and re-publish the archive of articles.raw into it."
    )
