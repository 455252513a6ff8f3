"""The local broker answers real clients, and its start/stop commands are idempotent."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from streams import kafka_local
from streams.kafka_local import KafkaLocalError
from streams.kafka_local.jars import find_java

pytestmark = pytest.mark.integration

RECEIVE_TIMEOUT_S = 30.0


def _external_cluster() -> bool:
    return bool(os.environ.get("DYADWATCH_KAFKA_BOOTSTRAP") or os.environ.get("KAFKA_BOOTSTRAP"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _process_alive(pid: int | None) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.fixture
def local_broker_only() -> None:
    if _external_cluster():
        pytest.skip("KAFKA_BOOTSTRAP points at an existing cluster: the local broker is not in use")


async def test_record_round_trip(kafka_bootstrap: str, fresh_topics: Any) -> None:
    topic = fresh_topics.topic("roundtrip")
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    try:
        sent = await producer.send_and_wait(
            topic, key=b"FRA-DEU", value=b'{"score": 4.5}', headers=[("stage", b"relate")]
        )
    finally:
        await producer.stop()

    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=kafka_bootstrap,
        group_id=fresh_topics.group(),
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        record = await asyncio.wait_for(consumer.getone(), RECEIVE_TIMEOUT_S)
    except TimeoutError:
        pytest.fail(f"no record came back from {topic} at {kafka_bootstrap} within {RECEIVE_TIMEOUT_S} s")
    finally:
        await consumer.stop()

    assert (record.key, record.value) == (b"FRA-DEU", b'{"score": 4.5}')
    assert list(record.headers) == [("stage", b"relate")]
    assert (record.partition, record.offset) == (sent.partition, sent.offset)


@pytest.mark.usefixtures("local_broker_only")
def test_start_reuses_the_running_broker(kafka_bootstrap: str) -> None:
    running = kafka_local.status()
    again = kafka_local.start()

    assert running.running
    assert again.running and not again.started
    assert again.pid == running.pid
    assert again.bootstrap == kafka_bootstrap


@pytest.mark.usefixtures("local_broker_only")
def test_start_refuses_a_port_held_by_another_process(tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = int(squatter.getsockname()[1])
        with pytest.raises(KafkaLocalError, match=f"port {port} .* another process"):
            kafka_local.start(port=port, controller_port=_free_port(), data_dir=tmp_path / "broker")
    assert not kafka_local.status(port, tmp_path / "broker").running


def test_second_broker_starts_answers_and_stops_idempotently(tmp_path: Path) -> None:
    try:
        find_java()
    except KafkaLocalError as exc:
        pytest.skip(str(exc))
    port, controller_port = _free_port(), _free_port()
    data_dir = tmp_path / "broker"

    first = kafka_local.start(port=port, controller_port=controller_port, data_dir=data_dir)
    try:
        assert first.started and first.bootstrap == f"127.0.0.1:{port}"
        assert kafka_local.status(port, data_dir).pid == first.pid
        assert (data_dir / "logs" / "server.log").stat().st_size > 0, "the broker logs nothing"
    finally:
        stopped = kafka_local.stop(port=port, data_dir=data_dir)
    assert not stopped.running
    assert not _process_alive(first.pid)
    assert not kafka_local.stop(port=port, data_dir=data_dir).running


def _stand_in_broker(data_dir: Path, *marks: str) -> subprocess.Popen[bytes]:
    """A process that ignores SIGTERM; with the marks in its command line it passes for the broker."""
    data_dir.mkdir(parents=True, exist_ok=True)
    script = "trap '' TERM; echo ready; exec 1>&-; while :; do sleep 0.1; done"
    process = subprocess.Popen(["sh", "-c", script, "sh", *marks], stdout=subprocess.PIPE)
    assert process.stdout is not None
    # Returns once the trap is in place (or at EOF if the shell died), so no signal races it.
    assert process.stdout.readline() == b"ready\n", "the stand-in process did not start"
    process.stdout.close()
    (data_dir / "broker.pid").write_text(f"{process.pid}\n")
    return process


def test_stop_kills_a_broker_that_ignores_sigterm(tmp_path: Path) -> None:
    data_dir = tmp_path / "broker"
    process = _stand_in_broker(data_dir, "kafka.Kafka", str(data_dir / "server.properties"))
    try:
        assert kafka_local.status(data_dir=data_dir).running
        stopped = kafka_local.stop(data_dir=data_dir, timeout=0.5)
        assert process.wait(timeout=10) == -signal.SIGKILL
    finally:
        process.kill()
    assert not stopped.running
    assert not (data_dir / "broker.pid").exists()


def test_a_pid_file_naming_another_process_is_ignored(tmp_path: Path) -> None:
    data_dir = tmp_path / "broker"
    process = _stand_in_broker(data_dir, "not-a-broker")
    try:
        assert not kafka_local.status(data_dir=data_dir).running
        kafka_local.stop(data_dir=data_dir, timeout=0.5)
        assert process.poll() is None, "stop() signalled a process that is not the broker"
    finally:
        process.kill()
        process.wait(timeout=10)
