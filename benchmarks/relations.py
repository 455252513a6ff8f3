"""Measure relation judgement against a gold file, and the speed of clean + relate.

    python benchmarks/relations.py GOLD.jsonl [--speed-articles N] [--errors N] [--through-analyze]
                                             [--cameo SENTENCES.tsv]

GOLD.jsonl rows: {"id", "text", "gold": [{"pair": "AAA-BBB", "polarity": "cooperation"|"conflict", "quad": 1-4}]}
(the format of ../shared/data/relations-dev.jsonl). Each row's text goes to `relate()`: the rows are single
sentences of already clean text, and the cleaner may (rightly) refuse a one-sentence body as "no article".
With --through-analyze the rows also go through `streams.pipeline.analyze_event` (clean + relate, as
`dyadwatch analyze` runs it) as raw events, and the rejections are counted. The speed run always uses
analyze_event.

Metrics (DESIGN.md): pair recall over gold pairs; end-to-end macro-F1 over cooperation/conflict, where a gold
pair that is missing or judged neutral counts as wrong; quad accuracy over gold pairs that were found; extra
pairs (predicted, not in gold) per sentence; articles per second.

The speed run builds synthetic ~4 KB articles from invented sentences (a fixed random seed), so it needs no
data beyond the gazetteer, and times clean + relate, and relate alone, on one core.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import orjson

from streams.domain.relations import relate
from streams.models import Relation
from streams.pipeline import analyze_event

LABELS = ("cooperation", "conflict")


def through_relate(rows: list[dict[str, Any]]) -> list[list[Relation]]:
    return [relate(row["text"]) for row in rows]


def through_analyze(rows: list[dict[str, Any]]) -> list[list[Relation]]:
    results = [analyze_event(orjson.dumps({"id": row["id"], "body": row["text"]})) for row in rows]
    rejected = Counter(r.error for r in results if r.status != "ok")
    if rejected:
        print(f"  analyze_event rejected {sum(rejected.values())} rows: {dict(rejected)}")
    return [r.relations for r in results]


def evaluate(
    rows: list[dict[str, Any]], errors: int, run: Callable[[list[dict[str, Any]]], list[list[Relation]]]
) -> None:
    gold_pairs = found = quad_ok = extra = 0
    outcome: Counter[tuple[str, str]] = Counter()
    shown = 0
    started = time.perf_counter()
    results = run(rows)
    elapsed = time.perf_counter() - started
    for row, relations in zip(rows, results, strict=True):
        predicted = {r.pair: r for r in relations}
        gold = {g["pair"]: g for g in row["gold"]}
        extra += sum(1 for pair in predicted if pair not in gold)
        for pair, g in gold.items():
            gold_pairs += 1
            r = predicted.get(pair)
            label = "missing" if r is None else r.polarity
            outcome[(g["polarity"], label)] += 1
            if r is not None:
                found += 1
                quad_ok += r.quad == g["quad"]
            if errors and shown < errors and (r is None or r.polarity != g["polarity"] or r.quad != g["quad"]):
                shown += 1
                got = "missing" if r is None else f"{r.polarity} q{r.quad} {[e.cues for e in r.evidence]}"
                extras = sorted(set(predicted) - set(gold))
                print(f"  gold {pair} {g['polarity']} q{g['quad']} | got {got} | extra {extras}")
                print(f"    {row['text'][:220]}")
    f1s = []
    for c in LABELS:
        tp = outcome[(c, c)]
        fp = sum(n for (g, p), n in outcome.items() if p == c and g != c)
        fn = sum(n for (g, p), n in outcome.items() if g == c and p != c)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
        print(f"  {c:12s} P {precision:.3f}  R {recall:.3f}  F1 {f1s[-1]:.3f}")
    print(f"sentences              {len(rows)}")
    print(f"gold pairs             {gold_pairs}")
    print(f"pair recall            {found / gold_pairs:.3f}")
    print(f"macro-F1 (end-to-end)  {sum(f1s) / len(f1s):.3f}")
    print(f"quad accuracy (found)  {quad_ok / max(found, 1):.3f}")
    print(f"extra pairs/sentence   {extra / len(rows):.3f}")
    print(f"outcomes (gold, got)   {dict(sorted(outcome.items()))}")
    print(f"articles/s (gold rows) {len(rows) / elapsed:.0f}")


# Invented sentences for the speed run: {a}, {b} are country names, the rest is filler news prose.
_RELATED = [
    "{a} and {b} signed an agreement on energy cooperation on Tuesday, officials said.",
    "{a} condemned the missile strike on {b}, calling it a violation of international law.",
    "The foreign minister of {a} met his counterpart from {b} in a bid to ease tensions.",
    "{a} has threatened to impose sanctions on {b} if the talks fail.",
    "Relations between {a} and {b} have deteriorated since the border dispute began last year.",
    "{a} said it would send humanitarian aid to {b} after the earthquake.",
    "Troops from {a} clashed with forces from {b} near the disputed region overnight.",
    "{a} did not condemn the attack, and instead urged {b} to show restraint.",
]
_SINGLE = [
    "Officials in {a} said the measures would take effect next month.",
    "The president of {a} is expected to address parliament on Thursday.",
]
_FILLER = [
    "The ministry said it would publish further details later in the week.",
    "Analysts expect the central bank to keep interest rates unchanged at its next meeting.",
    "The statement was released after a cabinet meeting that lasted several hours.",
    "Local media reported heavy traffic on the main roads into the capital on Monday morning.",
    "A spokesperson declined to comment on the timing of the announcement.",
    "Markets were little changed in early trading, with investors awaiting new inflation figures.",
    "The committee is due to report its findings before the end of the year.",
    "Several opposition lawmakers criticised the budget, saying it did too little for rural areas.",
]
_COUNTRIES = [
    "Russia",
    "Ukraine",
    "China",
    "Japan",
    "India",
    "Pakistan",
    "Iran",
    "Israel",
    "Turkey",
    "Germany",
    "France",
    "Britain",
    "the United States",
    "Brazil",
    "Mexico",
    "Egypt",
    "Saudi Arabia",
    "North Korea",
    "South Korea",
    "Poland",
    "Vietnam",
    "the Philippines",
    "Nigeria",
    "Kenya",
    "Australia",
    "Canada",
    "Indonesia",
    "Qatar",
]


def synthetic_articles(n: int, size: int = 4096, seed: int = 7) -> list[bytes]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        paragraphs: list[str] = []
        length = 0
        while length < size:
            sentences = []
            for _ in range(rng.randint(2, 4)):
                a, b = rng.sample(_COUNTRIES, 2)
                kind = rng.random()
                template = rng.choice(_RELATED if kind < 0.2 else _SINGLE if kind < 0.4 else _FILLER)
                s = template.format(a=a, b=b)
                sentences.append(s[0].upper() + s[1:])
            paragraph = " ".join(sentences)
            paragraphs.append(paragraph)
            length += len(paragraph) + 1
        event = {
            "id": f"synthetic-{i}",
            "title": f"{rng.choice(_COUNTRIES)} and {rng.choice(_COUNTRIES)} hold talks".capitalize(),
            "body": "\n".join(paragraphs)[:size],
            "published_at": "2025-03-01T12:00:00+00:00",
        }
        out.append(orjson.dumps(event))
    return out


def speed(n: int) -> None:
    events = synthetic_articles(n)
    analyze_event(events[0])  # load the gazetteer and the lexicon outside the timing
    started = time.perf_counter()
    results = [analyze_event(e) for e in events]
    clean_relate = time.perf_counter() - started
    texts = [(r.text, json.loads(e)["title"]) for r, e in zip(results, events, strict=True)]
    started = time.perf_counter()
    for text, title in texts:
        relate(text, title=title)
    relate_only = time.perf_counter() - started
    mean_kb = sum(len(t) for t, _ in texts) / len(texts) / 1024
    pairs = sum(len(r.relations) for r in results) / len(results)
    print(f"speed: {n} synthetic articles of {mean_kb:.1f} KB, {pairs:.1f} pairs each")
    print(
        f"  clean + relate (analyze_event)  {n / clean_relate:.0f} articles/s  ({clean_relate / n * 1e3:.2f} ms each)"
    )
    print(f"  relate alone                    {n / relate_only:.0f} articles/s  ({relate_only / n * 1e3:.2f} ms each)")


CAMEO_QUADS = {"verbal-cooperation": 1, "material-cooperation": 2, "verbal-conflict": 3, "material-conflict": 4}


def cameo_agreement(path: Path) -> None:
    """A second yardstick without country gold: sentences labelled with a CAMEO quad class (TSV text, label).
    Over the labelled sentences where relate() finds a pair, how often the most confident pair's polarity
    and quad agree with the sentence's label."""
    lines = path.read_text("utf-8").splitlines()[1:]
    labelled = found = polarity_ok = quad_ok = 0
    for line in lines:
        text, _, label = line.rpartition("\t")
        quad = CAMEO_QUADS.get(label)
        if quad is None:
            continue
        labelled += 1
        relations = relate(text)
        if not relations:
            continue
        found += 1
        best = max(relations, key=lambda r: r.confidence)
        polarity_ok += best.polarity == ("cooperation" if quad <= 2 else "conflict")
        quad_ok += best.quad == quad
    print(f"CAMEO sentences: {labelled} labelled, a pair found in {found}")
    print(f"  polarity agreement {polarity_ok / max(found, 1):.3f}   quad agreement {quad_ok / max(found, 1):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("gold", type=Path)
    parser.add_argument("--speed-articles", type=int, default=300, help="synthetic 4 KB articles (0: skip)")
    parser.add_argument("--errors", type=int, default=0, help="print this many wrong or missing gold pairs")
    parser.add_argument("--cameo", type=Path, help="also check a CAMEO-labelled sentence TSV (text, label)")
    parser.add_argument(
        "--through-analyze", action="store_true", help="also score clean + relate (analyze_event) on the rows"
    )
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.gold.read_text("utf-8").splitlines() if line.strip()]
    print("relate() on each gold sentence (the sentences are already clean text):")
    evaluate(rows, args.errors, through_relate)
    if args.through_analyze:
        print("analyze_event() on each gold sentence as a raw event (clean + relate):")
        evaluate(rows, 0, through_analyze)
    if args.cameo:
        cameo_agreement(args.cameo)
    if args.speed_articles:
        speed(args.speed_articles)


if __name__ == "__main__":
    main()
