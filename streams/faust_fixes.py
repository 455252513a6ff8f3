"""Work-arounds for two faust-streaming 0.15 defects around rebalances, wired in through Faust's own
`TableManager` setting (a subclass, not a monkeypatch).

1. Lost or stuck input. When a worker that owns a table takes over partitions, Faust pauses them, restores the table
from its changelog with the fetcher and the flow running, and then, in `Recovery.on_recovery_completed`, resumes the
stream partitions, seeks them to their committed offsets and finally clears the agents' buffers
(`flow_control.resume()`). Records fetched between the resume and the clearing are put in a buffer that is then
cleared, while the consumer's read position has already moved past them. Depending on which runs first, Faust then
either commits past the dropped records (its offset-gap bookkeeping counts them as done: they are lost) or never
commits that partition again (a stalled consumer until the next rebalance). Seen here in the scale fault (one worker
joins and leaves while articles flow): 3 of 17 runs lost or stuck records.

The fix. Seek the stream partitions and clear the buffers while those partitions are still paused, and resume
them only then: `on_recovery_completed` below is Faust's, in that order. (Two other orders were tried here and
failed. Stopping the consumer's flow around Faust's sequence makes getmany discard what it fetched and re-seek only
the stream partitions, so standby changelog records go missing. Closing the app's flow-control gate around it makes
streams skip, and acknowledge, any event they take meanwhile: 1 article of 15 scale runs was lost that way.)

2. A table recovery that hangs. Faust drops a record whose offset is below the last one it read from that partition
(its guard against replays after a seek). Its plain `seek` resets that mark; the recovery's `seek_wait` does not.
The mark is cleared when partitions are revoked, but a record that was on its way through the fetch loop at that
moment sets it again just after. When the same worker then restores that changelog partition from an earlier offset
(a standby copy becoming the active one as a group shrinks), every record below the stale mark is dropped, the
restore never reaches the end, and the worker waits for ever ("No event received for active tp"). Seen in 2 of about
15 scale runs. The fix: forget the mark of every partition the recovery seeks.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter

from faust.tables import TableManager
from faust.tables.recovery import Recovery
from faust.types import TP
from faust.types.transports import ConsumerT

log = logging.getLogger(__name__)


class SeekSafeRecovery(Recovery):
    async def _seek_offsets(self, consumer: ConsumerT, tps: set[TP], offsets: Counter[TP], title: str) -> None:
        await super()._seek_offsets(consumer, tps, offsets, title)
        read_offsets = consumer._read_offset  # type: ignore[attr-defined]
        for tp in tps:
            stale, start = read_offsets.get(tp), max(offsets[tp], 0)
            if stale is not None and stale > start:  # records from `start` to `stale` would have been dropped
                log.warning("%s: forgot a stale read mark at offset %s of %s before reading it from %s",
                            title, stale, tp, start)
            read_offsets[tp] = None  # what Consumer.seek does, and seek_wait omits

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

