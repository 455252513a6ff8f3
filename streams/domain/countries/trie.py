"""One regular expression for thousands of phrases: a character trie turned into nested alternations.

Python's `re` walks a trie-shaped pattern in C, so a 4 KB article is scanned for every gazetteer or cue phrase
in one pass instead of a Python loop over phrases. The optional continuation at each node is greedy, so at a
given position the longest phrase wins ("South Korean" over "South", "Korea JoongAng Daily" over "Korea").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_SEPARATORS = re.compile(r"[\s\-‐‑–]+")
_SEP = "\x00"  # a run of spaces or hyphens: "Kim Jong-un" = "Kim Jong Un"
_APOS = "\x01"  # straight or curly apostrophe


@lru_cache(maxsize=1 << 16)
def normalise(phrase: str) -> str:
    """The key a phrase and its matches share: lower case, one space for any run of spaces and hyphens."""
    return _SEPARATORS.sub(" ", phrase.lower().replace("’", "'")).strip()


def trie_regex(phrases: Iterable[str], *, flags: int = 0) -> re.Pattern[str]:
    """A pattern matching any of the phrases, longest first at each position, ending at a word boundary.

    Case-sensitive callers pass every spelling they accept (as written, capitalised, upper case): a
    case-insensitive scan costs three times as much. The left word boundary is not in the pattern (a leading
    look-behind stops the engine from skipping ahead on the first characters); callers check it per match.
    """
    root: dict[str, dict] = {}  # type: ignore[type-arg]
    for phrase in phrases:
        node = root
        for ch in _SEPARATORS.sub(_SEP, phrase.strip().replace("’", "'")).replace("'", _APOS):
            node = node.setdefault(ch, {})
        node[""] = {}
    return re.compile(_node_regex(root) + r"(?![\w])", flags)


def spellings(phrase: str) -> set[str]:
    """The spellings of a gazetteer phrase worth matching: as written, capitalised, title case, upper case."""
    return {
        phrase,
        phrase[:1].upper() + phrase[1:],
        phrase.upper(),
        " ".join(w[:1].upper() + w[1:] for w in phrase.split(" ")),
    }


def _unit(ch: str) -> str:
    if ch == _SEP:
        return r"[\s\-‐‑–]+"
    if ch == _APOS:
        return "['’]"
    return re.escape(ch)


def _node_regex(node: dict) -> str:  # type: ignore[type-arg]
    branches = [_unit(ch) + _node_regex(child) for ch, child in node.items() if ch != ""]
    if not branches:
        return ""
    inner = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:  # a phrase ends here and longer ones go on: try the longer ones first
        return inner + "?" if inner.startswith("(?:") and len(branches) > 1 else f"(?:{inner})?"
    return inner
