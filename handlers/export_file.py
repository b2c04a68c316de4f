"""Writing an export file, XLSX (right-to-left sheet for Persian, Jalali dates, amounts in toman) or CSV, from
rows the store streams a page at a time: openpyxl's write-only workbook keeps no rows in memory, and each page
is written in a worker thread so the bot keeps answering meanwhile."""

import asyncio
import csv
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from persiantools.jdatetime import JalaliDate

from domain.assessment import BANDS
from domain.lifecycle import Stage
from messages import label
from storage.catalog import Bank
from storage.records import ExportRow

PAGE = 2_000  # rows handed to the writer thread at a time
DATE_FIELDS = ("issued_at", "supervised_at", "eligible_at", "rejected_at", "queued_at", "introduced_at",
               "loan_paid_at", "bank_rejected_at", "closed_at")
COLUMNS = ("permit_number", "full_name", "national_id", "mobile", "province", "city", "category", "track", "stage",
           "workers", *DATE_FIELDS, "bank", "loan_toman", "reason", "assessment", "training")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run such a cell as a formula


def headers(lang: str) -> list[str]:
    return [label(lang, f"export.{column}") for column in COLUMNS]


@lru_cache(maxsize=65_536)  # 200,000 rows hold a few thousand distinct hours: each converted once
def _jalali_of_hour(hour: str, tz: ZoneInfo) -> str:
    day = JalaliDate.to_jalali(datetime.fromisoformat(f"{hour}:00:00+00:00").astimezone(tz).date())
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}"


def jalali(stored: str | None, tz: ZoneInfo) -> str | None:
    """A stored UTC time as its Jalali day in `tz`, 1404/05/12."""
    return _jalali_of_hour(stored[:13], tz) if stored else None


def _safe(text: str | None) -> str | None:
    """Typed text kept as typed, but never read as a formula by a spreadsheet."""
    return "'" + text if text and text.startswith(_FORMULA_STARTS) else text


def value_names(lang: str, banks: tuple[Bank, ...]) -> dict[str, str]:
    """Stage, track and bank names by code, rendered once per export (not once per row)."""
    return {**{f"stage.{stage.value}": label(lang, f"stage.{stage.value}") for stage in Stage},
            **{f"track.{track}": label(lang, f"track.{track}") for track in ("independent", "support")},
            **{f"bank.{bank.code}": getattr(bank, f"name_{lang}") for bank in banks},
            **{f"band.{band}": label(lang, f"band.{band}") for band in BANDS},
            **{f"export.{done}": label(lang, f"export.{done}") for done in ("trained", "training_waived")}}


def row_values(row: ExportRow, names: dict[str, str], tz: ZoneInfo) -> list[Any]:
    return [
        row.permit_number, _safe(row.full_name), row.national_id, row.mobile, row.province_fa, _safe(row.city),
        row.category_fa, names[f"track.{row.track}"], names[f"stage.{row.stage}"], row.workers,
        *(jalali(getattr(row, field), tz) for field in DATE_FIELDS),
        names.get(f"bank.{row.bank}", row.bank) if row.bank else None,
        row.loan_amount_rials // 10 if row.loan_amount_rials else None, _safe(row.reason),
        names[f"band.{row.assessment_band}"] if row.assessment_band else None,
        names["export.trained"] if row.trained else names["export.training_waived"] if row.training_waived else None,
    ]


async def write_export(rows: AsyncIterator[ExportRow], path: Path, kind: str, lang: str, banks: tuple[Bank, ...],
                       tz: ZoneInfo) -> int:
    """Write every row to `path` as `kind` (xlsx or csv); returns how many."""
    names = value_names(lang, banks)
    if kind == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as file:  # the BOM: Excel then reads UTF-8
            writer = csv.writer(file)
            writer.writerow(headers(lang))
            return await _pages(rows, lambda page: writer.writerows(row_values(r, names, tz) for r in page))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(label(lang, "export.sheet"))
    sheet.sheet_view.rightToLeft = lang == "fa"
    sheet.append(headers(lang))
    count = await _pages(rows, lambda page: [sheet.append(row_values(r, names, tz)) for r in page])
    await asyncio.to_thread(workbook.save, path)
    return count


async def _pages(rows: AsyncIterator[ExportRow], write: Callable[[list[ExportRow]], object]) -> int:
    count = 0
    page: list[ExportRow] = []
    async for row in rows:
        page.append(row)
        if len(page) >= PAGE:
            await asyncio.to_thread(write, page)
            count += len(page)
            page = []
    if page:
        await asyncio.to_thread(write, page)
        count += len(page)
    return count
