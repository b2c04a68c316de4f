"""Normalise what people type before anything is validated or matched.

Phones in Iran send Persian (U+06F0..) or Arabic-Indic (U+0660..) digits, Arabic ي/ك instead of
Persian ی/ک, and invisible bidi or zero-width marks. Everything is normalised first, then validated
on ASCII (see DOMAIN.md §2).
"""

import re
import unicodedata
from functools import lru_cache

ZWNJ = "\u200c"  # نیم‌فاصله: part of correct Persian spelling, kept in display text

_TRANSLATION = str.maketrans(
    {
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian digits
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
        "\u064a": "\u06cc",  # ARABIC YEH -> FARSI YEH
        "\u0649": "\u06cc",  # ALEF MAKSURA -> FARSI YEH
        "\u0643": "\u06a9",  # ARABIC KAF -> KEHEH
    }
)
_WHITESPACE = re.compile(r"\s+")


def _is_invisible(char: str) -> bool:
    """Format and control characters (LRM, RLM, ALM, ZWJ, BOM, bidi embeddings…), except ZWNJ."""
    return char != ZWNJ and unicodedata.category(char) in {"Cf", "Cc"} and not char.isspace()


def normalize(text: str) -> str:
    """ASCII digits, Persian letters, no invisible marks, single spaces, trimmed. ZWNJ stays."""
    translated = text.translate(_TRANSLATION)
    visible = "".join(char for char in translated if not _is_invisible(char))
    return _WHITESPACE.sub(" ", visible).strip()


def tidy(text: str) -> str:
    """Free text kept as typed (its digits and letters too), without invisible marks, in single spaces."""
    visible = "".join(char for char in text if not _is_invisible(char))
    return _WHITESPACE.sub(" ", visible).strip()


def compact(text: str) -> str:
    """`normalize`, then drop the spaces, dashes and ZWNJ people put inside numbers."""
    return re.sub(r"[\s\-_\u200c]", "", normalize(text))


CACHED_KEY_LENGTH = 120  # catalog names are at most this long; what people type may be 4,096 characters


def search_key(text: str) -> str:
    """Key for matching names: normalised, case-folded, ZWNJ and spacing differences ignored."""
    # Catalog names are matched on every search, so each is normalised once; a long query is not kept,
    # which bounds the cache at 8,192 short entries (a few MB) instead of 16 KB per distinct long query.
    return _cached_search_key(text) if len(text) <= CACHED_KEY_LENGTH else _search_key(text)


def _search_key(text: str) -> str:
    return normalize(text).replace(ZWNJ, " ").casefold().replace(" ", "")


_cached_search_key = lru_cache(maxsize=8192)(_search_key)
