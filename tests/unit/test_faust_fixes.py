"""The work-arounds for faust-streaming's rebalance defects, on Faust's real Recovery with a recording consumer."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from faust.types import TP

from streams.app import create_app
from streams.settings import Settings


class BookkeepingConsumer:
    """The consumer's offset bookkeeping that the fixes wrap, recording what reaches Faust's own."""

    def __init__(self) -> None:
        self._read_offset: dict[TP, int | None] = {}
        self._acked: dict[TP, list[int]] = {}
        self._committed_offset: dict[TP, int | None] = {}
        self.gaps: list[tuple[TP, int, int]] = []
        self.sought: list[tuple[TP, int]] = []  # by seek, to read a partition again
        self.events: list[str] = []

    async def seek(self, tp: TP, offset: int) -> None:
        self.sought.append((tp, offset))

    async def _getmany(self, active_partitions: Any, timeout: float) -> dict[TP, list[Any]]:
        return {}

    async def _add_gap(self, tp: TP, offset_from: int, offset_to: int) -> None:
        self.gaps.append((tp, offset_from, offset_to))

    def _new_offset(self, tp: TP) -> int | None:
        return max(self._acked[tp]) + 1

    async def seek_wait(self, offsets: dict[TP, int]) -> None:  # the recovery's seek
        self.events.append(f"sought {sorted(offsets.values())}")


def test_a_recovery_that_seeks_a_changelog_back_forgets_the_last_offset_read_from_it() -> None:
    # Faust drops a record below the last offset it read from a partition; a mark left from a standby copy's
    # reading must not make the recovery that re-reads the partition from 0 drop everything below it.
    app = create_app(Settings(app_id="fixes-test"), "127.0.0.1:1")
    changelog = TP("fixes-test-pairs-changelog", 0)
    consumer = BookkeepingConsumer()
    consumer._read_offset[changelog] = 31
    offsets: Counter[TP] = Counter({changelog: -1})  # nothing of this partition in the store: read from the start
    asyncio.run(app.tables.recovery._seek_offsets(consumer, {changelog}, offsets, "active"))  # type: ignore[arg-type]
    assert consumer.events == ["sought [0]"]
    assert consumer._read_offset[changelog] is None


def test_a_recovery_waits_for_a_fetch_from_before_the_rebalance_before_it_seeks() -> None:
    # A fetch that was running when the group rebalanced comes back with the flow stopped, and Faust discards what it
    # brought; if the recovery had sought its changelogs in the meantime, their records are gone.
    app = create_app(Settings(app_id="fixes-test"), "127.0.0.1:1")
    recovery = app.tables.recovery

    class FetchingConsumer(BookkeepingConsumer):
        def __init__(self) -> None:
            super().__init__()
            self.release = asyncio.Event()

        async def _getmany(self, active_partitions: Any, timeout: float) -> dict[TP, list[Any]]:
            await self.release.wait()
            self.events.append("fetch returned")
            return {}

    consumer = FetchingConsumer()

    async def scenario() -> None:
        changelog = TP("fixes-test-pairs-changelog", 0)
        offsets: Counter[TP] = Counter({changelog: 5})
        await recovery._seek_offsets(consumer, {changelog}, offsets, "active")  # type: ignore[arg-type]
        consumer.events.clear()
        fetch = asyncio.ensure_future(consumer._getmany(active_partitions=set(), timeout=1.0))
        await asyncio.sleep(0)  # the fetch is under way when the group rebalances
        seek = asyncio.ensure_future(
            recovery._seek_offsets(consumer, {changelog}, offsets, "active")  # type: ignore[arg-type]
        )
        await asyncio.sleep(0.05)
        assert consumer.events == []  # the recovery waits
        consumer.release.set()
        await asyncio.gather(fetch, seek)

    asyncio.run(scenario())
    assert consumer.events == ["fetch returned", "sought [5]"]


def watched(settings: Settings) -> Any:
    app = create_app(settings, "127.0.0.1:1")
    consumer = BookkeepingConsumer()
    asyncio.run(app.tables.recovery._seek_offsets(consumer, set(), Counter(), "active"))  # type: ignore[arg-type]
    return consumer


def test_a_hole_in_an_input_without_transactions_is_never_counted_as_done() -> None:
    consumer = watched(Settings(app_id="fixes-test"))
    raw, clean = TP("articles.raw", 0), TP("relations.observed", 2)
    changelog = TP("fixes-test-pairs-changelog", 0)

    async def arrivals() -> None:
        await consumer._add_gap(raw, 43, 62)  # record 62 after 42: 19 records were never delivered
        await consumer._add_gap(changelog, 5, 9)  # a compacted changelog has holes of any width

    asyncio.run(arrivals())
    assert consumer.gaps == [(changelog, 5, 9)]
    # record 66 of relations.observed, at the committed offset, was dropped; 67 was processed
    consumer._acked[clean], consumer._committed_offset[clean] = [67], 66

    async def commits() -> list[int | None]:
        offsets = []
        for _ in range(5):
            offsets.append(consumer._new_offset(clean))
            await asyncio.sleep(0)
        return offsets

    assert asyncio.run(commits()) == [None] * 5  # Faust alone commits 68 here
    assert consumer.sought == [(clean, 66)] * 3  # read again from the hole, three times at most
    consumer._acked[clean] = [66, 67]  # the record came round again
    assert consumer._new_offset(clean) == 68


def test_an_input_written_in_transactions_keeps_fausts_bookkeeping() -> None:
    consumer = watched(Settings(app_id="fixes-test", raw_transactional=True))
    raw = TP("articles.raw", 0)
    asyncio.run(consumer._add_gap(raw, 11, 12))  # record 12 after 10: offset 11 was a transaction marker
    assert consumer.gaps == [(raw, 11, 12)]
    consumer._acked[raw], consumer._committed_offset[raw] = [12], 11  # the commit sat on the marker
    assert consumer._new_offset(raw) == 13


def test_another_faust_release_is_refused_at_start() -> None:
    import pytest

    from streams.faust_fixes import FAUST_VERSION, UnsupportedFaust, check_version

    check_version(FAUST_VERSION)
    with pytest.raises(UnsupportedFaust, match=r"faust-streaming 0\.16\.0 is installed"):
        check_version("0.16.0")


def test_nothing_is_committed_while_a_rebalance_has_made_faust_forget_where_the_commit_stands() -> None:
    # When a rebalance begins Faust forgets each partition's committed offset and what was acknowledged, and then
    # commits what the batch in progress acknowledges from its lowest offset up: past record 55, never processed.
    settings = Settings(app_id="fixes-test")
    app = create_app(settings, "127.0.0.1:1")
    consumer = BookkeepingConsumer()
    asyncio.run(app.tables.recovery._seek_offsets(consumer, set(), Counter(), "active"))  # type: ignore[arg-type]
    raw = TP("articles.raw", 0)
    consumer._acked[raw], consumer._committed_offset[raw] = [60, 61], None
    app.rebalancing = True
    assert consumer._new_offset(raw) is None and consumer.sought == []
    app.rebalancing = False  # at start-up, with no commit yet, Faust's bookkeeping stands
    assert consumer._new_offset(raw) == 62


class BatchingStream:
    """What `batches` relies on of Faust's Stream: take_events, which (as in 0.15.3) acknowledges each batch's events
    in a `finally` once the batch is given up, also when the body raised; and ack."""

    def __init__(self, batches: list[list[str]]) -> None:
        self.batches, self.acked = batches, []  # type: ignore[var-annotated]

    async def ack(self, event: str) -> bool:
        self.acked.append(event)
        return True

    async def take_events(self, size: int, within: float) -> Any:
        for batch in self.batches:
            try:
                yield batch
            finally:
                for event in batch:
                    await self.ack(event)


def test_a_batch_the_agent_did_not_finish_is_never_acknowledged() -> None:
    import contextlib
    import gc

    from streams.faust_fixes import batches

    async def agent(stream: Any) -> None:
        async for batch in batches(stream, 10, 0.01):
            if batch == ["c"]:
                raise RuntimeError("a defect halfway through the batch")

    async def scenario() -> list[str]:
        stream = BatchingStream([["a", "b"], ["c"], ["d"]])
        with contextlib.suppress(RuntimeError):
            await agent(stream)
        gc.collect()
        await asyncio.sleep(0)  # let the event loop close the abandoned generators (their finally blocks run)
        await asyncio.sleep(0)
        return list(stream.acked)

    assert asyncio.run(scenario()) == ["a", "b"]
