"""Hostile input never escapes the documented rejection: decoding raises only BadEvent, cleaning only StageError,
`analyze` never raises, and inputs built to make parsers or regular expressions go quadratic finish.

The property tests draw arbitrary bytes, arbitrary JSON, mutated valid events and articles full of control
characters, markup and odd Unicode. The pathological cases are fixed examples of a size (~200 KB) that a linear
pass handles in about a second and a quadratic one not in minutes; the module's timeout is their hang guard.
"""

from __future__ import annotations

import json
import string

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streams.models import CleanArticle, RawArticle
from streams.pipeline import Cleaner, StageError, analyze_event
from streams.topics import RAW, BadEvent

# A hang guard, not a speed test: the slowest honest case here takes seconds.
pytestmark = pytest.mark.timeout(120)

FIELDS = ["id", "body", "html", "title", "url", "source", "published_at", "language"]
GOOD = {"id": "a-1", "body": "France and Japan signed an agreement to expand trade in grain."}
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
# Characters that break naive code: controls (NUL included), markup, quotes, zero-width and bidi marks,
# combining accents, fullwidth and astral characters, line and paragraph separators.
nasty_chars = st.sampled_from([
    *"\x00\x01\x07\x0b\x0c\x1b\x7f\t\r\n <>&;\"'\\/=!-.:,()[]{}",
    "\u200b", "\u200d", "\u202e", "\u2066", "\u0301", "\ufeff", "\ufffd", "\u2028", "\u2029", "\uff21", "\U0001F600",
    "\u00a0", "\u3000",
])
nasty_text = st.text(alphabet=nasty_chars | st.characters(codec="utf-8"), max_size=400)
words = st.lists(
    st.sampled_from(["France", "Japan", "the", "and", "signed", "accused", "<p>", "</div>", "<div", "<!--",
                     "Mr.", "...", "ties", "have", "cooled", "\n", "\n\n", "Share", "Log in"]) | nasty_text,
    max_size=60,
).map(" ".join)


def _decodes_or_refuses(value: bytes | None) -> RawArticle | None:
    try:
        return RAW.decode(value)
    except BadEvent as exc:
        assert str(exc), "a refusal must say why"
        return None


@PROPERTY_SETTINGS
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_decode_or_are_refused(value: bytes) -> None:
    _decodes_or_refuses(value)


@PROPERTY_SETTINGS
@given(st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=10), json_values, max_size=10))
def test_arbitrary_json_objects_decode_to_valid_articles_or_are_refused(event: dict[str, object]) -> None:
    # The standard library writes what orjson would refuse to (integers beyond 64 bits): more hostile input.
    raw = _decodes_or_refuses(json.dumps(event).encode())
    if raw is not None:
        assert 1 <= len(raw.id) <= 512
        assert (raw.body or "").strip() or (raw.html or "").strip()


@PROPERTY_SETTINGS
@given(st.data())
def test_mutated_valid_events_decode_or_are_refused(data: st.DataObject) -> None:
    value = bytearray(orjson.dumps({**GOOD, "published_at": "2025-03-01T06:00:00+00:00", "html": "<p>x</p>"}))
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(value)))
        action = data.draw(st.sampled_from(["insert", "delete", "replace"]))
        byte = data.draw(st.binary(min_size=1, max_size=3))
        if action == "insert":
            value[at:at] = byte
        elif at < len(value):
            value[at : at + 1] = b"" if action == "delete" else byte
    _decodes_or_refuses(bytes(value))


@PROPERTY_SETTINGS
@given(body=words, html=st.none() | words, title=st.none() | nasty_text)
def test_cleaner_returns_an_article_or_raises_stage_error(body: str, html: str | None, title: str | None) -> None:
    try:
        raw = RawArticle(id="h-1", body=body, html=html, title=title)
    except ValueError:
        return  # the model itself refuses it (no content): decode would have said so
    try:
        article = Cleaner()(raw)
    except StageError as exc:
        assert exc.stage == "clean" and exc.reason.strip()
        return
    assert isinstance(article, CleanArticle)
    assert article.article_id == "h-1" and article.text.strip()
    assert "\x00" not in article.text


@PROPERTY_SETTINGS
@given(st.binary(max_size=2000) | st.text(alphabet=st.characters(codec=None), max_size=500).map(
    lambda s: s.encode("utf-8", "surrogatepass")))
def test_analyze_never_raises_on_arbitrary_lines(line: bytes) -> None:
    row = analyze_event(line)
    assert row.status in ("ok", "rejected")
    assert (row.status == "rejected") == bool(row.error)


@PROPERTY_SETTINGS
@given(body=words, title=st.none() | nasty_text)
def test_analyze_gives_well_formed_relations_for_any_article(body: str, title: str | None) -> None:
    row = analyze_event(orjson.dumps({"id": "h-2", "body": body, "title": title}))
    if row.status == "ok":
        assert row.article_id == "h-2"
        for relation in row.relations:
            first, second = relation.pair.split("-")
            assert first < second and relation.countries == (first, second)
    else:
        assert row.error


def _pathological() -> list[tuple[str, dict[str, str]]]:
    """Inputs of ~200 KB shaped to make a careless scanner quadratic or a regex backtrack."""
    n = 200_000
    sentence = "Relations between France and Japan have "
    return [
        ("one endless sentence full of cues", {"body": sentence * (n // len(sentence)) + "cooled."}),
        ("country names without end", {"body": "France Japan " * (n // 13)}),
        ("no spaces at all", {"body": "a" * n + "!"}),
        ("whitespace then a letter", {"body": " \t" * (n // 2) + "x"}),
        ("abbreviation dots", {"body": "Mr. " * (n // 4)}),
        ("commas in one sentence", {"body": "France and Japan signed" + ", and" * (n // 5) + "."}),
        ("combining accents", {"body": "France e" + "\u0301" * n}),
        ("unclosed tags", {"html": "<a " * (n // 3) + "France and Japan signed an agreement."}),
        ("deep nesting", {"html": "<div>" * (n // 11) + "France and Japan signed." + "</div>" * (n // 11)}),
        ("unterminated comment", {"html": "<p>France and Japan signed.</p><!--" + "-" * n}),
        ("many attributes", {"html": "<p " + " a=1" * (n // 4) + ">France and Japan signed.</p>"}),
        ("entities", {"html": "<p>" + "&amp;" * (n // 5) + " France and Japan signed.</p>"}),
        ("lines of furniture", {"body": "Share on Facebook\n" * (n // 18) + "France and Japan signed a treaty."}),
        ("an e-mail address that never ends", {"body": "x@" * (n // 2) + "example.com"}),
        ("printable junk", {"body": "".join(string.punctuation[i % 32] for i in range(n))}),
    ]


# A linear pass over 200 KB takes about a second here; 30 s can only mean a quadratic (or worse) path.
@pytest.mark.timeout(30)
@pytest.mark.parametrize(("case", "fields"), _pathological(), ids=[c for c, _ in _pathological()])
def test_pathological_articles_finish_with_an_answer(case: str, fields: dict[str, str]) -> None:
    row = analyze_event(orjson.dumps({"id": "p-1", **fields}))
    assert row.status in ("ok", "rejected")
    assert (row.status == "rejected") == bool(row.error)
