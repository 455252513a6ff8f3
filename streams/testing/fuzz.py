"""Fuzz run: hostile events straight onto articles.raw of a running worker, interleaved with good articles.

    python benchmarks/fuzz.py [--events N] [--big K] [--seed S]

Every tenth event is a good synthetic article; the rest are invalid JSON, wrong types, missing fields, invalid
UTF-8, NUL bytes, deeply nested JSON, pathological HTML, text made to drive regular expressions into
backtracking, non-object JSON, empty and null values, and K bodies of 50 MB (default 3; the topic is created with
a 64 MB message limit and the test producer allows 64 MB requests, so the worker really receives them).

Every event has its own key, and a valid event's id is that key, so each one can be traced: `processed` = the
key reached articles.clean, `dead_lettered` = a dead letter with that key and a reason, `unaccounted` = neither
(lost). Prints one JSON line with tried, processed, dead_lettered, unaccounted, crashes (worker exits or dead
agents), stalls (lag with no progress for --stall-after seconds), good_events_out (good articles whose every
expected observation came out) and the time it took. Exit status 1 if anything was unaccounted, crashed or
stalled, or a good article did not come out.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import random
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from streams import topics as registry
from streams.runner import WorkerProcess
from streams.testing.harness import TOPICS, Publisher, Run, expected_offline, log, read_all, synthetic_articles

BIG_BODY_BYTES = 50 * 1024 * 1024
TOPIC_MAX_MESSAGE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Event:
    key: bytes
    value: bytes | None
    kind: str
    good: bool = False

    @property
    def article_id(self) -> bytes:
        """The key its cleaned article would carry on articles.clean: the event's id if it has one."""
        try:
            found = orjson.loads(self.value or b"null")
        except orjson.JSONDecodeError:
            return self.key
        value = found.get("id") if isinstance(found, dict) else None
        return value.encode("utf-8", "surrogatepass") if isinstance(value, str) else self.key


def _article(key: str, **fields: Any) -> bytes:
    return orjson.dumps({"id": key, **fields})


def _hostile(key: str, kind: str, rng: random.Random) -> bytes | None:
    """One hostile event of `kind`; sizes are kept to ~100 KB so that 10,000 of them run in minutes."""
    good_text = "France and Japan signed an agreement to expand trade in grain."
    if kind == "invalid_json":
        return rng.choice([
            _article(key, body=good_text)[:-7],
            b"{'id': '" + key.encode() + b"', 'body': 'single quotes'}",
            b'{"id": "' + key.encode() + b'", "body": "x",,}',
            bytes(rng.randrange(256) for _ in range(rng.randrange(1, 2000))),
            b"{" * rng.randrange(1, 5000),
            _article(key, body=good_text) + b" trailing garbage",
            b'{"id": "' + key.encode() + b'", "body": NaN}',
        ])
    if kind == "wrong_types":
        field_name, value = rng.choice([
            ("id", 42), ("id", [key]), ("id", None), ("body", 7), ("body", {"text": good_text}), ("body", [good_text]),
            ("html", True), ("title", ["a", "b"]), ("published_at", "yesterday"), ("published_at", 1.7e9),
            ("published_at", "2025-02-30T00:00:00Z"), ("published_at", "2025-03-01T00:00:00"),  # no zone
            ("url", {"href": "x"}), ("language", 3),
        ])
        event: dict[str, Any] = {"id": key, "body": good_text, field_name: value}
        return orjson.dumps(event)
    if kind == "missing_fields":
        return rng.choice([
            b"{}", orjson.dumps({"id": key}), orjson.dumps({"body": good_text}),
            orjson.dumps({"id": key, "body": "  "}),
            orjson.dumps({"id": "", "body": good_text}), orjson.dumps({"id": key, "body": None, "html": None}),
            orjson.dumps({"id": key, "title": "headline only"}), orjson.dumps({"id": key * 40, "body": good_text}),
        ])
    if kind == "invalid_utf8":
        broken = rng.choice([b"\xff\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80" * 50])
        return b'{"id": "' + key.encode() + b'", "body": "' + good_text.encode() + broken + b' more"}'
    if kind == "nul_bytes":
        return rng.choice([
            _article(key, body=good_text + "\x00" * rng.randrange(1, 100)),
            _article(key, html="<p>" + good_text + "\x00</p>"),
            _article(key, body="\x00" * 10_000),
            b'{"id": "' + key.encode() + b'", "body": "raw\x00nul"}',
            _article(key + "\x00", body=good_text),
        ])
    if kind == "deep_json":
        depth = rng.choice([1100, 10_000, 100_000])
        return rng.choice([
            b"[" * depth + b"]" * depth,
            b'{"id": "' + key.encode() + b'", "body": "x", "extra": ' + b'{"a":' * depth + b"1" + b"}" * depth + b"}",
            b'{"id": "' + key.encode() + b'", "body": "x", "extra": ' + b"[" * depth + b"]" * depth + b"}",
        ])
    if kind == "pathological_html":
        n = rng.choice([5_000, 20_000])
        return _article(key, html=rng.choice([
            "<div>" * n + good_text + "</div>" * n,
            "<a " * n + good_text,
            "<p>" + good_text + "<!--" + "x" * 100_000,
            "<html><body><p>" + good_text + "</p><script>" + "var a = '<p>';" * n + "</script></body></html>",
            "<p " + " ".join(f'a{i}="{i}"' for i in range(n)) + ">" + good_text + "</p>",
            "<p>" + "&amp;" * 20_000 + good_text + "</p>",
            "<table>" + "<tr><td>" * n + good_text,
            "<" * 100_000,
            "<p>" + good_text + "</p>" + "</div>" * n,
            "<svg><math><style><p>" * 2_000 + good_text,
        ]))
    if kind == "regex_backtracking":
        n = rng.choice([20_000, 100_000])
        return _article(key, title=rng.choice([None, "a" * 5_000, "France " * 500]), body=rng.choice([
            "a" * n + "!",
            " " * n + "x",
            "." * n,
            "Mr. " * (n // 4),
            "(" * n + good_text,
            "\t \n" * (n // 3) + good_text,
            "France " * (n // 7),
            "Relations between France and Japan have " * (n // 40) + "cooled.",
            good_text[:-1] + "," * n,
            "-" * n + "\n" + good_text,
            "e\u0301" * (n // 2),
            "\u202e" * 1000 + good_text,
            "\U0001F600" * (n // 4),
            "x@" * (n // 2) + "example.com",
            "https://" + "a." * (n // 2) + "com",
            "\n".join(["Share on Facebook"] * (n // 20)) + "\n" + good_text,
        ]))
    if kind == "not_an_object":
        return rng.choice([b"[]", b"42", b'"a string"', b"null", b"true", b"[{\"id\": \"x\", \"body\": \"y\"}]"])
    if kind == "empty":
        return rng.choice([b"", b" ", b"\n", None])
    if kind == "odd_but_valid":
        return rng.choice([
            _article(key, body=good_text, extra={"nested": [1, 2, 3]}, another=None),
            _article(key, body=good_text, published_at="9999-12-31T23:59:59+14:00"),
            _article(key, body=good_text, published_at="0001-01-01T00:00:00+00:00"),
            _article(key, body=good_text, language="zz-Hant-XX"),
            _article(key, body=good_text, title="t" * 200_000),
            _article(key, html="<p>" + good_text + "</p>", body="a different body"),
        ])
    if kind == "oversized":
        return _article(key, body=("France and Japan traded. " * 130_000)[: 3_000_000])
    raise ValueError(f"unknown kind {kind}")


KINDS = {  # relative frequency among the hostile events
    "invalid_json": 12, "wrong_types": 12, "missing_fields": 10, "invalid_utf8": 8, "nul_bytes": 8,
    "deep_json": 6, "pathological_html": 10, "regex_backtracking": 12, "not_an_object": 5, "empty": 4,
    "odd_but_valid": 6, "oversized": 1,
}  # fmt: skip


def hostile_events(count: int, *, seed: int = 6, big: int = 3, large: int = 2,
                   good_every: int = 10) -> Iterator[Event]:
    """`count` events: every `good_every`-th a good article, `big` bodies of 50 MB and `large` valid articles of
    1.5 MB (under the worker's max_body_bytes, over Kafka's default 1 MB message) spread through, the rest
    hostile. Deterministic for a seed."""
    rng = random.Random(seed)
    goods = iter(synthetic_articles(count // good_every + 1, seed=seed + 1))
    big_at = {count * (i + 1) // (big + 1) for i in range(big)}
    large_at = {count * (2 * i + 1) // (2 * large + 1) for i in range(large)} - big_at
    kinds, weights = list(KINDS), list(KINDS.values())
    for n in range(count):
        key = f"fz-{seed}-{n:06d}"
        if n % good_every == good_every - 1:
            _, value = next(goods)
            yield Event(key.encode(), orjson.dumps({**orjson.loads(value), "id": key}), "good", good=True)
        elif n in big_at:
            yield Event(key.encode(), _article(key, body="France and Japan. " * (BIG_BODY_BYTES // 18)), "big_body")
        elif n in large_at:
            paragraphs = [f"Paragraph {i}: France and Japan discussed trade in {TOPICS[i % len(TOPICS)]} at length, "
                          "officials said after the talks in the capital." for i in range(14_000)]
            yield Event(key.encode(), _article(key, title="A very long report", body="\n".join(paragraphs)),
                        "large_valid")
        else:
            kind = rng.choices(kinds, weights)[0]
            yield Event(key.encode(), _hostile(key, kind, rng), kind)


# ---------------------------------------------------------------- watching the worker


@dataclass(eq=False)  # a thread must stay hashable
class Watch(threading.Thread):
    """Polls the worker's health: counts crashes (exits, dead agents) and stalls (lag, no progress)."""

    worker: WorkerProcess
    stall_after_s: float
    crashes: int = 0
    exits: int = 0
    stalls: int = 0
    dead_agents: set[str] = field(default_factory=set)
    last_progress: float = field(default_factory=time.monotonic)
    last_count: int = -1
    stalled: bool = False
    lag: int = 0
    stop_event: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        threading.Thread.__init__(self, daemon=True)

    def run(self) -> None:
        while not self.stop_event.wait(1.0):
            self.poll()

    def poll(self) -> None:
        if self.worker.process is not None and self.worker.process.poll() is not None:
            self.crashes += 1
            self.exits += 1
            log(f"worker exited with {self.worker.process.returncode}; restarting\n{self.worker.log_tail(20)}")
            self.worker.start()
            return
        status, body = self.worker.health("live")
        if status == 0:
            return
        report = orjson.loads(body)
        dead = set(report.get("dead_agents", []))
        if dead - self.dead_agents:
            self.crashes += len(dead - self.dead_agents)
            log(f"agents died: {sorted(dead - self.dead_agents)}\n{_errors(self.worker)}")
            self.dead_agents |= dead
        count = sum(report.get("events", {}).values())
        self.lag = int(report.get("lag", 0))
        now = time.monotonic()
        if count != self.last_count:
            self.last_count, self.last_progress, self.stalled = count, now, False
        elif self.lag > 0 and now - self.last_progress > self.stall_after_s and not self.stalled:
            self.stalled = True
            self.stalls += 1
            log(f"stalled: lag {self.lag}, no progress for {now - self.last_progress:.0f} s")


def _errors(worker: WorkerProcess, lines: int = 40) -> str:
    """The end of the worker's log without the (many, expected) dead-lettering warnings."""
    text = worker.log_path.read_text(errors="replace").splitlines()
    return "\n".join([line for line in text if "dead-lettering" not in line][-lines:])


def wait_settled(run: Run, watch: Watch, timeout_s: float) -> bool:
    """Until the group has committed all its input (twice in a row), or the worker is stalled or dead."""
    deadline = time.monotonic() + timeout_s
    settled = 0
    while time.monotonic() < deadline:
        settled = settled + 1 if run.lag() == 0 else 0
        if settled >= 2:
            return True
        if watch.stalled:
            return False
        # A dead agent is counted as a crash, but Faust's supervisor restarts it: keep waiting, so that the run
        # shows whether the stream carries on (and what the crash cost) rather than stopping at the first crash.
        time.sleep(1.0)  # polling interval of a bounded wait
    return False


# ---------------------------------------------------------------- accounting


def account(run: Run, events: list[Event], expected: dict[bytes, set[str]]) -> dict[str, Any]:
    """Trace every tried event to articles.clean or articles.deadletter by its key."""
    names = [run.topic(t) for t in (registry.CLEAN, registry.DEADLETTER, registry.OBSERVED)]
    read = asyncio.run(read_all(run.bootstrap, run.settings, names, timeout_s=300))
    clean, dead, observed = (read[n] for n in names)
    processed_keys = {m.key for m in clean}
    reasons: dict[bytes, list[tuple[str, str]]] = {}
    for message in dead:
        letter = registry.DEADLETTER.decode(message.value)
        key = base64.b64decode(letter.key_b64) if letter.key_b64 else message.key
        reasons.setdefault(key or b"", []).append((letter.stage, letter.error))
    observed_ids = {orjson.loads(m.value)["observation_id"] for m in observed}
    tried = {e.key for e in events}
    processed_keys = {e.key for e in events if e.article_id in processed_keys}
    unaccounted = sorted(k for k in tried if k not in processed_keys and k not in reasons)
    goods = [e for e in events if e.good]
    good_out, good_missing = 0, []
    for event in goods:
        wanted = expected[event.key]
        # Out = cleaned, and every observation the stages give it in-process came out (some give none).
        if event.key in processed_keys and wanted <= observed_ids:
            good_out += 1
        else:
            why = ("dead-lettered: " + "; ".join(r for _, r in reasons[event.key]) if event.key in reasons
                   else f"cleaned, missing {sorted(wanted - observed_ids)}" if event.key in processed_keys
                   else "unaccounted")
            good_missing.append(f"{event.key.decode()}: {why}")
    unexplained = [k for k, rs in reasons.items() if any(not reason.strip() for _, reason in rs)]
    kinds = {e.key: e.kind for e in events}
    fate: dict[str, Counter[str]] = {}
    for e in events:
        where = "processed" if e.key in processed_keys else "dead_lettered" if e.key in reasons else "unaccounted"
        fate.setdefault(kinds[e.key], Counter())[where] += 1
    return {
        "tried": len(events),
        "processed": sum(1 for k in tried if k in processed_keys),
        "dead_lettered": sum(1 for k in tried if k in reasons and k not in processed_keys),
        "dead_letters_by_stage": dict(Counter(stage for rs in reasons.values() for stage, _ in rs)),
        "dead_letters_without_reason": len(unexplained),
        "unaccounted": len(unaccounted),
        "unaccounted_keys": [k.decode(errors="replace") for k in unaccounted[:10]],
        "unaccounted_kinds": dict(Counter(kinds[k] for k in unaccounted)),
        "good_events": len(goods),
        "good_events_out": good_out,
        "good_events_missing": good_missing[:10],
        "good_events_without_relations": sum(1 for e in goods if not expected[e.key]),
        "by_kind": {kind: dict(counts) for kind, counts in sorted(fate.items())},
    }


def expected_observations(events: list[Event]) -> dict[bytes, set[str]]:
    """The observation ids each good event gives in-process (before any broker is involved)."""
    return {e.key: expected_offline([(e.key, e.value or b"")]) for e in events if e.good}


def fuzz(bootstrap: str, work_dir: Path, events: list[Event], *, stall_after_s: float = 30.0,
         settle_timeout_s: float = 600.0, name: str | None = None) -> dict[str, Any]:
    run = Run(bootstrap, work_dir, name=name) if name else Run(bootstrap, work_dir)
    run.create_topics(max_message_bytes=TOPIC_MAX_MESSAGE_BYTES)
    watch: Watch | None = None
    try:
        worker = run.start_worker()
        watch = Watch(worker, stall_after_s)
        watch.start()
        began = time.monotonic()
        publisher = Publisher(bootstrap, run.settings, run.topic(registry.RAW),
                              [(e.key, e.value) for e in events],  # type: ignore[misc]
                              rate_per_s=0, max_request_size=TOPIC_MAX_MESSAGE_BYTES)
        publisher.start()
        publisher.join(timeout=settle_timeout_s)
        if publisher.error is not None:
            raise RuntimeError(f"publishing failed: {publisher.error!r}")
        published_s = time.monotonic() - began
        settled = wait_settled(run, watch, settle_timeout_s)
        took = time.monotonic() - began
        watch.poll()
        live = worker.health("live")[0] == 200
    finally:
        if watch is not None:
            watch.stop_event.set()
            watch.join(5)
        run.stop_all()
    result = account(run, events, expected_observations(events))
    # The health view names dead agents, not how often each died: the log has one line per crash.
    agent_crashes = worker.log_path.read_text(errors="replace").count("Crashed reason=")
    result.update({
        "crashes": max(watch.crashes, agent_crashes + watch.exits),
        "worker_exits": watch.exits,
        "stalls": watch.stalls,
        "settled": settled,
        "worker_live_at_end": live,
        "producer_refused": len(publisher.refused),
        "publish_s": round(published_s, 1),
        "seconds": round(took, 1),
        "events_per_s": round(len(events) / took, 1),
    })
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=None, help="50 MB bodies among them (default 3, 0 below 1000)")
    parser.add_argument("--large", type=int, default=None, help="valid 1.5 MB articles among them (default 2)")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--stall-after", type=float, default=30.0, help="seconds of lag without progress = stall")
    args = parser.parse_args(argv)
    big = args.big if args.big is not None else (3 if args.events >= 1000 else 0)
    large = args.large if args.large is not None else 2
    events = list(hostile_events(args.events, seed=args.seed, big=big, large=large))

    from streams.testing.harness import broker

    expected_observations(events)  # fail before any broker starts if the stages themselves are broken
    work_dir = Path(tempfile.mkdtemp(prefix="dyadwatch-fuzz-"))
    with broker() as kafka:
        log(f"broker at {kafka.bootstrap}; {len(events)} events ({big} of 50 MB, {large} valid of 1.5 MB)")
        result = fuzz(kafka.bootstrap, work_dir, events, stall_after_s=args.stall_after)
    print(orjson.dumps(result).decode(), flush=True)
    bad = (result["unaccounted"] or result["crashes"] or result["stalls"] or result["dead_letters_without_reason"]
           or result["good_events_out"] < result["good_events"])
    if bad:
        log(f"worker log kept in {work_dir}")
    else:
        shutil.rmtree(work_dir, ignore_errors=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
