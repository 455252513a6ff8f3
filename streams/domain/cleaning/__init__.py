"""Stage 1, clean: raw article -> headline and story text, plus exact and near-duplicate detection.

Interface used by the pipeline:

    class RejectedArticle(ValueError)          # .reason: str — why the article cannot be processed
    def clean_article(raw: RawArticle, *, max_body_bytes: int, settings: Settings = DEFAULT_SETTINGS) -> CleanText
    @dataclass(frozen=True) class CleanText:  title: str | None; text: str
    class DuplicateIndex:                      # bounded memory, time-to-live in event time
        def __init__(self, *, max_entries: int = 100_000, ttl: timedelta = timedelta(days=7),
                     max_distance: int = 6) -> None
        def check(self, article_id: str, text: str, at: datetime) -> tuple[str, str | None]
            # returns (fingerprint hex, id of the earlier article this one duplicates, or None)

Modules: article (dispatch), html (pages), split_body (a story a page split over containers), flattened (the
line judge for text a scraper flattened), span (which run of lines is the story), headline, furniture and
stopwords (lexicons), thresholds (the judge's weights), settings (which parts run, chosen fold by fold by
benchmarks/extraction.py), unicode (mojibake, quotes, spacing), guard (hostile input), dedup (SimHash index).
Data files in data/.
`CleanText.title` carries the headline; `text` is the story without it.
"""

from streams.domain.cleaning.article import CleanText, clean_article
from streams.domain.cleaning.dedup import DuplicateIndex, fingerprint_hex
from streams.domain.cleaning.guard import RejectedArticle

__all__ = ["CleanText", "DuplicateIndex", "RejectedArticle", "clean_article", "fingerprint_hex"]
