"""Readiness and liveness that tell the truth (Faust's own `/` answers OK even when agents are dead)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, NamedTuple

STALL_AFTER_S = 60.0
# Restoring a big table from its changelog can take minutes and is not a stall; a rebalance and recovery that reads
# nothing for five minutes is a hang (faust-streaming's tracker has several: #21, #74). Five, not less: before it
# reads, a recovery asks the brokers for offsets, twice, and each can take the 90 s request timeout when they are
# in trouble.
RECOVERY_HANG_AFTER_S = 300.0


@dataclass
class Progress:
    """What the agents report as they work; read by the health views."""

    inputs: dict[str, str] = field(default_factory=dict)  # input topic -> the agent that reads it
    started_at: float = field(default_factory=time.monotonic)
    last_event_at: dict[str, float] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)
    recovering_since: float | None = None  # since when the recovery has read nothing new
    recovery_read: int = -1  # changelog offsets the recovery had reached then
    recovered_at: float | None = None
    rebalances: int = 0  # the app's count when last looked at (a rebalance can begin and end between two probes)
    # partition -> (committed offset, end offset when that commit was first seen, when work was first seen waiting
    # behind it)
    commits: dict[Any, tuple[int, int, float | None]] = field(default_factory=dict)

    def tick(self, agent: str) -> None:
        self.last_event_at[agent] = time.monotonic()
        self.events[agent] = self.events.get(agent, 0) + 1


def check(
    app: Any,
    progress: Progress,
    *,
    stall_after_s: float = STALL_AFTER_S,
    recovery_hang_after_s: float = RECOVERY_HANG_AFTER_S,
) -> dict[str, Any]:
    """The worker's health as a dict with `ready` and `live` and the reasons behind them."""
    now = time.monotonic()
    # An agent is dead when none of its actors runs: Faust's supervisor restarts a crashed actor and keeps the
    # crashed one in the set beside its replacement.
    dead_agents = sorted(agent.name for agent in app.agents.values() if all(actor.crashed for actor in agent._actors))
    assigned = app.consumer.assignment() if app.consumer is not None else set()
    recovering = bool(app.in_recovery) or bool(app.rebalancing)
    rebalanced = app.rebalancing_count != progress.rebalances
    progress.rebalances = app.rebalancing_count
    if recovering:
        # the hang clock starts again whenever the recovery reads more, or another rebalance begins
        read = _recovery_read(app)
        if progress.recovering_since is None or read != progress.recovery_read or rebalanced:
            progress.recovering_since, progress.recovery_read = now, read
    elif progress.recovering_since is not None or rebalanced:
        progress.recovering_since, progress.recovered_at = None, now
    recovery_hung = progress.recovering_since is not None and now - progress.recovering_since > recovery_hang_after_s
    offsets = partition_offsets(app, assigned)
    lag, waiting = _lag_by_topic(offsets)
    # Each agent is judged on its own input (a stuck detect agent must not hide behind a busy clean agent), and
    # only on time outside recoveries: agents wait while tables are restored.
    quiet_since = progress.recovered_at or progress.started_at
    stalled = [] if recovering else sorted(
        agent
        for topic, agent in progress.inputs.items()
        if waiting.get(topic, 0) > 0 and now - max(progress.last_event_at.get(agent, 0.0), quiet_since) > stall_after_s
    )
    commit_stalled = [] if recovering else _commit_stalls(offsets, progress, now - stall_after_s, quiet_since)
    last = max(progress.last_event_at.values(), default=progress.started_at)
    live = not dead_agents and not stalled and not commit_stalled and not recovery_hung
    ready = live and bool(assigned) and not recovering
    return {
        "ready": ready,
        "live": live,
        "dead_agents": dead_agents,
        "assigned_partitions": len(assigned),
        "recovering": recovering,
        "recovery_hung": recovery_hung,
        "lag": sum(lag.get(topic, 0) for topic in progress.inputs),
        "stalled": stalled,
        "commit_stalled": commit_stalled,
        "seconds_since_progress": round(now - last, 1),
        "events": dict(progress.events),
    }


def _commit_stalls(offsets: list[Offsets], progress: Progress, before: float, quiet_since: float) -> list[str]:
    """Input partitions whose committed offset has stood still since `before` while work waited behind it.

    An agent can look busy while one partition's commits stand still: Faust commits only up to the first record
    it has not seen acknowledged, so a record it dropped (a rebalance race in faust-streaming) holds the commit
    back (faust_fixes reads the partition again from there; a restart is the backstop). Waiting work is a record
    read past the commit, or new records arriving; an idle partition can keep its commit one short of the end for
    good (a transaction marker is never delivered, so never acknowledged), and its last record read is then below
    the commit."""
    stalled = []
    for tp, highwater, read, committed in offsets:
        if tp.topic not in progress.inputs or committed is None:
            continue
        seen = progress.commits.get(tp)
        if seen is None or seen[0] != committed:
            progress.commits[tp] = (committed, highwater, None)
            continue
        # Work is waiting behind the commit: new records arrived, or a record past it has been read.
        waiting = highwater > seen[1] or (read is not None and read > committed)
        if waiting and seen[2] is None:
            progress.commits[tp] = (committed, seen[1], time.monotonic())
        elif seen[2] is not None and max(seen[2], quiet_since) < before:
            stalled.append(f"{tp.topic}/{tp.partition}")
    return sorted(stalled)


def _recovery_read(app: Any) -> int:
    """How far the table recovery has read its changelogs, summed over partitions (moves while it makes progress)."""
    try:
        recovery = app.tables.recovery
        return int(sum(recovery.active_offsets.values()) + sum(recovery.standby_offsets.values()))
    except Exception:  # no tables, or the recovery service not built yet
        return -1


class Offsets(NamedTuple):
    tp: Any
    highwater: int
    read: int | None  # the last offset read (Faust sets it to the committed offset when it seeks)
    committed: int | None


def partition_offsets(app: Any, assigned: set[Any]) -> list[Offsets]:
    """Where each assigned partition stands, for those whose end offset the driver already knows."""
    consumer = app.consumer
    found = []
    for tp in assigned:
        try:
            highwater = consumer.highwater(tp)
        except Exception:  # the driver has no figure for it yet
            continue
        if highwater is not None:
            found.append(Offsets(tp, highwater, consumer._read_offset.get(tp), consumer._committed_offset.get(tp)))
    return found


def _lag_by_topic(offsets: list[Offsets]) -> tuple[dict[str, int], dict[str, int]]:
    """Offsets beyond the last record read, by topic (absent when unknown); and the same less one per partition,
    which is what surely waits: a partition's last offset can be a transaction marker, which is never delivered."""
    lag: dict[str, int] = {}
    waiting: dict[str, int] = {}
    for tp, highwater, read, _ in offsets:
        if read is not None:
            behind = max(0, highwater - read - 1)
            lag[tp.topic] = lag.get(tp.topic, 0) + behind
            waiting[tp.topic] = waiting.get(tp.topic, 0) + max(0, behind - 1)
    return lag, waiting
