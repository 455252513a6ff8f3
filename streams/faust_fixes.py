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

The fix. Suspend the app's flow control first. A record fetched in the window then waits at the flow-control gate,
outside every buffer, until `on_recovery_completed` has sought the partitions and cleared the buffers, and is
delivered after that. (Stopping the consumer's flow instead is worse: Faust's getmany then discards what it fetched,
and re-seeks only the stream partitions, so standby changelog records are lost to the standby copy.)

2. A table recovery that hangs. Faust drops a record whose offset is below the last one it read from that partition
(its guard against replays after a seek). Its plain `seek` resets that mark; the recovery's `seek_wait` does not.
The mark is cleared when partitions are revoked, but a record that was on its way through the fetch loop at that
moment sets it again just after. When the same worker then restores that changelog partition from an earlier offset
(a standby copy becoming the active one as a group shrinks), every record below the stale mark is dropped, the
restore never reaches the end, and the worker waits for ever ("No event received for active tp"). Seen in 2 of about
15 scale runs. The fix: forget the mark of every partition the recovery seeks.
"""

from __future__ import annotations

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
        self.app.flow_control.suspend()  # on_recovery_completed resumes it (clearing the buffers) as its last step
        await super().on_recovery_completed(generation_id)


class SeekSafeTableManager(TableManager):
    """Faust's table manager with `SeekSafeRecovery` (set as the app's `TableManager`)."""

    @property
    def recovery(self) -> Recovery:
        if self._recovery is None:
            self._recovery = SeekSafeRecovery(self.app, self, beacon=self.beacon, loop=self.loop)
        return self._recovery

