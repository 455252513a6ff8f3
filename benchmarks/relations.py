"""Measure relation judgement against the gold yardsticks, and the speed of clean + relate.

    python benchmarks/relations.py SENTENCES.jsonl [--articles ARTICLE_GOLD.jsonl --pages GROUND_TRUTH.json]
                                   [--speed-articles N] [--errors N] [--through-analyze] [--cameo SENTENCES.tsv]
                                   [--written benchmarks/data/written/written-a.jsonl ...]

Sentences (SENTENCES.jsonl, the format of ../shared/data/relations-dev.jsonl: {"id", "text", "gold": [{"pair",
"polarity", "quad"}]}): each row's text goes to `relate()` (and with --through-analyze through clean + relate as
`dyadwatch analyze` runs it). Metrics (DESIGN.md): pair recall over gold pairs; end-to-end macro-F1 over
cooperation/conflict, a gold pair missing or neutral counting as wrong; quad accuracy over found gold pairs;
extra pairs (predicted, not gold) per sentence.

Articles (--articles, the hand-coded article gold; --pages, the extraction benchmark's ground-truth.json whose
bodies it codes): the bodies go through clean + relate in batches, as `dyadwatch analyze` reads a file, and are
scored by the yardstick's own scorer (score_articles.py beside the gold file, run as it is: pair precision,
recall over clear pairs, polarity, false pairs per article stating no interstate relation, trend precision),
together with how precision varies with `confidence`.

Both are also reported on two fixed halves (an md5 of the article id or of the sentence text, even or odd):
half A is the one looked at while changing the reader, half B the one held out, to tell what generalises.

Speed: synthetic ~4 KB articles dense with country pairs (invented sentences, fixed seed), and the article
bodies when given, through clean + relate in batches of 64 on one core; the parser's share is reported.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from streams.domain.relations import parser as relation_parser
from streams.domain.relations import relate
from streams.models import AnalyzedArticle, Relation
from streams.pipeline import analyze_events

LABELS = ("cooperation", "conflict")


def through_relate(rows: list[dict[str, Any]]) -> list[list[Relation]]:
    return [relate(row["text"]) for row in rows]


BATCH = 64  # as `dyadwatch analyze` reads a file


def analyze_batched(lines: list[bytes]) -> list[AnalyzedArticle]:
    out: list[AnalyzedArticle] = []
    for i in range(0, len(lines), BATCH):
        out.extend(analyze_events(lines[i : i + BATCH]))
    return out


def half(key: str) -> str:
    """The fixed half a row belongs to: A (looked at while tuning) or B (held out)."""
    return "A" if int(hashlib.md5(key.encode("utf-8")).hexdigest()[:8], 16) % 2 == 0 else "B"


def through_analyze(rows: list[dict[str, Any]]) -> list[list[Relation]]:
    results = analyze_batched([orjson.dumps({"id": row["id"], "body": row["text"]}) for row in rows])
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


def speed(n: int, bodies: list[bytes]) -> None:
    events = synthetic_articles(n)
    analyze_events(events[:2])  # load the gazetteer, the lexicon and the parser outside the timing
    for name, lines in (("dense synthetic", events), ("article bodies", bodies)):
        if not lines:
            continue
        parsed_before = relation_parser.stats.sentences
        parse_before = relation_parser.stats.seconds
        started = time.perf_counter()
        results = analyze_batched(lines)
        elapsed = time.perf_counter() - started
        sentences = relation_parser.stats.sentences - parsed_before
        parse_s = relation_parser.stats.seconds - parse_before
        mean_kb = sum(len(r.text) for r in results) / len(results) / 1024
        pairs = sum(len(r.relations) for r in results) / len(results)
        print(f"speed, {name}: {len(lines)} articles of {mean_kb:.1f} KB, {pairs:.1f} pairs each")
        print(f"  clean + relate   {len(lines) / elapsed:.0f} articles/s  ({elapsed / len(lines) * 1e3:.2f} ms each)")
        print(
            f"  parser           {sentences / len(lines):.1f} candidate sentences per article, "
            f"{parse_s / max(sentences, 1) * 1e3:.2f} ms each, {parse_s / len(lines) * 1e3:.2f} ms per article "
            f"({parse_s / elapsed:.0%} of the time)"
        )


def candidate_rule(lines: list[bytes], written_paths: list[Path]) -> None:
    """What reading sentences that name one country and a reference ("its", "the two countries", "the
    strikes", "offered to mediate") costs and gives: candidates parsed per article body and bodies per second,
    with the rules and without them, and the pairs found in the written article sets (whose relations often span
    sentences)."""
    import streams.domain.relations as relations

    rows = [json.loads(line) for path in written_paths for line in path.read_text("utf-8").splitlines() if line]
    written_lines = [_written_event(r) for r in rows]
    rules = ("_refers", "_names_act", "_mediates")  # every way a sentence naming one country becomes a candidate
    kept = {rule: getattr(relations, rule) for rule in rules}
    for name, off in (("with references", False), ("two countries only", True)):
        if off:
            for rule in rules:
                setattr(relations, rule, lambda *_args: False)
        try:
            before = relation_parser.stats.sentences
            started = time.perf_counter()
            analyze_batched(lines)
            elapsed = time.perf_counter() - started
            parsed = relation_parser.stats.sentences - before
            got = {a.article_id: {rel.pair for rel in a.relations} for a in analyze_batched(written_lines)}
        finally:
            for rule, kept_rule in kept.items():
                setattr(relations, rule, kept_rule)
        line = f"  candidate rule, {name:18s}: {parsed / len(lines):.2f} parsed sentences per article body, "
        line += f"{len(lines) / elapsed:.0f} bodies/s"
        if rows:
            gold = sum(len(r["pairs"]) for r in rows)
            found = sum(len(got[r["id"]] & {g["pair"] for g in r["pairs"]}) for r in rows)
            predicted = sum(len(got[r["id"]]) for r in rows)
            line += f"; written articles: recall {found / gold:.3f}, precision {found / max(predicted, 1):.3f}"
        print(line)


def articles(gold_path: Path, pages: Path, errors: int) -> list[bytes]:
    """Score the article bodies with the yardstick's own scripts; returns the analyze input lines."""
    tools = gold_path.parent
    made = subprocess.run(
        [sys.executable, str(tools / "articles_make_input.py"), str(pages)], check=True, capture_output=True
    )
    lines = [line for line in made.stdout.splitlines() if line.strip()]
    started = time.perf_counter()
    results = analyze_batched(lines)
    elapsed = time.perf_counter() - started
    gold = [json.loads(line) for line in gold_path.read_text("utf-8").splitlines() if line.strip()]
    predictions = {r.article_id: r.model_dump(mode="json") for r in results}
    print(f"articles: {len(lines)} bodies through clean + relate in {elapsed:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("all", "A", "B"):
            chosen = [g for g in gold if name == "all" or half(g["id"]) == name]
            gold_file, pred_file = Path(tmp, f"gold-{name}.jsonl"), Path(tmp, f"pred-{name}.jsonl")
            gold_file.write_text("".join(json.dumps(g) + "\n" for g in chosen), "utf-8")
            pred_file.write_text(
                "".join(json.dumps(predictions[g["id"]]) + "\n" for g in chosen if g["id"] in predictions), "utf-8"
            )
            scored = subprocess.run(
                [sys.executable, str(tools / "score_articles.py"), str(gold_file), str(pred_file), "--split", "all"],
                check=True,
                capture_output=True,
                text=True,
            )
            figures = json.loads(scored.stdout)
            keys = ("articles_scored", "predicted_pairs", "pair_precision", "pair_recall", "polarity_accuracy")
            keys += ("false_pairs_per_nonintl_article", "trend_precision")
            print(f"  {name:3s} " + "  ".join(f"{k} {figures[k]}" for k in keys))
    confidence_table(gold, predictions)
    if errors:
        show_article_errors(gold, predictions, errors)
    return lines


WRITTEN_DATE = "2025-06-02T00:00:00Z"  # the articles' news date, for the reader's history rule


def _written_event(row: dict[str, Any]) -> bytes:
    """A written article as the raw event `analyze` reads."""
    event = {"id": row["id"], "title": row["title"], "body": row["text"], "language": row["language"]}
    return orjson.dumps(event | {"source": "written", "published_at": WRITTEN_DATE})


def written(path: Path) -> None:
    """A set of articles the team wrote with their gold (benchmarks/data/written): through clean + relate as
    `analyze` runs them, scored as score_articles.py scores the real ones (pair precision over predicted pairs,
    recall over gold pairs, polarity on found pairs, false pairs per article stating no relation), plus direction
    on found pairs with a gold initiator and reported changes on found pairs (right of those with a gold trend, and
    how many the reader said); for all, and for the odd- and even-numbered articles."""
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    lines = [_written_event(r) for r in rows]
    got = {a.article_id: {rel.pair: rel for rel in a.relations} for a in analyze_batched(lines)}
    print(f"written articles: {path.name}, {len(rows)} articles")
    for name in ("all", "odd", "even"):
        chosen = [r for r in rows if name == "all" or (int(r["id"][1:]) % 2 == 1) == (name == "odd")]
        predicted = right = gold_pairs = found = polar = directed = direction = false = quiet = 0
        trend_right = trend_said = trend_gold = 0  # reported changes, on found pairs
        for r in chosen:
            gold = {g["pair"]: g for g in r["pairs"]}
            pred = got.get(r["id"], {})
            predicted += len(pred)
            gold_pairs += len(gold)
            right += sum(p in gold for p in pred)
            if r["kind"] == "no_relation":
                quiet += 1
                false += len(pred)
            for pair, g in gold.items():
                if pair in pred:
                    found += 1
                    polar += pred[pair].polarity == g["polarity"]
                    if g["initiator"]:
                        directed += 1
                        direction += pred[pair].initiator == g["initiator"]
                    trend_gold += g["trend"] is not None
                    trend_said += pred[pair].trend is not None
                    trend_right += g["trend"] is not None and pred[pair].trend == g["trend"]
        print(
            f"  {name:4s} pair precision {right / max(predicted, 1):.3f} ({right}/{predicted})  "
            f"recall {found / max(gold_pairs, 1):.3f} ({found}/{gold_pairs})  polarity {polar / max(found, 1):.3f}  "
            f"false pairs per no-relation article {false / max(quiet, 1):.3f} ({false}/{quiet})  "
            f"direction {direction}/{directed}  trend {trend_right} right of {trend_gold} gold, {trend_said} said"
        )


def confidence_table(gold: list[dict[str, Any]], predictions: dict[str, dict[str, Any]]) -> None:
    """Pair precision (a predicted pair that is a gold pair, clear or borderline) by confidence band."""
    bands = [(0.0, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)]
    counts = {band: [0, 0] for band in bands}
    for g in gold:
        gold_pairs = {p["pair"] for p in g["pairs"]}
        for r in predictions.get(g["id"], {}).get("relations", []):
            band = next(b for b in bands if b[0] <= r["confidence"] < b[1])
            counts[band][0] += 1
            counts[band][1] += r["pair"] in gold_pairs
    cells = [f"[{lo:.1f},{min(hi, 1.0):.1f}) {ok}/{n}" for (lo, hi), (n, ok) in counts.items() if n]
    print("  precision by confidence: " + "  ".join(cells))


def show_article_errors(gold: list[dict[str, Any]], predictions: dict[str, dict[str, Any]], limit: int) -> None:
    shown = 0
    for g in gold:
        if half(g["id"]) != "A" or shown >= limit:
            continue  # only the half that is looked at
        got = {r["pair"]: r for r in predictions.get(g["id"], {}).get("relations", [])}
        wanted = {p["pair"]: p for p in g["pairs"]}
        for pair in sorted(set(got) | {p for p, w in wanted.items() if w["confidence"] == "clear"}):
            if pair in got and pair in wanted and got[pair]["polarity"] == wanted[pair]["polarity"]:
                continue
            shown += 1
            verdict = "missing" if pair not in got else f"{got[pair]['polarity']} {got[pair]['confidence']}"
            print(f"    {g['topic'][:40]:40s} {pair} gold {wanted.get(pair, {}).get('polarity', '-')} got {verdict}")


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
    parser.add_argument("gold", type=Path, help="sentence gold (relations-dev.jsonl)")
    parser.add_argument("--articles", type=Path, help="article gold (articles-dev-gold.jsonl)")
    parser.add_argument("--pages", type=Path, help="the ground-truth.json whose bodies the article gold codes")
    parser.add_argument("--speed-articles", type=int, default=300, help="synthetic 4 KB articles (0: skip)")
    parser.add_argument("--errors", type=int, default=0, help="print this many errors of half A")
    parser.add_argument("--cameo", type=Path, help="also check a CAMEO-labelled sentence TSV (text, label)")
    parser.add_argument(
        "--written", type=Path, action="append", default=[], help="a set of benchmarks/data/written (repeatable)"
    )
    parser.add_argument(
        "--through-analyze", action="store_true", help="also score clean + relate (analyze) on the sentences"
    )
    args = parser.parse_args()
    if bool(args.articles) != bool(args.pages):
        parser.error("--articles and --pages go together")
    rows = [json.loads(line) for line in args.gold.read_text("utf-8").splitlines() if line.strip()]
    for name in ("all", "A", "B"):
        chosen = [r for r in rows if name == "all" or half(r["text"]) == name]
        print(f"sentences, {name}: relate() on each gold sentence (already clean text):")
        evaluate(chosen, args.errors if name == "A" else 0, through_relate)
        if args.through_analyze:
            print(f"sentences, {name}: clean + relate (analyze) on each gold sentence as a raw event:")
            evaluate(chosen, 0, through_analyze)
    bodies = articles(args.articles, args.pages, args.errors) if args.articles else []
    if bodies:
        candidate_rule(bodies, args.written)
    for path in args.written:
        written(path)
    if args.cameo:
        cameo_agreement(args.cameo)
    if args.speed_articles:
        speed(args.speed_articles, bodies)


if __name__ == "__main__":
    main()
