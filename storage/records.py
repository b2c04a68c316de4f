"""Records the store returns: frozen dataclasses, never raw rows."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Province:
    code: str
    name_fa: str
    name_en: str


@dataclass(frozen=True, slots=True)
class Sector:
    id: int
    code: str
    name_fa: str
    name_en: str
    approval_body: str | None
    active: bool


@dataclass(frozen=True, slots=True)
class Category:
    id: int
    sector_id: int
    name_fa: str
    name_en: str
    needs_extra_approval: bool
    approval_body: str | None
    active: bool


@dataclass(frozen=True, slots=True)
class User:
    telegram_id: int
    language: str
    role: str
    province_code: str | None
    active: bool
