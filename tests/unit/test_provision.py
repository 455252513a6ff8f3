"""What the worker needs of the cluster's topics, and what it says when they do not fit (no broker here; the
integration tests create and refuse topics on a real one)."""

from __future__ import annotations

from streams import topics as registry
from streams.provision import _miscounted, needed
from streams.settings import Settings


def test_every_topic_of_the_topology_and_the_changelog_is_needed() -> None:
    settings = Settings(app_id="app", topic_prefix="x.", topic_partitions=6)
    by_name = {n.name: n for n in needed(settings)}
    assert set(by_name) == {f"x.{t.name}" for t in registry.ALL} | {"app-pairs-changelog"}
    assert all(n.partitions == 6 for n in by_name.values())
    # Only what is keyed like the detect table must match; articles.raw may be anyone's.
    assert {n for n, t in by_name.items() if t.exact} == {"x.relations.observed", "x.relations.watermarks",
                                                          "app-pairs-changelog"}
    assert by_name["app-pairs-changelog"].configs["cleanup.policy"] == "compact"
    assert by_name["x.articles.raw"].configs["cleanup.policy"] == "delete"


def test_a_keyed_topic_with_data_is_never_given_more_partitions() -> None:
    settings = Settings(app_id="app", topic_partitions=4)
    observed = next(n for n in needed(settings) if n.name == "relations.observed")
    with_data = _miscounted(observed, 1, 120, settings)
    assert "relations.observed" in with_data and "has 1 partition; 4 needed" in with_data
    assert "do not add partitions" in with_data and "holds 120 records" in with_data
    empty = _miscounted(observed, 1, 0, settings)
    assert "It is empty: delete it" in empty
