"""Which parts of the cleaner run: the choices benchmarks/extraction.py makes fold by fold on pages it then
does not score, so that each part is known to help on pages it was not chosen on. The defaults are the
choice made on all of extraction-dev (README, Figures); the thresholds inside each part are in
data/thresholds.json."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Settings:
    # HTML
    # trafilatura's trade-off: "precision" (favor_precision, with second runs where it is unsure: html.py),
    # "balanced" or "recall" (favor_recall); and whether it compares its result with readability's and
    # jusText's (its fallbacks; without them, fast=True).
    focus: Literal["precision", "balanced", "recall"] = "precision"
    fallbacks: bool = True
    drop_furniture: bool = True  # lines of trafilatura's text that read as furniture (flattened.judge_page)
    # Longest line (in words) in which a furniture phrase found inside it counts, within the story trafilatura
    # cut out; None is data/thresholds.json's story_furniture_max_words.
    story_furniture_max_words: int | None = None
    # Flattened text: the same in a whole flattened page (None: thresholds.json's furniture_max_words), and the
    # total score of the span under the headline's repetition that is taken for the story (span.py; None:
    # thresholds.json's min_story_score).
    furniture_max_words: int | None = None
    min_story_score: float | None = None


DEFAULT_SETTINGS = Settings()
