"""Callback data: `v1:<area>:<value>…`, ASCII, at most 64 bytes, one dataclass per kind.

Bump the version when a meaning changes: old buttons then fall through to the catch-all in
`common`, which says the menu has expired instead of doing something unintended.
"""

from dataclasses import dataclass

MAX_CALLBACK_BYTES = 64  # Telegram's limit; Bale follows it


def _checked(data: str) -> str:
    assert data.isascii() and len(data.encode()) <= MAX_CALLBACK_BYTES, data
    return data


@dataclass(frozen=True, slots=True)
class SetLanguage:
    PATTERN = r"^v1:lang:(fa|en)$"
    language: str

    def pack(self) -> str:
        return _checked(f"v1:lang:{self.language}")

    @classmethod
    def parse(cls, data: str) -> "SetLanguage":
        return cls(data.rsplit(":", 1)[1])
