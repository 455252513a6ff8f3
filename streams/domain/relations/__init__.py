"""Stage 2, relate: cleaned text -> the relation of every country pair the text relates.

Interface used by the pipeline (keep this name and signature):

    def relate(text: str, *, title: str | None = None, published_at: datetime | None = None) -> list[Relation]

`Relation` is `streams.models.Relation`: pair "AAA-BBB" (ISO alpha-3, sorted), countries, polarity, score in
[-10, 10], quad 1..4, trend, confidence, evidence sentences with cues. Pairs are unique in the returned list.
"""
from __future__ import annotations

from datetime import datetime

from streams.models import Relation


def relate(text: str, *, title: str | None = None, published_at: datetime | None = None) -> list[Relation]:
    raise NotImplementedError("relation judgement is being written")
