"""Stage 1, clean: raw article -> cleaned text, plus near-duplicate detection.

Interface used by the pipeline (keep these names and signatures):

    class RejectedArticle(ValueError)          # .reason: str — why the article cannot be processed
    def clean_article(raw: RawArticle, *, max_body_bytes: int) -> CleanText
    @dataclass(frozen=True) class CleanText:  title: str | None; text: str
    class DuplicateIndex:                      # bounded memory, time-to-live in event time
        def __init__(self, *, max_entries: int = 100_000, ttl: timedelta = timedelta(days=7)) -> None
        def check(self, article_id: str, text: str, at: datetime) -> tuple[str, str | None]
            # returns (fingerprint hex, id of the earlier article this one duplicates, or None)
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from streams.models import RawArticle


class RejectedArticle(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CleanText:
    title: str | None
    text: str


_WS = re.compile(r"[ \t\u00a0]+")


def clean_article(raw: RawArticle, *, max_body_bytes: int = 2_000_000) -> CleanText:
    """FIRST VERSION (to be replaced by the cleaning work): normalise Unicode and whitespace, drop blank lines."""
    body = raw.body if raw.body else (raw.html or "")
    if len(body.encode("utf-8", "surrogatepass")) > max_body_bytes:
        raise RejectedArticle(f"body larger than {max_body_bytes} bytes")
    text = unicodedata.normalize("NFC", body)
    lines = [_WS.sub(" ", line).strip() for line in text.splitlines()]
    return CleanText(title=raw.title, text="\n".join(line for line in lines if line))


class DuplicateIndex:
    """FIRST VERSION: exact duplicates only, by hash of normalised text."""

    def __init__(self, *, max_entries: int = 100_000, ttl: timedelta = timedelta(days=7)) -> None:
        self._seen: OrderedDict[str, tuple[str, datetime]] = OrderedDict()
        self._max = max_entries
        self._ttl = ttl

    def check(self, article_id: str, text: str, at: datetime) -> tuple[str, str | None]:
        fingerprint = hashlib.blake2b(" ".join(text.lower().split()).encode(), digest_size=8).hexdigest()
        earlier = self._seen.get(fingerprint)
        if earlier is not None and earlier[0] != article_id and abs(at - earlier[1]) <= self._ttl:
            return fingerprint, earlier[0]
        self._seen[fingerprint] = (article_id, at)
        while len(self._seen) > self._max:
            self._seen.popitem(last=False)
        return fingerprint, None
