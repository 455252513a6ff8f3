"""Refuse input that is not an article or would cost too much to parse, before any parser sees it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources


class RejectedArticle(ValueError):
    """The article cannot be cleaned; `reason` says why in words fit for the dead-letter topic."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Limits:
    max_html_bytes: int
    max_html_tags: int
    max_html_depth: int
    max_unprintable_share: float


def _load_limits() -> Limits:
    raw = json.loads(resources.files(__package__).joinpath("data/limits.json").read_text("utf-8"))
    return Limits(**{key: value for key, value in raw.items() if not key.startswith("_")})


LIMITS = _load_limits()

# Control characters other than tab/newline/carriage return, and U+FFFD (what a decoder leaves of bytes it
# could not read).
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
# `[^<>]*` cannot run past the next "<", so a page full of unclosed "<a" costs linear time, not quadratic.
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^<>]*>")
# Elements that never take a closing tag, or whose closing tag HTML lets authors omit: counting them as opened
# would make every ordinary page look deep.
_NO_DEPTH = frozenset(
    (
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "p",
        "li",
        "option",
        "td",
        "tr",
        "th",
        "dt",
        "dd",
        "tbody",
        "thead",
        "tfoot",
        "colgroup",
    )
)


def byte_size_at_most(text: str, limit: int) -> bool:
    if len(text) > limit:  # every character is at least one byte
        return False
    if len(text) * 4 <= limit:  # and at most four
        return True
    return len(text.encode("utf-8", "surrogatepass")) <= limit


def check_size(text: str, limit: int, what: str) -> None:
    if not byte_size_at_most(text, limit):
        raise RejectedArticle(f"{what} larger than {limit} bytes")


def check_printable(text: str, what: str) -> None:
    if "\x00" in text:
        raise RejectedArticle(f"{what} contains NUL bytes: binary data, not text")
    sample = text[:20_000]
    unprintable = len(_UNPRINTABLE.findall(sample))
    if sample and unprintable > LIMITS.max_unprintable_share * len(sample):
        raise RejectedArticle(
            f"{what} is {unprintable / len(sample):.0%} control or undecodable characters: binary junk"
        )


def check_html_cost(html: str) -> None:
    """Reject pages whose size, tag count or nesting would make parsing slow or the tree useless."""
    check_size(html, LIMITS.max_html_bytes, "html")
    tags = html.count("<")
    if tags > LIMITS.max_html_tags:
        raise RejectedArticle(f"html has more than {LIMITS.max_html_tags} tags ({tags})")
    depth = deepest = 0
    for match in _TAG.finditer(html):
        name = match.group(2).lower()
        if name in _NO_DEPTH or match.group(0).endswith("/>"):
            continue
        if match.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > LIMITS.max_html_depth:
                    raise RejectedArticle(f"html nested deeper than {LIMITS.max_html_depth} elements")
