"""Story versus furniture in text that a scraper already flattened from a page.

Each line is judged on its own features, which hold for news pages in any template: its length, its share of
stop words (running prose has many, menus and name lists few), whether it ends like a sentence, whether it
repeats elsewhere on the page or repeats the headline, and whether it is typical furniture phrasing
(data/furniture.tsv). The story is then the contiguous span of lines with the greatest total score: it tolerates
the short subheadings and quotes inside a story and excludes the menus, teasers and footers around it. Lines
inside the span that are plainly furniture (lexicon, headline, a repeated caption) are still dropped.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import islice

from streams.domain.cleaning.furniture import EDGE_PUNCTUATION, fold, lexicon
from streams.domain.cleaning.stopwords import stop_words_for

_LETTER = re.compile(r"[^\W\d_]")
# Scripts written without spaces between words: a "word" there is one or two characters, so length is
# counted in characters instead.
_FIRST_UNSPACED = "\u0e00"
_UNSPACED = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\u0e00-\u0e7f]")
_SENTENCE_END = frozenset(".!?;:\"')]\u2026\u3002\uff01\uff1f\u00bb\u201d\u2019\u300d")
# An e-mail address or a handle's domain: a byline or contact line. Anchored on "@" with no open-ended run
# before it, so a long line costs linear time.
_EMAIL = re.compile(r"\w@[\w-]+\.\w")
# A dateline: a clock time together with a year or a numeric date ("14 March 2025, 09:12", "05/10/2018 às
# 10:30"), or a line that opens with a numeric date.
_CLOCK = re.compile(r"\b\d{1,2}:\d\d(?!\d)")  # "9:24 pm", "8:22AM"
_YEAR_OR_DATE = re.compile(r"\b(?:19|20)\d\d\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b")
_OPENING_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b")
# "Other headline | Site": a link to another page, or a menu, when the line is short and not a sentence.
_PIPE = " | "
# "Headline | Site", "Headline - Site": the page title joins the headline and the site name.
# Enough words of running text to tell the page's language from its stop words.
_LANGUAGE_SAMPLE_WORDS = 200
_WORD_EDGE = ".,:;!?\"'()[]"
_TITLE_SEPARATOR = re.compile(r"\s+(?:[|\-\u2013\u2014:\u00bb\u00b7\u2022]|::)\s+")


@dataclass(frozen=True)
class Thresholds:
    short_words: int
    long_words: int
    prose_stop_share: float
    furniture_max_words: int
    furniture_start_max_words: int
    headline_max_words: int
    dateline_max_words: int
    min_story_score: float
    headline_lookback_lines: int
    headline_overlap: float
    score_furniture: float
    score_short: float
    score_medium: float
    score_paragraph_per_word: float
    score_paragraph_cap: float


@cache
def thresholds() -> Thresholds:
    raw = json.loads(resources.files(__package__).joinpath("data/thresholds.json").read_text("utf-8"))
    return Thresholds(**{key: value for key, value in raw.items() if not key.startswith("_")})


def headline_variants(source: str | None) -> list[str]:
    """A page or event title, and its longest part when it joins the headline and the site name; the
    headline's most likely form comes last."""
    if not source or not source.strip():
        return []
    source = source.strip()
    parts = _TITLE_SEPARATOR.split(source)
    return [source, max(parts, key=len).strip()] if len(parts) > 1 else [source]


def is_headline_line(line: str, candidates: list[str], overlap: float | None = None) -> bool:
    """Whether `line` repeats one of the headline `candidates` (exactly, or nearly word for word)."""
    folded = fold(line)
    folded_candidates = [fold(candidate) for candidate in candidates]
    if folded in folded_candidates:
        return True
    share = thresholds().headline_overlap if overlap is None else overlap
    return _like_headline(folded.split(), [frozenset(c.split()) for c in folded_candidates], share)


def _headline_candidates(first_line: str, title: str | None) -> list[str]:
    """Folded forms of the headline: the given title, the page's first line and its longest part."""
    sources = [title] if title else []
    if first_line.count(" ") < thresholds().headline_max_words:
        sources.append(first_line)
    return [fold(v) for source in sources for v in headline_variants(source) if fold(v)]


def infer_headline(lines: list[str], title: str | None) -> str | None:
    """The given title, else the page's first line (a flattened page starts with its <title>) when it is
    short enough to be one."""
    if title and title.strip():
        return title.strip()
    if not lines or lines[0].count(" ") >= thresholds().headline_max_words:
        return None
    return headline_variants(lines[0])[-1]


def _judge_lines(
    lines: dict[str, str], headlines: list[str], limits: Thresholds
) -> tuple[dict[str, tuple[bool, float, float]], set[str]]:
    """For each distinct folded line (mapped to its text): (is furniture, score if not, length in words); and
    the lines that repeat the headline.

    Written for speed: a page has a few hundred lines, most of them one- or two-word menu items."""
    lexicon_ = lexicon()
    headline_set = frozenset(headlines)
    headline_words = [frozenset(h.split()) for h in headlines]
    # Lines of other lengths cannot overlap a headline enough (see _like_headline).
    shortest_headline = min((len(h) for h in headline_words), default=0) * limits.headline_overlap
    longest_headline = max((len(h) for h in headline_words), default=0) / limits.headline_overlap
    words_of = {folded: folded.split() for folded in lines if folded.count(" ") >= 2}
    stop_words = stop_words_for(
        islice(
            (w.strip(_WORD_EDGE) for words in words_of.values() if len(words) >= limits.long_words for w in words),
            _LANGUAGE_SAMPLE_WORDS,
        )
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
            and _like_headline(words, headline_words, overlap)
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
                    or ("@" in text and _EMAIL.search(text) is not None)
                    # A teaser cut short by the site ("... as Hurri...").
                    or (text.endswith(("...", "\u2026")) and text[-4] != " ")
                    # "Other headline | Site"; a line opening with "|" is a table row.
                    or (_PIPE in folded and text[-1] not in _SENTENCE_END and text[0] != "|")
                    or (count <= dateline_max and _is_dateline(folded))
                )
            )
        )
        score = score_short if length < short_words else _score(text, words, length, stop_words, limits)
        judged[folded] = (furniture, score, length)
    return judged, headline_lines


def _is_dateline(folded: str) -> bool:
    if folded[:1].isdigit() and _OPENING_DATE.match(folded):
        return True
    return ":" in folded and _CLOCK.search(folded) is not None and _YEAR_OR_DATE.search(folded) is not None


def _like_headline(words: list[str], headline_words: list[frozenset[str]], overlap: float) -> bool:
    for candidate in headline_words:
        # Word sets of very different sizes cannot overlap enough: skip the set operations.
        if len(words) * overlap <= len(candidate) and len(candidate) * overlap <= len(words):
            line_words = set(words)
            if len(line_words & candidate) >= overlap * len(line_words | candidate):
                return True
    return False


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


def _segments(scores: list[float]) -> list[tuple[int, int, float]]:
    """The page's candidate story spans: (start, end, total) of each run that Kadane's scan would grow before
    its running total falls to zero, cut at its best end."""
    found: list[tuple[int, int, float]] = []
    total = best = 0.0
    start = best_end = 0
    for index, value in enumerate(scores):
        if total <= 0:
            if best > 0:
                found.append((start, best_end, best))
            total = best = 0.0
            start = best_end = index
        total += value
        if total > best:
            best, best_end = total, index + 1
    if best > 0:
        found.append((start, best_end, best))
    return found


def _best_end(scores: list[float], start: int, stop: int) -> int:
    best, best_end, total = float("-inf"), start, 0.0
    for index in range(start, stop):
        total += scores[index]
        if total > best:
            best, best_end = total, index + 1
    return best_end


def story_span(
    scores: list[float], first_headline: int | None, min_story_score: float, story_ends: Sequence[int] = ()
) -> tuple[int, int]:
    """[start, end) of the story.

    A news page repeats its headline right above the story (the page title comes first, the article's own
    heading later): the story then starts with the first substantial span that reaches past that heading,
    even when a teaser list or comment thread further down scores higher, and ends where the running score
    from that start peaks (so a story broken up by captions and inline teasers stays whole), or at the
    first heading of a teaser list or comment section, whichever comes first. Without such a heading, the
    highest-scoring span. Empty if no line scores above zero."""
    segments = _segments(scores)
    if not segments:
        return (0, 0)
    if first_headline is not None:
        after = [segment for segment in segments if segment[1] > first_headline]
        for start, _, total in after:
            if total >= min_story_score:
                stop = next((end for end in story_ends if end > start), len(scores))
                return (start, _best_end(scores, start, stop))
        if after:
            segments = after
    start, end, _ = max(segments, key=lambda segment: segment[2])
    return (start, end)


@dataclass(frozen=True)
class PageJudgement:
    furniture: list[bool]  # per line
    scores: list[float]  # per line, for the choice of the story span
    first_headline: int | None  # the first line after the first one that repeats the headline
    story_ends: list[int]  # lines that head what follows a story (teaser lists, comments)


def judge_page(texts: list[str], headlines: list[str], *, whole_page: bool = True) -> PageJudgement:
    """Judge each (stripped, non-empty) line of a page: is it furniture, and its score for the story span.

    `whole_page` is off for a story already cut out of its page (by the HTML extractor). In a whole page a
    repeated line is navigation or a caption shown twice, while in a story a repeat is the story's own (the
    same question put to each interviewee). And in a whole page the story cannot start far above the
    headline's repetition, so the lines well above it are not judged at all (they are the bulk of the
    navigation, and judging costs time)."""
    limits = thresholds()
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
    judged, headline_lines = _judge_lines(dict(zip(folded[start:], texts[start:], strict=True)), headlines, limits)
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


def clean_flattened(body: str, title: str | None = None) -> tuple[str | None, str]:
    """(headline, story text) of a flattened page; story paragraphs are joined by newlines."""
    texts = [line for line in map(str.strip, body.split("\n")) if line]
    if not texts:
        return (title, "")
    page = judge_page(texts, _headline_candidates(texts[0], title))
    start, end = story_span(page.scores, page.first_headline, thresholds().min_story_score, page.story_ends)
    kept = [texts[i] for i in range(start, end) if not page.furniture[i]]
    return infer_headline(texts, title), "\n".join(kept)
