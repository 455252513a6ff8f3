"""Unicode repair and normalisation."""

from __future__ import annotations

import pytest

from streams.domain.cleaning.unicode import normalise_line, normalise_text


def test_utf8_read_as_windows_1252_is_repaired() -> None:
    broken = (
        "The minister\u00e2\u20ac\u2122s visit to Malm\u00c3\u00b6 was "
        "\u00e2\u20ac\u0153productive\u00e2\u20ac\x9d."
    )
    assert normalise_text(broken) == "The minister's visit to Malmö was \"productive\"."


def test_curly_quotes_fold_to_ascii_and_guillemets_stay() -> None:
    curly = "\u201cYes,\u201d she said, \u2018maybe\u2019 \u00abnon\u00bb"
    assert normalise_text(curly) == "\"Yes,\" she said, 'maybe' «non»"


@pytest.mark.parametrize(
    "text",
    [
        "北京市人民政府今天宣布。",
        "서울에서 정상회담이 열렸다.",
        "Переговоры в Москве завершились.",
        "محادثات في القاهرة",
        "全角：ＡＢＣ",  # full-width forms stay full width
    ],
)
def test_non_latin_text_is_untouched(text: str) -> None:
    assert normalise_text(text) == text


def test_decomposed_accents_are_composed() -> None:
    assert normalise_text("Cafe\u0301 in Zu\u0308rich") == "Café in Zürich"


def test_odd_spaces_invisible_characters_and_line_breaks() -> None:
    text = "Kim\u00a0Jong-un\u200b met\u2003\u2003Putin\r\nin\tPyongyang\u2028soft\u00adhyphen\x07"
    assert normalise_text(text) == "Kim Jong-un met Putin\nin Pyongyang\nsofthyphen"


def test_normalise_line_collapses_and_strips() -> None:
    assert normalise_line("  Kim \u00a0 Jong-un \n sends  message ") == "Kim Jong-un sends message"
