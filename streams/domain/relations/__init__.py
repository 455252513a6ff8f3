"""Stage 2, relate: cleaned text -> the relation of every country pair the text relates.

Interface used by the pipeline (keep this name and signature):

    def relate(text: str, *, title: str | None = None, published_at: datetime | None = None) -> list[Relation]

`Relation` is `streams.models.Relation`: pair "AAA-BBB" (ISO alpha-3, sorted), countries, polarity, score in
[-10, 10], quad 1..4, trend, confidence, evidence sentences with cues. Pairs are unique in the returned list.

How: countries are found once over the article (streams.domain.countries); only sentences that name two
countries, or point back to a pair ("the two countries"), are read further (analysis.py); each pair's
sentence verdicts are pooled into one judgement (judge.py).
"""

from __future__ import annotations

from datetime import datetime

from streams.domain.countries import match_text
from streams.domain.relations.analysis import Pair, PairFinding, pairs_in_sentence
from streams.domain.relations.judge import judge
from streams.domain.relations.lexicon import lexicon
from streams.domain.relations.sentences import sentence_spans
from streams.models import Relation

__all__ = ["relate"]


def relate(text: str, *, title: str | None = None, published_at: datetime | None = None) -> list[Relation]:
    lex = lexicon()
    article = text
    if title and not text.lstrip().startswith(title.strip()):
        article = title.strip() + "\n" + text
    at = published_at.date() if published_at is not None else None
    mentions = [m for m in match_text(article, at=at) if m.is_actor]
    if len(mentions) < 2:
        return []
    findings: dict[Pair, list[tuple[str, PairFinding]]] = {}
    topic_counts: dict[Pair, int] = {}
    k = 0
    for start, end in sentence_spans(article):
        inside = []
        while k < len(mentions) and mentions[k].start < end:
            if mentions[k].start >= start:
                inside.append(mentions[k])
            k += 1
        countries = {m.country for m in inside}
        sentence = article[start:end]
        # A cheap pre-check; the anaphora list itself (modifiers.json) is applied in analysis.
        anaphoric = "two " in sentence or "both " in sentence or "Both " in sentence or " pair" in sentence
        if len(countries) < 2 and not anaphoric:
            continue
        topic = _topic(countries, topic_counts) if anaphoric else None
        for pair, finding in pairs_in_sentence(sentence, inside, start, lex, topic).items():
            findings.setdefault(pair, []).append((sentence.strip(), finding))
            topic_counts[pair] = topic_counts.get(pair, 0) + 1
    return [judge(pair, found) for pair, found in sorted(findings.items())]


def _topic(countries: set[str | None], topic_counts: dict[Pair, int]) -> Pair | None:
    """What "the two countries" points back to: the pair this sentence names, else the article's main pair."""
    named = sorted(c for c in countries if c is not None)
    if len(named) == 2:
        return (named[0], named[1])
    if not topic_counts:
        return None
    return max(topic_counts, key=lambda p: topic_counts[p])
