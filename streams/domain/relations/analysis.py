"""One sentence: which pairs it relates, and through which cues.

The sentence is read in linear order, without a parse:
- actors are country mentions (media and shadowing phrases are not); neighbouring mentions of one country
  ("North Korean leader Kim Jong-un") are one actor, and actors joined by "and", commas or a hyphen
  ("X, Y and Z", "DPRK-Russia") form a group;
- each cue relates the nearest group before it to the nearest group after it, within its clause ("X condemned
  Y's strike on Z": condemn -> X-Y, strike -> Y-Z); a group on one side only is related within itself
  ("X and Y signed", "talks between X and Y");
- a cue that is the object of a cue just before it ("violated the ceasefire", "condemned the attack") does not
  speak for the pair that the governing cue already speaks for;
- negation, threat, intent, request and hypothesis in the words before a cue change its score and quad.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from streams.domain.countries import Mention
from streams.domain.countries.trie import normalise
from streams.domain.relations.lexicon import Cue, Lexicon


class Hit(NamedTuple):
    start: int  # offsets in the sentence
    end: int
    cue: Cue
    score: float
    quad: int
    label: str  # the cue as shown in evidence: "condemned", "not condemn", "threatened: attack"
    trend: str | None  # warming / cooling, for trend hits


@dataclass
class Group:
    start: int
    end: int
    countries: list[str]
    location: bool = False
    after_between: bool = False

    @property
    def distinct(self) -> set[str]:
        return set(self.countries)


@dataclass
class PairFinding:
    hits: list[Hit] = field(default_factory=list)
    fallback: bool = False  # related only because the sentence names no other country


Pair = tuple[str, str]


class Func(NamedTuple):
    start: int
    end: int
    roles: frozenset[str]


def pairs_in_sentence(
    sentence: str, mentions: list[Mention], offset: int, lex: Lexicon, topic_pair: Pair | None
) -> dict[Pair, PairFinding]:
    """The pairs this sentence relates. `mentions` are the actor mentions inside it (offsets in the article)."""
    lower = sentence.lower()
    funcs = _function_words(lower, lex)
    boundaries = [f.start for f in funcs if "clause_boundaries" in f.roles]
    hits = _find_hits(lower, mentions, offset, lex, funcs, boundaries)
    groups = _groups(lower, mentions, offset, hits, funcs, lex, topic_pair)
    if not groups:
        return {}
    found: dict[Pair, PairFinding] = {}
    governed = _governed(lower, hits, groups)
    for i, hit in enumerate(hits):
        for pair in _attach(hit, groups, boundaries, lower):
            g = governed[i]
            if g is not None and hits[g] in found.get(pair, _EMPTY).hits:
                continue
            found.setdefault(pair, PairFinding()).hits.append(hit)
    for pair, hit in _reported_demands(lower, groups, funcs):
        found.setdefault(pair, PairFinding()).hits.append(hit)
    distinct = {c for g in groups for c in g.countries}
    if len(distinct) == 2 and not found and hits:
        # The sentence names two countries and nothing else: its cues are about them, whatever the word order.
        a, b = sorted(distinct)
        found[(a, b)] = PairFinding(list(hits), fallback=True)
    return found


_EMPTY = PairFinding()
_DEMAND = Cue("reported demand", "REQUEST", -4.0, 3, False, False)
_MODALS_OF_DEMAND = frozenset({"must", "must not", "should", "should not", "has to", "have to"})


def _reported_demands(lower: str, groups: list[Group], funcs: list[Func]) -> list[tuple[Pair, Hit]]:
    """ "X says Y must stop ...": the speaker makes a demand of the one who must. The sentence's other cues
    relate Y to its object; this relates the speaker to Y."""
    out: list[tuple[Pair, Hit]] = []
    speech = [f for f in funcs if "speech" in f.roles]
    if not speech:
        return out
    for f in funcs:
        if "request" not in f.roles or lower[f.start : f.end] not in _MODALS_OF_DEMAND:
            continue
        addressee = [g for g in groups if g.end <= f.start and lower.count(" ", g.end, f.start) <= 2]
        if not addressee:
            continue
        a = addressee[-1]
        said = [v for v in speech if v.end <= a.start and lower.count(" ", v.end, a.start) <= 2]
        if not said:
            continue
        speakers = [g for g in groups if g.end <= said[-1].start and lower.count(" ", g.end, said[-1].start) <= 4]
        if speakers:
            hit = Hit(f.start, f.end, _DEMAND, _DEMAND.score, _DEMAND.quad, "demand: " + lower[f.start : f.end], None)
            out.extend((pair, hit) for pair in _across(speakers[-1], a))
    return out


def _function_words(lower: str, lex: Lexicon) -> list[Func]:
    out: list[Func] = []
    for m in lex.func_pattern.finditer(lower):
        start = m.start()
        if start and lower[start - 1].isalnum():
            continue
        surface = m.group()
        roles = lex.roles.get(surface) or lex.roles.get(normalise(surface))
        if roles:
            out.append(Func(start, m.end(), roles))
    return out


def _find_hits(
    lower: str, mentions: list[Mention], offset: int, lex: Lexicon, funcs: list[Func], boundaries: list[int]
) -> list[Hit]:
    spans = [(m.start - offset, m.end - offset) for m in mentions]
    hits: list[Hit] = []
    cues = lex.cues
    for m in lex.cue_pattern.finditer(lower):
        start, end = m.span()
        if start and (lower[start - 1].isalnum() or lower[start - 1] == "_"):
            continue
        if _overlaps(start, end, spans):
            continue
        surface = m.group()
        cue = cues.get(surface) or cues.get(normalise(surface))
        if cue is None or cue.category == "NONE":
            continue
        if start and lower[start - 1] == "-" and not cue.weak:
            # A compound adjective ("Iran-backed militias", "Russian-occupied towns") describes a party; the
            # sentence's own predicate comes later.
            cue = _weakened(cue)
        roles = _roles_before(lower, start, funcs, lex) if funcs else _NO_ROLES
        hits.append(_modified(lower, start, end, surface, cue, roles))
    hits.extend(_trend_hits(lower, funcs, boundaries))
    hits.sort(key=lambda h: h.start)
    return hits


_NO_ROLES: set[str] = set()


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def _roles_before(lower: str, start: int, funcs: list[Func], lex: Lexicon) -> set[str]:
    """Roles of the function words in the few words before a cue."""
    roles: set[str] = set()
    for f in funcs:
        if f.end > start:
            break
        if lower.count(" ", f.end, start) <= lex.window_words:
            roles |= f.roles
    return roles


def _modified(lower: str, start: int, end: int, surface: str, cue: Cue, roles: set[str]) -> Hit:
    score, quad = cue.score, cue.quad
    if not roles:
        return Hit(start, end, cue, score, quad, surface, None)
    negated, reversed_ = "negators" in roles, "reversal" in roles
    if negated and reversed_:
        if score < 0:  # "will not lift the ban": a refusal
            return Hit(start, end, cue, -4.0, 3, "not reversing " + surface, None)
        return Hit(start, end, _weakened(cue), 1.0, 1, "not reversing " + surface, None)
    if reversed_:
        if score > 0:  # "suspended aid", "cut trade": reduced relations
            return Hit(start, end, cue, -4.0 if quad == 2 else -3.0, 4 if quad == 2 else 3, "ending " + surface, None)
        # "lifted the blockade", "ended the war": a step back from conflict
        return Hit(start, end, cue, 3.0 if quad == 4 else 2.0, 2 if quad == 4 else 1, "ending " + surface, None)
    if negated:
        if score > 0:  # "refused to sign", "did not support": a rejection
            return Hit(start, end, cue, -min(3.0, 0.6 * score), 3, "not " + surface, None)
        # "did not attack": no conflict reported, a faint step toward calm
        return Hit(start, end, _weakened(cue), 0.5, 1, "not " + surface, None)
    if "threat" in roles:
        if score < 0:
            return Hit(start, end, cue, max(score, -6.0), 3, "threat: " + surface, None)
        return Hit(start, end, cue, -4.0, 3, "threat: " + surface, None)
    if "request" in roles:
        if score < 0:
            return Hit(start, end, cue, max(score, -3.0), 3, "demand: " + surface, None)
        return Hit(start, end, cue, min(score, 3.0), 1, "request: " + surface, None)
    if "intent" in roles:
        return Hit(start, end, cue, score * 0.8, _verbal(quad), "intent: " + surface, None)
    if "hypothetical" in roles:
        return Hit(start, end, cue, score * 0.6, _verbal(quad), "possible: " + surface, None)
    return Hit(start, end, cue, score, quad, surface, None)


def _verbal(quad: int) -> int:
    return {2: 1, 4: 3}.get(quad, quad)


def _weakened(cue: Cue) -> Cue:
    return Cue(cue.pattern, cue.category, cue.score, cue.quad, cue.recip, True)


_TREND_CUES = {
    "warming": Cue("trend: warming", "TREND", 2.0, 1, True, False),
    "cooling": Cue("trend: cooling", "TREND", -2.0, 3, True, False),
}


_UNREALISED = frozenset({"intent", "threat", "hypothetical", "request"})


def _trend_hits(lower: str, funcs: list[Func], boundaries: list[int]) -> list[Hit]:
    """An explicitly reported change: a change word near a word for the relationship, in the same clause, or a
    set phrase ("restored diplomatic relations")."""
    changes = [f for f in funcs if "trend_warming" in f.roles or "trend_cooling" in f.roles]
    selfs = [f for f in funcs if "trend_self_warming" in f.roles or "trend_self_cooling" in f.roles]
    if not changes and not selfs:
        return []
    out: list[Hit] = []
    for f in selfs:
        direction = "warming" if "trend_self_warming" in f.roles else "cooling"
        out.append(_trend_hit(f, lower, direction))
    negations = [f for f in funcs if "negators" in f.roles]
    # "pledged to strengthen ties", "could improve relations", "called for better ties": a change wished,
    # promised or supposed is not a change reported.
    modal = [f for f in funcs if f.roles & _UNREALISED]
    changes = [c for c in changes if not any(m.end <= c.start and lower.count(" ", m.end, c.start) <= 3 for m in modal)]
    for f in funcs:
        if "trend_relational" not in f.roles or any(s.start <= f.start < s.end for s in selfs):
            continue
        clause = (
            max((b for b in boundaries if b <= f.start), default=0),
            min((b for b in boundaries if b > f.start), default=len(lower)),
        )
        # Within a few words ("ties have cooled", "relations between X and Y grew stronger").
        near = [
            c
            for c in changes
            if clause[0] <= c.start < clause[1]
            and c is not f
            and lower.count(" ", min(f.end, c.end), max(f.start, c.start)) <= 7
        ]
        if not near:
            continue
        change = min(near, key=lambda c: abs(c.start - f.start))
        if any(min(f.start, change.start) - 25 <= n.start <= max(f.end, change.end) for n in negations):
            continue  # "ties have not improved"
        direction = "cooling" if "trend_cooling" in change.roles else "warming"
        out.append(_trend_hit(f, lower, direction))
    return out


def _trend_hit(f: Func, lower: str, direction: str) -> Hit:
    cue = _TREND_CUES[direction]
    return Hit(f.start, f.end, cue, cue.score, cue.quad, f"{lower[f.start : f.end]} ({direction})", direction)


def _groups(
    lower: str,
    mentions: list[Mention],
    offset: int,
    hits: list[Hit],
    funcs: list[Func],
    lex: Lexicon,
    topic_pair: Pair | None,
) -> list[Group]:
    units: list[Group] = []
    cue_starts = [h.start for h in hits]
    for m in mentions:
        start, end = m.start - offset, m.end - offset
        assert m.country is not None
        if units and units[-1].countries[-1] == m.country and _same_actor(lower, units[-1].end, start, cue_starts):
            units[-1].end = end
            continue
        if lower.endswith(("according to ", "according to the "), 0, start):
            continue  # a source ("according to Iranian state media"), not an actor
        before = lower[max(0, start - 30) : start].split()[-2:]
        location = m.kind != "leader" and bool(
            before
            and (
                before[-1] in lex.locative
                or (len(before) == 2 and before[0] in lex.locative and before[1].isalpha() and before[1] != "the")
            )
        )
        if before and before[-1] == "the" and len(before) == 2:
            location = location or before[0] in lex.locative
        after_between = bool(before) and (
            before[-1] in lex.between or (before[-1] == "the" and len(before) == 2 and before[0] in lex.between)
        )
        units.append(Group(start, end, [m.country], location, after_between))
    if topic_pair is not None:
        for f in funcs:
            if "anaphora" in f.roles:
                units.append(Group(f.start, f.end, list(topic_pair)))
        units.sort(key=lambda g: g.start)
    groups: list[Group] = []
    for i, unit in enumerate(units):
        if groups and _joins(lower, groups[-1], unit, units[i + 1] if i + 1 < len(units) else None, lex):
            groups[-1].end = unit.end
            groups[-1].countries.extend(c for c in unit.countries if c not in groups[-1].countries)
            continue
        groups.append(unit)
    return groups


def _joins(lower: str, group: Group, unit: Group, following: Group | None, lex: Lexicon) -> bool:
    """Whether `unit` continues the coordination `group` ("X, Y and Z", "DPRK-Russia")."""
    if group.location or unit.location:
        return False
    gap = lower[group.end : unit.start].strip()
    if not _coordinated(gap, lex):
        return False
    if gap != ",":
        return True
    # A bare comma lists only if the list goes on ("France, Germany and Italy"), else it is an apposition or
    # a clause edge ("In Nairobi, Ugandan officials...").
    return len(group.countries) >= 2 or (
        following is not None and _coordinated(lower[unit.end : following.start].strip(), lex)
    )


def _coordinated(gap: str, lex: Lexicon) -> bool:
    gap = gap.strip()
    if gap.startswith("'s"):
        gap = gap[2:].strip()
    if gap.endswith(" the"):
        gap = gap[:-4].strip()
    return gap in lex.coordination


def _same_actor(lower: str, end: int, start: int, cue_starts: list[int]) -> bool:
    gap = lower[end:start]
    if len(gap.split()) > 5 or any(end <= c < start for c in cue_starts):
        return False
    return not any(ch in gap for ch in ",;:()") and " and " not in gap and " with " not in gap


def _governed(lower: str, hits: list[Hit], groups: list[Group]) -> list[int | None]:
    """For each hit, the index of a cue it is the object of ("violated the ceasefire"), if any."""
    out: list[int | None] = [None] * len(hits)
    for j, b in enumerate(hits):
        for i in range(j - 1, -1, -1):
            a = hits[i]
            if a.cue.category in {"REL", "TREND"} or a.cue.weak or a.end > b.start:
                continue
            gap = lower[a.end : b.start]
            adjacent = len(gap.split()) <= 3 and "," not in gap
            # "supported Russia's war" still reports the war; "violated the ceasefire" does not report peace
            if adjacent and not any(a.end <= g.start < b.start for g in groups) and not (a.score > 0 > b.score):
                out[j] = i
            break
    return out


_SUBJECT_PRONOUNS = frozenset({"he", "she", "it", "they", "its", "their"})
# "its" after a name mostly points to that name ("Russia in its war"), so only personal pronouns jump back.
_PERSONAL_PRONOUNS = frozenset({"he", "she", "they"})


def _attach(hit: Hit, groups: list[Group], boundaries: list[int], lower: str) -> list[Pair]:
    clause_start = max((b for b in boundaries if b <= hit.start), default=0)
    clause_end = min((b for b in boundaries if b >= hit.end), default=len(lower))
    left = [g for g in groups if g.end <= hit.start and g.start >= clause_start]
    right = [g for g in groups if g.start >= hit.end and g.end <= clause_end]
    # A place named before the cue ("in Kabul, a bomb killed...") is not its actor when an actor precedes it.
    actors_left = [g for g in left if not g.location]
    lhs = actors_left[-1] if actors_left else None
    if lhs is not None:  # a place in the subject's own country is not the object ("X's court in X against Y")
        right = [g for g in right if not (g.location and g.distinct <= lhs.distinct)]
    rhs = right[0] if right else None
    if rhs is not None and rhs.location:
        # A place right after the cue is its target ("war in Ukraine") unless a country introduced as an
        # object follows ("a lawsuit in the U.S. against Philippine banks").
        marked = [g for g in right[1:] if _object_marked(lower, g)]
        if marked:
            rhs = marked[0]
        elif lower.count(" ", hit.end, rhs.start) > 4:
            rhs = None
    subject = groups[0]
    if lhs is None:
        # "..., while its cooperation with Y has grown": the clause's subject is the sentence's.
        if (
            clause_start > 0
            and subject.end <= clause_start
            and _SUBJECT_PRONOUNS.intersection(lower[clause_start : hit.start].split())
        ):
            lhs = subject
    elif (
        lhs is not subject
        and subject.end <= lhs.start
        and rhs is not subject
        and _PERSONAL_PRONOUNS.intersection(lower[lhs.end : hit.start].split()[:8])
    ):
        # "Kim's message to Putin contrasts with the one he sent to Xi": a pronoun after the nearest name
        # and before the cue stands for the sentence's subject.
        lhs = subject
    if rhs is not None and rhs.after_between and len(rhs.distinct) >= 2:
        return _within(rhs)
    if lhs is not None and rhs is not None:
        pairs = _across(lhs, rhs)
        if pairs:
            return pairs
    if lhs is not None and len(lhs.distinct) >= 2:
        return _within(lhs)
    if rhs is not None and len(rhs.distinct) >= 2:
        return _within(rhs)
    return []


_OBJECT_MARKERS = frozenset({"against", "on", "with", "to", "toward", "towards", "into", "over", "upon", "at"})


def _object_marked(lower: str, group: Group) -> bool:
    before = lower[max(0, group.start - 20) : group.start].split()
    return bool(before) and (before[-1] in _OBJECT_MARKERS or (len(before) > 1 and before[-2] in _OBJECT_MARKERS))


def _pair(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


def _across(left: Group, right: Group) -> list[Pair]:
    return sorted({_pair(a, b) for a in left.countries for b in right.countries if a != b})


def _within(group: Group) -> list[Pair]:
    cs = sorted(group.distinct)
    return [(a, b) for i, a in enumerate(cs) for b in cs[i + 1 :]]
