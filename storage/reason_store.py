"""Preset refusal reasons: admin-editable data (/reasons), seeded once from data/refusal_reasons.csv."""

import csv
import io
from pathlib import Path

from domain.lifecycle import REFUSALS
from storage.base import StoreBase
from storage.catalog import CatalogError
from storage.records import RefusalReason

REASON_COLUMNS = ("action", "text_fa", "text_en")
MAX_REASON = 120  # a button label


def parse_refusal_reasons(text: str) -> list[tuple[str, str, str]]:
    """(action, text_fa, text_en) rows of the CSV; raises `CatalogError` naming the first bad line."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != REASON_COLUMNS:
        raise CatalogError(1, f"the columns must be {','.join(REASON_COLUMNS)}")
    refusals = {action.value for action in REFUSALS}
    rows = []
    for line, row in enumerate(reader, start=2):
        action, text_fa, text_en = (row[column].strip() for column in REASON_COLUMNS)
        if action not in refusals:
            raise CatalogError(line, f"{action!r} is not a refusal ({', '.join(sorted(refusals))})")
        if not text_fa or not text_en or max(len(text_fa), len(text_en)) > MAX_REASON:
            raise CatalogError(line, f"both texts are needed, at most {MAX_REASON} characters")
        rows.append((action, text_fa, text_en))
    return rows


def read_refusal_reasons(folder: Path) -> list[tuple[str, str, str]]:
    return parse_refusal_reasons((folder / "refusal_reasons.csv").read_text(encoding="utf-8"))


_SELECT = "SELECT id, action, text_fa, text_en FROM refusal_reasons"


class ReasonStore(StoreBase):
    async def seed_refusal_reasons(self, rows: list[tuple[str, str, str]]) -> None:
        """The shipped presets, on first start only: later edits are the admins'."""
        async with self._transaction() as db:
            existing = await db.execute_fetchall("SELECT count(*) AS n FROM refusal_reasons")
            if existing[0]["n"] == 0:
                await db.executemany("INSERT INTO refusal_reasons (action, text_fa, text_en) VALUES (?, ?, ?)", rows)

    async def list_refusal_reasons(self, action: str | None = None) -> list[RefusalReason]:
        """The active presets (of one refusal, or all), in the order they were added."""
        where = " WHERE active = 1" + (" AND action = ?" if action else "")
        rows = await self.db.execute_fetchall(_SELECT + where + " ORDER BY action, id", (action,) if action else ())
        return [RefusalReason(**dict(row)) for row in rows]

    async def get_refusal_reason(self, reason_id: int) -> RefusalReason | None:
        rows = await self.db.execute_fetchall(_SELECT + " WHERE id = ? AND active = 1", (reason_id,))
        return RefusalReason(**dict(rows[0])) if rows else None

    async def add_refusal_reason(self, action: str, text_fa: str, text_en: str, actor_id: int) -> RefusalReason:
        """A new preset (or an old one back), audited."""
        async with self._transaction():
            rows = await self._write_returning(
                "INSERT INTO refusal_reasons (action, text_fa, text_en) VALUES (?, ?, ?)"
                " ON CONFLICT (action, text_fa) DO UPDATE SET text_en = excluded.text_en, active = 1"
                " RETURNING id, action, text_fa, text_en", (action, text_fa, text_en))
            reason = RefusalReason(**dict(rows[0]))
            await self._audit(None, actor_id, "reason_add", detail={"reason": reason.id, "action": action})
        return reason

    async def retire_refusal_reason(self, reason_id: int, actor_id: int) -> bool:
        """Offer the preset no more (reasons already given keep their text); whether there was one, audited."""
        async with self._transaction():
            changed = await self._write("UPDATE refusal_reasons SET active = 0 WHERE id = ? AND active = 1",
                                        (reason_id,))
            if changed:
                await self._audit(None, actor_id, "reason_remove", detail={"reason": reason_id})
        return bool(changed)
