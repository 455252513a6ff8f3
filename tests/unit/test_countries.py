"""Country recognition on sentences written for these tests."""

from __future__ import annotations

from datetime import date

import pytest

from streams.domain.countries import find_countries


def countries(text: str, at: date | None = None) -> list[str | None]:
    return [m.country for m in find_countries(text, at=at) if m.kind not in {"media", "state_media"}]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Kremlin rejected the proposal.", ["RUS"]),
        ("Pyongyang fired two missiles.", ["PRK"]),
        ("Officials in Washington and Beijing traded barbs.", ["USA", "CHN"]),
        ("Downing Street declined to comment.", ["GBR"]),
        ("The U.S. and the UK issued a statement.", ["USA", "GBR"]),
        ("Kenyan troops and Somali police patrolled the town.", ["KEN", "SOM"]),
        ("The People's Liberation Army held drills.", ["CHN"]),
        ("The DPRK-Russia summit ended.", ["PRK", "RUS"]),
        ("Ukrainians queued for bread in Kyiv.", ["UKR", "UKR"]),
    ],
)
def test_names_demonyms_seats_and_bodies(text: str, expected: list[str]) -> None:
    assert countries(text) == expected


def test_longest_match_prefers_the_full_name() -> None:
    mentions = find_countries("South Korean and North Korean officials met at the border.")
    assert [m.country for m in mentions] == ["KOR", "PRK"]
    assert [m.text for m in mentions] == ["South Korean", "North Korean"]


def test_a_newspaper_named_after_a_country_is_not_that_country_acting() -> None:
    mentions = find_countries("Write to the Korea JoongAng Daily about this story.")
    assert all(m.kind == "media" for m in mentions)
    assert "KOR" not in countries("Write to the Korea JoongAng Daily about this story.")


def test_the_north_korean_state_agency_is_not_south_korea() -> None:
    mentions = find_countries("The Korean Central News Agency said the launch succeeded.")
    assert [(m.country, m.kind) for m in mentions] == [("PRK", "state_media")]


def test_korean_alone_needs_context() -> None:
    assert countries("Korean officials declined to comment.") == []
    assert countries("North Korea said Korean soldiers were on alert.") == ["PRK", "PRK"]
    assert countries("Seoul said Korean soldiers were on alert.") == ["KOR", "KOR"]


def test_shadowing_phrases_are_not_countries() -> None:
    assert countries("Tensions rose on the Korean Peninsula.") == []
    assert countries("Ships sailed through the South China Sea.") == []
    assert countries("He studied Latin American history in New Mexico.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Michael Jordan visited Amman.", ["JOR"]),
        ("Jordan closed its border.", ["JOR"]),
        ("Chad Smith played the drums.", []),
        ("Chad's army moved north.", ["TCD"]),
        ("We ate turkey and stuffing.", []),
        ("Turkey hosted the talks.", ["TUR"]),
        ("let us talk about it", []),
    ],
)
def test_country_names_that_are_also_words_or_given_names(text: str, expected: list[str]) -> None:
    assert countries(text) == expected


def test_georgia_the_us_state_is_dropped_when_the_article_is_about_us_politics() -> None:
    assert countries("The governor of Georgia signed the bill in Atlanta.") == []
    assert countries("Georgia and Russia fought a war in 2008.") == ["GEO", "RUS"]
    assert countries("Georgia's prime minister spoke in Tbilisi about Atlanta.") == ["GEO", "GEO"]


def test_the_two_congos() -> None:
    assert countries("The Democratic Republic of Congo accused Rwanda.") == ["COD", "RWA"]
    assert countries("The Republic of Congo held elections.") == ["COG"]
    assert countries("Brazzaville said Congo would reopen the river port.") == ["COG", "COG"]
    assert countries("Congo said the rebels had withdrawn.") == ["COD"]


def test_leaders_are_resolved_at_the_article_date() -> None:
    sentence = "Biden met Trump."
    assert countries(sentence, at=date(2023, 6, 1)) == ["USA"]
    assert countries(sentence, at=date(2019, 6, 1)) == ["USA"]
    assert countries(sentence, at=date(2025, 6, 1)) == ["USA"]
    assert countries("Biden spoke.", at=date(2025, 6, 1)) == []
    assert countries("Trump spoke.", at=date(2022, 6, 1)) == []
    assert countries("Mark Rutte spoke.", at=date(2020, 1, 1)) == ["NLD"]
    assert countries("Mark Rutte spoke.", at=date(2025, 1, 1)) == []


def test_a_common_surname_counts_only_after_the_full_name() -> None:
    assert countries("Kim arrived on Tuesday.", at=date(2024, 1, 1)) == []
    assert countries("Kim Jong-un arrived. Kim then left.", at=date(2024, 1, 1)) == ["PRK", "PRK"]
    assert countries("Xi Jinping arrived. Xi then left.", at=date(2024, 1, 1)) == ["CHN", "CHN"]


def test_spelling_variants_of_a_name() -> None:
    assert countries("Kim Jong Un met Volodymyr Zelenskyy.", at=date(2024, 1, 1)) == ["PRK", "UKR"]
    assert countries("NORTH KOREA FIRES MISSILES") == ["PRK"]
