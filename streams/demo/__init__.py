"""`dyadwatch demo`: a local broker, a worker, the demo corpus, and the observations and alerts as they arrive.

The bundled corpus (corpus.jsonl, written for this project) covers January–June 2025: Japan and South Korea
thaw, Canada and India fall out, and three steady pairs (France–Germany, Russia–Ukraine, United States–China)
run in the background.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import signal
import time
from pathlib import Path

import click
import orjson
from aiokafka import AIOKafkaConsumer

from streams import kafka_io
from streams import topics as registry
from streams.models import RelationObservation, RelationshipAlert
from streams.runner import WorkerProcess
from streams.settings import Settings
from streams.topics import BadEvent

CORPUS = Path(__file__).with_name("corpus.jsonl")


def run_demo(
    *, corpus: Path | None, once: bool, pause_s: float, feed_only: bool = False, timeout_s: float = 300.0
) -> int:
    base = Settings()
    started_broker = False
    if base.kafka_bootstrap:
        bootstrap = base.kafka_bootstrap
        click.echo(f"using the Kafka cluster at {bootstrap}")
    else:
        from streams import kafka_local

        click.echo("starting the local Kafka broker (the first run fetches it from Maven Central)...")
        broker = kafka_local.start()
        bootstrap, started_broker = broker.bootstrap, broker.started
        click.echo(f"local Kafka broker at {bootstrap}")
    lines = (corpus or CORPUS).read_bytes().splitlines()
    records = [(_key(line), line) for line in lines if line.strip()]
    try:
        if feed_only:
            # Feed the configured topics (a worker elsewhere, e.g. docker compose, does the rest).
            asyncio.run(kafka_io.ensure_topics(bootstrap, base))
            sent = asyncio.run(
                kafka_io.publish(bootstrap, base, base.topic(registry.RAW.name), records, pause_s=pause_s)
            )
            click.echo(f"published {sent} articles to {base.topic(registry.RAW.name)}")
            return 0
        return _run_with_worker(bootstrap, records, once=once, pause_s=pause_s, timeout_s=timeout_s)
    finally:
        if started_broker:
            from streams import kafka_local

            click.echo("stopping the local Kafka broker this demo started...")
            kafka_local.stop()


def _run_with_worker(
    bootstrap: str, records: list[tuple[bytes | None, bytes]], *, once: bool, pause_s: float, timeout_s: float
) -> int:
    run = f"{time.strftime('demo-%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}"
    # A fresh app id and topic names per run, so each demo starts from an empty history.
    settings = Settings(app_id=run, topic_prefix=f"{run}.", kafka_bootstrap=bootstrap, data_dir=f".dyadwatch/{run}")
    # SIGTERM (a terminal closed, `kill`, an orchestrator) stops the demo as Ctrl-C does: the worker it started
    # is stopped and the run's topics are deleted, instead of the worker running on alone.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    worker = WorkerProcess(settings.as_env(), Path(".dyadwatch") / f"{run}-worker.log")
    status = 0
    try:
        asyncio.run(kafka_io.ensure_topics(bootstrap, settings))
        click.echo(f"run {run}: starting a worker (log: {worker.log_path})...")
        with worker:
            click.echo(f"worker pid {worker.process.pid if worker.process else '?'}")
            worker.wait_ready()
            click.echo(f"worker ready; HTTP views on http://127.0.0.1:{worker.web_port}/pairs")
            status = asyncio.run(_feed_and_show(bootstrap, settings, records, once, pause_s, timeout_s))
            click.echo("stopping the worker...")
    except KeyboardInterrupt:
        click.echo("\nstopped; the worker is stopped too")
        status = 130
    finally:
        signal.signal(signal.SIGTERM, previous)
        # The run's topics and changelogs held only this demo's history.
        with contextlib.suppress(Exception):
            deleted = asyncio.run(kafka_io.delete_topics_with_prefix(bootstrap, settings, run))
            click.echo(f"deleted the run's {len(deleted)} topics")
    return status


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _key(line: bytes) -> bytes | None:
    with contextlib.suppress(orjson.JSONDecodeError, AttributeError):
        value = orjson.loads(line).get("id")
        if isinstance(value, str):
            return value.encode()
    return None


async def _feed_and_show(
    bootstrap: str,
    settings: Settings,
    records: list[tuple[bytes | None, bytes]],
    once: bool,
    pause_s: float,
    timeout_s: float,
) -> int:
    observed, alerts, dead = (settings.topic(t.name) for t in (registry.OBSERVED, registry.ALERTS, registry.DEADLETTER))
    counts = {"observations": 0, "alerts": 0, "dead letters": 0}
    async with kafka_io.reading(bootstrap, settings, observed, alerts, dead) as consumer:

        async def show() -> None:
            async for message in consumer:
                try:
                    _show(message.topic, message.value or b"")
                except BadEvent as exc:  # someone else's record on our topics: say so and go on
                    click.secho(f"  unreadable record on {message.topic}: {exc}", fg="red")

        def _show(topic: str, value: bytes) -> None:
            if topic == observed:
                counts["observations"] += 1
                _show_observation(registry.OBSERVED.decode(value))
            elif topic == alerts:
                counts["alerts"] += 1
                _show_alert(registry.ALERTS.decode(value))
            else:
                counts["dead letters"] += 1
                letter = registry.DEADLETTER.decode(value)
                click.secho(f"  dead letter [{letter.stage}]: {letter.error}", fg="red")

        printer = asyncio.create_task(show())
        click.echo(f"publishing {len(records)} articles to {settings.topic(registry.RAW.name)}...")
        await kafka_io.publish(bootstrap, settings, settings.topic(registry.RAW.name), records, pause_s=pause_s)
        if once:
            await kafka_io.wait_drained(bootstrap, settings, timeout_s=timeout_s)
            await _caught_up(consumer, timeout_s=30.0)
            printer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await printer
            click.echo(", ".join(f"{n} {what}" for what, n in counts.items()))
            return 0
        click.echo("all articles published; watching for more (Ctrl-C to stop)")
        await printer
    return 0


async def _caught_up(consumer: AIOKafkaConsumer, *, timeout_s: float) -> None:
    """Wait until the printer has read its topics up to their current ends."""
    ends = await consumer.end_offsets(list(consumer.assignment()))
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        positions = [await consumer.position(tp) for tp in ends]
        if all(position >= ends[tp] for tp, position in zip(ends, positions, strict=True)):
            return
        await asyncio.sleep(0.1)


def _show_observation(obs: RelationObservation) -> None:
    trend = f" {obs.trend}" if obs.trend else ""
    click.echo(
        f"{obs.published_at:%Y-%m-%d} {obs.pair:<8} {obs.polarity:<11} {obs.score:+5.1f} quad {obs.quad}"
        f"{trend}  ({obs.source or '?'}: {obs.article_id})"
    )


def _show_alert(alert: RelationshipAlert) -> None:
    click.secho(
        f"ALERT {alert.pair} {alert.kind.upper()} ({alert.trigger}, {alert.severity}): "
        f"{alert.baseline:+.1f} -> {alert.current:+.1f}, {alert.window_start:%Y-%m-%d}..{alert.window_end:%Y-%m-%d}",
        fg="yellow",
        bold=True,
    )
    for item in alert.evidence[:3]:
        for sentence in item.sentences[:1]:
            click.echo(f"      {item.source or '?'}: {sentence}")
