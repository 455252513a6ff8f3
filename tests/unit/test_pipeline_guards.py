"""Guards of the shared stages that keep one bad event from harming others."""

import base64
from datetime import UTC, datetime, timedelta

import pytest

from streams.models import RawArticle
from streams.pipeline import MAX_DEAD_LETTER_KEY_BYTES, Cleaner, StageError, dead_letter

BODY = "Chile and Peru signed a fisheries agreement on Tuesday, officials in both capitals said."


def test_an_article_dated_in_the_future_is_refused() -> None:
    received = datetime(2025, 5, 1, tzinfo=UTC)
    future = RawArticle(id="f1", body=BODY, published_at=datetime.now(UTC) + timedelta(days=400))
    with pytest.raises(StageError, match="in the future"):
        Cleaner(dedup=None)(future, received_at=received)


def test_an_article_dated_a_few_hours_ahead_is_kept() -> None:
    # Time zones and clocks disagree by hours: that is not an error.
    soon = RawArticle(id="f2", body=BODY, published_at=datetime.now(UTC) + timedelta(hours=5))
    assert Cleaner(dedup=None)(soon).published_at == soon.published_at


def test_a_dead_letter_keeps_a_huge_key_short() -> None:
    letter = dead_letter("clean", "bad", b"{}", key=b"k" * 400_000)
    assert letter.key_b64 is not None
    assert len(base64.b64decode(letter.key_b64)) == MAX_DEAD_LETTER_KEY_BYTES
