"""The whole pipeline on a real broker: a worker process, the fixture article in, observations and alerts out."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from streams import kafka_io
from streams import topics as registry
from streams.models import DeadLetter, RelationObservation, RelationshipAlert
from streams.runner import WorkerProcess
from streams.settings import Settings

pytestmark = pytest.mark.integration
FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture
def run(kafka_bootstrap: str, fresh_topics: Any, tmp_path: Path) -> Iterator[tuple[Settings, WorkerProcess]]:
    """A worker with its own app id and topic names, so that tests never see each other's data."""
    settings = Settings(
        app_id=fresh_topics.app_id, topic_prefix=f"{fresh_topics.prefix}.", kafka_bootstrap=kafka_bootstrap
    )
    asyncio.run(kafka_io.ensure_topics(kafka_bootstrap, settings))
    env = {
        "DYADWATCH_APP_ID": settings.app_id,
        "DYADWATCH_TOPIC_PREFIX": settings.topic_prefix,
        "KAFKA_BOOTSTRAP": kafka_bootstrap,
        "DYADWATCH_DATA_DIR": str(tmp_path / "worker"),
    }
    worker = WorkerProcess(env, tmp_path / "worker.log").start()
    try:
        worker.wait_ready(timeout_s=120)
        yield settings, worker
    finally:
        worker.stop()


async def collect(bootstrap: str, settings: Settings, done: object, timeout_s: float) -> dict[str, list[object]]:
    """Read the output topics until `done(outputs)` holds, or fail after `timeout_s` saying what arrived."""
    names = {settings.topic(t.name): t for t in (registry.OBSERVED, registry.ALERTS, registry.DEADLETTER)}
    outputs: dict[str, list[object]] = {t.name: [] for t in names.values()}
    deadline = time.monotonic() + timeout_s
    async with kafka_io.reading(bootstrap, settings, *names) as consumer:
        while not done(outputs):  # type: ignore[operator]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                pytest.fail(f"timed out after {timeout_s:.0f} s; outputs so far: {summarise(outputs)}")
            batch = await consumer.getmany(timeout_ms=int(min(remaining, 1.0) * 1000))
            for tp, messages in batch.items():
                spec = names[tp.topic]
                outputs[spec.name].extend(spec.decode(m.value) for m in messages)
    return outputs


def summarise(outputs: dict[str, list[object]]) -> dict[str, list[str]]:
    shown: dict[str, list[str]] = {}
    for name, items in outputs.items():
        shown[name] = [
            f"{getattr(i, 'pair', '')} {getattr(i, 'polarity', getattr(i, 'kind', ''))} "
            f"{getattr(i, 'trend', getattr(i, 'trigger', ''))} {getattr(i, 'error', '')}".strip()
            for i in items
        ]
    return shown


def test_fixture_article_flows_to_observations_and_alerts(
    run: tuple[Settings, WorkerProcess], kafka_bootstrap: str
) -> None:
    settings, _ = run
    article = (FIXTURES / "articles" / "kim_putin_birthday.json").read_bytes()
    malformed = b'{"id": "broken-1", "body": 42'
    asyncio.run(
        kafka_io.publish(
            kafka_bootstrap,
            settings,
            settings.topic(registry.RAW.name),
            [(b"fixture-kim-birthday-2024", article), (b"broken-1", malformed)],
        )
    )

    def observed(outputs: dict[str, list[object]]) -> dict[str, RelationObservation]:
        return {o.pair: o for o in outputs[registry.OBSERVED.name] if isinstance(o, RelationObservation)}

    def alerts(outputs: dict[str, list[object]]) -> set[tuple[str, str]]:
        return {(a.pair, a.kind) for a in outputs[registry.ALERTS.name] if isinstance(a, RelationshipAlert)}

    def done(outputs: dict[str, list[object]]) -> bool:
        pairs = observed(outputs)
        return (
            {"PRK-RUS", "RUS-UKR", "CHN-PRK"} <= pairs.keys()
            and {("PRK-RUS", "warming"), ("CHN-PRK", "cooling")} <= alerts(outputs)
            and len(outputs[registry.DEADLETTER.name]) >= 1
        )

    outputs = asyncio.run(collect(kafka_bootstrap, settings, done, timeout_s=90))
    pairs = observed(outputs)
    assert pairs["PRK-RUS"].polarity == "cooperation"
    assert pairs["PRK-RUS"].score > 3
    assert pairs["RUS-UKR"].polarity == "conflict"
    assert pairs["RUS-UKR"].score < -3
    assert pairs["CHN-PRK"].trend == "cooling"
    assert pairs["CHN-PRK"].score < pairs["PRK-RUS"].score
    assert not any("KOR" in pair.split("-") for pair in pairs), "furniture or KCNA made a South Korea pair"
    reported = [a for a in outputs[registry.ALERTS.name] if isinstance(a, RelationshipAlert)]
    assert all(a.trigger == "reported" for a in reported)
    assert all(a.evidence and a.evidence[0].article_id == "fixture-kim-birthday-2024" for a in reported)
    letter = outputs[registry.DEADLETTER.name][0]
    assert isinstance(letter, DeadLetter)
    assert letter.stage == "clean"
    assert "JSON" in letter.error
    assert letter.topic == settings.topic(registry.RAW.name)
    assert letter.offset is not None
    assert base64.b64decode(letter.original_b64) == malformed

    # The worker's read-only views answer for the pairs it owns.
    _, worker = run
    status, body = worker.health("ready")
    assert status == 200, body
    status, body = worker.health("pairs")
    assert status == 200 and "PRK-RUS" in orjson.loads(body)["pairs"], body
    status, body = worker.health("pairs/CHN-PRK")
    assert status == 200, body
    state = orjson.loads(body)["state"]
    assert state["pair"] == "CHN-PRK" and state["articles"] >= 1
    status, _ = worker.health("pairs/AAA-ZZZ")
    assert status == 404
