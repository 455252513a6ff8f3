"""A single-node Apache Kafka (KRaft combined mode) on loopback, run as a detached JVM.

Everything the broker owns lives in its data directory: server.properties, the KRaft log dirs,
logs/server.log, the JVM's stdout (broker.out) and broker.pid. Starting is idempotent (a broker
already running there and answering is reused), and so is stopping.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template

from .jars import (
    DOCKER_HINT,
    KafkaLocalError,
    Progress,
    cache_root,
    ensure_jars,
    file_lock,
    find_java,
    no_progress,
    to_stderr,
)
from .probe import answers, port_open

DEFAULT_PORT = 9092
DEFAULT_CONTROLLER_PORT = 9093
HOST = "127.0.0.1"
START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 30.0
# Bounded heap: the machines have 24 GiB shared by everything, and a dev broker needs little.
JVM_OPTS = (
    "-Xms128m", "-Xmx512m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
    "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true",
)  # fmt: skip


@dataclass(frozen=True)
class BrokerStatus:
    running: bool
    bootstrap: str
    data_dir: Path
    pid: int | None = None
    # True only when start() launched the JVM in this call (False: it was already running).
    started: bool = False

    def describe(self) -> str:
        if self.running:
            return f"running (pid {self.pid}) at {self.bootstrap}, data in {self.data_dir}"
        return f"not running (would listen on {self.bootstrap}, data in {self.data_dir})"


def default_data_dir(port: int = DEFAULT_PORT) -> Path:
    return cache_root() / f"broker-{port}"


def _files(data_dir: Path) -> dict[str, Path]:
    return {
        "pid": data_dir / "broker.pid",
        "ports": data_dir / "ports.json",
        "props": data_dir / "server.properties",
        "log4j": data_dir / "log4j2.properties",
        "out": data_dir / "broker.out",
        "log": data_dir / "logs" / "server.log",
        "kraft": data_dir / "kraft-logs",
        "lock": data_dir / ".lock",
    }


def _alive_pid(data_dir: Path) -> int | None:
    """The broker's pid if its pid file names a live JVM running this data dir's config."""
    pid_file = _files(data_dir)["pid"]
    try:
        pid = int(pid_file.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, ValueError, IndexError):
        return None
    # A pid can be reused by an unrelated process after a reboot or crash: check it is our broker.
    ours = b"kafka.Kafka" in cmdline and str(_files(data_dir)["props"]).encode() in cmdline
    return pid if ours and state not in ("Z", "X") else None


def status(port: int = DEFAULT_PORT, data_dir: Path | None = None) -> BrokerStatus:
    data_dir = (data_dir or default_data_dir(port)).resolve()
    pid = _alive_pid(data_dir)
    return BrokerStatus(running=pid is not None, bootstrap=f"{HOST}:{port}", data_dir=data_dir, pid=pid)


def start(
    port: int = DEFAULT_PORT,
    controller_port: int = DEFAULT_CONTROLLER_PORT,
    data_dir: Path | None = None,
    timeout: float = START_TIMEOUT_S,
    progress: Progress = no_progress,
) -> BrokerStatus:
    """Start the broker (or find it running) and return once it answers a metadata request."""
    if port == controller_port:
        raise KafkaLocalError("the broker port and the controller port must differ")
    data_dir = (data_dir or default_data_dir(port)).resolve()
    files = _files(data_dir)
    bootstrap = f"{HOST}:{port}"
    data_dir.mkdir(parents=True, exist_ok=True)
    with file_lock(files["lock"]):
        pid = _alive_pid(data_dir)
        if pid is not None:
            _wait_until_answering(bootstrap, pid, data_dir, timeout)
            progress(f"Kafka already running (pid {pid}) at {bootstrap}")
            return BrokerStatus(True, bootstrap, data_dir, pid)
        for taken in (port, controller_port):
            if port_open(HOST, taken):
                raise KafkaLocalError(
                    f"port {taken} on {HOST} is used by another process, not by the broker of "
                    f"{data_dir}. If that is a Kafka broker, set KAFKA_BOOTSTRAP={HOST}:{taken}; "
                    "otherwise choose other ports (--port)."
                )
        java = find_java()
        libs = ensure_jars(progress)
        _write_config(data_dir, port, controller_port)
        if not (files["kraft"] / "meta.properties").exists():
            progress("formatting KRaft storage (first start of this data dir)...")
            _format_storage(java, libs, data_dir)
        progress(f"starting Kafka at {bootstrap} (data in {data_dir})...")
        pid = _launch(java, libs, data_dir)
        try:
            _wait_until_answering(bootstrap, pid, data_dir, timeout)
        except KafkaLocalError:
            _terminate(pid)
            files["pid"].unlink(missing_ok=True)
            raise
        progress(f"Kafka is up (pid {pid}) at {bootstrap}")
        return BrokerStatus(True, bootstrap, data_dir, pid, started=True)


def stop(
    port: int = DEFAULT_PORT,
    data_dir: Path | None = None,
    timeout: float = STOP_TIMEOUT_S,
    progress: Progress = no_progress,
) -> BrokerStatus:
    """Stop the broker: SIGTERM (a clean shutdown), SIGKILL if it is still there after `timeout`."""
    data_dir = (data_dir or default_data_dir(port)).resolve()
    files = _files(data_dir)
    if not data_dir.exists():
        progress("Kafka is not running")
        return status(port, data_dir)
    with file_lock(files["lock"]):
        pid = _alive_pid(data_dir)
        if pid is None:
            progress("Kafka is not running")
        else:
            progress(f"stopping Kafka (pid {pid})...")
            killed = _terminate(pid, timeout)
            progress("Kafka killed after not stopping in time" if killed else "Kafka stopped")
        files["pid"].unlink(missing_ok=True)
    return status(port, data_dir)


def _write_config(data_dir: Path, port: int, controller_port: int) -> None:
    files = _files(data_dir)
    wanted = {"port": port, "controller_port": controller_port}
    if (files["kraft"] / "meta.properties").exists() and files["ports"].exists():
        recorded = json.loads(files["ports"].read_text())
        # With --standalone the controller's address is written into the formatted metadata log.
        if recorded.get("controller_port") != controller_port:
            raise KafkaLocalError(
                f"{data_dir} was formatted for controller port {recorded.get('controller_port')}, "
                f"not {controller_port}: use another --data-dir or delete that directory."
            )
    package = resources.files(__package__)
    template = Template(package.joinpath("server-template.properties").read_text(encoding="utf-8"))
    files["props"].write_text(
        template.substitute(port=port, controller_port=controller_port, log_dir=files["kraft"]),
        encoding="utf-8",
    )
    files["log4j"].write_text(package.joinpath("log4j2.properties").read_text(encoding="utf-8"))
    files["ports"].write_text(json.dumps(wanted) + "\n")


def _java_cmd(java: Path, libs: Path, data_dir: Path, main: str) -> list[str]:
    files = _files(data_dir)
    return [
        str(java), *JVM_OPTS,
        f"-Dlog4j2.configurationFile={files['log4j']}",
        f"-Dkafka.logs.dir={files['log'].parent}",
        "-cp", f"{libs}/*", main,
    ]  # fmt: skip


def _format_storage(java: Path, libs: Path, data_dir: Path) -> None:
    files = _files(data_dir)
    tool = _java_cmd(java, libs, data_dir, "kafka.tools.StorageTool")
    uuid = _run_tool([*tool, "random-uuid"]).strip().splitlines()[-1]
    _run_tool([*tool, "format", "--standalone", "-t", uuid, "-c", str(files["props"])])


def _run_tool(cmd: list[str]) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)
    if proc.returncode != 0:
        raise KafkaLocalError(
            f"`{' '.join(cmd[-4:])}` failed (exit {proc.returncode}):\n{(proc.stdout + proc.stderr)[-2000:]}"
        )
    return proc.stdout


def _launch(java: Path, libs: Path, data_dir: Path) -> int:
    files = _files(data_dir)
    cmd = [*_java_cmd(java, libs, data_dir, "kafka.Kafka"), str(files["props"])]
    # A shell starts the JVM in the background and exits at once: the JVM is re-parented, so it
    # outlives this process (a CLI call) and never lingers as our zombie. start_new_session keeps
    # a Ctrl-C in the calling terminal from reaching it.
    launcher = 'out="$1"; shift; "$@" >"$out" 2>&1 </dev/null & echo $!'
    proc = subprocess.run(
        ["sh", "-c", launcher, "sh", str(files["out"]), *cmd],
        capture_output=True, text=True, timeout=30, check=True, start_new_session=True,
    )  # fmt: skip
    pid = int(proc.stdout.strip())
    files["pid"].write_text(f"{pid}\n")
    return pid


def _wait_until_answering(bootstrap: str, pid: int, data_dir: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _pid_alive(pid):
            raise KafkaLocalError(f"Kafka exited during startup.\n{_log_tail(data_dir)}\n{DOCKER_HINT}")
        if answers(bootstrap, timeout_s=min(5.0, max(deadline - time.monotonic(), 1.0))):
            return
        time.sleep(0.25)  # polling interval of a bounded wait, not synchronisation
    raise KafkaLocalError(
        f"Kafka (pid {pid}) did not answer at {bootstrap} within {timeout:.0f} s.\n{_log_tail(data_dir)}"
    )


def _pid_alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _terminate(pid: int, timeout: float = STOP_TIMEOUT_S) -> bool:
    """SIGTERM, wait, SIGKILL. Returns True if SIGKILL was needed."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _pid_alive(pid):
            return False
        time.sleep(0.2)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return False
    kill_deadline = time.monotonic() + 10
    while _pid_alive(pid) and time.monotonic() < kill_deadline:
        time.sleep(0.1)
    return True


def _log_tail(data_dir: Path, lines: int = 30) -> str:
    parts = []
    # broker.out (this launch's JVM output) first: server.log may still end with an earlier run.
    for name in ("out", "log"):
        path = _files(data_dir)[name]
        if path.exists():
            tail = path.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- last lines of {path} ---\n" + "\n".join(tail))
    return "\n".join(parts) or f"(no log found in {data_dir})"


def ensure_broker(port: int = DEFAULT_PORT, progress: Progress = to_stderr) -> str:
    """Bootstrap servers to use: KAFKA_BOOTSTRAP (or DYADWATCH_KAFKA_BOOTSTRAP) if set, else the
    local broker, started on demand (progress goes to stderr: the first start fetches jars)."""
    for name in ("DYADWATCH_KAFKA_BOOTSTRAP", "KAFKA_BOOTSTRAP"):
        configured = os.environ.get(name, "").strip()
        if configured:
            return configured
    return start(port=port, controller_port=port + 1, progress=progress).bootstrap
