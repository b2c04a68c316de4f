"""Broadcast: statistics to 31 provincial channels through the real rate limiter, against a Bot API stand-in
with network latency that answers 429 the way Telegram does when a limit is broken."""

import asyncio
import tempfile
import time
from collections import defaultdict, deque
from pathlib import Path
from typing import Any

from bench.journey import bench_config
from bot.app import build_application, start_offline, stop_offline
from bot.offline_api import RecordingRequest
from handlers.channels import broadcast_to
from storage import Store

SENDS = {"sendMessage", "sendPhoto", "sendDocument"}


class TelegramLikeRequest(RecordingRequest):
    """Adds latency, and refuses (429) more than 30 sends a second overall or 20 a minute in one channel."""

    def __init__(self, latency: float) -> None:
        super().__init__()
        self.latency = latency
        self.too_many = 0
        self._overall: deque[float] = deque()
        self._per_chat: dict[Any, deque[float]] = defaultdict(deque)

    async def do_request(self, url: str, method: str, request_data: Any = None, *args: Any,
                         **kwargs: Any) -> tuple[int, bytes]:
        await asyncio.sleep(self.latency)
        api_method = url.rsplit("/", 1)[-1]
        if api_method in SENDS and request_data is not None:
            now = time.monotonic()
            chat = request_data.parameters.get("chat_id")
            for window, span, limit in ((self._overall, 1.0, 30), (self._per_chat[chat], 60.0, 20)):
                while window and window[0] <= now - span:
                    window.popleft()
                if len(window) >= limit:
                    self.too_many += 1
                    return 429, b'{"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 1",' \
                                b' "parameters": {"retry_after": 1}}'
            self._overall.append(now)
            self._per_chat[chat].append(now)
        return await super().do_request(url, method, request_data, *args, **kwargs)


async def run_broadcast(latency: float = 0.05) -> dict[str, Any]:
    config = bench_config(Path(tempfile.mkdtemp(prefix="bench-broadcast-")))
    request = TelegramLikeRequest(latency)
    store = Store(config.database)
    app = build_application(config, store, request=request)  # the production AIORateLimiter
    await start_offline(app)
    try:
        for province in await store.list_provinces():
            await store.set_channel(province.code, -1001000000000 - int(province.code[3:]), f"channel {province.code}",
                                    "fa", actor_id=0)
        channels = await store.list_channels()
        started = time.perf_counter()
        failed = await broadcast_to(app.bot, store, channels)
        seconds = time.perf_counter() - started
        posted = sum(1 for call in request.calls if call.method == "sendPhoto")
    finally:
        await stop_offline(app)
    return {"channels": len(channels), "posted": posted, "failed": len(failed), "seconds": seconds,
            "too_many_requests": request.too_many, "latency_ms": latency * 1000}
