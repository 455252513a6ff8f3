"""Which parts of the cleaner run: the choices benchmarks/extraction.py makes fold by fold on pages it then
does not score, so that each part is known to help on pages it was not chosen on. The defaults are the
choice made on all of extraction-dev (README, Figures); the thresholds inside each part are in
data/thresholds.json."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    # HTML
    precision: bool = True  # trafilatura's favor_precision, with a balanced run where it is short (html.py)
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
