"""Unicode repair and normalisation: mojibake, quotes, whitespace, invisible characters.

Text of any script passes through intact: only NFC composition (never NFKC, which would fold full-width
CJK punctuation and compatibility characters), quote marks and spacing are changed.
"""

from __future__ import annotations

import re
import unicodedata

import ftfy

# UTF-8 read as Latin-1/Windows-1252 turns every non-ASCII character into a lead byte shown as one of
# U+00C2..U+00F4 followed by continuation bytes shown as U+0080..U+00BF or their cp1252 stand-ins. A lead
# character followed by a continuation character is rare in real text of any language, so ftfy (thorough but
# ~1 ms per kilobyte) runs only when this cheap scan finds one.
_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039"
    "\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178]"
)
_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,  # the HTML path unescapes entities itself; a flattened body's "&amp;" is rare text
    uncurl_quotes=False,  # done below for all text, not only text ftfy touched
    fix_latin_ligatures=False,
    fix_character_width=False,  # keep full-width CJK forms
    normalization="NFC",
)

# Typographic quotes and primes fold to ASCII so that downstream cue matching needs one spelling; guillemets
# and CJK corner brackets are left alone because they are the normal quotes of their languages.
_QUOTES = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u00b4": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
}
# Spaces of every width become one ASCII space; zero-width characters and soft hyphens vanish (they split
# words invisibly); other C0/C1 controls except tab and newline are dropped.
_ODD_SPACE = "\u1680\u2000-\u200a\u202f\u205f\u3000"
_INVISIBLE = "\u00ad\u200b-\u200d\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_ODD_BREAK = "\u2028\u2029\u0085"
_ANY_ODD = re.compile(f"[{_ODD_SPACE}{_INVISIBLE}{_ODD_BREAK}]")
_ODD_SPACES = re.compile(f"[{_ODD_SPACE}]")
_INVISIBLES = re.compile(f"[{_INVISIBLE}]+")
_ODD_BREAKS = re.compile(f"[{_ODD_BREAK}]")
# Starts with a literal, so the regular-expression engine can skip ahead to candidates quickly.
_SPACE_RUN = re.compile("  +")
_ASCII_CONTROLS = bytes([*range(0, 9), 11, 12, *range(14, 32), 127])


def looks_like_mojibake(text: str) -> bool:
    return _MOJIBAKE_HINT.search(text) is not None


def normalise_text(text: str) -> str:
    """Repair mojibake, fold quotes, normalise spacing; line breaks are kept (as "\\n").

    Most pages are ASCII once quotes and no-break spaces are folded, and ASCII needs none of the scans for
    odd characters; those scans run over the rest only."""
    if not text.isascii():
        if looks_like_mojibake(text):
            text = ftfy.fix_text(text, _FTFY_CONFIG)
        for curly, straight in _QUOTES.items():
            if curly in text:
                text = text.replace(curly, straight)
        text = text.replace("\u00a0", " ")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.isascii():
        encoded = text.encode("ascii")
        without_controls = encoded.translate(None, _ASCII_CONTROLS)
        if len(without_controls) != len(encoded):
            text = without_controls.decode("ascii")
    elif _ANY_ODD.search(text) is not None:
        text = _INVISIBLES.sub("", _ODD_BREAKS.sub("\n", _ODD_SPACES.sub(" ", text)))
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if "\t" in text:
        text = text.replace("\t", " ")
    return _SPACE_RUN.sub(" ", text) if "  " in text else text


def normalise_line(line: str) -> str:
    return " ".join(normalise_text(line).split())
