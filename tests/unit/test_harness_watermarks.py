"""The fault suite's check of the watermarks' claims (harness.broken_watermarks), on records made up here."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import orjson

from streams.testing.harness import broken_watermarks


def record(partition: int, offset: int, value: dict[str, Any]) -> Any:
    return SimpleNamespace(partition=partition, offset=offset, value=orjson.dumps(value))


RAW = [record(0, offset, {"id": f"a{offset}", "published_at": f"2026-01-01T0{offset}:00:00Z"}) for offset in range(4)]
OBSERVED = [record(1, offset, {"observation_id": f"a{offset}:CAN-NGA", "article_id": f"a{offset}"})
            for offset in range(4)]


def mark(watermark: str | None, observed_offset: int, read_to_end: int | None = None) -> Any:
    return record(1, 0, {"source_partition": 0, "watermark": watermark, "read_to_end": read_to_end,
                         "observed_offset": observed_offset})


def test_a_watermark_that_covers_its_observations_holds() -> None:
    assert broken_watermarks(RAW, OBSERVED, [mark("2026-01-01T02:00:00Z", 3), mark(None, 4, read_to_end=4)]) == []


def test_a_watermark_sent_before_its_observations_were_acknowledged_is_broken() -> None:
    # it claims a0-a2 done, but a2's observation is at offset 2, not below 2
    broken = broken_watermarks(RAW, OBSERVED, [mark("2026-01-01T02:00:00Z", 2)])
    assert len(broken) == 1 and "a2:CAN-NGA first at 2" in broken[0]
    assert len(broken_watermarks(RAW, OBSERVED, [mark(None, 3, read_to_end=4)])) == 1
