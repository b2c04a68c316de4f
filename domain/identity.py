"""Who someone is inside the store: one integer (the "person id") for a chat on either messenger.

Telegram's ids (people positive, groups and channels negative) have at most 52 significant bits and are
kept as they are, so every existing database is already all Telegram. Bale's ids are moved beyond them by
2**60, keeping their sign: the two spaces never meet, both fit SQLite's and PostgreSQL's 64-bit integers,
and a positive id still means a person's private chat. Only the Bot API edge (bot/platform_bot.py) and what
people type or read (an id for /addofficer, ADMIN_IDS, /myid) convert; everything else compares integers.
"""

import re
from enum import StrEnum
from typing import NamedTuple

BALE_OFFSET = 2**60  # beyond every Telegram id, within a signed 64-bit integer


class Platform(StrEnum):
    TELEGRAM = "telegram"
    BALE = "bale"


class Native(NamedTuple):
    """An id as one messenger knows it."""

    platform: Platform
    id: int


def person_id(platform: Platform, native_id: int) -> int:
    """The store's id of a user or chat that `platform` calls `native_id`."""
    if not 0 < abs(native_id) < BALE_OFFSET:
        raise ValueError(f"{platform} id out of range: {native_id}")
    if platform is Platform.TELEGRAM:
        return native_id
    return native_id + BALE_OFFSET if native_id > 0 else native_id - BALE_OFFSET


def platform_of(person: int) -> Native:
    """Which messenger a store id belongs to, and the id that messenger uses."""
    if abs(person) < BALE_OFFSET:
        return Native(Platform.TELEGRAM, person)
    return Native(Platform.BALE, person - BALE_OFFSET if person > 0 else person + BALE_OFFSET)


_TYPED = re.compile(r"(?:(telegram|bale|تلگرام|بله)\s*[:：]\s*)?([0-9]{1,18})", re.IGNORECASE)
_PLATFORM_WORDS = {"telegram": Platform.TELEGRAM, "تلگرام": Platform.TELEGRAM, "bale": Platform.BALE,
                   "بله": Platform.BALE}


def parse_person(text: str, home: Platform) -> int | None:
    """A typed id, already in ASCII digits: `123` on the typist's own messenger, or `bale:123` / `telegram:123`
    (also «بله:123», «تلگرام:123») for someone on the other one; None when it is no id."""
    match = _TYPED.fullmatch(text.strip())
    if match is None or int(match.group(2)) == 0:
        return None
    platform = _PLATFORM_WORDS[match.group(1).lower()] if match.group(1) else home
    return person_id(platform, int(match.group(2)))


def person_label(person: int, viewer: Platform) -> str:
    """How an id is shown to someone on `viewer`, so that they can type it back: the bare number for a person
    on their own messenger, `bale:123` or `telegram:123` for one on the other (`parse_person` reads both)."""
    platform, native = platform_of(person)
    return str(native) if platform is viewer else f"{platform}:{native}"
