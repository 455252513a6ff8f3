"""Country recognition: names, demonyms, capitals and seats of government, state bodies, leaders at a date.

    def find_countries(text: str, *, at: date | None = None) -> list[Mention]
"""
