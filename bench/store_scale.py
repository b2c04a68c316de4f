"""The store at national scale: a million applications with realistic skew, and the exact calls the bot makes."""

import os
import random
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bench.timing import summary, time_calls
from bot.app import DATA_DIR
from demo.sample_data import FIRST_NAMES, LAST_NAMES, fake_national_id, sample_applications
from domain.find_query import parse_find_query
from domain.lifecycle import AWAITING_OFFICER, Stage
from handlers.desk_find import SHOWN, find
from handlers.officer import PAGE_SIZE
from storage import Store
from storage.catalog import read_catalog
from storage.records import PermitRequest

NUMBER_FORMAT = "{province}-{year}-{seq:05d}-{check}"
OFFICIAL_CATEGORIES = 515  # the official list's size; the seed catalog has the known few, the rest are stand-ins
LARGEST_PROVINCE = "IR-23"


async def run_store(rows: int, samples: int, database: str | None = None) -> dict[str, Any]:
    """On a fresh SQLite file, or on `database` (an empty PostgreSQL database)."""
    path = Path(tempfile.mkdtemp(prefix="bench-store-")) / "scale.sqlite3"
    store = Store(database or path)
    await store.connect()
    try:
        await store.load_catalog(read_catalog(DATA_DIR))
        sectors = [sector.code for sector in await store.list_sectors(include_inactive=True)]
        known = len(await store.list_categories())
        for index in range(OFFICIAL_CATEGORIES - known):
            await store.add_category(sectors[index % len(sectors)], f"رسته آزمایشی {index}", f"Test category {index}",
                                     False, actor_id=0)
        categories = [category.id for category in await store.list_categories()]

        started = time.perf_counter()
        loaded = await store.import_applications(sample_applications(rows, categories, datetime.now(UTC)),
                                                 NUMBER_FORMAT, 5)
        load_seconds = time.perf_counter() - started
        # The state autovacuum reaches within minutes of a bulk load, and every call after it sees: statistics,
        # and on PostgreSQL the visibility map its index-only scans need (until then /find's plans read the
        # table too: 1,700-1,900 buffers instead of 130 at 200,000 applications). SQLite's VACUUM is a rebuild.
        await store.writer.execute("VACUUM ANALYZE" if store.dialect == "postgresql" else "ANALYZE")

        queued = [row["id"] for row in await store.db.execute_fetchall(
            "SELECT id FROM applications WHERE province_code = ? AND stage = 'queued'", (LARGEST_PROVINCE,))]
        rng = random.Random(7)
        serial = iter(range(9_000_000, 9_999_999))  # national IDs no loaded application has

        async def queue_position() -> object:
            return await store.queue_position(rng.choice(queued))

        async def insert_permit() -> object:
            n = next(serial)
            return await store.issue_permit(PermitRequest(
                user_id=1, category_id=rng.choice(categories), track="independent", full_name="نمونه آزمایشی",
                national_id=fake_national_id(n), birth_date=date(1990, 1, 1), mobile="09990001111",
                province_code=LARGEST_PROVINCE, city="تهران", address="نشانی آزمایشی", postal_code="1234567890",
                education="diploma", workers=1), NUMBER_FORMAT, 5)

        await store.ensure_user(1, "fa")

        def finding(typed: list[str], province: str | None) -> Any:
            async def call() -> object:  # what /find does for one query (domain parse, then the store)
                query = parse_find_query(rng.choice(typed))
                assert query is not None
                return await find(store, query, province, SHOWN + 1)
            return call

        ids = [fake_national_id(rng.randrange(loaded)) for _ in range(200)]
        names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
        misspelt = [name.replace("ی", "ي", 1)[:-2] + name[-1] for name in names]  # a letter left out, Arabic yeh
        calls = {
            "/find national ID": finding(ids, LARGEST_PROVINCE),
            "/find mobile": finding([f"+98 999 000 {n:04d}" for n in range(0, 10_000, 37)], LARGEST_PROVINCE),
            "/find name": finding(names, LARGEST_PROVINCE),
            "/find misspelt name": finding(misspelt, LARGEST_PROVINCE),
            "/find name, smallest province": finding(names, "IR-16"),
            "/find name, every province (admin)": finding(names, None),
            "/status queue position": queue_position,
            "province statistics": lambda: store.compute_stats(LARGEST_PROVINCE),
            "national statistics": lambda: store.compute_stats(None),
            "/pending first page": lambda: store.list_by_stage(LARGEST_PROVINCE, AWAITING_OFFICER, PAGE_SIZE),
            "/queue first page": lambda: store.list_queue(LARGEST_PROVINCE, PAGE_SIZE),
            "permit insert": insert_permit,
        }
        results = {}
        for name, call in calls.items():
            await time_calls(call, 5)  # warm the page cache
            results[name] = summary(await time_calls(call, samples))
        size = await _database_bytes(store, path)
        return {"rows": loaded, "load_seconds": load_seconds, "queued_in_largest_province": len(queued),
                "bytes_per_row": size / max(loaded, 1), "calls": results,
                "largest_province_rows": (await store.list_by_stage(LARGEST_PROVINCE, tuple(Stage), 1))[1]}
    finally:
        await store.close()


async def _database_bytes(store: Store, path: Path) -> int:
    if store.dialect == "postgresql":
        rows = await store.db.execute_fetchall("SELECT pg_database_size(current_database()) AS size")
        return int(rows[0]["size"])
    return os.path.getsize(path) + (os.path.getsize(f"{path}-wal") if os.path.exists(f"{path}-wal") else 0)
