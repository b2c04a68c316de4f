"""Running the bot as leader or standby: wait for the leader lock, serve, step down when it is lost.

Each term as leader gets a fresh Application (and store): after a lost lock another process may have changed
everything, so nothing from memory survives; unfinished forms come back from the drafts table and undelivered
messages from the outbox. SQLite: one term, always the leader.
"""

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.leadership import Leadership

logger = logging.getLogger(__name__)

App = TypeVar("App")


async def serve(leadership: Leadership, start: Callable[[], Awaitable[App]], stop: Callable[[App], Awaitable[None]],
                stopping: asyncio.Event) -> None:
    """Lead whenever this process can, until `stopping` is set."""
    try:
        while not stopping.is_set():
            if not await _first(leadership.acquire(), stopping):
                return
            app = await start()
            try:
                lost = await _first(leadership.lost(), stopping)
            finally:
                await stop(app)
            if lost:
                logger.warning("stepped down; standing by for the leader lock again")
    finally:
        await leadership.release()


async def _first(work: Awaitable[None], stopping: asyncio.Event) -> bool:
    """Wait for `work` or `stopping`, whichever comes first; True if the work finished."""
    task = asyncio.ensure_future(work)
    stop = asyncio.ensure_future(stopping.wait())
    await asyncio.wait({task, stop}, return_when=asyncio.FIRST_COMPLETED)
    for pending in (task, stop):
        if not pending.done():
            pending.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pending
    return task.done() and not task.cancelled() and task.exception() is None


def stop_on_signals(stopping: asyncio.Event) -> None:
    """SIGINT and SIGTERM stop cleanly: the update in hand is finished, the store closed, the lock released."""
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, stopping.set)
