"""Java/Maven checks and the cached Kafka runtime classpath.

The broker's jars come from Maven Central through the pinned pom.xml beside this module. They are
copied once into a cache directory; a marker file, written only after Maven succeeded, holds a hash
of the POM so that a half-finished copy or a changed POM triggers a fresh fetch.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

Progress = Callable[[str], None]

MIN_JAVA = 17
_POM_NS = {"m": "http://maven.apache.org/POM/4.0.0"}
_MARKER = ".complete"
_FETCH_TIMEOUT_S = 900
DOCKER_HINT = (
    "Alternatives: `docker compose up` (runs Kafka in a container), or point KAFKA_BOOTSTRAP "
    "at an existing cluster."
)


class KafkaLocalError(RuntimeError):
    """The local broker cannot be fetched, started or stopped; the message says what to do."""


def no_progress(_message: str) -> None:
    pass


def to_stderr(message: str) -> None:
    print(f"[kafka] {message}", file=sys.stderr, flush=True)


def pom_text() -> str:
    return resources.files(__package__).joinpath("pom.xml").read_text(encoding="utf-8")


def kafka_version() -> str:
    """The Kafka version pinned in pom.xml (the one place it is written)."""
    root = ET.fromstring(pom_text())
    version = root.findtext("m:properties/m:kafka.version", namespaces=_POM_NS)
    if not version:
        raise KafkaLocalError("pom.xml has no <kafka.version> property")
    return version.strip()


def cache_root() -> Path:
    """DYADWATCH_CACHE if set, else $XDG_CACHE_HOME/dyadwatch (default ~/.cache/dyadwatch)."""
    explicit = os.environ.get("DYADWATCH_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "dyadwatch"


def libs_dir() -> Path:
    return cache_root() / f"kafka-{kafka_version()}" / "libs"


def find_java() -> Path:
    """The java binary (JAVA_HOME first), checked to be version 17 or newer."""
    java_home = os.environ.get("JAVA_HOME")
    candidate = Path(java_home) / "bin" / "java" if java_home else None
    if candidate is None or not candidate.exists():
        found = shutil.which("java")
        candidate = Path(found) if found else None
    if candidate is None:
        raise KafkaLocalError(
            f"Java {MIN_JAVA}+ is needed to run the local Kafka broker, and no `java` was found "
            f"(set JAVA_HOME or install e.g. openjdk-17-jre-headless). {DOCKER_HINT}"
        )
    major = java_major_version(candidate)
    if major < MIN_JAVA:
        raise KafkaLocalError(f"{candidate} is Java {major}; Kafka 4.x needs Java {MIN_JAVA}+. {DOCKER_HINT}")
    return candidate


def java_major_version(java: Path) -> int:
    proc = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=60, check=False)
    # `java -version` writes to stderr: 'openjdk version "17.0.15"' or, before 9, '"1.8.0_392"'.
    match = re.search(r'version "(\d+)(?:\.(\d+))?', proc.stderr + proc.stdout)
    if not match:
        raise KafkaLocalError(f"cannot tell the version of {java}: {proc.stderr.strip()[:200]}")
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def find_maven() -> Path:
    found = shutil.which("mvn")
    if not found:
        raise KafkaLocalError(
            "Maven (`mvn`) is needed once, to fetch the Kafka jars from Maven Central, and was not "
            f"found (install e.g. the `maven` package). {DOCKER_HINT}"
        )
    return Path(found)


def _pom_digest() -> str:
    return hashlib.sha256(pom_text().encode("utf-8")).hexdigest()


def jars_ready(libs: Path | None = None) -> bool:
    libs = libs or libs_dir()
    marker = libs / _MARKER
    return marker.is_file() and marker.read_text(encoding="utf-8").strip() == _pom_digest()


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive advisory lock, so concurrent starts/fetches do not trample each other."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_jars(progress: Progress = no_progress) -> Path:
    """Return the directory holding the broker's classpath, fetching it on first use."""
    libs = libs_dir()
    if jars_ready(libs):
        return libs
    with file_lock(libs.parent / "fetch.lock"):
        if jars_ready(libs):  # another process fetched while we waited for the lock
            return libs
        mvn = find_maven()
        find_java()  # Maven needs it too; fail with the clearer message
        progress(f"fetching Kafka {kafka_version()} jars from Maven Central (first run only)...")
        started = time.monotonic()
        _copy_dependencies(mvn, libs)
        progress(f"fetched {len(list(libs.glob('*.jar')))} jars in {time.monotonic() - started:.1f} s")
    return libs


def _copy_dependencies(mvn: Path, libs: Path) -> None:
    # Copy into a scratch directory and rename at the end, so an interrupted fetch never leaves a
    # directory that looks complete.
    libs.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="libs-", dir=libs.parent))
    try:
        pom = scratch / "pom.xml"
        pom.write_text(pom_text(), encoding="utf-8")
        out = scratch / "jars"
        cmd = [
            str(mvn), "-B", "-q", "-f", str(pom),
            "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies",
            "-DincludeScope=runtime", f"-DoutputDirectory={out}",
        ]  # fmt: skip
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=_FETCH_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired as exc:
            raise KafkaLocalError(
                f"Maven did not finish fetching the Kafka jars within {_FETCH_TIMEOUT_S} s. {DOCKER_HINT}"
            ) from exc
        if proc.returncode != 0 or not any(out.glob("kafka_2.13-*.jar")):
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-20:])
            raise KafkaLocalError(
                f"Maven failed to fetch the Kafka jars (exit {proc.returncode}):\n{tail}\n{DOCKER_HINT}"
            )
        (out / _MARKER).write_text(_pom_digest() + "\n", encoding="utf-8")
        if libs.exists():
            shutil.rmtree(libs)
        out.rename(libs)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
