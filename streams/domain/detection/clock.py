"""Event time of one detect partition: watermarks from the partitions of articles.raw, as Kafka Streams' stream
time and Flink's watermarks with idleness define it.

A detect partition hears from a source partition only through the pairs that hash to it, so the stage that reads
articles.raw tells every detect partition, on relations.watermarks, how far it has read each source partition
(`SourceWatermark`): the newest published_at read, and, when it has read to the partition's end, that end offset.
A watermark covers the observations sent before it; since it travels on another topic, it also says below which
offset of relations.observed they are, and counts only once the detect stage has read that far.

The partition's event time is the minimum over the source partitions of their watermarks. A source partition
stops holding it back only while it is idle: its reader had read to its end offset, and the end offset is still
that (the detect side looks at the current end offsets, so a partition that a crashed worker left with a backlog
is not idle, and its backlog does not arrive late). An empty source partition holds nothing back; a partition
with records but no watermark yet holds everything back. If every source is idle, event time is the newest
watermark: everything read has been delivered.

No wall clock here: the same watermarks, offsets and end offsets give the same event time.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from streams.models import SourceWatermark


class _Clock(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceClock(_Clock):
    """What one detect partition knows of one source partition."""

    watermark: AwareDatetime | None = None
    read_to_end: int | None = None
    waiting: list[tuple[AwareDatetime | None, int | None, int]] = Field(
        default_factory=list,
        description="(watermark, read_to_end, observed offset needed) received before their observations were read",
    )


class PartitionClock(_Clock):
    """A detect partition's event time: kept in the detect table, so a restart resumes it."""

    sources: dict[str, SourceClock] = Field(default_factory=dict, description="by source partition number")
    read: int = Field(
        default=0, description="next offset of relations.observed to read here: every offset below it has been read"
    )
    event_time: AwareDatetime | None = Field(default=None, description="as applied so far (never goes back)")
    waiting: dict[str, AwareDatetime] = Field(
        default_factory=dict, description="pairs with articles inside the allowed lateness, and their newest"
    )


Extent = dict[int, tuple[int, int]]  # source partition -> (beginning offset, end offset), as lately seen


def take(clock: PartitionClock, record: SourceWatermark) -> None:
    """A watermark arrived on this partition of relations.watermarks."""
    source = clock.sources.setdefault(str(record.source_partition), SourceClock())
    source.waiting.append((record.watermark, record.read_to_end, record.observed_offset))
    _release(clock)


def read(clock: PartitionClock, offset: int, dense: bool = True) -> None:
    """The observation at `offset` of this partition of relations.observed has been read.

    `dense`: every offset of the partition is a record (no transaction markers). Then the read mark moves only
    over offsets read one after another: a record past a hole (Faust drops records in some rebalances and reads
    them again later, streams/faust_fixes.py) must not let a watermark count that covers the missing ones. With
    markers a gap is normal, and the mark follows the newest offset read."""
    if offset == clock.read or not dense:
        clock.read = max(clock.read, offset + 1)
        _release(clock)


def start(clock: PartitionClock, offset: int) -> None:
    """The consumer reads this partition from `offset` (its committed offset, or the log's start): everything
    below it was read before."""
    if offset > clock.read:
        clock.read = offset
        _release(clock)


def advance(clock: PartitionClock, extent: Extent | None) -> datetime | None:
    """The partition's event time now, given the source partitions' current offsets (None: not known yet, and then
    event time stays where it is). Never goes back."""
    current = _event_time(clock, extent) if extent is not None else None
    if current is not None and (clock.event_time is None or current > clock.event_time):
        clock.event_time = current
    return clock.event_time


def _release(clock: PartitionClock) -> None:
    """Watermarks whose observations have all been read now count (in the order they came)."""
    for source in clock.sources.values():
        while source.waiting and source.waiting[0][2] <= clock.read:
            watermark, read_to_end, _ = source.waiting.pop(0)
            if watermark is not None and (source.watermark is None or watermark > source.watermark):
                source.watermark = watermark
            source.read_to_end = read_to_end


def _event_time(clock: PartitionClock, extent: Extent) -> datetime | None:
    holding: list[datetime] = []
    known: list[datetime] = []
    for partition in sorted(set(extent) | {int(p) for p in clock.sources}):
        source = clock.sources.get(str(partition))
        begin, end = extent.get(partition, (0, 0))
        if source is not None and source.watermark is not None:
            known.append(source.watermark)
        if partition in extent and end <= begin:
            continue  # nothing in it: nothing to wait for
        if source is None or source.watermark is None:
            if source is not None and source.read_to_end is not None and end <= source.read_to_end:
                continue  # read to its end, and nothing in it had a date
            return None  # records, but no watermark yet: everything waits for it
        if source.read_to_end is not None and partition in extent and end <= source.read_to_end:
            continue  # idle: read to an end that has not moved
        holding.append(source.watermark)
    if holding:
        return min(holding)
    return max(known) if known else None
