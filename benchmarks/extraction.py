"""Measure article-body extraction against a ground truth, with the Scrapinghub benchmark's metric, out of fold.

    python benchmarks/extraction.py GROUND_TRUTH ARTICLES [--folds K] [--repeat N] [--worst N] [--limit N]

GROUND_TRUTH is a JSON object {article id: {"articleBody": "..."}}; ARTICLES is JSON Lines (optionally gzipped)
of raw article events, each with `id` and `html` or `body`.

The cleaner's parts (streams/domain/cleaning/settings.py) are chosen, not assumed: the pages are split into K
folds by site (all pages of one site fall in one fold), and for each fold the settings that score best on the
other folds are the ones that clean it. Every page is thus scored by a version that was not chosen on it;
the pooled out-of-fold figure is taken over those scores. Each fold's line sets the cleaner beside trafilatura
alone (its defaults, as anyone would call it) on the same pages in the same run, with the standard error of
the per-page difference in F1. For flattened text trafilatura alone reads the text with each line as a <p>.

Metric (as the benchmark defines it): tokens are runs of word characters, shingles are 4 consecutive tokens;
per document the matched / extra / missed shingle counts are normalised to sum to 1, so long pages weigh no
more than short ones; precision and recall are means over documents, F1 is taken of the two means.

Speed: the cleaner with its default settings and trafilatura alone, each over all pages, best of `repeat`
passes (the machine is shared, so the fastest pass is the least disturbed one).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import html
import itertools
import json
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from streams.domain.cleaning import RejectedArticle, clean_article
from streams.domain.cleaning.settings import DEFAULT_SETTINGS, Settings
from streams.domain.cleaning.thresholds import thresholds
from streams.models import RawArticle

_WORD = re.compile(r"\w+")
SHINGLE = 4
Counts = tuple[float, float, float]

# The choices made fold by fold, simplest first (a tie goes to the simpler one).
HTML_GRID = [
    Settings(focus=focus, fallbacks=fallbacks, drop_furniture=bool(words), story_furniture_max_words=words)
    for words, fallbacks, focus in itertools.product((0, 20, 30), (True, False), ("balanced", "precision", "recall"))
]
TEXT_GRID = [
    Settings(min_story_score=score, furniture_max_words=words)
    for words, score in itertools.product((30, 20, 40), (8.0, 2.0, 4.0, 12.0))
]


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _WORD.findall(text)
    # A text shorter than one shingle still counts as one (short) shingle, as in the benchmark.
    last = max(1, len(tokens) - SHINGLE + 1)
    return Counter(t for t in (tuple(tokens[i : i + SHINGLE]) for i in range(last)) if t)


def match_counts(truth: str, predicted: str) -> Counts:
    """(matched, extra, missed) shingles, normalised to sum to 1."""
    want, got = shingles(truth), shingles(predicted)
    matched = sum((want & got).values())
    extra = sum((got - want).values())
    missed = sum((want - got).values())
    total = matched + extra + missed
    if total == 0:
        return 0.0, 0.0, 0.0
    return matched / total, extra / total, missed / total


def _ratio(hit: float, other: float, rest: float) -> float:
    if other == rest == 0:
        return 1.0
    return hit / (hit + other) if hit + other > 0 else 0.0


def score(counts: list[Counts]) -> tuple[float, float, float]:
    """(precision, recall, F1) of a set of per-document counts; a document with nothing predicted has no
    precision, and one with nothing true has no recall (they are left out of that mean)."""
    precisions = [_ratio(tp, fp, fn) for tp, fp, fn in counts if tp + fp > 0]
    recalls = [_ratio(tp, fn, fp) for tp, fp, fn in counts if tp + fn > 0]
    precision = statistics.mean(precisions) if precisions else 0.0
    recall = statistics.mean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _doc_f1(counts: Counts) -> float:
    tp, fp, fn = counts
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def read_articles(path: Path) -> Iterator[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def site_folds(articles: list[dict[str, Any]], folds: int) -> list[int]:
    """Fold of each article: sites in the order of a hash of their name, dealt round-robin, so that the split
    is fixed, knows nothing of the pages' content, and never puts two pages of one site on both sides."""
    site_of = [urlparse(a.get("url") or "").netloc or a["id"] for a in articles]
    order = sorted(set(site_of), key=lambda site: hashlib.sha256(site.encode()).hexdigest())
    fold_of_site = {site: index % folds for index, site in enumerate(order)}
    return [fold_of_site[site] for site in site_of]


def _clean_with(settings: Settings) -> Callable[[dict[str, Any]], str]:
    def clean(article: dict[str, Any]) -> str:
        raw = RawArticle.model_validate(article)
        return clean_article(raw, max_body_bytes=20_000_000, settings=settings).text

    return clean


def _trafilatura_alone(article: dict[str, Any]) -> str:
    import trafilatura

    page = article.get("html") or (
        "<html><body>"
        + "".join(f"<p>{html.escape(line)}</p>" for line in (article.get("body") or "").split("\n") if line.strip())
        + "</body></html>"
    )
    return trafilatura.extract(page) or ""


def outputs(extract: Callable[[dict[str, Any]], str], articles: list[dict[str, Any]]) -> tuple[list[str], int]:
    texts, rejected = [], 0
    for article in articles:
        try:
            texts.append(extract(article))
        except RejectedArticle:
            rejected += 1
            texts.append("")
    return texts, rejected


def speed(
    extractors: list[Callable[[dict[str, Any]], str]], articles: list[dict[str, Any]], repeat: int
) -> list[tuple[float, float]]:
    """(docs/s wall, docs/s CPU) of each extractor, best of `repeat` passes. The passes take turns (one of each
    extractor, then again), so that a burst of load from another process on the shared machine falls on all
    of them alike rather than on one."""
    best = [[float("inf"), float("inf")] for _ in extractors]
    for _ in range(repeat):
        for index, extract in enumerate(extractors):
            wall, cpu = time.perf_counter(), time.process_time()
            outputs(extract, articles)
            best[index][0] = min(best[index][0], time.perf_counter() - wall)
            best[index][1] = min(best[index][1], time.process_time() - cpu)
    return [(len(articles) / wall, len(articles) / cpu) for wall, cpu in best]


def effective(settings: Settings) -> Settings:
    """`settings` with every None replaced by the value data/thresholds.json gives it."""
    limits = thresholds()
    return replace(
        settings,
        story_furniture_max_words=settings.story_furniture_max_words or limits.story_furniture_max_words,
        furniture_max_words=settings.furniture_max_words or limits.furniture_max_words,
        min_story_score=limits.min_story_score if settings.min_story_score is None else settings.min_story_score,
    )


def describe(settings: Settings, is_html: bool) -> str:
    if not is_html:
        return f"min_story_score={settings.min_story_score} furniture_max_words={settings.furniture_max_words}"
    parts = [
        (settings.focus, settings.focus != "balanced"),
        ("no-fallbacks", not settings.fallbacks),
        (f"furniture<={settings.story_furniture_max_words}w", settings.drop_furniture),
    ]
    return "+".join(name for name, on in parts if on) or "plain"


def _line(name: str, counts: list[Counts], extra: str = "") -> str:
    precision, recall, f1 = score(counts)
    return f"{name:<26} P={precision:.4f} R={recall:.4f} F1={f1:.4f}{extra}"


def cross_validate(
    articles: list[dict[str, Any]], truth: dict[str, str], folds: int, is_html: bool, worst: int
) -> None:
    grid = HTML_GRID if is_html else TEXT_GRID
    fold_of = site_folds(articles, folds)
    wanted = [truth[a["id"]] for a in articles]

    def counts_of(texts: list[str]) -> list[Counts]:
        return [match_counts(w, t) for w, t in zip(wanted, texts, strict=True)]

    reference_texts, _ = outputs(_trafilatura_alone, articles)
    reference = counts_of(reference_texts)
    by_setting = []
    for settings in grid:
        texts, rejected = outputs(_clean_with(settings), articles)
        by_setting.append((counts_of(texts), rejected))
    if not is_html:
        print(_line("no cleaning", counts_of([a.get("body") or "" for a in articles])))
    print(
        f"{len(articles)} pages, {len(set(fold_of))} folds by site; each fold is cleaned by the settings best on"
        " the other folds"
    )
    pooled: list[Counts] = [(0.0, 0.0, 0.0)] * len(articles)
    for fold in range(folds):
        inside = [i for i, f in enumerate(fold_of) if f == fold]
        outside = [i for i, f in enumerate(fold_of) if f != fold]
        if not inside:
            continue
        chosen = max(range(len(grid)), key=lambda s: (score([by_setting[s][0][i] for i in outside])[2], -s))
        ours = [by_setting[chosen][0][i] for i in inside]
        theirs = [reference[i] for i in inside]
        for i in inside:
            pooled[i] = by_setting[chosen][0][i]
        differences = [_doc_f1(o) - _doc_f1(t) for o, t in zip(ours, theirs, strict=True)]
        standard_error = statistics.stdev(differences) / len(differences) ** 0.5 if len(differences) > 1 else 0.0
        gap = score(ours)[2] - score(theirs)[2]
        print(f"fold {fold} ({len(inside)} pages), chosen: {describe(grid[chosen], is_html)}")
        print("  " + _line("trafilatura alone", theirs))
        print(
            "  "
            + _line(
                "dyadwatch",
                ours,
                f"  difference {gap:+.4f}, standard error {standard_error:.4f}"
                f"{'  BELOW BY MORE THAN ONE SE' if gap < -standard_error else ''}",
            )
        )
    print(_line("pooled trafilatura alone", reference))
    print(_line("pooled out-of-fold", pooled))
    best = max(range(len(grid)), key=lambda s: (score(by_setting[s][0])[2], -s))
    default = next((i for i, s in enumerate(grid) if effective(s) == effective(DEFAULT_SETTINGS)), None)
    print(
        f"chosen on all pages: {describe(grid[best], is_html)}"
        f"{'' if best == default else ' (NOT the default settings)'}; in-sample, for reference:"
    )
    for index, (counts, rejected) in enumerate(by_setting):
        mark = "*" if index == default else " "
        print(f" {mark}" + _line(describe(grid[index], is_html), counts, f"  {rejected} rejected"))
    if worst:
        ranked = sorted(zip(pooled, articles, strict=True), key=lambda pair: _doc_f1(pair[0]))
        for doc_counts, article in ranked[:worst]:
            _, extra, missed = doc_counts
            print(
                f"    F1={_doc_f1(doc_counts):.3f} extra={extra:.3f} missed={missed:.3f}  {article['id'][:12]} "
                f"{article.get('url', '')[:80]}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("ground_truth", type=Path)
    parser.add_argument("articles", type=Path)
    parser.add_argument("--folds", type=int, default=5, help="folds by site (default 5)")
    parser.add_argument("--worst", type=int, default=0, help="list the N documents with the lowest out-of-fold F1")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N articles")
    parser.add_argument("--repeat", type=int, default=0, help="passes to time (default: 1 for HTML, 5 for text)")
    args = parser.parse_args()

    truth = {key: value.get("articleBody", "") for key, value in json.loads(args.ground_truth.read_text()).items()}
    articles = [a for a in read_articles(args.articles) if a["id"] in truth]
    if args.limit:
        articles = articles[: args.limit]
    is_html = any(a.get("html") for a in articles)
    _trafilatura_alone(articles[0])  # warm imports and caches before timing either side
    _clean_with(DEFAULT_SETTINGS)(articles[0])
    cross_validate(articles, truth, args.folds, is_html, args.worst)

    repeat = args.repeat or (1 if is_html else 5)
    (theirs_wall, theirs_cpu), (ours_wall, ours_cpu) = speed(
        [_trafilatura_alone, _clean_with(DEFAULT_SETTINGS)], articles, repeat
    )
    print(
        f"speed, best of {repeat}: dyadwatch (default settings) {ours_wall:.1f} docs/s wall, {ours_cpu:.1f} CPU; "
        f"trafilatura alone {theirs_wall:.1f} wall, {theirs_cpu:.1f} CPU; dyadwatch takes "
        f"{theirs_cpu / ours_cpu:.2f}x trafilatura's CPU time"
    )


if __name__ == "__main__":
    main()
