"""The real Application on a fresh database and the offline Bot API, with simulated people to talk to it."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

from bot.app import build_application, start_offline, stop_offline
from bot.config import BotSettings, Config
from bot.leadership import Leadership
from bot.offline_api import API_PROFILES, RecordingRequest
from bot.offline_client import OfflineUser
from domain.identity import Platform
from messages.formatting import format_code
from messages.markup import TextFormat
from storage import Store
from storage.base import utc_now

FakeUser = OfflineUser  # the tests' name for a simulated person


def offline_api(bot: BotSettings) -> RecordingRequest:
    """The offline Bot API standing in for the bot's messenger, behaving as it does (one per bot: each messenger
    keeps its own chats): Bale's profile for a Bale bot, and for a bot set up for a Markdown-reading client (the
    suite's Bale run, tests/conftest.py)."""
    bale = bot.platform is Platform.BALE or bot.features.text_format is TextFormat.MARKDOWN
    return RecordingRequest(API_PROFILES[Platform.BALE if bale else Platform.TELEGRAM])


class Harness:
    """The real Application from the factory, on a fresh database and the offline Bot API.

    With both messengers configured (TELEGRAM_BOT_TOKEN and BALE_BOT_TOKEN), each bot gets its own offline
    API (`recs`); `rec` is the main bot's. Every handler exception is collected in `errors`; the fixture fails
    the test when any is left.
    """

    def __init__(self, config: Config, clock: Callable[[], datetime] = utc_now,
                 leadership: Leadership | None = None) -> None:
        self.config = config
        self.recs = {bot.platform: offline_api(bot) for bot in config.bots}
        self.rec = self.recs[config.platform]
        self.store = Store(config.database, clock=clock)
        others = {platform: rec for platform, rec in self.recs.items() if platform is not config.platform}
        self.app = build_application(config, self.store, request=self.rec, rate_limiter=None, leadership=leadership,
                                     other_requests=others)
        self.errors: list[BaseException] = []
        self.app.add_error_handler(self._collect_error)

    async def _collect_error(self, update: object, context: Any) -> None:
        if context.error is not None:
            self.errors.append(context.error)

    async def start(self) -> "Harness":
        await start_offline(self.app)
        return self

    async def stop(self) -> None:
        await stop_offline(self.app)

    async def deliver(self) -> int:
        """Run the outbox courier now (in production a job does, every few seconds and after each change)."""
        courier = self.app.bot_data["courier"]
        return int(await courier.deliver_due())

    def user(self, user_id: int = 1001, first_name: str = "مریم", language_code: str | None = None,
             platform: Platform | None = None) -> FakeUser:
        """Someone writing to the bot of `platform` (the main bot's by default); `user_id` is that messenger's."""
        platform = platform or self.config.platform
        bot = self.app.bot_data["bots"][platform]
        return FakeUser(self.app, self.recs[platform], user_id, first_name, language_code, bot=bot)


@asynccontextmanager
async def running(config: Config, clock: Callable[[], datetime] = utc_now) -> AsyncIterator[Harness]:
    """A bot that runs for the block and is stopped after it (a restart is two blocks); no handler may raise."""
    harness = await Harness(config, clock=clock).start()
    try:
        yield harness
    finally:
        await harness.stop()
    assert not harness.errors, f"a handler raised: {harness.errors!r}"


class FakeClock:
    """A clock the test moves by hand (the store's idea of now)."""

    def __init__(self) -> None:
        self.now = utc_now()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def shown(number: str, lang: str = "fa") -> str:
    """A permit number as a text in `lang` shows it (Persian digits, hyphens held left to right)."""
    return format_code(number, lang)


def mentions(text: str, number: str) -> bool:
    """Whether the text shows this permit number, in either language's digits."""
    return number in text or shown(number) in text
