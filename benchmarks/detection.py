"""Change detection on synthetic streams: false alarms, detection delay, memory and speed.

    .venv/bin/python benchmarks/detection.py [--seeds 10] [--step-seeds 200] [--pairs 2000]

(a) stationary: 10,000 observations of one pair, several per day from six sources with their own slant, heavy-
    tailed scoring noise, 10% syndicated duplicates, arrival shuffled within the allowed lateness -> alerts per
    stream (target: at most one).
(a') young pairs: 1,000 stationary pairs of 40 articles each, where the baseline is least certain -> alerts.
(b) step: 300 articles around +4, then the level drops to -1 -> detection delay of the statistical alert in
    independent articles and in days after the step, over many seeds; plus false alarms before the step.
(c) memory per pair (serialised and in memory) and observe() throughput, bare and as the Faust agent does it
    (load from JSON, observe, dump to JSON).
(d) arrival beyond the allowed lateness (an outage, a backlog released late): the fault suite's synthetic stream
    (a dozen pairs that turn hostile; a tenth of the articles say outright that ties warmed or cooled) through
    clean and relate, a third of the articles delayed by up to 60, 120 or 240 hours (a pair has an article every
    36 h) -> alerts lost against event-time order, by trigger; of the lost, how many are still signalled by
    another alert of the same pair and direction within a week (each such alert standing for one lost); alerts
    that event-time order does not give; and ids announced more than once.

The noise model is an assumption about what the relate stage emits for one pair: mostly within two points of the
pair's level, sometimes a different kind of event (four points), now and then a mis-scored article anywhere on
the scale. Seeds are fixed, so the figures are reproducible.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from streams.domain.detection import DetectorConfig, PairState, flush, observe
from streams.models import Evidence, RelationObservation, RelationshipAlert

START = datetime(2020, 1, 1, tzinfo=UTC)
SOURCES = ["Harbor Ledger", "Northern Wire", "Continental Post", "Coastline Times", "Daily Meridian", "Plains Herald"]
SENTENCE = "Officials of both countries met on Tuesday and issued a statement on their relations and on trade."


def noisy_score(rng: random.Random, level: float, slant: float) -> float:
    draw = rng.random()
    if draw < 0.03:
        score = rng.uniform(-10.0, 10.0)
    elif draw < 0.15:
        score = level + slant + rng.gauss(0.0, 4.0)
    else:
        score = level + slant + rng.gauss(0.0, 2.0)
    return round(max(-10.0, min(10.0, score)) * 2) / 2


def stream(
    rng: random.Random, levels: list[tuple[int, float]], per_day: float, pair: str = "AAA-BBB"
) -> list[RelationObservation]:
    """Observations in event-time order: `levels` is [(articles, level), ...] of independent articles."""
    slants = {name: rng.gauss(0.0, 0.5) for name in SOURCES}
    out: list[RelationObservation] = []
    clock = START
    serial = 0
    a, b = pair.split("-")
    for count, level in levels:
        for _ in range(count):
            clock += timedelta(days=rng.expovariate(per_day))
            source = rng.choice(SOURCES)
            score = noisy_score(rng, level, slants[source])
            serial += 1
            article = f"art-{serial}"
            base = dict(pair=pair, countries=(a, b), polarity="neutral", score=score, quad=1, trend=None,
                        confidence=0.7, evidence=[Evidence(sentence=SENTENCE, cues=[])])
            out.append(RelationObservation(**base, observation_id=f"{article}:{pair}", article_id=article,
                                           source=source, published_at=clock))
            if rng.random() < 0.1:
                copy = f"art-{serial}-copy"
                out.append(RelationObservation(
                    **base, observation_id=f"{copy}:{pair}", article_id=copy, source=rng.choice(SOURCES),
                    published_at=clock + timedelta(minutes=rng.uniform(1, 120)), duplicate_of=article))
    out.sort(key=lambda o: (o.published_at, o.observation_id))
    return out


def arrival_order(rng: random.Random, observations: list[RelationObservation], lateness_h: float
                  ) -> list[RelationObservation]:
    """Each article is delayed by up to the allowed lateness; arrival is by delivery time."""
    delays = [timedelta(hours=rng.uniform(0.0, lateness_h)) for _ in observations]
    order = sorted(range(len(observations)), key=lambda i: (observations[i].published_at + delays[i], i))
    return [observations[i] for i in order]


def run(observations: list[RelationObservation], config: DetectorConfig) -> tuple[PairState, list[RelationshipAlert]]:
    state: PairState | None = None
    alerts: list[RelationshipAlert] = []
    for obs in observations:
        state, new = observe(state, obs, config)
        alerts.extend(new)
    assert state is not None
    state, new = flush(state, config)
    return state, alerts + new


def stationary(seeds: int, config: DetectorConfig) -> None:
    print(f"(a) stationary streams: 10,000 independent articles (+10% duplicates), {seeds} seeds")
    counts = []
    started = time.perf_counter()
    total = 0
    for seed in range(seeds):
        rng = random.Random(seed)
        level = rng.choice([-4.0, -1.0, 0.0, 2.0, 5.0])
        per_day = rng.choice([1.0, 3.0, 8.0])
        observations = arrival_order(rng, stream(rng, [(10_000, level)], per_day), config.allowed_lateness_hours)
        total += len(observations)
        _, alerts = run(observations, config)
        days = (observations[-1].published_at - START).days
        counts.append(len(alerts))
        print(f"    seed {seed:2d}: level {level:+.0f}, {per_day:g}/day over {days} days -> {len(alerts)} alerts "
              + " ".join(f"[{a.kind} {a.baseline:+.1f}->{a.current:+.1f}]" for a in alerts))
    elapsed = time.perf_counter() - started
    print(f"    false alarms: {sum(counts)} in {seeds * 10_000:,} articles; streams with more than one: "
          f"{sum(c > 1 for c in counts)}/{seeds}; max per stream {max(counts)}  ({total / elapsed:,.0f} obs/s)")


def young_pairs(pairs: int, config: DetectorConfig) -> None:
    """Most pairs have a short history, where an estimated baseline is least certain."""
    print(f"\n(a') stationary young pairs: {pairs:,} pairs of 40 independent articles each, 1/day")
    alarmed = 0
    alerts_total = 0
    for seed in range(pairs):
        rng = random.Random(50_000 + seed)
        level = rng.choice([-4.0, -1.0, 0.0, 2.0, 5.0])
        _, alerts = run(arrival_order(rng, stream(rng, [(40, level)], 1.0), config.allowed_lateness_hours), config)
        alerts_total += len(alerts)
        alarmed += bool(alerts)
    print(f"    false alarms: {alerts_total} in {pairs * 40:,} articles; pairs with any: {alarmed}/{pairs} "
          f"({100 * alarmed / pairs:.1f}%)")


def step(seeds: int, config: DetectorConfig) -> None:
    print(f"\n(b) step +4 -> -1 after 300 articles, 3/day, {seeds} seeds")
    delays_articles: list[int] = []
    delays_days: list[float] = []
    before = after_extra = missed = 0
    for seed in range(seeds):
        rng = random.Random(10_000 + seed)
        observations = stream(rng, [(300, 4.0), (150, -1.0)], 3.0)
        independent = [o for o in observations if o.duplicate_of is None]
        change_at = independent[300].published_at
        _, alerts = run(arrival_order(rng, observations, config.allowed_lateness_hours), config)
        shifts = [a for a in alerts if a.trigger == "statistical"]
        early = [a for a in shifts if a.window_end < change_at]
        late = [a for a in shifts if a.window_end >= change_at and a.kind in ("cooling", "rupture")]
        before += len(early)
        if not late:
            missed += 1
            continue
        first = min(late, key=lambda a: a.window_end)
        after_extra += len([a for a in shifts if a.window_end >= change_at]) - 1
        delays_articles.append(sum(1 for o in independent[300:] if o.published_at <= first.window_end))
        delays_days.append((first.window_end - change_at).total_seconds() / 86400)
    q = statistics.quantiles
    print(f"    detected {len(delays_articles)}/{seeds}; missed {missed}; false alarms before the step: {before}; "
          f"extra alerts after the first: {after_extra}")
    if delays_articles:
        print(f"    delay in articles: median {statistics.median(delays_articles):.0f}, "
              f"p90 {q(delays_articles, n=10)[-1]:.0f}, max {max(delays_articles)}")
        print(f"    delay in days:     median {statistics.median(delays_days):.1f}, "
              f"p90 {q(delays_days, n=10)[-1]:.1f}, max {max(delays_days):.1f}")


def memory_and_speed(pairs: int, config: DetectorConfig) -> None:
    print(f"\n(c) memory and speed ({pairs:,} pairs, 40 articles each, ending mid-shift with articles pending)")
    rng = random.Random(7)
    feeds = [stream(rng, [(30, 3.0), (10, -2.0)], 3.0, pair=f"{_code(i)}-ZZZ") for i in range(pairs)]
    states: dict[str, PairState] = {}
    for feed in feeds:
        state = None
        for obs in feed:
            state, _ = observe(state, obs, config)
        assert state is not None
        states[feed[0].pair] = state
    serialised = [state.model_dump_json().encode() for state in states.values()]
    sizes = [len(raw) for raw in serialised]
    as_model = _traced(lambda: [PairState.model_validate_json(raw) for raw in serialised]) / pairs
    as_dict = _traced(lambda: [json.loads(raw) for raw in serialised]) / pairs
    as_bytes = _traced(lambda: [bytes(bytearray(raw)) for raw in serialised]) / pairs
    mean = statistics.mean(sizes)
    print(f"    serialised JSON per pair: mean {mean:,.0f} B, max {max(sizes):,} B -> 30,000 pairs "
          f"{mean * 30_000 / 1e6:,.0f} MB (RocksDB store, changelog)")
    for label, per in (("JSON bytes", as_bytes), ("dict", as_dict), ("PairState", as_model)):
        print(f"    in memory as {label:10s}: {per:6,.0f} B per pair -> 30,000 pairs {per * 30_000 / 1e6:4,.0f} MB")
    full = _full_state(config)
    raw_full = full.model_dump_json().encode()
    full_model = _traced(lambda: [PairState.model_validate_json(raw_full) for _ in range(100)]) / 100
    print(f"    worst case (every bounded list full, {len(full.pending)} pending): {len(raw_full):,} B serialised, "
          f"{full_model:,.0f} B as PairState")

    sample = feeds[:200]
    count = sum(len(feed) for feed in sample)
    started = time.perf_counter()
    for _ in range(3):
        for feed in sample:
            state = None
            for obs in feed:
                state, _ = observe(state, obs, config)
    bare = 3 * count / (time.perf_counter() - started)
    print(f"    observe() alone: {bare:,.0f} obs/s ({1e6 / bare:.0f} us each)")
    for label, load, dump in (
        ("JSON bytes", PairState.model_validate_json, lambda s: s.model_dump_json().encode()),
        ("dict", PairState.model_validate, lambda s: s.model_dump(mode="json")),
    ):
        started = time.perf_counter()
        for feed in sample:
            stored = None
            for obs in feed:
                state, _ = observe(load(stored) if stored is not None else None, obs, config)
                stored = dump(state)
        rate = count / (time.perf_counter() - started)
        print(f"    load + observe + dump, table value as {label:10s}: {rate:,.0f} obs/s ({1e6 / rate:.0f} us each)")


def _traced(build: Callable[[], object]) -> float:
    """Bytes allocated by `build()` and still held by its result."""
    gc.collect()
    tracemalloc.start()
    kept = build()
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del kept
    return float(held)


def _code(i: int) -> str:
    return "".join(chr(65 + i // 26**p % 26) for p in (2, 1, 0))


def _full_state(config: DetectorConfig) -> PairState:
    """A state with every bounded list at its limit: long source names and sentences, alternating reported
    changes (alerts), an open CUSUM run (held articles, run evidence) and a burst of pending articles."""
    long = "x" * config.sentence_chars
    names = [f"Source with a long outlet name number {i}" for i in range(12)]
    state = None
    clock = START
    for i in range(200):
        clock += timedelta(hours=20)
        score, trend = (4.0 + (i % 3), None) if i < 150 else (-2.0 - (i % 2), None)
        if i % 10 == 0:
            trend = "warming" if i % 20 else "cooling"
        if i >= 200 - config.max_pending:
            clock = clock - timedelta(hours=20) + timedelta(minutes=1)
        article = f"a-long-article-identifier-{i:06d}"
        obs = RelationObservation(
            pair="AAA-BBB", countries=("AAA", "BBB"), polarity="neutral", score=score, quad=1, trend=trend,
            confidence=0.9, evidence=[Evidence(sentence=long, cues=[])],
            observation_id=f"{article}:AAA-BBB", article_id=article,
            source=names[i % len(names)], published_at=clock)
        state, _ = observe(state, obs, config)
    assert state is not None
    return state


def beyond_lateness(seeds: int, config: DetectorConfig) -> None:
    from streams.models import RawArticle
    from streams.pipeline import Cleaner, StageError, observations
    from streams.testing.harness import synthetic_articles

    print(f"\n(d) a third of the articles delayed beyond the {config.allowed_lateness_hours:g} h lateness; "
          f"{seeds} seeds x 300 articles")
    up = {"warming", "rapprochement"}
    streams = []
    for seed in range(seeds):
        cleaner, found = Cleaner(dedup=None), []
        for _, value in synthetic_articles(300, seed):
            try:
                found.extend(observations(cleaner(RawArticle.model_validate_json(value))))
            except StageError:
                continue
        streams.append(found)
    for delay_h in (60, 120, 240):
        keys = ("expected", "lost_reported", "lost_statistical", "still_signalled", "new", "repeated")
        totals = dict.fromkeys(keys, 0)
        for seed, found in enumerate(streams):
            rng = random.Random(seed)
            late = [timedelta(hours=rng.uniform(0, delay_h)) if rng.random() < 1 / 3 else timedelta(0) for _ in found]
            arrival = [found[i] for i in sorted(range(len(found)), key=lambda i: (found[i].published_at + late[i], i))]
            (want, _), (got, repeated) = (_alerts_by_id(stream, config) for stream in (found, arrival))
            totals["expected"] += len(want)
            totals["repeated"] += repeated
            spare = [alert for alert_id, alert in got.items() if alert_id not in want]
            totals["new"] += len(spare)
            for alert_id, alert in want.items():
                if alert_id in got:
                    continue
                totals["lost_reported" if alert.trigger == "reported" else "lost_statistical"] += 1
                stand_in = next((other for other in spare if other.pair == alert.pair
                                 and (other.kind in up) == (alert.kind in up)
                                 and abs(other.window_end - alert.window_end) < timedelta(days=7)), None)
                if stand_in is not None:
                    spare.remove(stand_in)
                    totals["still_signalled"] += 1
        print(f"    delayed up to {delay_h:3d} h: " + ", ".join(f"{k} {v}" for k, v in totals.items()))


def _alerts_by_id(observations: list[RelationObservation], config: DetectorConfig
                  ) -> tuple[dict[str, RelationshipAlert], int]:
    """The alerts by id, and how many were announced again under an id already announced."""
    from streams.pipeline import Detector

    detector = Detector(config=config)
    alerts = [alert for obs in observations for alert in detector(obs)] + detector.flush()
    by_id = {alert.alert_id: alert for alert in alerts}
    return by_id, len(alerts) - len(by_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--step-seeds", type=int, default=200)
    parser.add_argument("--pairs", type=int, default=2000)
    parser.add_argument("--young-pairs", type=int, default=1000)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override a DetectorConfig threshold (to explore; defaults are in thresholds.json)")
    parser.add_argument("--only", choices=["a", "b", "c", "d"], action="append")
    args = parser.parse_args()
    overrides = dict(item.split("=", 1) for item in args.set)
    config = DetectorConfig.model_validate({**DetectorConfig().model_dump(), **overrides})
    if overrides:
        print(f"overrides: {overrides}")
    parts = args.only or ["a", "b", "c", "d"]
    if "a" in parts and args.seeds:
        stationary(args.seeds, config)
    if "a" in parts and args.young_pairs:
        young_pairs(args.young_pairs, config)
    if "b" in parts:
        step(args.step_seeds, config)
    if "c" in parts:
        memory_and_speed(args.pairs, config)
    if "d" in parts:
        beyond_lateness(args.seeds, config)


if __name__ == "__main__":
    main()
