"""What exhibitions tell people outside the chat they happen in: the outbox senders (announcements, booth
decisions, the day-before reminder), the province channel's posts (the announcement, and after the deadline
the list of booths), and the jobs that queue the reminders and post the lists.

Channel posts name businesses by their category and city only (README: what the public list shows), never a
holder's name, phone, permit number or description.
"""

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application

from handlers.callbacks import ExhibitionButton
from handlers.channels import alert_admins
from handlers.context import Ctx, sending_in_bulk
from messages import label, render
from messages.markup import pack_pages
from storage.records import Application as PermitApplication
from storage.records import Channel, ChannelPurpose, Exhibition, OutboxKind, OutboxMessage

if TYPE_CHECKING:
    from handlers.delivery import Courier

logger = logging.getLogger(__name__)

CHECK_EVERY = timedelta(hours=1)
BOOTH_TEMPLATES = {OutboxKind.BOOTH_ACCEPTED: "exhibitions/booth_accepted",
                   OutboxKind.BOOTH_REFUSED: "exhibitions/booth_refused",
                   OutboxKind.BOOTH_REMINDER: "exhibitions/booth_reminder"}


def apply_button(lang: str, exhibition_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        label(lang, "exhibition.apply"), callback_data=ExhibitionButton("apply", str(exhibition_id)).pack())]])


# -- outbox senders (handlers/delivery.py SENDERS) ---------------------------------------------------


async def send_announcement(courier: "Courier", user_id: int, application: PermitApplication,
                            message: OutboxMessage) -> None:
    """A new exhibition for the holder's category; not sent if they turned announcements off since."""
    exhibition = await courier.store.get_exhibition(int(message.payload["exhibition_id"]))
    if exhibition is None or not await courier.store.wants_announcements(user_id):
        return
    lang = await courier.language(user_id)
    await courier.bot.send_message(user_id, render(lang, "exhibitions/announcement", e=exhibition),
                                   reply_markup=apply_button(lang, exhibition.id))


async def send_booth_decision(courier: "Courier", user_id: int, application: PermitApplication,
                              message: OutboxMessage) -> None:
    """Accepted (with the booth number and the details), refused (with the reason), or the day-before reminder."""
    request = await courier.store.get_booth_request(int(message.payload["request_id"]))
    exhibition = await courier.store.get_exhibition(request.exhibition_id) if request else None
    if request is None or exhibition is None:
        return
    lang = await courier.language(user_id)
    await courier.bot.send_message(user_id, render(lang, BOOTH_TEMPLATES[message.kind], e=exhibition, r=request))


# -- the channel -------------------------------------------------------------------------------------


async def post_in_channels(context: Ctx, province_code: str, texts_for: Callable[[Channel], list[str]]) -> bool:
    """Post to each of the province's channels (one per messenger), as bulk work, the texts made for it; a
    failure marks that channel and tells the admins (as the statistics posts do). Whether any went out."""
    posted = False
    for channel in await context.store.list_channels(ChannelPurpose.STATS, province_code):
        try:
            with sending_in_bulk():
                for text in texts_for(channel):
                    await context.bot.send_message(channel.chat_id, text)
        except (Forbidden, BadRequest) as error:
            problem = error.message
        except TelegramError as error:
            problem = f"{type(error).__name__}: {error.message}"
        else:
            posted = True
            continue
        await context.store.mark_channel(channel, problem)
        logger.warning("exhibition post to the %s %s channel failed: %s", channel.scope, channel.platform, problem)
        await alert_admins(context.bot, context.store, context.config.admin_ids, channel, problem)
    return posted


def bot_username(context: Ctx, channel: Channel) -> str:
    """The bot readers of `channel` reach on their messenger."""
    return str(context.bot_data["bots"].get(channel.platform, context.bot).username)


async def announce_in_channel(context: Ctx, exhibition: Exhibition) -> None:
    await post_in_channels(context, exhibition.province_code, lambda channel: [
        render(channel.language, "exhibitions/channel_announcement", e=exhibition, bot=bot_username(context, channel))])


async def post_booth_list(context: Ctx, exhibition: Exhibition) -> None:
    """After the deadline, once: the booths in order, by business (category and city), in pages."""
    if not await context.store.mark_list_posted(exhibition.id):
        return
    booths = await context.store.list_booths(exhibition.id)

    def texts(channel: Channel) -> list[str]:
        def page_text(chunk: Any, page: int, pages: int) -> str:
            return render(channel.language, "exhibitions/booth_list", e=exhibition, booths=chunk, page=page,
                          pages=pages)

        slices = pack_pages(booths, lambda chunk: page_text(chunk, 1, 1))
        return [page_text(booths[start:end], page, len(slices)) for page, (start, end) in enumerate(slices, 1)]

    await post_in_channels(context, exhibition.province_code, texts)


# -- jobs --------------------------------------------------------------------------------------------


async def look_after_exhibitions(context: Ctx) -> None:
    """Hourly: queue the day-before reminders (once per exhibition), post the lists whose deadline passed."""
    if await context.store.queue_booth_reminders():
        context.kick_courier()
    for exhibition in await context.store.exhibitions_past_deadline():
        await post_booth_list(context, exhibition)


def schedule(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    assert app.job_queue is not None
    app.job_queue.run_repeating(look_after_exhibitions, interval=CHECK_EVERY, first=timedelta(minutes=4),
                                name="look_after_exhibitions")
