"""What a cue means where it stands: the sense its arguments give it ("launched missiles" or "launched a phone",
"exchanged fire" or "exchanged views", "a rail strike"), or none."""

from __future__ import annotations

from typing import Any

from streams.domain.relations.analysis import Hit
from streams.domain.relations.roles import Roles


def _peaceful(token: Any, r: Roles) -> bool:
    scope = list(token.subtree) + list(token.head.subtree) if token.dep_ != "ROOT" else list(token.subtree)
    return any(t.lower_ in r.peaceful_missions for t in scope)


def sense(token: Any, hit: Hit, r: Roles, cue_roots: dict[int, Hit]) -> Hit | None:
    """The hit in the sense its arguments give it, or None when the cue is not relational here."""
    surface = token.lower_
    if hit.end - hit.start != len(token.text) or hit.cue.category in {"TREND"}:
        return hit  # a phrase ("opened fire", "held talks") has one sense
    objects = {c.lower_ for c in token.children if c.dep_ in {"dobj", "compound", "pobj", "nsubjpass", "amod"}}
    for prep in (c for c in token.children if c.dep_ == "prep" and c.lower_ in {"of", "in"}):
        objects |= {c.lower_ for c in prep.children if c.dep_ == "pobj"}
    if token.dep_ == "compound":
        objects.add(token.head.lower_)
    if trade_of(token, r) and not surface.startswith("exchange"):
        surface = "exchanged"  # "traded accusations", "swapped prisoners": an exchange, not commerce
    if surface.startswith("exchange"):
        senses = r.senses.get("exchange", {})
        for word in sorted(objects):
            if word in senses:
                category, score, quad = senses[word]
                cue = type(hit.cue)(f"exchange {word}", category, score, quad, True, False)
                return Hit(hit.start, hit.end, cue, score, quad, f"{surface} {word}", None)
        if any(c.dep_ == "prep" and c.lower_ in r.between_preps for c in token.children):
            # "exchanges between the two leaders": contact, whatever was exchanged
            cue = type(hit.cue)("exchanges between", "CONSULT", 1.5, 1, True, False)
            return Hit(hit.start, hit.end, cue, 1.5, 1, f"{surface} between", None)
        return None
    if hit.cue.category == "MOBILIZE" and _peaceful(token, r):
        # troops deployed on a peacekeeping or relief mission are aid, not a show of force
        cue = type(hit.cue)(f"{hit.cue.pattern} (peacekeeping)", "AID", 5.0, 2, hit.cue.recip, hit.cue.weak)
        return Hit(hit.start, hit.end, cue, 5.0, 2, f"{hit.label} (peacekeeping)", None)
    if (
        surface in r.resumption_words
        and not (objects & r.relational_objects)
        and not any(c.i in cue_roots for c in token.children)
    ):
        return None  # "resumed hearings", "reopened the museum": no relationship resumed
    if surface in r.entry_verbs:
        # into a state (what "into" names; the act reads whose it is), or a state's waters, airspace, territory
        into = [c for c in token.children if c.dep_ == "prep" and c.lower_ == "into"]
        return hit if into or objects & r.territorial_objects else None
    if surface in r.force_if_armed_words:
        if objects & r.military_objects:
            return hit
        return None
    if surface in {"meet", "meets", "met", "meeting"} and objects & r.unmet_objects:
        return None  # "to meet demand", "met its targets": no meeting
    if surface in {"meet", "meets", "met"} and any(
        c.dep_ == "nsubj" and c.lower_ in r.territorial_objects | {"border", "borders", "rivers", "roads", "lines"}
        for c in token.children
    ):
        return None  # "where the borders of Luxembourg, France and Germany meet": a place
    if surface.startswith("visit") and (
        token.dep_ in {"amod", "acomp"} or any(c.lower_ == "most" for c in token.children)
    ):
        return None  # "the world's most visited country": tourism
    if surface == "tie":
        return None  # the diplomatic sense is plural ("ties"); "a tie" is a draw or a link
    predicate = token.dep_ in {"acomp", "oprd", "attr", "conj"} or (
        token.dep_ == "amod" and token.head.dep_ in {"attr", "oprd"}  # "was a provocative act"
    )
    if surface in r.verdict_words and not predicate:
        return None  # "provocative drills", "an unacceptable delay": the noun says what happened
    if surface in {"strike", "strikes"} and _labour(token, r):
        return None  # "a rail strike", "an air traffic control strike", "a strike by dockworkers"
    if surface in {"sign", "signs"} and any(c.dep_ in {"det", "amod", "compound"} for c in token.children):
        return None  # "a new border sign", "road signs": a signpost, not signing
    if surface.startswith("recall") and not objects & r.envoys:
        return None  # a state recalls its envoys; "recalled the war", "recalled cars" are no act between states
    if surface == "settlements":
        return None  # places people settle ("new West Bank settlements"); an agreement is "a settlement"
    if surface in {"call", "calls", "called", "calling"} and any(c.dep_ == "oprd" for c in token.children):
        return None  # "called the outcome fraudulent": a label, not a call; what it says speaks for itself
    if surface in {"demand", "demands"} and any(
        c.dep_ in {"amod", "compound"} and c.lower_ in r.market_demand_words for c in token.children
    ):
        return None  # "rising demand for travel", "consumer demand": a market's, not a state's
    return hit


def _labour(token: Any, r: Roles) -> bool:
    """A strike by workers: a labour word among the noun's modifiers, or workers after "by"."""
    before = [t for c in token.children if c.dep_ in {"compound", "amod", "nmod"} for t in c.subtree]
    if any(t.lower_ in r.labour_words for t in before):
        return True
    return any(
        o.lower_ in r.labour_words or o.lower_ in r.people_nouns
        for c in token.children
        if c.dep_ == "prep" and c.lower_ == "by"
        for o in c.children
        if o.dep_ == "pobj"
    )


def trade_of(token: Any, r: Roles) -> bool:
    """ "Traded fire", "swapped prisoners": a verb of trade whose object gives an exchange its sense."""
    return token.lower_ in r.swap_verbs and any(
        c.dep_ == "dobj" and c.lower_ in r.senses.get("exchange", {}) for c in token.children
    )
