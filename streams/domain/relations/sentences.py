"""Sentence boundaries by one regex pass, with a check for abbreviations ("Gen.", "U.S.") at each candidate."""

from __future__ import annotations

import re

# Starts with a character class so that the engine can skip ahead quickly (a leading look-behind cannot).
_CANDIDATE = re.compile(r"\n+|[.!?][\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_WORD_BEFORE = re.compile(r"([\w.]+)[.!?][\"”’')\]]*\s*$")

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


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) character spans of the sentences of `text`; a line break always ends a sentence."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _CANDIDATE.finditer(text):
        end = m.start()
        if text[end] != "\n":
            end += 1
            if _abbreviation_before(text, end):
                continue
        if end > start:
            spans.append((start, end))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _abbreviation_before(text: str, end: int) -> bool:
    m = _WORD_BEFORE.search(text, max(0, end - 24), end)
    if m is None:
        return False
    word = m.group(1)
    if "." in word:  # U.S., U.N.: the full stop may end the sentence, but a split here costs more than a merge
        return True
    return word.lower() in _NO_BREAK_AFTER or (len(word) == 1 and word.isupper())
