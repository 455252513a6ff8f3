"""Small aiokafka helpers shared by `demo`, the tests and the benchmarks: topics, publishing, draining."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager, suppress
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from streams import topics as registry
from streams.settings import Settings


def client_options(settings: Settings) -> dict[str, Any]:
    """aiokafka connection options for the configured security protocol."""
    from streams.app import credentials  # the one place that turns settings into credentials

    creds = credentials(settings)
    if creds is None:
        return {}
    options: dict[str, Any] = {"security_protocol": settings.security_protocol}
    if getattr(creds, "ssl_context", None) is not None:
        options["ssl_context"] = creds.ssl_context
    if settings.security_protocol.startswith("SASL"):
        options.update(
            sasl_mechanism=settings.sasl_mechanism,
            sasl_plain_username=settings.sasl_username,
            sasl_plain_password=settings.sasl_password.get_secret_value() if settings.sasl_password else None,
        )
    return options


async def ensure_topics(bootstrap: str, settings: Settings) -> None:
    """Create the pipeline's topics with the configured partitions, so producers never auto-create them."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **client_options(settings))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(settings.topic(spec.name), settings.topic_partitions, settings.topic_replicas)
            for spec in registry.ALL
            if settings.topic(spec.name) not in existing
        ]
        if wanted:
            with suppress(TopicAlreadyExistsError):
                await admin.create_topics(wanted)
    finally:
        await admin.close()


async def delete_topics_with_prefix(bootstrap: str, settings: Settings, prefix: str) -> list[str]:
    """Delete every topic whose name starts with `prefix` (a run's topics and its changelogs); returns them."""
    if not prefix:
        raise ValueError("refusing to delete topics without a prefix")
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000, **client_options(settings))
    await admin.start()
    try:
        names = [name for name in await admin.list_topics() if name.startswith(prefix)]
        if names:
            await admin.delete_topics(names, timeout_ms=10_000)
        return names
    finally:
        await admin.close()


async def publish(
    bootstrap: str,
    settings: Settings,
    topic: str,
    records: Iterable[tuple[bytes | None, bytes]],
    *,
    pause_s: float = 0.0,
) -> int:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, **client_options(settings)
    )
    await producer.start()
    sent = 0
    try:
        for key, value in records:
            await producer.send_and_wait(topic, value=value, key=key)
            sent += 1
            if pause_s:
                await asyncio.sleep(pause_s)
    finally:
        await producer.stop()
    return sent


@asynccontextmanager
async def reading(bootstrap: str, settings: Settings, *topic_names: str) -> AsyncIterator[AIOKafkaConsumer]:
    """A consumer from the beginning of the given topics, outside any group (reads everything, commits nothing)."""
    consumer = AIOKafkaConsumer(
        *topic_names,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
        **client_options(settings),
    )
    await consumer.start()
    try:
        yield consumer
    finally:
        await consumer.stop()


async def group_lag(bootstrap: str, settings: Settings, group: str, topic_names: Iterable[str]) -> int:
    """How many messages of these topics the group has not yet committed (end offset minus committed)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **client_options(settings))
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, **client_options(settings))
    await admin.start()
    await consumer.start()
    try:
        partitions = [
            TopicPartition(name, p)
            for name in topic_names
            for p in (consumer.partitions_for_topic(name) or await _partitions(consumer, name))
        ]
        ends = await consumer.end_offsets(partitions)
        committed = await admin.list_consumer_group_offsets(group)
        return sum(max(0, end - (committed[tp].offset if tp in committed else 0)) for tp, end in ends.items())
    finally:
        await consumer.stop()
        await admin.close()


async def _partitions(consumer: AIOKafkaConsumer, name: str) -> set[int]:
    await consumer._client.force_metadata_update()
    return consumer.partitions_for_topic(name) or set()


async def wait_drained(bootstrap: str, settings: Settings, *, timeout_s: float, quiet_s: float = 1.0) -> None:
    """Wait until the worker's group has committed everything on its input topics, twice `quiet_s` apart."""
    inputs = [settings.topic(spec.name) for spec in (registry.RAW, registry.CLEAN, registry.OBSERVED)]
    deadline = time.monotonic() + timeout_s
    settled, lag = 0, -1
    while time.monotonic() < deadline:
        lag = await group_lag(bootstrap, settings, settings.app_id, inputs)
        settled = settled + 1 if lag == 0 else 0
        if settled >= 2:
            return
        await asyncio.sleep(quiet_s)
    raise TimeoutError(f"the worker did not finish its input within {timeout_s:.0f} s (lag {lag})")
