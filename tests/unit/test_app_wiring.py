"""The Faust wiring, built without a broker."""

from streams.app import create_app
from streams.settings import Settings


def test_a_pair_keys_the_table_as_it_keys_relations_observed() -> None:
    # The HTTP router hashes the table's serialised key to find a pair's owner; relations.observed is partitioned
    # by the raw pair bytes. They must be the same bytes, or /pairs/{pair} asks the wrong worker.
    app = create_app(Settings(app_id="wiring-test"), "127.0.0.1:1")
    table = app.tables["pairs"]
    key, _ = table.changelog_topic.prepare_key("CHN-PRK", None)
    assert key == b"CHN-PRK"


def test_the_app_reads_and_writes_the_topics_the_topology_declares() -> None:
    from streams import topics as registry

    settings = Settings(app_id="wiring-test", topic_prefix="p.")
    app = create_app(settings, "127.0.0.1:1")
    for stage in registry.TOPOLOGY:
        agent = next(a for a in app.agents.values() if a.name == stage.name)
        assert set(agent.channel.topics) == {settings.topic(spec.name) for spec in stage.inputs}
    table = app.tables["pairs"]
    assert table.changelog_topic.get_topic_name() == registry.changelog(settings.app_id, "pairs")
