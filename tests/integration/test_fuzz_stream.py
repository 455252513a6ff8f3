"""Hostile events straight onto articles.raw, among good ones: each is processed or dead-lettered with a reason,
the good ones come out, and the worker neither crashes nor stalls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from streams.testing.fuzz import fuzz, hostile_events

pytestmark = pytest.mark.integration

EVENTS = 300


def test_hostile_events_are_processed_or_dead_lettered_and_good_ones_come_out(
    kafka_bootstrap: str, fresh_topics: Any, tmp_path: Path
) -> None:
    # One 50 MB body among them: it must come back as a dead letter that fits a message (truncated original).
    # One valid 1.5 MB article: cleaning accepts it, but its cleaned copy is too big to send, so it must be
    # dead-lettered rather than crash the agent (which would commit past it and lose it).
    events = list(hostile_events(EVENTS, seed=17, big=1, large=1))
    result = fuzz(kafka_bootstrap, tmp_path, events, stall_after_s=30, settle_timeout_s=300,
                  name=fresh_topics.prefix)

    summary = {k: result[k] for k in ("unaccounted_kinds", "crashes", "stalls", "by_kind")}
    assert result["crashes"] == 0, f"the worker crashed: {summary}"
    assert result["stalls"] == 0, f"the worker stalled: {summary}"
    assert result["settled"], f"the worker did not finish its input: {summary}"
    assert result["unaccounted"] == 0, f"events neither processed nor dead-lettered: {result['unaccounted_keys']}"
    assert result["processed"] + result["dead_lettered"] == EVENTS
    assert result["dead_letters_without_reason"] == 0
    assert result["by_kind"]["big_body"] == {"dead_lettered": 1}
    assert result["by_kind"]["large_valid"] == {"dead_lettered": 1}
    assert result["good_events_out"] == result["good_events"] == EVENTS // 10, result["good_events_missing"]
    assert result["worker_live_at_end"]
