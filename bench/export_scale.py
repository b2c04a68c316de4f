"""/export at scale: 200,000 applications written as XLSX and CSV, streamed from the store a page at a time;
the time of each and the peak of Python's memory (tracemalloc) while writing it (a second, traced run)."""

import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.app import DATA_DIR
from bot.config import Config
from demo.sample_data import sample_applications
from handlers.export_file import write_export
from storage import Store
from storage.catalog import read_catalog

NUMBER_FORMAT = "{province}-{year}-{seq:05d}-{check}"


async def run_export(rows: int) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="bench-export-"))
    store = Store(folder / "export.sqlite3")
    await store.connect()
    config = Config.from_env({"BOT_TOKEN": "1:bench"})
    try:
        await store.load_catalog(read_catalog(DATA_DIR))
        categories = [category.id for category in await store.list_categories()]
        await store.import_applications(sample_applications(rows, categories, datetime.now(UTC)), NUMBER_FORMAT, 5)
        results: dict[str, Any] = {"rows": rows}
        for kind in ("xlsx", "csv"):
            path = folder / f"export.{kind}"
            started = time.perf_counter()
            written = await write_export(store.export_rows(None, None, None, None), path, kind, "fa", config.banks,
                                         config.timezone)
            seconds = time.perf_counter() - started
            tracemalloc.start()
            await write_export(store.export_rows(None, None, None, None), path, kind, "fa", config.banks,
                               config.timezone)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            results[kind] = {"written": written, "seconds": seconds, "peak_bytes": peak,
                             "file_bytes": path.stat().st_size}
        return results
    finally:
        await store.close()
