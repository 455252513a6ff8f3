"""The HTML path on an invented news page."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.domain.cleaning import clean_article
from streams.models import RawArticle

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "cleaning"


@pytest.fixture(scope="module")
def cleaned() -> tuple[str | None, str]:
    raw = RawArticle(id="harbour-html", html=(FIXTURES / "harbour-talks.html").read_text("utf-8"))
    result = clean_article(raw, max_body_bytes=1_000_000)
    return result.title, result.text


def test_story_paragraphs_are_extracted(cleaned: tuple[str | None, str]) -> None:
    _, text = cleaned
    for opening in (
        "Fisheries ministers from Norland and Estmark",
        "The deal, struck after fourteen hours",
        "Her Estmark counterpart said",
        "Fishing associations on both sides",
    ):
        assert opening in text


def test_entities_and_quotes_are_normalised(cleaned: tuple[str | None, str]) -> None:
    _, text = cleaned
    assert "last year's level" in text
    assert '"Nobody got everything they wanted' in text


@pytest.mark.parametrize(
    "furniture",
    ["Log in", "Subscribe", "Related Articles", "Harbour workers strike", "common sense from both capitals",
     "To post a comment", "All rights reserved", "Privacy policy"],
)
def test_page_furniture_and_comments_are_left_out(cleaned: tuple[str | None, str], furniture: str) -> None:
    _, text = cleaned
    assert furniture not in text


def test_headline_is_the_title_once_and_not_repeated_in_the_text(cleaned: tuple[str | None, str]) -> None:
    title, text = cleaned
    assert title == "Ministers agree fishing quota deal after all-night talks"
    assert "Ministers agree fishing quota deal" not in text
