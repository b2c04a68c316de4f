"""Concurrent updates, in order per person: python-telegram-bot's `BaseUpdateProcessor` with lanes.

A loan round brings hundreds of people at once and every Bot API call crosses a real network, so updates of
different people must run side by side; but one person's updates must run one after another, in arrival
order, or a double tap on Confirm, a fast second answer or the form's conversation state would race. Each
update is given the lane of its person (one user in one chat); updates without a user, such as channel
posts, share one lane of their own. A lane exists only while it has updates, so memory stays bounded by the
updates in flight, which the base class bounds (`MAX_CONCURRENT_UPDATES`).

Order holds because PTB starts one task per update in arrival order, its semaphore and `asyncio.Lock` both
wake waiters first-in first-out, and a lane is entered without awaiting anything else first.
"""

import asyncio
from collections.abc import Awaitable, Hashable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

NO_PERSON = ("no-person",)  # the lane of updates that come from no user (channel posts, polls…)


def lane_of(update: object) -> Hashable:
    """Whose turn an update waits for: (user, chat), or the shared lane of updates without a user."""
    if isinstance(update, Update) and update.effective_user is not None:
        chat = update.effective_chat
        return (update.effective_user.id, chat.id if chat is not None else None)
    return NO_PERSON


@dataclass(slots=True)
class _Lane:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    waiting: int = 0  # updates holding or waiting for the lock; the lane goes when this drops to 0


class PerPersonUpdateProcessor(BaseUpdateProcessor):
    """Everyone at once, each person in order; `busiest` records the most updates in flight (for the bench)."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._lanes: dict[Hashable, _Lane] = {}
        self._watchers: dict[int, asyncio.Future[None]] = {}
        self.busiest = 0

    def watch(self, update: object) -> "asyncio.Future[None]":
        """A future that resolves once `update` has been handled: how a simulated person (tests, bench) waits
        for the answer to an update it put in `application.update_queue`, as polling or a webhook would."""
        future = self._watchers[id(update)] = asyncio.get_running_loop().create_future()
        return future

    @property
    def lanes(self) -> int:
        """People with updates in flight now."""
        return len(self._lanes)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = lane_of(update)
        lane = self._lanes.get(key)
        if lane is None:
            lane = self._lanes[key] = _Lane()
        lane.waiting += 1
        self.busiest = max(self.busiest, self.current_concurrent_updates)
        started = False
        try:
            async with lane.lock:
                started = True
                await coroutine
        finally:
            if not started and asyncio.iscoroutine(coroutine):  # cancelled while waiting its turn
                coroutine.close()
            lane.waiting -= 1
            if lane.waiting == 0:
                del self._lanes[key]
            watcher = self._watchers.pop(id(update), None)
            if watcher is not None and not watcher.done():
                watcher.set_result(None)

    async def initialize(self) -> None:
        """Nothing to allocate: lanes come and go with the updates."""

    async def shutdown(self) -> None:
        """Nothing to free: `Application.stop()` waits for the updates in flight before this runs."""
