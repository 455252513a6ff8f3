"""The `dyadwatch` command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, Any

import click
import orjson

from streams.settings import Settings


@click.group()
def main() -> None:
    """Dyadwatch: real-time monitor of relations between countries."""


def _open_in(path: str) -> IO[bytes]:
    return sys.stdin.buffer if path == "-" else open(path, "rb")


def _open_out(path: str) -> IO[bytes]:
    return sys.stdout.buffer if path == "-" else open(path, "wb")


@main.command()
@click.option("--input", "input_path", default="-", show_default=True, help="JSON Lines of raw articles, or -")
@click.option("--output", "output_path", default="-", show_default=True, help="where the JSON Lines go, or -")
def analyze(input_path: str, output_path: str) -> None:
    """Clean and relate articles in-process, no broker: one JSON line out per line in, in order."""
    from streams.pipeline import Cleaner, analyze_events

    settings = Settings()
    cleaner = Cleaner(max_body_bytes=settings.max_body_bytes, dedup=None)
    source, sink = _open_in(input_path), _open_out(output_path)
    # From a file, lines go through in batches (the parser is several times faster on a batch of sentences);
    # from a pipe, one at a time, so that a caller waiting for each answer is never kept waiting.
    batch = 64 if input_path != "-" else 1
    try:
        lines: list[bytes] = []
        for line in source:
            lines.append(line.rstrip(b"\r\n"))
            if len(lines) >= batch:
                _analyze_lines(lines, cleaner, sink, analyze_events)
                lines = []
        _analyze_lines(lines, cleaner, sink, analyze_events)
    finally:
        if source is not sys.stdin.buffer:
            source.close()
        if sink is not sys.stdout.buffer:
            sink.close()


def _analyze_lines(lines: list[bytes], cleaner: Any, sink: IO[bytes], analyze_events: Any) -> None:
    rows = iter(analyze_events([line for line in lines if line.strip()], cleaner))
    for line in lines:
        row = next(rows) if line.strip() else None
        payload = row.model_dump(mode="json") if row else {
            "article_id": "", "status": "rejected", "error": "empty line", "text": "", "relations": []}
        sink.write(orjson.dumps(payload) + b"\n")
    sink.flush()


@main.command()
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--output", "output_path", default="-", show_default=True, help="where the alerts go, or -")
def replay(archive: str, output_path: str) -> None:
    """Clean -> relate -> detect over an archive of raw articles in event-time order; print the alerts."""
    from tqdm import tqdm

    from streams.pipeline import replay as run_replay
    from streams.topics import RAW, BadEvent

    articles, rejected = [], 0
    with open(archive, "rb") as source:
        for line in tqdm(source, desc="reading", unit=" articles", file=sys.stderr, disable=None):
            if not line.strip():
                continue
            try:
                articles.append(RAW.decode(line))
            except BadEvent as exc:
                rejected += 1
                click.echo(f"skipped a bad line: {exc}", err=True)
    sink = _open_out(output_path)
    alerts = 0
    progress = tqdm(total=len(articles), desc="replaying", unit=" articles", file=sys.stderr, disable=None)
    for alert in run_replay(articles, on_article=lambda: progress.update(1)):
        sink.write(orjson.dumps(alert.model_dump(mode="json")) + b"\n")
        alerts += 1
    progress.close()
    sink.flush()
    click.echo(f"{len(articles)} articles replayed, {rejected} bad lines, {alerts} alerts", err=True)


@main.command()
@click.option("--loglevel", default="info", show_default=True)
def worker(loglevel: str) -> None:
    """Run a stream worker (clean, relate, detect) against the configured Kafka cluster."""
    import faust

    from streams.app import create_app

    settings = Settings()
    bootstrap = settings.kafka_bootstrap or _local_bootstrap()
    _prepare_topics(bootstrap, settings, create=settings.create_topics)
    app = create_app(settings, bootstrap)
    from streams import logs

    faust.Worker(app, **logs.worker_options(loglevel)).execute_from_commandline()


def _prepare_topics(bootstrap: str, settings: Settings, *, create: bool) -> None:
    """Make (or only check) the topics the worker needs; on a problem, say what and how to fix it, and exit 2."""
    import asyncio

    from streams import provision

    try:
        created = asyncio.run(provision.prepare(bootstrap, settings, create=create))
    except provision.TopicProblem as exc:
        click.echo(f"dyadwatch: the topics do not fit this worker:\n{exc}", err=True)
        sys.exit(2)
    for name in created:
        click.echo(f"created topic {name}", err=True)


@main.group()
def topics() -> None:
    """The topics the worker needs (for operators who provision topics themselves)."""


@topics.command("create")
def topics_create() -> None:
    """Create every topic the worker reads or writes, and its changelogs, as configured; check the rest."""
    settings = Settings()
    _prepare_topics(settings.kafka_bootstrap or _local_bootstrap(), settings, create=True)
    click.echo("topics ready")


@topics.command("check")
def topics_check() -> None:
    """Check that every topic the worker needs exists with a partition count it can work with (exit 2 if not)."""
    settings = Settings()
    _prepare_topics(settings.kafka_bootstrap or _local_bootstrap(), settings, create=False)
    click.echo("topics ready")


@main.command()
@click.option("--once", is_flag=True, help="stop when the corpus has gone through, instead of waiting for Ctrl-C")
@click.option("--corpus", type=click.Path(exists=True, dir_okay=False), default=None,
              help="JSON Lines of raw articles (default: the bundled demo corpus)")
@click.option("--pause", type=float, default=0.3, show_default=True,
              help="seconds between articles: news arrives over time, so the stream sees it roughly in order")
@click.option("--feed-only", is_flag=True, help="only publish the corpus to the configured topics, then exit")
def demo(once: bool, corpus: str | None, pause: float, feed_only: bool) -> None:
    """The whole pipeline on a local broker, fed the demo corpus, printing observations and alerts."""
    from streams.demo import run_demo

    sys.exit(run_demo(corpus=Path(corpus) if corpus else None, once=once, pause_s=pause, feed_only=feed_only))


@main.command()
@click.option("--dir", "directory", default="schemas", show_default=True, type=click.Path(file_okay=False))
@click.option("--check", is_flag=True, help="fail if the files differ from the models instead of writing them")
def schemas(directory: str, check: bool) -> None:
    """Generate the topics' JSON Schemas and the AsyncAPI document from the payload models."""
    from streams import schemas as generator

    if check:
        stale = generator.drift(Path(directory))
        if stale:
            raise click.ClickException(f"schemas drifted from the models: {', '.join(stale)}; "
                                       "run `dyadwatch schemas` and commit the result")
        click.echo(f"{directory}/ matches the models")
        return
    changed = generator.write(Path(directory))
    click.echo(f"wrote {directory}/ ({len(changed)} changed)")


@main.command("config")
def show_config() -> None:
    """Print the settings in force (secrets masked)."""
    click.echo(orjson.dumps(Settings().public(), option=orjson.OPT_INDENT_2).decode())


def _local_bootstrap() -> str:
    from streams.kafka_local import ensure_broker

    return ensure_broker()


try:
    from streams.kafka_local.cli import kafka_group

    main.add_command(kafka_group, "kafka")
except ImportError:  # pragma: no cover - the broker tooling is optional in slim installs
    pass


if __name__ == "__main__":
    main()
