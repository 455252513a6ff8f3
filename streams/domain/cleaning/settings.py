"""Which parts of the cleaner run: the choices benchmarks/extraction.py makes fold by fold on pages it then
does not score, so that each part is known to help on pages it was not chosen on. The defaults are the
choice made on all of extraction-dev (README, Figures); the thresholds inside each part are in
data/thresholds.json."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    # HTML
    precision: bool = True  # trafilatura's favor_precision
    recheck_short: bool = True  # a balanced run where the precision run is short for its page (html.py)
    recover_split_body: bool = True  # a story body split over several containers (html.py)
    drop_furniture: bool = True  # lines of trafilatura's text that read as furniture (flattened.judge_page)
    # Flattened text: total score of the span under the headline's repetition that is taken for the story
    # (span.py); None is data/thresholds.json's min_story_score.
    min_story_score: float | None = None


DEFAULT_SETTINGS = Settings()
