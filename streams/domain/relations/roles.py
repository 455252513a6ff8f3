"""The word lists the structural reader works with (data/roles.json, each list with its reason there)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Roles:
    state_nouns: frozenset[str]
    owner_nouns: frozenset[str]
    object_preps: frozenset[str]
    locative_preps: frozenset[str]
    between_preps: frozenset[str]
    list_preps: frozenset[str]
    singular_pronouns: frozenset[str]
    plural_pronouns: frozenset[str]
    personal_pronouns: frozenset[str]
    pair_references: re.Pattern[str]  # "the two countries", "both Gulf neighbours", "each other"
    window: int
    history_years: int
    sport_terms: frozenset[str]
    sport_words: frozenset[str]
    market_terms: frozenset[str]
    military_objects: frozenset[str]
    relational_objects: frozenset[str]
    collective_nouns: frozenset[str]
    ending_verbs: frozenset[str]
    resumption_words: frozenset[str]
    force_if_armed_words: frozenset[str]
    peaceful_missions: frozenset[str]
    market_demand_words: frozenset[str]
    mediation_words: frozenset[str]
    people_nouns: frozenset[str]
    multitudes: frozenset[str]
    envoys: frozenset[str]
    finding_verbs: frozenset[str]
    reporting_verbs: frozenset[str]
    swap_verbs: frozenset[str]
    transit_preps: frozenset[str]
    arrival_verbs: frozenset[str]
    labour_words: frozenset[str]
    entry_verbs: frozenset[str]
    territorial_objects: frozenset[str]
    verdict_words: frozenset[str]
    unmet_objects: frozenset[str]
    firm_nouns: frozenset[str]
    historical_states: re.Pattern[str]
    intensifiers: dict[str, float]
    senses: dict[str, dict[str, tuple[str, float, int]]]


@cache
def roles() -> Roles:
    raw: dict[str, Any] = json.loads(
        resources.files("streams.domain.relations").joinpath("data", "roles.json").read_text("utf-8")
    )
    return Roles(
        state_nouns=frozenset(raw["state_nouns"]),
        owner_nouns=frozenset(raw["owner_nouns"]),
        object_preps=frozenset(raw["object_preps"]),
        locative_preps=frozenset(raw["locative_preps"]),
        between_preps=frozenset(raw["between_preps"]),
        list_preps=frozenset(raw["list_preps"]),
        singular_pronouns=frozenset(raw["singular_pronouns"]),
        plural_pronouns=frozenset(raw["plural_pronouns"]),
        personal_pronouns=frozenset(raw["personal_pronouns"]),
        pair_references=_pair_pattern(raw["pair_references"], raw["pair_reference_nouns"]),
        window=int(raw["reference_window_sentences"]),
        history_years=int(raw["history_years"]),
        sport_terms=frozenset(raw["sport_terms"]),
        sport_words=frozenset(raw["sport_words"]),
        market_terms=frozenset(raw["market_terms"]),
        military_objects=frozenset(raw["military_objects"]),
        relational_objects=frozenset(raw["relational_objects"]),
        collective_nouns=frozenset(raw["collective_nouns"]),
        ending_verbs=frozenset(raw["ending_verbs"]),
        resumption_words=frozenset(raw["resumption_words"]),
        force_if_armed_words=frozenset(raw["force_if_armed_words"]),
        peaceful_missions=frozenset(raw["peaceful_missions"]),
        market_demand_words=frozenset(raw["market_demand_words"]),
        mediation_words=frozenset(raw["mediation_words"]),
        people_nouns=frozenset(raw["people_nouns"]),
        multitudes=frozenset(raw["multitudes"]),
        envoys=frozenset(raw["envoys"]),
        finding_verbs=frozenset(raw["finding_verbs"]),
        reporting_verbs=frozenset(raw["reporting_verbs"]),
        swap_verbs=frozenset(raw["swap_verbs"]),
        transit_preps=frozenset(raw["transit_preps"]),
        arrival_verbs=frozenset(raw["arrival_verbs"]),
        labour_words=frozenset(raw["labour_words"]),
        entry_verbs=frozenset(raw["entry_verbs"]),
        territorial_objects=frozenset(raw["territorial_objects"]),
        verdict_words=frozenset(raw["verdict_words"]),
        unmet_objects=frozenset(raw["unmet_objects"]),
        firm_nouns=frozenset(raw["firm_nouns"]),
        historical_states=re.compile(r"\b(?:" + "|".join(re.escape(n) for n in raw["historical_states"]) + r")\b"),
        intensifiers={k: float(v) for k, v in raw["intensifiers"].items()},
        senses={
            cue: {obj: (str(s[0]), float(s[1]), int(s[2])) for obj, s in table.items()}
            for cue, table in raw["sense_senses"].items()
        },
    )


def _pair_pattern(phrases: list[str], nouns: list[str]) -> re.Pattern[str]:
    fixed = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    heads = "|".join(re.escape(n) for n in sorted(nouns, key=len, reverse=True))
    # "relations between the nuclear-armed neighbours": after "between", a plural of these needs no "two"
    between = r"(?<=between )the(?: [a-z-]+){0,2}? (?:neighbours|neighbors|rivals|allies|adversaries|foes)"
    return re.compile(rf"\b(?:{fixed}|(?:the two|both)(?: [a-z-]+){{0,2}}? (?:{heads})|{between})\b")
