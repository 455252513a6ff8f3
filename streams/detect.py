"""Stage 3's driver: the one used by `replay` and by the live detect agent. No runtime here (no Faust, no Kafka), so
it is tested without one; the agent gives it the events and a store over the Faust table.

Two ways in, one path through:

- `detector(observation)`: input already in event-time order (`replay` sorts the archive). Each observation is
  applied at once, and its own time is the event time.
- the stream: `take_observation(observation, partition, offset)` and `take_watermark(record, partition)`, with
  `set_extent()` giving the source partitions' current offsets. An observation is held until the partition's event
  time (streams/domain/detection/clock.py: the minimum over the partitions of articles.raw of their watermarks,
  idle ones aside) has passed it; then the held observations are applied in (published_at, observation_id) order,
  which is replay's order for every pair whatever order they arrived in; of two copies of a story, the earlier in
  that order counts and the other is the duplicate, whichever the clean stage saw first. What arrives behind the
  event time is late only if it is behind by more than the allowed lateness (the pair's own machinery in
  detector.py puts it back in order otherwise).

Either way, when a partition's event time is the allowed lateness past a waiting pair's newest article, the pair
is finalised (a statistical alert waits for that). In the stream, the held observations and each partition's
clock, with its waiting pairs, are in the store (the Faust table), so a restart resumes them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable, MutableMapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from streams.domain.detection import DetectorConfig, PairState, advance, flush, full, observe
from streams.domain.detection import clock as event_clock
from streams.models import RelationObservation, RelationshipAlert, SourceWatermark

log = logging.getLogger(__name__)


class PairStore(Protocol):
    """Where the driver keeps its state: dicts offline, the Faust table in the stream."""

    def get(self, pair: str) -> PairState | None: ...

    def put(self, state: PairState) -> None: ...

    def pairs(self) -> Iterable[str]: ...

    def get_clock(self, partition: int) -> event_clock.PartitionClock | None: ...

    def put_clock(self, partition: int, clock: event_clock.PartitionClock) -> None: ...

    def held(self, partition: int) -> Iterable[RelationObservation]: ...

    def hold(self, partition: int, observation: RelationObservation) -> None: ...

    def release(self, partition: int, observation: RelationObservation) -> None: ...


@dataclass
class MemoryStore:
    states: dict[str, PairState] = field(default_factory=dict)
    clocks: dict[int, event_clock.PartitionClock] = field(default_factory=dict)
    holding: dict[int, dict[str, RelationObservation]] = field(default_factory=dict)

    def get(self, pair: str) -> PairState | None:
        return self.states.get(pair)

    def put(self, state: PairState) -> None:
        self.states[state.pair] = state

    def pairs(self) -> Iterable[str]:
        return self.states.keys()

    def get_clock(self, partition: int) -> event_clock.PartitionClock | None:
        return self.clocks.get(partition)

    def put_clock(self, partition: int, clock: event_clock.PartitionClock) -> None:
        self.clocks[partition] = clock

    def held(self, partition: int) -> Iterable[RelationObservation]:
        return list(self.holding.get(partition, {}).values())

    def hold(self, partition: int, observation: RelationObservation) -> None:
        self.holding.setdefault(partition, {})[observation.observation_id] = observation

    def release(self, partition: int, observation: RelationObservation) -> None:
        self.holding.get(partition, {}).pop(observation.observation_id, None)


@dataclass
class _Partition:
    """A partition's clock and held observations, cached from the store while this worker owns the partition."""

    clock: event_clock.PartitionClock
    held: dict[str, RelationObservation]


@dataclass
class Detector:
    """The detect driver (see the module's docstring)."""

    config: DetectorConfig = field(default_factory=DetectorConfig)
    store: PairStore = field(default_factory=MemoryStore)
    waiting: dict[int, dict[str, datetime]] = field(default_factory=dict)
    stream_time: dict[int, datetime] = field(default_factory=dict)
    extent: event_clock.Extent | None = None
    dense_offsets: bool = True  # every offset of relations.observed is a record (no transactions): see clock.read
    _partitions: dict[int, _Partition] = field(default_factory=dict)

    # ------------------------------------------------------------------ input in event-time order (replay)

    def __call__(self, observation: RelationObservation, partition: int = 0) -> list[RelationshipAlert]:
        alerts = self._apply(observation, partition)
        now = max(self.stream_time.get(partition, observation.published_at), observation.published_at)
        self.stream_time[partition] = now
        return alerts + self._finalise_waiting(partition, now, skip={observation.pair})

    def flush(self) -> list[RelationshipAlert]:
        """The input has ended: finalise every pair's articles still inside the allowed lateness."""
        alerts: list[RelationshipAlert] = []
        for pair in sorted(self.store.pairs()):
            state = self.store.get(pair)
            if state is not None:
                state, more = flush(state, self.config)
                self.store.put(state)
                alerts.extend(more)
        self.waiting.clear()
        return alerts

    # ------------------------------------------------------------------ the stream, behind a watermark

    def take_observation(self, observation: RelationObservation, partition: int, offset: int
                         ) -> list[RelationshipAlert]:
        """An observation read at `offset` of `partition` of relations.observed: held until event time passes it."""
        part = self._partition(partition)
        part.held[observation.observation_id] = observation
        self.store.hold(partition, observation)
        event_clock.read(part.clock, offset, self.dense_offsets)
        return self._catch_up(partition, part, observation)

    def read_from(self, partition: int, offset: int) -> None:
        """The consumer reads `partition` from `offset` (after an assignment): every offset below it was read."""
        part = self._partition(partition)
        if offset > part.clock.read:
            event_clock.start(part.clock, offset)
            self.store.put_clock(partition, part.clock)

    def take_watermark(self, record: SourceWatermark, partition: int) -> list[RelationshipAlert]:
        part = self._partition(partition)
        event_clock.take(part.clock, record)
        return self._catch_up(partition, part)

    def set_extent(self, extent: event_clock.Extent | None) -> None:
        """The source partitions' (beginning, end) offsets as lately seen: which of them are empty or idle (None:
        not known, and then event time stands still). Give figures taken after the watermarks taken so far."""
        self.extent = dict(extent) if extent is not None else None

    def event_time(self, partition: int) -> datetime | None:
        return self._partition(partition).clock.event_time

    def forget(self) -> None:
        """Partitions were reassigned: read clocks and held observations from the store again when next needed."""
        self._partitions.clear()

    def _partition(self, partition: int) -> _Partition:
        part = self._partitions.get(partition)
        if part is None:
            held = {o.observation_id: o for o in self.store.held(partition)}
            part = _Partition(self.store.get_clock(partition) or event_clock.PartitionClock(), held)
            self._partitions[partition] = part
            self.waiting[partition] = part.clock.waiting  # kept with the clock, so a restart resumes it too
        return part

    def _catch_up(self, partition: int, part: _Partition, arrived: RelationObservation | None = None
                  ) -> list[RelationshipAlert]:
        before = part.clock.event_time
        now = event_clock.advance(part.clock, self.extent)
        if now is None or (now == before and (arrived is None or arrived.published_at > now)):
            # Nothing newly due: event time stood still, and what arrived (if anything) is ahead of it. (Held ones
            # it had passed were applied, or wait for their full pair, which only time empties.)
            self.store.put_clock(partition, part.clock)
            return []
        applied, blocked, alerts = self._apply_due(partition, part, now)
        if applied or now != before:
            alerts.extend(self._finalise_waiting(partition, now, skip=blocked))
        self.store.put_clock(partition, part.clock)
        return alerts

    def _apply_due(self, partition: int, part: _Partition, now: datetime
                   ) -> tuple[int, set[str], list[RelationshipAlert]]:
        """Apply the held observations that event time has passed, in (published_at, observation_id) order. A pair
        whose pending articles are at their bound (detector.full) is finalised as far as event time allows without
        passing the article it would take next (so that is not late); if still full, it keeps its newer ones held,
        in order. Returns how many were applied, the pairs left full, and the alerts."""
        due = sorted((o for o in part.held.values() if o.published_at <= now),
                     key=lambda o: (o.published_at, o.observation_id))
        alerts: list[RelationshipAlert] = []
        applied = 0
        blocked: set[str] = set()
        horizon = now - timedelta(seconds=self.config.lateness_s)
        for observation_id in [o.observation_id for o in due]:
            observation = part.held[observation_id]  # as held now: an earlier copy may have made it a duplicate
            if observation.pair in blocked:
                continue
            state = self.store.get(observation.pair)
            if full(state, observation, self.config):
                assert state is not None
                state, more = advance(state, min(horizon, observation.published_at), self.config)
                self._save(state, partition)
                alerts.extend(more)
                if full(state, observation, self.config):
                    blocked.add(observation.pair)
                    continue
            del part.held[observation_id]
            alerts.extend(self._apply(self._original_first(observation, partition, part), partition))
            self.store.release(partition, observation)
            applied += 1
        return applied, blocked, alerts

    def _original_first(self, observation: RelationObservation, partition: int, part: _Partition
                        ) -> RelationObservation:
        """Which copy of a story counts does not depend on arrival: the earliest (published_at, observation id).
        The clean stage marks the copy it saw second as the duplicate; if the copy it names is still held here, it
        comes later in event time, so this one counts and that one becomes the duplicate."""
        if observation.duplicate_of is None:
            return observation
        first = part.held.get(f"{observation.duplicate_of}:{observation.pair}")
        if first is None or first.duplicate_of is not None:
            return observation
        swapped = first.model_copy(update={"duplicate_of": observation.article_id})
        part.held[first.observation_id] = swapped
        self.store.hold(partition, swapped)
        return observation.model_copy(update={"duplicate_of": None})

    # ------------------------------------------------------------------ shared

    def _apply(self, observation: RelationObservation, partition: int) -> list[RelationshipAlert]:
        state, alerts = observe(self.store.get(observation.pair), observation, self.config)
        self._save(state, partition)
        return alerts

    def _save(self, state: PairState, partition: int) -> None:
        self.store.put(state)
        if state.pending:
            self.waiting.setdefault(partition, {})[state.pair] = state.max_seen
        else:
            self.waiting.get(partition, {}).pop(state.pair, None)

    def _finalise_waiting(self, partition: int, now: datetime, skip: Collection[str]) -> list[RelationshipAlert]:
        alerts: list[RelationshipAlert] = []
        horizon = now - timedelta(seconds=self.config.lateness_s)
        waiting = self.waiting.get(partition, {})
        for pair in sorted(p for p, newest in waiting.items() if p not in skip and newest <= horizon):
            try:
                state = self.store.get(pair)
                if state is None:
                    waiting.pop(pair, None)
                    continue
                state, more = advance(state, horizon, self.config)
                self._save(state, partition)
                alerts.extend(more)
            except Exception:  # one pair's bad state must not fail every later event of the partition
                log.exception("could not finalise waiting pair %s; it waits for its own next article", pair)
                waiting.pop(pair, None)
        return alerts


DRIVER_KEY = b"~"  # the driver's own entries of the pairs table (a pair's key is letters): clocks, held observations


Written = PairState | event_clock.PartitionClock | RelationObservation | None  # None: the entry goes


class TableStore:
    """The detect driver's PairStore over the Faust table: PairState as JSON bytes keyed by the pair's bytes; each
    partition's clock under ~clock/<partition> and its held observations under ~held/<partition>/<observation id>.

    Between `begin(partition)` (before each event of a batch) and `flush()` (after the batch), the states read are
    kept as objects and every write waits, so that a pair's state, a partition's clock, is encoded and written once
    per batch, and an observation held and released within the batch is never written; `flush` writes them
    partition by partition, after `select(partition)` has made an event of that partition the current one (Faust
    puts a write in the changelog partition of the current event) or said that the partition is no longer this
    worker's. Outside a batch every write goes straight to the table."""

    def __init__(self, table: MutableMapping[bytes, bytes]) -> None:
        self.table = table
        self.partition: int | None = None
        self._states: dict[str, PairState] = {}
        self._writes: dict[int, dict[bytes, Written]] = {}
        self._held_now: set[bytes] = set()  # held within this batch: not in the table

    def begin(self, partition: int) -> None:
        self.partition = partition

    def flush(self, select: Callable[[int], bool]) -> None:
        writes, self._writes = self._writes, {}
        self._states.clear()
        self._held_now.clear()
        self.partition = None
        for partition, entries in writes.items():
            if select(partition):
                for key, value in entries.items():
                    self._write(key, value)

    def get(self, pair: str) -> PairState | None:
        state = self._states.get(pair)
        if state is None:
            stored = self.table.get(pair.encode())
            state = PairState.model_validate_json(stored) if stored is not None else None
            if state is not None and self.partition is not None:
                self._states[pair] = state  # observe() updates it in place: the batch sees one object
        return state

    def put(self, state: PairState) -> None:
        if self.partition is not None:
            self._states[state.pair] = state
        self._put(state.pair.encode(), state)

    def pairs(self) -> Iterable[str]:
        return [key.decode() for key in self.table if not key.startswith(DRIVER_KEY)]

    def get_clock(self, partition: int) -> event_clock.PartitionClock | None:
        key = b"~clock/%d" % partition
        waiting = self._writes.get(partition, {}).get(key)
        if isinstance(waiting, event_clock.PartitionClock):
            return waiting
        stored = self.table.get(key)
        return event_clock.PartitionClock.model_validate_json(stored) if stored is not None else None

    def put_clock(self, partition: int, clock: event_clock.PartitionClock) -> None:
        self._put(b"~clock/%d" % partition, clock)

    def held(self, partition: int) -> Iterable[RelationObservation]:
        prefix = b"~held/%d/" % partition
        found = {key: RelationObservation.model_validate_json(value) for key, value in self.table.items()
                 if key.startswith(prefix)}
        for key, value in self._writes.get(partition, {}).items():
            if key.startswith(prefix):
                if isinstance(value, RelationObservation):
                    found[key] = value
                else:
                    found.pop(key, None)
        return list(found.values())

    def hold(self, partition: int, observation: RelationObservation) -> None:
        key = b"~held/%d/%s" % (partition, observation.observation_id.encode())
        if self.partition is not None and key not in self.table:
            self._held_now.add(key)
        self._put(key, observation)

    def release(self, partition: int, observation: RelationObservation) -> None:
        key = b"~held/%d/%s" % (partition, observation.observation_id.encode())
        if key in self._held_now:  # held and released within the batch: never written
            self._held_now.discard(key)
            self._writes.get(partition, {}).pop(key, None)
            return
        self._put(key, None)

    def _put(self, key: bytes, value: Written) -> None:
        if self.partition is None:
            self._write(key, value)
        else:
            self._writes.setdefault(self.partition, {})[key] = value

    def _write(self, key: bytes, value: Written) -> None:
        if value is None:
            self.table.pop(key, None)
        else:
            self.table[key] = value.model_dump_json().encode()  # JSON bytes: a third of the memory of dicts
