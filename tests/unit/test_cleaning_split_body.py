"""A story the page split over several containers of one kind (around an ad), of which trafilatura keeps the
first. All texts are invented for these tests."""

from __future__ import annotations

import html

from streams.domain.cleaning import clean_article
from streams.domain.cleaning.split_body import Paragraph, recover_split_body
from streams.models import RawArticle

FIRST_PART = [
    "Fisheries ministers from Norland and Estmark agreed on Tuesday to cut the cod quota by a fifth next year.",
    "The deal was struck after fourteen hours of talks in the port of Vessby, officials from both sides said.",
    "Norland had asked for a deeper cut, while Estmark wanted the quota to stay at this year's level.",
    "Both governments will now put the agreement to their parliaments before the end of the month.",
]
SECOND_PART = [
    "Fishing associations on both sides of the strait said the cut would cost hundreds of jobs in the ports.",
    "That was the easy part.",
    "The harder question, the ministers said, is how the two fleets will share the grounds off the cape.",
    "A working group will report on that by the spring, and the ministers will meet again in April.",
]
AUTHOR_NOTE = "Karin Vold covers fisheries and the sea for the Courier from its office in the port of Vessby."


def _page(parts: list[list[str]], below: str = "") -> RawArticle:
    def container(lines: list[str]) -> str:
        return '<div class="article-body">' + "".join(f"<p>{html.escape(line)}</p>" for line in lines) + "</div>"

    page = (
        "<!DOCTYPE html><html><head><title>Ministers agree quota cut | The Courier</title></head><body>"
        '<nav><a href="/">Home</a> <a href="/world">World</a></nav><h1>Ministers agree quota cut</h1>'
        + '<div class="ad-slot">Advertisement</div>'.join(container(part) for part in parts)
        + below
        + "<footer><p>\u00a9 2026 The Courier. All rights reserved.</p></footer></body></html>"
    )
    return RawArticle(id="split", html=page)


def test_a_story_split_around_an_ad_is_kept_whole_and_in_page_order() -> None:
    text = clean_article(_page([FIRST_PART, SECOND_PART])).text
    assert text.split("\n") == FIRST_PART + SECOND_PART  # the short paragraph of the second part too


def test_a_stray_paragraph_in_a_container_of_the_story_kind_is_left_out() -> None:
    note = f'<div class="article-body"><p>{AUTHOR_NOTE}</p></div>'
    text = clean_article(_page([FIRST_PART], below=note)).text
    assert text.split("\n") == FIRST_PART


BODY = ("div", "article-body")
TEASERS = ("div", "teaser")


def _paragraphs(*groups: tuple[tuple[str, str] | None, list[str]]) -> list[Paragraph]:
    return [Paragraph(line, container, kind) for container, (kind, lines) in enumerate(groups) for line in lines]


def test_prose_in_containers_of_another_kind_is_not_taken() -> None:
    paragraphs = _paragraphs((BODY, FIRST_PART), (TEASERS, SECOND_PART))
    assert recover_split_body(FIRST_PART, paragraphs) == FIRST_PART


def test_what_trafilatura_left_out_of_the_container_it_chose_is_not_put_back() -> None:
    paragraphs = _paragraphs((BODY, FIRST_PART + SECOND_PART))
    assert recover_split_body(FIRST_PART, paragraphs) == FIRST_PART


def test_a_story_of_fewer_than_three_paragraphs_from_its_kind_is_not_extended() -> None:
    paragraphs = _paragraphs((BODY, FIRST_PART[:2]), (BODY, SECOND_PART))
    assert recover_split_body(FIRST_PART[:2], paragraphs) == FIRST_PART[:2]


def test_containers_without_a_class_are_no_kind() -> None:
    paragraphs = _paragraphs((None, FIRST_PART), (None, SECOND_PART))
    assert recover_split_body(FIRST_PART, paragraphs) == FIRST_PART


def test_recovered_paragraphs_follow_the_kept_line_before_them_on_the_page() -> None:
    heading = "What comes next"  # a line of trafilatura's that is no <p> of the page stays after its predecessor
    paragraphs = _paragraphs((BODY, FIRST_PART), (BODY, SECOND_PART))
    recovered = recover_split_body([*FIRST_PART, heading], paragraphs)
    assert recovered == [*FIRST_PART, heading, *SECOND_PART]
