"""The gazetteer: every phrase that can refer to a country, compiled once into a token trie.

Sources: ISO 3166 names from pycountry, and the data files next to this module (names.tsv, leaders.tsv,
media.tsv, ambiguous.json), each of which says where its entries come from.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import pycountry

from streams.domain.countries.trie import normalise, spellings, trie_regex

# kind values: name, demonym, capital... as in names.tsv; "leader"; "media" (attribution, never an actor);
# "none" (shadows a country name inside a longer non-country phrase).
NON_ACTOR_KINDS = frozenset({"media", "state_media", "none"})


@dataclass(frozen=True, slots=True)
class Entry:
    country: str | None
    kind: str
    canonical: str
    start: date | None = None
    end: date | None = None
    person: str | None = None  # leader id: short names that need the full name refer to it
    needs_full: bool = False
    ambiguous: str | None = None  # key into Gazetteer.rules
    all_caps: bool = False  # written in capitals in the data: must be capitals in the text

    def valid_at(self, at: date | None) -> bool:
        if at is None:
            return True
        if self.start is not None and at < self.start:
            return False
        return not (self.end is not None and at >= self.end)


@dataclass
class AmbiguityRule:
    candidates: tuple[str, ...]
    default: str | None
    drop_if_article_has: frozenset[str] = frozenset()
    keep_if_article_has: frozenset[str] = frozenset()


@dataclass
class Gazetteer:
    entries: dict[str, list[Entry]] = field(default_factory=dict)  # normalised phrase -> entries
    surfaces: set[str] = field(default_factory=set)  # every spelling the pattern accepts
    simple: dict[str, Entry] = field(default_factory=dict)  # spelling -> its only, unconditional entry
    rules: dict[str, AmbiguityRule] = field(default_factory=dict)
    person_guard: frozenset[str] = frozenset()
    allowed_before: frozenset[str] = frozenset()
    allowed_after: frozenset[str] = frozenset()
    pattern: re.Pattern[str] = field(default_factory=lambda: re.compile(r"(?!)"))

    def add(self, phrase: str, entry: Entry) -> None:
        key = normalise(phrase)
        if not key:
            return
        bucket = self.entries.setdefault(key, [])
        if entry not in bucket:
            bucket.append(entry)
        if entry.all_caps:
            self.surfaces.add(phrase)
        else:
            self.surfaces.update(spellings(phrase))


def _read_tsv(name: str) -> list[list[str]]:
    text = resources.files("streams.domain.countries").joinpath("data", name).read_text("utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _read_json(name: str) -> Any:
    return json.loads(resources.files("streams.domain.countries").joinpath("data", name).read_text("utf-8"))


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text.strip() else None


def _is_caps(phrase: str) -> bool:
    letters = [c for c in phrase if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


@cache
def gazetteer() -> Gazetteer:
    gaz = Gazetteer()
    amb = _read_json("ambiguous.json")
    skipped = set(amb["iso_names_skipped"]["names"])

    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            name = getattr(country, attr, None)
            if name and "," not in name and "(" not in name and name not in skipped:
                gaz.add(name, Entry(country.alpha_3, "name", name))

    for row in _read_tsv("names.tsv"):
        alpha3, phrases, kind = row[0], row[1], row[2]
        for phrase in phrases.split("|"):
            gaz.add(phrase, Entry(alpha3, kind, phrase, all_caps=_is_caps(phrase)))

    for row in _read_tsv("leaders.tsv"):
        alpha3, full, short, _office, start, end = row[:6]
        person = full.split("|")[0]
        span = (_date(start), _date(end))
        for phrase in full.split("|"):
            gaz.add(phrase, Entry(alpha3, "leader", person, *span, person=person, all_caps=_is_caps(phrase)))
        for phrase in filter(None, short.split("|")):
            needs_full = phrase.startswith("!")
            phrase = phrase.lstrip("!")
            gaz.add(
                phrase,
                Entry(alpha3, "leader", person, *span, person=person, needs_full=needs_full, all_caps=_is_caps(phrase)),
            )

    for row in _read_tsv("media.tsv"):
        phrase, kind, owner = row[0], row[1], row[2]
        gaz.add(phrase, Entry(None if owner == "-" else owner, kind, phrase, all_caps=_is_caps(phrase)))

    for rule in amb["names"]:
        key = rule["phrases"][0]
        gaz.rules[key] = AmbiguityRule(
            candidates=tuple(rule["candidates"]),
            default=rule.get("default", rule["candidates"][0] if len(rule["candidates"]) == 1 else None),
            drop_if_article_has=frozenset(rule.get("drop_if_article_has", ())),
            keep_if_article_has=frozenset(rule.get("keep_if_article_has", ())),
        )
        for phrase in rule["phrases"]:
            gaz.add(phrase, Entry(None, "name", phrase, ambiguous=key))
    for rule in amb["explicit"]:
        for phrase in rule["phrases"]:
            gaz.add(phrase, Entry(rule["country"], "name", phrase, all_caps=_is_caps(phrase)))

    guard = amb["person_guard"]
    gaz.person_guard = frozenset(p.lower() for p in guard["phrases"])
    gaz.allowed_before = frozenset(guard["allowed_before"])
    gaz.allowed_after = frozenset(guard["allowed_after"])
    gaz.pattern = trie_regex(gaz.surfaces)
    for surface in gaz.surfaces:
        candidates = gaz.entries[normalise(surface)]
        if len(candidates) == 1:
            e = candidates[0]
            if not (e.all_caps or e.needs_full or e.start or e.end):
                gaz.simple[surface] = e
    return gaz
