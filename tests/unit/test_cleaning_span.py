"""Choice of the story span in a flattened page."""

from __future__ import annotations

from streams.domain.cleaning import clean_article
from streams.domain.cleaning.span import story_span
from streams.models import RawArticle

TEASERS = "\n".join(
    f"Teaser headline number {n} about another story\n"
    f"A long teaser paragraph number {n} that describes another story on the site at some length, "
    f"with enough words and stop words to read like prose, and it ends like a sentence."
    for n in range(12)
)

PAGE = f"""Council approves new bridge over the Lind river | Valley Courier
Home
News
Council approves new bridge over the Lind river
The town council voted on Monday to build a second bridge over the Lind river, ending a long debate.
Work is due to start next spring and should take two years, the council said, at a shared cost.
Residents of the east bank, who face a long detour at rush hour, had collected thousands of signatures.
More stories
{TEASERS}
"""


def test_story_under_the_headline_wins_over_a_longer_teaser_list_below_it() -> None:
    cleaned = clean_article(RawArticle(id="bridge", body=PAGE), max_body_bytes=1_000_000)
    assert cleaned.text.startswith("The town council voted on Monday")
    assert "Residents of the east bank" in cleaned.text
    assert "teaser" not in cleaned.text.lower()


def test_without_a_headline_repeat_the_best_span_is_chosen() -> None:
    scores = [-1.0, 3.0, -3.0, 2.0, 2.0, 2.0, -1.0]
    assert story_span(scores, None, 8.0) == (3, 6)


def test_the_story_runs_on_past_captions_to_where_the_score_peaks() -> None:
    # headline at 1, story 2-3, a caption (-3), more story 5-6, then footer.
    scores = [-1.0, -3.0, 5.0, 4.0, -3.0, 4.0, 4.0, -1.0, -1.0]
    assert story_span(scores, 1, 8.0) == (2, 7)


def test_a_page_with_nothing_positive_has_no_story() -> None:
    assert story_span([-1.0, -3.0, -1.0], None, 8.0) == (0, 0)
