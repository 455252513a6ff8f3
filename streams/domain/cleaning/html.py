"""Story text from a page's HTML: trafilatura set for news, then the headline kept out of the body.

trafilatura runs without comments (reader comments are not the story) and in its precision mode (it drops
teaser lists and link blocks it would otherwise keep); on news pages that gains far more precision than it
costs recall, and it is faster. The headline is taken from the page's own metadata (og:title, then <title>)
and removed where the extractor repeats it at the top of the text.
"""

from __future__ import annotations

import html as html_entities
import re

import trafilatura

from streams.domain.cleaning.flattened import headline_variants, is_headline_line

# Every pattern below is bounded by "<" or ">" on both sides, so a scan never runs past the next tag: linear
# time on any input.
_META = re.compile(r"<meta\s[^<>]*>", re.IGNORECASE)
_OG_TITLE = re.compile(r"""property\s*=\s*["']og:title["']""", re.IGNORECASE)
_CONTENT = re.compile(r"""content\s*=\s*(?:"([^"<>]*)"|'([^'<>]*)')""", re.IGNORECASE)
_TITLE = re.compile(r"<title[^<>]*>([^<]*)</title", re.IGNORECASE)
# Metadata sits in <head>; looking further only costs time.
_HEAD_CHARS = 200_000
# The extractor puts the headline, if at all, among the first lines.
_HEADLINE_SEARCH_LINES = 3


def page_headline(html: str) -> tuple[str | None, str | None]:
    """(og:title, <title>) of the page, entities decoded; either may be None."""
    head = html[:_HEAD_CHARS]
    og_title = None
    for meta in _META.finditer(head):
        tag = meta.group(0)
        if _OG_TITLE.search(tag):
            content = _CONTENT.search(tag)
            if content:
                og_title = html_entities.unescape(content.group(1) or content.group(2) or "").strip() or None
                break
    title_match = _TITLE.search(head)
    page_title = html_entities.unescape(title_match.group(1)).strip() or None if title_match else None
    return og_title, page_title


def extract_from_html(html: str, title: str | None) -> tuple[str | None, str]:
    """(headline, story text) of a page; `title`, when the event carries one, is the headline."""
    text = trafilatura.extract(html, include_comments=False, favor_precision=True) or ""
    og_title, page_title = page_headline(html)
    headline = title or og_title or (headline_variants(page_title)[-1] if page_title else None)
    candidates = [variant for source in (title, og_title, page_title) for variant in headline_variants(source)]
    lines = text.split("\n")
    for index in range(min(_HEADLINE_SEARCH_LINES, len(lines))):
        if is_headline_line(lines[index], candidates):
            del lines[index]
            break
    return headline, "\n".join(lines)
