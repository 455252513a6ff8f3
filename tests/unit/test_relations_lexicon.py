"""Cue lexicon coverage: every inflection of a cue verb is read, and common CAMEO acts have a cue."""

from __future__ import annotations

import pytest

from streams.domain.relations import relate
from streams.domain.relations.lexicon import lexicon
from streams.models import Relation


def by_pair(text: str) -> dict[str, Relation]:
    return {r.pair: r for r in relate(text)}


@pytest.mark.parametrize(
    "form",
    [
        "cooperate",
        "cooperates",
        "investigate",
        "criticise",
        "criticizes",
        "retaliate",
        "violate",
        "violates",
        "congratulate",
        "mediate",
        "extradite",
        "prosecute",
        "apologise",
        "apologized",
        "normalise",
        "intimidation",
        "assassination",
    ],
)
def test_base_and_third_person_forms_of_truncated_stems_are_cues(form: str) -> None:
    # Stems such as "cooperat+" used to yield only -ed/-ing forms, so "agreed to cooperate" read no cue.
    assert form in lexicon().cues


def test_agreeing_to_cooperate_is_cooperation() -> None:
    rel = by_pair("Chile and Argentina will cooperate on fisheries patrols.")["ARG-CHL"]
    assert rel.polarity == "cooperation"


@pytest.mark.parametrize(
    ("sentence", "pair", "polarity", "quad"),
    [
        # vowing to retaliate is verbal conflict
        ("Armenia vowed to retaliate against Azerbaijan.", "ARM-AZE", "conflict", 3),
        # letting prisoners go free is material cooperation
        ("Venezuela let free four Colombian soldiers on Monday.", "COL-VEN", "cooperation", 2),
        # apprehending a foreign soldier is material conflict (a private foreigner is no state: no pair)
        ("Border guards of Georgia apprehended two Armenian soldiers.", "ARM-GEO", "conflict", 4),
        ("Indian troops engaged Pakistani soldiers in a firefight near the border.", "IND-PAK", "conflict", 4),
        ("Russian jets pounded Ukrainian positions near the river.", "RUS-UKR", "conflict", 4),
        # a report released is not a release: its allegation decides
        (
            "A report released on Monday in Lima alleged that Bolivia had spied on Peru.",
            "BOL-PER",
            "conflict",
            3,
        ),
        # "provided" alone is vague; "assistance" names the act, so it outweighs the verbal "support" after it
        ("Japan provided emergency assistance to Bangladesh to support flood victims.", "BGD-JPN", "cooperation", 2),
    ],
)
def test_common_acts_get_their_polarity_and_quad(sentence: str, pair: str, polarity: str, quad: int) -> None:
    rel = by_pair(sentence)[pair]
    assert rel.polarity == polarity and rel.quad == quad
