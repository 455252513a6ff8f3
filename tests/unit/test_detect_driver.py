"""The one detect driver (`pipeline.Detector`), shared by `replay` and the live agent, without Faust: per-partition
stream time, waiting pairs finalised when the partition's event time passes them, and a store that may be the
offline dict or the Faust table (JSON bytes, as TableStore keeps it)."""

from __future__ import annotations

import itertools
import random
import zlib
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from streams.detect import TableStore
from streams.models import Evidence, RelationObservation, RelationshipAlert, SourceWatermark, Trend
from streams.pipeline import Detector

T0 = datetime(2024, 3, 1, tzinfo=UTC)
SOURCES = ("Harbor Ledger", "Northern Wire", "Continental Post", "Coastline Times")
_serial = itertools.count()


def obs(pair: str, score: float, at: datetime, source: str = SOURCES[0], *, trend: Trend | None = None,
        confidence: float = 0.8) -> RelationObservation:
    article = f"drv-{next(_serial)}"
    first, second = pair.split("-")
    return RelationObservation(
        pair=pair, countries=(first, second), polarity="cooperation" if score > 0 else "conflict",
        score=score, quad=1 if score >= 0 else 3, trend=trend, confidence=confidence,
        evidence=[Evidence(sentence=f"An invented sentence about {pair}.", cues=["invented"])],
        observation_id=f"{article}:{pair}", article_id=article, source=source, published_at=at,
    )


def warm_history(pair: str = "CHN-PRK", start: datetime = T0) -> list[RelationObservation]:
    """A dozen cooperative articles over four months from four sources."""
    scores = [4.5, 5.0, 5.5, 4.0, 6.0, 5.0, 4.5, 5.5, 5.0, 4.0, 6.0, 5.0]
    return [obs(pair, s, start + timedelta(days=10 * i), SOURCES[i % 4]) for i, s in enumerate(scores)]


def cool_run(pair: str = "CHN-PRK", start: datetime = T0 + timedelta(days=150), count: int = 6
             ) -> list[RelationObservation]:
    scores = [1.0, 0.5, 1.0, 0.0, 1.5, 1.0, 0.5, 1.0]
    return [obs(pair, scores[i % 8], start + timedelta(days=2 * i), SOURCES[i % 4]) for i in range(count)]


def run(detector: Detector, observations: Iterable[tuple[int, RelationObservation]]) -> list[RelationshipAlert]:
    return [alert for partition, o in observations for alert in detector(o, partition)]


def test_a_waiting_pair_is_finalised_when_its_partition_s_event_time_has_passed_it() -> None:
    observations = [*warm_history(), *cool_run(count=4)]  # the 4th cooler article confirms the shift
    detector = Detector()
    assert run(detector, ((0, o) for o in observations)) == []
    newest = observations[-1].published_at
    # Another pair's article in another partition does not move this partition's clock ...
    assert detector(obs("FRA-DEU", 3.0, newest + timedelta(hours=2)), 1) == []
    # ... nor one in the same partition within the allowed lateness ...
    assert detector(obs("FRA-DEU", 3.0, newest + timedelta(minutes=30)), 0) == []
    # ... but one past it does: the shift is announced without waiting for the pair's own next article.
    released = detector(obs("FRA-DEU", 3.0, newest + timedelta(hours=1)), 0)
    assert [(a.pair, a.kind, a.trigger) for a in released] == [("CHN-PRK", "cooling", "statistical")]
    assert detector.flush() == []  # nothing left waiting, nothing announced twice


def _stories(seed: int) -> list[RelationObservation]:
    rng = random.Random(seed)
    found: list[RelationObservation] = []
    for n, pair in enumerate(("CHN-PRK", "IND-PAK", "FRA-DEU", "JPN-KOR")):
        start = T0 + timedelta(hours=n * 7)
        found += [*warm_history(pair, start), *cool_run(pair, start + timedelta(days=150), count=rng.randint(3, 8))]
        if rng.random() < 0.7:
            found.append(obs(pair, -4.0, start + timedelta(days=170), trend="cooling", confidence=0.9))
    return sorted(found, key=lambda o: (o.published_at, o.observation_id))


def test_the_live_form_over_the_table_gives_replay_s_alerts() -> None:
    for seed in range(5):
        observations = _stories(seed)
        offline = Detector()
        expected = run(offline, ((0, o) for o in observations)) + offline.flush()
        assert expected, "the stories should imply alerts"
        live = Detector(store=TableStore({}))
        got = run(live, ((zlib.crc32(o.pair.encode()) % 3, o) for o in observations)) + live.flush()
        assert sorted(a.alert_id for a in got) == sorted(a.alert_id for a in expected)
        assert {a.alert_id: a for a in got} == {a.alert_id: a for a in expected}


def test_a_restart_loses_only_the_waiting_list_and_no_alert() -> None:
    observations = _stories(11)
    uninterrupted = Detector()
    expected = run(uninterrupted, ((0, o) for o in observations)) + uninterrupted.flush()
    store = TableStore({})
    half = len(observations) // 2
    first = Detector(store=store)
    before = run(first, ((0, o) for o in observations[:half]))
    second = Detector(store=store)  # a new worker: the table recovered from the changelog, nothing in memory
    after = run(second, ((0, o) for o in observations[half:])) + second.flush()
    assert sorted(a.alert_id for a in before + after) == sorted(a.alert_id for a in expected)


# --- the stream: event time from the source partitions' watermarks -----------------------------------------------


def _stream(observations: list[RelationObservation], sources: int, partitions: int, rng: random.Random,
            detector: Detector) -> list[RelationshipAlert]:
    """A backlog: the articles already spread over `sources` partitions of articles.raw (each in event-time order),
    read by a clean stage that takes the partitions in random turns, and a detect stage that reads each partition of
    relations.observed and relations.watermarks in random turns, so that a watermark can arrive before the
    observations it covers."""
    by_source: list[list[RelationObservation]] = [[] for _ in range(sources)]
    for o in observations:
        by_source[rng.randrange(sources)].append(o)
    detector.set_extent({p: (0, len(articles)) for p, articles in enumerate(by_source)})
    observed: list[list[RelationObservation]] = [[] for _ in range(partitions)]
    marks: list[list[SourceWatermark]] = [[] for _ in range(partitions)]
    read = [0] * sources
    while any(read[p] < len(by_source[p]) for p in range(sources)):
        p = rng.choice([p for p in range(sources) if read[p] < len(by_source[p])])
        article = by_source[p][read[p]]
        read[p] += 1
        observed[zlib.crc32(article.pair.encode()) % partitions].append(article)
        at_end = read[p] == len(by_source[p])
        for q in range(partitions):
            marks[q].append(SourceWatermark(source_topic="articles.raw", source_partition=p,
                                            watermark=article.published_at,
                                            read_to_end=read[p] if at_end else None, observed_offset=len(observed[q])))
    alerts: list[RelationshipAlert] = []
    taken = [[0, 0] for _ in range(partitions)]
    while True:
        ready = [(q, t) for q in range(partitions) for t, log in ((0, observed[q]), (1, marks[q]))
                 if taken[q][t] < len(log)]
        if not ready:
            return alerts
        q, t = rng.choice(ready)
        offset = taken[q][t]
        taken[q][t] += 1
        if t == 0:
            alerts += detector.take_observation(observed[q][offset], q, offset)
        else:
            alerts += detector.take_watermark(marks[q][offset], q)


def test_a_backlog_read_in_any_order_gives_replay_s_alerts() -> None:
    for seed in range(8):
        rng = random.Random(seed)
        observations = _stories(seed)
        offline = Detector()
        expected = run(offline, ((0, o) for o in observations)) + offline.flush()
        live = Detector(store=TableStore({}))
        got = _stream(observations, sources=3, partitions=2, rng=rng, detector=live) + live.flush()
        assert sorted(a.alert_id for a in got) == sorted(a.alert_id for a in expected), seed
        assert {a.alert_id: a for a in got} == {a.alert_id: a for a in expected}
        assert isinstance(live.store, TableStore)
        states = [live.store.get(pair) for pair in live.store.pairs()]
        assert all(state is not None and state.late == 0 for state in states), "nothing arrived late"


def _mark(source: int, at: datetime | None, *, end: int | None = None, offset: int = 0) -> SourceWatermark:
    return SourceWatermark(source_topic="articles.raw", source_partition=source, watermark=at, read_to_end=end,
                           observed_offset=offset)


def test_event_time_is_the_slowest_busy_source_partition_s_watermark() -> None:
    detector = Detector()
    first = obs("CHN-PRK", 3.0, T0)
    assert detector.take_observation(first, 0, 0) == []
    assert detector.event_time(0) is None, "no offsets of the sources known yet: nothing may be applied"
    detector.set_extent({0: (0, 10), 1: (0, 10), 2: (0, 0)})  # source 2 is empty: it holds nothing back
    detector.take_watermark(_mark(0, T0 + timedelta(hours=5), offset=1), 0)
    assert detector.event_time(0) is None, "source 1 has records and has not been heard from"
    detector.take_watermark(_mark(1, T0 + timedelta(hours=2), offset=1), 0)
    assert detector.event_time(0) == T0 + timedelta(hours=2)
    assert detector.store.get("CHN-PRK") is not None, "the observation the event time has passed is applied"


def test_a_watermark_counts_only_once_the_observations_before_it_are_read() -> None:
    detector = Detector()
    detector.set_extent({0: (0, 5)})
    detector.take_watermark(_mark(0, T0 + timedelta(hours=3), offset=2), 0)  # covers offsets 0 and 1
    assert detector.event_time(0) is None
    detector.take_observation(obs("CHN-PRK", 3.0, T0 + timedelta(hours=1)), 0, 0)
    assert detector.event_time(0) is None
    detector.take_observation(obs("CHN-PRK", 3.0, T0 + timedelta(hours=2)), 0, 1)
    assert detector.event_time(0) == T0 + timedelta(hours=3)


def test_a_watermark_does_not_count_past_a_hole_in_the_offsets_read() -> None:
    """Faust drops records in some rebalances and reads them again later: the observation at offset 1 missing, the
    one at 2 read, a watermark covering both must wait until 1 has come (and then count)."""
    detector = Detector()
    detector.set_extent({0: (0, 5)})
    detector.take_observation(obs("CHN-PRK", 3.0, T0 + timedelta(hours=1)), 0, 0)
    detector.take_observation(obs("CHN-PRK", 3.0, T0 + timedelta(hours=3)), 0, 2)
    detector.take_watermark(_mark(0, T0 + timedelta(hours=4), offset=3), 0)
    assert detector.event_time(0) is None, "offset 1 of relations.observed was never read"
    detector.take_observation(obs("CHN-PRK", 3.0, T0 + timedelta(hours=2)), 0, 1)
    assert detector.event_time(0) is None, "read again from the hole: offset 2 comes again before it counts"
    detector.take_observation(obs("CHN-PRK", 3.0, T0 + timedelta(hours=3)), 0, 2)
    assert detector.event_time(0) == T0 + timedelta(hours=4)


def test_the_read_mark_starts_where_the_consumer_began_and_follows_the_newest_offset_with_markers() -> None:
    resumed = Detector()
    resumed.set_extent({0: (0, 5)})
    resumed.read_from(0, 40)  # the committed offset (or the log's start): everything below was read before
    resumed.take_watermark(_mark(0, T0 + timedelta(hours=4), offset=41), 0)
    assert resumed.event_time(0) is None
    resumed.take_observation(obs("CHN-PRK", 3.0, T0 + timedelta(hours=3)), 0, 40)
    assert resumed.event_time(0) == T0 + timedelta(hours=4)
    transactional = Detector(dense_offsets=False)  # transaction markers take offsets: a gap is not a hole
    transactional.set_extent({0: (0, 5)})
    transactional.take_observation(obs("CHN-PRK", 3.0, T0 + timedelta(hours=3)), 0, 2)
    transactional.take_watermark(_mark(0, T0 + timedelta(hours=4), offset=3), 0)
    assert transactional.event_time(0) == T0 + timedelta(hours=4)


def test_a_source_partition_is_idle_only_while_its_end_offset_stays_where_it_was_read_to() -> None:
    detector = Detector()
    detector.set_extent({0: (0, 4), 1: (0, 7)})
    detector.take_watermark(_mark(0, T0 + timedelta(hours=9)), 0)
    detector.take_watermark(_mark(1, T0 + timedelta(hours=1), end=7), 0)  # read to its end: idle
    assert detector.event_time(0) == T0 + timedelta(hours=9)
    detector.set_extent({0: (0, 4), 1: (0, 8)})  # a record arrived on source 1: it holds event time again
    detector.take_watermark(_mark(0, T0 + timedelta(hours=12)), 0)
    assert detector.event_time(0) == T0 + timedelta(hours=9), "event time never goes back, nor past source 1 now"
    detector.take_watermark(_mark(1, T0 + timedelta(hours=10), end=8), 0)
    assert detector.event_time(0) == T0 + timedelta(hours=12)


def test_a_restarted_driver_resumes_its_clock_and_held_observations_from_the_store() -> None:
    store = TableStore({})
    first = Detector(store=store)
    first.set_extent({0: (0, 3), 1: (0, 3)})
    held = obs("CHN-PRK", 3.0, T0 + timedelta(hours=4))
    first.take_observation(held, 0, 0)
    first.take_watermark(_mark(0, T0 + timedelta(hours=6), offset=1), 0)
    first.take_watermark(_mark(1, T0 + timedelta(hours=1), offset=1), 0)
    assert first.event_time(0) == T0 + timedelta(hours=1) and store.get("CHN-PRK") is None
    second = Detector(store=store)  # the table recovered; nothing in memory
    second.set_extent({0: (0, 3), 1: (0, 3)})
    assert second.event_time(0) == T0 + timedelta(hours=1)
    second.take_watermark(_mark(1, T0 + timedelta(hours=5), offset=1), 0)
    state = store.get("CHN-PRK")
    assert state is not None and state.articles == 1, "the held observation was applied once event time passed it"


def test_of_two_copies_of_a_story_the_earlier_counts_whichever_arrived_first() -> None:
    # The clean stage saw the later copy first, so it marked the earlier one as the duplicate.
    later = obs("CHN-PRK", 4.0, T0 + timedelta(hours=10))
    earlier = obs("CHN-PRK", 4.0, T0 + timedelta(hours=9)).model_copy(update={"duplicate_of": later.article_id})
    live = Detector()
    live.set_extent({0: (0, 2)})
    live.take_observation(later, 0, 0)
    live.take_observation(earlier, 0, 1)
    live.take_watermark(_mark(0, T0 + timedelta(hours=10), end=2, offset=2), 0)
    offline = Detector()  # replay: the earlier copy first, and the later one its duplicate
    offline(earlier.model_copy(update={"duplicate_of": None}))
    offline(later.model_copy(update={"duplicate_of": earlier.article_id}))
    got, want = live.store.get("CHN-PRK"), offline.store.get("CHN-PRK")
    assert got is not None and want is not None
    assert (got.articles, got.duplicates) == (1, 1)
    assert got == want


def test_a_restart_keeps_the_pairs_waiting_for_event_time_to_pass_them() -> None:
    observations = [*warm_history(), *cool_run(count=4)]  # the 4th cooler article confirms the shift
    store = TableStore({})
    first = Detector(store=store)
    first.set_extent({0: (0, len(observations))})
    for offset, o in enumerate(observations):
        assert first.take_observation(o, 0, offset) == []
        first.take_watermark(_mark(0, o.published_at, offset=offset + 1), 0)
    newest = observations[-1].published_at
    second = Detector(store=store)  # the table recovered from the changelog; nothing in memory
    second.set_extent({0: (0, len(observations))})
    assert second.take_watermark(_mark(0, newest + timedelta(minutes=30)), 0) == []
    released = second.take_watermark(_mark(0, newest + timedelta(hours=1)), 0)
    assert [(a.pair, a.kind, a.trigger) for a in released] == [("CHN-PRK", "cooling", "statistical")]


def test_a_burst_keeps_the_pair_s_newer_articles_held_instead_of_closing_a_window_early() -> None:
    """40 reports of one pair within 20 minutes, then one within the lateness but sent after them: the pair never
    holds more than max_pending articles and the straggler (an older article is put in its place at once), nothing
    counts as late, and the alerts are replay's."""
    burst = [obs("ISR-IRN", -6.5 + (i % 3), T0 + timedelta(days=130, seconds=30 * i), SOURCES[i % 4],
                 trend="cooling" if i % 5 == 0 else None, confidence=0.9) for i in range(40)]
    straggler = obs("ISR-IRN", -7.0, T0 + timedelta(days=130, seconds=5), trend="cooling", confidence=0.9)
    after = [obs("ISR-IRN", -6.0, T0 + timedelta(days=131, hours=h), SOURCES[h % 4]) for h in range(3)]
    arrivals = [*warm_history("ISR-IRN"), *burst, straggler, *after]
    offline = Detector()
    expected = run(offline, ((0, o) for o in sorted(arrivals, key=lambda o: (o.published_at, o.observation_id))))
    expected += offline.flush()
    live = Detector(store=TableStore({}))
    live.set_extent({0: (0, len(arrivals) + 1)})
    got: list[RelationshipAlert] = []
    newest = T0
    most_pending = 0
    for offset, o in enumerate(arrivals):
        newest = max(newest, o.published_at)
        got += live.take_observation(o, 0, offset)
        got += live.take_watermark(_mark(0, newest, offset=offset + 1), 0)
        state = live.store.get("ISR-IRN")
        most_pending = max(most_pending, len(state.pending) if state else 0)
    got += live.flush()
    assert most_pending == live.config.max_pending + 1
    state = live.store.get("ISR-IRN")
    assert state is not None and state.late == 0
    assert expected, "the story should imply alerts"
    assert {a.alert_id: a for a in got} == {a.alert_id: a for a in expected}


def test_in_batches_the_table_is_written_once_per_key_and_gives_the_same_alerts() -> None:
    """The live form with the writes of each batch of 7 events kept back until the batch ends: replay's alerts,
    the same table at the end, and fewer writes (a pair's state once per batch; an observation held and applied
    within a batch never written)."""

    class CountingTable(dict[bytes, bytes]):
        writes = 0

        def __setitem__(self, key: bytes, value: bytes) -> None:
            CountingTable.writes += 1
            super().__setitem__(key, value)

    observations = _stories(3)

    def live(batch: int) -> tuple[list[RelationshipAlert], dict[bytes, bytes], int]:
        CountingTable.writes = 0
        table = CountingTable()
        store = TableStore(table)
        detector = Detector(store=store)
        detector.set_extent({0: (0, 10**6)})
        alerts: list[RelationshipAlert] = []
        for offset, o in enumerate(observations):
            if batch > 1:
                store.begin(0)
            alerts += detector.take_observation(o, 0, offset)
            alerts += detector.take_watermark(_mark(0, o.published_at, offset=offset + 1), 0)
            if batch > 1 and (offset + 1) % batch == 0:
                store.flush(lambda partition: True)
        store.flush(lambda partition: True)
        return alerts + detector.flush(), dict(table), CountingTable.writes

    one_by_one, table, writes = live(1)
    batched, batched_table, batched_writes = live(7)
    assert one_by_one and {a.alert_id: a for a in batched} == {a.alert_id: a for a in one_by_one}
    assert batched_table == table
    assert batched_writes < writes / 3
