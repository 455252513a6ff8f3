"""Pool a pair's sentence verdicts into one Relation: score, polarity, quad, trend, confidence, evidence."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from streams.domain.relations.analysis import Hit, Pair, is_modal
from streams.domain.relations.structure import Party
from streams.models import Evidence, Polarity, Reference, Relation, Trend


@dataclass
class PairFinding:
    """What one sentence says of one pair: its cues, who initiated each (None: mutual), the references that
    stood for a party, and whether a party came only through a reference or an inherited subject."""

    hits: list[Hit]
    initiators: list[str | None]
    references: list[Party]
    indirect: bool = False


@dataclass(frozen=True)
class Settings:
    neutral_band: float
    indirect_weight: float
    plain: float
    modal_weight: float
    mixed_weight: float
    weak_weight: float
    max_evidence: int


@cache
def settings() -> Settings:
    raw = json.loads(resources.files("streams.domain.relations").joinpath("data", "judgement.json").read_text("utf-8"))
    return Settings(**{k: v for k, v in raw.items() if not k.startswith("_")})


@dataclass(frozen=True)
class Verdict:
    """One sentence's verdict on one pair."""

    sentence: str
    score: float
    quad: int
    weight: float
    cues: list[str]
    trend: Trend | None
    initiator: str | None
    references: list[Party]
    plainness: float  # how plainly the sentence states the act, in [0, 1]


def sentence_verdict(sentence: str, finding: PairFinding, cfg: Settings) -> Verdict:
    strong = [h for h in finding.hits if not h.cue.weak]
    pool = strong or finding.hits
    # The first cue is the main predicate in news English ("X rejected an appeal ... convicted ... prison",
    # "X offered troops to help Y in its fight"): it sets polarity and quad. Later cues of the same sign are
    # its objects and circumstances ("signing a strategic partnership treaty"): the strongest sets the level.
    decisive = min(pool, key=lambda h: h.start)
    same_sign = [h for h in pool if (h.score > 0) == (decisive.score > 0)]
    score = max(same_sign, key=lambda h: abs(h.score)).score
    weight = 1.0 if strong else cfg.weak_weight
    if finding.indirect:
        weight *= cfg.indirect_weight
    initiator = finding.initiators[finding.hits.index(decisive)]
    plainness = cfg.plain
    if not strong:
        plainness *= cfg.weak_weight
    if finding.indirect:
        plainness *= cfg.indirect_weight
    if is_modal(decisive.label):
        plainness *= cfg.modal_weight
    if any((h.score > 0) != (decisive.score > 0) for h in pool):
        plainness *= cfg.mixed_weight
    return Verdict(
        sentence,
        _clip(score),
        decisive.quad,
        weight,
        _labels(pool),
        _trend(finding.hits),
        initiator,
        finding.references,
        plainness,
    )


def judge(pair: Pair, found: list[tuple[str, PairFinding]]) -> Relation:
    cfg = settings()
    verdicts = [sentence_verdict(sentence, finding, cfg) for sentence, finding in found]
    # A strong event outweighs many mild remarks ("signed a treaty" vs "sent a message"): weight by strength
    # squared as well as by count.
    mass = [v.weight * (1.0 + abs(v.score)) ** 2 for v in verdicts]
    total = sum(mass)
    score = sum(v.score * m for v, m in zip(verdicts, mass, strict=True)) / total
    polarity: Polarity = "neutral" if abs(score) < cfg.neutral_band else ("cooperation" if score > 0 else "conflict")
    quad = _quad(verdicts, mass, polarity)
    agreeing = sum(m for v, m in zip(verdicts, mass, strict=True) if (v.score > 0) == (score > 0))
    # Each sentence that agrees with the pooled sign is a piece of evidence of its own plainness (a strong,
    # direct, unhedged, one-signed act is plain); pieces combine as independent witnesses (noisy-or), and the
    # share of the mass that agrees discounts them.
    doubt = 1.0
    for v in verdicts:
        if (v.score > 0) == (score > 0):
            doubt *= 1.0 - v.plainness
    confidence = (agreeing / total) * (1.0 - doubt)
    trend = _pooled_trend(verdicts)
    if trend is not None:
        # A reported change is the article's headline claim for the pair: its confidence is how plainly and how
        # consistently the text states it ("relations have cooled" once is a plain statement), not how clear
        # the pair's polarity is.
        confidence = max(confidence, _trend_confidence(verdicts, trend))
    initiator = _initiator(verdicts, mass)
    ranked = sorted(zip(verdicts, mass, strict=True), key=lambda vm: -vm[1])[: cfg.max_evidence]
    # Every field is in range by construction (scores clipped, confidence bounded, pair sorted), so the model is
    # built without re-validation: pydantic's checks cost more than the judgement on a busy article.
    return Relation.model_construct(
        pair=f"{pair[0]}-{pair[1]}",
        countries=pair,
        polarity=polarity,
        score=round(score, 2),
        quad=quad,
        trend=trend,
        confidence=round(min(max(confidence, 0.05), 0.99), 3),
        initiator=initiator,
        target=None if initiator is None else (pair[1] if initiator == pair[0] else pair[0]),
        evidence=[_evidence(v, pair) for v, _m in ranked],
    )


def _evidence(v: Verdict, pair: Pair) -> Evidence:
    target = None if v.initiator is None else (pair[1] if v.initiator == pair[0] else pair[0])
    references = [
        Reference.model_construct(text=r.via or "", country=r.country, antecedent=r.antecedent or r.country)
        for r in v.references
        if r.country in pair
    ]
    return Evidence.model_construct(
        sentence=v.sentence, cues=v.cues, initiator=v.initiator, target=target, references=references
    )


def _initiator(verdicts: list[Verdict], mass: list[float]) -> str | None:
    """Who acted on whom, when the sentences say it: news tells the act first and the replies after it, so the
    side of the first directed sentence (the headline, the lede), unless the other side carries two thirds of the
    directed mass; and none when directed sentences are under a third of all the mass (a mutual act)."""
    by_country: dict[str, float] = {}
    for v, m in zip(verdicts, mass, strict=True):
        if v.initiator is not None:
            by_country[v.initiator] = by_country.get(v.initiator, 0.0) + m
    directed = sum(by_country.values())
    if not by_country or directed < sum(mass) / 3:
        return None
    first = next(v.initiator for v in verdicts if v.initiator is not None)
    if directed - by_country[first] >= 2 * directed / 3:
        return max(by_country, key=lambda c: by_country[c])
    return first


def _quad(verdicts: list[Verdict], mass: list[float], polarity: Polarity) -> int:
    side = (1, 2) if polarity != "conflict" else (3, 4)
    votes = {q: 0.0 for q in side}
    for v, m in zip(verdicts, mass, strict=True):
        if v.quad in votes:
            votes[v.quad] += m
    if not any(votes.values()):
        return side[0]
    return max(side, key=lambda q: votes[q])


def _trend(hits: list[Hit]) -> Trend | None:
    directions = {h.trend for h in hits if h.trend is not None}
    if len(directions) == 1:
        direction = directions.pop()
        return "warming" if direction == "warming" else "cooling"
    return None


def _pooled_trend(verdicts: list[Verdict]) -> Trend | None:
    warming = sum(1 for v in verdicts if v.trend == "warming")
    cooling = sum(1 for v in verdicts if v.trend == "cooling")
    if warming > cooling:
        return "warming"
    if cooling > warming:
        return "cooling"
    return None


def _trend_confidence(verdicts: list[Verdict], trend: Trend) -> float:
    stated = sum(v.weight for v in verdicts if v.trend is not None)
    agreeing = sum(v.weight for v in verdicts if v.trend == trend)
    return float((agreeing / stated) * (1.0 - 0.5 ** (agreeing + 1.5)))


def _labels(hits: list[Hit]) -> list[str]:
    seen: list[str] = []
    for h in sorted(hits, key=lambda h: -abs(h.score)):
        if h.label not in seen:
            seen.append(h.label)
    return seen


def _clip(x: float) -> float:
    return max(-10.0, min(10.0, x))
