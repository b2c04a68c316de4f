"""Commands everyone has: /start, /help, /lang, the main menu, and the catch-alls."""

import logging
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from domain.lifecycle import AWAITING_OFFICER
from handlers.access import adviser_of, officer_of
from handlers.callbacks import SetLanguage
from handlers.command_menus import refresh_person_menu
from handlers.context import Ctx
from handlers.keyboards import language_picker, main_menu
from messages import LANGUAGES, all_labels, label, render

logger = logging.getLogger(__name__)


async def remember_user(update: Update, context: Ctx) -> None:
    """Runs before every handler: load what the bot keeps in memory about the user, once per process."""
    user = update.effective_user
    if user is None or context.user_data is None or "lang" in context.user_data:
        return
    session = await context.store.load_session(user.id)
    context.remember_language(session.user.language if session else context.config.default_language)
    if session is not None and session.display_name != user.first_name:
        await context.store.remember_name(user.id, user.first_name)


async def welcome(update: Update, context: Ctx) -> None:
    user = update.effective_user
    message = update.effective_message
    assert user is not None and message is not None
    record = await context.store.ensure_user(user.id, context.lang)
    await context.store.remember_name(user.id, user.first_name)  # a newcomer's row did not exist for remember_user
    context.remember_language(record.language)
    text = render(context.lang, "common/welcome", first_name=user.first_name)
    await message.reply_text(with_role_sections(text, await role_sections(context, user.id)),
                             reply_markup=main_menu(context.lang))


async def show_help(update: Update, context: Ctx) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    text = with_role_sections(render(context.lang, "common/help"), await role_sections(context, user.id))
    await message.reply_text(text, reply_markup=main_menu(context.lang))


async def role_sections(context: Ctx, user_id: int) -> list[str]:
    """What an officer (their commands and how many applications await them), an adviser (theirs and how many
    questions await an adviser) or an admin has beyond
    everyone's commands; nothing for everyone else. Read from the store now: a role may have just changed."""
    lang = context.lang
    sections = []
    officer = await officer_of(context, user_id)
    if officer is not None and officer.province_code is not None:
        _, pending = await context.store.list_by_stage(officer.province_code, AWAITING_OFFICER, 1)
        province = await context.store.get_province(officer.province_code)
        sections.append(render(lang, "common/help_officer", pending=pending,
                               province=getattr(province, f"name_{lang}", officer.province_code)))
    adviser = await adviser_of(context, user_id)
    if adviser is not None:
        _, waiting = await context.store.list_open_questions(adviser.province_code, 0, untaken_only=True)
        province = await context.store.get_province(adviser.province_code)
        sections.append(render(lang, "common/help_adviser", waiting=waiting,
                               province=getattr(province, f"name_{lang}", adviser.province_code)))
    if context.is_admin(user_id):
        sections.append(render(lang, "common/help_admin"))
    return sections


def with_role_sections(text: str, sections: list[str]) -> str:
    return "\n\n".join([text, *sections])


async def show_my_id(update: Update, context: Ctx) -> None:
    """/myid: anyone's numeric id, to give to an admin who appoints officers by it."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    await message.reply_text(render(context.lang, "common/my_id", user_id=user.id, viewer=context.platform))


async def answer_unknown_command(update: Update, context: Ctx) -> None:
    message = update.effective_message
    assert message is not None
    text = render(context.lang, "common/unknown_command") + "\n\n" + render(context.lang, "common/help")
    await message.reply_text(text, reply_markup=main_menu(context.lang))


async def answer_stray_text(update: Update, context: Ctx) -> None:
    """Text outside any conversation: point to the menu rather than staying silent."""
    message = update.effective_message
    assert message is not None
    await message.reply_text(render(context.lang, "common/use_menu"), reply_markup=main_menu(context.lang))


async def ask_language(update: Update, context: Ctx) -> None:
    """/lang shows a picker; /lang en (or fa) switches at once."""
    message = update.effective_message
    assert message is not None
    wanted = (context.args or [""])[0].lower()
    if wanted in LANGUAGES:
        await switch_language(update, context, wanted)
        return
    await message.reply_text(render(context.lang, "common/choose_language"), reply_markup=language_picker())


async def toggle_language(update: Update, context: Ctx) -> None:
    """The menu's one-tap language button switches to the other language."""
    other = "en" if context.lang == "fa" else "fa"
    await switch_language(update, context, other)


async def pick_language(update: Update, context: Ctx) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    language = SetLanguage.parse(query.data).language
    await query.answer()
    await query.edit_message_text(label(language, "language.chosen"))
    await switch_language(update, context, language)


async def switch_language(update: Update, context: Ctx, language: str) -> None:
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None and chat is not None
    await context.store.set_language(user.id, language)
    context.remember_language(language)
    if context.is_admin(user.id) or await officer_of(context, user.id) is not None \
            or await adviser_of(context, user.id) is not None:  # their own menu, relabelled
        await refresh_person_menu(context, user.id)
    logger.debug("language set to %s", language)
    await context.bot.send_message(
        chat.id, render(language, "common/language_set"), reply_markup=main_menu(language)
    )


async def answer_nothing_to_cancel(update: Update, context: Ctx) -> None:
    """/cancel with no form open (inside one, the form's own /cancel answers)."""
    message = update.effective_message
    assert message is not None
    await message.reply_text(render(context.lang, "common/nothing_to_cancel"), reply_markup=main_menu(context.lang))


async def answer_expired_button(update: Update, context: Ctx) -> None:
    """A press on a button no handler accepts: an old message or an older callback version."""
    query = update.callback_query
    assert query is not None
    await query.answer(label(context.lang, "alert.expired"), show_alert=True)


def handlers() -> list[BaseHandler[Update, Ctx, Any]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("start", welcome, filters=private),
        CommandHandler("help", show_help, filters=private),
        CommandHandler("myid", show_my_id, filters=private),
        CommandHandler("lang", ask_language, filters=private),
        CommandHandler("cancel", answer_nothing_to_cancel, filters=private),
        MessageHandler(private & filters.Text(all_labels("menu.help")), show_help),
        MessageHandler(private & filters.Text(all_labels("menu.switch_language")), toggle_language),
        CallbackQueryHandler(pick_language, pattern=SetLanguage.PATTERN),
    ]


def catch_alls() -> list[BaseHandler[Update, Ctx, Any]]:
    """Registered after every flow, so they only see what nothing else took."""
    private = filters.ChatType.PRIVATE
    return [
        MessageHandler(private & filters.COMMAND, answer_unknown_command),
        MessageHandler(private & filters.TEXT, answer_stray_text),
        CallbackQueryHandler(answer_expired_button),
    ]


def user_loader() -> BaseHandler[Update, Ctx, Any]:
    return TypeHandler(Update, remember_user)
