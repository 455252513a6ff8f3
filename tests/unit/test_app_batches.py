"""The clean agent's batches without a broker: what its watermarks may claim, and what a failed batch does."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import orjson
from faust.types import TP

import streams.app as wiring
from streams.app import StageIO, WatermarkSender
from streams.metrics import Metrics

RAW, OBSERVED, MARKS = "articles.raw", "relations.observed", "relations.watermarks"
T0 = datetime(2026, 1, 1, tzinfo=UTC)


class Consumer:
    def __init__(self) -> None:
        self._committed_offset: dict[TP, int | None] = defaultdict(lambda: None)
        self.ends: dict[TP, int] = {}

    def highwater(self, tp: TP) -> int | None:
        return self.ends.get(tp)


class Topic:
    """Records what is sent; the broker acknowledges at once, at the next offset of the partition."""

    def __init__(self, name: str) -> None:
        self.name, self.sent, self.next = name, [], defaultdict(int)  # type: ignore[var-annotated]

    async def send(self, key: bytes | None, value: bytes, partition: int = 0) -> asyncio.Future[Any]:
        self.sent.append((partition, orjson.loads(value)))
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        done.set_result(SimpleNamespace(topic=self.name, partition=partition, offset=self.next[partition]))
        self.next[partition] += 1
        return done


class Offsets:
    """The broker's offsets, as Extent reads them: {topic: {partition: (beginning, end)}}."""

    def __init__(self, extents: dict[str, dict[int, tuple[int, int]]]) -> None:
        self.extents, self.asked = extents, []  # type: ignore[var-annotated]

    async def of(self, topic: str) -> dict[int, tuple[int, int]] | None:
        self.asked.append(topic)
        return self.extents.get(topic)


def event(offset: int, partition: int = 0) -> Any:
    return SimpleNamespace(message=SimpleNamespace(tp=TP(RAW, partition), topic=RAW, partition=partition,
                                                   offset=offset, timestamp=None, key=b"a", value=b"{}"))


def article(offset: int) -> Any:
    return SimpleNamespace(published_at=T0 + timedelta(hours=offset))


def sender(extents: dict[str, dict[int, tuple[int, int]]] | None = None) -> tuple[WatermarkSender, Any, Topic]:
    app = SimpleNamespace(consumer=Consumer(), rebalancing=False)
    marks = Topic(MARKS)
    offsets = Offsets(extents or {RAW: {0: (0, 1000)}, OBSERVED: {0: (0, 0), 1: (0, 0)}})
    return WatermarkSender(app, marks, 2, offsets, RAW, OBSERVED, every_s=0.0), app, marks  # type: ignore[arg-type]


def batch_done(marks: WatermarkSender, offsets: list[int]) -> None:
    async def run() -> None:
        await marks.after(await marks.done([event(o) for o in offsets], [article(o) for o in offsets]))

    asyncio.run(run())


def watermarks(topic: Topic) -> list[tuple[str | None, int]]:
    """(watermark, observed_offset) of each watermark sent to relations.watermarks partition 0."""
    return [(mark["watermark"], mark["observed_offset"]) for partition, mark in topic.sent if partition == 0]


def hours(offset: int) -> str:
    return (T0 + timedelta(hours=offset)).isoformat().replace("+00:00", "Z")


def test_with_no_commit_a_partition_counts_from_its_beginning_not_from_the_first_record_read() -> None:
    marks, _, topic = sender()
    batch_done(marks, [3, 4, 5])  # records 0-2 were dropped by Faust: nothing is done yet
    assert marks.next_offset == {0: 0} and topic.sent == []
    batch_done(marks, [0, 1, 2, 3, 4, 5])  # read again
    assert marks.next_offset == {0: 6}
    assert [w for w, _ in watermarks(topic)] == [hours(5)]


def test_a_record_past_a_hole_moves_nothing_until_the_hole_is_filled() -> None:
    marks, app, topic = sender()
    app.consumer._committed_offset[TP(RAW, 0)] = 40
    batch_done(marks, [40, 41, 42])
    batch_done(marks, [46, 47])  # 43-45 were dropped
    assert marks.next_offset == {0: 43}
    assert [w for w, _ in watermarks(topic)][-1] == hours(42)
    batch_done(marks, [45, 44, 43])  # the batch is done at once: its offsets count in order
    assert marks.next_offset == {0: 46}
    assert [w for w, _ in watermarks(topic)][-1] == hours(45)


def test_while_a_rebalance_makes_faust_forget_the_commit_counting_goes_on_from_what_was_done() -> None:
    marks, app, _ = sender()
    tp = TP(RAW, 0)
    app.consumer._committed_offset[tp] = 40
    batch_done(marks, [40, 41])
    batch_done(marks, [45])  # past a hole
    app.rebalancing, app.consumer._committed_offset[tp] = True, None  # what Faust does when a rebalance begins
    batch_done(marks, [46, 47])  # the rest of a batch taken before it, processed while Faust waits for it
    assert marks.next_offset == {0: 42}  # not restarted at 46 (it would pass 42-44, never processed)


def test_a_commit_ahead_of_what_was_counted_lets_the_watermark_jump_once_the_observed_offsets_are_read() -> None:
    # Records below a commit this worker did not make may have been related by another worker (or by this one
    # before a restart), whose observations lie above anything this worker was acknowledged: the watermark then
    # carries relations.observed's end offsets, read after the commit was seen, so detect waits until it has them.
    extents = {RAW: {0: (0, 1000)}, OBSERVED: {0: (0, 700), 1: (0, 500)}}
    marks, app, topic = sender(extents)
    tp = TP(RAW, 0)
    app.consumer._committed_offset[tp] = 40
    batch_done(marks, [40, 41])
    assert watermarks(topic) == [(hours(41), 700)]
    batch_done(marks, [42])
    assert watermarks(topic)[-1] == (hours(42), 700) and marks.offsets.asked == [OBSERVED]  # type: ignore[attr-defined]
    extents[OBSERVED] = {0: (0, 730), 1: (0, 512)}  # another worker related 43-99 and committed 100
    app.consumer._committed_offset[tp] = 100
    batch_done(marks, [100])
    assert marks.next_offset == {0: 101}
    assert watermarks(topic)[-1] == (hours(100), 730)
    assert [mark["observed_offset"] for partition, mark in topic.sent if partition == 1][-1] == 512


def test_a_jump_sends_no_watermark_while_the_observed_offsets_cannot_be_read() -> None:
    marks, app, topic = sender({RAW: {0: (0, 1000)}})  # the broker does not answer for relations.observed
    app.consumer._committed_offset[TP(RAW, 0)] = 100
    batch_done(marks, [100])
    assert topic.sent == [] and marks.observed_stale


def test_a_partition_read_to_its_end_is_marked_idle_with_that_end() -> None:
    marks, app, topic = sender()
    app.consumer.ends[TP(RAW, 0)] = 3
    batch_done(marks, [0, 1, 2])
    assert {mark["read_to_end"] for _, mark in topic.sent} == {3}


def test_a_dead_letter_counts_as_delivered_only_once_the_broker_acknowledged_it() -> None:
    class SlowTopic(Topic):
        def __init__(self, name: str) -> None:
            super().__init__(name)
            self.acknowledgements: list[asyncio.Future[Any]] = []

        async def send(self, key: bytes | None, value: bytes, partition: int = 0) -> asyncio.Future[Any]:
            pending: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            self.acknowledgements.append(pending)
            return pending

    def fails(value: bytes) -> None:
        raise ValueError("a defect")

    async def scenario() -> tuple[bool, list[Any]]:
        deadletter = SlowTopic("articles.deadletter")
        io = StageIO(deadletter, SimpleNamespace(tick=lambda stage: None), 1_000_000,  # type: ignore[arg-type]
                     Metrics(process=False))
        await io.process("clean", event(7), fails)
        flushing = asyncio.ensure_future(io.flush("clean"))
        await asyncio.sleep(0.01)
        waited = not flushing.done()
        deadletter.acknowledgements[0].set_result("acknowledged")
        return waited, await flushing

    assert asyncio.run(scenario()) == (True, ["acknowledged"])


def test_an_agent_whose_batch_failed_ends_the_worker(monkeypatch: Any) -> None:
    exits: list[int] = []
    monkeypatch.setattr(wiring.os, "_exit", exits.append)

    @wiring.ends_the_worker
    async def agent(stream: Any) -> None:
        raise RuntimeError("a defect halfway through a batch")

    asyncio.run(agent(None))
    assert exits == [70]


def test_each_agent_flushes_only_what_it_sent() -> None:
    # With one StageIO shared, the detect agent's flush after each event took the clean agent's pending sends off its
    # list: the clean batch then counted as done, and its watermarks were sent, before its observations were
    # acknowledged, with a relations.observed offset that did not cover them (seen as violated watermarks in the
    # scale fault's topics, and as lost alerts).
    from streams.app import create_app
    from streams.settings import Settings

    app = create_app(Settings(app_id="batches-test"), "127.0.0.1:1")
    owned: dict[str, set[int]] = {}
    for agent in app.agents.values():
        body = getattr(agent.fun, "__wrapped__", agent.fun)
        cells = [cell.cell_contents for cell in body.__closure__ or ()]
        owned[agent.name] = {id(cell) for cell in cells if isinstance(cell, StageIO)}
    assert len(owned["clean"]) == len(owned["detect"]) == 1
    assert not owned["clean"] & owned["detect"]
