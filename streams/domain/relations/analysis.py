"""The cues of one sentence: which words relate states, in what sense and with what modality.

Cues are found by the lexicon's trie regex over the sentence (cues.tsv); negation, reversal, threat, intent,
request and hypothesis in the few words before a cue change its score and quad (modifiers.json); an explicitly
reported change of a relationship ("ties have cooled") is a trend hit. Which countries a cue relates is read
from the sentence's dependency parse (structure.py).
"""

from __future__ import annotations

from typing import NamedTuple

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


Pair = tuple[str, str]


class Func(NamedTuple):
    start: int
    end: int
    roles: frozenset[str]


def cue_hits(sentence: str, spans: list[tuple[int, int]], lex: Lexicon) -> list[Hit]:
    """The cues of `sentence` outside the country mentions at `spans` (offsets in the sentence), in order."""
    lower = sentence.lower()
    funcs = [f for f in _function_words(lower, lex) if not _month(sentence, f)]
    boundaries = [f.start for f in funcs if "clause_boundaries" in f.roles]
    return _find_hits(lower, spans, lex, funcs, boundaries)


# The labels _modified gives a cue that negation, reversal, threat, intent, hypothesis or a request changed.
_MODAL_LABELS = ("not ", "threat:", "intent:", "possible:", "request:", "demand:", "ending ")


def is_modal(label: str) -> bool:
    """A hedged, wished, threatened, refused or reversed act: its sign is less certain than a plain one's."""
    return label.startswith(_MODAL_LABELS)


def rescoped(hit: Hit, role: str) -> Hit:
    """The hit as if `role` ("negators", "hypothetical") had been found before its cue: for a negation or a
    condition that the parse scopes over the cue but that the words before it do not show."""
    plain = _modified("", hit.start, hit.end, hit.cue.pattern, hit.cue, {role})
    return plain._replace(label=plain.label.replace(hit.cue.pattern, hit.label, 1))


_DATE_WORDS = frozenset(
    {"in", "on", "of", "since", "until", "till", "by", "from", "to", "last", "next", "early", "late", "mid"}
)


def _month(sentence: str, f: Func) -> bool:
    """ "On May 12", "since May": the month, not the modal verb."""
    if sentence[f.start : f.end] != "May":
        return False
    after = sentence[f.end : f.end + 2].strip()
    before = sentence[max(0, f.start - 7) : f.start].split()
    return after[:1].isdigit() or (bool(before) and before[-1].lower().strip("-") in _DATE_WORDS)


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
    lower: str, spans: list[tuple[int, int]], lex: Lexicon, funcs: list[Func], boundaries: list[int]
) -> list[Hit]:
    hits: list[Hit] = []
    cues = lex.cues
    for m in lex.cue_pattern.finditer(lower):
        start, end = m.span()
        if start and (lower[start - 1].isalnum() or lower[start - 1] == "_"):
            continue
        if _overlaps(start, end, spans):
            continue
        surface = m.group()
        cue = _cue_of(cues, surface)
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


def _cue_of(cues: dict[str, Cue], surface: str) -> Cue | None:
    return cues.get(surface) or cues.get(normalise(surface))


def unmodified(hit: Hit, sentence: str, lex: Lexicon) -> Hit:
    """The hit as its cue reads with no function word before it: for a negation, threat or ending that the parse
    shows belongs to another verb."""
    surface = sentence[hit.start : hit.end].lower()
    cue = _cue_of(lex.cues, surface)
    return (
        hit
        if cue is None
        else _modified(surface, 0, len(surface), surface, cue, set())._replace(start=hit.start, end=hit.end)
    )


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
    # A reported change says which way the relationship moved, not how warm or hostile it is: a faint score.
    "warming": Cue("trend: warming", "TREND", 1.0, 1, True, False),
    "cooling": Cue("trend: cooling", "TREND", -1.0, 3, True, False),
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


def trend_hit(start: int, end: int, surface: str, direction: str) -> Hit:
    """A reported change of the relationship named by the word at [start, end)."""
    cue = _TREND_CUES[direction]
    return Hit(start, end, cue, cue.score, cue.quad, f"{surface} ({direction})", direction)


def _trend_hit(f: Func, lower: str, direction: str) -> Hit:
    cue = _TREND_CUES[direction]
    return Hit(f.start, f.end, cue, cue.score, cue.quad, f"{lower[f.start : f.end]} ({direction})", direction)
