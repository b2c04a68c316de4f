"""Appointing officers without typing ids: /addofficer alone shows a «انتخاب کاربر» keyboard button (Telegram's
request_users), or the admin forwards the person's contact; then the province list. Where the platform has no
request_users (Bale: `Config.features.request_users`), the contact or the numeric id does. Each step carries
what it needs (the shared user, the contact's user id, the callback data), so no conversation state is kept;
the admin is checked at every step."""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    KeyboardButtonRequestUsers,
    Message,
    ReplyKeyboardMarkup,
    Update,
)
from telegram import User as TelegramUser
from telegram.error import BadRequest, Forbidden
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from domain.identity import parse_person
from domain.normalize import normalize
from handlers.access import admin_command, refuse
from handlers.callbacks import AppointTo
from handlers.command_menus import refresh_person_menu
from handlers.context import Ctx
from messages import label, render
from storage import Province

logger = logging.getLogger(__name__)

PICK_OFFICER = 1  # request_id of the «انتخاب کاربر» button: its answer (users_shared) names an officer
PICK_ADVISER = 2  # the same for an adviser (/addadviser alone, handlers/advisers.py)
PROVINCES_PER_ROW = 3


def typed_person(context: Ctx, text: str) -> int | None:
    """The person an admin typed: `123` on the admin's own messenger, `bale:123` (or `telegram:123`) on the other
    one, in any digits; None when it is no id."""
    return parse_person(normalize(text), context.platform)


def officer_button(user_id: int, province_code: str) -> str:
    return AppointTo(user_id, province_code).pack()


async def ask_for_person(context: Ctx, message: Message, request_id: int = PICK_OFFICER,
                         template: str = "admin/appoint_who") -> None:
    """Who is to be appointed: the «انتخاب کاربر» button answering with `request_id` (an officer by default,
    an adviser in handlers/advisers.py), where the platform has it; `template` asks."""
    lang = context.lang
    if not context.config.features.request_users:
        await message.reply_text(render(lang, template, button=False))
        return
    button = KeyboardButton(label(lang, "appoint.pick_user"), request_users=KeyboardButtonRequestUsers(
        request_id, user_is_bot=False, max_quantity=1))
    await message.reply_text(render(lang, template, button=True),
                             reply_markup=ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True))


async def ask_for_province(context: Ctx, message: Message, user_id: int,
                           pack: Callable[[int, str], str] = officer_button,
                           template: str = "admin/appoint_where") -> None:
    """The province buttons, each packed by `pack(user id, province code)` (an officer's by default)."""
    lang = context.lang
    provinces = await context.store.list_provinces()
    buttons = [InlineKeyboardButton(getattr(province, f"name_{lang}"), callback_data=pack(user_id, province.code))
               for province in provinces]
    rows = [buttons[i:i + PROVINCES_PER_ROW] for i in range(0, len(buttons), PROVINCES_PER_ROW)]
    await message.reply_text(render(lang, template, user_id=user_id, viewer=context.platform),
                             reply_markup=InlineKeyboardMarkup(rows))


@admin_command
async def person_shared(update: Update, context: Ctx, message: Message, admin: TelegramUser) -> None:
    """The «انتخاب کاربر» button's answer."""
    assert message.users_shared is not None
    [shared, *_] = message.users_shared.users
    await ask_for_province(context, message, shared.user_id)


@admin_command
async def contact_shared(update: Update, context: Ctx, message: Message, admin: TelegramUser) -> None:
    """A forwarded contact: its Telegram account, if the contact has one."""
    assert message.contact is not None
    if message.contact.user_id is None or message.contact.user_id == admin.id:  # a phone book entry, or oneself
        await message.reply_text(render(context.lang, "admin/appoint_no_account",
                                        button=context.config.features.request_users))
        return
    await ask_for_province(context, message, message.contact.user_id)


# Appoints someone (admin id, their id, the province) and says what the admin is told.
Appoint = Callable[[Ctx, int, int, Province], Awaitable[str]]


async def province_picked(update: Update, context: Ctx) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    pressed = AppointTo.parse(query.data)
    await appoint_picked(update, context, pressed.user_id, pressed.province_code, appoint_officer)


async def appoint_picked(update: Update, context: Ctx, user_id: int, province_code: str, appoint: Appoint) -> None:
    """A province button after choosing the person: an admin and a real province, checked at the press."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    if not context.is_admin(user.id):
        refuse("appoint", user.id)
        await query.answer(label(context.lang, "alert.not_allowed"), show_alert=True)
        return
    province = await context.store.get_province(province_code)
    if province is None:
        refuse("appoint (unknown province)", user.id, province_code)
        await query.answer(label(context.lang, "alert.not_allowed"), show_alert=True)
        return
    await query.answer()
    await query.edit_message_text(await appoint(context, user.id, user_id, province))


async def appoint_officer(context: Ctx, admin_id: int, officer_id: int, province: Province) -> str:
    """Make the user an officer of the province and welcome them; what the admin is told."""
    lang = context.lang
    officer = await context.store.set_officer(officer_id, province.code, admin_id, context.config.default_language)
    logger.info("admin %s made %s an officer of %s", admin_id, officer_id, province.code)
    await refresh_person_menu(context, officer_id)
    reached = await welcome(context, officer_id, render(officer.language, "officer/welcome",
                                                        province=getattr(province, f"name_{officer.language}")))
    text = render(lang, "admin/officer_added", user_id=officer_id, viewer=context.platform, reached=reached,
                  province=getattr(province, f"name_{lang}"))
    if not reached:
        text += "\n" + render(lang, "admin/officer_unreachable")
    return text


async def welcome(context: Ctx, user_id: int, text: str) -> bool:
    """Greet someone just appointed; whether it reached them."""
    try:
        await context.bot.send_message(user_id, text)
    except (Forbidden, BadRequest) as error:  # never started the bot, blocked it, or no such user
        logger.info("could not welcome %s: %s", user_id, error.message)
        return False
    return True


class PickedPerson(filters.MessageFilter):
    """users_shared from the «انتخاب کاربر» button of one request_id (an officer's, an adviser's)."""

    def __init__(self, request_id: int) -> None:
        super().__init__()
        self.request_id = request_id

    def filter(self, message: Message) -> bool:
        return message.users_shared is not None and message.users_shared.request_id == self.request_id


def handlers(admin_ids: frozenset[int]) -> list[BaseHandler[Update, Ctx, Any]]:
    """Contacts from admins only (anyone else's are left to the catch-alls), and outside the form, whose own
    step takes an applicant's number first; `contact_shared` checks the admin again at the moment."""
    private = filters.ChatType.PRIVATE
    return [
        MessageHandler(private & PickedPerson(PICK_OFFICER), person_shared),
        MessageHandler(private & filters.CONTACT & filters.User(user_id=admin_ids), contact_shared),
        CallbackQueryHandler(province_picked, pattern=AppointTo.PATTERN),
    ]
