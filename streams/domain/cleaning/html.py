"""Story text from a page's HTML: trafilatura set for news, second runs where it is unsure, the headline kept
out of the body.

trafilatura runs without comments (reader comments are not the story), in its precision mode and with its
fallbacks (benchmarks/extraction.py chooses these among its trade-offs fold by fold). Precision mode skips
the rescues of the balanced mode (the baseline rescue of a short result, the recall retry of a result that
covers little of the page), and on a short story above longer teasers it returns nothing; so where the
precision run is empty, or short for its page, it is not trusted and trafilatura runs again (_run_trafilatura;
the gate and ratio are trafilatura's own for its recall retry, data/thresholds.json). The layer on top drops
the headline once at the top and lines that read as furniture, but never most of what trafilatura kept;
where the page split its story over several containers of one kind and trafilatura kept the first, it adds
the rest (split_body.py).
"""

from __future__ import annotations

import html as html_entities
import re

import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from streams.domain.cleaning.flattened import judge_page
from streams.domain.cleaning.headline import headline_variants, is_headline_line
from streams.domain.cleaning.settings import DEFAULT_SETTINGS, Settings
from streams.domain.cleaning.split_body import is_prose, page_paragraphs, recover_split_body
from streams.domain.cleaning.thresholds import thresholds
from streams.domain.cleaning.unicode import normalise_line, normalise_text

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


def _run_trafilatura(html: str, tree: HtmlElement, page_chars: int, settings: Settings) -> str:
    """trafilatura's text of the page (`tree` is pruned in place), run again where a precision run is empty,
    or short for its page (`page_chars`: the length of its paragraphs' text) as trafilatura's balanced mode
    would retry it.

    The retries, in order: trafilatura's main extractor alone, without its comparison against readability
    and jusText (on a short story above longer teasers that comparison discards the story, and precision mode
    then returns nothing); then its balanced mode, with the rescues precision mode skips, whose text must be
    at least recheck_min_chars long (below that its rescues return menus). A retry replaces an empty text, or
    a short one when it is clearly longer."""
    precision = settings.focus == "precision"
    text = (
        trafilatura.extract(
            tree,
            include_comments=False,
            favor_precision=precision,
            favor_recall=settings.focus == "recall",
            fast=not settings.fallbacks,
        )
        or ""
    )
    if not precision:
        return text
    limits = thresholds()
    if text and (len(text) >= limits.recheck_max_chars or len(text) >= limits.recheck_page_share * page_chars):
        return text
    for balanced in (False, True) if settings.fallbacks else (True,):
        # from the page itself: the first run pruned the parsed tree
        retry = trafilatura.extract(html, include_comments=False, favor_precision=not balanced, fast=not balanced)
        floor = limits.recheck_min_chars if balanced else 1
        if retry and len(retry) >= floor and len(retry) > limits.recheck_accept_ratio * len(text):
            return retry
    return text


def extract_from_html(html: str, title: str | None, settings: Settings = DEFAULT_SETTINGS) -> tuple[str | None, str]:
    """(headline, story text) of a page; `title`, when the event carries one, is the headline."""
    tree = load_html(html)
    if tree is None:
        return title, ""
    paragraphs = page_paragraphs(tree)  # before extraction, which prunes the tree in place
    # What a story's text is measured against: the length of the text of the page's <p> paragraphs.
    page_chars = sum(len(paragraph.text) for paragraph in paragraphs)
    extracted = _run_trafilatura(html, tree, page_chars, settings)
    lines = recover_split_body([line.strip() for line in extracted.split("\n") if line.strip()], paragraphs)
    lines = [line.strip() for line in normalise_text("\n".join(lines)).split("\n") if line.strip()]
    og_title, page_title = (normalise_line(t) if t else None for t in page_headline(html))
    headline = title or og_title or (headline_variants(page_title)[-1] if page_title else None)
    candidates = [variant for source in (title, og_title, page_title) for variant in headline_variants(source)]
    for index in range(min(_HEADLINE_SEARCH_LINES, len(lines))):
        if is_headline_line(lines[index], candidates):
            del lines[index]  # once: a story may quote its own headline further down
            break
    if not settings.drop_furniture:
        return headline, "\n".join(lines)
    # The extractor has already chosen the story's region; within it, lines that read as furniture (share
    # and subscription prompts, tag lists, datelines) are dropped; the headline is not looked for again. Not
    # when that would drop much of what the extractor chose, paragraphs among it: then the judge, not the
    # extractor, is the one likely wrong.
    limits = thresholds()
    story_max_words = settings.story_furniture_max_words or limits.story_furniture_max_words
    page = judge_page(lines, [], whole_page=False, furniture_max_words=story_max_words)
    kept = [line for line, drop in zip(lines, page.furniture, strict=True) if not drop]
    if sum(map(len, kept)) < (1 - limits.max_furniture_share) * sum(map(len, lines)) and any(
        drop and is_prose(line, limits.long_words)
        for line, drop in zip(lines, page.furniture, strict=True)
    ):
        kept = lines
    return headline, "\n".join(kept)
