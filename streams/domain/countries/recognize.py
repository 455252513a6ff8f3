"""Find the countries a text refers to: one regex pass over the text (the gazetteer trie), case and date rules
per match, then article-level resolution of the names that depend on the rest of the article (Korea, Congo,
Georgia, surnames)."""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from streams.domain.countries.gazetteer import NON_ACTOR_KINDS, AmbiguityRule, Entry, Gazetteer, gazetteer
from streams.domain.countries.trie import normalise


class Mention(NamedTuple):
    country: str | None  # ISO alpha-3 (or the owner of a media outlet); None for shadowing phrases
    kind: str  # name, demonym, body, military, group, leader, media, none
    text: str
    canonical: str
    start: int  # character offsets in the text
    end: int

    @property
    def is_actor(self) -> bool:
        return self.country is not None and self.kind not in NON_ACTOR_KINDS


_WORD_BEFORE = re.compile(r"([A-Za-z][\w'’.-]*)([ \t]+)$")
_WORD_AFTER = re.compile(r"^[ \t]+([A-Za-z][\w'’-]*)")


def find_countries(text: str, *, at: date | None = None) -> list[Mention]:
    """Every country reference in `text`, in order (media outlets included with kind "media")."""
    return [m for m in match_text(text, at=at) if m.country is not None and m.kind != "none"]


def match_text(text: str, *, at: date | None = None) -> list[Mention]:
    """All gazetteer matches, including shadowing ("none") and media ones."""
    gaz = gazetteer()
    found: list[tuple[int, int, Entry]] = []
    seen_people: set[str] = set()
    entries, simple, guarded = gaz.entries, gaz.simple, gaz.person_guard
    for m in gaz.pattern.finditer(text):
        start = m.start()
        if start and (text[start - 1].isalnum() or text[start - 1] == "_"):
            continue
        surface = m.group()
        # Most names have one entry with no date, case or context condition: no need to weigh them.
        entry = simple.get(surface) or _pick(entries[normalise(surface)], surface, at, seen_people)
        if entry is None:
            continue
        end = m.end()
        if surface.lower() in guarded and _looks_like_person(gaz, text, start, end):
            continue
        if entry.person is not None:
            seen_people.add(entry.person)
        found.append((start, end, entry))
    return _resolve(gaz, text, found)


def _pick(entries: list[Entry], surface: str, at: date | None, seen_people: set[str]) -> Entry | None:
    best: Entry | None = None
    for entry in entries:
        if entry.all_caps and not surface.isupper():
            continue
        if not entry.valid_at(at):
            continue
        if entry.needs_full and entry.person not in seen_people:
            continue
        # A full name beats a short one; among short ones the person named in full wins.
        if best is None or (best.needs_full and not entry.needs_full):
            best = entry
    return best


def _looks_like_person(gaz: Gazetteer, text: str, start: int, end: int) -> bool:
    """A given name glued to another capitalised name: "Michael Jordan", "Chad Smith"."""
    before = _WORD_BEFORE.search(text, max(0, start - 40), start)
    if before and before.group(1)[0].isupper() and before.group(1) not in gaz.allowed_before:
        return True
    after = _WORD_AFTER.match(text[end : end + 40])
    if after:
        word = after.group(1)
        if word[0].isupper() and not word.isupper() and word not in gaz.allowed_after:
            return normalise(word) not in gaz.entries
    return False


def _resolve(gaz: Gazetteer, text: str, found: list[tuple[int, int, Entry]]) -> list[Mention]:
    explicit: dict[str, list[int]] = {}
    for start, _end, entry in found:
        if entry.country is not None and entry.kind not in NON_ACTOR_KINDS and entry.ambiguous is None:
            explicit.setdefault(entry.country, []).append(start)
    out: list[Mention] = []
    for start, end, entry in found:
        country = entry.country
        if entry.ambiguous is not None:
            country = _resolve_ambiguous(gaz.rules[entry.ambiguous], start, explicit, text)
            if country is None:
                continue
        out.append(Mention(country, entry.kind, text[start:end], entry.canonical, start, end))
    return out


def _resolve_ambiguous(rule: AmbiguityRule, at: int, explicit: dict[str, list[int]], text: str) -> str | None:
    us_state_news = rule.drop_if_article_has and any(w in text for w in rule.drop_if_article_has)
    if us_state_news and not any(w in text for w in rule.keep_if_article_has):
        return None
    if len(rule.candidates) == 1:
        return rule.candidates[0]
    named = [c for c in rule.candidates if c in explicit]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        # Both named: the one named close by (same passage) decides, if it is clearly the closer.
        distance = {c: min(abs(p - at) for p in explicit[c]) for c in named}
        ranked = sorted(named, key=lambda c: distance[c])
        if distance[ranked[0]] <= 200 and distance[ranked[1]] > 2 * distance[ranked[0]]:
            return ranked[0]
    return rule.default
