"""The work-around for faust-streaming's post-rebalance record drop, on a real app with a recording consumer."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from faust.types import TP

from streams.app import create_app
from streams.settings import Settings


def test_a_recovery_that_seeks_a_changelog_back_forgets_the_last_offset_read_from_it() -> None:
    # Faust drops a record below the last offset it read from a partition; a mark left from a standby copy's
    # reading must not make the recovery that re-reads the partition from 0 drop everything below it.
    app = create_app(Settings(app_id="fixes-test"), "127.0.0.1:1")
    changelog = TP("fixes-test-pairs-changelog", 0)
    sought: dict[TP, int] = {}

    class Consumer:
        def __init__(self) -> None:
            self._read_offset: dict[TP, int | None] = {changelog: 31}

        async def _getmany(self, active_partitions: Any, timeout: float) -> dict[TP, list[Any]]:
            return {}

        async def _add_gap(self, tp: TP, offset_from: int, offset_to: int) -> None: ...

        async def seek_wait(self, offsets: dict[TP, int]) -> None:
            sought.update(offsets)

    consumer = Consumer()
    offsets: Counter[TP] = Counter({changelog: -1})  # nothing of this partition in the store: read from the start
    asyncio.run(app.tables.recovery._seek_offsets(consumer, {changelog}, offsets, "active"))  # type: ignore[arg-type]
    assert sought == {changelog: 0}
    assert consumer._read_offset[changelog] is None


def test_a_recovery_waits_for_a_fetch_from_before_the_rebalance_before_it_seeks() -> None:
    # A fetch that was running when the group rebalanced comes back with the flow stopped, and Faust discards what it
    # brought; if the recovery had sought its changelogs in the meantime, their records are gone.
    app = create_app(Settings(app_id="fixes-test"), "127.0.0.1:1")
    recovery = app.tables.recovery
    events: list[str] = []

    class Consumer:
        def __init__(self) -> None:
            self._read_offset: dict[TP, int | None] = {}
            self.release = asyncio.Event()

        async def _getmany(self, active_partitions: Any, timeout: float) -> dict[TP, list[Any]]:
            await self.release.wait()
            events.append("fetch returned")
            return {}

        async def _add_gap(self, tp: TP, offset_from: int, offset_to: int) -> None: ...

        async def seek_wait(self, offsets: dict[TP, int]) -> None:
            events.append("changelog sought")

    async def scenario() -> None:
        consumer = Consumer()
        changelog = TP("fixes-test-pairs-changelog", 0)
        offsets: Counter[TP] = Counter({changelog: 5})
        await recovery._seek_offsets(consumer, {changelog}, offsets, "active")  # type: ignore[arg-type]
        events.clear()
        fetch = asyncio.ensure_future(consumer._getmany(active_partitions=set(), timeout=1.0))
        await asyncio.sleep(0)  # the fetch is under way when the group rebalances
        seek = asyncio.ensure_future(
            recovery._seek_offsets(consumer, {changelog}, offsets, "active")  # type: ignore[arg-type]
        )
        await asyncio.sleep(0.05)
        assert events == []  # the recovery waits
        consumer.release.set()
        await asyncio.gather(fetch, seek)

    asyncio.run(scenario())
    assert events == ["fetch returned", "changelog sought"]


def test_offsets_never_delivered_are_not_counted_as_done_unless_they_are_a_transaction_marker() -> None:
    app = create_app(Settings(app_id="fixes-test"), "127.0.0.1:1")
    recovery = app.tables.recovery
    raw, changelog = TP("articles.raw", 0), TP("fixes-test-pairs-changelog", 0)
    counted: list[tuple[TP, int, int]] = []

    class Consumer:
        def __init__(self) -> None:
            self._read_offset: dict[TP, int | None] = {}

        async def _getmany(self, active_partitions: Any, timeout: float) -> dict[TP, list[Any]]:
            return {}

        async def _add_gap(self, tp: TP, offset_from: int, offset_to: int) -> None:
            counted.append((tp, offset_from, offset_to))

        async def seek_wait(self, offsets: dict[TP, int]) -> None: ...

    async def scenario() -> None:
        consumer: Any = Consumer()
        await recovery._seek_offsets(consumer, set(), Counter(), "active")
        await consumer._add_gap(raw, 11, 12)  # record 12 after 10: offset 11 was a transaction marker
        await consumer._add_gap(raw, 43, 62)  # record 62 after 42: 19 records were never delivered
        await consumer._add_gap(changelog, 5, 9)  # a compacted changelog has holes of any width

    asyncio.run(scenario())
    assert counted == [(raw, 11, 12), (changelog, 5, 9)]
