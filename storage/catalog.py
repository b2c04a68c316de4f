"""Catalog files (`data/*.csv`): parsed and checked line by line before anything is stored.

The official list of 515 categories is not published, so the catalog is data, seeded from CSV and
editable later; a file with one bad line is refused whole, naming the line.
"""

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from domain.normalize import normalize

PROVINCE_COLUMNS = ("code", "name_fa", "name_en")
SECTOR_COLUMNS = ("code", "name_fa", "name_en", "approval_body")
BANK_COLUMNS = ("code", "name_fa", "name_en")
CATEGORY_COLUMNS = ("sector_code", "sector_fa", "sector_en", "category_fa", "category_en", "needs_extra_approval")
MAX_NAME = 120
MAX_LINES = 5_000  # the official list is 515 categories; typed search reads the whole catalog


class CatalogError(ValueError):
    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"line {line}: {problem}")
        self.line = line
        self.problem = problem


@dataclass(frozen=True, slots=True)
class ProvinceSeed:
    code: str
    name_fa: str
    name_en: str


@dataclass(frozen=True, slots=True)
class SectorSeed:
    code: str
    name_fa: str
    name_en: str
    approval_body: str | None


@dataclass(frozen=True, slots=True)
class CategorySeed:
    sector_code: str
    name_fa: str
    name_en: str
    needs_extra_approval: bool


@dataclass(frozen=True, slots=True)
class Bank:
    code: str
    name_fa: str
    name_en: str


@dataclass(frozen=True, slots=True)
class Catalog:
    provinces: tuple[ProvinceSeed, ...]
    sectors: tuple[SectorSeed, ...]
    categories: tuple[CategorySeed, ...]


def _rows(text: str, columns: tuple[str, ...], max_length: int = MAX_NAME) -> list[tuple[int, dict[str, str]]]:
    """The file's rows, each value normalised exactly as /addcategory normalises a typed name (no NUL, no
    bidi overrides, single spaces) and at most `max_length` characters, with its line number; any problem
    names its line."""
    if text.count("\n") > MAX_LINES:
        raise CatalogError(MAX_LINES + 1, f"the file has more than {MAX_LINES} lines")
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    rows = []
    try:
        if tuple(reader.fieldnames or ()) != columns:
            raise CatalogError(1, f"the header must be {','.join(columns)}")
        for row in reader:
            rows.append((reader.line_num, _values(reader.line_num, row, columns, max_length)))
    except csv.Error as error:  # e.g. a field over the csv module's own limit, a NUL inside quotes
        raise CatalogError(reader.line_num + 1, f"unreadable CSV ({error})") from None
    return rows


def _values(line: int, row: dict[str | None, str | list[str] | None], columns: tuple[str, ...],
            max_length: int) -> dict[str, str]:
    if None in row or any(value is None for value in row.values()):
        raise CatalogError(line, f"expected {len(columns)} columns")
    values = {str(key): normalize(str(value)) for key, value in row.items()}
    for key in columns:
        if len(values[key]) > max_length:
            raise CatalogError(line, f"{key} is longer than {max_length} characters")
    return values


def _require(line: int, values: dict[str, str], *keys: str) -> None:
    for key in keys:
        if not values[key]:
            raise CatalogError(line, f"{key} is empty")


def parse_provinces(text: str) -> tuple[ProvinceSeed, ...]:
    seeds = []
    for line, values in _rows(text, PROVINCE_COLUMNS):
        _require(line, values, *PROVINCE_COLUMNS)
        if not re.fullmatch(r"IR-[0-9]{2}", values["code"]):
            raise CatalogError(line, f"province code {values['code']!r} is not like IR-07")
        seeds.append(ProvinceSeed(values["code"], values["name_fa"], values["name_en"]))
    return tuple(seeds)


def parse_sectors(text: str) -> tuple[SectorSeed, ...]:
    seeds = []
    for line, values in _rows(text, SECTOR_COLUMNS):
        _require(line, values, "code", "name_fa", "name_en")
        if not re.fullmatch(r"[a-z][a-z0-9_]{1,31}", values["code"]):
            raise CatalogError(line, f"sector code {values['code']!r} must be lower-case ASCII like handicrafts")
        seeds.append(SectorSeed(values["code"], values["name_fa"], values["name_en"], values["approval_body"] or None))
    return tuple(seeds)


def parse_banks(text: str) -> tuple[Bank, ...]:
    banks = []
    for line, values in _rows(text, BANK_COLUMNS):
        _require(line, values, *BANK_COLUMNS)
        if not re.fullmatch(r"[a-z][a-z0-9_]{1,23}", values["code"]):
            raise CatalogError(line, f"bank code {values['code']!r} must be lower-case ASCII like melli")
        banks.append(Bank(values["code"], values["name_fa"], values["name_en"]))
    if not banks:
        raise CatalogError(1, "no banks listed")
    return tuple(banks)


def parse_categories(text: str) -> tuple[tuple[SectorSeed, ...], tuple[CategorySeed, ...]]:
    """Categories, plus the sectors the file names (a category file may introduce a sector)."""
    sectors: dict[str, SectorSeed] = {}
    categories: list[CategorySeed] = []
    seen: set[tuple[str, str]] = set()
    for line, values in _rows(text, CATEGORY_COLUMNS):
        _require(line, values, "sector_code", "sector_fa", "sector_en", "category_fa", "category_en")
        code = values["sector_code"]
        if not re.fullmatch(r"[a-z][a-z0-9_]{1,31}", code):
            raise CatalogError(line, f"sector code {code!r} must be lower-case ASCII like handicrafts")
        if values["needs_extra_approval"] not in {"0", "1"}:
            raise CatalogError(line, "needs_extra_approval must be 0 or 1")
        key = (code, values["category_fa"])
        if key in seen:
            raise CatalogError(line, f"category {values['category_fa']!r} appears twice in sector {code}")
        seen.add(key)
        sectors.setdefault(code, SectorSeed(code, values["sector_fa"], values["sector_en"], None))
        categories.append(
            CategorySeed(code, values["category_fa"], values["category_en"], values["needs_extra_approval"] == "1")
        )
    return tuple(sectors.values()), tuple(categories)


def read_catalog(folder: Path) -> Catalog:
    """The seed catalog shipped in `data/`: provinces, sectors, categories."""
    provinces = parse_provinces((folder / "provinces.csv").read_text(encoding="utf-8"))
    sectors = list(parse_sectors((folder / "sectors.csv").read_text(encoding="utf-8")))
    named_sectors, categories = parse_categories((folder / "categories.csv").read_text(encoding="utf-8"))
    known = {sector.code for sector in sectors}
    sectors.extend(sector for sector in named_sectors if sector.code not in known)
    return Catalog(provinces, tuple(sectors), categories)
