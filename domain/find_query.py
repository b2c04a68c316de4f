"""What an officer typed after /find: a national ID, a mobile (any written form), a permit number (Persian or
Latin digits), or part of a name. Digits in dashes may be a permit number or a mobile: both are looked up."""

import re
from dataclasses import dataclass

from domain import validators
from domain.name_index import name_words
from domain.normalize import compact, normalize

_PERMIT = re.compile(r"[0-9A-Za-z]+(-[0-9A-Za-z]+)+")  # «15-1405-00001-3» (PERMIT_NUMBER_FORMAT has dashes)


@dataclass(frozen=True, slots=True)
class FindQuery:
    permit: str | None = None
    national_id: str | None = None
    mobile: str | None = None  # a mobile without its 0 can also pass the national ID check: both are tried
    name: str | None = None  # normalised, as typed


def parse_find_query(raw: str) -> FindQuery | None:
    """The query, or None when it cannot be searched (empty, digits that are no ID or mobile, no name words)."""
    text = normalize(raw)
    permit = text.replace(" ", "").upper()
    digits = compact(text).removeprefix("+").replace("(", "").replace(")", "")
    if digits.isascii() and digits.isdigit():
        national_id = validators.national_id(digits)
        mobile = validators.mobile(digits)
        found = FindQuery(permit if _PERMIT.fullmatch(permit) else None,
                          None if isinstance(national_id, validators.Invalid) else national_id,
                          None if isinstance(mobile, validators.Invalid) else mobile)
        return found if found.permit or found.national_id or found.mobile else None
    if _PERMIT.fullmatch(permit) and any(char.isdigit() for char in permit):
        return FindQuery(permit=permit)
    return FindQuery(name=text) if name_words(text) else None
