"""Country recognition: names, demonyms, capitals and seats of government, state bodies, leaders at a date.

    def find_countries(text: str, *, at: date | None = None) -> list[Mention]

`match_text` also returns the phrases that shadow a country name (kind "none": "Korean Peninsula") so that
callers can tell them apart; media outlets come back with kind "media" (attribution, never an actor).
"""

from streams.domain.countries.recognize import Mention, find_countries, match_text

__all__ = ["Mention", "find_countries", "match_text"]
