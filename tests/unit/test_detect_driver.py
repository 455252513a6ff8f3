"""The one detect driver (`pipeline.Detector`), shared by `replay` and the live agent, without Faust: per-partition
stream time, waiting pairs finalised when the partition's event time passes them, and a store that may be the
offline dict or the Faust table (JSON bytes, as TableStore keeps it)."""

from __future__ import annotations

import itertools
import random
import zlib
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from streams.domain.detection import PairState
from streams.models import Evidence, RelationObservation, RelationshipAlert, Trend
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


class BytesStore:
    """What the live agent's TableStore does over the Faust table: each state through its JSON bytes."""

    def __init__(self) -> None:
        self.table: dict[bytes, bytes] = {}

    def get(self, pair: str) -> PairState | None:
        stored = self.table.get(pair.encode())
        return PairState.model_validate_json(stored) if stored is not None else None

    def put(self, state: PairState) -> None:
        self.table[state.pair.encode()] = state.model_dump_json().encode()

    def pairs(self) -> Iterable[str]:
        return [key.decode() for key in self.table]


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
        live = Detector(store=BytesStore())
        got = run(live, ((zlib.crc32(o.pair.encode()) % 3, o) for o in observations)) + live.flush()
        assert sorted(a.alert_id for a in got) == sorted(a.alert_id for a in expected)
        assert {a.alert_id: a for a in got} == {a.alert_id: a for a in expected}


def test_a_restart_loses_only_the_waiting_list_and_no_alert() -> None:
    observations = _stories(11)
    uninterrupted = Detector()
    expected = run(uninterrupted, ((0, o) for o in observations)) + uninterrupted.flush()
    store = BytesStore()
    half = len(observations) // 2
    first = Detector(store=store)
    before = run(first, ((0, o) for o in observations[:half]))
    second = Detector(store=store)  # a new worker: the table recovered from the changelog, nothing in memory
    after = run(second, ((0, o) for o in observations[half:])) + second.flush()
    assert sorted(a.alert_id for a in before + after) == sorted(a.alert_id for a in expected)
