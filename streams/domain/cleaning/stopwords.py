"""Stop words by language, and a cheap guess of a page's language from them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from importlib import resources

import justext


@cache
def _languages() -> list[str]:
    config = json.loads(resources.files(__package__).joinpath("data/languages.json").read_text("utf-8"))
    return list(config["languages"])


@cache
def _table() -> tuple[dict[str, tuple[int, ...]], list[frozenset[str]], float]:
    config = json.loads(resources.files(__package__).joinpath("data/languages.json").read_text("utf-8"))
    lists = [frozenset(word.lower() for word in justext.get_stoplist(name)) for name in _languages()]
    languages_of: dict[str, list[int]] = {}
    for index, words in enumerate(lists):
        for word in words:
            languages_of.setdefault(word, []).append(index)
    return {word: tuple(found) for word, found in languages_of.items()}, lists, float(config["min_coverage"])


def stop_word_counts(words: Iterable[str]) -> dict[str, int]:
    """How many of `words` (lower-cased, repeats counted) are stop words of each language considered."""
    languages_of, lists, _min_coverage = _table()
    votes = [0] * len(lists)
    for word in words:
        for language in languages_of.get(word, ()):
            votes[language] += 1
    return dict(zip(_languages(), votes, strict=True))


def stop_words_for(words: Iterable[str]) -> frozenset[str]:
    """The stop-word list that covers most distinct words of `words` (lower-cased), or an empty set when
    none covers enough of them to be the page's language."""
    languages_of, lists, min_coverage = _table()
    distinct = set(words)
    votes = [0] * len(lists)
    for word in distinct:
        for language in languages_of.get(word, ()):
            votes[language] += 1
    best = max(range(len(lists)), key=votes.__getitem__)
    # Distinct words understate coverage (stop words repeat, content words less so): hence a low bar.
    return lists[best] if distinct and votes[best] >= min_coverage * len(distinct) else frozenset()
