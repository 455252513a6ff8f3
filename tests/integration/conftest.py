"""Fixtures for tests against a real Kafka broker.

`kafka_bootstrap` is KAFKA_BOOTSTRAP when set (an existing cluster), else the local single-node
broker of streams.kafka_local, started on demand and left running for the next run (`make
kafka-stop` stops it; CI stops it itself). `fresh_topics` gives each test its own topic names,
consumer groups and Faust app id, so tests never see each other's data.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from streams import kafka_io
from streams.kafka_local import ensure_broker
from streams.settings import Settings

pytestmark = pytest.mark.integration


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Everything under tests/integration needs the broker: mark it so `-m "not integration"` works.
    for item in items:
        if "tests/integration/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.integration)


@dataclass(frozen=True)
class TopicNamespace:
    """Names private to one test. Kafka allows [a-zA-Z0-9._-] in topic names."""

    prefix: str

    def topic(self, name: str) -> str:
        return f"{self.prefix}.{name}"

    def group(self, name: str = "group") -> str:
        return f"{self.prefix}.{name}"

    @property
    def app_id(self) -> str:
        """A Faust app id: its changelog/repartition topics then start with the prefix too."""
        return f"{self.prefix}-app"


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    return ensure_broker()


@pytest.fixture
def fresh_topics(kafka_bootstrap: str) -> Iterator[TopicNamespace]:
    namespace = TopicNamespace(prefix=f"t{uuid.uuid4().hex[:12]}")
    yield namespace
    _delete_topics_with_prefix(kafka_bootstrap, namespace.prefix)


def _delete_topics_with_prefix(bootstrap: str, prefix: str) -> None:
    """Best-effort tidy-up so a long-lived dev broker does not pile up test topics."""

    async def delete() -> None:
        await kafka_io.delete_topics_with_prefix(bootstrap, Settings(kafka_bootstrap=bootstrap), prefix)

    # Own loop in a worker thread: the test's event loop may still be open.
    with ThreadPoolExecutor(max_workers=1) as pool:
        try:
            pool.submit(asyncio.run, delete()).result(timeout=30)
        except Exception as exc:  # tidy-up must not turn a passing test into an error
            print(f"could not delete test topics {prefix}*: {exc!r}")
