"""The readiness and liveness rules, on stand-ins for the few Faust objects they read."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import pytest

from streams import health


@dataclass
class Actor:
    crashed: bool = False


@dataclass
class Agent:
    name: str
    _actors: list[Actor] = field(default_factory=lambda: [Actor()])


@dataclass(frozen=True)
class TP:
    topic: str
    partition: int = 0


RAW, OBSERVED, CHANGELOG = TP("articles.raw"), TP("relations.observed"), TP("dyadwatch-pairs-changelog")
INPUTS = {"articles.raw": "clean", "articles.clean": "relate", "relations.observed": "detect"}


@dataclass
class Consumer:
    assigned: set[TP] = field(default_factory=lambda: {RAW, OBSERVED})
    highwaters: dict[TP, int] = field(default_factory=dict)
    _read_offset: dict[TP, int] = field(default_factory=dict)
    _committed_offset: dict[TP, int] = field(default_factory=dict)

    def assignment(self) -> set[TP]:
        return self.assigned

    def highwater(self, tp: TP) -> int | None:
        return self.highwaters.get(tp)


@dataclass
class Recovery:
    active_offsets: dict[TP, int] = field(default_factory=dict)
    standby_offsets: dict[TP, int] = field(default_factory=dict)


@dataclass
class Tables:
    recovery: Recovery = field(default_factory=Recovery)


@dataclass
class App:
    tables: Tables = field(default_factory=Tables)
    agents: dict[str, Agent] = field(default_factory=lambda: {n: Agent(n) for n in ("clean", "relate", "detect")})
    consumer: Any = field(default_factory=Consumer)
    in_recovery: bool = False
    rebalancing: bool = False
    rebalancing_count: int = 0


def test_a_healthy_worker_is_ready_and_live() -> None:
    report = health.check(App(), health.Progress(inputs=INPUTS))
    assert report["ready"] and report["live"], report


def test_a_dead_agent_fails_liveness() -> None:
    app = App()
    app.agents["relate"]._actors = [Actor(crashed=True)]
    report = health.check(app, health.Progress(inputs=INPUTS))
    assert not report["live"] and not report["ready"]
    assert report["dead_agents"] == ["relate"]


def test_an_agent_restarted_by_its_supervisor_is_alive() -> None:
    app = App()
    app.agents["relate"]._actors = [Actor(crashed=True), Actor()]
    assert health.check(app, health.Progress(inputs=INPUTS))["live"]


def test_waiting_messages_without_progress_is_a_stall() -> None:
    app = App()
    app.consumer.highwaters = {RAW: 100}
    app.consumer._read_offset = {RAW: 10}
    progress = health.Progress(inputs=INPUTS, started_at=time.monotonic() - 120)
    report = health.check(app, progress, stall_after_s=60)
    assert report["stalled"] == ["clean"] and not report["live"] and report["lag"] == 89
    progress.tick("clean")
    assert health.check(app, progress, stall_after_s=60)["live"]


def test_a_stuck_agent_is_not_hidden_by_a_busy_one() -> None:
    app = App()
    app.consumer.highwaters = {RAW: 100, OBSERVED: 50}
    app.consumer._read_offset = {RAW: 99, OBSERVED: 10}
    progress = health.Progress(inputs=INPUTS, started_at=time.monotonic() - 120)
    progress.tick("clean")  # clean keeps working; detect has not moved for two minutes with 39 waiting
    report = health.check(app, progress, stall_after_s=60)
    assert report["stalled"] == ["detect"] and not report["live"]


def test_no_partitions_or_recovery_means_not_ready_but_live() -> None:
    app = App(in_recovery=True)
    report = health.check(app, health.Progress(inputs=INPUTS))
    assert report["live"] and not report["ready"]
    app = App()
    app.consumer.assigned = set()
    report = health.check(app, health.Progress(inputs=INPUTS))
    assert report["live"] and not report["ready"]


def test_waiting_during_a_recovery_is_not_a_stall_but_a_recovery_that_reads_nothing_is() -> None:
    app = App(in_recovery=True)
    app.consumer.highwaters = {RAW: 100}
    app.consumer._read_offset = {RAW: 10}
    progress = health.Progress(inputs=INPUTS, started_at=time.monotonic() - 120)
    report = health.check(app, progress, stall_after_s=60)
    assert report["live"] and not report["ready"] and report["stalled"] == []
    app.in_recovery = False  # the recovery just ended: the agents get a fresh minute, not the two before it
    assert health.check(app, progress, stall_after_s=60)["live"]
    progress.recovered_at = time.monotonic() - 61
    assert health.check(app, progress, stall_after_s=60)["stalled"] == ["clean"]

    app.in_recovery = True  # a long restore that keeps reading is alive; one that stops reading is not
    health.check(app, progress)
    progress.recovering_since = time.monotonic() - 301
    app.tables.recovery.active_offsets[CHANGELOG] = 500
    assert health.check(app, progress, recovery_hang_after_s=300)["live"]
    progress.recovering_since = time.monotonic() - 301
    report = health.check(app, progress, recovery_hang_after_s=300)
    assert report["recovery_hung"] and not report["live"]


def test_a_partition_whose_commit_stands_still_while_records_arrive_fails_liveness() -> None:
    app = App()
    app.consumer.highwaters = {RAW: 80}
    app.consumer._read_offset = {RAW: 79}  # everything fetched: the agents look busy or idle, not stuck
    app.consumer._committed_offset = {RAW: 78}  # but offset 78 was never acknowledged
    progress = health.Progress(inputs=INPUTS, started_at=time.monotonic() - 120)
    assert health.check(app, progress, stall_after_s=60)["live"]  # first sight of this commit
    app.consumer.highwaters = {RAW: 85}
    app.consumer._read_offset = {RAW: 84}  # five more arrive and are read, and the commit still stands at 78
    assert health.check(app, progress, stall_after_s=60)["live"]  # they have only just arrived
    committed, end, arrived = progress.commits[RAW]
    assert arrived is not None
    progress.commits[RAW] = (committed, end, arrived - 61)
    report = health.check(app, progress, stall_after_s=60)
    assert report["commit_stalled"] == ["articles.raw/0"] and not report["live"]
    app.consumer._committed_offset = {RAW: 85}  # the commit moved: healthy again
    assert health.check(app, progress, stall_after_s=60)["live"]


def test_a_rebalance_between_two_probes_gives_the_agents_a_fresh_minute() -> None:
    app = App()
    app.consumer.highwaters = {RAW: 100}
    app.consumer._read_offset = {RAW: 10}
    progress = health.Progress(inputs=INPUTS, started_at=time.monotonic() - 120)
    app.rebalancing_count = 1  # a rebalance began and ended since the last probe
    assert health.check(app, progress, stall_after_s=60)["live"]


@pytest.mark.parametrize(
    ("committed", "end_then", "end_now"),
    [(80, 80, 81), (79, 80, 80)],
    # a record has just arrived after ten quiet minutes: it gets its minute to be committed;
    # offset 79 is the marker that closed the producer's last transaction: never delivered, never acknowledged
    ids=["first record after an idle spell", "transaction marker at the end"],
)
def test_an_idle_partition_is_not_a_commit_stall(committed: int, end_then: int, end_now: int) -> None:
    app = App()
    app.consumer.highwaters = {RAW: end_now}
    app.consumer._committed_offset = {RAW: committed}
    progress = health.Progress(inputs=INPUTS, started_at=time.monotonic() - 600)
    progress.commits[RAW] = (committed, end_then, None)
    assert health.check(app, progress, stall_after_s=60)["live"]


def test_one_offset_left_at_the_end_of_an_idle_partition_is_not_a_stall() -> None:
    app = App()
    app.consumer.highwaters = {RAW: 100}
    app.consumer._read_offset = {RAW: 98}  # 99 is the marker that closed the producer's last transaction
    progress = health.Progress(inputs=INPUTS, started_at=time.monotonic() - 120)
    assert health.check(app, progress, stall_after_s=60)["live"]
    app.consumer._read_offset = {RAW: 97}  # a record really waits
    assert health.check(app, progress, stall_after_s=60)["stalled"] == ["clean"]


def test_a_record_read_past_a_commit_that_stands_still_is_a_stall_even_at_the_end_of_the_input() -> None:
    app = App()
    app.consumer.highwaters = {RAW: 62}
    app.consumer._read_offset = {RAW: 61}  # read up to the end; nothing more arrives
    app.consumer._committed_offset = {RAW: 42}  # 42..60 were never delivered, and the commit waits before them
    progress = health.Progress(inputs=INPUTS, started_at=time.monotonic() - 120)
    assert health.check(app, progress, stall_after_s=60)["live"]  # first sight of this commit
    assert health.check(app, progress, stall_after_s=60)["live"]  # the waiting work is first seen: not yet
    committed, end, waiting = progress.commits[RAW]
    assert waiting is not None
    progress.commits[RAW] = (committed, end, waiting - 61)
    assert health.check(app, progress, stall_after_s=60)["commit_stalled"] == ["articles.raw/0"]
