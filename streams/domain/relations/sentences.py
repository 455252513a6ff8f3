"""Sentence boundaries by one regex pass, with a check for abbreviations ("Gen.", "U.S.") at each candidate."""

from __future__ import annotations

import re

# Starts with one character class so that the engine can skip ahead quickly (an alternation of a newline
# and a punctuation branch, or a leading look-behind, is three times slower).
_CANDIDATE = re.compile(r"[\n.!?](?:(?<=\n)\n*|[\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9]))")

# Words after which a full stop does not end a sentence (titles, months, corporate suffixes).
_NO_BREAK_AFTER = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "gen",
        "lt",
        "col",
        "sgt",
        "capt",
        "cmdr",
        "adm",
        "maj",
        "sen",
        "rep",
        "gov",
        "pres",
        "prof",
        "rev",
        "st",
        "jr",
        "sr",
        "inc",
        "co",
        "corp",
        "ltd",
        "no",
        "vs",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "fig",
        "est",
        "approx",
        "dept",
        "univ",
        "ft",
        "mt",
    ]
)


# A news sentence is rarely over 100 words; far longer "sentences" are lists, tables or junk, and the pair
# analysis grows with the square of a sentence's cues. Cut them into pieces of at most this many characters.
MAX_SENTENCE_CHARS = 1500


_HEADLINE_JOIN = re.compile(r";\s+(?=[A-Z])")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) character spans of the sentences of `text`; a line break always ends a sentence, and in a
    headline (a line without a final stop) a semicolon before a capital does too: headlines join two stories so
    ("Troops clash at the border; Malaysia urges restraint")."""
    return [piece for span in _sentences(text) for piece in _headline_parts(text, *span)]


def _headline_parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    line = text[start:end].rstrip()
    if not line or line[-1] in '.!?"”’)' or ";" not in line:
        return [(start, end)]
    parts, at = [], start
    for m in _HEADLINE_JOIN.finditer(text, start, end):
        parts.append((at, m.start()))
        at = m.end()
    parts.append((at, end))
    return [p for p in parts if p[1] > p[0]]


def _sentences(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _CANDIDATE.finditer(text):
        end = m.start()
        if text[end] != "\n":
            end += 1
            if _abbreviation_before(text, end):
                continue
        if end > start:
            spans.extend(_bounded(text, start, end))
        start = m.end()
    if start < len(text):
        spans.extend(_bounded(text, start, len(text)))
    return spans


def _bounded(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The span, cut at spaces into pieces of at most MAX_SENTENCE_CHARS."""
    pieces = []
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS)
        cut = cut if cut > start else start + MAX_SENTENCE_CHARS
        pieces.append((start, cut))
        start = cut + 1 if text[cut : cut + 1] == " " else cut
    if end > start:
        pieces.append((start, end))
    return pieces


def _abbreviation_before(text: str, end: int) -> bool:
    """Whether the full stop just before `end` belongs to an abbreviation. Hand-written: a regex search
    anchored at the end of a window costs several times more, at every candidate boundary."""
    i = end - 1
    j = i
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] == "."):
        j -= 1
    word = text[j:i]
    if not word:
        return False
    if "." in word:  # U.S., U.N.: the full stop may end the sentence, but a split here costs more than a merge
        return True
    return word.lower() in _NO_BREAK_AFTER or (len(word) == 1 and word.isupper())
