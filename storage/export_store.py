"""Exports: the province's applications a page at a time (never all rows in memory), each export audited,
and the admins' switch that lets officers export or not (settings table)."""

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from domain.lifecycle import Stage
from storage.application_store import TRAINED
from storage.base import StoreBase, stored_time
from storage.records import ExportRow

EXPORT_PAGE = 2_000  # rows read at a time
_SETTING = "exports_for_officers"

_SELECT = f"""
SELECT a.id, a.permit_number, a.full_name, a.national_id, a.mobile, a.province_code, p.name_fa AS province_fa,
       a.city, c.name_fa AS category_fa, a.track, a.stage, a.workers, a.issued_at, a.supervised_at, a.eligible_at,
       a.rejected_at, a.queued_at, a.introduced_at, a.loan_paid_at, a.bank_rejected_at, a.closed_at, a.bank,
       a.loan_amount_rials, a.reason, x.band AS assessment_band, {TRAINED} AS trained,
       a.training_waived_at IS NOT NULL AS training_waived
FROM applications a
JOIN provinces p ON p.code = a.province_code
JOIN categories c ON c.id = a.category_id
LEFT JOIN assessments x ON x.application_id = a.id AND x.latest = 1
"""


class ExportStore(StoreBase):
    async def export_rows(self, province_code: str | None, stages: tuple[Stage, ...] | None,
                          issued_from: datetime | None, issued_before: datetime | None) -> AsyncIterator[ExportRow]:
        """Every application matching the filter, in id order, read EXPORT_PAGE rows at a time (keyset paging:
        each page starts where the last ended, so the cost of a page never grows)."""
        conditions, parameters = ["a.id > ?"], []
        if province_code is not None:
            conditions.append("a.province_code = ?")
            parameters.append(province_code)
        if stages:
            conditions.append(f"a.stage IN ({', '.join('?' for _ in stages)})")
            parameters.extend(stage.value for stage in stages)
        if issued_from is not None:
            conditions.append("a.issued_at >= ?")
            parameters.append(stored_time(issued_from))
        if issued_before is not None:
            conditions.append("a.issued_at < ?")
            parameters.append(stored_time(issued_before))
        sql = _SELECT + " WHERE " + " AND ".join(conditions) + " ORDER BY a.id LIMIT ?"
        last_id = 0
        while True:
            rows = await self.db.execute_fetchall(sql, (last_id, *parameters, EXPORT_PAGE))
            for row in rows:
                yield ExportRow(**dict(row) | {"trained": bool(row["trained"]),  # 0/1 on SQLite
                                               "training_waived": bool(row["training_waived"])})
            if len(rows) < EXPORT_PAGE:
                return
            last_id = int(rows[-1]["id"])

    async def record_export(self, actor_id: int, what: dict[str, Any], rows: int) -> None:
        """Audit an export: who, with what filter, how many rows (it holds personal data)."""
        async with self._transaction():
            await self._audit(None, actor_id, "export", detail=what | {"rows": rows})

    async def officers_may_export(self) -> bool:
        rows = await self.db.execute_fetchall("SELECT value FROM settings WHERE key = ?", (_SETTING,))
        return not rows or rows[0]["value"] == "1"

    async def let_officers_export(self, allowed: bool, actor_id: int) -> None:
        async with self._transaction():
            await self._write("INSERT INTO settings (key, value) VALUES (?, ?)"
                              " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                              (_SETTING, "1" if allowed else "0"))
            await self._audit(None, actor_id, "exports_for_officers", detail={"allowed": allowed})
