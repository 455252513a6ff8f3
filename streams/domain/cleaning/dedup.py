"""Exact and near-duplicate articles in a stream, with bounded memory and a time-to-live in event time.

A fingerprint is a 64-bit SimHash of the text's word 3-shingles: copies of one story with small edits
(a changed headline, a syndication credit, a corrected figure) differ in a few bits, different stories in
about half (32 bits). Two fingerprints within `max_distance` bits are near-duplicates: 6 bits catches a
100-word story with a credit line added and a word changed, while two unrelated texts land that close with
odds of about one in 10^11. Lookup splits the fingerprint
into `max_distance + 1` bands: two fingerprints that close must agree exactly on at least one band, so
only articles sharing a band are compared.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

import numpy as np

_WORD = re.compile(r"\w+")
_BITS = 64
_SHINGLE = 3
# Below this many words SimHash is too coarse to tell a near copy from a different short text.
_MIN_WORDS_FOR_NEAR = 12
# One 8-byte blake2b digest per shingle. The chain of map() calls below runs in C: no Python frame per shingle,
# which was most of the cost when each digest was taken in a generator.
_HASH8 = partial(hashlib.blake2b, digest_size=8)
_DIGEST = hashlib.blake2b.digest


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def simhash(words: list[str]) -> int:
    """Bit i of the fingerprint is set when more than half of the shingles' digests have bit i set, reading each
    8-byte digest as a little-endian integer (bit i is bit i % 8 of byte i // 8)."""
    if not words:
        return 0
    if len(words) >= _SHINGLE:
        shingles: Iterable[str] = map(" ".join, zip(*(words[i:] for i in range(_SHINGLE)), strict=False))
        count = len(words) - _SHINGLE + 1
    else:
        shingles, count = (" ".join(words),), 1
    blob = b"".join(map(_DIGEST, map(_HASH8, map(str.encode, shingles))))
    # one row of 64 bits per shingle, in the fingerprint's bit order; a column's sum is that bit's vote
    bits = np.unpackbits(np.frombuffer(blob, dtype=np.uint8), bitorder="little").reshape(count, _BITS)
    majority = bits.sum(axis=0, dtype=np.int64) * 2 > count
    return int.from_bytes(np.packbits(majority, bitorder="little").tobytes(), "little")


def fingerprint_hex(text: str) -> str:
    return f"{simhash(_words(text)):016x}"


@dataclass
class _Seen:
    article_id: str
    at: datetime
    fingerprint: int
    exact: bytes
    near: bool


class DuplicateIndex:
    """Remembers up to `max_entries` recent originals; an article is a duplicate of one seen within `ttl`
    of it in event time. Duplicates are not stored, so every duplicate names the original."""

    def __init__(
        self,
        *,
        max_entries: int = 100_000,
        ttl: timedelta = timedelta(days=7),
        max_distance: int = 6,
    ) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._max_entries = max_entries
        self._ttl = ttl
        self._max_distance = max_distance
        self._band_count = max_distance + 1
        self._band_width = _BITS // self._band_count
        self._entries: OrderedDict[bytes, _Seen] = OrderedDict()  # by exact key, oldest first
        self._bands: dict[tuple[int, int], set[bytes]] = {}
        self._latest: datetime | None = None

    def __len__(self) -> int:
        return len(self._entries)

    def check(self, article_id: str, text: str, at: datetime) -> tuple[str, str | None]:
        """(fingerprint hex, id of the earlier article this one duplicates or None); remembers originals.

        Seeing the same article id again (a redelivery) is not a duplicate of itself."""
        words = _words(text)
        fingerprint = simhash(words)
        exact = hashlib.blake2b(" ".join(words).encode(), digest_size=16).digest()
        self._expire(at)
        original = self._find(exact, fingerprint, len(words) >= _MIN_WORDS_FOR_NEAR, at)
        if original is not None and original.article_id != article_id:
            self._entries.move_to_end(original.exact)  # a story still being republished stays remembered
            return f"{fingerprint:016x}", original.article_id
        if original is None:
            self._remember(_Seen(article_id, at, fingerprint, exact, len(words) >= _MIN_WORDS_FOR_NEAR))
        return f"{fingerprint:016x}", None

    def _find(self, exact: bytes, fingerprint: int, near: bool, at: datetime) -> _Seen | None:
        seen = self._entries.get(exact)
        if seen is not None and abs(at - seen.at) <= self._ttl:
            return seen
        if not near:
            return None
        best: _Seen | None = None
        for key in self._band_keys(fingerprint):
            for candidate_key in self._bands.get(key, ()):
                candidate = self._entries[candidate_key]
                distance = (candidate.fingerprint ^ fingerprint).bit_count()
                if (
                    distance <= self._max_distance
                    and abs(at - candidate.at) <= self._ttl
                    and (best is None or candidate.at < best.at)
                ):
                    best = candidate
        return best

    def _band_keys(self, fingerprint: int) -> list[tuple[int, int]]:
        mask = (1 << self._band_width) - 1
        return [(band, (fingerprint >> (band * self._band_width)) & mask) for band in range(self._band_count)]

    def _remember(self, seen: _Seen) -> None:
        previous = self._entries.pop(seen.exact, None)
        if previous is not None:
            self._forget_bands(previous)
        self._entries[seen.exact] = seen
        if seen.near:
            for key in self._band_keys(seen.fingerprint):
                self._bands.setdefault(key, set()).add(seen.exact)
        while len(self._entries) > self._max_entries:
            _, oldest = self._entries.popitem(last=False)
            self._forget_bands(oldest)

    def _forget_bands(self, seen: _Seen) -> None:
        if not seen.near:
            return
        for key in self._band_keys(seen.fingerprint):
            members = self._bands.get(key)
            if members is not None:
                members.discard(seen.exact)
                if not members:
                    del self._bands[key]

    def _expire(self, at: datetime) -> None:
        """Drop originals older than the ttl before the latest event time seen. Entries are kept in order of
        last use, which is close to event-time order, so expiry stops at the first entry still alive."""
        if self._latest is None or at > self._latest:
            self._latest = at
        horizon = self._latest - self._ttl
        while self._entries:
            oldest = next(iter(self._entries.values()))
            if oldest.at >= horizon:
                break
            self._entries.popitem(last=False)
            self._forget_bands(oldest)
