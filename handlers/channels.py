"""Provincial channels: setting them up, the daily statistics post, /stats and /broadcast.

A province may have two channels: the statistics channel, and the showcase channel where approved product
posts go (`/setchannel <province> <channel> showcase`, handlers/showcase.py posts there).

A post is a chart (rendered in a thread, so the bot keeps answering) with the figures as its caption,
or as a separate message when they do not fit Telegram's 1,024-character caption. Every send goes
through the Application's rate limiter; one failing channel is reported and the others still go out.
"""

import asyncio
import logging
from contextlib import suppress
from datetime import datetime
from typing import Any

from persiantools.jdatetime import JalaliDate
from telegram import Bot, InlineKeyboardMarkup, Message, Update, User
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, BaseHandler, CallbackQueryHandler, CommandHandler, filters

from domain.identity import BALE_OFFSET, person_id
from domain.normalize import normalize
from handlers.access import admin_command, officer_of, refuse
from handlers.admin import find_province
from handlers.callbacks import Page
from handlers.context import BACKGROUND, Ctx, sending_in_bulk
from handlers.in_place import show_in_place
from handlers.pages import page_keyboard, render_page
from messages import label, render
from messages.chart import render_stats_chart
from messages.markup import CAPTION_LIMIT, visible_length
from storage import Store
from storage.records import Channel, ChannelPurpose, MessengerFigures, ProgrammeFigures, Stats

logger = logging.getLogger(__name__)

NATIONAL = "all"
# The words that name a channel's purpose at the end of /setchannel and /unsetchannel.
PURPOSE_WORDS = {"showcase": ChannelPurpose.SHOWCASE, "ویترین": ChannelPurpose.SHOWCASE,
                 "stats": ChannelPurpose.STATS, "آمار": ChannelPurpose.STATS}


# -- the post -------------------------------------------------------------------------------------


async def stats_post(store: Store, scope: str, lang: str) -> tuple[bytes, str]:
    """The chart and the figures for a province code or 'all'."""
    province = None if scope == NATIONAL else scope
    stats = await store.compute_stats(province)
    programme = await programme_figures(store, province)
    chart = await asyncio.to_thread(render_stats_chart, stats, lang, programme)  # CPU-bound: off the event loop
    return chart, stats_text(stats, lang, programme, await store.messenger_figures(province))


async def programme_figures(store: Store, province_code: str | None) -> ProgrammeFigures:
    return ProgrammeFigures(await store.assessment_figures(province_code), await store.advice_figures(province_code),
                            await store.training_figures(province_code), await store.exhibition_figures(province_code),
                            await store.showcase_figures(province_code), await store.roster_figures(province_code))


def stats_text(stats: Stats, lang: str, programme: ProgrammeFigures | None = None,
               messengers: MessengerFigures | None = None) -> str:
    """The post's figures; applications by messenger once any applicant is on Bale (both messengers served)."""
    place = (stats.province_fa if lang == "fa" else stats.province_en) or label(lang, "stats.country")
    return render(lang, "stats/post", s=stats, p=programme, m=messengers, place=place,
                  year=JalaliDate.to_jalali(stats.as_of).year)


async def send_post(bot: Bot, chat_id: int, chart: bytes, text: str) -> None:
    if visible_length(text) <= CAPTION_LIMIT:
        await bot.send_photo(chat_id, chart, caption=text)
        return
    await bot.send_photo(chat_id, chart)
    await bot.send_message(chat_id, text)


async def publish(bot: Bot, store: Store, channel: Channel, admin_ids: frozenset[int]) -> str | None:
    """Post to one channel; on failure mark it, tell the admins, and return the error (None when it went out)."""
    chart, text = await stats_post(store, channel.scope, channel.language)
    return await deliver_post(bot, store, channel, chart, text, admin_ids)


async def deliver_post(bot: Bot, store: Store, channel: Channel, chart: bytes, text: str,
                       admin_ids: frozenset[int]) -> str | None:
    try:
        await send_post(bot, channel.chat_id, chart, text)
    except (Forbidden, BadRequest) as error:  # removed from the channel, not an admin any more, chat gone
        problem = error.message
    except TelegramError as error:  # still failing after the rate limiter's retries
        problem = f"{type(error).__name__}: {error.message}"
    else:
        await store.mark_channel(channel, None)
        logger.info("statistics posted to the %s %s channel", channel.scope, channel.platform)
        return None
    await store.mark_channel(channel, problem)
    logger.warning("statistics post to the %s %s channel failed: %s", channel.scope, channel.platform, problem)
    await alert_admins(bot, store, admin_ids, channel, problem)
    return problem


async def alert_admins(bot: Bot, store: Store, admin_ids: frozenset[int], channel: Channel, problem: str) -> None:
    for admin_id in sorted(admin_ids):
        user = await store.get_user(admin_id)
        lang = user.language if user else "fa"
        try:
            await bot.send_message(admin_id, render(lang, "channels/failed_alert", title=channel.title,
                                                    place=await place_name(store, channel.scope, lang),
                                                    error=problem))
        except TelegramError:
            logger.warning("could not alert admin %s about a failing channel", admin_id)


async def place_name(store: Store, scope: str, lang: str) -> str:
    province = await store.get_province(scope) if scope != NATIONAL else None
    return getattr(province, f"name_{lang}") if province else label(lang, "stats.country")


# -- the daily schedule ---------------------------------------------------------------------------


def job_name(scope: str) -> str:
    return f"stats:{scope}"


def schedule_daily_post(app: Application[Any, Any, Any, Any, Any, Any], scope: str) -> None:
    """(Re)create the channel's daily post at STATS_TIME in TIMEZONE; one job per channel."""
    assert app.job_queue is not None
    config = app.bot_data["config"]
    for job in app.job_queue.get_jobs_by_name(job_name(scope)):
        job.schedule_removal()
    app.job_queue.run_daily(post_daily, config.stats_time.replace(tzinfo=config.timezone), name=job_name(scope),
                            data=scope)


def unschedule_daily_post(app: Application[Any, Any, Any, Any, Any, Any], scope: str) -> None:
    assert app.job_queue is not None
    for job in app.job_queue.get_jobs_by_name(job_name(scope)):
        job.schedule_removal()


async def schedule_all(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """At start-up: the jobs live in memory, the channels in the database."""
    store: Store = app.bot_data["store"]
    for scope in {channel.scope for channel in await store.list_channels()}:
        schedule_daily_post(app, scope)


async def post_daily(context: Ctx) -> None:
    """One job per scope posts to its channel on every messenger (each through its own bot: the bot routes)."""
    assert context.job is not None
    for channel in await context.store.list_channels(ChannelPurpose.STATS, str(context.job.data)):
        with sending_in_bulk():
            await publish(context.bot, context.store, channel, context.config.admin_ids)


# -- commands -------------------------------------------------------------------------------------


async def _scope(context: Ctx, text: str) -> str | None:
    if normalize(text).lower() in (NATIONAL, "کشور", "همه"):
        return NATIONAL
    province = await find_province(context, text)
    return province.code if province else None


@admin_command
async def set_channel(update: Update, context: Ctx, message: Message, user: User) -> None:
    """/setchannel <province|all> <@username or -100… id> [en] [showcase]"""
    lang = context.lang
    args = [normalize(arg) for arg in context.args or []]
    language, purpose = "fa", ChannelPurpose.STATS
    while args and args[-1].lower() in ("en", "fa", *PURPOSE_WORDS):  # in either order: «en showcase»
        word = args.pop().lower()
        if word in PURPOSE_WORDS:
            purpose = PURPOSE_WORDS[word]
        else:
            language = word
    if len(args) < 2:
        await message.reply_text(render(lang, "channels/usage"))
        return
    target, where = args[-1], " ".join(args[:-1])
    scope = await _scope(context, where)
    if scope is None:
        await message.reply_text(render(lang, "admin/unknown_province", given=where[:40]))
        return
    if scope == NATIONAL and purpose == ChannelPurpose.SHOWCASE:
        await message.reply_text(render(lang, "channels/showcase_per_province"))
        return
    numeric = target.lstrip("-").isascii() and target.lstrip("-").isdigit() and 0 < abs(int(target)) < BALE_OFFSET
    # A typed id is a chat of the messenger it was typed on; an @username is looked up by this bot too.
    chat_ref: int | str = person_id(context.platform, int(target)) if numeric else target
    try:
        chat = await context.bot.get_chat(chat_ref)
        if chat.type != ChatType.CHANNEL:
            await message.reply_text(render(lang, "channels/not_a_channel", target=target[:40]))
            return
        member = await context.bot.get_chat_member(chat.id, context.bot.id)
    except (BadRequest, Forbidden):
        await message.reply_text(render(lang, "channels/not_found", target=target[:40]))
        return
    can_post = member.status == ChatMemberStatus.ADMINISTRATOR and getattr(member, "can_post_messages", False)
    if not can_post:
        await message.reply_text(render(lang, "channels/not_admin", title=chat.title or target))
        return
    channel = await context.store.set_channel(scope, chat.id, chat.title or target, language, user.id, purpose)
    logger.info("admin %s set the %s %s channel", user.id, scope, purpose)
    place = await place_name(context.store, scope, lang)
    if purpose == ChannelPurpose.SHOWCASE:
        await message.reply_text(render(lang, "channels/set_showcase", title=channel.title, place=place))
        return
    schedule_daily_post(context.application, scope)
    await message.reply_text(render(lang, "channels/set", title=channel.title, place=place,
                                    time=context.config.stats_time.strftime("%H:%M")))


@admin_command
async def unset_channel(update: Update, context: Ctx, message: Message, user: User) -> None:
    """/unsetchannel <province|all> [showcase]"""
    lang = context.lang
    args = [normalize(arg) for arg in context.args or []]
    purpose = PURPOSE_WORDS[args.pop().lower()] if args and args[-1].lower() in PURPOSE_WORDS \
        else ChannelPurpose.STATS
    scope = await _scope(context, " ".join(args))
    if scope is None:
        await message.reply_text(render(lang, "channels/usage"))
        return
    place = await place_name(context.store, scope, lang)
    # The channel on the messenger this was typed on: each bot administers its own messenger's channels.
    if not await context.store.unset_channel(scope, context.platform, user.id, purpose):
        await message.reply_text(render(lang, "channels/none_for", place=place))
        return
    if purpose == ChannelPurpose.STATS and not await context.store.list_channels(ChannelPurpose.STATS, scope):
        unschedule_daily_post(context.application, scope)
    await message.reply_text(render(lang, "channels/unset", place=place))


@admin_command
async def list_channels(update: Update, context: Ctx, message: Message, user: User) -> None:
    text, markup = await channels_page(context, 1)
    await message.reply_text(text, reply_markup=markup)


async def channels_page(context: Ctx, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """Every channel, statistics and showcase, with the purpose of each."""
    lang = context.lang
    items = [{"channel": channel, "place": await place_name(context.store, channel.scope, lang),
              "purpose": label(lang, f"channel_purpose.{channel.purpose.value}"),
              "messenger": label(lang, f"messenger.{channel.platform}")}
             for channel in await context.store.list_channels(None)]
    text, page, pages = render_page(
        items, lambda chunk, page, pages: render(lang, "channels/list", items=chunk, page=page, pages=pages), page)
    return text, page_keyboard(lang, "channels", "", page, pages)


async def turn_channels_page(update: Update, context: Ctx) -> None:
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    if not context.is_admin(user.id):
        refuse("channels page", user.id)
        await query.answer(label(context.lang, "alert.not_allowed"), show_alert=True)
        return
    await query.answer()
    text, markup = await channels_page(context, Page.parse(query.data).page)
    with suppress(BadRequest):  # the page pressed is the page shown: "message is not modified"
        await show_in_place(update, context, text, markup)


async def show_stats(update: Update, context: Ctx) -> None:
    """/stats [province|all]: the same post, privately. Officers see their province; admins any."""
    message = update.effective_message
    user = update.effective_user
    chat = update.effective_chat
    assert message is not None and user is not None and chat is not None
    lang = context.lang
    wanted = " ".join(context.args or [])
    if context.is_admin(user.id):
        scope = await _scope(context, wanted) if wanted else NATIONAL
        if scope is None:
            await message.reply_text(render(lang, "admin/unknown_province", given=normalize(wanted)[:40]))
            return
    else:
        officer = await officer_of(context, user.id)
        if officer is None or officer.province_code is None:
            refuse("stats", user.id)
            await message.reply_text(render(lang, "channels/stats_not_allowed"))
            return
        if wanted and await _scope(context, wanted) != officer.province_code:  # all, or another province
            refuse("stats (other scope)", user.id)
            await message.reply_text(render(lang, "channels/stats_admins_only"))
            return
        scope = officer.province_code
    chart, text = await stats_post(context.store, scope, lang)
    await send_post(context.bot, chat.id, chart, text)


@admin_command
async def broadcast(update: Update, context: Ctx, message: Message, user: User) -> None:
    """/broadcast [province|all]: post to the channels now, in the background."""
    lang = context.lang
    wanted = " ".join(context.args or [])
    channels = await context.store.list_channels()
    if wanted:
        scope = await _scope(context, wanted)
        channels = [channel for channel in channels if channel.scope == scope]
    if not channels:
        await message.reply_text(render(lang, "channels/no_channels"))
        return
    await message.reply_text(render(lang, "channels/broadcast_started", count=len(channels)))
    # A task, not an await: other users' updates go on while the posts go out.
    context.application.create_task(_broadcast(context, user.id, lang, channels), update=update,
                                    name=f"{BACKGROUND}broadcast")


async def broadcast_to(bot: Bot, store: Store, channels: list[Channel]) -> list[str]:
    """Render every post (one at a time: CPU), then send them all at once and let the rate limiter pace them.

    Returns the titles of the channels that failed."""
    posts = [await stats_post(store, channel.scope, channel.language) for channel in channels]
    with sending_in_bulk():  # the tasks gather makes inherit the mark
        outcomes = await asyncio.gather(*(deliver_post(bot, store, channel, chart, text, frozenset())
                                          for channel, (chart, text) in zip(channels, posts, strict=True)))
    return [channel.title for channel, problem in zip(channels, outcomes, strict=True) if problem is not None]


async def _broadcast(context: Ctx, admin_id: int, lang: str, channels: list[Channel]) -> None:
    started = datetime.now()
    failed = await broadcast_to(context.bot, context.store, channels)
    logger.info("broadcast to %d channels took %.1fs", len(channels), (datetime.now() - started).total_seconds())
    await context.bot.send_message(admin_id, render(lang, "channels/broadcast_done",
                                                    sent=len(channels) - len(failed), failed=failed))


def handlers() -> list[BaseHandler[Update, Ctx, Any]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("setchannel", set_channel, filters=private),
        CommandHandler("unsetchannel", unset_channel, filters=private),
        CommandHandler("channels", list_channels, filters=private),
        CommandHandler("stats", show_stats, filters=private),
        CommandHandler("broadcast", broadcast, filters=private),
        CallbackQueryHandler(turn_channels_page, pattern=Page.pattern("channels")),
    ]
