"""Duplicate detection: exact copies, lightly edited syndicated copies, different stories, expiry, memory bound."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from streams.domain.cleaning import DuplicateIndex

T0 = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)

STORY = (
    "Fisheries ministers from Norland and Estmark reached an agreement on shared cod and herring quotas early on "
    "Wednesday, ending a dispute that had kept part of both fleets in port for three weeks. The deal, struck "
    "after fourteen hours of talks in the border town of Vessby, sets the catch for the coming season about "
    "eight percent below last year's level and creates a joint inspection service for the disputed waters. "
    "Fishing associations on both sides of the border welcomed the end of the stand-off, although several "
    "skippers said the lower quota would force smaller boats to share crews in the spring."
)
# The same story as a syndication partner republishes it: a credit line added and one word changed.
SYNDICATED = "(Coastal Wire) " + STORY.replace("fourteen hours", "fifteen hours")
OTHER = (
    "The central bank of Estmark left its main interest rate unchanged on Thursday, saying inflation had slowed "
    "for a fourth month but remained above its target, and that it would wait for wage data before deciding "
    "whether to cut borrowing costs in the summer. Economists had expected the decision after a run of weak "
    "retail figures and a fall in energy prices over the winter, and several said a cut in June was likely."
)


def test_exact_copy_names_the_original_and_shares_its_fingerprint() -> None:
    index = DuplicateIndex()
    fingerprint, original = index.check("a", STORY, T0)
    assert original is None
    assert len(fingerprint) == 16 and int(fingerprint, 16) >= 0
    copy_fingerprint, copy_of = index.check("b", "  " + STORY.upper() + "\n", T0 + timedelta(hours=1))
    assert copy_of == "a"
    assert copy_fingerprint == fingerprint


def test_lightly_edited_copy_is_a_near_duplicate() -> None:
    index = DuplicateIndex()
    index.check("a", STORY, T0)
    _, original = index.check("b", SYNDICATED, T0 + timedelta(hours=2))
    assert original == "a"


def test_a_different_story_is_not_a_duplicate() -> None:
    index = DuplicateIndex()
    first, _ = index.check("a", STORY, T0)
    second, original = index.check("c", OTHER, T0 + timedelta(minutes=5))
    assert original is None
    assert (int(first, 16) ^ int(second, 16)).bit_count() > 10


def test_redelivery_of_the_same_article_is_not_its_own_duplicate() -> None:
    index = DuplicateIndex()
    index.check("a", STORY, T0)
    assert index.check("a", STORY, T0)[1] is None


def test_copies_outside_the_time_to_live_are_new_originals() -> None:
    index = DuplicateIndex(ttl=timedelta(days=2))
    index.check("a", STORY, T0)
    assert index.check("b", STORY, T0 + timedelta(days=3))[1] is None
    # ...and the later one is now the original that copies refer to.
    assert index.check("c", SYNDICATED, T0 + timedelta(days=3, hours=1))[1] == "b"


def test_memory_is_bounded_by_max_entries() -> None:
    index = DuplicateIndex(max_entries=3)
    for n in range(10):
        index.check(f"story-{n}", f"{OTHER} Item number {n} of the series, {n * 7919} readers.", T0)
    assert len(index) == 3
    # The oldest were forgotten, so an exact copy of the first is no longer recognised.
    assert index.check("late", f"{OTHER} Item number 0 of the series, 0 readers.", T0)[1] is None


def test_short_texts_match_only_exactly() -> None:
    index = DuplicateIndex()
    index.check("a", "Markets closed higher on Friday.", T0)
    assert index.check("b", "Markets closed lower on Friday.", T0)[1] is None
    assert index.check("c", "Markets closed higher on Friday.", T0)[1] == "a"
