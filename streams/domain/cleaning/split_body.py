"""A story the page split into several containers of one kind, of which trafilatura kept the first.

trafilatura takes the story from the first element its body expressions match (the `[1]` of BODY_XPATH in
trafilatura/xpaths.py), and stops there: adding elements usually adds noise (its maintainer,
adbar/trafilatura#488, on a page whose text sits in several `<div class="text">`). Pages that break a long story
around ads, embeds or a paywall boundary into several containers of the same tag and class then lose all but the
first. Readability keeps such parts ("content split by ads"): it appends the siblings of the element it chose that
share its class. The same holds here, within guards: the story trafilatura kept must come from containers of that
kind, and the ones it left out must hold prose of their own, after the story's start (trafilatura took the first
of them, so the rest follow it on the page).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml.html import HtmlElement

from streams.domain.cleaning.thresholds import thresholds

_SENTENCE_END = ".!?\"'”’»。"


@dataclass(frozen=True)
class Paragraph:
    text: str  # whitespace collapsed, as trafilatura writes a paragraph's line
    container: int  # index of its parent element among the page's paragraph containers
    kind: tuple[str, str] | None  # the parent's (tag, class); None for a parent without a class


def page_paragraphs(tree: HtmlElement) -> list[Paragraph]:
    """Every non-empty <p> of the page in page order, with its container (its parent element). Read before
    trafilatura runs, which prunes the tree in place."""
    containers: dict[HtmlElement, int] = {}
    found: list[Paragraph] = []
    for element in tree.iter("p"):
        text = " ".join(element.text_content().split())
        if not text:
            continue
        parent = element.getparent()
        if parent is None:
            continue
        container = containers.setdefault(parent, len(containers))
        css_class = " ".join((parent.get("class") or "").split())
        found.append(Paragraph(text, container, (str(parent.tag), css_class) if css_class else None))
    return found


def is_prose(text: str, long_words: int) -> bool:
    """A line that ends a sentence and is long enough to be one of the story's (not a label or a teaser)."""
    return text[-1] in _SENTENCE_END and text.count(" ") + 1 >= long_words


def recover_split_body(lines: list[str], paragraphs: list[Paragraph]) -> list[str]:
    """`lines` (trafilatura's text, one line a paragraph) with the paragraphs of the other containers of the
    story's kind, each placed after the line that precedes it on the page.

    The story's kind is the container kind (tag and class; a bare <div> is no kind) that most kept paragraphs
    come from, at least split_body_min_paragraphs of them. A container of that kind from which nothing was
    kept, below the story's first kept paragraph, is the story's too when such containers hold at least
    split_body_min_paragraphs prose paragraphs between them (long_words words, ending as a sentence): one or
    two stray ones are more likely a blurb trafilatura rejected for good reason (an author's note, a pitch).
    The containers with prose among them are added whole, short paragraphs too; the furniture judge then looks
    at their lines as at the rest."""
    limits = thresholds()
    least = limits.split_body_min_paragraphs
    kept_lines = set(lines)
    kept = [index for index, paragraph in enumerate(paragraphs) if paragraph.text in kept_lines]
    by_kind: dict[tuple[str, str], int] = {}
    for index in kept:
        kind = paragraphs[index].kind
        if kind is not None:
            by_kind[kind] = by_kind.get(kind, 0) + 1
    if not by_kind:
        return lines
    story_kind, count = max(by_kind.items(), key=lambda item: item[1])
    if count < least:
        return lines
    drawn_from = {paragraphs[index].container for index in kept}
    left_out = [
        index
        for index in range(kept[0] + 1, len(paragraphs))
        if paragraphs[index].kind == story_kind
        and paragraphs[index].container not in drawn_from
        and paragraphs[index].text not in kept_lines
    ]
    prose = [index for index in left_out if is_prose(paragraphs[index].text, limits.long_words)]
    if len(prose) < least:
        return lines
    with_prose = {paragraphs[index].container for index in prose}
    missed = [index for index in left_out if paragraphs[index].container in with_prose]
    # Each recovered paragraph goes after the kept line that precedes it on the page; a kept line that is no
    # <p> of the page (a heading, a list item) stays after its predecessor.
    position_of = {paragraphs[index].text: index for index in kept}
    placed: list[tuple[float, int, str]] = []
    last = -1.0
    for order, line in enumerate(lines):
        position = position_of.get(line)
        if position is not None:
            last = float(position)
        placed.append((last, order, line))
    placed.extend((float(index), len(lines) + index, paragraphs[index].text) for index in missed)
    return [line for _, _, line in sorted(placed)]
