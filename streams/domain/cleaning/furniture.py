"""The furniture lexicon (data/furniture.tsv): does a line look like navigation, sharing, ads or legal text?"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

_EDGE_PUNCTUATION = " \t.,:;!?|•·>»«<-–—*+=#()[]{}\"'"


def fold(line: str) -> str:
    """A line as the lexicon spells it: lower case, single spaces, no punctuation at the ends."""
    folded = line.lower().strip(_EDGE_PUNCTUATION)
    return " ".join(folded.split()) if "  " in folded or "\t" in folded else folded


@dataclass(frozen=True)
class FurnitureLexicon:
    whole_lines: frozenset[str]
    starts: re.Pattern[str]
    contains: re.Pattern[str]
    triggers: frozenset[str]

    def whole_line(self, folded: str) -> bool:
        return folded in self.whole_lines

    def starts_line(self, folded: str) -> bool:
        return self.starts.match(folded) is not None

    def found_in(self, folded: str, words: list[str]) -> bool:
        """Whether a `contains` phrase occurs in the line. `words` are the line's whitespace-separated words:
        the regular expression (slow over many alternatives) runs only when one of them is the longest word of
        some phrase, or when the line is in a script whose words need not be separated by spaces."""
        if folded.isascii() and self.triggers.isdisjoint(words):
            trimmed = [w.strip(_EDGE_PUNCTUATION) for w in words if not (w[0].isalnum() and w[-1].isalnum())]
            if self.triggers.isdisjoint(trimmed):
                return False
        return self.contains.search(folded) is not None


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
    by_kind: dict[str, list[str]] = {"line": [], "start": [], "contains": []}
    for row in text.splitlines():
        if not row.strip() or row.startswith("#"):
            continue
        kind, phrase, _what = row.split("\t", 2)
        by_kind[kind].append(" ".join(phrase.lower().split()))
    return FurnitureLexicon(
        whole_lines=frozenset(fold(p) for p in by_kind["line"]),
        starts=_alternation(by_kind["start"], anchored=True),
        contains=_alternation(by_kind["contains"], anchored=False),
        triggers=frozenset(
            max(phrase.split(), key=len).strip(_EDGE_PUNCTUATION) for phrase in by_kind["contains"]
        ),
    )
