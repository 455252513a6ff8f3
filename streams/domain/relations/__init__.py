"""Stage 2, relate: cleaned text -> the relation of every country pair the text relates.

Interface used by the pipeline:

    def relate(text, *, title=None, published_at=None, language=None) -> list[Relation]
    def relate_many(articles: list[ArticleText]) -> list[Reading]     # candidates parsed in one batch

`Relation` is `streams.models.Relation`: pair "AAA-BBB" (ISO alpha-3, sorted), countries, polarity, score in
[-10, 10], quad 1..4, trend, confidence, initiator and target, evidence sentences with cues. Pairs are unique.

How: countries are found once over the article (streams.domain.countries); a sentence is a candidate when it
names two countries, or one and a reference that can stand for another ("its", "the two countries"), and has at
least one cue; candidates of all the articles in a call are parsed together (parser.py); each candidate's
acts are read from its parse (structure.py) and each pair's sentence verdicts pooled (judge.py). Text that is
not English is not read: an English parser would misread it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from streams.domain.cleaning.stopwords import stop_word_counts
from streams.domain.countries import match_text
from streams.domain.relations import structure
from streams.domain.relations.analysis import Hit, Pair, cue_hits
from streams.domain.relations.judge import PairFinding, judge
from streams.domain.relations.lexicon import lexicon
from streams.domain.relations.parser import parse
from streams.domain.relations.roles import Roles
from streams.domain.relations.roles import roles as roles_of
from streams.domain.relations.sentences import sentence_spans
from streams.models import Relation

__all__ = ["ArticleText", "Reading", "relate", "relate_many"]


@dataclass(frozen=True)
class ArticleText:
    text: str
    title: str | None = None
    published_at: datetime | None = None
    language: str | None = None


@dataclass
class Reading:
    relations: list[Relation]
    note: str | None = None  # why the article was not read, when it was not


def relate(
    text: str, *, title: str | None = None, published_at: datetime | None = None, language: str | None = None
) -> list[Relation]:
    return relate_many([ArticleText(text, title, published_at, language)])[0].relations


def relate_many(articles: list[ArticleText]) -> list[Reading]:
    prepared = [_prepare(a) for a in articles]
    sentences = [c.sentence for p in prepared if isinstance(p, _Prepared) for c in p.candidates]
    docs = iter(parse(sentences)) if sentences else iter(())
    out: list[Reading] = []
    for p in prepared:
        if isinstance(p, Reading):
            out.append(p)
            continue
        out.append(Reading(_read(p, [next(docs) for _ in p.candidates])))
    return out


@dataclass
class _Candidate:
    index: int  # sentence number in the article
    sentence: str
    mentions: list[structure.Mention]
    hits: list[Hit]


@dataclass
class _Prepared:
    article: str
    candidates: list[_Candidate]
    # every sentence's actor mentions (offsets in the article), for references to earlier sentences
    history: list[list[structure.Mention]] = field(default_factory=list)  # by sentence number
    offtopic: bool = False
    year: int | None = None
    actors: dict[int, set[int]] = field(default_factory=dict)  # parsed sentences: their actor mentions' starts
    # sentences naming one state before an act it may have done ("North Korea fired a missile"), by number: the
    # state and the acts' categories, for a later "the launch" (never parsed, never a pair by themselves)
    lone_acts: dict[int, tuple[str, set[str]]] = field(default_factory=dict)
    # sentences whose subject is a firm or another body that is no state ("The company said ..."): a sentence
    # after one that opens with "It" or "Its" speaks of that body
    led_by_no_state: set[int] = field(default_factory=set)


_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_LETTER = re.compile(r"[^\W\d_]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")  # Basic Latin to Latin Extended-B
_MIN_WORDS_TO_JUDGE = 30  # fewer words are too few to tell languages apart by their stop words


def _english(text: str, language: str | None) -> str | None:
    """None when the text can be read as English, else why not: the declared language, or the stop words of
    another language clearly outnumbering English ones, or a script that is not Latin."""
    if language and not language.lower().replace("_", "-").startswith("en"):
        return f"not read: the article's language is {language!r}, and the parser reads English only"
    head = text[:1500]  # some 250 words: enough to tell languages apart
    letters = len(_LETTER.findall(head))
    if letters >= 40 and len(_LATIN_LETTER.findall(head)) < 0.5 * letters:
        return "not read: the text is not in the Latin script, and the parser reads English only"
    words = [w.lower() for w in _WORD.findall(head)]
    if len(words) < _MIN_WORDS_TO_JUDGE:
        return None
    counts = stop_word_counts(words)
    best = max(counts, key=lambda name: counts[name])
    if best != "English" and counts[best] >= 0.25 * len(words) and counts[best] >= 2 * counts["English"]:
        return (
            f"not read: the text reads as {best} ({counts[best]} of {len(words)} words are {best} stop words, "
            f"{counts['English']} English ones), and the parser reads English only"
        )
    return None


def _prepare(a: ArticleText) -> _Prepared | Reading:
    refused = _english(a.text, a.language)
    if refused is not None:
        return Reading([], refused)
    article = a.text
    if a.title and not a.text.lstrip().startswith(a.title.strip()):
        article = a.title.strip() + "\n" + a.text
    at = a.published_at.date() if a.published_at is not None else None
    # A state's news agency is an actor only as the subject of an act ("KCNA denounced ..."); structure.py
    # keeps it there and nowhere else (not in "according to Xinhua").
    mentions = [m for m in match_text(article, at=at) if m.is_actor or m.kind == "state_media"]
    roles = roles_of()
    year = a.published_at.year if a.published_at is not None else None
    prepared = _Prepared(article, [], offtopic=_offtopic(article, roles), year=year)
    if not mentions:
        return prepared
    lex = lexicon()
    lower = article.lower()
    k = 0
    seen: list[str] = []  # countries named so far, most recent last
    dated = _Dated(year - roles.history_years if year is not None else None)
    for index, (start, end) in enumerate(sentence_spans(article)):
        past = dated.past(article, start, end)
        inside: list[structure.Mention] = []
        while k < len(mentions) and mentions[k].start < end:
            found = mentions[k]
            if found.start >= start and found.country is not None:
                inside.append(
                    structure.Mention(found.start - start, found.end - start, found.country, found.kind, found.text)
                )
            k += 1
        prepared.history.append(inside)
        if _BODY_SUBJECT.match(article, start) and article[start:end].split()[1].lower() in roles.firm_nouns:
            prepared.led_by_no_state.add(index)
        countries = {m.country for m in inside}
        earlier = [c for c in seen[-6:] if c not in countries]
        for m in inside:
            if m.country in seen:
                seen.remove(m.country)
            seen.append(m.country)
        if not countries and not earlier:
            continue
        sentence = article[start:end]
        hits = cue_hits(sentence, [(m.start, m.end) for m in inside], lex)  # once per sentence
        if len(countries) == 1:
            _note_lone_act(prepared, index, sentence, inside, hits)
        if len(countries) < 2 and not (
            earlier
            and (
                _refers(lower[start:end], roles, len(countries))
                or (countries and (_names_act(sentence, hits) or _mediates(sentence, hits, roles)))
            )
        ):
            continue
        if hits and not past:
            prepared.candidates.append(_Candidate(index, sentence, inside, hits))
    return prepared


_BODY_SUBJECT = re.compile(r"\s*The [a-z]+ (?:said|says|added|also|has|had|is|was|will|would|reported|announced)\b")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
# words that put a sentence in the news of now, whatever year the paragraph named before it
_NOW = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tonight|yesterday|now|currently|"
    r"this (?:week|month|year)|has|have|is|are|will)\b",
    re.IGNORECASE,
)


@dataclass
class _Dated:
    """Which sentences tell history: a paragraph that names a year more than a few years before the article's
    ("In 1971 ...") dates the sentences after it that name no year and no sign of the present ("It ended in
    December, after Indian forces entered the conflict")."""

    before: int | None  # years before this one are history
    paragraph_year: int | None = None
    last_end: int = 0

    def past(self, article: str, start: int, end: int) -> bool:
        if self.before is None:
            return False
        if "\n" in article[self.last_end : start]:
            self.paragraph_year = None  # a new paragraph
        self.last_end = end
        sentence = article[start:end]
        years = [int(y) for y in _YEAR.findall(sentence)]
        if years:
            self.paragraph_year = max(years)
            return False  # its own year: the cue's phrase decides (structure.py)
        return self.paragraph_year is not None and self.paragraph_year < self.before and not _NOW.search(sentence)


_PRONOUN = re.compile(r"\b(?:it|its|itself|he|she|his|her|him)\b", re.IGNORECASE)


def _refers(lower: str, roles: Roles, named: int) -> bool:
    """Whether a sentence naming fewer than two countries points back to one ("its", "the two countries")."""
    if roles.pair_references.search(lower):
        return True
    return named == 1 and _PRONOUN.search(lower) is not None


def _note_lone_act(
    prepared: _Prepared, index: int, sentence: str, inside: list[structure.Mention], hits: list[Hit]
) -> None:
    """A sentence that opens with one state and then says what it did: the state may be the author of an act a
    later sentence names ("... condemned the launch")."""
    first = inside[0]
    if sentence[: first.start].strip(" \"'(“‘").split()[-1:] not in ([], ["The"], ["the"]):
        return  # not the sentence's subject position: "In Syria, ...", "Officials in Kenya ..."
    after = [h for h in hits if h.start > first.end]
    if after:
        prepared.lone_acts[index] = (first.country, {h.cue.category for h in after})


def _mediates(sentence: str, hits: list[Hit], roles: Roles) -> bool:
    """ "Malaysia offered to mediate": a mediator of the pair the sentences before related."""
    return any(sentence[h.start : h.end].lower() in roles.mediation_words for h in hits)


def _names_act(sentence: str, hits: list[Hit]) -> bool:
    """Whether a reaction ("condemned", "welcomed") comes before a cue that is a definite noun phrase ("the drills",
    "these sanctions"): it may be aimed at an earlier act (structure.py reads only that)."""
    reactions = [h.start for h in hits if h.cue.category in structure.REACTIONS]
    for h in hits:
        before = sentence[max(0, h.start - 30) : h.start].lower().split()
        if any(r < h.start for r in reactions) and any(w in structure.DETERMINERS for w in before[-3:]):
            return True
    return False


def _offtopic(article: str, roles: Roles) -> bool:
    """An article about sport, markets or culture: such words far outnumber the nouns that stand for states."""
    words = _WORD.findall(article.lower())
    topical = sum(w in roles.sport_terms or w in roles.sport_words or w in roles.market_terms for w in words)
    state = sum(w in roles.state_nouns for w in words)
    return topical >= 8 and topical >= 4 * max(state, 1)


def _read(p: _Prepared, docs: list[Any]) -> list[Relation]:
    findings: dict[Pair, list[tuple[str, PairFinding]]] = {}
    found_pairs: list[Pair] = []  # most recent last
    counts: dict[Pair, int] = {}
    last_seen: dict[Pair, int] = {}  # the sentence number where each pair was last related
    initiators: dict[Pair, str | None] = {}  # and who acted there, when one side did
    for candidate, doc in zip(p.candidates, docs, strict=True):
        resolve = _resolver(p, candidate, found_pairs, counts, (last_seen, initiators))
        per_pair: dict[Pair, PairFinding] = {}
        reading = structure.read(doc, candidate.mentions, candidate.hits, resolve, offtopic=p.offtopic, year=p.year)
        # a later "it" stands for a state that acted here, not for one named as a port's or a firm's
        p.actors[candidate.index] = reading.actor_starts
        for act in reading.acts:
            for pair in act.pairs:
                f = per_pair.setdefault(pair, PairFinding([], [], [], indirect=True))
                f.hits.append(act.hit)
                f.initiators.append(act.initiator.get(pair))
                f.references.extend(r for r in act.references if r.country in pair and r not in f.references)
                f.indirect = f.indirect and act.indirect
        for pair, f in per_pair.items():
            findings.setdefault(pair, []).append((candidate.sentence.strip(), f))
            if pair in found_pairs:
                found_pairs.remove(pair)
            found_pairs.append(pair)
            counts[pair] = counts.get(pair, 0) + 1
            last_seen[pair] = candidate.index
            initiators[pair] = next((i for i in f.initiators if i is not None), None)
    return [judge(pair, found) for pair, found in sorted(findings.items())]


def _resolver(
    p: _Prepared,
    candidate: _Candidate,
    found_pairs: list[Pair],
    counts: dict[Pair, int],
    latest: tuple[dict[Pair, int], dict[Pair, str | None]],
) -> structure.Resolver:
    window = roles_of().window

    def earlier_mentions(at: int) -> list[structure.Mention]:
        """Actor mentions before `at` in this sentence and in the few before it, nearest first."""
        out = [m for m in reversed(candidate.mentions) if m.end <= at]
        for index in range(candidate.index - 1, max(0, candidate.index - window) - 1, -1):
            inside = p.history[index]
            actors = p.actors.get(index)
            out.extend(m for m in reversed(inside) if actors is None or m.start in actors)
        return out

    def authors(category: str | None, text: str) -> list[structure.Party]:
        """The act related last, within the window of sentences before this one: its initiator, or both parties
        of a mutual act, or the one state of an act of that category that related no pair."""
        last_seen, initiators = latest
        recent: list[tuple[int, tuple[str, ...]]] = []
        for q in found_pairs:
            if candidate.index - window <= last_seen[q] < candidate.index:
                actor = initiators.get(q)
                recent.append((last_seen[q], (actor,) if actor else q))
        recent += [
            (i, (country,))
            for i, (country, categories) in p.lone_acts.items()
            if candidate.index - window <= i < candidate.index and category in categories
        ]
        if not recent:
            return []
        _, found = max(recent, key=lambda r: r[0])
        return [structure.Party(c, text, c) for c in found]

    def resolve(phrase: str, at: int) -> list[structure.Party]:
        nearest = earlier_mentions(at)
        if phrase not in roles_of().singular_pronouns and phrase not in roles_of().personal_pronouns:
            # not a pronoun: one of roles().pair_references ("the two countries", "between the neighbours")
            if not found_pairs and not roles_of().pair_references.fullmatch(phrase):
                return []  # "the rivalry between the neighbours" after a match: only a pair already related
            if found_pairs:
                # the pair the article has related most often so far, the latest of equals
                a, b = max(reversed(found_pairs), key=lambda pair: counts[pair])
                return [structure.Party(a, phrase, a), structure.Party(b, phrase, b)]
            # no pair related yet: the two countries named last; not for "sides", which may be a strike's or a
            # match's ("the mediator invited both sides")
            if "sides" in phrase:
                return []
            distinct: list[structure.Mention] = []
            for m in nearest:
                if all(m.country != d.country for d in distinct):
                    distinct.append(m)
            return [structure.Party(m.country, phrase, m.text) for m in distinct[:2]] if len(distinct) >= 2 else []
        if (
            phrase in {"it", "its"}
            and candidate.index - 1 in p.led_by_no_state
            and candidate.sentence.lstrip().startswith(("It ", "Its "))
        ):
            return []  # "The company said ... It also confirmed it had withdrawn from talks ...": the company
        person = phrase in roles_of().personal_pronouns
        parties: list[structure.Party] = []
        for m in nearest:
            if person and m.kind != "leader":
                continue  # "he" stands for a state only through its leader
            if all(m.country != q.country for q in parties):
                here = m.start if m in candidate.mentions and m.end <= at else -1
                parties.append(structure.Party(m.country, phrase, m.text, at=here))
        return parties[:3]

    return structure.Resolver(resolve, authors)
