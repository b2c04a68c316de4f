"""The callback context every handler receives: typed access to the store, settings and language."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from telegram.ext import CallbackContext, ExtBot

from bot.platforms import start_link
from storage import Store

if TYPE_CHECKING:  # settings are built by bot/; handlers only read them
    from bot.config import Config

LANG_KEY = "lang"
BACKGROUND = "bg:"  # name prefix of the tasks handlers leave running (card drawing, broadcasts)


class Ctx(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    @property
    def store(self) -> Store:
        store: Store = self.bot_data["store"]
        return store

    @property
    def config(self) -> "Config":
        config: Config = self.bot_data["config"]
        return config

    @property
    def lang(self) -> str:
        """The user's language, loaded once per process by `common.remember_user`."""
        if self.user_data is None:
            return self.config.default_language
        language: str = self.user_data.get(LANG_KEY, self.config.default_language)
        return language

    def remember_language(self, language: str) -> None:
        if self.user_data is not None:
            self.user_data[LANG_KEY] = language

    @property
    def permit_secret(self) -> str:
        """The key that signs permit QR codes (PERMIT_SECRET, or the one kept in the database)."""
        secret: str = self.bot_data["permit_secret"]
        return secret

    def start_link(self, payload: str) -> str:
        """A link that opens a chat with this bot and sends /start <payload>: t.me, or Bale's ble.ir."""
        return start_link(self.config.platform, self.bot.username, payload)

    def is_admin(self, user_id: int) -> bool:
        return user_id in self.config.admin_ids

    def kick_courier(self) -> None:
        """Deliver the outbox now instead of at the courier's next tick (the reply is not held up)."""
        if self.job_queue is not None:
            self.job_queue.run_once(deliver_outbox, 0, name="deliver_outbox_now")


_BULK: ContextVar[bool] = ContextVar("sending_in_bulk", default=False)


@contextmanager
def sending_in_bulk() -> Iterator[None]:
    """Bot API calls made inside are bulk work (outbox, broadcasts, channel posts): the rate limiter gives
    them at most half of the budget, so the answers people wait for go first (bot/rate_limits.py)."""
    token = _BULK.set(True)
    try:
        yield
    finally:
        _BULK.reset(token)


def in_bulk() -> bool:
    return _BULK.get()


async def deliver_outbox(context: "Ctx") -> None:
    """The courier's job: delivers every due outbox row (see handlers/delivery.py), as bulk work."""
    if not context.application.running:  # stopping: the scheduler may still fire one after the store closes
        return
    with sending_in_bulk():
        await context.bot_data["courier"].deliver_due()
