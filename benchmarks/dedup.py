"""SimHash cost per article: the per-shingle, per-bit form it replaced against the vectorised one in
streams/domain/cleaning/dedup.py, on the generated corpus of benchmarks/pipeline.py.

    python -m benchmarks.dedup [--articles N] [--repeat R]      (from the repository's root)

Prints one JSON line: microseconds per article for each (best of R runs, and the range), and whether every
fingerprint agreed. The DuplicateIndex.check figure is the whole duplicate check the clean stage makes.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import orjson

from benchmarks.pipeline import corpus
from streams.domain.cleaning.dedup import DuplicateIndex, _words, simhash

_BIT_TABLES = [bytes((value >> bit) & 1 for value in range(256)) for bit in range(8)]


def before(words: list[str]) -> int:
    """The implementation as it was (commit f17eba9): a blake2b call per shingle in a generator, then a
    translate() + count() per bit."""
    if not words:
        return 0
    shingles = (
        [" ".join(words[i : i + 3]) for i in range(len(words) - 2)] if len(words) >= 3 else [" ".join(words)]
    )
    blob = b"".join(hashlib.blake2b(s.encode(), digest_size=8).digest() for s in shingles)
    half = len(shingles) / 2
    fingerprint = 0
    for byte_index in range(8):
        column = blob[byte_index::8]
        for bit in range(8):
            if column.translate(_BIT_TABLES[bit]).count(1) > half:
                fingerprint |= 1 << (byte_index * 8 + bit)
    return fingerprint


def timed(work: Callable[[], object], count: int, repeat: int) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        began = time.perf_counter()
        work()
        runs.append(1e6 * (time.perf_counter() - began) / count)
    return {"best_us": round(min(runs), 1), "worst_us": round(max(runs), 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    texts = [orjson.loads(value)["body"] for _, value in corpus(args.articles, seed=7)]
    words = [_words(text) for text in texts]
    n = len(texts)
    at = datetime(2025, 1, 1, tzinfo=UTC)

    def check_all() -> None:
        index = DuplicateIndex()
        for k, text in enumerate(texts):
            index.check(str(k), text, at + timedelta(minutes=k))

    result = {
        "articles": n,
        "words_per_article": round(sum(map(len, words)) / n, 1),
        "identical": all(before(w) == simhash(w) for w in words),
        "before": timed(lambda: [before(w) for w in words], n, args.repeat),
        "after": timed(lambda: [simhash(w) for w in words], n, args.repeat),
        "check_after": timed(check_all, n, args.repeat),
    }
    result["speedup"] = round(result["before"]["best_us"] / result["after"]["best_us"], 2)  # type: ignore[index]
    print(orjson.dumps(result).decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
