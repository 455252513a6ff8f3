"""The flattened-text cleaner on invented pages: story kept whole, furniture gone, headline once."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.domain.cleaning import clean_article
from streams.models import RawArticle

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "cleaning"

STORY_OPENINGS = [
    "Fisheries ministers from Norland and Estmark reached an agreement",
    "The deal, struck after fourteen hours of talks",
    '"Nobody got everything they wanted, but the boats',
    "Her Estmark counterpart said the inspection service",
    "Fishing associations on both sides of the border",
]


@pytest.fixture(scope="module")
def harbour() -> tuple[str | None, str]:
    raw = RawArticle(id="harbour-1", body=(FIXTURES / "harbour-talks.txt").read_text("utf-8"))
    cleaned = clean_article(raw, max_body_bytes=1_000_000)
    return cleaned.title, cleaned.text


def test_every_story_paragraph_is_kept_in_order(harbour: tuple[str | None, str]) -> None:
    _, text = harbour
    positions = [text.find(opening) for opening in STORY_OPENINGS]
    assert all(p >= 0 for p in positions), positions
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    "furniture",
    [
        "Skip to content",
        "Home > World > Europe",
        "Tweet",
        "marta.lindqvist@coastalledger.example",
        "Published: 14 March",
        "Advertisement",
        "Related Articles",
        "Harbour workers strike over pension plans",
        "Read more:",
        "To post a comment",
        "Be the first to comment",
        "Five things to see",
        "Privacy policy",
        "All rights reserved",
        "The Coastal Ledger",
    ],
)
def test_furniture_is_removed(harbour: tuple[str | None, str], furniture: str) -> None:
    _, text = harbour
    assert furniture not in text


def test_headline_goes_to_the_title_and_not_into_the_text(harbour: tuple[str | None, str]) -> None:
    title, text = harbour
    assert title == "Ministers agree fishing quota deal after all-night talks"
    assert "Ministers agree fishing quota deal" not in text


def test_repeated_caption_appears_at_most_once(harbour: tuple[str | None, str]) -> None:
    _, text = harbour
    assert text.count("Trawlers moored in the harbour") <= 1


def test_given_title_is_kept_and_removed_from_the_text() -> None:
    body = (FIXTURES / "harbour-talks.txt").read_text("utf-8")
    raw = RawArticle(id="harbour-2", title="Ministers agree fishing quota deal after all-night talks", body=body)
    cleaned = clean_article(raw, max_body_bytes=1_000_000)
    assert cleaned.title == "Ministers agree fishing quota deal after all-night talks"
    assert "all-night talks" not in cleaned.text


def test_cyrillic_page_keeps_its_story_and_drops_its_menus() -> None:
    raw = RawArticle(id="grain-uk", body=(FIXTURES / "kyiv-grain-uk.txt").read_text("utf-8"))
    cleaned = clean_article(raw, max_body_bytes=1_000_000)
    assert cleaned.title == "Зерновий коридор працюватиме й узимку"
    assert cleaned.text.startswith("Уряд заявив, що морський коридор")
    assert "п'яту частину" in cleaned.text  # the apostrophe survives quote folding
    for furniture in ("Головна", "Поділитися", "Коментарі", "Читайте також", "©"):
        assert furniture not in cleaned.text


def test_a_page_of_only_furniture_is_rejected_not_passed_on_empty() -> None:
    from streams.domain.cleaning import RejectedArticle

    raw = RawArticle(id="menu-only", body="Home\nWorld\nSport\nLog in\nSubscribe\n© 2025 Example News")
    with pytest.raises(RejectedArticle, match="no article text"):
        clean_article(raw, max_body_bytes=1_000_000)
