"""How a showcase post looks (its caption, the officers' card, the report link) and how it leaves a channel.

One caption template serves the holder's review, the officers' card and the channel, so what the officer
approves is what buyers read; every typed value in it goes through render()'s escaping.
"""

import logging
from contextlib import suppress

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden

from handlers.callbacks import ShowcaseAct
from messages import label, render
from storage import Store
from storage.records import Application, ContactKind, PostStatus, ShowcasePost

logger = logging.getLogger(__name__)

REPORT_PREFIX = "sr-"  # /start sr-<post id>: a buyer's report, opened from the channel's «گزارش» button


def caption(lang: str, name: str, price_toman: int, contact_kind: ContactKind, contact: str | None,
            application: Application | ShowcasePost) -> str:
    """The post as buyers read it: the product, its price, the permit's category and number, how to order."""
    return render(lang, "showcase/caption", product=name, price=price_toman, kind=contact_kind.value, contact=contact,
                  category=getattr(application, f"category_{lang}"), number=application.permit_number)


def post_caption(lang: str, post: ShowcasePost) -> str:
    return caption(lang, post.name, post.price_toman, post.contact_kind, post.contact, post)


def status_label(lang: str, post: ShowcasePost) -> str:
    return label(lang, f"showcase.status.{post.status.value}")


def report_payload(post_id: int) -> str:
    return f"{REPORT_PREFIX}{post_id}"


def report_keyboard(lang: str, report_link: str) -> InlineKeyboardMarkup:
    """The channel's «گزارش» button: it opens a private chat with the bot, where the buyer picks a reason."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(label(lang, "showcase.report_button"),
                                                       url=report_link)]])


def decision_keyboard(lang: str, post_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(label(lang, "showcase.approve"), callback_data=ShowcaseAct(post_id, "approve").pack()),
        InlineKeyboardButton(label(lang, "showcase.refuse"), callback_data=ShowcaseAct(post_id, "refuse").pack()),
    ]])


def take_down_keyboard(lang: str, post_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label(lang, "showcase.take_down"),
                                                       callback_data=ShowcaseAct(post_id, "down").pack())]])


def cancel_keyboard(lang: str, post_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label(lang, "form.cancel"),
                                                       callback_data=ShowcaseAct(post_id, "nvm").pack())]])


async def refresh_cards(bot: Bot, store: Store, post: ShowcasePost) -> None:
    """Every officer's card of the post says what became of it, without buttons (nobody decides twice)."""
    for officer_id, message_id in await store.list_showcase_cards(post.id):
        officer = await store.get_user(officer_id)
        lang = officer.language if officer else "fa"
        text = render(lang, "showcase/card_closed", post=post, status=status_label(lang, post))
        with suppress(BadRequest, Forbidden):  # deleted by the officer, or they blocked the bot
            await bot.edit_message_text(text, chat_id=officer_id, message_id=message_id, reply_markup=None)


async def take_off_channel(bot: Bot, post: ShowcasePost) -> bool:
    """Delete every message of the post from its channel; whether all of them went (a bot may not delete
    what it cannot: an admin who took its rights, or Telegram's limits on old messages)."""
    if post.status != PostStatus.APPROVED or post.channel_id is None:
        return True  # never reached a channel
    deleted = True
    for message_id in post.channel_messages:
        try:
            await bot.delete_message(post.channel_id, message_id)
        except (BadRequest, Forbidden) as error:
            logger.warning("showcase post %s: message %s not deleted from its channel: %s", post.id, message_id,
                           error.message)
            deleted = False
    return deleted
