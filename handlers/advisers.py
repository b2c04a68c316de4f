"""Admins appoint advisers per province, as they do officers: `/addadviser <user id> <province>`, or without a
province the province list, or alone the «انتخاب کاربر» button (request_users) where the platform has it;
`/removeadviser <user id>`. An adviser may also be an officer (a role beside users.role)."""

import logging
from typing import Any

from telegram import Message, Update
from telegram import User as TelegramUser
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from domain.normalize import normalize
from handlers import appoint
from handlers.access import admin_command
from handlers.admin import find_province
from handlers.advice_desk import refresh_question_cards
from handlers.callbacks import AppointAdviserTo
from handlers.command_menus import refresh_person_menu
from handlers.context import Ctx
from messages import render
from storage import Province

logger = logging.getLogger(__name__)


def adviser_button(user_id: int, province_code: str) -> str:
    return AppointAdviserTo(user_id, province_code).pack()


@admin_command
async def add_adviser(update: Update, context: Ctx, message: Message, user: TelegramUser) -> None:
    """/addadviser <user id> <province>; without a province, the province list; alone, the person's button."""
    lang = context.lang
    args = normalize(" ".join(context.args or [])).split(" ", 1) if context.args else []
    if not args:
        await appoint.ask_for_person(context, message, appoint.PICK_ADVISER, "admin/appoint_adviser_who")
        return
    adviser_id = appoint.typed_person(context, args[0])
    if adviser_id is None:
        await message.reply_text(render(lang, "admin/addadviser_usage"))
        return
    if len(args) == 1:
        await ask_for_province(context, message, adviser_id)
        return
    province = await find_province(context, args[1])
    if province is None:
        await message.reply_text(render(lang, "admin/unknown_province", given=args[1][:40]))
        return
    await message.reply_text(await appoint_adviser(context, user.id, adviser_id, province))


async def ask_for_province(context: Ctx, message: Message, user_id: int) -> None:
    await appoint.ask_for_province(context, message, user_id, adviser_button, "admin/appoint_adviser_where")


@admin_command
async def person_shared(update: Update, context: Ctx, message: Message, admin: TelegramUser) -> None:
    """The «انتخاب کاربر» button's answer, after /addadviser alone."""
    assert message.users_shared is not None
    [shared, *_] = message.users_shared.users
    await ask_for_province(context, message, shared.user_id)


async def province_picked(update: Update, context: Ctx) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    pressed = AppointAdviserTo.parse(query.data)
    await appoint.appoint_picked(update, context, pressed.user_id, pressed.province_code, appoint_adviser)


async def appoint_adviser(context: Ctx, admin_id: int, adviser_id: int, province: Province) -> str:
    """Make the user an adviser of the province and welcome them (the province's waiting questions follow as
    cards); what the admin is told."""
    lang = context.lang
    adviser = await context.store.set_adviser(adviser_id, province.code, admin_id, context.config.default_language)
    logger.info("admin %s made %s an adviser of %s", admin_id, adviser_id, province.code)
    await refresh_person_menu(context, adviser_id)
    reached = await appoint.welcome(context, adviser_id, render(
        adviser.language, "advice/welcome", province=getattr(province, f"name_{adviser.language}")))
    context.kick_courier()  # the questions waiting for an adviser
    return render(lang, "admin/adviser_added", user_id=adviser_id, viewer=context.platform, reached=reached,
                  province=getattr(province, f"name_{lang}"))


@admin_command
async def remove_adviser(update: Update, context: Ctx, message: Message, user: TelegramUser) -> None:
    """/removeadviser <user id>: the questions they had taken go back to the province's other advisers."""
    lang = context.lang
    adviser_id = appoint.typed_person(context, " ".join(context.args or []))
    if adviser_id is None:
        await message.reply_text(render(lang, "admin/removeadviser_usage"))
        return
    removed = await context.store.remove_adviser(adviser_id, user.id)
    if removed is None:
        await message.reply_text(render(lang, "admin/not_an_adviser", user_id=adviser_id, viewer=context.platform))
        return
    former, released = removed
    logger.info("admin %s removed adviser %s", user.id, former.telegram_id)
    for question_id in released:
        question = await context.store.get_question(question_id)
        if question is not None:
            await refresh_question_cards(context, question)
    await refresh_person_menu(context, former.telegram_id)
    province = await context.store.get_province(former.province_code)
    await message.reply_text(render(lang, "admin/adviser_removed", user_id=former.telegram_id, viewer=context.platform,
                                    province=getattr(province, f"name_{lang}", former.province_code)))


def handlers() -> list[BaseHandler[Update, Ctx, Any]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("addadviser", add_adviser, filters=private),
        CommandHandler("removeadviser", remove_adviser, filters=private),
        MessageHandler(private & appoint.PickedPerson(appoint.PICK_ADVISER), person_shared),
        CallbackQueryHandler(province_picked, pattern=AppointAdviserTo.PATTERN),
    ]
