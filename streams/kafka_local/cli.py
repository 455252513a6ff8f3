"""`dyadwatch kafka start|stop|status|fetch`: manage the local single-node Kafka broker."""

from __future__ import annotations

from pathlib import Path

import click

from .broker import DEFAULT_PORT, start, status, stop
from .jars import KafkaLocalError, ensure_jars

_port = click.option(
    "--port", type=int, default=DEFAULT_PORT, show_default=True,
    help="Broker port on 127.0.0.1 (the KRaft controller takes the next port unless --controller-port).",
)  # fmt: skip
_data_dir = click.option(
    "--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Broker data directory [default: $DYADWATCH_CACHE or ~/.cache/dyadwatch, then broker-PORT].",
)  # fmt: skip


def _say(message: str) -> None:
    click.echo(message, err=True)


@click.group("kafka")
def kafka_group() -> None:
    """Run a local single-node Apache Kafka (KRaft) on loopback, without Docker (needs Java 17+)."""


@kafka_group.command("start")
@_port
@click.option("--controller-port", type=int, default=None, help="KRaft controller port [default: PORT+1].")
@_data_dir
@click.option(
    "--timeout", type=float, default=120.0, show_default=True, help="Seconds to wait for it to answer."
)
def start_command(port: int, controller_port: int | None, data_dir: Path | None, timeout: float) -> None:
    """Start the broker (idempotent) and wait until it answers; prints the bootstrap address."""
    try:
        result = start(port, controller_port or port + 1, data_dir, timeout=timeout, progress=_say)
    except KafkaLocalError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(result.bootstrap)


@kafka_group.command("stop")
@_port
@_data_dir
def stop_command(port: int, data_dir: Path | None) -> None:
    """Stop the broker (SIGTERM, then SIGKILL after 30 s); does nothing if it is not running."""
    stop(port, data_dir, progress=_say)


@kafka_group.command("status")
@_port
@_data_dir
def status_command(port: int, data_dir: Path | None) -> None:
    """Say whether the broker runs; exit status 0 if it does, 3 if not."""
    result = status(port, data_dir)
    click.echo(result.describe())
    if not result.running:
        raise SystemExit(3)


@kafka_group.command("fetch")
def fetch_command() -> None:
    """Fetch the broker's jars from Maven Central into the cache (done by `start` when needed)."""
    try:
        click.echo(ensure_jars(progress=_say))
    except KafkaLocalError as exc:
        raise click.ClickException(str(exc)) from exc
