"""Provinces, sectors and categories."""

import logging
import sqlite3

from storage.base import Row, StoreBase
from storage.catalog import Catalog, CategorySeed, SectorSeed
from storage.errors import Duplicate, NotFound
from storage.records import CatalogChange, Category, Province, Sector

logger = logging.getLogger(__name__)


class CatalogStore(StoreBase):
    async def load_catalog(self, catalog: Catalog) -> None:
        """Seed provinces, sectors and categories on first start; never overwrites later edits."""
        async with self._transaction() as db:
            await db.executemany(
                "INSERT INTO provinces (code, name_fa, name_en) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                [(p.code, p.name_fa, p.name_en) for p in catalog.provinces],
            )
            rows = await db.execute_fetchall("SELECT count(*) AS n FROM categories")
            if rows[0]["n"] == 0:
                await db.executemany(
                    "INSERT INTO sectors (code, name_fa, name_en, approval_body, position)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    [(s.code, s.name_fa, s.name_en, s.approval_body, i) for i, s in enumerate(catalog.sectors)],
                )
                await db.executemany(
                    "INSERT INTO categories (sector_id, name_fa, name_en, needs_extra_approval, approval_body)"
                    " SELECT id, ?, ?, ?, CASE WHEN ? = 1 THEN coalesce(approval_body, 'other') END"
                    " FROM sectors WHERE code = ?",
                    [
                        (c.name_fa, c.name_en, c.needs_extra_approval, c.needs_extra_approval, c.sector_code)
                        for c in catalog.categories
                    ],
                )
                logger.info("catalog seeded: %d categories", len(catalog.categories))

    async def list_provinces(self) -> list[Province]:
        rows = await self.db.execute_fetchall("SELECT code, name_fa, name_en FROM provinces ORDER BY code")
        return [Province(**dict(row)) for row in rows]

    async def list_sectors(self, include_inactive: bool = False) -> list[Sector]:
        """Sectors in display order; by default only those an applicant can pick from."""
        where = "" if include_inactive else (
            "WHERE s.active = 1 AND EXISTS (SELECT 1 FROM categories c WHERE c.sector_id = s.id AND c.active = 1)"
        )
        rows = await self.db.execute_fetchall(
            f"SELECT s.id, s.code, s.name_fa, s.name_en, s.approval_body, s.active FROM sectors s {where}"
            " ORDER BY s.position, s.id"
        )
        return [_sector(row) for row in rows]

    async def list_categories(self, sector_id: int | None = None, include_inactive: bool = False) -> list[Category]:
        conditions, params = [], []
        if sector_id is not None:
            conditions.append("sector_id = ?")
            params.append(sector_id)
        if not include_inactive:  # what applicants are offered: a hidden sector hides its categories too
            conditions.append("active = 1 AND sector_id IN (SELECT id FROM sectors WHERE active = 1)")
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

    async def get_offered_category(self, category_id: int) -> Category | None:
        """The category if applicants may pick it now: it and its sector are shown (not hidden)."""
        rows = await self.db.execute_fetchall(
            "SELECT c.id, c.sector_id, c.name_fa, c.name_en, c.needs_extra_approval, c.approval_body, c.active"
            " FROM categories c JOIN sectors s ON s.id = c.sector_id WHERE c.id = ? AND c.active = 1 AND s.active = 1",
            (category_id,),
        )
        return _category(rows[0]) if rows else None

    async def get_province(self, code: str) -> Province | None:
        rows = await self.db.execute_fetchall("SELECT code, name_fa, name_en FROM provinces WHERE code = ?", (code,))
        return Province(**dict(rows[0])) if rows else None


    # -- editing (admins) ------------------------------------------------------------------

    async def get_sector(self, code: str) -> Sector | None:
        rows = await self.db.execute_fetchall(
            "SELECT id, code, name_fa, name_en, approval_body, active FROM sectors WHERE code = ?", (code,)
        )
        return _sector(rows[0]) if rows else None

    async def add_category(self, sector_code: str, name_fa: str, name_en: str, starred: bool,
                           actor_id: int) -> Category:
        """A new active category; raises `NotFound` for an unknown sector, `Duplicate` for a taken name."""
        async with self._transaction() as db:
            sector = await self.get_sector(sector_code)
            if sector is None:
                raise NotFound(f"sector {sector_code}")
            try:
                rows = await db.execute_fetchall(
                    "INSERT INTO categories (sector_id, name_fa, name_en, needs_extra_approval, approval_body)"
                    " VALUES (?, ?, ?, ?, ?) RETURNING id",
                    (sector.id, name_fa, name_en, starred, (sector.approval_body or "other") if starred else None),
                )
            except sqlite3.IntegrityError:
                raise Duplicate(name_fa) from None
            await self._audit(None, actor_id, "add_category", detail={"category_id": rows[0]["id"]})
        category = await self.get_category(int(rows[0]["id"]))
        assert category is not None
        return category

    async def rename_category(self, category_id: int, name_fa: str, name_en: str, actor_id: int) -> Category:
        async with self._transaction() as db:
            try:
                cursor = await db.execute(
                    "UPDATE categories SET name_fa = ?, name_en = ? WHERE id = ?", (name_fa, name_en, category_id)
                )
            except sqlite3.IntegrityError:
                raise Duplicate(name_fa) from None
            if cursor.rowcount == 0:
                raise NotFound(f"category {category_id}")
            await self._audit(None, actor_id, "rename_category", detail={"category_id": category_id})
        category = await self.get_category(category_id)
        assert category is not None
        return category

    async def set_category_active(self, category_id: int, active: bool, actor_id: int) -> Category:
        """Hide or show a category; its existing applications are untouched."""
        async with self._transaction() as db:
            cursor = await db.execute("UPDATE categories SET active = ? WHERE id = ?", (active, category_id))
            if cursor.rowcount == 0:
                raise NotFound(f"category {category_id}")
            await self._audit(None, actor_id, "show_category" if active else "hide_category",
                              detail={"category_id": category_id})
        category = await self.get_category(category_id)
        assert category is not None
        return category

    async def set_category_star(self, category_id: int, approval_body: str | None, actor_id: int) -> Category:
        """Star a category with the body that must approve it, or unstar it (None)."""
        async with self._transaction() as db:
            cursor = await db.execute(
                "UPDATE categories SET needs_extra_approval = ?, approval_body = ? WHERE id = ?",
                (approval_body is not None, approval_body, category_id),
            )
            if cursor.rowcount == 0:
                raise NotFound(f"category {category_id}")
            await self._audit(None, actor_id, "star_category", detail={"category_id": category_id,
                                                                        "approval_body": approval_body})
        category = await self.get_category(category_id)
        assert category is not None
        return category

    async def add_sector(self, code: str, name_fa: str, name_en: str, actor_id: int) -> Sector:
        async with self._transaction() as db:
            try:
                await db.execute(
                    "INSERT INTO sectors (code, name_fa, name_en, position)"
                    " VALUES (?, ?, ?, (SELECT coalesce(max(position), 0) + 1 FROM sectors))",
                    (code, name_fa, name_en),
                )
            except sqlite3.IntegrityError:
                raise Duplicate(code) from None
            await self._audit(None, actor_id, "add_sector", detail={"sector": code})
        sector = await self.get_sector(code)
        assert sector is not None
        return sector

    async def set_sector_active(self, code: str, active: bool, actor_id: int) -> Sector:
        async with self._transaction() as db:
            cursor = await db.execute("UPDATE sectors SET active = ? WHERE code = ?", (active, code))
            if cursor.rowcount == 0:
                raise NotFound(f"sector {code}")
            await self._audit(None, actor_id, "show_sector" if active else "hide_sector", detail={"sector": code})
        sector = await self.get_sector(code)
        assert sector is not None
        return sector

    async def replace_catalog(self, sectors: tuple[SectorSeed, ...], categories: tuple[CategorySeed, ...],
                              actor_id: int) -> CatalogChange:
        """Make the active catalog exactly the file's, in one transaction.

        Categories are matched by sector and Persian name: matched ones are updated, new ones added, and
        those missing from the file deactivated (never deleted, so existing applications keep them).
        """
        async with self._transaction() as db:
            for position, sector in enumerate(sectors):
                await db.execute(
                    "INSERT INTO sectors (code, name_fa, name_en, position) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (code) DO UPDATE SET name_fa = excluded.name_fa, name_en = excluded.name_en,"
                    " position = excluded.position, active = 1",
                    (sector.code, sector.name_fa, sector.name_en, position),
                )
            before = {(row["code"], row["name_fa"]) for row in await db.execute_fetchall(
                "SELECT s.code, c.name_fa FROM categories c JOIN sectors s ON s.id = c.sector_id WHERE c.active = 1")}
            await db.execute("UPDATE categories SET active = 0")
            added = 0
            for category in categories:
                cursor = await db.execute(
                    "UPDATE categories SET name_en = ?, active = 1, needs_extra_approval = ?,"
                    " approval_body = CASE WHEN ? = 1 THEN coalesce(approval_body,"
                    "   (SELECT approval_body FROM sectors WHERE code = ?), 'other') END"
                    " WHERE name_fa = ? AND sector_id = (SELECT id FROM sectors WHERE code = ?)",
                    (category.name_en, category.needs_extra_approval, category.needs_extra_approval,
                     category.sector_code, category.name_fa, category.sector_code),
                )
                if cursor.rowcount == 0:
                    await db.execute(
                        "INSERT INTO categories (sector_id, name_fa, name_en, needs_extra_approval, approval_body)"
                        " SELECT id, ?, ?, ?, CASE WHEN ? = 1 THEN coalesce(approval_body, 'other') END"
                        " FROM sectors WHERE code = ?",
                        (category.name_fa, category.name_en, category.needs_extra_approval,
                         category.needs_extra_approval, category.sector_code),
                    )
                    added += 1
            after = {(c.sector_code, c.name_fa) for c in categories}
            change = CatalogChange(added=added, kept=len(categories) - added, hidden=len(before - after))
            await self._audit(None, actor_id, "replace_catalog", detail={
                "added": change.added, "kept": change.kept, "hidden": change.hidden})
        return change


def _sector(row: Row) -> Sector:
    return Sector(**dict(row) | {"active": bool(row["active"])})


def _category(row: Row) -> Category:
    return Category(**dict(row) | {"needs_extra_approval": bool(row["needs_extra_approval"]),
                                   "active": bool(row["active"])})


