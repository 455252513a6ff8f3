"""Fault suite: does the stream lose, duplicate or change anything when workers die, the broker restarts, the group
rebalances or a backlog builds up?

    python benchmarks/faults.py [--short] [--articles N] [--rate R] [--partitions P] [--session-timeout S]
                                [--faults sigkill,broker_restart,scale,outage,backlog] [--lateness-hours H]

A fault-free reference run first pushes the synthetic articles through one worker; then each fault run pushes
the same articles through a fresh pipeline (own topics and consumer group) while the fault happens:

  sigkill         SIGKILL the worker at 20 %, 45 % and 70 % of the input, restarting it each time
  broker_restart  stop (SIGTERM) and start the benchmark's own broker at 40 % of the input
  scale           start a second worker at 25 % (1 -> 2), stop it at 60 % (2 -> 1)
  outage          stop the worker cleanly at 10 %, start it when all input is published
  backlog         the worker down while half the input is published (stopped at 25 %, started at 75 %)

The detector runs at the production allowed lateness (1 h). The synthetic stream packs 3 h of event time between
articles into 1/20 s; with watermarks a processing delay or a backlog does not turn into event-time lateness, so
the faults must give exactly the reference's alerts. The input also holds genuinely late articles (re-dated and
sent after newer articles of their own partition of articles.raw): some within the lateness (they must count as
if in order) and some beyond it (late: they update the levels but raise no statistical alert); the reference
line reports how many were planted and how the reference's alerts compare with `replay` of the same archive.

Each run prints one JSON line: articles in, observations and alerts out (unique ids), `lost` (ids of the reference
missing), `unexpected` (ids the reference does not have), `duplicated` (records beyond the first of each id, allowed
by at-least-once), `duplicated_after_dedup` (what is left after dropping by id: must be 0), `conflicting` (ids whose
copies differ), `broken_watermarks` (watermarks sent before the observations they cover were acknowledged, or past a
record not yet processed: harness.broken_watermarks), `recovery_s` (fault injected -> every worker ready and taking
events again), `reported_by_trigger` and `announce_s` (for reported changes: from the article's append to
articles.raw to the alert's append to relations.alerts, p50/p99/max). The exit status is 1 if anything was lost or
unexpected, or copies of an id differ, or duplicates remain after dedup, or a watermark was broken (in any run).

Without KAFKA_BOOTSTRAP it starts a private broker on free ports (never the shared one on 9092); the
broker_restart fault needs that private broker and is skipped otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from streams import topics as registry
from streams.testing.harness import (
    Broker,
    Outputs,
    Publisher,
    Run,
    Supervisor,
    collect,
    compare,
    dedup_by_id,
    events_processed,
    expected_offline,
    log,
    plant_late,
    synthetic_articles,
    wait_progress,
)

READY_TIMEOUT_S = 120.0
RECOVERY_TIMEOUT_S = 120.0
DRAIN_TIMEOUT_S = 180.0

Fault = Callable[[Run, Publisher, Broker], list[float]]


def sigkill(times: int) -> Fault:
    def inject(run: Run, publisher: Publisher, broker: Broker) -> list[float]:
        recoveries = []
        for i in range(times):
            publisher.wait_for(0.2 + 0.25 * i, timeout_s=300)
            victim = run.workers[-1]
            began = time.monotonic()
            victim.kill()
            log(f"SIGKILLed worker pid {victim.process.pid if victim.process else '?'}; restarting")
            run.workers.remove(victim)
            replacement = run.start_worker(READY_TIMEOUT_S)
            wait_progress([replacement], {}, RECOVERY_TIMEOUT_S, publisher.done)
            recoveries.append(time.monotonic() - began)
        return recoveries

    return inject


def broker_restart(run: Run, publisher: Publisher, broker: Broker) -> list[float]:
    publisher.wait_for(0.4, timeout_s=300)
    baseline = _counts(run)
    began = time.monotonic()
    down = broker.restart()
    log(f"broker restarted (down {down:.1f} s)")
    wait_progress(run.workers, baseline, RECOVERY_TIMEOUT_S, publisher.done)
    return [time.monotonic() - began]


def scale(run: Run, publisher: Publisher, broker: Broker) -> list[float]:
    publisher.wait_for(0.25, timeout_s=300)
    began = time.monotonic()
    second = run.start_worker(READY_TIMEOUT_S)
    log("second worker joined")
    wait_progress(run.workers, {}, RECOVERY_TIMEOUT_S, publisher.done)
    up = time.monotonic() - began
    publisher.wait_for(0.6, timeout_s=300)
    baseline = _counts(run)
    began = time.monotonic()
    second.stop()
    run.workers.remove(second)
    log("second worker left")
    wait_progress(run.workers, baseline, RECOVERY_TIMEOUT_S, publisher.done)
    return [up, time.monotonic() - began]


def outage(run: Run, publisher: Publisher, broker: Broker) -> list[float]:
    """The worker stops cleanly at 10 % and comes back when all the input is published, so it catches up on a
    backlog from every partition at once."""
    publisher.wait_for(0.1, timeout_s=300)
    began = time.monotonic()
    for worker in list(run.workers):
        worker.stop()
        run.workers.remove(worker)
    publisher.join(timeout=600)
    run.start_worker(READY_TIMEOUT_S)
    wait_progress(run.workers, {}, RECOVERY_TIMEOUT_S)
    return [time.monotonic() - began]


def backlog(run: Run, publisher: Publisher, broker: Broker) -> list[float]:
    """The worker down (a clean stop) while half the input is published: it comes back to a backlog on every
    partition, which it reads far faster than news arrives."""
    publisher.wait_for(0.25, timeout_s=300)
    began = time.monotonic()
    for worker in list(run.workers):
        worker.stop()
        run.workers.remove(worker)
    publisher.wait_for(0.75, timeout_s=300)
    run.start_worker(READY_TIMEOUT_S)
    wait_progress(run.workers, {}, RECOVERY_TIMEOUT_S, publisher.done)
    return [time.monotonic() - began]


def _counts(run: Run) -> dict[int, int]:
    return {w.process.pid: events_processed(w) or 0 for w in run.workers if w.process}


FAULTS: dict[str, Callable[[bool], Fault]] = {
    "sigkill": lambda short: sigkill(1 if short else 3),
    "broker_restart": lambda short: broker_restart,
    "scale": lambda short: scale,
    "outage": lambda short: outage,
    "backlog": lambda short: backlog,
}


def run_once(broker: Broker, work_dir: Path, articles: list[tuple[bytes | None, bytes]], rate: float,
             fault: Fault | None, worker_env: dict[str, str] | None = None,
             partitions: int = 4, keep_topics: bool = False) -> tuple[Outputs, dict[str, Any]]:
    run = Run(broker.bootstrap, work_dir, partitions=partitions, extra_env=worker_env or {})
    run.create_topics()
    facts: dict[str, Any] = {"partitions": partitions}
    publisher = Publisher(broker.bootstrap, run.settings, run.topic(registry.RAW), articles, rate_per_s=rate)
    supervisor = Supervisor(run)
    try:
        try:
            began = time.monotonic()
            run.start_worker(READY_TIMEOUT_S)
            facts["startup_s"] = round(time.monotonic() - began, 1)
            supervisor.start()
            publisher.start()
            recoveries = fault(run, publisher, broker) if fault else []
            publisher.join(timeout=600)
            if publisher.error is not None:
                raise RuntimeError(f"publishing failed: {publisher.error!r}")
            facts["publish_retries"] = publisher.retries
            facts["recovery_s"] = round(max(recoveries), 2) if recoveries else 0.0
            facts["recovery_s_each"] = [round(r, 2) for r in recoveries]
            try:
                facts["drain_s"] = round(run.drain(DRAIN_TIMEOUT_S), 1)
                facts["drained"] = True
            except TimeoutError as exc:
                log(f"not drained: {exc}")
                facts["drained"] = False
            facts["worker_crashes"] = sum(
                1 for w in run.workers if w.process is not None and w.process.poll() is not None
            )
            statuses = [w.health("live")[0] for w in run.workers]
            facts["workers_live_at_end"] = statuses.count(200)
        finally:
            supervisor.stop()
            facts["liveness_restarts"] = supervisor.restarts
            run.stop_all()
        return collect(run), facts
    finally:
        if not keep_topics:  # also when the run failed: on a shared broker they would pile up
            run.delete_topics()


def report(fault: str, articles: int, reference: Outputs, got: Outputs, facts: dict[str, Any],
           late_pairs: frozenset[str] = frozenset()) -> dict[str, Any]:
    """`late_pairs`: pairs with an article sent beyond the allowed lateness. Whether such an article is late depends
    on how far the other partitions had got when it arrived, so their alerts may differ between runs; they are
    compared on their own (`late_pairs_alerts`), not hidden, and not counted as lost or unexpected."""
    observed = compare(reference.observations, got.observations)

    def on_time(alerts: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
        return [(i, v) for i, v in alerts if i.split(":", 1)[0] not in late_pairs]

    def late(alerts: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
        return [(i, v) for i, v in alerts if i.split(":", 1)[0] in late_pairs]

    alerted = compare(on_time(reference.alerts), on_time(got.alerts))
    beyond = compare(late(reference.alerts), late(got.alerts))
    after = [compare(reference.observations, dedup_by_id(got.observations)),
             compare(reference.alerts, dedup_by_id(got.alerts))]
    line = {
        "fault": fault,
        "articles": articles,
        "input_records": got.input_records,
        "observations": observed["unique"],
        "alerts": alerted["unique"],
        "expected_observations": observed["expected"],
        "expected_alerts": alerted["expected"],
        "lost": len(observed["lost"]) + len(alerted["lost"]),
        "lost_observations": len(observed["lost"]),
        "lost_alerts": len(alerted["lost"]),
        "unexpected": len(observed["unexpected"]) + len(alerted["unexpected"]),
        "duplicated": observed["duplicated"] + alerted["duplicated"],
        "duplicated_observations": observed["duplicated"],
        "duplicated_alerts": alerted["duplicated"],
        "duplicated_after_dedup": sum(a["duplicated"] for a in after),
        "conflicting": len(observed["conflicting"]) + len(alerted["conflicting"]),
        "differs_from_reference": len(observed["differs_from_reference"]) + len(alerted["differs_from_reference"]),
        "dead_letters": len(got.dead_letters),
        "broken_watermarks": len(got.broken_watermarks),
        **({"broken_watermarks_first": got.broken_watermarks[:3]} if got.broken_watermarks else {}),
        "late_pairs": len(late_pairs),
        "late_pairs_alerts": {"expected": beyond["expected"], "missing": len(beyond["lost"]),
                              "other": len(beyond["unexpected"])},
        # the worst reordering of a pair's articles on their way to the detect stage (see harness.reordering):
        # with watermarks it no longer matters, and is shown to say what the faults did
        "reorder_s": got.reorder_s,
        "reorder_event_h": got.reorder_event_h,
        "alerts_by_trigger": dict(Counter(orjson.loads(v)["trigger"] for _, v in dedup_by_id(got.alerts))),
        "announce_s": _spread(got.announce_s),
        **facts,
    }
    examples = {key: value[:5] for key, value in (("lost_ids", observed["lost"] + alerted["lost"]),
                                                  ("unexpected_ids", observed["unexpected"] + alerted["unexpected"]),
                                                  ("conflicting_ids", observed["conflicting"] + alerted["conflicting"]),
                                                  ("differing_ids", observed["differs_from_reference"]
                                                   + alerted["differs_from_reference"]))
                if value}
    line.update(examples)
    return line


def _spread(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)
    return {"n": len(ordered), "p50": ordered[len(ordered) // 2], "p99": ordered[min(len(ordered) - 1,
            int(len(ordered) * 0.99))], "max": ordered[-1]}


def _against_replay(articles: list[tuple[bytes | None, bytes]], reference: Outputs) -> dict[str, Any]:
    """The reference's alerts against `replay` of the same archive: only the late articles beyond the allowed
    lateness may make them differ."""
    from streams.pipeline import replay

    offline = {a.alert_id for a in replay(registry.RAW.decode(value) for _, value in articles)}
    live = {i for i, _ in reference.alerts}
    return {"replay_alerts": len(offline), "replay_only": len(offline - live), "stream_only": len(live - offline)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--short", action="store_true",
                        help="the CI form: 120 articles, one SIGKILL, one partition, 10 s session timeout")
    parser.add_argument("--articles", type=int, default=None, help="synthetic articles per run (300; short 120)")
    parser.add_argument("--rate", type=float, default=None, help="articles per second while faults happen")
    parser.add_argument("--faults", default=",".join(FAULTS), help="comma-separated subset of: " + ", ".join(FAULTS))
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--session-timeout", type=float, default=None,
                        help="the workers' consumer session timeout in seconds (Dyadwatch's default is 15): how long "
                             "the group waits for a killed member before handing its partitions on")
    parser.add_argument("--partitions", type=int, default=None,
                        help="partitions per topic (4; short 1): with 1, every stage sees the reference's order, "
                             "so any alert that differs is a loss, not a reordering")
    parser.add_argument("--lateness-hours", type=float, default=None,
                        help="the detector's allowed lateness for every run (default: the production 1 h)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="keep each run's worker logs and state under this directory, and its topics on the "
                             "broker (default: a temporary directory, removed at the end, and the topics deleted)")
    args = parser.parse_args(argv)
    if args.keep is not None and args.keep.exists() and any(args.keep.iterdir()):
        parser.error(f"--keep {args.keep}: not empty (each run's logs and state would mix with what is there)")
    if args.partitions is None:
        args.partitions = 1 if args.short else 4
    if args.session_timeout is None and args.short:
        args.session_timeout = 10.0  # a killed member's partitions move on after 10 s instead of Faust's 60
    worker_env = {"DYADWATCH_SESSION_TIMEOUT_S": str(args.session_timeout)} if args.session_timeout else {}
    if args.lateness_hours is not None:
        worker_env["DYADWATCH_ALLOWED_LATENESS_HOURS"] = str(args.lateness_hours)
    count = args.articles or (120 if args.short else 300)
    rate = args.rate or (15.0 if args.short else 20.0)
    wanted = [f.strip() for f in args.faults.split(",") if f.strip()]
    unknown = set(wanted) - FAULTS.keys()
    if unknown:
        parser.error(f"unknown faults: {', '.join(sorted(unknown))}")
    # Each pair turns every 8 of its articles and a quarter of the articles report a change outright: 300 articles
    # give the reference about 24 statistical and 36 reported alerts. Every 15th article is sent late: beyond the
    # lateness for two of the twelve pairs, within it for the others.
    articles, planted = plant_late(synthetic_articles(count, args.seed, phase=8, reports=0.25), args.partitions,
                                   every=15, within_h=0.5, beyond_h=30.0, beyond_shift=10, beyond_pairs=(3, 6))

    from streams.testing.harness import broker as own_broker

    failed = False
    with contextlib.ExitStack() as stack:
        tmp = str(args.keep) if args.keep else stack.enter_context(
            tempfile.TemporaryDirectory(prefix="dyadwatch-faults-"))
        kafka = stack.enter_context(own_broker())
        log(f"broker at {kafka.bootstrap} ({'own' if kafka.managed else 'given'}); {count} articles at {rate}/s, "
            f"{args.partitions} partitions")
        keep_topics = args.keep is not None
        reference, facts = run_once(kafka, Path(tmp) / "reference", articles, rate, None, worker_env,
                                    args.partitions, keep_topics)
        offline = expected_offline(articles)
        streamed = {i for i, _ in reference.observations}
        facts["reference_matches_offline"] = streamed == offline
        if streamed != offline:
            facts["offline_only"] = sorted(offline - streamed)[:5]
            facts["stream_only"] = sorted(streamed - offline)[:5]
        facts["late_planted"] = {kind: len(ids) for kind, ids in planted.items()}
        facts.update(_against_replay(articles, reference))
        beyond_ids = set(planted["beyond"])
        late_pairs = frozenset(i.rsplit(":", 1)[1] for i, _ in reference.observations
                               if i.rsplit(":", 1)[0] in beyond_ids)
        line = report("none", count, reference, reference, facts, late_pairs)
        print(orjson.dumps(line).decode(), flush=True)
        failed = bool(line["broken_watermarks"])
        for name in wanted:
            if name == "broker_restart" and not kafka.managed:
                print(orjson.dumps({"fault": name, "skipped": "KAFKA_BOOTSTRAP given: not our broker"}).decode())
                continue
            log(f"fault run: {name}")
            try:
                got, facts = run_once(kafka, Path(tmp) / name, articles, rate, FAULTS[name](args.short), worker_env,
                                     args.partitions, keep_topics)
            except (TimeoutError, RuntimeError) as exc:
                print(orjson.dumps({"fault": name, "articles": count, "error": str(exc)[-2000:]}).decode(),
                      flush=True)
                failed = True
                continue
            line = report(name, count, reference, got, facts, late_pairs)
            print(orjson.dumps(line).decode(), flush=True)
            failed |= bool(line["lost"] or line["unexpected"] or line["conflicting"] or line["duplicated_after_dedup"]
                           or line["broken_watermarks"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
