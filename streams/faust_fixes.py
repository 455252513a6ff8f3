"""Work-arounds for two faust-streaming 0.15 defects around rebalances, wired in through Faust's own
`TableManager` setting (a subclass; the one thing it wraps is the consumer's fetch call, to count fetches).

1. Lost or stuck input. When a worker that owns a table takes over partitions, Faust pauses them, restores the table
from its changelog with the fetcher and the flow running, and then, in `Recovery.on_recovery_completed`, resumes the
stream partitions, seeks them to their committed offsets and finally clears the agents' buffers
(`flow_control.resume()`). Records fetched between the resume and the clearing are put in a buffer that is then
cleared, while the consumer's read position has already moved past them. Depending on which runs first, Faust then
either commits past the dropped records (its offset-gap bookkeeping counts them as done: they are lost) or never
commits that partition again (a stalled consumer until the next rebalance). Seen here in the scale fault (one worker
joins and leaves while articles flow): 3 of 17 runs lost or stuck records.

The fix. Close the app's flow-control gate first. A record fetched in the window then waits at the gate, outside
every buffer, until `on_recovery_completed` has sought the partitions and cleared the buffers (its last step
reopens the gate), and is delivered after that. Streams skip, and acknowledge, an event they take while the gate is
closed, but the agents' buffers hold nothing of the stream partitions then: they were cleared at the revocation and
the partitions have been paused since. Two other forms were tried in the scale fault and were worse: stopping the
consumer's flow (Faust's getmany then discards what it fetched and re-seeks only the stream partitions, so standby
changelog records went missing, and a recovery hung), and reordering Faust's sequence to resume the partitions
after the seek and the clearing (3 of 9 runs lost records, cause not found).

2. Table recoveries that hang ("No event received for active tp"): the records of a changelog partition the recovery
has sought never arrive, and it waits for ever. Seen in 4 of 26 scale runs with the first fix (none in 17 without
it: it may make the timing likelier), with two causes that fit the logs. (a) Faust drops a record below the last
offset it read from a partition (its guard against replays after a seek); its plain `seek` resets that mark, the
recovery's `seek_wait` does not, and a record on its way through the fetch loop at a revocation sets the mark again
after it was cleared. Worked around here: the recovery forgets the mark of every partition it seeks, and logs it
when the mark would have dropped records. (b) A fetch still in flight from before the revocation returns after the
recovery has sought the changelog, finds the consumer's flow stopped and discards what it fetched, re-seeking only
the stream partitions. Worked around: the recovery counts the consumer's fetches and, before it seeks, waits until
none from before the rebalance is running. Should a hang still happen, the worker's liveness fails when a recovery
reads nothing for five minutes, and a restart recovers.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from typing import Any

from faust.tables import TableManager
from faust.tables.recovery import Recovery
from faust.types import TP
from faust.types.transports import ConsumerT

log = logging.getLogger(__name__)


class SeekSafeRecovery(Recovery):
    FETCH_WAIT_S = 30.0  # a fetch returns within its 1 s timeout once the group has its new assignment

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fetches_in_flight = 0
        self._no_fetch_in_flight: asyncio.Event | None = None

    async def _seek_offsets(self, consumer: ConsumerT, tps: set[TP], offsets: Counter[TP], title: str) -> None:
        if title == "active":
            await self._no_fetch_from_before(consumer)
        await super()._seek_offsets(consumer, tps, offsets, title)
        read_offsets = consumer._read_offset  # type: ignore[attr-defined]
        for tp in tps:
            stale, start = read_offsets.get(tp), max(offsets[tp], 0)
            if stale is not None and stale > start:  # records from `start` to `stale` would have been dropped
                log.warning("%s: forgot a stale read mark at offset %s of %s before reading it from %s",
                            title, stale, tp, start)
            read_offsets[tp] = None  # what Consumer.seek does, and seek_wait omits

    async def _no_fetch_from_before(self, consumer: ConsumerT) -> None:
        """Wait until no fetch started before this rebalance is still running (2b in the module's docstring).
        The consumer's flow is stopped from the revocation until the recovery resumes it, so no new one starts."""
        if self._no_fetch_in_flight is None:  # the first recovery, at start-up: count fetches from now on
            self._no_fetch_in_flight = asyncio.Event()
            self._no_fetch_in_flight.set()
            fetch = consumer._getmany  # type: ignore[attr-defined]

            async def counted(active_partitions: Any, timeout: float) -> Any:
                assert self._no_fetch_in_flight is not None
                self._fetches_in_flight += 1
                self._no_fetch_in_flight.clear()
                try:
                    return await fetch(active_partitions=active_partitions, timeout=timeout)
                finally:
                    self._fetches_in_flight -= 1
                    if not self._fetches_in_flight:
                        self._no_fetch_in_flight.set()

            consumer._getmany = counted  # type: ignore[attr-defined]
            return
        try:
            await asyncio.wait_for(self._no_fetch_in_flight.wait(), self.FETCH_WAIT_S)
        except TimeoutError:
            log.warning("a fetch from before the rebalance is still running after %.0f s", self.FETCH_WAIT_S)

    async def on_recovery_completed(self, generation_id: int = 0) -> None:
        """Faust's sequence, except that the stream partitions are resumed after they were sought and the buffers
        cleared, not before."""
        app, consumer = self.app, self.app.consumer
        self.log.info("Restore complete!")
        await app.on_rebalance_complete.send()
        self._set_recovery_ended()
        finishing = [
            asyncio.ensure_future(
                table.on_recovery_completed(self.actives_for_table[table], self.standbys_for_table[table])
            )
            for table in self.tables.values()
        ]
        if finishing:
            await asyncio.wait(finishing)
        assignment = consumer.assignment()
        if app.consumer_generation_id != generation_id:
            self.log.warning("Recovery rebalancing again: generation %s, this recovery's %s",
                             app.consumer_generation_id, generation_id)
            return
        if assignment:
            self.log.info("Seek stream partitions to committed offsets (still paused).")
            await self._wait(consumer.perform_seek(), timeout=app.conf.broker_request_timeout)
        self.completed.set()
        app.flow_control.resume()  # clears the agents' buffers: nothing of the stream partitions can be in them
        consumer.resume_partitions({tp for tp in assignment if not self._is_changelog_tp(tp)})
        consumer.resume_flow()
        await app._fetcher.maybe_start()  # type: ignore[attr-defined]
        self.tables.on_actives_ready()
        if not app.assignor.assigned_standbys():
            self.tables.on_standbys_ready()
        app.on_rebalance_end()
        self.log.info("Worker ready")


class SeekSafeTableManager(TableManager):
    """Faust's table manager with `SeekSafeRecovery` (set as the app's `TableManager`)."""

    @property
    def recovery(self) -> Recovery:
        if self._recovery is None:
            self._recovery = SeekSafeRecovery(self.app, self, beacon=self.beacon, loop=self.loop)
        return self._recovery

