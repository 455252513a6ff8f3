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


def test_vowing_to_retaliate_is_verbal_conflict() -> None:
    rel = by_pair("Armenia vowed to retaliate against Azerbaijan.")["ARM-AZE"]
    assert rel.polarity == "conflict" and rel.quad == 3


def test_letting_prisoners_go_free_is_material_cooperation() -> None:
    rel = by_pair("Venezuela let free four Colombian fishermen held in a military prison.")["COL-VEN"]
    assert rel.polarity == "cooperation" and rel.quad == 2


def test_apprehending_a_foreigner_is_material_conflict() -> None:
    rel = by_pair("Border guards of Georgia apprehended two Armenian smugglers.")
    assert rel["ARM-GEO"].polarity == "conflict" and rel["ARM-GEO"].quad == 4


def test_a_firefight_is_material_conflict() -> None:
    rel = by_pair("Indian troops engaged Pakistani soldiers in a firefight near the border.")["IND-PAK"]
    assert rel.polarity == "conflict" and rel.quad == 4


def test_pounding_a_town_is_material_conflict() -> None:
    rel = by_pair("Russian jets pounded Ukrainian positions near the river.")["RUS-UKR"]
    assert rel.polarity == "conflict" and rel.quad == 4


def test_a_report_released_is_not_a_release_and_its_allegation_decides() -> None:
    rel = by_pair("A report released on Monday in Lima alleged that Bolivia had armed smugglers from Peru.")
    assert rel["BOL-PER"].polarity == "conflict" and rel["BOL-PER"].quad == 3


def test_aid_named_as_such_is_material_even_when_support_follows() -> None:
    # "provided" alone is vague; "assistance" names the act, so it outweighs the verbal "support" after it.
    rel = by_pair("Japan provided emergency assistance to Bangladesh to support flood victims.")["BGD-JPN"]
    assert rel.polarity == "cooperation" and rel.quad == 2
