"""clean_article: one raw article event in, its headline and story text out, or RejectedArticle."""

from __future__ import annotations

from dataclasses import dataclass

from lxml.html import HtmlElement
from trafilatura.utils import load_html

from streams.domain.cleaning.flattened import clean_flattened, describe_removed
from streams.domain.cleaning.guard import RejectedArticle, check_html_cost, check_printable, check_size
from streams.domain.cleaning.headline import headline_candidates
from streams.domain.cleaning.html import extract_from_html
from streams.domain.cleaning.settings import DEFAULT_SETTINGS, Settings
from streams.domain.cleaning.unicode import normalise_line, normalise_text
from streams.models import RawArticle

# Elements whose text a reader never sees.
_INVISIBLE = ("script", "style", "noscript", "template")


@dataclass(frozen=True)
class CleanText:
    title: str | None
    text: str


def clean_article(
    raw: RawArticle, *, max_body_bytes: int = 2_000_000, settings: Settings = DEFAULT_SETTINGS
) -> CleanText:
    """Headline and story text of `raw`: from its HTML when it has some, else from its flattened body.

    Raises RejectedArticle when the input is too large, binary, too costly to parse, or yields no text; for
    the last, the reason says what the lines that were removed were.
    """
    title = normalise_line(normalise_text(raw.title)) if raw.title else None
    if raw.html and raw.html.strip():
        check_size(raw.html, max_body_bytes, "html")
        check_printable(raw.html, "html")
        check_html_cost(raw.html)
        headline, text = extract_from_html(raw.html, title, settings)
        if not text.strip():
            raise RejectedArticle(f"no article text found ({_removed_from_page(raw.html, title)})")
    else:
        check_size(raw.body or "", max_body_bytes, "body")
        check_printable(raw.body or "", "body")
        body = normalise_text(raw.body or "")
        headline, text = clean_flattened(body, title, settings)
        if not text.strip():
            raise RejectedArticle(f"no article text found ({_removed_from_text(body, title)})")
    return CleanText(title=title or (normalise_line(headline) if headline else None), text=text)


def _removed_from_text(body: str, title: str | None) -> str:
    lines = [line for line in map(str.strip, body.split("\n")) if line]
    if not lines:
        return "the body is empty"
    return describe_removed(lines, headline_candidates(lines[0], title))


def _removed_from_page(html: str, title: str | None) -> str:
    tree = load_html(html)
    if not isinstance(tree, HtmlElement):
        return "the page could not be parsed"
    body = tree.find("body")
    root = tree if body is None else body
    for element in list(root.iter(*_INVISIBLE)):
        element.drop_tree()
    lines = [" ".join(text.split()) for text in root.itertext()]
    lines = [normalise_line(line) for line in lines if line]
    if not lines:
        return "the page has no visible text"
    return describe_removed(lines, headline_candidates(lines[0], title))


__all__ = ["CleanText", "RejectedArticle", "clean_article"]
