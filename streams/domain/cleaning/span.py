"""Which run of judged lines is the story: a choice over per-line scores, independent of how they were scored."""

from __future__ import annotations

from collections.abc import Sequence


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
