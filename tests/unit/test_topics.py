import orjson
import pytest

from streams.topics import ALERTS, RAW, BadEvent, encode


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, "empty event"),
        (b"\xff\xfe not utf-8", "not valid JSON"),
        (b'{"id": "a", "body": "x"', "not valid JSON"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"body": "text"}', "id: Field required"),
        (b'{"id": "a"}', "neither a non-empty 'body' nor 'html'"),
        (b'{"id": "a", "body": 42}', "body: Input should be a valid string"),
        (b'{"id": "a", "body": "x", "published_at": "2024-10-08T09:00:00"}', "published_at"),
        (b"[" * 5000 + b"]" * 5000, "not valid JSON"),
    ],
)
def test_bad_raw_events_are_refused_with_a_reason(value: bytes | None, reason: str) -> None:
    with pytest.raises(BadEvent, match=reason):
        RAW.decode(value)


def test_good_raw_event_round_trips() -> None:
    raw = RAW.decode(b'{"id": "a1", "body": "Text.", "published_at": "2024-10-08T09:00:00+09:00", "extra": 1}')
    assert raw.id == "a1"
    assert raw.published_at is not None and raw.published_at.utcoffset() is not None
    assert RAW.decode(encode(raw)) == raw


def test_alert_decoder_refuses_an_observation() -> None:
    with pytest.raises(BadEvent, match="invalid RelationshipAlert"):
        ALERTS.decode(orjson.dumps({"pair": "CHN-PRK"}))
