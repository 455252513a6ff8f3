"""Measure article-body extraction against a ground truth, with the Scrapinghub benchmark's metric.

    python benchmarks/extraction.py GROUND_TRUTH ARTICLES [--worst N] [--limit N]

GROUND_TRUTH is a JSON object {article id: {"articleBody": "..."}}; ARTICLES is JSON Lines (optionally gzipped)
of raw article events, each with `id` and `html` or `body`. The cleaner (`clean_article`) runs over every
article; when the articles carry HTML, trafilatura alone runs over the same pages in the same process, so the two
speeds are comparable.

Metric (as the benchmark defines it): tokens are runs of word characters, shingles are 4 consecutive tokens;
per document the matched / extra / missed shingle counts are normalised to sum to 1, so long pages weigh no
more than short ones; precision and recall are means over documents, F1 is taken of the two means.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from streams.domain.cleaning import RejectedArticle, clean_article
from streams.models import RawArticle

_WORD = re.compile(r"\w+")
SHINGLE = 4


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _WORD.findall(text)
    # A text shorter than one shingle still counts as one (short) shingle, as in the benchmark.
    last = max(1, len(tokens) - SHINGLE + 1)
    return Counter(t for t in (tuple(tokens[i : i + SHINGLE]) for i in range(last)) if t)


def match_counts(truth: str, predicted: str) -> tuple[float, float, float]:
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


def score(counts: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """(precision, recall, F1) of a set of per-document counts; a document with nothing predicted has no
    precision, and one with nothing true has no recall (they are left out of that mean)."""
    precision = statistics.mean(_ratio(tp, fp, fn) for tp, fp, fn in counts if tp + fp > 0)
    recall = statistics.mean(_ratio(tp, fn, fp) for tp, fp, fn in counts if tp + fn > 0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def read_articles(path: Path) -> Iterator[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def run(
    name: str,
    extract: Callable[[dict[str, Any]], str],
    articles: list[dict[str, Any]],
    truth: dict[str, str],
    *,
    repeat: int,
    worst: int,
) -> None:
    """Score one extractor; speed is the best of `repeat` passes (the machine is shared, so the fastest pass is
    the least disturbed one), as wall-clock and as this process's CPU time."""
    best_wall = best_cpu = float("inf")
    outputs: list[str] = []
    rejected = 0
    for _ in range(repeat):
        outputs, rejected = [], 0
        wall, cpu = time.perf_counter(), time.process_time()
        for article in articles:
            try:
                outputs.append(extract(article))
            except RejectedArticle:
                rejected += 1
                outputs.append("")
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    counts = [match_counts(truth[a["id"]], text) for a, text in zip(articles, outputs, strict=True)]
    precision, recall, f1 = score(counts)
    print(
        f"{name:<12} precision={precision:.4f} recall={recall:.4f} F1={f1:.4f}  "
        f"{len(articles) / best_wall:7.1f} docs/s wall, {len(articles) / best_cpu:7.1f} docs/s CPU "
        f"({len(articles)} docs, {rejected} rejected, best of {repeat})"
    )
    if worst:
        ranked = sorted(zip(counts, articles, strict=True), key=lambda pair: _doc_f1(pair[0]))
        for doc_counts, article in ranked[:worst]:
            _, extra, missed = doc_counts
            print(
                f"    F1={_doc_f1(doc_counts):.3f} extra={extra:.3f} missed={missed:.3f}  {article['id'][:12]} "
                f"{article.get('url', '')[:80]}"
            )


def _doc_f1(counts: tuple[float, float, float]) -> float:
    tp, fp, fn = counts
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _clean(article: dict[str, Any]) -> str:
    return clean_article(RawArticle.model_validate(article), max_body_bytes=20_000_000).text


def _trafilatura_alone(article: dict[str, Any]) -> str:
    import trafilatura

    return trafilatura.extract(article["html"]) or ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("ground_truth", type=Path)
    parser.add_argument("articles", type=Path)
    parser.add_argument("--worst", type=int, default=0, help="list the N documents with the lowest F1")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N articles")
    parser.add_argument("--repeat", type=int, default=0, help="passes to time (default: 1 for HTML, 5 for text)")
    args = parser.parse_args()

    truth = {key: value.get("articleBody", "") for key, value in json.loads(args.ground_truth.read_text()).items()}
    articles = [a for a in read_articles(args.articles) if a["id"] in truth]
    if args.limit:
        articles = articles[: args.limit]
    is_html = any(a.get("html") for a in articles)
    if is_html:
        _trafilatura_alone(articles[0])  # warm imports and caches before timing either side
    repeat = args.repeat or (1 if is_html else 5)
    if is_html:
        run("trafilatura", _trafilatura_alone, articles, truth, repeat=repeat, worst=args.worst)
    else:
        run("no cleaning", lambda a: a.get("body") or "", articles, truth, repeat=1, worst=0)
    _clean(articles[0])
    run("dyadwatch", _clean, articles, truth, repeat=repeat, worst=args.worst)


if __name__ == "__main__":
    main()
