"""clean_article: one raw article event in, its headline and story text out, or RejectedArticle."""

from __future__ import annotations

from dataclasses import dataclass

from streams.domain.cleaning.flattened import clean_flattened
from streams.domain.cleaning.guard import RejectedArticle, check_html_cost, check_printable, check_size
from streams.domain.cleaning.html import extract_from_html
from streams.domain.cleaning.unicode import normalise_line, normalise_text
from streams.models import RawArticle


@dataclass(frozen=True)
class CleanText:
    title: str | None
    text: str


def clean_article(raw: RawArticle, *, max_body_bytes: int = 2_000_000) -> CleanText:
    """Headline and story text of `raw`: from its HTML when it has some, else from its flattened body.

    Raises RejectedArticle when the input is too large, binary, too costly to parse, or yields no text.
    """
    title = normalise_line(normalise_text(raw.title)) if raw.title else None
    if raw.html and raw.html.strip():
        check_size(raw.html, max_body_bytes, "html")
        check_printable(raw.html, "html")
        check_html_cost(raw.html)
        headline, text = extract_from_html(raw.html, title)
    else:
        body = raw.body or ""
        check_size(body, max_body_bytes, "body")
        check_printable(body, "body")
        headline, text = clean_flattened(normalise_text(body), title)
    if not text.strip():
        raise RejectedArticle("no article text found")
    return CleanText(title=title or (normalise_line(headline) if headline else None), text=text)


__all__ = ["CleanText", "RejectedArticle", "clean_article"]
