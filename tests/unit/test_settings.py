import orjson
from click.testing import CliRunner

from streams.cli import main
from streams.settings import Settings


def test_plain_kafka_bootstrap_is_honoured(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("DYADWATCH_KAFKA_BOOTSTRAP", raising=False)
    monkeypatch.setenv("KAFKA_BOOTSTRAP", "broker-a:9092,broker-b:9092")
    assert Settings(_env_file=None).kafka_bootstrap == "broker-a:9092,broker-b:9092"


def test_prefixed_topic_names() -> None:
    assert Settings(topic_prefix="run7.").topic("articles.raw") == "run7.articles.raw"


def test_printed_configuration_masks_the_password(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DYADWATCH_SASL_PASSWORD", "hunter2-very-secret")
    monkeypatch.setenv("DYADWATCH_SECURITY_PROTOCOL", "SASL_SSL")
    result = CliRunner().invoke(main, ["config"])
    assert result.exit_code == 0, result.output
    assert "hunter2-very-secret" not in result.output
    assert orjson.loads(result.output)["sasl_password"] == "**********"
    assert "hunter2-very-secret" not in repr(Settings())
