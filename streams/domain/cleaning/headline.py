"""The headline: its forms (a page title joins it with the site name), and lines that repeat it."""

from __future__ import annotations

import re

from streams.domain.cleaning.furniture import fold
from streams.domain.cleaning.thresholds import thresholds

# A full stop at the end, perhaps inside a closing quote or bracket: a sentence, not a headline.
_SENTENCE_STOP = re.compile(r"\.[\"')\]]*$")
# "Headline | Site", "Headline - Site": the page title joins the headline and the site name.
_TITLE_SEPARATOR = re.compile(r"\s+(?:[|\-\u2013\u2014:\u00bb\u00b7\u2022]|::)\s+")


def headline_variants(source: str | None) -> list[str]:
    """A page or event title, and its longest part when it joins the headline and the site name; the
    headline's most likely form comes last."""
    if not source or not source.strip():
        return []
    source = source.strip()
    parts = _TITLE_SEPARATOR.split(source)
    return [source, max(parts, key=len).strip()] if len(parts) > 1 else [source]


def is_headline_line(line: str, candidates: list[str]) -> bool:
    """Whether `line` repeats one of the headline `candidates` (exactly, or nearly word for word)."""
    folded = fold(line)
    folded_candidates = [fold(candidate) for candidate in candidates]
    if folded in folded_candidates:
        return True
    overlap = thresholds().headline_overlap
    return like_headline(folded.split(), [frozenset(c.split()) for c in folded_candidates], overlap)


def first_line_is_headline(first_line: str, title: str | None) -> bool:
    """Whether a flattened page's first line is its headline (a flattened page starts with its <title>).

    With a title given, only when it repeats the title; without one, when it is short and does not end with
    a full stop (headlines do not; a wire brief's first sentence does)."""
    if first_line.count(" ") >= thresholds().headline_max_words:
        return False
    if title and title.strip():
        titles = headline_variants(title)
        return any(is_headline_line(part, titles) for part in headline_variants(first_line))
    return _SENTENCE_STOP.search(first_line) is None


def headline_candidates(first_line: str, title: str | None) -> list[str]:
    """Folded forms of the headline: the given title, and the page's first line and its longest part when
    that line is the headline."""
    sources = [title] if title else []
    if first_line_is_headline(first_line, title):
        sources.append(first_line)
    return [fold(v) for source in sources for v in headline_variants(source) if fold(v)]


def infer_headline(lines: list[str], title: str | None) -> str | None:
    """The given title, else the page's first line when it is the headline."""
    if title and title.strip():
        return title.strip()
    if not lines or not first_line_is_headline(lines[0], None):
        return None
    return headline_variants(lines[0])[-1]


def like_headline(words: list[str], headline_words: list[frozenset[str]], overlap: float) -> bool:
    for candidate in headline_words:
        # Word sets of very different sizes cannot overlap enough: skip the set operations.
        if len(words) * overlap <= len(candidate) and len(candidate) * overlap <= len(words):
            line_words = set(words)
            if len(line_words & candidate) >= overlap * len(line_words | candidate):
                return True
    return False
