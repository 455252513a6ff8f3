"""The work-around for faust-streaming's post-rebalance record drop, on a real app with a recording consumer."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from faust.types import TP

from streams.app import create_app
from streams.faust_fixes import SeekSafeRecovery
from streams.settings import Settings


def test_stream_partitions_are_resumed_only_after_they_are_sought_and_the_buffers_cleared() -> None:
    app = create_app(Settings(app_id="fixes-test"), "127.0.0.1:1")
    recovery = app.tables.recovery
    assert isinstance(recovery, SeekSafeRecovery)
    raw = TP("articles.raw", 0)
    paused = {raw}
    steps: list[tuple[str, bool]] = []  # (step, whether the stream partition was paused then)

    def step(name: str) -> None:
        steps.append((name, raw in paused))

    class Consumer:
        def assignment(self) -> set[Any]:
            return {raw}

        def resume_partitions(self, tps: Any) -> None:
            paused.difference_update(tps)
            step("resume_partitions")

        async def perform_seek(self) -> None:
            step("perform_seek")

        def resume_flow(self) -> None:
            step("resume_flow")

    class Fetcher:
        async def maybe_start(self) -> None:
            step("fetcher_started")

    async def wait(coro: Any, timeout: float | None = None) -> None:  # the service machinery, without a service
        await coro

    clear_and_resume = app.flow_control.resume

    def resume() -> None:
        step("buffers_cleared")
        clear_and_resume()

    app._consumer = Consumer()  # type: ignore[assignment]
    app.__dict__["_fetcher"] = Fetcher()
    app.consumer_generation_id = 3
    app.flow_control.resume = resume  # type: ignore[method-assign]
    recovery._wait = wait  # type: ignore[method-assign]

    asyncio.run(recovery.on_recovery_completed(generation_id=3))

    # Faust resumes first and clears last, so records fetched in between went into buffers that were then cleared.
    # The flow-control gate stays open throughout: a stream that finds it closed skips and acknowledges its event.
    assert steps == [
        ("perform_seek", True),
        ("buffers_cleared", True),
        ("resume_partitions", False),
        ("resume_flow", False),
        ("fetcher_started", False),
    ]
    assert app.flow_control.is_active() and recovery.completed.is_set()


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
