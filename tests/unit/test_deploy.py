"""What users deploy is valid, checked offline: kustomize renders each overlay, the manifests pass strict
Kubernetes schema validation, docker-compose.yml passes the Compose spec, and the wiring that a schema
cannot see holds (probes on the web port, selectors that select the workers, secrets only referenced).

The validators live in .cache/tools-venv (`make deploy-tools`), apart from .venv because
check-jsonschema needs a newer click than faust-streaming allows; this module installs them there
when they are missing and skips only if that fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from streams.kafka_local import kafka_version

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
TOOLS_VENV = ROOT / ".cache" / "tools-venv"
TOOLS = ("kubectl", "kubernetes-validate", "check-jsonschema")
# The oldest Kubernetes minor still commonly supported by managed clusters when this was written.
K8S_VERSION = "1.31.0"
OVERLAYS = ("dev", "prod")
WEB_PORT = 6066

Manifest = dict[str, Any]


@pytest.fixture(scope="module")
def tools() -> Path:
    bin_dir = TOOLS_VENV / "bin"
    if all((bin_dir / tool).exists() for tool in TOOLS):
        return bin_dir
    steps = [
        [sys.executable, "-m", "venv", str(TOOLS_VENV)],
        [str(bin_dir / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
         "-r", str(DEPLOY / "tools-requirements.txt")],
    ]  # fmt: skip
    for step in steps:
        try:
            proc = subprocess.run(step, capture_output=True, text=True, timeout=600, check=False)
        except subprocess.TimeoutExpired:
            _unavailable(f"installing the deploy validators timed out: {' '.join(step[:4])}")
        if proc.returncode != 0:
            _unavailable(f"cannot install the deploy validators ({' '.join(step[:4])}): {proc.stderr[-500:]}")
    return bin_dir


def _unavailable(reason: str) -> None:
    """Skip on a developer's machine without the tools; in CI (CI=true) a missing validator is a failure."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def _run(cmd: list[str | Path], stdin: str | None = None) -> str:
    proc = subprocess.run(
        [str(part) for part in cmd], input=stdin, capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, f"{cmd[0]} failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def _load_yaml(tools: Path, text: str) -> list[Any]:
    # PyYAML is in the tools venv, not in the project's dependencies.
    script = "import json, sys, yaml; json.dump(list(yaml.safe_load_all(sys.stdin)), sys.stdout)"
    return list(json.loads(_run([tools / "python", "-c", script], stdin=text)))


@pytest.fixture(scope="module")
def rendered(tools: Path) -> dict[str, str]:
    return {name: _run([tools / "kubectl", "kustomize", DEPLOY / "overlays" / name]) for name in OVERLAYS}


@pytest.fixture(scope="module")
def manifests(tools: Path, rendered: dict[str, str]) -> dict[str, list[Manifest]]:
    return {name: [doc for doc in _load_yaml(tools, text) if doc] for name, text in rendered.items()}


def _one(docs: list[Manifest], kind: str) -> Manifest:
    found = [doc for doc in docs if doc["kind"] == kind]
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


def _worker(docs: list[Manifest]) -> Manifest:
    containers = _one(docs, "Deployment")["spec"]["template"]["spec"]["containers"]
    return next(c for c in containers if c["name"] == "worker")


def _settings(docs: list[Manifest]) -> dict[str, str]:
    return dict(_one(docs, "ConfigMap")["data"])


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_passes_strict_schema_validation(
    tools: Path, rendered: dict[str, str], overlay: str, tmp_path: Path
) -> None:
    path = tmp_path / f"{overlay}.yaml"
    path.write_text(rendered[overlay])
    _run([tools / "kubernetes-validate", "--strict", "-k", K8S_VERSION, "--quiet", path])


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_probes_and_service_reach_the_worker_web_port(manifests: dict[str, list[Manifest]], overlay: str) -> None:
    docs = manifests[overlay]
    worker = _worker(docs)
    ports = {port["name"]: port["containerPort"] for port in worker["ports"]}
    probes = {kind: worker[kind]["httpGet"] for kind in ("readinessProbe", "livenessProbe", "startupProbe")}

    assert probes["readinessProbe"]["path"] == "/ready"
    assert probes["livenessProbe"]["path"] == "/live"
    assert all(ports.get(probe["port"], probe["port"]) == WEB_PORT for probe in probes.values())
    service_port = _one(docs, "Service")["spec"]["ports"][0]["targetPort"]
    assert ports.get(service_port, service_port) == WEB_PORT
    assert _settings(docs)["DYADWATCH_WEB_PORT"] == str(WEB_PORT)
    assert _settings(docs)["DYADWATCH_WEB_HOST"] == "0.0.0.0", "a pod's views must not bind loopback only"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_selectors_pick_exactly_the_worker_pods(manifests: dict[str, list[Manifest]], overlay: str) -> None:
    docs = manifests[overlay]
    deployment = _one(docs, "Deployment")
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    selectors = {
        "Deployment": deployment["spec"]["selector"]["matchLabels"],
        "Service": _one(docs, "Service")["spec"]["selector"],
        # An empty PDB selector would match every pod in the namespace.
        "PodDisruptionBudget": _one(docs, "PodDisruptionBudget")["spec"].get("selector", {}).get("matchLabels"),
    }
    for kind, selector in selectors.items():
        assert selector, f"{kind} has no selector"
        assert selector.items() <= pod_labels.items(), f"{kind} selector {selector} misses the pods"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_settings_come_from_the_generated_config_map_and_secrets_are_only_referenced(
    manifests: dict[str, list[Manifest]], overlay: str
) -> None:
    docs = manifests[overlay]
    sources = _worker(docs)["envFrom"]
    config_maps = [s["configMapRef"]["name"] for s in sources if "configMapRef" in s]
    secrets = [s["secretRef"]["name"] for s in sources if "secretRef" in s]

    assert config_maps == [_one(docs, "ConfigMap")["metadata"]["name"]]
    assert secrets == ["dyadwatch-kafka-credentials"]
    assert not [doc for doc in docs if doc["kind"] == "Secret"], "credentials must not live in the repo"
    assert not {key for key in _settings(docs) if "PASSWORD" in key}


def test_prod_runs_more_workers_on_rocksdb_with_sasl_ssl(manifests: dict[str, list[Manifest]]) -> None:
    dev, prod = manifests["dev"], manifests["prod"]
    prod_settings = _settings(prod)
    prod_replicas = _one(prod, "Deployment")["spec"]["replicas"]

    assert prod_replicas > _one(dev, "Deployment")["spec"]["replicas"]
    assert (_settings(dev)["DYADWATCH_STORE"], prod_settings["DYADWATCH_STORE"]) == ("memory://", "rocksdb://")
    # A worker with no partition never becomes ready.
    assert int(prod_settings["DYADWATCH_TOPIC_PARTITIONS"]) >= prod_replicas
    assert prod_settings["DYADWATCH_SECURITY_PROTOCOL"] == "SASL_SSL"
    assert prod_settings["DYADWATCH_SASL_MECHANISM"] == "SCRAM-SHA-512"
    credentials = next(s["secretRef"] for s in _worker(prod)["envFrom"] if "secretRef" in s)
    assert credentials.get("optional") is False, "prod must not start without Kafka credentials"
    mounts = {m["mountPath"] for m in _worker(prod)["volumeMounts"]}
    assert str(Path(prod_settings["DYADWATCH_SSL_CAFILE"]).parent) in mounts


@pytest.fixture(scope="module")
def compose(tools: Path) -> Manifest:
    return dict(_load_yaml(tools, (ROOT / "docker-compose.yml").read_text())[0])


def test_compose_file_passes_the_compose_spec(tools: Path) -> None:
    _run([tools / "check-jsonschema", "--builtin-schema", "vendor.compose-spec", ROOT / "docker-compose.yml"])


def test_compose_wires_worker_and_feed_to_a_healthy_kafka(compose: Manifest) -> None:
    services = compose["services"]
    kafka_env = services["kafka"]["environment"]
    internal = next(
        address.split("//", 1)[1]
        for address in kafka_env["KAFKA_ADVERTISED_LISTENERS"].split(",")
        if address.startswith(f"{kafka_env['KAFKA_INTER_BROKER_LISTENER_NAME']}://")
    )

    assert services["kafka"]["image"] == f"apache/kafka:{kafka_version()}", "compose and local broker differ"
    for name in ("worker", "feed"):
        assert services[name]["environment"]["DYADWATCH_KAFKA_BOOTSTRAP"] == internal
    assert services["worker"]["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert services["feed"]["depends_on"]["worker"]["condition"] == "service_healthy"
    assert "/ready" in " ".join(services["worker"]["healthcheck"]["test"])
    assert services["worker"]["command"][0] == "worker"
