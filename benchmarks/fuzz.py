"""Fuzz run: hostile events straight onto articles.raw of a running worker (see streams/testing/fuzz.py).

    python benchmarks/fuzz.py [--events N] [--big K] [--seed S]
"""

from streams.testing.fuzz import main

if __name__ == "__main__":
    raise SystemExit(main())
