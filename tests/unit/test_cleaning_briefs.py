"""Short news, story-only pages and furniture-only pages, each as a page's HTML and as text a scraper flattened.

All texts are invented for these tests.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pytest

from streams.domain.cleaning import RejectedArticle, clean_article
from streams.models import RawArticle

FORMATS = ["html", "text"]


@dataclass(frozen=True)
class Page:
    """A page as lines: its headline (None: no heading), its story paragraphs, and the furniture around it."""

    headline: str | None
    story: list[str]
    above: tuple[str, ...] = ()
    below: tuple[str, ...] = ()

    def raw(self, form: str, *, title: str | None = None) -> RawArticle:
        if form == "text":
            # A whole page flattened starts with its <title>, as the HTML form below has it.
            site_title = [f"{self.headline} | The Valley Courier"] if self.headline and self.above else []
            lines = [*site_title, *self.above, *([self.headline] if self.headline else []), *self.story, *self.below]
            return RawArticle(id="t", title=title, body="\n\n".join(lines))
        head = f"<title>{html.escape(self.headline)} | The Valley Courier</title>" if self.headline else ""
        nav = "".join(f'<li><a href="/{n}">{html.escape(line)}</a></li>' for n, line in enumerate(self.above))
        heading = f"<h1>{html.escape(self.headline)}</h1>" if self.headline else ""
        story = "".join(f"<p>{html.escape(line)}</p>" for line in self.story)
        foot = "".join(f"<p>{html.escape(line)}</p>" for line in self.below)
        page = (
            f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>"
            + (f"<header><nav><ul>{nav}</ul></nav></header>" if nav else "")
            + f"<main><article>{heading}{story}</article></main>"
            + (f"<footer>{foot}</footer>" if foot else "")
            + "</body></html>"
        )
        return RawArticle(id="h", title=title, html=page)


MENU = ("Home", "World", "Business", "Sport", "Log in", "Subscribe")
FOOTER = ("© 2026 The Valley Courier. All rights reserved.", "Privacy policy", "Terms of use")

BRIEF_TITLE = "Norland and Estmark sign river treaty"
BRIEF = "Norland and Estmark signed a treaty on Thursday to share the waters of the Lind river, both ministries said."

STRIKE_TITLE = "Dock strike ends in Vessby"
STRIKE = [
    "VESSBY \u2014 Dock workers in Vessby went back to work on Friday after a four-day strike over pensions.",
    "The port authority said the ships held up by the stoppage would be cleared by Sunday.",
]

STORY_ONLY = [
    "The council of Lindholm voted on Monday to close the old ferry landing and to build a footbridge instead.",
    "The ferry has carried passengers across the river since before the war, but its operator retires in May.",
    '"A bridge will not break down in a storm," the mayor said after the vote, which passed by nine to four.',
    "Work is due to begin in the autumn and should take about two years, at a cost the council put at 14 million.",
]

QUOTE_FIRST = [
    'The harbour master of Vessby put it plainly on Tuesday: "The old pier will not survive another winter."',
    "The town will vote next month on whether to rebuild it or to move the fishing boats to the new basin.",
]


def _clean(raw: RawArticle) -> tuple[str | None, str]:
    cleaned = clean_article(raw, max_body_bytes=1_000_000)
    return cleaned.title, cleaned.text


@pytest.mark.parametrize("form", FORMATS)
def test_a_one_sentence_brief_with_a_title_is_an_article(form: str) -> None:
    page = Page(None, [BRIEF])
    title, text = _clean(page.raw(form, title=BRIEF_TITLE))
    assert (title, text) == (BRIEF_TITLE, BRIEF)


@pytest.mark.parametrize("form", FORMATS)
def test_a_brief_whose_first_line_repeats_the_title_loses_that_line_once(form: str) -> None:
    page = Page(BRIEF_TITLE, [BRIEF])
    title, text = _clean(page.raw(form, title=BRIEF_TITLE))
    assert (title, text) == (BRIEF_TITLE, BRIEF)


@pytest.mark.parametrize("form", FORMATS)
@pytest.mark.parametrize("given_title", [STRIKE_TITLE, None])
def test_a_two_line_brief_keeps_both_lines_and_its_dateline(form: str, given_title: str | None) -> None:
    page = Page(STRIKE_TITLE, STRIKE)
    title, text = _clean(page.raw(form, title=given_title))
    assert title == STRIKE_TITLE
    assert text.split("\n") == STRIKE  # the dateline "VESSBY —" stays: the relate stage decides what it means


@pytest.mark.parametrize("form", FORMATS)
def test_a_brief_inside_page_furniture_is_found(form: str) -> None:
    page = Page(STRIKE_TITLE, STRIKE, above=MENU, below=FOOTER)
    title, text = _clean(page.raw(form))
    assert title == STRIKE_TITLE
    assert text.split("\n") == STRIKE


TEASERS = tuple(
    line
    for n, town in enumerate(("Lindholm", "Oster", "Brenna", "Kall", "Vik"))
    for line in (
        f"Festival season opens in {town}",
        f"The summer festival in {town} opened on Saturday with a parade, a market and music in the square until "
        f"late, and the organisers expect {n + 2} thousand visitors over the weekend if the weather holds.",
    )
)


@pytest.mark.parametrize(
    ("form", "heading"),
    # In HTML trafilatura tells the teasers from the story by the page's structure. A flattened page has
    # none: there the list ends the story when its heading says what it is (an unheaded list of teasers
    # right after a brief is still taken for more of the story).
    [("html", "From around the valley"), ("text", "More stories")],
)
def test_a_brief_is_chosen_over_a_longer_list_of_teasers_below_it(form: str, heading: str) -> None:
    page = Page(STRIKE_TITLE, STRIKE, above=MENU, below=(heading, *TEASERS))
    title, text = _clean(page.raw(form))
    assert title == STRIKE_TITLE
    assert text.split("\n") == STRIKE


@pytest.mark.parametrize("form", FORMATS)
@pytest.mark.parametrize("story", [STORY_ONLY, QUOTE_FIRST])
def test_a_page_whose_only_text_is_the_story_is_kept_whole(form: str, story: list[str]) -> None:
    title, text = _clean(Page(None, story).raw(form))
    assert title is None  # a first line that ends with a full stop (inside a quote or not) is not a headline
    assert text.split("\n") == story


@pytest.mark.parametrize("form", FORMATS)
def test_a_page_that_is_only_furniture_is_refused_saying_what_was_removed(form: str) -> None:
    page = Page(None, [], above=MENU, below=FOOTER)
    with pytest.raises(RejectedArticle) as refused:
        clean_article(page.raw(form), max_body_bytes=1_000_000)
    reason = refused.value.reason
    assert reason.startswith("no article text found")
    assert "removed" in reason
    for kind in ("copyright notice", "account link", "subscription link"):
        assert kind in reason


def test_the_furniture_judge_does_not_empty_a_story_trafilatura_found() -> None:
    # A story about copyright law whose paragraphs open like copyright notices: the judge alone would drop
    # most of it, so trafilatura's text is kept.
    story = [
        "Copyright holders in Estmark will be able to ask a court to block pirate sites, under a law passed on "
        "Tuesday by a large majority.",
        "Copyright lawyers said the measure went further than any in the region and would be challenged.",
        "The law takes effect in January, and the government will report on its use after two years.",
    ]
    _, text = _clean(Page("Estmark passes copyright law", story).raw("html"))
    assert text.split("\n") == story


def test_where_the_precision_runs_find_nothing_a_balanced_run_is_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    # trafilatura's precision mode skips the rescues of its balanced mode; standing in for a page where that
    # leaves nothing, the precision run here returns nothing and the balanced run the story.
    import streams.domain.cleaning.html as html_path

    real_extract = html_path.trafilatura.extract
    calls: list[bool] = []

    def extract(page: object, **options: object) -> str | None:
        calls.append(bool(options.get("favor_precision")))
        return None if options.get("favor_precision") else real_extract(page, **options)

    monkeypatch.setattr(html_path.trafilatura, "extract", extract)
    _, text = _clean(Page(None, STORY_ONLY).raw("html"))
    assert calls == [True, True, False]  # precision, its main extractor alone, balanced
    assert text.split("\n") == STORY_ONLY
