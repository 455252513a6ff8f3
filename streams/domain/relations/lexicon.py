"""The cue lexicon and the modifier word lists, loaded from the data files and compiled into trie regexes."""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from streams.domain.countries.trie import normalise, trie_regex

_VOWELS = set("aeiou")


@dataclass(frozen=True, slots=True)
class Cue:
    pattern: str  # the lexicon pattern it came from (shown in evidence)
    category: str
    score: float
    quad: int
    recip: bool
    weak: bool

    @property
    def is_shadow(self) -> bool:
        return self.category == "NONE"


# Roles of the function words (modifiers.json): one surface may have several ("end" negates, "cut" cools).
ROLES = (
    "negators",
    "reversal",
    "threat",
    "intent",
    "hypothetical",
    "request",
    "speech",
    "anaphora",
    "clause_boundaries",
    "trend_relational",
    "trend_warming",
    "trend_cooling",
    "trend_self_warming",
    "trend_self_cooling",
)


@dataclass(frozen=True)
class Lexicon:
    cues: dict[str, Cue]  # surface form (lower case) -> cue
    cue_pattern: re.Pattern[str]
    roles: dict[str, frozenset[str]]  # function-word surface (lower case) -> roles
    func_pattern: re.Pattern[str]
    locative: frozenset[str]  # a word that makes the next name a place ("in Kabul")
    between: frozenset[str]
    coordination: frozenset[str]  # the whole gap between two coordinated names, stripped
    window_words: int


def verb_forms(base: str) -> set[str]:
    forms = {base}
    if base.endswith("e"):
        forms |= {base + "s", base + "d", base[:-1] + "ing"}
    elif base.endswith("y") and len(base) > 2 and base[-2] not in _VOWELS:
        forms |= {base[:-1] + "ies", base[:-1] + "ied", base + "ing"}
    elif base.endswith(("s", "sh", "ch", "x", "z")):
        forms |= {base + "es", base + "ed", base + "ing"}
    else:
        forms |= {base + "s", base + "ed", base + "ing"}
        # Short consonant-vowel-consonant verbs double the last letter (ship, shipped); an extra form that
        # is not a word costs nothing.
        cvc = base[-1] not in _VOWELS | {"w", "x", "y"} and base[-2] in _VOWELS and base[-3] not in _VOWELS
        if len(base) >= 3 and cvc:
            forms |= {base + base[-1] + "ed", base + base[-1] + "ing"}
    return forms


def noun_forms(base: str) -> set[str]:
    if base.endswith(("s", "sh", "ch", "x", "z")):
        return {base, base + "es"}
    if base.endswith("y") and len(base) > 2 and base[-2] not in _VOWELS:
        return {base, base[:-1] + "ies"}
    return {base, base + "s"}


def expand(pattern: str) -> set[str]:
    """All surface forms of one lexicon pattern ("lift+ sanctions" -> lift sanctions, lifted sanctions...)."""
    options: list[set[str]] = []
    for word in pattern.lower().split():
        if word.endswith("+") and len(word) > 1:
            options.append(verb_forms(word[:-1]))
        elif word.endswith("~") and len(word) > 1:
            options.append(noun_forms(word[:-1]))
        else:
            options.append({word})
    return {" ".join(combo) for combo in itertools.product(*options)}


def _data(name: str) -> str:
    return resources.files("streams.domain.relations").joinpath("data", name).read_text("utf-8")


@cache
def lexicon() -> Lexicon:
    cues: dict[str, Cue] = {}
    for line in _data("cues.tsv").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        patterns, category, score, quad, flags = line.split("\t")[:5]
        flag_set = set(flags.split())
        for pattern in patterns.split(" | "):
            cue = Cue(pattern.strip(), category, float(score), int(quad), "recip" in flag_set, "weak" in flag_set)
            for form in expand(pattern.strip()):
                # The first line that names a form keeps it: general lines come first, specific ones later
                # override only forms they add. Longer phrases shadow shorter ones by longest match anyway.
                cues.setdefault(form, cue)
    mods: dict[str, Any] = json.loads(_data("modifiers.json"))
    roles: dict[str, set[str]] = {}
    for role in ROLES:
        for phrase in mods[role]:
            roles.setdefault(normalise(phrase), set()).add(role)
    return Lexicon(
        cues=cues,
        cue_pattern=trie_regex(cues),
        roles={k: frozenset(v) for k, v in roles.items()},
        func_pattern=trie_regex(roles),
        locative=frozenset(mods["locative"]),
        between=frozenset(mods["between"]),
        coordination=frozenset(c.strip() for c in mods["coordination"]),
        window_words=int(mods["window_words"]),
    )
