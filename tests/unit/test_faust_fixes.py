"""The work-around for faust-streaming's post-rebalance record drop, on a real app with a recording consumer."""

from __future__ import annotations

import asyncio
from typing import Any

from faust.types import TP

from streams.app import create_app
from streams.faust_fixes import SeekSafeRecovery
from streams.settings import Settings


class RecordingConsumer:
    """Stands in for the consumer: logs the calls, and whether records could be handed out at each step."""

    def __init__(self) -> None:
        self.flow_active = True
        self.calls: list[tuple[str, bool]] = []

    def _log(self, name: str) -> None:
        self.calls.append((name, self.flow_active))

    def assignment(self) -> set[Any]:
        return {TP("articles.raw", 0)}

    def stop_flow(self) -> None:
        self.flow_active = False
        self._log("stop_flow")

    def resume_flow(self) -> None:
        self.flow_active = True
        self._log("resume_flow")

    def resume_partitions(self, tps: Any) -> None:
        self._log("resume_partitions")

    async def perform_seek(self) -> None:
        self._log("perform_seek")


def test_no_record_can_be_fetched_between_resuming_stream_partitions_and_clearing_the_buffers() -> None:
    app = create_app(Settings(app_id="fixes-test"), "127.0.0.1:1")
    recovery = app.tables.recovery
    assert isinstance(recovery, SeekSafeRecovery)
    consumer = RecordingConsumer()
    app._consumer = consumer  # type: ignore[assignment]
    app.consumer_generation_id = 3
    cleared: list[bool] = []
    app.flow_control.resume = lambda: cleared.append(consumer.flow_active)  # type: ignore[method-assign]

    async def wait(coro: Any, timeout: float | None = None) -> None:  # the service machinery, without a running service
        await coro

    recovery._wait = wait  # type: ignore[method-assign]

    class Fetcher:
        async def maybe_start(self) -> None:
            consumer._log("fetcher_started")

    app.__dict__["_fetcher"] = Fetcher()

    asyncio.run(recovery.on_recovery_completed(generation_id=3))

    steps = [name for name, _ in consumer.calls]
    assert steps == ["stop_flow", "resume_partitions", "perform_seek", "resume_flow", "fetcher_started"]
    # While the stream partitions are resumed and sought, and until the buffers are cleared, the consumer hands out
    # nothing (Faust's own sequence leaves the flow running there); afterwards it flows again.
    assert [active for name, active in consumer.calls if name in ("resume_partitions", "perform_seek")] == [
        False,
        False,
    ]
    assert cleared == [False] and consumer.flow_active
