"""SASL_SSL by configuration: a worker talks SCRAM-SHA-512 over TLS to a broker that accepts nothing else, an
article goes through, and the password shows up neither in the worker's log nor in `dyadwatch config`. The
worker's HTTP views listen only where configured (loopback by default) and take no writes."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from aiokafka.client import AIOKafkaClient

from streams import kafka_io
from streams import topics as registry
from streams.kafka_local import KafkaLocalError
from streams.kafka_local.jars import find_java
from streams.kafka_local.secure import SecureBroker, start_secure, stop_secure
from streams.models import RelationObservation
from streams.runner import WorkerProcess, free_port
from streams.settings import Settings

pytestmark = pytest.mark.integration

USER = "dyadwatch-worker"
OUTPUT_TIMEOUT_S = 90.0
ARTICLE = {
    "id": "secure-article-1",
    "title": "France and Japan agree on grain trade",
    "body": "France and Japan signed an agreement on Tuesday to expand trade in grain.\n"
            "The foreign ministers of France and Japan pledged closer cooperation on shipping lanes.\n"
            "Officials said the accord would be reviewed next year.",
    "source": "test-wire",
    "published_at": "2025-04-01T09:00:00+00:00",
}


@pytest.fixture(scope="module")
def secure_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecureBroker]:
    try:
        find_java()
    except KafkaLocalError as exc:
        pytest.skip(str(exc))
    # A password no other string in the run could contain by accident.
    password = f"pw-{secrets.token_hex(16)}"
    broker = start_secure(tmp_path_factory.mktemp("secure") / "broker", port=free_port(),
                          controller_port=free_port(), users={USER: password})
    try:
        yield broker
    finally:
        stop_secure(broker)


def _env(broker: SecureBroker, prefix: str, data_dir: Path) -> dict[str, str]:
    return {
        "DYADWATCH_KAFKA_BOOTSTRAP": broker.bootstrap,
        "KAFKA_BOOTSTRAP": broker.bootstrap,
        "DYADWATCH_APP_ID": f"{prefix}-app",
        "DYADWATCH_TOPIC_PREFIX": f"{prefix}.",
        "DYADWATCH_DATA_DIR": str(data_dir),
        "DYADWATCH_SECURITY_PROTOCOL": "SASL_SSL",
        "DYADWATCH_SASL_MECHANISM": "SCRAM-SHA-512",
        "DYADWATCH_SASL_USERNAME": USER,
        "DYADWATCH_SASL_PASSWORD": broker.users[USER],
        "DYADWATCH_SSL_CAFILE": str(broker.ca_file),
    }


def _settings(env: dict[str, str]) -> Settings:
    return Settings(
        kafka_bootstrap=env["DYADWATCH_KAFKA_BOOTSTRAP"], app_id=env["DYADWATCH_APP_ID"],
        topic_prefix=env["DYADWATCH_TOPIC_PREFIX"], security_protocol="SASL_SSL", sasl_mechanism="SCRAM-SHA-512",
        sasl_username=USER, sasl_password=env["DYADWATCH_SASL_PASSWORD"],
        ssl_cafile=env["DYADWATCH_SSL_CAFILE"],
    )


async def _first_observations(bootstrap: str, settings: Settings, timeout_s: float) -> list[RelationObservation]:
    topic = settings.topic(registry.OBSERVED.name)
    deadline = time.monotonic() + timeout_s
    async with kafka_io.reading(bootstrap, settings, topic) as consumer:
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=1000)
            found = [registry.OBSERVED.decode(m.value) for messages in batch.values() for m in messages]
            if found:
                return found
    return []


async def _bootstraps(broker: SecureBroker, **options: object) -> bool:
    client = AIOKafkaClient(bootstrap_servers=broker.bootstrap, request_timeout_ms=5000, **options)
    try:
        await client.bootstrap()
        return True
    except Exception:
        return False
    finally:
        await client.close()


def _listening_addresses(port: int) -> set[str]:
    """IPv4/IPv6 addresses with a listening TCP socket on `port`, from /proc/net (Linux)."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            local, state = row.split()[1], row.split()[3]
            address, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                if width == 8:
                    found.add(socket.inet_ntop(socket.AF_INET, bytes.fromhex(address)[::-1]))
                else:
                    words = b"".join(bytes.fromhex(address[i : i + 8])[::-1] for i in range(0, 32, 8))
                    found.add(socket.inet_ntop(socket.AF_INET6, words))
    return found


def _status(port: int, path: str, method: str) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=b"{}", method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_the_broker_refuses_plaintext_and_a_wrong_password(secure_broker: SecureBroker) -> None:
    wrong = {**secure_broker.client_options(USER), "sasl_plain_password": "not-the-password"}
    assert asyncio.run(_bootstraps(secure_broker, **secure_broker.client_options(USER)))
    assert not asyncio.run(_bootstraps(secure_broker)), "the broker answered a PLAINTEXT client"
    assert not asyncio.run(_bootstraps(secure_broker, **wrong)), "the broker accepted a wrong SCRAM password"


def test_worker_over_sasl_ssl_processes_an_article_and_keeps_the_password_secret(
    secure_broker: SecureBroker, tmp_path: Path
) -> None:
    password = secure_broker.users[USER]
    env = _env(secure_broker, f"sec{secrets.token_hex(4)}", tmp_path / "worker")
    settings = _settings(env)
    asyncio.run(kafka_io.ensure_topics(secure_broker.bootstrap, settings))
    worker = WorkerProcess(env, tmp_path / "worker.log").start()
    try:
        worker.wait_ready(timeout_s=120)
        asyncio.run(kafka_io.publish(secure_broker.bootstrap, settings, settings.topic(registry.RAW.name),
                                     [(ARTICLE["id"].encode(), orjson.dumps(ARTICLE))]))
        found = asyncio.run(_first_observations(secure_broker.bootstrap, settings, OUTPUT_TIMEOUT_S))
        listening = _listening_addresses(worker.web_port)
        writes = {method: _status(worker.web_port, "/pairs", method) for method in ("POST", "PUT", "DELETE")}
    finally:
        worker.stop()
    assert listening == {"127.0.0.1"}, f"the HTTP views listen on {listening}, not only where configured"
    assert all(status in (404, 405) for status in writes.values()), f"the views accept writes: {writes}"
    assert found, f"no observation within {OUTPUT_TIMEOUT_S:.0f} s over SASL_SSL:\n{worker.log_tail()}"
    assert {o.pair for o in found} == {"FRA-JPN"}
    assert found[0].observation_id == "secure-article-1:FRA-JPN"

    log = worker.log_path.read_text(errors="replace")
    assert password not in log, "the SASL password appears in the worker's log"

    shown = subprocess.run([sys.executable, "-m", "streams.cli", "config"], env={**os.environ, **env},
                           capture_output=True, text=True, timeout=60, check=True)
    assert password not in shown.stdout + shown.stderr, "`dyadwatch config` prints the SASL password"
    config = orjson.loads(shown.stdout)
    assert config["security_protocol"] == "SASL_SSL"
    assert config["sasl_username"] == USER
    assert config["sasl_password"] == "**********"
