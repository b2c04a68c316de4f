"""The callback context every handler receives: typed access to the store, settings and language."""

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.platforms import start_link
from domain.identity import Platform, platform_of
from storage import Store

if TYPE_CHECKING:  # settings are built by bot/; handlers only read them
    from bot.config import Config
    from bot.platforms import Features

LANG_KEY = "lang"
BACKGROUND = "bg:"  # name prefix of the tasks handlers leave running (card drawing, broadcasts)


class Ctx(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    __slots__ = ("_update_bot",)

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any], chat_id: int | None = None,
                 user_id: int | None = None) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self._update_bot: ExtBot[None] | None = None

    @classmethod
    def from_update(cls, update: object, application: Application[Any, Any, Any, Any, Any, Any]) -> "Ctx":
        """With both messengers served, the bot an update came through answers it (and names itself in links)."""
        context = super().from_update(update, application)
        context._update_bot = bot_of(update)
        return context

    @property
    def bot(self) -> ExtBot[None]:
        return self._update_bot or self.application.bot

    @property
    def platform(self) -> Platform:
        """The messenger of the update being handled (of the main bot in a job)."""
        return getattr(self.bot, "platform", Platform.TELEGRAM)

    @property
    def store(self) -> Store:
        store: Store = self.bot_data["store"]
        return store

    @property
    def config(self) -> "Config":
        """The settings as they apply to this update's messenger (e.g. Bale has no «choose a user» button)."""
        config: Config = self.bot_data["configs"].get(self.platform) or self.bot_data["config"]
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

    def features_for(self, chat_id: int) -> "Features":
        """What the messenger of `chat_id` offers (a card edited for an officer on the other messenger)."""
        configs: dict[Platform, Config] = self.bot_data["configs"]
        return (configs.get(platform_of(chat_id).platform) or self.config).features

    def is_admin(self, user_id: int) -> bool:
        return user_id in self.config.admin_ids

    def kick_courier(self) -> None:
        """Deliver the outbox now instead of at the courier's next tick (the reply is not held up)."""
        if self.job_queue is not None:
            self.job_queue.run_once(deliver_outbox, 0, name="deliver_outbox_now")


def bot_of(update: object) -> ExtBot[None] | None:
    """The bot an update came through (None for one built by hand without a bot, or not an update)."""
    if not isinstance(update, Update):
        return None
    with suppress(RuntimeError):  # "This object has no bot associated with it"
        bot = update.get_bot()
        return bot if isinstance(bot, ExtBot) else None
    message = update.effective_message
    with suppress(RuntimeError):
        bot = message.get_bot() if message is not None else None
        return bot if isinstance(bot, ExtBot) else None
    return None


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
