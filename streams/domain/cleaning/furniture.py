"""The furniture lexicon (data/furniture.tsv): does a line look like navigation, sharing, ads or legal text?"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

# How a word is commonly written with punctuation attached, for looking it up among a line's words.
_TRAILING = (".", ",", ":", ";", "!", "?", ")", "]", '"', "'", "...", ").", "),")
_LEADING = ("(", "[", '"', "'")
EDGE_PUNCTUATION = " \t.,:;!?|•·>»«<-–—*+=#()[]{}\"'"


def fold(line: str) -> str:
    """A line as the lexicon spells it: lower case, single spaces, no punctuation at the ends."""
    folded = line.lower().strip(EDGE_PUNCTUATION)
    return " ".join(folded.split()) if "  " in folded or "\t" in folded else folded


@dataclass(frozen=True)
class FurnitureLexicon:
    whole_lines: frozenset[str]
    story_ends: frozenset[str]
    starts: re.Pattern[str]
    start_words: frozenset[str]
    contains: re.Pattern[str]
    by_trigger: dict[str, re.Pattern[str]]
    described: tuple[tuple[str, str, str], ...]  # (kind, phrase, what it is), as the file has them

    def describe(self, folded: str) -> str | None:
        """What the first phrase that matches the line says it is ("share prompt"), or None. For messages,
        not for the hot path: it tries every phrase."""
        for kind, phrase, what in self.described:
            if (
                (kind in ("line", "end") and folded == phrase)
                or (kind == "start" and folded.startswith(phrase))
                or (kind == "contains" and phrase in folded)
            ):
                return what
        return None

    def whole_line(self, folded: str) -> bool:
        return folded in self.whole_lines

    def ends_story(self, folded: str) -> bool:
        return folded in self.story_ends

    def starts_line(self, folded: str) -> bool:
        # Most lines start with a word no phrase starts with: a set lookup spares them the expression.
        if folded.isascii() and folded.partition(" ")[0] not in self.start_words and folded[:1].isalnum():
            return False
        return self.starts.match(folded) is not None

    def found_in(self, folded: str, words: list[str]) -> bool:
        """Whether a `contains` phrase occurs in the line. `words` are the line's whitespace-separated words.

        One expression over all phrases is slow (it tries every alternative at every position), so each
        phrase is filed under its longest word (also as written with punctuation attached, "inbox." or
        "(image:"), and only the phrases filed under a word of the line are tried. Scripts that need not
        separate words by spaces get the full expression."""
        if not folded.isascii():
            return self.contains.search(folded) is not None
        by_trigger = self.by_trigger
        return any(by_trigger[word].search(folded) is not None for word in by_trigger.keys() & words)


def _alternation(phrases: list[str], *, anchored: bool) -> re.Pattern[str]:
    # Longest first so that a phrase is not shadowed by its own prefix; every branch is a literal, so the
    # match is linear in the line's length.
    body = "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))
    # A phrase must end at a word boundary, except where it already ends in punctuation ("related:").
    pattern = f"(?:{body})(?:(?<=\\W)|(?!\\w))"
    return re.compile(("^" if anchored else "") + pattern)


@cache
def lexicon() -> FurnitureLexicon:
    text = resources.files(__package__).joinpath("data/furniture.tsv").read_text("utf-8")
    by_kind: dict[str, list[str]] = {"line": [], "start": [], "contains": [], "end": []}
    described: list[tuple[str, str, str]] = []
    for row in text.splitlines():
        if not row.strip() or row.startswith("#"):
            continue
        kind, phrase, what = row.split("\t", 2)
        by_kind[kind].append(" ".join(phrase.lower().split()))
        described.append((kind, fold(phrase) if kind in ("line", "end") else by_kind[kind][-1], what.strip()))
    filed: dict[str, list[str]] = {}
    for phrase in by_kind["contains"]:
        word = max(phrase.split(), key=len).strip(EDGE_PUNCTUATION)
        for written in (word, *(word + mark for mark in _TRAILING), *(mark + word for mark in _LEADING)):
            filed.setdefault(written, []).append(phrase)
    return FurnitureLexicon(
        whole_lines=frozenset(fold(p) for p in by_kind["line"] + by_kind["end"]),
        story_ends=frozenset(fold(p) for p in by_kind["end"]),
        starts=_alternation(by_kind["start"], anchored=True),
        start_words=frozenset(phrase.partition(" ")[0] for phrase in by_kind["start"]),
        contains=_alternation(by_kind["contains"], anchored=False),
        by_trigger={word: _alternation(phrases, anchored=False) for word, phrases in filed.items()},
        described=tuple(described),
    )
