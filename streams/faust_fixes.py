"""Work-arounds for four faust-streaming 0.15.3 defects: three around rebalances, wired in through Faust's own
`TableManager` setting (a Recovery subclass, which at the first recovery wraps three of the consumer's steps), and
one in `Stream.take_events` (4, `batches`).

Every piece here reaches into faust-streaming 0.15.3's internals (`Recovery._seek_offsets`, the consumer's
`_getmany`, `_add_gap`, `_new_offset`, `_read_offset`, `_acked`, `_committed_offset`), read from that release's
source. `check_version()` runs when the app is built and refuses another version: the internals may have moved,
and the defects may have been fixed; read this module against the new release's source before allowing it.

1. Lost or stuck input. When a worker that owns a table takes over partitions, Faust pauses them, restores the table
from its changelog with the fetcher and the flow running, and then, in `Recovery.on_recovery_completed`, resumes the
stream partitions, seeks them to their committed offsets and finally clears the agents' buffers
(`flow_control.resume()`). Records fetched between the resume and the clearing are put in a buffer that is then
cleared, while the consumer's read position has moved past them. Faust then either counts them as done when the next
record arrives (its offset-gap bookkeeping, 3 below: they are lost) or never commits that partition again. Seen in
the scale fault (one worker joins and leaves while articles flow): 3 of 17 runs lost or stuck records. Changing that
sequence did not work: closing the app's flow-control gate around it let a record held at the gate set the read mark
after the seek had reset it, and the re-fetched records below it were dropped; resuming the partitions after the
seek and the clearing lost records in 3 of 10 runs, cause not found; stopping the consumer's flow made Faust discard
standby changelog records. So the sequence stays Faust's, and what it drops is caught downstream: a hole is not
counted as done (3), a commit that stands still fails liveness (streams/health.py), and the restart re-reads from
the last commit.

2. Table recoveries that hang ("No event received for active tp"): the records of a changelog partition the recovery
has sought never arrive, and it waits for ever. Seen in 4 of 26 scale runs while the sequence of 1 was being
changed (none in 17 without), with two causes that fit the logs. (a) Faust drops a record below the last
offset it read from a partition (its guard against replays after a seek); its plain `seek` resets that mark, the
recovery's `seek_wait` does not, and a record on its way through the fetch loop at a revocation sets the mark again
after it was cleared. Worked around here: the recovery forgets the mark of every partition it seeks, and logs it
when the mark would have dropped records. (b) A fetch still in flight from before the revocation returns after the
recovery has sought the changelog, finds the consumer's flow stopped and discards what it fetched, re-seeking only
the stream partitions. Worked around: the recovery counts the consumer's fetches and, before it seeks, waits until
none from before the rebalance is running. Should a hang still happen, the worker's liveness fails when a recovery
reads nothing for five minutes, and a restart recovers.

3. Silent skips. Faust counts offsets it never delivered as done when a record arrives more than one offset past the
last one read (its bookkeeping for transaction markers and compacted topics), and it commits past one unacknowledged
record that sits right at the committed offset (an off-by-one: it compares as if that offset had been done). After
the rebalance races above, that is how records were lost: articles never cleaned, or cleaned and never related, with
their offsets committed. In an input written without transactions every offset is a record, so there any hole is
such a drop: it is not counted as done and never committed past, and the partition is read again from the hole
(should that not fill it, the commit stands still, the worker's liveness fails and a restart re-reads it). The
inputs the app writes itself qualify in at-least-once mode, and articles.raw unless DYADWATCH_RAW_TRANSACTIONAL says
its producers use transactions. A third way: when a rebalance begins, Faust forgets each partition's committed offset
and the offsets acknowledged so far, and then commits what the batch in progress acknowledges while it waits for it,
from the lowest acknowledged offset up, past any record before it that was never processed. No input is committed
while Faust does not know where its commit stands; the new owner reads those records again.

4. Batches acknowledged though never finished. `Stream.take_events` acknowledges every event of a batch in a
`finally`, so also when the agent's body raised or was cancelled halfway through it: the offsets would be committed
past events whose outputs were never sent. `batches` acknowledges a batch only once the body has finished it.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from typing import Any

import faust
from faust import streams as faust_streams
from faust.tables import TableManager
from faust.tables.recovery import Recovery
from faust.types import TP
from faust.types.transports import ConsumerT

from streams import topics as registry
from streams.settings import Settings

log = logging.getLogger(__name__)

FAUST_VERSION = "0.15.3"  # the release every piece below was written against and tested with


class UnsupportedFaust(RuntimeError):
    pass


def check_version(found: str | None = None) -> None:
    """Refuse a faust-streaming release other than the one these work-arounds were written for."""
    found = found or faust.__version__
    if found != FAUST_VERSION:
        raise UnsupportedFaust(
            f"faust-streaming {found} is installed; streams/faust_fixes.py patches internals of {FAUST_VERSION} "
            f"(see its docstring): install faust-streaming=={FAUST_VERSION}, or review the fixes against {found} "
            "and update FAUST_VERSION"
        )


def inputs_without_markers(settings: Settings) -> list[str]:
    """The input topics whose every offset is a record (defect 3): those the app writes itself, unless in
    transactions, and articles.raw unless its producers use transactions."""
    if settings.processing_guarantee == "exactly_once":
        return []
    own = [settings.topic(registry.OBSERVED.name), settings.topic(registry.WATERMARKS.name)]
    return own if settings.raw_transactional else [settings.topic(registry.RAW.name), *own]


class SeekSafeRecovery(Recovery):
    """Defects 2 (recovery hangs) and 3 (silent skips) of faust-streaming 0.15.3; see the module's docstring."""

    FETCH_WAIT_S = 30.0  # a fetch returns within its 1 s timeout once the group has its new assignment

    inputs_without_markers: frozenset[str] = frozenset()
    REREADS = 3  # times a hole is read again before it is left to liveness

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._holes: dict[TP, tuple[int, int]] = {}  # partition -> (committed offset with a hole, times read again)
        self._rereading: set[asyncio.Future[None]] = set()
        self._fetches_in_flight = 0
        self._no_fetch_in_flight: asyncio.Event | None = None

    async def _seek_offsets(self, consumer: ConsumerT, tps: set[TP], offsets: Counter[TP], title: str) -> None:
        if self._no_fetch_in_flight is None:  # the first recovery, at start-up, before any record is read
            self._watch(consumer)
        elif title == "active":
            await self._no_fetch_from_before()
        await super()._seek_offsets(consumer, tps, offsets, title)
        read_offsets = consumer._read_offset  # type: ignore[attr-defined]
        for tp in tps:
            stale, start = read_offsets.get(tp), max(offsets[tp], 0)
            if stale is not None and stale > start:  # records from `start` to `stale` would have been dropped
                log.warning("%s: forgot a stale read mark at offset %s of %s before reading it from %s",
                            title, stale, tp, start)
            read_offsets[tp] = None  # what Consumer.seek does, and seek_wait omits

    async def _no_fetch_from_before(self) -> None:
        """Wait until no fetch started before this rebalance is still running (2b in the module's docstring).
        The consumer's flow is stopped from the revocation until the recovery resumes it, so no new one starts."""
        assert self._no_fetch_in_flight is not None
        try:
            await asyncio.wait_for(self._no_fetch_in_flight.wait(), self.FETCH_WAIT_S)
        except TimeoutError:
            log.warning("a fetch from before the rebalance is still running after %.0f s", self.FETCH_WAIT_S)

    def _watch(self, consumer: ConsumerT) -> None:
        """Wrap three of the consumer's steps: its fetch call, to count fetches in flight (2b), and its offset-gap
        and commit bookkeeping, so that no hole in an input without transaction markers counts as done (3)."""
        no_fetch = self._no_fetch_in_flight = asyncio.Event()
        no_fetch.set()
        fetch, add_gap, new_offset = consumer._getmany, consumer._add_gap, consumer._new_offset  # type: ignore[attr-defined]

        async def counted(active_partitions: Any, timeout: float) -> Any:
            self._fetches_in_flight += 1
            no_fetch.clear()
            try:
                return await fetch(active_partitions=active_partitions, timeout=timeout)
            finally:
                self._fetches_in_flight -= 1
                if not self._fetches_in_flight:
                    no_fetch.set()

        async def guarded(tp: TP, offset_from: int, offset_to: int) -> None:
            # Faust calls this when a record arrives more than one offset past the last one read, with the offsets
            # in between and the record's own: the in-between ones then count as done.
            if self._without_markers(tp):
                log.warning("offsets %s to %s of %s were never delivered; not counting them as done (the commit "
                            "stays before them, and they are read again)", offset_from, offset_to - 1, tp)
                return
            await add_gap(tp, offset_from, offset_to)

        def checked(tp: TP) -> int | None:
            # Faust commits up to the first hole in the acknowledged offsets, but lets one unacknowledged record
            # through right at the committed offset (it compares as if that offset were the last one done).
            acked, committed = consumer._acked[tp], consumer._committed_offset[tp]  # type: ignore[attr-defined]
            if self._without_markers(tp) and acked and committed is None and self.app.rebalancing:
                return None  # forgotten at the rebalance's start: where the commit stands is not known (3)
            if self._without_markers(tp) and acked and committed is not None and min(acked) > committed:
                self._reread(consumer, tp, committed)
                return None
            result: int | None = new_offset(tp)
            return result

        consumer._getmany = counted  # type: ignore[attr-defined]
        consumer._add_gap = guarded  # type: ignore[attr-defined]
        consumer._new_offset = checked  # type: ignore[attr-defined]

    def _reread(self, consumer: ConsumerT, tp: TP, committed: int) -> None:
        """Read a partition again from its committed offset, where a record was never acknowledged: the records
        after it are processed twice (their ids make that harmless). A few times per hole; if it stays, the commit
        stands still, liveness fails and a restart re-reads it."""
        hole, tries = self._holes.get(tp, (committed, 0))
        tries = tries if hole == committed else 0
        if tries >= self.REREADS:
            return
        self._holes[tp] = (committed, tries + 1)
        log.warning("offset %s of %s was never acknowledged; reading the partition again from there", committed, tp)
        task = asyncio.ensure_future(consumer.seek(tp, committed))
        self._rereading.add(task)
        task.add_done_callback(self._rereading.discard)

    def _without_markers(self, tp: TP) -> bool:
        """Whether every offset of `tp` is a record (no transaction markers, no compaction): then a hole is a drop."""
        return tp.topic in self.inputs_without_markers and not self.app.in_transaction


def read_from(app: faust.App, tp: TP) -> int | None:
    """Where this worker's consumer began reading `tp` in its current assignment: the committed offset it sought
    to (Faust's record of it), or None when there is none (Faust keeps an offset of 0 as None too). Asked at an
    assignment's first record, before any of it is committed. Agents that claim "every record below offset N is
    done" (watermarks, the detect clock) start from here, so that a record Faust dropped at the start of an
    assignment (defect 1) is not passed over."""
    committed = app.consumer._committed_offset.get(tp)  # type: ignore[attr-defined]
    return int(committed) if committed is not None and committed >= 0 else None


def table_manager(inputs_without_markers: Iterable[str]) -> type[TableManager]:
    """Faust's table manager with `SeekSafeRecovery`, for the app's `TableManager` setting. `inputs_without_markers`
    names the input topics written without transactions, where any hole in the offsets is a record Faust dropped."""
    topics = frozenset(inputs_without_markers)

    class SeekSafeTableManager(TableManager):
        @property
        def recovery(self) -> Recovery:
            if self._recovery is None:
                recovery = SeekSafeRecovery(self.app, self, beacon=self.beacon, loop=self.loop)
                recovery.inputs_without_markers = topics
                self._recovery = recovery
            return self._recovery

    return SeekSafeTableManager


async def batches(stream: faust.StreamT[bytes], size: int, within_s: float
                  ) -> AsyncIterator[list[faust.EventT[bytes]]]:
    """Defect 4: what the consumer has, up to `size` events, waiting at most `within_s` for more
    (`Stream.take_events`), acknowledged only once the body has finished the batch and asks for the next one. A
    batch the body did not finish (it raised, or was cancelled) stays unacknowledged for good: the agent must then
    end the worker, and the batch is read again by whichever worker takes over.

    No batch spans a revocation: at a rebalance Faust stops the flow and waits until every event it has handed out
    (the batch in progress, and what take_events holds) is acknowledged before it revokes a partition; what an
    agent counts about its partitions must not rely on the committed offset in that window (read_from is None)."""
    finished = True
    ack = stream.ack

    async def ack_if_finished(event: faust.EventT[bytes]) -> bool:
        return bool(await ack(event)) if finished else False

    stream.ack = ack_if_finished  # type: ignore[method-assign]  # take_events acknowledges through it
    async for events in stream.take_events(size, within_s):  # type: ignore[attr-defined]
        finished = False
        yield list(events)
        finished = True


def current(event: faust.EventT[bytes]) -> None:
    """Make `event` the current one of the agent's task while it processes the event from a batch: take_events
    fills its batches in another task, so the agent's own has no current event, and a table write takes its
    changelog partition (and its store partition) from the current event."""
    faust_streams._current_event.set(weakref.ref(event))
