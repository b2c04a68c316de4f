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


@dataclass(frozen=True, slots=True)
class FormButton:
    """A button of the application form: `v1:reg:<action>[:<value>]`.

    Actions: sec/cat/trk/prv/edu (pick a value), cpg/ppg (category/province page), edit (a field from
    the review), back, keep (keep the current answer), ok (confirm), sectors (back to sectors), noop.
    """

    action: str
    value: str = ""

    def pack(self) -> str:
        return _checked(f"v1:reg:{self.action}:{self.value}" if self.value else f"v1:reg:{self.action}")

    @classmethod
    def parse(cls, data: str) -> "FormButton":
        parts = data.split(":", 3)
        return cls(parts[2], parts[3] if len(parts) > 3 else "")

    @staticmethod
    def pattern(*actions: str) -> str:
        return rf"^v1:reg:({'|'.join(actions)})(:[A-Za-z0-9_.\-]{{1,40}})?$"
