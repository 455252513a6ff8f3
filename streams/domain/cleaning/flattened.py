"""Story versus furniture in text that a scraper already flattened from a page.

Each line is judged on its own features, which hold for news pages in any template: its length, its share of
stop words (running prose has many, menus and name lists few), whether it ends like a sentence, whether it
repeats elsewhere on the page or repeats the headline, and whether it is typical furniture phrasing
(data/furniture.tsv). The story is then a contiguous span of lines chosen on those scores (span.py): it starts
below the headline's repetition and tolerates the short subheadings, captions and quotes inside a story while
excluding the menus, teasers and footers around it. Lines inside the span that are plainly furniture
(lexicon, headline, a repeated caption) are still dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from itertools import islice

from streams.domain.cleaning.furniture import EDGE_PUNCTUATION, lexicon
from streams.domain.cleaning.headline import headline_candidates, infer_headline, like_headline
from streams.domain.cleaning.settings import DEFAULT_SETTINGS, Settings
from streams.domain.cleaning.span import story_span
from streams.domain.cleaning.stopwords import stop_words_for
from streams.domain.cleaning.thresholds import Thresholds, thresholds

_LETTER = re.compile(r"[^\W\d_]")
# Scripts written without spaces between words: a "word" there is one or two characters, so length is
# counted in characters instead.
_FIRST_UNSPACED = "\u0e00"
_UNSPACED = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\u0e00-\u0e7f]")
_SENTENCE_END = frozenset(".!?;:\"')]\u2026\u3002\uff01\uff1f\u00bb\u201d\u2019\u300d")
# A dateline: a clock time together with a year or a numeric date ("14 March 2025, 09:12", "05/10/2018 às
# 10:30"), or a line that opens with a numeric date.
_CLOCK = re.compile(r"\b\d{1,2}:\d\d(?!\d)")  # "9:24 pm", "8:22AM"
_YEAR_OR_DATE = re.compile(r"\b(?:19|20)\d\d\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b")
_OPENING_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b")
# "Other headline | Site": a link to another page, or a menu, when the line is short and not a sentence.
_PIPE = " | "
# Distinct lines a refusal describes (describe_removed).
_DESCRIBED_LINES = 500
# Enough words of running text to tell the page's language from its stop words.
_LANGUAGE_SAMPLE_WORDS = 200
_WORD_EDGE = ".,:;!?\"'()[]"


def _judge_lines(
    lines: dict[str, str], headlines: list[str], limits: Thresholds, whole_page: bool
) -> tuple[dict[str, tuple[bool, float, float]], set[str]]:
    """For each distinct folded line (mapped to its text): (is furniture, score if not, length in words); and
    the lines that repeat the headline. `whole_page` as for judge_page.

    Written for speed: a page has a few hundred lines, most of them one- or two-word menu items."""
    lexicon_ = lexicon()
    headline_set = frozenset(headlines)
    headline_words = [frozenset(h.split()) for h in headlines]
    # Lines of other lengths cannot overlap a headline enough (see _like_headline).
    shortest_headline = min((len(h) for h in headline_words), default=0) * limits.headline_overlap
    longest_headline = max((len(h) for h in headline_words), default=0) / limits.headline_overlap
    words_of = {folded: folded.split() for folded in lines if folded.count(" ") >= 2}
    # Scores choose the story's span in a whole page; in a story already cut out nothing is left to choose.
    stop_words = (
        stop_words_for(
            islice(
                (w.strip(_WORD_EDGE) for words in words_of.values() if len(words) >= limits.long_words for w in words),
                _LANGUAGE_SAMPLE_WORDS,
            )
        )
        if whole_page
        else frozenset()
    )
    judged: dict[str, tuple[bool, float, float]] = {}
    headline_lines = {line for line in lines if line in headline_set}
    # Locals, not attribute lookups, in the loop: it runs for every distinct line of every page.
    whole_lines = lexicon_.whole_lines
    starts_line = lexicon_.starts_line
    found_in = lexicon_.found_in
    short_words, score_short = limits.short_words, limits.score_short
    start_max, furniture_max = limits.furniture_start_max_words, limits.furniture_max_words
    dateline_max, overlap = limits.dateline_max_words, limits.headline_overlap
    for folded, text in lines.items():
        words = words_of.get(folded)
        if words is None and text.isascii():
            # Menu items and labels, the bulk of a page's lines: only the whole-line checks can apply.
            furniture = not folded or folded in headline_set or folded in whole_lines or starts_line(folded)
            judged[folded] = (furniture, score_short, float(folded.count(" ") + 1))
            continue
        if words is None:
            words = folded.split()
        count = len(words)
        length = float(count)
        if not text.isascii():
            # max() is a quick test that the line has any character of those scripts at all.
            unspaced = len(_UNSPACED.findall(text)) if max(text) >= _FIRST_UNSPACED else 0
            if unspaced:
                length = max(length, unspaced / 2)  # two characters of such scripts carry about one word
        if (
            shortest_headline <= count <= longest_headline
            and folded not in headline_set
            and like_headline(words, headline_words, overlap)
        ):
            headline_lines.add(folded)
        furniture = (
            folded in headline_lines
            or folded in whole_lines
            or (count <= start_max and starts_line(folded))
            or (
                count <= furniture_max
                and (
                    found_in(folded, words)
                    # A teaser cut short by the site ("... as Hurri..."). Not inside a story the extractor cut
                    # out, where the teaser lists are gone and an ellipsis ends a quotation or a lead-in.
                    or (whole_page and text.endswith(("...", "\u2026")) and text[-4] != " ")
                    # "Other headline | Site"; a line opening with "|" is a table row.
                    or (_PIPE in folded and text[-1] not in _SENTENCE_END and text[0] != "|")
                    or (count <= dateline_max and _is_dateline(folded))
                )
            )
        )
        if not whole_page or length < short_words:
            score = score_short
        else:
            score = _score(text, words, length, stop_words, limits)
        judged[folded] = (furniture, score, length)
    return judged, headline_lines


def _is_dateline(folded: str) -> bool:
    if folded[:1].isdigit() and _OPENING_DATE.match(folded):
        return True
    return ":" in folded and _CLOCK.search(folded) is not None and _YEAR_OR_DATE.search(folded) is not None


def _score(text: str, words: list[str], length: float, stop_words: frozenset[str], limits: Thresholds) -> float:
    if length < limits.short_words:
        return limits.score_short
    ends_sentence = text[-1] in _SENTENCE_END
    if stop_words:
        prose = sum(map(stop_words.__contains__, words)) >= limits.prose_stop_share * len(words)
    else:
        prose = ends_sentence
    if length < limits.long_words:
        return limits.score_medium + (0.25 if prose else 0.0) + (0.25 if ends_sentence else 0.0)
    gain = min(length * limits.score_paragraph_per_word, limits.score_paragraph_cap)
    if prose and ends_sentence:
        return gain
    if ends_sentence:
        return gain / 2
    # A long line that does not end like a sentence is a teaser headline, a caption or a list of names more
    # often than it is story: it must not carry the span on its own.
    return limits.score_medium


@dataclass(frozen=True)
class PageJudgement:
    furniture: list[bool]  # per line
    scores: list[float]  # per line, for the choice of the story span
    first_headline: int | None  # the first line after the first one that repeats the headline
    story_ends: list[int]  # lines that head what follows a story (teaser lists, comments)


def judge_page(
    texts: list[str], headlines: list[str], *, whole_page: bool = True, furniture_max_words: int | None = None
) -> PageJudgement:
    """Judge each (stripped, non-empty) line of a page: is it furniture, and its score for the story span.

    `whole_page` is off for a story already cut out of its page (by the HTML extractor). In a whole page a
    repeated line is navigation or a caption shown twice, while in a story a repeat is the story's own (the
    same question put to each interviewee). And in a whole page the story cannot start far above the
    headline's repetition, so the lines well above it are not judged at all (they are the bulk of the
    navigation, and judging costs time). `furniture_max_words` overrides data/thresholds.json's."""
    limits = thresholds()
    if furniture_max_words is not None:
        limits = replace(limits, furniture_max_words=furniture_max_words)
    # fold() inlined: the lines are normalised already, so no runs of spaces are left to collapse.
    folded = [text.lower().strip(EDGE_PUNCTUATION) for text in texts]
    counts = Counter(folded)
    start = 0
    if whole_page:
        exact = frozenset(headlines)
        repeat = next((i for i in range(1, len(folded)) if folded[i] in exact), None)
        if repeat is not None:
            start = max(0, repeat - limits.headline_lookback_lines)
    # Lines that fold alike differ only in case or edge punctuation: any of their texts will do.
    judged, headline_lines = _judge_lines(
        dict(zip(folded[start:], texts[start:], strict=True)), headlines, limits, whole_page
    )
    scores: list[float] = [limits.score_short] * start
    furniture: list[bool] = [True] * start
    seen: set[str] = set()
    repeats_are_furniture = whole_page
    for index in range(start, len(folded)):
        line = folded[index]
        is_furniture, score, _ = judged[line]
        if repeats_are_furniture and not is_furniture and counts[line] > 1:
            # A repeated line that is not a sentence is a menu item or label. A repeated sentence (a caption
            # shown twice, a pull quote, the same question put to each interviewee) is kept once, and its
            # repeats, though dropped, do not break the span. Lines without letters (figures) may repeat.
            if line in seen:
                is_furniture, score = True, min(score, 0.0)
            elif texts[index][-1] not in _SENTENCE_END and (
                line.upper() != line.lower() or _LETTER.search(line) is not None  # cased letters, or any
            ):
                is_furniture, score = True, limits.score_furniture
            seen.add(line)
        elif is_furniture:
            score = limits.score_furniture
        furniture.append(is_furniture)
        scores.append(score)
    first_headline = None
    if headline_lines:
        first_headline = next((i for i in range(max(1, start), len(folded)) if folded[i] in headline_lines), None)
    ends_story = lexicon().ends_story
    story_ends = [i for i in range(start, len(folded)) if furniture[i] and ends_story(folded[i])]
    return PageJudgement(furniture, scores, first_headline, story_ends)


def clean_flattened(
    body: str, title: str | None = None, settings: Settings = DEFAULT_SETTINGS
) -> tuple[str | None, str]:
    """(headline, story text) of a flattened page; story paragraphs are joined by newlines."""
    texts = [line for line in map(str.strip, body.split("\n")) if line]
    if not texts:
        return (title, "")
    if len(texts) == 1 and not title:
        # A body of one paragraph is text, not a page: there is no page around it to be furniture of, and its
        # first line is not a headline (a feed that sends single sentences or wire snippets).
        return (None, texts[0])
    page = judge_page(texts, headline_candidates(texts[0], title), furniture_max_words=settings.furniture_max_words)
    story = [i for i, drop in enumerate(page.furniture) if not drop]
    if story and story[0] >= len(texts) - len(story) and all(texts[i][-1] in _SENTENCE_END for i in story):
        # Every line but perhaps the headline above them reads as a sentence: the body is all story, however
        # short (a one-sentence wire brief), and there is no page around it to choose a span from.
        return infer_headline(texts, title), "\n".join(texts[i] for i in story)
    min_story_score = settings.min_story_score
    if min_story_score is None:
        min_story_score = thresholds().min_story_score
    start, end = story_span(page.scores, page.first_headline, min_story_score, page.story_ends)
    kept = [texts[i] for i in range(start, end) if not page.furniture[i]]
    return infer_headline(texts, title), "\n".join(kept)


def describe_removed(texts: list[str], headlines: list[str]) -> str:
    """What the lines of a page that yielded no story were, for the dead letter: "6 lines removed: 3 short
    line (menu item or label), 1 account link, ...". Only the first _DESCRIBED_LINES distinct lines are
    looked at (each is tried against every phrase of the lexicon); the rest are counted."""
    lexicon_ = lexicon()
    short_words = thresholds().short_words
    kinds: Counter[str] = Counter()
    lines = Counter(text.lower().strip(EDGE_PUNCTUATION) for text in texts)
    for folded, count in islice(lines.items(), _DESCRIBED_LINES):
        kind = lexicon_.describe(folded)
        if kind is None:
            if folded in headlines:
                kind = "headline"
            elif _is_dateline(folded):
                kind = "dateline"
            elif folded.count(" ") + 1 < short_words:
                kind = "short line (menu item or label)"
            else:
                kind = "line that does not read as story text"
        kinds[kind] += count
    shown = ", ".join(f"{count} {kind}" for kind, count in kinds.most_common(6))
    more = ", ..." if len(kinds) > 6 or len(lines) > _DESCRIBED_LINES else ""
    return f"{len(texts)} line{'s' if len(texts) != 1 else ''} removed: {shown}{more}"
