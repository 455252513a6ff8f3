"""A work-around for a faust-streaming 0.15 defect that loses input after a rebalance, wired in through Faust's
own `TableManager` setting (a subclass, not a monkeypatch).

The defect. When a worker that owns a table takes over partitions, Faust pauses them, restores the table from
its changelog with the fetcher running, and then, in `Recovery.on_recovery_completed`, resumes the stream
partitions, seeks them to their committed offsets and finally clears the agents' buffers. The fetcher keeps
running across those steps, so records fetched between the resume and the clearing go into a buffer that is then
cleared, while the consumer's read position has already moved past them. Depending on which runs first, Faust
then either commits past the dropped records (its offset-gap bookkeeping counts them as done: the records are
lost) or never commits that partition again (a stalled consumer until the next rebalance). Seen here in the scale
fault (one worker joins and leaves while articles flow): 19 articles of two partitions never cleaned, with their
offsets committed, in 1 of 8 runs.

The fix. Stop the consumer's flow before those steps. Faust's getmany then hands out no records (and seeks back
to the committed offsets itself if a fetch was in flight), so nothing is fetched until the stream partitions have
been sought and the buffers cleared; `on_recovery_completed` resumes the flow as its last step, as before.
"""

from __future__ import annotations

from faust.tables import TableManager
from faust.tables.recovery import Recovery


class SeekSafeRecovery(Recovery):
    async def on_recovery_completed(self, generation_id: int = 0) -> None:
        self.app.consumer.stop_flow()
        self.app.flow_control.suspend()
        await super().on_recovery_completed(generation_id)


class SeekSafeTableManager(TableManager):
    """Faust's table manager with `SeekSafeRecovery` (set as the app's `TableManager`)."""

    @property
    def recovery(self) -> Recovery:
        if self._recovery is None:
            self._recovery = SeekSafeRecovery(self.app, self, beacon=self.beacon, loop=self.loop)
        return self._recovery

