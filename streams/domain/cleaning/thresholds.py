"""The line judge's weights and thresholds (data/thresholds.json, where each is explained)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Thresholds:
    short_words: int
    long_words: int
    prose_stop_share: float
    furniture_max_words: int
    story_furniture_max_words: int
    furniture_start_max_words: int
    headline_max_words: int
    dateline_max_words: int
    min_story_score: float
    headline_lookback_lines: int
    headline_overlap: float
    score_furniture: float
    score_short: float
    score_medium: float
    score_paragraph_per_word: float
    score_paragraph_cap: float
    recheck_max_chars: int
    recheck_page_share: float
    recheck_accept_ratio: float
    recheck_min_chars: int
    max_furniture_share: float
    split_body_min_paragraphs: int


@cache
def thresholds() -> Thresholds:
    raw = json.loads(resources.files(__package__).joinpath("data/thresholds.json").read_text("utf-8"))
    return Thresholds(**{key: value for key, value in raw.items() if not key.startswith("_")})
