"""Does a Kafka broker really answer? Asked with aiokafka, the client the service itself uses."""

from __future__ import annotations

import asyncio
import socket
from concurrent.futures import ThreadPoolExecutor


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


async def _broker_count(bootstrap: str, timeout_ms: int) -> int:
    from aiokafka.client import AIOKafkaClient

    client = AIOKafkaClient(
        bootstrap_servers=bootstrap,
        request_timeout_ms=timeout_ms,
        metadata_max_age_ms=timeout_ms,
    )
    try:
        await client.bootstrap()
        return len(client.cluster.brokers())
    finally:
        await client.close()


def answers(bootstrap: str, timeout_s: float = 5.0) -> bool:
    """True when a metadata request to `bootstrap` returns at least one live broker.

    Runs on its own event loop in a worker thread, so callers may hold a running loop of their own
    (the demo command and async test fixtures do).
    """
    host, _, port = bootstrap.rpartition(":")
    # A closed port would make aiokafka log a connection error; skip the noise.
    if not port_open(host or "127.0.0.1", int(port)):
        return False
    timeout_ms = max(int(timeout_s * 1000), 1000)
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(asyncio.run, _broker_count(bootstrap, timeout_ms))
        try:
            return future.result(timeout=timeout_s + 5) > 0
        except Exception:  # any failure to answer is a "no"; the caller reports the broker's log
            return False
