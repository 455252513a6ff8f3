"""Input that is not an article, or would cost too much, is rejected with a reason; nothing hangs.

No test measures time: a quadratic regular expression or an unbounded parse would run for hours on these
inputs, which the suite's global timeout turns into a failure.
"""

from __future__ import annotations

import pytest

from streams.domain.cleaning import RejectedArticle, clean_article
from streams.domain.cleaning.guard import LIMITS, check_html_cost
from streams.models import RawArticle

PARAGRAPH = "<p>" + "The ministers met again on Tuesday to discuss the quotas for the coming season. " * 3 + "</p>"


def _reason(raw: RawArticle, max_body_bytes: int = 100_000) -> str:
    with pytest.raises(RejectedArticle) as rejected:
        clean_article(raw, max_body_bytes=max_body_bytes)
    return rejected.value.reason


def test_body_over_the_limit_is_rejected_by_its_byte_size() -> None:
    # 30,000 characters of three bytes each: under the limit in characters, over it in bytes.
    assert "larger than 50000 bytes" in _reason(RawArticle(id="big", body="語" * 30_000), 50_000)


def test_nul_bytes_mean_binary_data() -> None:
    assert "NUL" in _reason(RawArticle(id="nul", body="PK\x03\x04\x00\x00 some zip file"))


def test_mostly_unprintable_text_is_binary_junk() -> None:
    junk = "".join(chr(c) for c in range(1, 32) if c not in (9, 10, 13)) * 50 + "a few words"
    assert "binary junk" in _reason(RawArticle(id="junk", body=junk))


def test_undecodable_bytes_are_binary_junk() -> None:
    assert "binary junk" in _reason(RawArticle(id="fffd", body="\ufffd" * 500 + " text"))


def test_deeply_nested_html_is_rejected_before_parsing() -> None:
    depth = LIMITS.max_html_depth + 10
    page = "<html><body>" + "<div>" * depth + PARAGRAPH + "</div>" * depth + "</body></html>"
    assert "nested deeper" in _reason(RawArticle(id="deep", html=page))


def test_html_with_too_many_tags_is_rejected() -> None:
    page = "<html><body>" + "<br>" * (LIMITS.max_html_tags + 1) + "</body></html>"
    assert "more than" in _reason(RawArticle(id="tags", html=page), max_body_bytes=10_000_000)


def test_html_over_the_limit_is_rejected() -> None:
    page = "<html><body>" + PARAGRAPH * 1000 + "</body></html>"
    assert "html larger than" in _reason(RawArticle(id="huge", html=page), max_body_bytes=50_000)


def test_unclosed_tags_do_not_make_the_depth_scan_quadratic() -> None:
    # 60,000 "<a" without a ">" would cost 60,000 scans to the end of the page with a pattern that may cross
    # a "<"; the guard's pattern stops at the next "<".
    check_html_cost("<a " * 60_000)


def test_page_without_any_text_is_rejected() -> None:
    page = "<html><head><title>Empty</title></head><body><nav><a href='/'>Home</a></nav></body></html>"
    assert "no article text" in _reason(RawArticle(id="empty", html=page))


def test_long_lines_without_newlines_are_handled() -> None:
    # One 200,000-character line of prose with furniture words scattered in it: a single paragraph.
    body = ("Subscribe to the report that ministers discussed with share holders today. " * 2600).strip()
    cleaned = clean_article(RawArticle(id="one-line", body=body), max_body_bytes=1_000_000)
    assert cleaned.text.startswith("Subscribe to the report")


def test_a_refusal_of_a_hundred_thousand_menu_lines_counts_them_all() -> None:
    # Only the first few hundred distinct lines are described (each is tried against the whole lexicon: all
    # 100,000 took ten seconds), but the count covers every line.
    body = "\n".join(f"Section {n}" for n in range(100_000))
    reason = _reason(RawArticle(id="menus", body=body), max_body_bytes=10_000_000)
    assert reason.startswith("no article text found (100000 lines removed: ")
    assert "short line (menu item or label)" in reason
