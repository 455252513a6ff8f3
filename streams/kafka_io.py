"""Small aiokafka helpers shared by `demo`, the tests and the benchmarks: topics, publishing, draining."""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.helpers import create_ssl_context

from streams import topics as registry
from streams.settings import Settings


def ssl_context(settings: Settings) -> ssl.SSLContext | None:
    """The TLS context of the configured security protocol (None without TLS)."""
    if settings.security_protocol not in ("SSL", "SASL_SSL"):
        return None
    context: ssl.SSLContext = create_ssl_context(
        cafile=settings.ssl_cafile, certfile=settings.ssl_certfile, keyfile=settings.ssl_keyfile
    )
    return context


def sasl_login(settings: Settings) -> tuple[str, str] | None:
    """(user, password) for a SASL protocol; raises if the settings lack them."""
    if not settings.security_protocol.startswith("SASL"):
        return None
    if settings.sasl_username is None or settings.sasl_password is None:
        raise ValueError(f"{settings.security_protocol} needs DYADWATCH_SASL_USERNAME and DYADWATCH_SASL_PASSWORD")
    return settings.sasl_username, settings.sasl_password.get_secret_value()


def client_options(settings: Settings) -> dict[str, Any]:
    """aiokafka connection options for the configured security protocol (the Faust app builds its credentials
    from the same two functions above)."""
    if settings.security_protocol == "PLAINTEXT":
        return {}
    options: dict[str, Any] = {"security_protocol": settings.security_protocol}
    context = ssl_context(settings)
    if context is not None:
        options["ssl_context"] = context
    login = sasl_login(settings)
    if login is not None:
        options.update(sasl_mechanism=settings.sasl_mechanism, sasl_plain_username=login[0],
                       sasl_plain_password=login[1])
    return options


async def ensure_topics(bootstrap: str, settings: Settings) -> None:
    """Create the pipeline's topics as the worker needs them (see streams/provision.py)."""
    from streams import provision

    await provision.prepare(bootstrap, settings, create=True)


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


async def extent(consumer: AIOKafkaConsumer, topic: str) -> dict[int, tuple[int, int]]:
    """Each partition of `topic` with its (beginning, end) offsets now."""
    numbers = consumer.partitions_for_topic(topic) or await _partitions(consumer, topic)
    partitions = [TopicPartition(topic, p) for p in sorted(numbers)]
    if not partitions:
        return {}
    begins = await consumer.beginning_offsets(partitions)
    ends = await consumer.end_offsets(partitions)
    return {tp.partition: (begins[tp], ends[tp]) for tp in partitions}


async def _partitions(consumer: AIOKafkaConsumer, name: str) -> set[int]:
    await consumer._client.force_metadata_update()
    return consumer.partitions_for_topic(name) or set()


async def wait_drained(bootstrap: str, settings: Settings, *, timeout_s: float, quiet_s: float = 1.0) -> None:
    """Wait until the worker's group has committed everything on its input topics, twice `quiet_s` apart."""
    inputs = [settings.topic(spec.name) for stage in registry.TOPOLOGY for spec in stage.inputs]
    deadline = time.monotonic() + timeout_s
    settled, lag = 0, -1
    while time.monotonic() < deadline:
        lag = await group_lag(bootstrap, settings, settings.app_id, inputs)
        settled = settled + 1 if lag == 0 else 0
        if settled >= 2:
            return
        await asyncio.sleep(quiet_s)
    raise TimeoutError(f"the worker did not finish its input within {timeout_s:.0f} s (lag {lag})")
