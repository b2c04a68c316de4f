"""The Application factory: the only place that wires handlers, jobs, the store and lifecycle hooks."""

import logging
import warnings
from collections.abc import Mapping
from datetime import timedelta
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

from telegram import BotCommand, BotCommandScopeDefault
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BasePersistence,
    BaseRateLimiter,
    ContextTypes,
    ConversationHandler,
    Defaults,
)
from telegram.request import BaseRequest, HTTPXRequest
from telegram.warnings import PTBUserWarning

from bot.config import BotSettings, Config
from bot.errors import on_error
from bot.leadership import Leadership
from bot.permit_secret import load_permit_secret
from bot.persistence import DraftPersistence
from bot.platform_bot import PlatformApplication, PlatformBot
from bot.polling import PacedPolling
from bot.rate_limits import AnswersFirstRateLimiter
from bot.update_processor import PerPersonUpdateProcessor
from domain.flood import FloodGate, HourlyQuota
from domain.identity import Platform
from handlers import (
    admin,
    advice,
    advice_desk,
    advisers,
    appoint,
    assessment,
    booth_request,
    booth_review,
    bulk,
    channels,
    common,
    course_desk,
    course_form,
    courses,
    desk_find,
    digest,
    exhibition_form,
    exhibition_posts,
    export,
    gate,
    officer,
    permits,
    reasons,
    registration,
    roster,
    roster_form,
    roster_invite,
    roster_officer,
    showcase,
    showcase_review,
    status,
)
from handlers.command_menus import EVERYONE_COMMANDS, publish_staff_menus
from handlers.context import Ctx, deliver_outbox
from handlers.delivery import Courier
from messages import LANGUAGES, label
from messages.card_cache import CardCache
from messages.render import configure as configure_rendering
from storage import Store
from storage.assessment import read_questionnaire
from storage.catalog import Catalog, read_catalog
from storage.reason_store import read_refusal_reasons

logger = logging.getLogger(__name__)

# The form's buttons are tracked per user, not per message, on purpose (stale presses are checked against
# the draft's current prompt instead); PTB warns about that choice at every start.
warnings.filterwarnings("ignore", message=".*per_message.*", category=PTBUserWarning)
# With concurrent updates, stop() first marks the application stopped and then hands the updates already
# received to tasks, which it does wait for (update_queue.join()); PTB warns about those tasks regardless.
warnings.filterwarnings("ignore", message="Tasks created via `Application.create_task` while the application is not "
                        "running", category=PTBUserWarning)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
BotApp = Application[Any, Ctx, Any, Any, Any, Any]


class _Default(Enum):
    RATE_LIMITER = "AIORateLimiter"


DEFAULT_RATE_LIMITER = _Default.RATE_LIMITER


@cache
def shipped_catalog() -> Catalog:
    """The seed catalog in data/: its files ship with the code, so a process reads them once."""
    return read_catalog(DATA_DIR)


def build_application(
    config: Config,
    store: Store,
    *,
    request: BaseRequest | None = None,
    persistence: BasePersistence[Any, Any, Any] | None = None,
    rate_limiter: BaseRateLimiter[Any] | None | _Default = DEFAULT_RATE_LIMITER,
    with_updater: bool = False,
    leadership: Leadership | None = None,
    other_requests: Mapping[Platform, BaseRequest] | None = None,
) -> BotApp:
    """Build the bot. `request` replaces the network (tests, demo, bench); then no Updater is made unless
    `with_updater` (a webhook test). With both messengers configured, one Application serves both bots (one
    store, one set of jobs, one courier); `other_requests` replace the network of the other bots."""
    if rate_limiter is DEFAULT_RATE_LIMITER:
        rate_limiter = AnswersFirstRateLimiter()
    main_bot, *other_bots = (
        platform_bot(settings, config, request if index == 0 else (other_requests or {}).get(settings.platform),
                     rate_limiter if index == 0 else (None if rate_limiter is None else AnswersFirstRateLimiter()))
        for index, settings in enumerate(config.bots))
    for bot in (main_bot, *other_bots):
        for peer in (main_bot, *other_bots):
            if peer is not bot:
                bot.add_peer(peer)

    async def post_init(app: BotApp) -> None:
        for bot in other_bots:  # the main bot is initialised by the Application
            await bot.initialize()
        await store.connect()
        await store.load_catalog(shipped_catalog())
        await store.seed_refusal_reasons(read_refusal_reasons(DATA_DIR))
        await store.seed_questionnaire(read_questionnaire(DATA_DIR))
        app.bot_data["permit_secret"] = config.permit_secret or await load_permit_secret(config.database_path, store)
        await channels.schedule_all(app)  # daily posts: jobs live in memory, channels in the database
        await publish_commands(app)

    async def post_shutdown(app: BotApp) -> None:
        for bot in other_bots:
            await bot.shutdown()
        await store.close()

    builder = (
        ApplicationBuilder()
        .application_class(PlatformApplication)
        .bot(main_bot)
        .context_types(ContextTypes(context=Ctx))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        # Everyone at once, each person's updates in order (bot/update_processor.py).
        .concurrent_updates(PerPersonUpdateProcessor(config.max_concurrent_updates))
    )
    # Unfinished forms live in the drafts table; this hands them back to the conversation after a restart.
    draft_ttl = timedelta(days=config.rules.draft_ttl_days)
    builder = builder.persistence(persistence or DraftPersistence(store, draft_ttl))
    if request is not None and not with_updater:  # tests and demo: an in-process Bot API, nothing to poll
        builder = builder.updater(None)
    app: BotApp = builder.build()
    configure_rendering(timezone=config.timezone, messenger=config.platform)
    app.bot_data["store"] = store  # read as context.store
    app.bot_data["config"] = config  # the main bot's; handlers read context.config, their update's messenger's
    app.bot_data["configs"] = {settings.platform: config.for_platform(settings.platform) for settings in config.bots}
    app.bot_data["bots"] = {bot.platform: bot for bot in (main_bot, *other_bots)}
    app.bot_data["leadership"] = leadership or Leadership(config.database_url)  # who leads, for /health

    # Delivers the outbox; the permit key (for certificates' QR codes) is read once post_init has loaded it.
    app.bot_data["courier"] = Courier(app.bot, store, config, lambda: app.bot_data["permit_secret"],
                                      app.bot_data["bots"])
    app.bot_data["flood"] = FloodGate(config.flood_limit, config.flood_window, config.flood_cooldown)
    # /verify by typed number: enough to check a few cards, too few to walk through every holder.
    app.bot_data["verify_quota"] = HourlyQuota(limit=20)
    app.bot_data["group_notes"] = HourlyQuota(limit=1)  # "private chats only", once an hour per group
    app.bot_data["card_cache"] = CardCache()  # drawn permit cards, until what they show changes

    app.add_handler(gate.handler(), group=-10)  # edits, channel posts, groups and floods stop here
    app.add_handler(common.user_loader(), group=-5)  # the user's language, before anything answers
    # Typed answers owed before the form, each in its own group so that a command ends every one of them
    # (their fallbacks let it go on); an earlier group wins a typed text when several are open.
    # A covered worker being added, an officer's owed reason for refusing one: before the owed answers (a
    # roster reason gives way to a card's question asked since) and the form.
    app.add_handler(roster_form.conversation(), group=-4)
    app.add_handler(roster_officer.refusal_conversation(), group=-4)
    app.add_handler(officer.owed_answer(), group=-3)  # an officer's owed reason or amount
    app.add_handler(booth_review.owed_reason(), group=-3)  # a refused booth request's reason, likewise
    app.add_handler(showcase_review.owed_reason(), group=-3)  # the same about a showcase post
    app.add_handler(showcase.post_form(), group=-3)  # a holder's showcase post, whatever other form is open
    app.add_handler(advice_desk.owed_answer(), group=-2)  # an adviser's answer to the question they took
    app.add_handler(advice.ask_conversation(), group=-1)  # an applicant writing an advice question
    app.add_handlers(registration.handlers())  # first: inside the form, its own steps win
    app.add_handlers(exhibition_form.handlers() + booth_request.handlers())  # then the exhibition forms' steps
    app.add_handlers(assessment.handlers())  # before common's /cancel: inside the assessment, its own
    app.add_handlers(course_form.handlers())  # an officer's course form: its typed answers before the catch-alls
    # permits' /start v-…, the roster's /start w-… and the showcase's /start sr-… before common's
    for module in (permits, roster_invite, showcase, common, status, officer, roster, roster_officer, bulk,
                   desk_find, export, admin, advisers, advice, advice_desk, reasons, channels, booth_review, courses,
                   course_desk, showcase_review):
        app.add_handlers(module.handlers())
    app.add_handlers(appoint.handlers(config.admin_ids))  # after the form: its contact step comes first
    app.add_handlers(common.catch_alls())  # last: they take only what nothing else took
    app.add_error_handler(on_error)

    async def purge_expired_drafts(context: Ctx) -> None:
        purged = await store.purge_drafts(draft_ttl)
        for user_id in purged:  # and what memory holds for them: the draft's copy, their language, their step
            context.application.drop_user_data(user_id)
        forget_conversations(context.application, set(purged))
        if purged:
            logger.info("purged %d drafts untouched for %s", len(purged), draft_ttl)

    assert app.job_queue is not None, "install python-telegram-bot[job-queue]"
    # APScheduler skips a job that starts over a second late: on a busy machine that would lose the day's
    # statistics post, a reminder or the start-up menus. Late is better than never; a backlog runs once.
    app.job_queue.scheduler.configure(**app.job_queue.scheduler_configuration,  # keeps PTB's executor
                                      job_defaults={"misfire_grace_time": None, "coalesce": True})
    app.job_queue.run_repeating(purge_expired_drafts, interval=timedelta(hours=1), first=timedelta(minutes=1),
                                name="purge_expired_drafts")
    digest.schedule(app)  # each officer's morning digest
    exhibition_posts.schedule(app)  # booth reminders the day before, booth lists after the deadline
    app.job_queue.run_repeating(permits.look_after_permits, interval=timedelta(hours=6),
                                first=timedelta(minutes=2), name="look_after_permits")
    # The day-before reminder of a course's first session (once per person, however often it runs).
    app.job_queue.run_repeating(courses.remind_courses, interval=timedelta(hours=6), first=timedelta(minutes=4),
                                name="remind_courses")
    async def erase_personal_data(context: Ctx) -> None:
        erased = await store.erase_personal_data(config.retention_years)
        if erased:
            logger.info("erased the personal data of %d applications closed over %d years ago", erased,
                        config.retention_years)

    app.job_queue.run_repeating(erase_personal_data, interval=timedelta(days=1), first=timedelta(minutes=3),
                                name="erase_personal_data")

    # After start-up, beside the first updates: one call per officer and admin.
    app.job_queue.run_once(publish_staff_menus, when=timedelta(seconds=0), name="publish_staff_menus")

    async def forget_idle_flooders(context: Ctx) -> None:
        context.bot_data["flood"].forget_idle()

    app.job_queue.run_repeating(forget_idle_flooders, interval=timedelta(minutes=10), name="forget_idle_flooders")
    # Catches what an immediate kick could not send (retries, rows left by a crash).
    app.job_queue.run_repeating(deliver_outbox, interval=timedelta(seconds=5), first=timedelta(seconds=1),
                                name="deliver_outbox")
    return app


def platform_bot(settings: BotSettings, config: Config, request: BaseRequest | None,
                 rate_limiter: BaseRateLimiter[Any] | None) -> PlatformBot:
    """One messenger's bot as ApplicationBuilder would make it, speaking store ids and sending texts as its
    client reads them (bot/platform_bot.py); its getUpdates paced where the platform may not wait."""
    polling: BaseRequest = request or HTTPXRequest(connection_pool_size=1)  # PTB's own choice for getUpdates
    if settings.features.poll_interval:
        polling = PacedPolling(polling, settings.features.poll_interval)
    return PlatformBot(
        settings.platform,
        settings.features.text_format,
        token=settings.token,
        base_url=settings.api_url,
        base_file_url=settings.file_api_url,
        defaults=Defaults(parse_mode=ParseMode.HTML, tzinfo=config.timezone),  # rendered HTML, read per client
        request=request or HTTPXRequest(connection_pool_size=256),
        get_updates_request=polling,
        rate_limiter=rate_limiter,
    )


def other_bots(app: BotApp) -> list[PlatformBot]:
    """The bots served beside the Application's own (each needs its own poller)."""
    return [bot for bot in app.bot_data["bots"].values() if bot is not app.bot]


def forget_conversations(app: BotApp, user_ids: set[int]) -> None:
    """End these users' conversations in memory, as their drafts are gone (an ended one holds no entry).

    PTB has no public call for this; its conversation dict is keyed by (chat id, user id) here (per_chat and
    per_user), and with persistence it is a tracking dict, so the removal reaches DraftPersistence too.
    """
    if not user_ids:
        return
    for handlers in app.handlers.values():
        for handler in handlers:
            if isinstance(handler, ConversationHandler):
                conversations = handler._conversations  # noqa: SLF001  (see the docstring)
                for key in [key for key in conversations if key[-1] in user_ids]:
                    conversations.pop(key, None)


async def publish_commands(app: BotApp) -> None:
    """Everyone's command menu in fa and en (officers and admins get their own: handlers/command_menus.py);
    none where the platform has no setMyCommands (Bale), and a failure is only logged."""
    config: Config = app.bot_data["config"]
    configs: dict[Platform, Config] = app.bot_data["configs"]
    for bot in app.bot_data["bots"].values():
        if not configs[bot.platform].features.command_menus:  # Bale: the commands work when typed (/help)
            continue
        try:
            for lang in LANGUAGES:
                commands = [BotCommand(name, label(lang, f"commands.{name}")) for name in EVERYONE_COMMANDS]
                await bot.set_my_commands(commands, scope=BotCommandScopeDefault(), language_code=lang)
                if lang == config.default_language:  # users whose client language is neither
                    await bot.set_my_commands(commands, scope=BotCommandScopeDefault())
        except TelegramError as error:
            logger.warning("could not set the %s command menu (%s); continuing without it", bot.platform,
                           type(error).__name__)


async def start_offline(app: BotApp) -> None:
    """Start an app built with a `request`, as run_polling would, minus the polling."""
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    await app.start()


async def stop_offline(app: BotApp) -> None:
    if app.running:
        await app.stop()
    await app.shutdown()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)
