"""A change promised, wished or supposed is not a change reported."""

import pytest

from streams.domain.relations import relate


def trend_of(sentence: str, pair: str) -> str | None:
    found = {r.pair: r for r in relate(sentence)}
    assert pair in found, f"{pair} not found in {sorted(found)}"
    return found[pair].trend


@pytest.mark.parametrize(
    "sentence",
    [
        "Chile and Peru pledged to strengthen their partnership at the summit.",
        "Officials said relations between Chile and Peru could improve after the summit.",
        "Chile urged Peru to improve relations and reopen the border.",
        "Chile and Peru vowed closer cooperation on fisheries.",
    ],
)
def test_an_unrealised_change_is_not_a_trend(sentence: str) -> None:
    assert trend_of(sentence, "CHL-PER") is None


@pytest.mark.parametrize(
    ("sentence", "trend"),
    [
        ("Relations between Chile and Peru have improved markedly this year.", "warming"),
        ("Ties between Chile and Peru have cooled since the border dispute.", "cooling"),
    ],
)
def test_a_stated_change_is_a_trend(sentence: str, trend: str) -> None:
    assert trend_of(sentence, "CHL-PER") == trend
