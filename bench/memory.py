"""Memory: how much each conversation parked mid-form costs the running bot."""

import gc
import tempfile
import tracemalloc
from pathlib import Path
from typing import Any

from bench.journey import STEPS, bench_config
from bench.timing import rss_bytes
from bot.app import build_application, start_offline, stop_offline
from bot.offline_api import RecordingRequest
from bot.offline_client import OfflineUser
from demo.sample_data import fake_national_id
from storage import Store

PARKED_AFTER = 8  # /apply … birth date: a user who stopped at the mobile number


async def run_memory(conversations: int) -> dict[str, Any]:
    config = bench_config(Path(tempfile.mkdtemp(prefix="bench-memory-")))
    rec = RecordingRequest()
    app = build_application(config, Store(config.database), request=rec, rate_limiter=None)
    await start_offline(app)
    try:
        await park(app, rec, 50, 20_000_000)  # warm caches, templates and code paths first
        gc.collect()
        tracemalloc.start()
        before, rss_before = tracemalloc.get_traced_memory()[0], rss_bytes()
        await park(app, rec, conversations, 30_000_000)
        gc.collect()
        after, rss_after = tracemalloc.get_traced_memory()[0], rss_bytes()
        tracemalloc.stop()
    finally:
        await stop_offline(app)
    # Python's own count of the bytes still held (RSS moves in whole pages and arenas, so it is noisy at this size)
    return {"conversations": conversations, "heap_growth_bytes": after - before,
            "rss_growth_bytes": rss_after - rss_before, "bytes_per_conversation": (after - before) / conversations}


async def park(app: Any, rec: RecordingRequest, count: int, first_id: int) -> None:
    for index in range(count):
        user = OfflineUser(app, rec, first_id + index, "مریم")
        for kind, value in STEPS[:PARKED_AFTER]:
            if kind == "callback":
                await user.click(value)
            else:
                await user.send(value.format(nid=fake_national_id(first_id + index)))
        rec.calls.clear()  # the recorder stands in for Telegram: its memory is not the bot's
        rec.messages.clear()
