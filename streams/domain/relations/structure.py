"""Who does what to whom in one parsed sentence.

A country mention is an actor only in a role a state can hold: the subject, object or recipient of a cue
(a relational predicate), either itself ("China criticised Japan") or through a noun that stands for the state
("the Chinese foreign ministry", "troops of Russia", "Iran's envoy"). A mention that modifies any other noun
("a Brazilian miner", "the Serbian duo", "a London-based group"), that names a place ("talks in Geneva"; a place
is the target only of force: "strikes in Syria"), a list or a comparison ("markets such as Japan", "more than
France"), or a dateline is not an actor.

Each cue relates its agents to its patients, with that direction; a symmetric cue ("X and Y signed",
"talks between X and Y") relates coordinated parties among themselves. Countries listed together on one side
are never paired with each other otherwise. A cue that is the object of another cue ("condemned the attack")
speaks through its governor; a cue that is the object of a verb that is not a cue ("imposed sanctions",
"held talks") takes that verb's subject and objects. Pronouns and phrases such as "the two countries" stand for
the actors `Resolver` finds for them in the sentences before.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from streams.domain.relations.analysis import Hit, is_modal, rescoped, trend_hit, unmodified
from streams.domain.relations.lexicon import lexicon
from streams.domain.relations.roles import Roles, roles
from streams.domain.relations.senses import sense, trade_of

# Dependency labels (ClearNLP, as spaCy's English models use them).
_SUBJECT = frozenset({"nsubj", "csubj", "expl"})
_OBJECT = frozenset({"dobj", "dative", "attr", "oprd", "iobj", "nsubjpass"})
_MODIFIER = frozenset({"poss", "compound", "amod", "nmod", "npadvmod", "nummod"})
_THROUGH = frozenset({"conj", "appos"})


@dataclass(frozen=True)
class Mention:
    """A country mention inside the sentence (character offsets in the sentence)."""

    start: int
    end: int
    country: str
    kind: str
    text: str


@dataclass(frozen=True)
class Party:
    """A country in a role, and the word that stood for it when it was not named."""

    country: str
    via: str | None = None  # the reference ("its", "the two countries")
    antecedent: str | None = None  # what the reference was resolved to
    alternatives: tuple[str, ...] = ()  # further compatible antecedents, in order of preference
    at: int = -1  # where the antecedent starts in this sentence; -1 for an earlier sentence


@dataclass
class Act:
    """One cue's reading: who did it to whom."""

    hit: Hit
    pairs: list[tuple[str, str]]
    initiator: dict[tuple[str, str], str | None] = field(default_factory=dict)
    references: list[Party] = field(default_factory=list)
    indirect: bool = False  # the parties came through a pronoun or an inherited subject


@dataclass(frozen=True)
class Resolver:
    """What the sentences before say a reference stands for."""

    # (text of the reference, character offset in the sentence) -> the parties it stands for, best first
    parties: Callable[[str, int], list[Party]]
    # (category of the act named, None for any; the phrase naming it: "the drills") -> the earlier act's
    # initiator, or both parties of a mutual one
    authors: Callable[[str | None, str], list[Party]]


DETERMINERS = frozenset({"the", "this", "these", "those", "such"})
_NUMBERS = {"three": 3, "four": 4, "five": 5, "six": 6}
# after a country these say where a firm is listed or owned, a person born: no state acting
_REGISTRY_SUFFIXES = ("-owned", "-listed", "-born", "-based", "-headquartered")


def _acting_vessel(token: Any) -> bool:
    """Whether the ship a flag names acts (the subject, or the agent of a passive): a flag state is a party only
    to what is done to its ships ("seized a British-flagged tanker")."""
    noun = token
    while noun.dep_ in {"npadvmod", "amod", "compound", "nmod"} and noun.head.i != noun.i:
        noun = noun.head
    return noun.dep_ in {"nsubj", "csubj"} or (noun.dep_ == "pobj" and noun.head.dep_ == "agent")


_QUOTES = frozenset({'"', "“", "”"})
_FIRST_PERSON_PLURAL = frozenset({"we", "our", "us", "ours"})
# a group named by its size, standing for as many states named just before in the same sentence
_GROUP_REFERENCE = re.compile(
    r"\b(?:all|the|those|these) (three|four|five|six)(?: [a-z-]+)?? (?:countries|nations|states|governments|"
    r"capitals|neighbours|neighbors)\b|\ball (three|four|five|six)\b"
)
# reactions that are aimed at an earlier act's parties when their object is that act
REACTIONS = frozenset({"SUPPORT", "ACCUSE", "REJECT", "THREATEN"})
_REACTION_PREPS = frozenset({"against", "over", "about", "at"})


@dataclass
class Reading:
    acts: list[Act]
    actor_starts: set[int]  # where the mentions in a role a state can hold start (for later references)


def read(
    doc: Any, mentions: list[Mention], hits: list[Hit], resolve: Resolver, *, offtopic: bool, year: int | None = None
) -> Reading:
    """The acts of one parsed sentence, and which of its mentions hold a role a state can hold. `offtopic`: the
    article is about sport, markets or culture, so a bare country name there is a team, a market or an origin
    unless a state noun says otherwise. `year`: the article's; an act dated more than a few years before it is
    history, not news of the relationship."""
    r = roles()
    if not hits:
        return Reading([], set())
    hits = _parsed_changes(doc, hits)
    cue_roots: dict[int, Hit] = {}
    trends: list[tuple[int, Hit]] = []  # a reported change on a word that is also a cue ("friendship grew")
    for hit in hits:
        span = doc.char_span(hit.start, hit.end, alignment_mode="expand")
        if span is None:
            continue
        if hit.trend is not None and span.root.i in cue_roots:
            trends.append((span.root.i, hit))
        elif span.root.i in cue_roots and cue_roots[span.root.i].trend is not None:
            trends.append((span.root.i, cue_roots[span.root.i]))
            cue_roots[span.root.i] = hit
        else:
            cue_roots[span.root.i] = hit
    _reacted_to_as_reported(doc, cue_roots)
    _outside_the_scope(doc, cue_roots)
    holders = _Holders(doc, r, resolve)
    holders.cues = cue_roots
    spans = [doc.char_span(m.start, m.end, alignment_mode="expand") for m in mentions]
    holders.mention_tokens.update(t.i for span in spans if span is not None for t in span)
    for m, span in zip(mentions, spans, strict=True):
        if span is not None:
            holders.add_mention(m, span)
    holders.add_references()
    if not holders.any_actor() or ((offtopic or _sporty(doc, r)) and not holders.state_marked):
        return Reading([], holders.actor_starts)
    if r.historical_states.search(_text(doc)):
        return Reading([], holders.actor_starts)  # "signed by East and West Germany ... the Soviet Union": history
    for root, hit in list(cue_roots.items()):
        # A vague verb with an act for its object is a light verb: "sent a message", "provided support" say
        # what the object says (and the object takes the verb's subject and objects); so is backing a hostile
        # act, which the backer then takes part in ("Germany supported new sanctions on Russia")
        backed = hit.cue.category == "SUPPORT" and not is_modal(hit.label)
        if (
            (
                backed
                and any(
                    c.dep_ == "dobj"
                    and c.i in cue_roots
                    and cue_roots[c.i].score < 0
                    and not cue_roots[c.i].cue.weak
                    # its own target named ("sanctions on Russia"), not an act reported before ("praised the shelling")
                    and any(holders.of(t) or holders.of(t, as_modifier=True) for t in c.subtree if t.i != c.i)
                    for c in doc[root].children
                )
            )
            or (
                _vague(hit)
                and any(
                    c.dep_ in {"xcomp", "advcl", "npadvmod"}
                    and c.i in cue_roots
                    and cue_roots[c.i].cue.category == "SANCTION"
                    for c in doc[root].children
                )
            )
            or (
                _vague(hit)
                and not trade_of(doc[root], r)
                and any(
                    c.dep_ in {"dobj", "pobj"} and c.i in cue_roots and not cue_roots[c.i].cue.weak
                    for c in _phrase_children(doc[root], hit)
                )
            )
        ):
            del cue_roots[root]
    acts: list[Act] = []
    silent: dict[int, Hit] = {}  # cues that relate no one themselves
    changes: list[tuple[int, Hit]] = []  # reported changes that relate no one themselves
    senseless: set[int] = set()  # cues not relational in this sentence ("launched a phone", "resumed hearings")
    for root, hit in [*cue_roots.items(), *trends]:
        token = doc[root]
        sensed = sense(token, hit, r, cue_roots)
        if sensed is None:
            senseless.add(root)
            holders.senseless.add(root)  # no act: nor the author of one for the words around it ("a rail strike")
            continue
        if year is not None and _dated_before(token, year - r.history_years):
            continue
        if sensed.trend is not None and _described_change(token):
            continue
        act = _act(token, sensed, holders, cue_roots, r)
        if act is not None and act.pairs:
            acts.append(act)
        elif sensed.trend is None:
            silent[root] = sensed
        else:
            changes.append((root, sensed))
    # A cue governed by a cue that relates no one speaks for itself ("X and Y resumed talks": resuming relates no
    # one, the talks do), with the governor as its light verb.
    governors = {i: h for i, h in cue_roots.items() if i not in silent}
    for root, hit in silent.items():
        governor = silent.get(doc[root].head.i) if doc[root].head.i != root else None
        # what a reaction reacts to is not done by the one reacting ("condemned the attack on Ukraine")
        reacted = (
            governor is not None
            and _reacted_to(doc[root], cue_roots)
            and not governor.cue.pattern.startswith(("violat", "breach"))  # breaking an agreement binds its parties
        )
        # what is demanded is asked of someone else: "Egypt and Sudan demanded a binding deal" pairs neither
        asked = governor is not None and governor.cue.category == "REQUEST"
        if governor is not None and not reacted and not asked:
            act = _act(doc[root], hit, holders, governors, r)
            if act is not None and act.pairs:
                if governor.score < 0 < act.hit.score:
                    # "X and Y violated the truce": who the truce binds, in the sense of breaking it
                    act.hit = _scoped(doc[root].head, governor)
                acts.append(act)
    # "a deal brokered by Egypt, under which X and Y ...": the mediator acts toward the parties of the mutual act
    for root in [i for i in silent if doc[i].lower_ in r.mediation_words]:
        mediators, _patients, _between = _arguments(doc[root], silent[root], holders, cue_roots, r)
        if not mediators:
            inherited = _inherited(doc[root], holders, cue_roots, r, silent[root])
            mediators = inherited[0] if inherited is not None else []
        mutual = sorted({c for a in acts for pair in a.pairs if a.initiator.get(pair) is None for c in pair})
        if not mutual:
            # "Thai and Cambodian troops traded fire. Malaysia offered to mediate.": the pair related just before
            mutual = sorted(p.country for p in holders.resolve.authors(None, doc[root].text))
        made = Act(_scoped(doc[root], silent[root]), [], indirect=True)
        _directed(made, _unique(mediators), [Party(c) for c in mutual])
        if made.pairs:
            acts.append(made)
    # "X suspended relations with Y", "restored ties": the change is in the relationship the governing act relates
    for root, hit in changes:
        near = {root, doc[root].head.i}
        for a in list(acts):
            span = doc.char_span(a.hit.start, a.hit.end, alignment_mode="expand")
            if span is not None and span.root.i in near and a.hit.trend is None:
                acts.append(Act(hit, list(a.pairs), {pair: None for pair in a.pairs}, list(a.references), a.indirect))
                break
    # the fallback reads only cues whose arguments the parse did not give, and none dated as history
    unread = {
        i: h
        for i, h in cue_roots.items()
        if h not in {a.hit for a in acts}
        and i not in senseless
        and not (year is not None and _dated_before(doc[i], year - r.history_years))
    }
    read_roots = {i for i, h in cue_roots.items() if h in {a.hit for a in acts}}
    acts.extend(_on_paths(doc, holders, unread, {p for a in acts for p in a.pairs}, r, read_roots))
    if not acts:
        acts.extend(_two_actors(doc, holders, unread, r, year))
    return Reading(acts, holders.actor_starts)


_UNREALISED_AUX = frozenset({"could", "would", "may", "might", "should", "can", "will", "must", "shall"})


def _relative_subject(token: Any) -> bool:
    return token.dep_ == "nsubj" and token.lower_ in {"that", "which"}


def _parsed_changes(doc: Any, hits: list[Hit]) -> list[Hit]:
    """ "Relations between the two North African countries, already strained by the conflict, have deteriorated
    sharply": the relationship is the subject of the verb of change however many words lie between (the words
    alone find a change only within a few words), and the parse decides over the words where both find one ("Ties
    between X and Y, which soured in 2020, have since improved"). Not a change denied, wished or foreseen ("have
    not improved", "could improve", "denied that relations had deteriorated"), nor of a word with no party of
    its own ("links plunged"). Returns the hits with the changes the parse reads."""
    roles_of = lexicon().roles
    out = list(hits)
    for token in doc:
        if "trend_relational" not in roles_of.get(token.lower_, ()):
            continue
        if not any(c.dep_ in {"prep", "poss", "amod", "compound", "nmod"} for c in token.children):
            continue  # "relations between X and Y", "their ties", "bilateral relations"
        if token.dep_ in {"nsubj", "nsubjpass"}:
            verb = token.head
        else:
            # "a new low in ties that have soured since": the relative clause says what the ties did
            relative = [c for c in token.children if c.dep_ == "relcl"]
            verb = next((c for c in relative if any(_relative_subject(x) for x in c.children)), None)
            if verb is None:
                continue
        kinds = roles_of.get(verb.lower_, frozenset())
        direction = "cooling" if "trend_cooling" in kinds else "warming" if "trend_warming" in kinds else None
        if direction is None or (verb.dep_ in {"xcomp", "relcl", "acl", "advcl"} and verb.head.i != token.i):
            continue
        if any(c.dep_ == "neg" or (c.dep_ == "aux" and c.lower_ in _UNREALISED_AUX) for c in verb.children):
            continue
        if _denied(verb):
            continue
        start, end = token.idx, token.idx + len(token.text)
        overlapping = [h for h in out if h.trend is not None and h.start < end and start < h.end]
        if any(h.trend == direction for h in overlapping):
            continue
        out = [h for h in out if h not in overlapping]
        out.append(trend_hit(start, end, token.lower_, direction))
    return out


_DENIALS = frozenset({"deny", "denies", "denied", "denying", "dismiss", "dismissed", "dismisses", "refute", "refuted"})


def _denied(verb: Any) -> bool:
    """ "Officials denied that relations had deteriorated", "did not say that ties had improved"."""
    clause = verb
    while clause.dep_ in {"ccomp", "conj"} and clause.head.i != clause.i:
        clause = clause.head
        if clause.lower_ in _DENIALS or any(c.dep_ == "neg" for c in clause.children):
            return True
    return False


# what the words before a cue make of it ("refused to", "threatened to") that belongs to the verb they precede
_WORD_MODALS = ("not ", "threat:", "intent:", "possible:", "request:", "demand:")


# Reactions whose object is an act someone else did: condemning, rejecting, protesting ("condemned the strikes").
# A threat's object is the threatener's own act ("threatened sanctions on Y"), what it answers comes with a
# preposition ("retaliate against the drills"); what a state supports or pledges it does itself ("backed
# sanctions on Y", "pledged support for Y").
_AIMED_AT_ACTS = frozenset({"ACCUSE", "REJECT"})


def _reacting_to(token: Any, cue_roots: dict[int, Hit]) -> Any:
    """The reaction cue whose object the token is as what the reaction is aimed at: "condemned the strikes",
    "protested against the seizure", "retaliate against the drills" (not the instrument: "retaliated with tariffs";
    not what is threatened: "threatened strikes")."""
    if token.dep_ == "dobj":
        governor, by_prep = token.head, False
    elif token.dep_ == "pobj" and token.head.dep_ == "prep" and token.head.lower_ in _REACTION_PREPS:
        governor, by_prep = token.head.head, True
    else:
        return None
    hit = cue_roots.get(governor.i)
    if hit is None or governor.i == token.i or hit.start >= token.idx:
        return None
    if hit.cue.category in _AIMED_AT_ACTS or (hit.cue.category == "THREATEN" and by_prep):
        return governor
    return None


def _reacted_to(token: Any, cue_roots: dict[int, Hit]) -> bool:
    """Whether the token names what a condemnation, a rejection or a retaliation is aimed at."""
    return _reacting_to(token, cue_roots) is not None


def _vague(hit: Hit) -> bool:
    """A vague word ("sent", "provided"): light before an object that names the act. A cue the words before
    refuse or hedge ("did not condemn") is weak for pooling but still the verb of its clause."""
    return hit.cue.weak and not hit.label.startswith(_WORD_MODALS)


def _reacted_to_as_reported(doc: Any, cue_roots: dict[int, Hit]) -> None:
    """ "refused to condemn Moscow's invasion", "threatened to retaliate against the drills": a refusal or a
    threat the words before show belongs to the verb it precedes; an act named as what that verb reacts to is
    reported as done, with its own sense (the invasion happened, the drills are held)."""
    for i, hit in list(cue_roots.items()):
        token = doc[i]
        if not hit.label.startswith(_WORD_MODALS):
            continue
        # a pledge or a welcome is no reaction of this kind: "pledged investment" is an intent to invest
        if not _reacted_to(token, cue_roots):
            continue
        cue_roots[i] = unmodified(hit, doc.text, lexicon())


_ADJUNCT_PREPS = frozenset({"after", "following", "despite", "amid", "before", "during", "since", "because"})


def _outside_the_scope(doc: Any, cue_roots: dict[int, Hit]) -> None:
    """ "agree to end the row after Turkish mediation", "refused to talk after the attack": a negation or an
    ending the words before show belongs to the verb they precede and its objects, not to an act named in an
    adjunct after it (the mediation happened, and ended nothing)."""
    roles_of = lexicon().roles
    for i, hit in list(cue_roots.items()):
        if not hit.label.startswith(("ending ", "not ")):
            continue
        wanted = "reversal" if hit.label.startswith("ending ") else "negators"
        operator = next((t for t in reversed(doc[:i]) if wanted in roles_of.get(t.lower_, ())), None)
        if operator is None:
            continue
        t, adjunct = doc[i], False
        for _ in range(8):  # up to the operator (or the verb it modifies), through a preposition other than "of"?
            if t.i in {operator.i, operator.head.i} or t.head.i == t.i:
                break
            if t.dep_ == "pobj" and t.head.dep_ == "prep" and t.head.lower_ in _ADJUNCT_PREPS:
                adjunct = True  # not "take part in", "return to": those are the verb's own arguments
            t = t.head
        if adjunct and t.i in {operator.i, operator.head.i}:
            cue_roots[i] = unmodified(hit, doc.text, lexicon())


_MAX_PATH = 5
_CLAUSE_EDGES = frozenset({"conj", "ccomp", "advcl", "parataxis", "relcl", "csubj", "acl"})


def _on_paths(
    doc: Any,
    holders: _Holders,
    cue_roots: dict[int, Hit],
    related: set[tuple[str, str]],
    r: Roles,
    read_roots: set[int],
) -> list[Act]:
    """Two actors that no cue took as its arguments are still related by a strong cue on the dependency path
    between them ("A court in X rejected the appeal of a Y citizen", "X's support for Y's bid"): the classic
    shortest-path reading of relation extraction, counted as indirect. Not through an act the parse did read:
    "refused to condemn Moscow's invasion of Ukraine" relates the invasion's parties, not the refuser to Ukraine."""
    eligible: list[tuple[Any, list[Party]]] = []
    for i, parties in holders.parties.items():
        if doc[i].dep_ == "pobj" and _origin_of_people(doc[i].head, r):
            continue
        if i not in holders.modifier_only or doc[i].head.i in cue_roots:
            eligible.append((doc[i], parties))
    for i, parties in holders.owners.items():
        if len({p.country for p in parties}) == 1:  # "the U.S.-Mexico border" is a place, not two owners
            eligible.append((doc[i], parties))
    acts: list[Act] = []
    for n, (a, pa) in enumerate(eligible):
        for b, pb in eligible[n + 1 :]:
            if _coordinated(a, b):
                continue
            ours, theirs = {p.country for p in pa}, {q.country for q in pb}
            if any(
                all(p.via is not None for p in x) and cx <= cy for x, cx, cy in ((pa, ours, theirs), (pb, theirs, ours))
            ):
                continue  # "Ukraine and Britain attacked its fleet": a reference to one of them is no other side
            pairs = sorted({(x, y) if x < y else (y, x) for x in ours for y in theirs if x != y})
            pairs = [pair for pair in pairs if pair not in related]
            if not pairs:
                continue
            cue = _cue_on_path(a, b, cue_roots, read_roots)
            if cue is None:
                continue
            root = doc.char_span(cue.start, cue.end, alignment_mode="expand").root
            if not (_under_subject(a, root) or _under_subject(b, root)):
                continue  # neither is on the acting side of the cue
            act = Act(cue, pairs, {pair: None for pair in pairs}, [p for p in pa + pb if p.via is not None], True)
            acts.append(act)
            related.update(pairs)
    return acts


def _under_subject(token: Any, cue: Any) -> bool:
    """Whether the token lies inside the subject (or the by-agent) of the cue."""
    for c in cue.children:
        acting = c.dep_ in _SUBJECT | {"agent"} or (c.dep_ in _MODIFIER and c.i < cue.i)
        if acting and c.left_edge.i <= token.i <= c.right_edge.i:
            return True
    return False


def _ancestors(token: Any) -> list[Any]:
    out = [token]
    t = token
    while t.head.i != t.i and len(out) <= 12:
        t = t.head
        out.append(t)
    return out


def _cue_on_path(a: Any, b: Any, cue_roots: dict[int, Hit], read_roots: set[int]) -> Hit | None:
    up_a, up_b = _ancestors(a), _ancestors(b)
    index_b = {t.i: n for n, t in enumerate(up_b)}
    for n, t in enumerate(up_a):
        if t.i in index_b:
            m = index_b[t.i]
            if n + m > _MAX_PATH:
                return None
            path = up_a[1 : n + 1] + up_b[1:m]
            if any(x.dep_ in _CLAUSE_EDGES for x in up_a[:n] + up_b[:m]):
                return None  # the two are in different clauses
            if any(x.i in read_roots for x in path):
                return None
            strong = [x for x in path if x.i in cue_roots and not cue_roots[x.i].cue.weak]
            # "X condemned the attack on Y": an act on the path between them relates Y to its own author, and
            # X reacts to that act, not to Y
            reacted = [x for x in strong if _reacted_to(x, cue_roots)]
            if not strong or reacted or _topic(strong[-1], cue_roots):
                return None
            return cue_roots[strong[-1].i]
    return None


def _topic(token: Any, cue_roots: dict[int, Hit]) -> bool:
    """ "talks with his Qatari counterpart on the Gaza ceasefire": an act named as what is talked about."""
    prep = token.head
    return (
        token.dep_ == "pobj"
        and prep.lower_ in {"on", "about", "regarding", "concerning"}
        and prep.head.i not in cue_roots
    )


def _coordinated(a: Any, b: Any) -> bool:
    """Whether two tokens are conjuncts of one coordination ("France and Germany")."""

    def first(t: Any) -> int:
        while t.dep_ in _THROUGH and t.head.i != t.i:
            t = t.head
        return int(t.i)

    return first(a) == first(b)


def _two_actors(doc: Any, holders: _Holders, cues: dict[int, Hit], r: Roles, year: int | None) -> list[Act]:
    """A sentence whose only actors are two states, each in a role a state can hold (an argument, not a place,
    an origin, a list or a modifier), not coordinated with each other, with a strong cue the parse tied to no
    one: the cue is about them (the small parser often gets a long news sentence's attachments wrong, much less
    often which words are arguments). Not in a sentence with any sign of sport or of history. Counted as
    indirect, without a direction; the cue nearest to both in the parse speaks."""
    strong = {i: h for i, h in cues.items() if not h.cue.weak and h.cue.category not in {"REL", "TREND"}}
    if (
        not strong
        or _sport_signs(doc, r)
        or (year is not None and any(_old_year(t, year - r.history_years) for t in doc))
    ):
        return []
    force = any(h.cue.quad == 4 for h in strong.values())
    actors: list[tuple[Any, str]] = []
    for i, parties in holders.parties.items():
        token = doc[i]
        if i in holders.modifier_only and token.head.i not in cues:
            continue
        if not _argument(token, holders, r):
            continue
        actors.extend((token, p.country) for p in parties)
    states = {c for _t, c in actors}
    for i, parties in holders.owners.items():
        # "arrested Kuwaiti nationals", "fighting at the Thai border": what a state owns, as the other side
        countries, owned = {p.country for p in parties}, doc[i]
        while owned.dep_ in _THROUGH and owned.head.i != owned.i:
            owned = owned.head
        if owned.dep_ in _SUBJECT or not states or countries <= states or len(countries) != 1:
            continue  # what is owned is acted on, it does not act ("Ghana's economy grew as Togo ...")
        if _argument(doc[i], holders, r, force=force):
            actors.append((doc[i], parties[0].country))
    if len({c for _t, c in actors}) != 2:
        return []
    (ta, a), (tb, b) = sorted({c: (t, c) for t, c in actors}.values(), key=lambda tc: tc[1])
    if _coordinated(ta, tb) or _each_its_own_subject(ta, tb):
        return []
    i = min(strong, key=lambda k: _distance(doc[k], ta) + _distance(doc[k], tb))
    if _reacted_act_between(doc, i, strong, (ta, tb)):
        return []
    return [Act(strong[i], [(a, b)], {(a, b): None}, [], True)]


def _reacted_act_between(doc: Any, i: int, strong: dict[int, Hit], actors: tuple[Any, Any]) -> bool:
    """ "China protested against the strikes on Syria": one actor lies inside an act that the reaction's cue
    governs; the reaction is to that act's author, not to the actor."""
    for k in strong:
        governor = _reacting_to(doc[k], strong)
        if k == i or governor is None or governor.i != i:
            continue
        inside = {t.i for t in doc[k].subtree}
        if any(t.i in inside for t in actors):
            return True
    return False


def _described_change(token: Any) -> bool:
    """Whether the relationship word carries its change as an attribute ("the growing partnership", "deepening
    ties"): a description of the relationship, not a report that it changed."""
    roles = lexicon().roles
    return any(
        c.dep_ in {"amod", "compound"} and roles.get(c.lower_, frozenset()) & {"trend_warming", "trend_cooling"}
        for c in token.children
    )


def _each_its_own_subject(a: Any, b: Any) -> bool:
    """Whether each token is the subject of its own clause, the clauses set side by side ("X rejected the claim,
    and Y declined to comment", "X called it a fraud, while Y said ..."): two states acting apart."""

    def verb(t: Any) -> Any:
        while t.dep_ in {"compound", "poss", "amod", "appos", "conj"} and t.head.i != t.i:
            t = t.head
        return t.head if t.dep_ in {"nsubj", "nsubjpass"} else None

    def apart(v: Any) -> bool:
        if v.dep_ in {"conj", "parataxis"}:
            return True
        return v.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in _CONTRAST for m in v.children)

    va, vb = verb(a), verb(b)
    return va is not None and vb is not None and va.i != vb.i and (apart(va) or apart(vb))


_CONTRAST = frozenset({"while", "whereas", "although", "though"})


def _argument(token: Any, holders: _Holders, r: Roles, *, force: bool = False) -> bool:
    """Whether a holder is in a role a state can hold: not a place (unless `force` is used, whose target a place
    is: "fighting on the Thai border"), a list item, or the complement of a noun that is neither a state noun
    nor an act ("a chain from Ireland", "a flight to Germany")."""
    t = token
    while t.dep_ in _THROUGH and t.head.i != t.i:
        t = t.head
    if t.dep_ == "pobj":
        prep = t.head
        if (prep.lower_ in r.locative_preps and not force) or prep.lower_ in r.list_preps or _origin_of_people(prep, r):
            return False
        governor = prep.head
        noun = governor.dep_ in _OBJECT | _SUBJECT | {"pobj", "conj", "appos"}
        if noun and governor.lower_ not in r.state_nouns and governor.i not in holders.cues:
            return False
    return t.dep_ in _SUBJECT | _OBJECT | {"pobj", "agent", "poss", "appos", "ROOT"} or t.lower_ in r.state_nouns


def _origin_of_people(prep: Any, r: Roles) -> bool:
    """ "welcomed visitors from India", however the parse attaches the "from": where people come from; and
    where people travel from or to ("passengers travelling from the UK to Spain")."""
    governor = prep.head
    if prep.lower_ in {"from", "to", "into"} and governor.lower_ in r.arrival_verbs:
        travellers = [c for c in governor.children if c.dep_ in _SUBJECT] + (
            [governor.head] if governor.dep_ in {"acl", "relcl"} else []
        )
        if any(t.lower_ in r.people_nouns for t in travellers):
            return True
    if prep.lower_ != "from":
        return False
    return governor.lower_ in r.people_nouns or any(
        o.dep_ == "dobj" and o.lower_ in r.people_nouns for o in governor.children
    )


def _distance(a: Any, b: Any) -> int:
    up_a, up_b = _ancestors(a), _ancestors(b)
    index_b = {t.i: n for n, t in enumerate(up_b)}
    for n, t in enumerate(up_a):
        if t.i in index_b:
            return n + index_b[t.i]
    return 99


def _dated_before(token: Any, year: int) -> bool:
    """Whether the cue's own phrase carries a year before `year` ("the 1982 war", "the war (1982)"), not a clause
    inside it ("restored relations severed in 2016" is dated by its restoring, not by the severing)."""
    stack = [token]
    while stack:
        t = stack.pop()
        if _old_year(t, year):
            return True
        stack.extend(c for c in t.children if c.dep_ not in _NESTED_CLAUSES)
    return False


_NESTED_CLAUSES = frozenset({"acl", "relcl", "advcl", "ccomp", "xcomp", "csubj", "parataxis"})


def _old_year(token: Any, year: int) -> bool:
    return len(token.text) == 4 and token.text.isdigit() and 1800 <= int(token.text) < year


def _text(doc: Any) -> str:
    """The sentence's text, kept on the doc: spaCy joins its tokens again at every `doc.text`."""
    cached = doc.user_data.get("dyadwatch.text")
    if cached is None:
        cached = doc.user_data["dyadwatch.text"] = doc.text
    return str(cached)


def _words(doc: Any) -> set[str]:
    """The sentence's words and word pairs, lower case (from its text: cheaper than visiting its tokens)."""
    words = _TOKEN.findall(_text(doc).lower())
    return set(words) | {f"{a} {b}" for a, b in itertools.pairwise(words)}


_TOKEN = re.compile(r"\w+(?:[-']\w+)*")


def _sport_signs(doc: Any, r: Roles) -> bool:
    """Any sign of sport: a sport term, a result, or two of the words common in sport and elsewhere."""
    return _sporty(doc, r) or bool(_SCORE.search(_text(doc)))


def _sporty(doc: Any, r: Roles) -> bool:
    words = _words(doc)
    return bool(words & r.sport_terms) or len(words & r.sport_words) + bool(_SCORE.search(_text(doc))) >= 2


_SCORE = re.compile(r"\b\d{1,2}-\d{1,2}\b")  # a result ("4-0"), also common in votes: one sign among two


class _Holders:
    """For each token, the parties it holds: a mention's root, or the state noun a mention modifies."""

    def __init__(self, doc: Any, r: Roles, resolve: Resolver) -> None:
        self.doc, self.r, self.resolve = doc, r, resolve
        self.parties: dict[int, list[Party]] = {}
        self.owners: dict[int, list[Party]] = {}  # "Chinese policy": the policy's owner
        self.mention_tokens: set[int] = set()
        self.modifier_only: set[int] = set()  # parties held as a modifier: read only by the noun they modify
        self.cues: dict[int, Hit] = {}  # the sentence's cues by the token that heads each
        self.senseless: set[int] = set()  # cue tokens in no relational sense here ("a rail strike")
        self.posts: dict[int, list[Party]] = {}  # "ambassador to X": X, by the envoy's token
        self.actor_starts: set[int] = set()  # mentions in a role a state can hold, by where they start
        self.state_marked = False
        self.datelines: set[int] = set()  # the tokens of a dateline ("PARIS —")

    def any_actor(self) -> bool:
        return bool(self.parties or self.owners)

    def add_mention(self, m: Mention, span: Any) -> None:
        if _dateline(self.doc, span, m):
            self.datelines.update(t.i for t in span)
            return
        if m.kind == "state_media":
            root = span.root
            while root.dep_ in {"appos", "compound"} and root.head.i != root.i:
                root = root.head
            if root.dep_ != "nsubj":
                return  # a state outlet cited, not acting
            self.state_marked = True
        if m.kind in {"leader", "body", "military"}:
            self.state_marked = True
        if m.kind == "demonym" and _people(span):
            return  # "hosts two million Venezuelans": people, not their state
        after = _text(self.doc)[m.end : m.end + 14].lower()
        if after.startswith(_REGISTRY_SUFFIXES):
            return  # "an Iranian-born businessman", "a Perth-based miner", "a Chinese-owned port"
        if after.startswith(("-flagged", "-registered")) and _acting_vessel(span.root):
            return  # "a Liberian-flagged tanker entered Danish waters": a merchant ship, no state acting
        root = span.root
        if m.kind == "leader":
            # the rest of a leader's name: "Crown Prince Mohammed bin Salman", "President Lula da Silva"
            while root.dep_ == "compound" and root.head.i > root.i and root.head.text[:1].isupper():
                root = root.head
        before = {i: len(v) for i, v in self.parties.items()}
        self._place(root, [Party(m.country)])
        placed = [i for i, v in self.parties.items() if len(v) > before.get(i, 0)]
        if any(i not in self.modifier_only for i in placed):
            self.actor_starts.add(m.start)

    def add_references(self) -> None:
        text = _text(self.doc).lower()
        for found in self.r.pair_references.finditer(text):
            phrase, at = found.group(), found.start()
            span = self.doc.char_span(at, at + len(phrase), alignment_mode="expand")
            parties = self._parties_before(at, phrase) or self.resolve.parties(phrase, at)
            if span is not None and len(parties) >= 2:
                self._place(span.root, parties[:2])
        for found in _GROUP_REFERENCE.finditer(text):
            # "... the staff of Argentina, Chile and Peru ... suspended relations with all three"
            size = _NUMBERS[found.group(1) or found.group(2)]
            span = self.doc.char_span(found.start(), found.end(), alignment_mode="expand")
            group = [
                ps
                for i, ps in sorted(self.parties.items())
                if self.doc[i].idx < found.start() and len({p.country for p in ps if p.via is None}) == size
            ]
            if span is not None and group:
                self._place(span.root, [Party(p.country, found.group(), p.country) for p in group[-1]])
        self._quoted_first_person()
        for token in self.doc:
            word = token.lower_
            if word in self.r.plural_pronouns and token.i not in self.mention_tokens:
                self._place_plural(token)
                continue
            pronoun = word in self.r.singular_pronouns or word in self.r.personal_pronouns
            if pronoun and token.i not in self.mention_tokens:
                if self._speaker_is_no_state(token):
                    continue
                parties = self.resolve.parties(token.lower_, token.idx)
                if not parties and word in self.r.personal_pronouns:
                    parties = self._speaker(token)  # "Malaysia's prime minister said he had spoken with ..."
                if self._new_clause(parties, token):
                    parties = self._prefer_subjects(parties)
                if parties:
                    first = parties[0]
                    # other readings only from this sentence: one from a sentence before may be a firm's origin
                    alts = tuple(p.country for p in parties[1:] if p.at >= 0)
                    self._place(token, [Party(first.country, token.text, first.antecedent, alts)])

    def _quoted_first_person(self) -> None:
        """ "'We will never accept Japan's claims,' the Chinese foreign minister said": inside a quotation, "we",
        "our" and "us" stand for the state of the one who says it, when that speaker holds exactly one state."""
        inside, quoted = False, []
        for token in self.doc:
            if token.text in _QUOTES:
                inside = not inside if token.text == '"' else token.text in {"“", "‘"}
            elif inside and token.lower_ in _FIRST_PERSON_PLURAL:
                quoted.append(token)
        if not quoted:
            return
        speech = [t for t in self.doc if "speech" in lexicon().roles.get(t.lower_, frozenset())]
        speakers = {
            p.country
            for verb in speech
            for c in verb.children
            if c.dep_ == "nsubj" and c.i not in {q.i for q in quoted}
            for p in self.of(c) + self.owned(c)
        }
        if len(speakers) == 1:
            country = speakers.pop()
            for token in quoted:
                self._place(token, [Party(country, token.text, country)])

    def _speaker(self, pronoun: Any) -> list[Party]:
        """The state of the official who says what the pronoun's clause says, when that official is named by
        office ("Egypt's foreign minister said she ...") rather than by name."""
        clause = _clause(pronoun)
        if clause.dep_ != "ccomp" or clause.head.i == clause.i:
            return []
        for c in clause.head.children:
            if c.dep_ == "nsubj" and c.i < pronoun.i and _state_noun(c, self.r):
                found = {p.country for p in self.of(c)}
                if len(found) == 1:
                    country = found.pop()
                    return [Party(country, pronoun.text, country, at=c.idx)]
        return []

    def _speaker_is_no_state(self, pronoun: Any) -> bool:
        """ "A German carmaker said it would ...": in what a subject says, "it" is that subject; when that is a
        noun that stands for no state (a firm, a group), the pronoun stands for no state either."""
        clause = _clause(pronoun)
        while clause.dep_ in {"ccomp", "advcl", "conj", "xcomp"} and clause.head.i != clause.i:
            # "A firm said it ...", "... a year after it raised funds": the subject of the clause above
            for c in clause.head.children:
                if c.dep_ == "nsubj" and c.i < pronoun.i:
                    if c.lower_ in self.r.singular_pronouns and c.i not in self.mention_tokens:
                        return self._speaker_is_no_state(c)  # "... after it raised funds for its expansion"
                    return not self._may_be_state(c) or any(
                        o.dep_ == "poss" and not self._may_be_state(o) for o in c.children
                    )  # "the exchange's regulator said it ..."
            clause = _clause(clause.head)
        return False

    def _may_be_state(self, token: Any) -> bool:
        if token.i in self.datelines:
            return False  # "NAIROBI — A Kenyan start-up ...": the parse may make the dateline the subject
        word = token.lower_
        return bool(
            self.parties.get(token.i)
            or word in self.r.state_nouns
            or word in self.r.singular_pronouns
            or word in self.r.personal_pronouns
            or token.i in self.mention_tokens
        )

    def _parties_before(self, at: int, phrase: str) -> list[Party]:
        """ "the two nations" after two states were named as parties in the same sentence stands for them."""
        found: list[Party] = []
        for i in sorted((i for i in self.parties if self.doc[i].idx < at), reverse=True):
            if not _argument(self.doc[i], self, self.r):
                continue
            for p in self.parties[i]:
                if p.via is None and all(p.country != q.country for q in found):
                    found.append(Party(p.country, phrase, p.country, at=self.doc[i].idx))
        return found[:2] if len(found) >= 2 else []

    def _place_plural(self, token: Any) -> None:
        """ "they", "their" stand for a state only through plural state nouns named before them in the sentence
        ("U.S. authorities said they would ...")."""
        for i in sorted((i for i in self.parties if i < token.i), reverse=True):
            own_subject = self.doc[i].dep_ in _SUBJECT and _clause(self.doc[i]).i == _clause(token).i
            if own_subject and len({p.country for p in self.parties[i]}) >= 2:
                return  # "they were recalling their ambassadors": the subject's own
            plural_noun = self.doc[i].lower_ in self.r.state_nouns and self.doc[i].lower_.endswith("s")
            # "Egypt and Sudan issued a statement after their ministers met": states coordinated as the subject
            coordinated = (
                self.doc[i].dep_ in _SUBJECT
                and len({p.country for p in self.parties[i]}) >= 2
                and _clause(self.doc[i]).i != _clause(token).i  # in their own clause "their envoys" are their own
                and token.dep_ == "poss"
                and _state_noun(token.head, self.r)  # "their foreign ministers", not "their economies"
            )
            if (plural_noun or coordinated) and i not in self.modifier_only:
                # all of them: "the two ministries said they had agreed" stands for both states
                named = _unique(self.parties[i])
                self._place(token, [Party(q.country, token.text, self.doc[i].text) for q in named])
                return

    def _new_clause(self, parties: list[Party], pronoun: Any) -> bool:
        """Whether the pronoun sits in another clause than the nearest antecedent in the sentence: within one
        clause a possessive points to the nearest name ("support for Russia in its war"), from another clause
        to the subject ("X's ties with Y cooled, while its trade with Z grew")."""
        same = [p.at for p in parties if p.at >= 0]
        if not same:
            return False
        span = self.doc.char_span(max(same), max(same) + 1, alignment_mode="expand")
        return span is not None and _clause(span.root).i != _clause(pronoun).i

    def _prefer_subjects(self, parties: list[Party]) -> list[Party]:
        """In the same sentence, "its" points back to a subject or an owner rather than to the object of a
        preposition ("North Korea's ties with China have cooled, while its cooperation with Russia grew")."""

        def oblique(p: Party) -> bool:
            if p.at < 0:
                return False
            span = self.doc.char_span(p.at, p.at + 1, alignment_mode="expand")
            t = span.root if span is not None else None
            while t is not None and t.dep_ in {"compound", "conj", "appos"} and t.head.i != t.i:
                t = t.head
            return t is not None and t.dep_ == "pobj"

        same = [p for p in parties if p.at >= 0]
        return sorted(same, key=oblique) + [p for p in parties if p.at < 0]

    def _place(self, token: Any, parties: list[Party]) -> None:
        t = token
        for _ in range(6):  # a few steps: "the chief of the Russian general staff" is as far as news goes
            while t.dep_ in _THROUGH and t.head.i != t.i:
                t = t.head
            head = t.head
            if t.dep_ in _MODIFIER and head.i != t.i:
                word = head.lower_
                if _state_noun(head, self.r) or head.i in self.mention_tokens:
                    if head.i not in self.mention_tokens:
                        self.state_marked = True
                    t = head
                    while t.dep_ == "compound" and t.head.i != t.i and t.i < t.head.i:
                        t = t.head  # a title before a name: "the German chancellor Angela Merkel"
                    continue
                if word in self.r.owner_nouns:
                    self.owners.setdefault(head.i, []).extend(parties)
                    return
                # The modifier of a predicate is its agent ("Russian strikes", "Japan's protest"); that of any
                # other noun is no actor ("a Brazilian miner"): kept on its own token, which only a predicate
                # reads, through its modifiers.
                self.parties.setdefault(t.i, []).extend(parties)
                self.modifier_only.add(t.i)
                return
            if t.dep_ == "pobj" and head.dep_ == "prep":
                prep, governor = head.lower_, head.head
                such_as = prep == "as" and head.i > 0 and self.doc[head.i - 1].lower_ == "such"
                if prep in self.r.list_preps or such_as:
                    return
                if prep == "of" and governor.lower_ in self.r.collective_nouns and t.lower_ in self.r.state_nouns:
                    t = governor  # "a group of British lawmakers"
                    continue
                if _state_noun(governor, self.r) and governor.i not in self.mention_tokens:
                    if prep in {"to", "at", "toward", "towards"}:
                        # "China's ambassador to Britain": the post; the host is a party only when the envoy
                        # is acted on ("recalled its ambassador to Algeria")
                        self.posts.setdefault(governor.i, []).extend(parties)
                        return
                    if prep == "in" and any(
                        c.dep_ in _MODIFIER and c.i in self.mention_tokens for c in governor.children
                    ):
                        return  # "French forces in Mali", "Argentina's embassy in Caracas": where, not whose
                    spokes = prep == "for" and governor.lower_.startswith("spokes")  # "a spokesman for Kenya"
                    if prep in {"of", "from", "in"} or spokes:  # "officials from Russia", "the government in Kabul"
                        self.state_marked = True
                        t = governor
                        continue
            if t.dep_ == "prep" and t.lower_ in self.r.list_preps:
                return
            break
        self.parties.setdefault(t.i, []).extend(parties)

    def of(self, token: Any, *, as_modifier: bool = False) -> list[Party]:
        """The parties a token holds (a modifier's only when read as a modifier)."""
        if token.i in self.modifier_only and not as_modifier:
            return []
        return self.parties.get(token.i, [])

    def owned(self, token: Any) -> list[Party]:
        return self.owners.get(token.i, [])


_CLAUSE_HEADS = frozenset({"ROOT", "advcl", "ccomp", "xcomp", "relcl", "acl", "csubj", "pcomp", "parataxis"})


def _state_noun(token: Any, r: Roles) -> bool:
    """A noun that stands for a state when a country modifies it: one word ("government") or two ("state media",
    "central bank", "coast guard")."""
    word = token.lower_
    if word in r.state_nouns:
        return True
    before = token.doc[token.i - 1] if token.i > 0 else None
    return before is not None and before.head.i == token.i and f"{before.lower_} {word}" in r.state_nouns


def _clause(token: Any) -> Any:
    t = token
    while t.dep_ not in _CLAUSE_HEADS and t.head.i != t.i:
        t = t.head
    return t


def _people(span: Any) -> bool:
    """A plural demonym counted as people ("hosts two million Venezuelans", "thousands of Syrians"): people of
    that nationality, not their state ("the Iranians rejected the offer" may still be the state)."""
    root = span.root
    if len(span) != 1 or not root.text[:1].isupper() or not root.lower_.endswith("ns"):
        return False
    if any(c.dep_ == "nummod" for c in root.children):
        return True
    head = root.head
    return root.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in roles().multitudes


def _dateline(doc: Any, span: Any, m: Mention) -> bool:
    """ "PARIS —", "LONDON (Reuters) -", "NAIROBI, Kenya (AP) —": a place in capitals opening the text, before a
    dash or a bracket, and the country named after it."""
    rest = _text(doc)[m.end : m.end + 3].lstrip()
    if span.start <= 1 and m.text.isupper() and len(m.text) >= 3:
        return rest[:1] in {"—", "–", "-", "(", ","}
    return _DATELINE_CITY.match(_text(doc)[: m.start]) is not None and rest[:1] in {"—", "–", "-", "("}


_DATELINE_CITY = re.compile(r"^[A-Z][A-Z .'-]+, $")  # "NAIROBI, " before "Kenya (AP) —"


def _of_a_state(noun: Any, r: Roles) -> bool:
    """A noun for people who serve a state: "troops", "the ambassador", "the diplomatic staff"."""
    return (
        _state_noun(noun, r)
        or noun.lower_ in r.envoys
        or any(c.dep_ in {"amod", "compound"} and c.lower_ in _STATE_SERVICE for c in noun.children)
    )


_STATE_SERVICE = frozenset({"diplomatic", "embassy", "consular", "military", "naval", "intelligence"})


def _verdict(token: Any, holders: _Holders, cue_roots: dict[int, Hit], r: Roles) -> tuple[list[Party], list[Party]]:
    """ "Pakistan said India's remarks were irresponsible", "Kyiv called Moscow's claims absurd", "Seoul said the
    launch was a provocative act": the one who says it judges the state whose act is judged (its owner or its
    modifier, never what the act falls on: "called sanctions on Iran illegitimate" judges who imposed them)."""
    while token.dep_ in {"conj", "amod"} and token.head.i != token.i:
        token = token.head  # "irresponsible and provocative", "a provocative act"
    if token.dep_ == "oprd":  # "called the claims baseless"
        verb = token.head
        judged = [p for c in verb.children if c.dep_ == "dobj" for p in _judged_owner(c, holders, r)]
        return _subjects(verb, holders, cue_roots, r), judged
    copula = token.head
    judged = [p for c in copula.children if c.dep_ in _SUBJECT for p in _judged_owner(c, holders, r)]
    speaker: list[Party] = []
    clause = copula
    while clause.dep_ in {"ccomp", "advcl", "xcomp", "conj"} and clause.head.i != clause.i and not speaker:
        clause = clause.head  # "Russia said ..., adding that Poland's claims were groundless"
        speaker = _subjects(clause, holders, cue_roots, r)
    return speaker, judged


def _judged_owner(noun: Any, holders: _Holders, r: Roles) -> list[Party]:
    """Whose act a judged noun is: a state named as its owner or modifier ("India's remarks", "the US sanctions"),
    not a private person's ("the Russian blogger's claims")."""
    if holders.of(noun):
        return holders.of(noun)  # "Moscow", "the ministry" itself
    owners = [c for c in noun.children if c.dep_ == "poss"]
    if any(not (holders.of(c) or c.i in holders.mention_tokens or _of_a_state(c, r)) for c in owners):
        return []  # "the Turkish fans' behaviour", "the businessman's lawsuit"
    return _unique(
        holders.owned(noun) + [p for c in noun.children if c.dep_ in _MODIFIER for p in _modifiers(c, holders)]
    )


def _entry(token: Any, holders: _Holders, cue_roots: dict[int, Hit], r: Roles) -> tuple[list[Party], list[Party]]:
    """ "Ethiopian troops crossed into Sudan", "Chinese coast guard ships entered its territorial waters",
    "Russian fighter jets entered Estonian airspace": a state's forces (a holder, or a weapon its modifier names;
    not migrants, not a ship it flags) into another state or what it holds (the owner of the waters, not a place
    near them)."""
    agents: list[Party] = []
    for c in token.children:
        if c.dep_ in {"nsubj", "nsubjpass"}:
            agents += holders.of(c)
            if c.i in cue_roots or c.lower_ in r.military_objects:
                agents += [p for m in c.children if m.dep_ in _MODIFIER for p in _modifiers(m, holders)]
    objects = [c for c in token.children if c.dep_ == "dobj"] + _pobjs(list(token.children), {"into"}, r)
    held = [o for o in objects if o.lower_ in r.territorial_objects]
    # "crossed into Sudan", "into Ethiopia's Tigray region"
    patients = [p for o in objects if o not in held for p in holders.of(o) + holders.owned(o)] + [
        p
        for o in held
        for p in holders.owned(o) + [q for c in o.children if c.dep_ in _MODIFIER for q in _modifiers(c, holders)]
    ]
    return _unique(agents), _unique(patients)


def _act(token: Any, hit: Hit, holders: _Holders, cue_roots: dict[int, Hit], r: Roles) -> Act | None:
    if token.lower_ in r.entry_verbs:
        agents, patients = _entry(token, holders, cue_roots, r)
        act = Act(hit, [])
        _directed(act, agents, patients)
        return act
    if token.lower_ in r.verdict_words:
        speaker, judged = _verdict(token, holders, cue_roots, r)
        act = Act(hit, [])
        _directed(act, speaker, judged)
        return act
    agents, patients, between = _arguments(token, hit, holders, cue_roots, r)
    if token.lower_ in r.mediation_words and between:
        patients, between = patients + between, []  # "Qatar mediated between X and Y"
    if token.dep_ == "aux" and token.head.dep_ == "ccomp":
        # "X says Y must stop ...": a modal of demand relates the speaker to the one who must act
        clause = token.head
        agents = _subjects(clause.head, holders, cue_roots, r)
        patients = _subjects(clause, holders, cue_roots, r)
    elif not patients and not between:
        # "X demanded that Y stop ...", "X warned that Y would pay": the one spoken of is the clause's subject
        for c in token.children:
            if c.dep_ == "ccomp":
                # "X warned it could ...": a pronoun that stands for the speaker itself is no other party
                patients = [replace(q, alternatives=()) for q in _subjects(c, holders, cue_roots, r)]
        if (
            not patients
            and hit.score < 0
            and token.dep_ == "ccomp"
            and token.head.i not in cue_roots
            and (
                token.head.lower_ in r.finding_verbs or "speech" in lexicon().roles.get(token.head.lower_, frozenset())
            )
        ):
            # "X said Y had interfered": a hostile act reported by another state is aimed at the one reporting it
            speaker = _subjects(token.head, holders, cue_roots, r)
            # not when the speakers speak of themselves ("X, Y and Z said they could not accept the result")
            if agents and speaker and not {p.country for p in speaker} & {p.country for p in agents}:
                patients = speaker
    if not agents and not between and hit.cue.recip:
        agents = _preceding_coordination(token, holders)
    allies = _alongside(token, hit, holders, cue_roots, r)
    if allies:
        # "North Korean troops are fighting alongside Russian forces": force used together is cooperation
        cue = type(hit.cue)(f"{hit.cue.pattern} alongside", "COOPERATE", 6.0, 2, False, False)
        hit = Hit(hit.start, hit.end, cue, cue.score, cue.quad, f"{hit.label} alongside", None)
        patients, between = allies, []
    indirect = False
    own_subject = any(c.dep_ in _SUBJECT | {"nsubjpass", "agent"} for c in _phrase_children(token, hit))
    authors = _reaction_authors(token, hit, holders, cue_roots, r) if not own_subject else []
    if authors:
        # "Israeli strikes drew criticism from Egypt": the reaction's author comes with "from", and what it
        # reacts to is the one the sentence is about
        inherited = _inherited(token, holders, cue_roots, r, hit)
        patients = [p for p in patients if p not in authors] + (inherited[0] if inherited is not None else [])
        agents, indirect = authors, inherited is not None
    if not agents and not between and not own_subject:
        # only a predicate without a subject of its own takes one from the verb it depends on
        inherited = _inherited(token, holders, cue_roots, r, hit)
        if inherited is not None:
            agents, extra = inherited
            patients = patients or extra
            indirect = True
    hit = _scoped(token, _asked_for(token, _scaled(token, hit, r), cue_roots), reported=_reacted_to(token, cue_roots))
    act = Act(hit, [], indirect=indirect)
    acting = {a.country for a in agents}
    referred = {a.country for a in agents if a.via is not None}
    if len(acting) >= 2 and patients:
        # co-agents are no patients of their own act where a reference made them both ("Egypt and Sudan
        # rejected what they called Ethiopia's operation": not Egypt toward Sudan; "the two governments clashed
        # over US operations": mutual); "Serbia and Kosovo's Serb leaders rejected Kosovo's decision" keeps Kosovo
        kept = [p for p in patients if p.country not in acting or (p.via is None and p.country not in referred)]
        if not kept and not (referred and hit.cue.recip):
            return act  # "Ukraine and Britain attacked its fleet": whose fleet is not known
        patients = kept
    if len({p.country for p in between}) >= 2:
        _within(act, between)
    elif agents and patients:
        _directed(act, agents, patients)
    elif (
        len({a.country for a in agents}) >= 2
        and not hit.cue.weak
        and not hit.label.startswith(("request:", "demand:"))  # "X and Y called for a ceasefire": asked of others
        and (
            (
                hit.cue.recip
                and hit.cue.category != "TREND"
                and (hit.cue.category in _MUTUAL or hit.cue.category == "SANCTION")
            )
            or hit.cue.pattern.startswith("exchange ")  # an exchange of anything is done to each other
            # a change of "their ties" is mutual; "X and Y recalled envoys" is done to a third
            or (hit.trend is not None and "trend_relational" in lexicon().roles.get(token.lower_, frozenset()))
            or _on_each_other(token, hit, r)
        )
    ):
        # "X and Y signed"; a vague word ("imports by X and Y", "trade") relates its parties only through
        # "between"
        _within(act, agents)
    if len(set(act.pairs)) != len(act.pairs):
        act.pairs = sorted(set(act.pairs))
    return act


def _alongside(token: Any, hit: Hit, holders: _Holders, cue_roots: dict[int, Hit], r: Roles) -> list[Party]:
    """The states an act of force is done together with ("fighting alongside Russian forces")."""
    if hit.cue.quad != 4 or hit.score > 0:
        return []
    found = [p for o in _pobjs(_phrase_children(token, hit), {"alongside"}, r) for p in _noun_parties(o, holders)]
    return _unique(found)


def _asked_for(token: Any, hit: Hit, cue_roots: dict[int, Hit]) -> Hit:
    """A request for help is cooperation ("Haiti asked Kenya to send more police", "requested China to roll over
    its loans"); a request that the other stop or withdraw stays pressure ("urged Rwanda to withdraw")."""
    if hit.cue.category != "REQUEST" or not hit.cue.weak:
        return hit
    for c in token.children:
        if c.dep_ not in {"xcomp", "ccomp"}:
            continue
        for t in c.subtree:
            asked = cue_roots.get(t.i)
            if asked is not None and asked.cue.category in _HELP and asked.score > 0:
                score = min(3.0, asked.score)
                label = asked.label if asked.label.startswith("request: ") else f"request: {asked.label}"
                return hit._replace(score=score, quad=1, label=label)
    return hit


_HELP = frozenset({"AID", "COOPERATE", "SUPPORT", "AGREE", "CONSULT"})


def _directed(act: Act, agents: list[Party], patients: list[Party]) -> None:
    """Each agent toward each patient, in that direction (a reference that stood for the agent's own country
    tries its next reading)."""
    for a in agents:
        for p in patients:
            target = p.country
            if target == a.country and p.alternatives:
                target = next((c for c in p.alternatives if c != a.country), target)
            initiator = a.country
            if initiator == target and a.alternatives:
                initiator = next((c for c in a.alternatives if c != target), initiator)
            if initiator == target:
                continue
            pair = (initiator, target) if initiator < target else (target, initiator)
            act.pairs.append(pair)
            act.initiator[pair] = initiator
    act.references.extend(p for p in agents + patients if p.via is not None)


def _preceding_coordination(token: Any, holders: _Holders) -> list[Party]:
    """ "... as Egypt and Sudan signed": a coordination of actors just before a mutual act whose subject the parse
    lost (the small parser often attaches it to a preposition before it) is its subject."""
    doc = holders.doc
    i = token.i - 1
    while i >= 0 and doc[i].dep_ in {"aux", "auxpass", "advmod", "neg"}:
        i -= 1
    if i < 0:
        return []
    first = doc[i]
    while first.dep_ == "conj" and first.head.i < first.i:
        first = first.head
    found = holders.of(first)
    return _unique(found) if len({p.country for p in found}) >= 2 else []


def _subjects(verb: Any, holders: _Holders, cue_roots: dict[int, Hit], r: Roles) -> list[Party]:
    return _unique(
        [p for c in verb.children if c.dep_ in _SUBJECT for p in _holding(c, holders, cue_roots, r, modifier=False)]
    )


# Acts two states do together ("X and Y met", "signed", "fought"); praising, aiding or offering are done to a
# third party even when the lexicon calls the word mutual, so "X and Y offered help" pairs neither with the other.
_MUTUAL = frozenset({"CONSULT", "AGREE", "COOPERATE", "ASSAULT", "REJECT", "REL", "TREND"})


def _on_each_other(token: Any, hit: Hit, r: Roles) -> bool:
    """ "X and Y cut ties", "X and Y restored relations", "X and Y expelled each other's envoys": an act on
    the relationship itself, or on each other, is mutual."""
    for c in _phrase_children(token, hit):
        words = {t.lower_ for t in c.subtree}
        if words & {"ties", "relations", "relationship"} or {"each", "other"} <= words or "another" in words:
            return True
    span = token.doc.char_span(hit.start, hit.end, alignment_mode="expand")
    return span is not None and bool({t.lower_ for t in span} & {"ties", "relations", "relationship"})


def _within(act: Act, parties: list[Party]) -> None:
    countries = sorted({p.country for p in parties})
    for i, a in enumerate(countries):
        for b in countries[i + 1 :]:
            act.pairs.append((a, b))
            act.initiator[(a, b)] = None
    act.references.extend(p for p in parties if p.via is not None)


def _conjuncts(token: Any) -> list[Any]:
    out = [token]
    stack = [token]
    while stack:
        t = stack.pop()
        for c in t.children:
            if c.dep_ in _THROUGH:
                out.append(c)
                stack.append(c)
    return out


def _holding(
    token: Any,
    holders: _Holders,
    cue_roots: dict[int, Hit],
    r: Roles,
    *,
    modifier: bool,
    force: bool = False,
    reaction: bool = False,
) -> list[Party]:
    """The parties an argument token stands for: its own, its conjuncts', the owner of a policy, or the agent of
    an act it names ("condemned Russia's strikes": the strikes' author is the one condemned). For a `reaction`,
    an act's target or place is not the one reacted to ("condemned the war in Ukraine")."""
    out: list[Party] = []
    for t in _conjuncts(token):
        out.extend(holders.of(t, as_modifier=modifier))
        out.extend(holders.owned(t))
        named_act = t.i in cue_roots and t.i not in holders.senseless
        if modifier or holders.of(t) or not (force or named_act or t.lower_ in r.owner_nouns):
            continue
        # force against a country's things is force against the country ("shelled Eritrean posts")
        modifying = [p for c in t.children if c.dep_ in _MODIFIER for p in _modifiers(c, holders)]
        if t.i in cue_roots:
            # "rejected a call from Washington", "condemned the drills held by X and Y"
            modifying += _authors_of(t, holders, cue_roots, r)
        out.extend(modifying)
        if (modifying or holders.owned(t)) and not force:
            continue  # "Israel's approval of West Bank settlements" is Israel's, not the settlements'
        # "the websites of Georgia"; for force, also where the things are ("targets in Syria's north"), and what a
        # sanction falls on, the object's own act being one of force too ("retaliated with duties on American
        # soybeans", "$200 billion of Chinese goods")
        act = cue_roots.get(t.i)
        forceful = force or (act is not None and act.cue.quad == 4 and not act.cue.weak and not reaction)
        for prep in t.children:
            word = prep.lower_
            aimed = forceful and (word in r.locative_preps or (word in _AIMED and act is not None))
            if prep.dep_ == "prep" and (word == "of" or aimed):
                for o in prep.children:
                    if o.dep_ == "pobj":
                        held = _noun_parties(o, holders)
                        out.extend(held if held or not forceful else _quantity_of(o, holders))
    return out


_AIMED = frozenset({"on", "against"})


_AUTHOR_PREPS = frozenset({"by", "from"})


def _act_objects(verb: Any, cue_roots: dict[int, Hit]) -> list[Any]:
    """The objects of a reaction that name an act ("condemned the strikes")."""
    return [c for c in verb.children if c.dep_ == "dobj" and c.i in cue_roots and _reacted_to(c, cue_roots)]


def _lent_preps(verb: Any, noun: Any) -> list[Any]:
    """Prepositions of place or target after a verb's act-noun object, which belong to the act."""
    return [c for c in verb.children if c.dep_ == "prep" and c.i > noun.i and c.lower_ in {"on", "against", "in"}]


def _reaction_authors(token: Any, hit: Hit, holders: _Holders, cue_roots: dict[int, Hit], r: Roles) -> list[Party]:
    """Who spoke a reaction named by a noun: "criticism from Egypt", "a warning from Finland"."""
    if hit.cue.category not in REACTIONS or token.dep_ not in {"dobj", "pobj", "nsubj", "nsubjpass", "attr"}:
        return []
    children = _phrase_children(token, hit)
    head = token.head
    if token.dep_ == "dobj" and (head.i not in cue_roots or _vague(cue_roots[head.i])):
        children += list(head.children)  # the small parser hangs "from" on the light verb ("drew praise from X")
    return _unique(
        [p for o in _pobjs(children, {"from"}, r) for p in _holding(o, holders, cue_roots, r, modifier=False)]
    )


def _pobjs(children: list[Any], words: set[str] | frozenset[str], r: Roles) -> list[Any]:
    """The objects of the prepositions among `children` that are one of `words` (not where people come from)."""
    return [
        o
        for c in children
        if c.dep_ == "prep" and c.lower_ in words and not _origin_of_people(c, r)
        for o in c.children
        if o.dep_ == "pobj"
    ]


def _author_prep(noun: Any) -> bool:
    return any(c.dep_ == "prep" and c.lower_ in _AUTHOR_PREPS for c in noun.children)


def _authors_of(noun: Any, holders: _Holders, cue_roots: dict[int, Hit], r: Roles) -> list[Party]:
    """Who did the act a noun names, when a complement says so: "a call from X", "strikes by X", "the drills
    held by X", "the exercises that X and Y began" (a relative clause whose object is the noun)."""
    objects = _pobjs(list(noun.children), _AUTHOR_PREPS, r)
    found: list[Party] = []
    for c in noun.children:
        if c.dep_ == "acl":
            objects += [o for a in c.children if a.dep_ == "agent" for o in a.children if o.dep_ == "pobj"]
        elif (
            c.dep_ == "relcl"
            # the clause's verb no act of its own, or one in the noun's sense ("the deal that Japan signed", not
            # "the deal that Russia rejected")
            and (
                c.i not in cue_roots
                or noun.i not in cue_roots
                or (cue_roots[c.i].score > 0) == (cue_roots[noun.i].score > 0)
            )
            and any(x.dep_ == "dobj" and x.lower_ in {"that", "which"} for x in c.children)
        ):
            found += _subjects(c, holders, cue_roots, r)  # the relative pronoun is the object: the subject acted
    for o in objects:
        found += _holding(o, holders, cue_roots, r, modifier=False)
    return _unique(found)


def _noun_parties(noun: Any, holders: _Holders) -> list[Party]:
    """What a noun stands for: its own parties, its owner's, its modifiers' ("Chinese goods", "Iran's ports")."""
    modifying = [p for c in noun.children if c.dep_ in _MODIFIER for p in _modifiers(c, holders)]
    return holders.of(noun) + holders.owned(noun) + modifying


def _quantity_of(token: Any, holders: _Holders) -> list[Party]:
    """ "$200 billion of Chinese goods", "dozens of Iranian vessels": a quantity stands for what it counts."""
    for prep in token.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for o in prep.children:
                if o.dep_ == "pobj":
                    return _noun_parties(o, holders)
    return []


def _modifiers(token: Any, holders: _Holders) -> list[Party]:
    found = list(holders.of(token, as_modifier=True))
    for c in token.children:
        if c.dep_ in _MODIFIER:
            found.extend(_modifiers(c, holders))
    return found


def _arguments(
    token: Any, hit: Hit, holders: _Holders, cue_roots: dict[int, Hit], r: Roles
) -> tuple[list[Party], list[Party], list[Party]]:
    agents: list[Party] = []
    patients: list[Party] = []
    between: list[Party] = []
    force = hit.cue.quad == 4 and not hit.cue.weak
    # material acts are done in a place ("aid in Iraq", "troops deployed in Syria"); words, at a venue
    material = hit.cue.quad in (2, 4)
    children = _phrase_children(token, hit) + _shared_with_first_conjunct(token, hit)

    # "Egypt condemned the Israeli strikes on Gaza" with "on Gaza" hung on "condemned": the act's target
    if _reacted_to(token, cue_roots):
        children += _lent_preps(token.head, token)
    lent = {p.i for o in _act_objects(token, cue_roots) for p in _lent_preps(token, o)}
    if lent:
        children = [c for c in children if c.i not in lent]
    for c in children:
        dep = c.dep_
        if dep in _SUBJECT:
            agents += _holding(c, holders, cue_roots, r, modifier=False)
        elif dep in _OBJECT:
            if dep == "dative" and any(o.dep_ == "pobj" for o in c.children):
                for o in c.children:
                    if o.dep_ == "pobj":
                        patients += _holding(o, holders, cue_roots, r, modifier=False)
            elif hit.cue.category == "CONSULT" and dep == "dobj" and not holders.of(c):
                # what is discussed is a topic ("to discuss the Iranian presence"); partners come with "with"
                patients += _prep_objects(c, hit, holders, cue_roots, r, force, r.between_preps | {"with"})
            else:
                # arresting or jailing people is done to them, not to their state ("arrested two Australian
                # nationals"); force against a country's things is force against it ("shelled Eritrean posts")
                held_force = force and not (
                    hit.cue.category == "COERCE" and any(x.lower_ in r.people_nouns for x in _conjuncts(c))
                )  # "arrested his business partner, a British citizen"
                patients += _holding(
                    c,
                    holders,
                    cue_roots,
                    r,
                    modifier=False,
                    force=held_force,
                    reaction=hit.cue.category in _AIMED_AT_ACTS,
                )
                patients += holders.posts.get(c.i, [])
                if not patients and dep == "dobj" and hit.cue.category in REACTIONS:
                    # "condemned the drills" (the act reported before), "rejected the proposal made by Iran"
                    patients += _earlier_act(c, holders, cue_roots) or _authors_of(c, holders, cue_roots, r)
                if dep == "dobj":
                    # "signed a deal with Y": the object's complements name the other party; of an object that is
                    # itself an act ("condemned the attack on Z") only a partner does, not the act's own target
                    partners = r.between_preps | {"with", "to"} if c.i in cue_roots else None
                    patients += _prep_objects(c, hit, holders, cue_roots, r, force, partners)
        elif dep == "agent":
            for o in c.children:
                if o.dep_ == "pobj":
                    agents += _holding(o, holders, cue_roots, r, modifier=False)
        elif dep == "prep":
            if _origin_of_people(c, r):
                continue
            got_agents, got_patients, got_between = _prep(c, hit, holders, cue_roots, r, force, material)
            if not got_patients and hit.cue.category in REACTIONS and c.lower_ in _REACTION_PREPS:
                # "protested against the seizure", "angry over the expulsions"
                got_patients = [
                    p
                    for o in c.children
                    if o.dep_ == "pobj"
                    for p in _earlier_act(o, holders, cue_roots) or _authors_of(o, holders, cue_roots, r)
                ]
            agents += got_agents
            patients += got_patients
            between += got_between
        elif dep in _MODIFIER and not hit.cue.weak:
            # "Russian strikes", "Japan's protest", "Saudi air and drone strikes"; a vague noun ("Syrian
            # refugees", "U.S. exports") names no act
            agents += _modifiers(c, holders)
        elif dep in {"acl", "relcl"} and not hit.cue.weak:
            found = _authors_of(token, holders, cue_roots, r)
            agents += [p for p in found if p not in agents]
            if found and dep == "relcl":
                # "the blockade that Israel imposed on Gaza": the clause's verb is the noun's light verb
                for prep in c.children:
                    if prep.dep_ == "prep":
                        patients += _prep(prep, hit, holders, cue_roots, r, force, material)[1]
        elif dep == "dobj":
            patients += _holding(c, holders, cue_roots, r, modifier=False)
    if not agents and not hit.cue.weak:
        agents += holders.owned(token)  # "Moscow's annexation of ..."
    verb = token.head
    # "a Ukrainian drone attack set fire to a depot in Russia's Belgorod region": what the verb of an act of force
    # does, the act does (when the verb is no act of its own)
    plain_verb = verb.i != token.i and (verb.i not in cue_roots or _vague(cue_roots[verb.i]))
    # not what the act drew from others ("the raid drew praise from the United States", "prompted a warning")
    drawn = any(
        c.dep_ == "dobj" and ((c.i in cue_roots and cue_roots[c.i].cue.category in REACTIONS) or _author_prep(c))
        for c in verb.children
    )
    if force and not patients and not between and token.dep_ == "nsubj" and plain_verb and not drawn:
        for c in verb.children:
            if c.dep_ == "dobj":
                patients += _holding(c, holders, cue_roots, r, modifier=False, force=True)
            elif c.dep_ == "prep" and not _origin_of_people(c, r):
                patients += _prep(c, hit, holders, cue_roots, r, True, material)[1]
    return _unique(agents), _unique(patients), _unique(between)


def _shared_with_first_conjunct(token: Any, hit: Hit) -> list[Any]:
    """ "Russian air and missile strikes on Kyiv": the small parser makes "air" the head and the act noun its
    conjunct; the modifiers before the first conjunct, and a complement the parse hung on it, are the act's."""
    head = token.head
    if token.dep_ != "conj" or hit.cue.weak or head.i > token.i or head.dep_ in _CLAUSE_HEADS:
        return []
    if any(c.dep_ == "det" for c in token.children) or token.i - head.i > 4:
        return []  # "Russian strikes and the sanctions ..." is two phrases
    own = {c.dep_ for c in token.children}
    return [
        c for c in head.children if (c.dep_ in _MODIFIER and c.i < head.i) or (c.dep_ == "prep" and "prep" not in own)
    ]


def _earlier_act(noun: Any, holders: _Holders, cue_roots: dict[int, Hit]) -> list[Party]:
    """ "China condemned the drills": an act named by a definite noun phrase and given no parties of its own is
    the act the article reported just before; its parties are the ones reacted to."""
    if noun.i not in cue_roots:
        return []
    if not any(c.dep_ == "det" and c.lower_ in DETERMINERS for c in noun.children):
        return []
    if any(holders.of(t) or holders.of(t, as_modifier=True) or holders.owned(t) for t in noun.subtree):
        return []
    phrase = holders.doc[noun.left_edge.i : noun.i + 1].text
    return holders.resolve.authors(cue_roots[noun.i].cue.category, phrase)


def _phrase_children(token: Any, hit: Hit) -> list[Any]:
    """The dependents of a cue: of its root, and for a phrase ("let free", "held talks") of its other words too."""
    span = token.doc.char_span(hit.start, hit.end, alignment_mode="expand")
    if span is None or len(span) == 1:
        return list(token.children)
    inside = {t.i for t in span}
    # a preposition inside the phrase ("crossed into", "fired at") brings its object as its own complement
    preps = [t for t in span if t.dep_ == "prep" and t.i != span.root.i and t.head.i in inside]
    within = {t.i for p in preps for t in p.children}
    return [c for t in span for c in t.children if c.i not in inside and c.i not in within] + preps


def _prep(
    prep: Any,
    hit: Hit,
    holders: _Holders,
    cue_roots: dict[int, Hit],
    r: Roles,
    force: bool,
    material: bool = False,
) -> tuple[list[Party], list[Party], list[Party]]:
    word = prep.lower_
    agents: list[Party] = []
    patients: list[Party] = []
    between: list[Party] = []
    for o in prep.children:
        if o.dep_ != "pobj":
            continue
        held = _holding(
            o,
            holders,
            cue_roots,
            r,
            modifier=False,
            force=force and word not in r.between_preps,
            reaction=word in _REACTION_PREPS and (hit.cue.category in _AIMED_AT_ACTS or hit.cue.category == "THREATEN"),
        )
        if not held and hit.score < 0:
            # "lodged a complaint with the WTO against Japan": "against" names the target wherever it hangs
            for c in o.children:
                if c.dep_ == "prep" and c.lower_ == "against":
                    patients += _prep(c, hit, holders, cue_roots, r, force, material)[1]
        if word in r.between_preps:
            between += held
        elif word in r.list_preps:
            continue
        elif word in r.locative_preps:
            if force or (material and word not in r.transit_preps):  # gas sent "through Ukraine" is not sent to it
                patients += held
        elif word == "by":
            agents += held
        elif word in r.object_preps:
            patients += held
    return agents, patients, between


def _prep_objects(
    noun: Any,
    hit: Hit,
    holders: _Holders,
    cue_roots: dict[int, Hit],
    r: Roles,
    force: bool,
    only: frozenset[str] | None,
) -> list[Party]:
    """The parties a noun's prepositional complements name ("a deal with Y", "talks between X and Y"): those of
    `only` these prepositions, or of every object preposition but "of"."""
    allowed = only if only is not None else (r.object_preps | r.between_preps) - {"of"}
    found: list[Party] = []
    for c in noun.children:
        if c.dep_ == "prep" and c.lower_ in allowed and not _origin_of_people(c, r):
            _agents, patients, between = _prep(c, hit, holders, cue_roots, r, force)
            found += patients + between
    return found


_LIGHT_OBJECT = frozenset({"dobj", "attr", "pobj", "nsubjpass", "oprd"})


def _inherited(
    token: Any, holders: _Holders, cue_roots: dict[int, Hit], r: Roles, hit: Hit
) -> tuple[list[Party], list[Party]] | None:
    """The subject (and objects) a cue takes from the verb it depends on: "agreed to expand trade" (a control
    verb), "imposed sanctions on Y" (a light verb), "met and signed" (a shared subject)."""
    t = token
    if t.dep_ in {"pobj", "pcomp"} and t.head.dep_ == "prep":
        t = t.head
    carried: list[Party] = []  # objects of light verbs on the way up ("willing to provide support to Y")
    for _ in range(5):
        head = t.head
        if head.i == t.i:
            return None
        # a vague cue ("provided", "gave") is as light as a verb that is no cue at all; a verb of reporting is not
        # light: who reports exports does not export ("state media reported record exports to Germany")
        light = (
            t.dep_ in _LIGHT_OBJECT | {"prep"}
            and (head.i not in cue_roots or _vague(cue_roots[head.i]))
            and head.lower_ not in r.reporting_verbs
        )
        # "X met Y after signing a treaty": a participle after a preposition shares the clause's subject
        adjunct = t.dep_ == "prep" and token.dep_ == "pcomp"
        if not (light or adjunct or t.dep_ in {"xcomp", "conj", "advcl", "acl", "pcomp", "acomp"}):
            return None
        light = light or adjunct
        subjects: list[Party] = []
        objects: list[Party] = list(carried)
        for c in head.children:
            if c.dep_ in _SUBJECT or (c.dep_ == "nsubjpass" and t.dep_ == "prep"):
                # "X is suspected of sending ...": the passive subject does the nested act
                subjects += _holding(c, holders, cue_roots, r, modifier=False)
            elif c.dep_ == "agent":
                for o in c.children:
                    subjects += _holding(o, holders, cue_roots, r, modifier=False)
            elif c.dep_ == "prep" and c.i != t.i:
                # "arrived in Tanzania for a state visit": where a visitor arrives for talks is the host
                hosted = hit.cue.category == "CONSULT" and head.lower_ in r.arrival_verbs
                objects += _prep(c, hit, holders, cue_roots, r, hit.cue.quad == 4, hit.cue.quad in (2, 4) or hosted)[1]
            elif c.dep_ == "dobj" and c.i != t.i:  # "engaged Pakistani soldiers in a firefight"
                objects += _holding(c, holders, cue_roots, r, modifier=False, force=hit.cue.quad == 4)
            elif c.dep_ == "dative":
                pobjs = [o for o in c.children if o.dep_ == "pobj"]
                for o in pobjs or [c]:  # "gave Canada a deadline" has no preposition
                    objects += _holding(o, holders, cue_roots, r, modifier=False)
        if not subjects and t.dep_ == "acl":
            # "Germany's decision to halt exports": the noun's owner decides
            subjects = holders.owned(head) + [
                p for c in head.children if c.dep_ in _MODIFIER for p in _modifiers(c, holders)
            ]
            if not subjects and head.dep_ == "dobj" and head.head.i not in cue_roots:
                # "X issued a statement criticising Y": the one who issued it
                subjects = _subjects(head.head, holders, cue_roots, r)
        if subjects:
            # "ordered the diplomats of X to leave the country", "gave X's envoy 48 hours to leave": the one told
            # to leave is the one expelled
            expelled = hit.cue.category == "SANCTION" and t.dep_ in {"xcomp", "advcl"}
            if expelled and not (light or carried):
                # only a state's envoys, staff or forces are expelled; a tourist told to leave is a private person
                told = [c for c in head.children if c.dep_ in {"dobj", "dative"} and _of_a_state(c, r)]
                objects = [p for c in told for p in _holding(c, holders, cue_roots, r, modifier=False, force=True)]
            return _unique(subjects), _unique(objects) if light or carried or expelled else []
        if any(c.dep_ in {"nsubj", "nsubjpass"} and not _state_noun(c, r) for c in head.children):
            return None  # the verb has a subject of its own that is no state ("a baseball team began a tour")
        # "X is willing to withdraw": through the adjective to the copula's subject
        if head.dep_ not in {"xcomp", "conj", "advcl", "pcomp", "ccomp", "acomp"} and not light:
            return None
        if light or t.dep_ == "xcomp":
            carried = objects
        t = head
    return None


def _scoped(token: Any, hit: Hit, *, reported: bool = False) -> Hit:
    """Negation and condition as the parse scopes them: a `neg` on the cue or on the verb whose object it is
    ("did not sign the deal" when the words before the cue do not show it), an "if"/"unless" clause on it
    ("will send troops unless the crisis ends")."""
    if is_modal(hit.label) or hit.trend is not None:
        return hit
    if token.dep_ in {"nsubj", "nsubjpass"} and token.head.lower_ in roles().ending_verbs:
        return rescoped(hit, "reversal")  # "the offensive would end", "the truce collapsed"
    # "did not condemn the blockade": the negation of a reaction is not the negation of what it reacts to
    scope = [token] + ([token.head] if token.dep_ in {"dobj", "xcomp", "pobj"} and not reported else [])
    negations = [
        c
        for t in scope
        for c in t.children
        if c.dep_ == "neg" or (c.dep_ == "aux" and any(g.dep_ == "neg" for g in c.children))
    ]
    if negations:
        return rescoped(hit, "negators")
    for t in scope:
        for c in t.children:
            if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in {"if", "unless"} for m in c.children):
                return rescoped(hit, "hypothetical")
    return hit


def _scaled(token: Any, hit: Hit, r: Roles) -> Hit:
    """Intensifiers and hedges the parse attaches to the cue ("sharply criticised", "slightly eased")."""
    factor = 1.0
    words: list[str] = []
    for c in token.children:
        if hit.start <= c.idx < hit.end:
            continue  # a word of the cue itself ("stands firmly with")
        if c.dep_ in {"advmod", "amod"} and c.lower_ in r.intensifiers:
            factor *= r.intensifiers[c.lower_]
            words.append(c.lower_)
    if token.dep_ in {"amod", "advmod"} and token.head.lower_ in r.intensifiers:
        factor *= r.intensifiers[token.head.lower_]
    if factor == 1.0:
        return hit
    score = max(-10.0, min(10.0, hit.score * factor))
    return hit._replace(score=score, label=" ".join([*words, hit.label]))


def _unique(parties: list[Party]) -> list[Party]:
    seen: set[str] = set()
    out: list[Party] = []
    for p in parties:
        if p.country not in seen:
            seen.add(p.country)
            out.append(p)
    return out
