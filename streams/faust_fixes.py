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

The fix. Close the app's flow-control gate first. A record fetched in the window then waits at the gate, outside
every buffer, until `on_recovery_completed` has sought the partitions and cleared the buffers (its last step
reopens the gate), and is delivered after that. Streams skip, and acknowledge, an event they take while the gate is
closed, but the agents' buffers hold nothing of the stream partitions then: they were cleared at the revocation and
the partitions have been paused since. Two other forms were tried in the scale fault and were worse: stopping the
consumer's flow (Faust's getmany then discards what it fetched and re-seeks only the stream partitions, so standby
changelog records went missing, and a recovery hung), and reordering Faust's sequence to resume the partitions
after the seek and the clearing (3 of 9 runs lost records, cause not found).

2. Table recoveries that hang ("No event received for active tp"): a standby copy becoming the active one as the
group shrinks is re-read from offset 0, and records of it never arrive. Seen in 3 of about 30 scale runs, with two
causes that fit the logs. (a) Faust drops a record below the last offset it read from a partition (its guard against
replays after a seek); its plain `seek` resets that mark, the recovery's `seek_wait` does not, and a record on its
way through the fetch loop at a revocation sets the mark again after it was cleared. Worked around here: the
recovery forgets the mark of every partition it seeks, and logs it when the mark would have dropped records. (b) A
fetch still in flight from before the revocation returns after the recovery has sought the changelog, finds the
consumer's flow stopped and discards what it fetched, re-seeking only the stream partitions. Not worked around (the
fetch loop is Faust's); the worker's liveness fails when a recovery reads nothing for five minutes, and a restart
recovers.
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

