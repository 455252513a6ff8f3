"""A second local broker that only speaks SASL_SSL to clients: SCRAM-SHA-512 users and a TLS certificate from a
certificate authority made on the spot. For tests of the secure configuration, never for the shared dev broker.

    broker = start_secure(data_dir, users={"dyadwatch": password})
    ... clients use broker.bootstrap, SASL_SSL, SCRAM-SHA-512 and broker.ca_file ...
    stop_secure(broker)

What is secured and what is not: the client listener (SASL_SSL) is also the inter-broker listener, with a broker
user of its own. The KRaft controller listener stays PLAINTEXT on loopback, because a KRaft controller cannot
authenticate with SCRAM (its credentials live in the very metadata log the controller serves).

The certificates come from the `openssl` command (present wherever Java and Kafka are): a CA valid for two
days, and a broker certificate for 127.0.0.1 and localhost signed by it. The broker reads them as PEM files
(Kafka's ssl.keystore.type=PEM), so no Java keystore or keytool is involved.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import ssl
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .broker import HOST, _files, _java_cmd, _launch, _log_tail, _pid_alive, _run_tool, _terminate, _write_config
from .jars import KafkaLocalError, ensure_jars, find_java
from .probe import port_open

SCRAM = "SCRAM-SHA-512"
CERT_DAYS = 2
START_TIMEOUT_S = 120.0
BROKER_USER = "broker"


@dataclass(frozen=True)
class SecureBroker:
    bootstrap: str
    ca_file: Path
    users: dict[str, str] = field(repr=False)  # name -> password; never printed
    data_dir: Path = Path()
    port: int = 0
    controller_port: int = 0
    pid: int | None = None

    def client_options(self, user: str) -> dict[str, object]:
        """aiokafka options for connecting as `user`."""
        return {
            "security_protocol": "SASL_SSL",
            "sasl_mechanism": SCRAM,
            "sasl_plain_username": user,
            "sasl_plain_password": self.users[user],
            "ssl_context": ssl.create_default_context(cafile=str(self.ca_file)),
        }


def _openssl(*args: str, cwd: Path) -> None:
    proc = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False)
    if proc.returncode != 0:
        raise KafkaLocalError(f"openssl {args[0]} failed: {proc.stderr.strip()[-800:]}")


def make_certificates(directory: Path) -> tuple[Path, Path]:
    """A fresh CA and a broker certificate for 127.0.0.1/localhost signed by it.

    Returns (CA certificate PEM, broker PEM holding its unencrypted PKCS#8 key then its certificate chain).
    """
    if shutil.which("openssl") is None:
        raise KafkaLocalError("the `openssl` command is needed to make the test certificates")
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "broker.ext").write_text(
        "basicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth,clientAuth\n"
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
    )
    days = str(CERT_DAYS)
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
             "-days", days, "-subj", "/CN=Dyadwatch test CA",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
             cwd=directory)  # fmt: skip
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "broker.key", "-out", "broker.csr",
             "-subj", "/CN=localhost", cwd=directory)  # fmt: skip
    _openssl("x509", "-req", "-in", "broker.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-out", "broker.crt", "-days", days, "-extfile", "broker.ext", cwd=directory)  # fmt: skip
    # Kafka's PEM keystore wants PKCS#8 ("BEGIN PRIVATE KEY"); say so explicitly rather than rely on the
    # openssl version's default key format.
    _openssl("pkcs8", "-topk8", "-nocrypt", "-in", "broker.key", "-out", "broker.pk8", cwd=directory)
    keystore = directory / "broker.pem"
    keystore.write_text(
        (directory / "broker.pk8").read_text() + (directory / "broker.crt").read_text()
        + (directory / "ca.pem").read_text()
    )
    for secret in ("ca.key", "broker.key", "broker.pk8", "broker.pem"):
        (directory / secret).chmod(0o600)
    (directory / "ca.key").unlink()  # nothing else is ever signed by this CA
    return directory / "ca.pem", keystore


def _properties(data_dir: Path, port: int, controller_port: int, ca_file: Path, keystore: Path,
                broker_password: str) -> str:
    """The dev broker's settings (as broker.py writes them) with the client listener turned into SASL_SSL."""
    _write_config(data_dir, port, controller_port)
    base = _files(data_dir)["props"].read_text("utf-8")
    overrides = {
        "listeners": f"SASL_SSL://{HOST}:{port},CONTROLLER://{HOST}:{controller_port}",
        "advertised.listeners": f"SASL_SSL://{HOST}:{port},CONTROLLER://{HOST}:{controller_port}",
        "inter.broker.listener.name": "SASL_SSL",
        "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL",
        # Clients must not be able to create topics by producing to them on a secured cluster.
        "auto.create.topics.enable": "false",
    }
    lines = [
        f"{key}={overrides.pop(key)}" if key in overrides else line
        for line in base.splitlines()
        for key in [line.split("=", 1)[0].strip()]
    ]
    jaas = (f'org.apache.kafka.common.security.scram.ScramLoginModule required username="{BROKER_USER}" '
            f'password="{broker_password}";')
    lines += [
        "",
        "# Added by streams/kafka_local/secure.py: SCRAM-SHA-512 over TLS on the client listener.",
        *(f"{key}={value}" for key, value in overrides.items()),
        f"sasl.enabled.mechanisms={SCRAM}",
        f"sasl.mechanism.inter.broker.protocol={SCRAM}",
        f"listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config={jaas}",
        "ssl.keystore.type=PEM",
        f"ssl.keystore.location={keystore}",
        "ssl.truststore.type=PEM",
        f"ssl.truststore.location={ca_file}",
        "ssl.client.auth=none",
        "ssl.endpoint.identification.algorithm=https",
        "ssl.enabled.protocols=TLSv1.3,TLSv1.2",
    ]
    return "\n".join(lines) + "\n"


def start_secure(data_dir: Path, *, port: int, controller_port: int, users: dict[str, str],
                 timeout: float = START_TIMEOUT_S) -> SecureBroker:
    """Format a fresh data dir with SCRAM users, make certificates, start the broker, and wait until a SCRAM
    login over TLS succeeds. `data_dir` must be new (or empty): users are only added at format time."""
    for taken in (port, controller_port):
        if port_open(HOST, taken):
            raise KafkaLocalError(f"port {taken} on {HOST} is already in use")
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    if (_files(data_dir)["kraft"] / "meta.properties").exists():
        raise KafkaLocalError(f"{data_dir} is already formatted; SCRAM users are added only to a fresh one")
    java, libs = find_java(), ensure_jars()
    ca_file, keystore = make_certificates(data_dir / "tls")
    broker_password = secrets.token_urlsafe(24)
    files = _files(data_dir)
    files["props"].write_text(_properties(data_dir, port, controller_port, ca_file, keystore, broker_password))
    files["props"].chmod(0o600)  # it holds the broker user's password
    scram = [f"{SCRAM}=[name={name},password={password}]"
             for name, password in {BROKER_USER: broker_password, **users}.items()]
    tool = _java_cmd(java, libs, data_dir, "kafka.tools.StorageTool")
    cluster_id = _run_tool([*tool, "random-uuid"]).strip().splitlines()[-1]
    _run_tool([*tool, "format", "--standalone", "-t", cluster_id, "-c", str(files["props"]),
               *(arg for entry in scram for arg in ("--add-scram", entry))])
    pid = _launch(java, libs, data_dir)
    broker = SecureBroker(f"{HOST}:{port}", ca_file, dict(users), data_dir, port, controller_port, pid)
    try:
        _wait_for_login(broker, timeout)
    except KafkaLocalError:
        _terminate(pid)
        raise
    return broker


def stop_secure(broker: SecureBroker) -> None:
    if broker.pid is not None and _pid_alive(broker.pid):
        _terminate(broker.pid)
    _files(broker.data_dir)["pid"].unlink(missing_ok=True)


def _wait_for_login(broker: SecureBroker, timeout: float) -> None:
    user = next(iter(broker.users))
    deadline = time.monotonic() + timeout
    last_error = ""
    while time.monotonic() < deadline:
        if broker.pid is not None and not _pid_alive(broker.pid):
            raise KafkaLocalError(f"the SASL_SSL broker exited during startup.\n{_log_tail(broker.data_dir)}")
        if port_open(HOST, broker.port):
            try:
                with ThreadPoolExecutor(max_workers=1) as pool:
                    if pool.submit(asyncio.run, _broker_count(broker, user)).result(timeout=30) > 0:
                        return
            except Exception as exc:  # not up yet, or refusing us: keep the reason for the timeout message
                last_error = f"{type(exc).__name__}: {exc}"
        time.sleep(0.5)  # polling interval of a bounded wait
    raise KafkaLocalError(
        f"no SCRAM login over TLS to {broker.bootstrap} within {timeout:.0f} s (last: {last_error})\n"
        f"{_log_tail(broker.data_dir)}"
    )


async def _broker_count(broker: SecureBroker, user: str) -> int:
    from aiokafka.client import AIOKafkaClient

    client = AIOKafkaClient(bootstrap_servers=broker.bootstrap, request_timeout_ms=10_000,
                            **broker.client_options(user))
    try:
        await client.bootstrap()
        return len(client.cluster.brokers())
    finally:
        await client.close()
