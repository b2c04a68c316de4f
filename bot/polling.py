"""Long polling that cannot spin: Bale may answer getUpdates at once, whatever its `timeout` asks.

PTB's own `poll_interval` would pause after every answer, updates or not; this pauses only after an answer with
no updates, so an idle bot asks at most once per interval and a busy one fetches the next batch at once.
"""

import asyncio
import json
import time
from typing import Any

from telegram.request import BaseRequest, RequestData


class PacedPolling(BaseRequest):
    """The getUpdates request (ApplicationBuilder.get_updates_request) around another: an empty answer to a
    long poll (a `timeout` asked for) is handed back no sooner than `interval` seconds after the call; the
    pause is cancelled at once when polling stops, and the last call (timeout 0, confirming) is not paced."""

    def __init__(self, inner: BaseRequest, interval: float) -> None:
        self._inner = inner
        self._interval = interval

    @property
    def read_timeout(self) -> float | None:
        return self._inner.read_timeout

    async def initialize(self) -> None:
        await self._inner.initialize()

    async def shutdown(self) -> None:
        await self._inner.shutdown()

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = BaseRequest.DEFAULT_NONE, write_timeout: Any = BaseRequest.DEFAULT_NONE,
                         connect_timeout: Any = BaseRequest.DEFAULT_NONE,
                         pool_timeout: Any = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        started = time.monotonic()
        status, body = await self._inner.do_request(url, method, request_data, read_timeout, write_timeout,
                                                    connect_timeout, pool_timeout)
        asked_to_wait = request_data is not None and bool(request_data.parameters.get("timeout"))
        if url.endswith("/getUpdates") and asked_to_wait and status == 200 and _no_updates(body):
            await asyncio.sleep(self._interval - (time.monotonic() - started))
        return status, body


def _no_updates(body: bytes) -> bool:
    try:
        return json.loads(body).get("result") == []
    except ValueError:  # not JSON: PTB reports it
        return False
