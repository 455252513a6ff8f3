"""Readiness and liveness that tell the truth (Faust's own `/` answers OK even when agents are dead)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

STALL_AFTER_S = 60.0


@dataclass
class Progress:
    """What the agents report as they work; read by the health views."""

    started_at: float = field(default_factory=time.monotonic)
    last_event_at: dict[str, float] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)

    def tick(self, agent: str) -> None:
        self.last_event_at[agent] = time.monotonic()
        self.events[agent] = self.events.get(agent, 0) + 1


def check(app: Any, progress: Progress, *, stall_after_s: float = STALL_AFTER_S) -> dict[str, Any]:
    """The worker's health as a dict with `ready` and `live` and the reasons behind them."""
    now = time.monotonic()
    # An agent is dead when none of its actors runs: Faust's supervisor restarts a crashed actor and keeps the
    # crashed one in the set beside its replacement.
    dead_agents = sorted(agent.name for agent in app.agents.values() if all(actor.crashed for actor in agent._actors))
    assigned = app.consumer.assignment() if app.consumer is not None else set()
    recovering = bool(app.in_recovery) or bool(app.rebalancing)
    lag = _lag(app, assigned)
    last = max(progress.last_event_at.values(), default=progress.started_at)
    stalled = lag > 0 and now - last > stall_after_s
    live = not dead_agents and not stalled
    ready = live and bool(assigned) and not recovering
    return {
        "ready": ready,
        "live": live,
        "dead_agents": dead_agents,
        "assigned_partitions": len(assigned),
        "recovering": recovering,
        "lag": lag,
        "stalled": stalled,
        "seconds_since_progress": round(now - last, 1),
        "events": dict(progress.events),
    }


def _lag(app: Any, assigned: set[Any]) -> int:
    """Messages known to be waiting on the assigned partitions (0 when unknown)."""
    consumer = app.consumer
    total = 0
    for tp in assigned:
        try:
            highwater = consumer.highwater(tp)
        except Exception:  # the driver has no figure for it yet
            continue
        read = consumer._read_offset.get(tp)
        if highwater is not None and read is not None:
            total += max(0, highwater - read - 1)
    return total
