"""Provinces, sectors and categories."""

import logging
import sqlite3

from storage.base import StoreBase
from storage.catalog import Catalog
from storage.records import Category, Province, Sector

logger = logging.getLogger(__name__)


class CatalogStore(StoreBase):
    async def load_catalog(self, catalog: Catalog) -> None:
        """Seed provinces, sectors and categories on first start; never overwrites later edits."""
        async with self._transaction() as db:
            await db.executemany(
                "INSERT OR IGNORE INTO provinces (code, name_fa, name_en) VALUES (?, ?, ?)",
                [(p.code, p.name_fa, p.name_en) for p in catalog.provinces],
            )
            rows = await db.execute_fetchall("SELECT count(*) FROM categories")
            if rows[0][0] == 0:
                await db.executemany(
                    "INSERT OR IGNORE INTO sectors (code, name_fa, name_en, approval_body, position)"
                    " VALUES (?, ?, ?, ?, ?)",
                    [(s.code, s.name_fa, s.name_en, s.approval_body, i) for i, s in enumerate(catalog.sectors)],
                )
                await db.executemany(
                    "INSERT INTO categories (sector_id, name_fa, name_en, needs_extra_approval, approval_body)"
                    " SELECT id, ?, ?, ?, CASE WHEN ? THEN coalesce(approval_body, 'other') END"
                    " FROM sectors WHERE code = ?",
                    [
                        (c.name_fa, c.name_en, c.needs_extra_approval, c.needs_extra_approval, c.sector_code)
                        for c in catalog.categories
                    ],
                )
                logger.info("catalog seeded: %d categories", len(catalog.categories))

    async def list_provinces(self) -> list[Province]:
        rows = await self.db.execute_fetchall("SELECT code, name_fa, name_en FROM provinces ORDER BY code")
        return [Province(*row) for row in rows]

    async def list_sectors(self, include_inactive: bool = False) -> list[Sector]:
        """Sectors in display order; by default only those an applicant can pick from."""
        where = "" if include_inactive else (
            "WHERE s.active AND EXISTS (SELECT 1 FROM categories c WHERE c.sector_id = s.id AND c.active)"
        )
        rows = await self.db.execute_fetchall(
            f"SELECT s.id, s.code, s.name_fa, s.name_en, s.approval_body, s.active FROM sectors s {where}"
            " ORDER BY s.position, s.id"
        )
        return [Sector(*row[:5], active=bool(row[5])) for row in rows]

    async def list_categories(self, sector_id: int | None = None, include_inactive: bool = False) -> list[Category]:
        conditions, params = [], []
        if sector_id is not None:
            conditions.append("sector_id = ?")
            params.append(sector_id)
        if not include_inactive:
            conditions.append("active")
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = await self.db.execute_fetchall(
            "SELECT id, sector_id, name_fa, name_en, needs_extra_approval, approval_body, active"
            f" FROM categories {where} ORDER BY id",
            params,
        )
        return [_category(row) for row in rows]
    async def get_category(self, category_id: int) -> Category | None:
        rows = await self.db.execute_fetchall(
            "SELECT id, sector_id, name_fa, name_en, needs_extra_approval, approval_body, active"
            " FROM categories WHERE id = ?",
            (category_id,),
        )
        return _category(rows[0]) if rows else None

    async def get_province(self, code: str) -> Province | None:
        rows = await self.db.execute_fetchall("SELECT code, name_fa, name_en FROM provinces WHERE code = ?", (code,))
        return Province(*rows[0]) if rows else None


def _category(row: sqlite3.Row) -> Category:
    return Category(
        id=row[0],
        sector_id=row[1],
        name_fa=row[2],
        name_en=row[3],
        needs_extra_approval=bool(row[4]),
        approval_body=row[5],
        active=bool(row[6]),
    )


