"""A message's text and buttons replaced where the person reads them: an edit on Telegram; on a platform that may
drop an inline keyboard given in an edit (Bale; EDIT_KEYBOARDS=resend) a new message with the buttons, the
old one's taken away. Nothing here reads what an edit answers: Bale answers editMessageText with a stub."""

from collections.abc import Awaitable
from contextlib import suppress
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.platforms import KeyboardEdits
from handlers.context import BACKGROUND, Ctx, sending_in_bulk


def resends(context: Ctx, chat_id: int, markup: object) -> bool:
    """Whether showing this keyboard in place in `chat_id` takes a new message (on that chat's messenger)."""
    return (isinstance(markup, InlineKeyboardMarkup) and bool(markup.inline_keyboard)
            and context.features_for(chat_id).keyboard_edits is KeyboardEdits.RESEND)


async def show_in_place(update: Update, context: Ctx, text: str, markup: InlineKeyboardMarkup | None) -> int:
    """Show `text` and `markup` instead of the pressed message; the id of the message that shows them."""
    query = update.callback_query
    assert query is not None and query.message is not None
    if not resends(context, query.message.chat.id, markup):
        await query.edit_message_text(text, reply_markup=markup)
        return query.message.message_id
    sent = await context.bot.send_message(query.message.chat.id, text, reply_markup=markup)
    in_background(context, update, context.bot.edit_message_reply_markup(query.message.chat.id,
                                                                         query.message.message_id), "retire")
    return sent.message_id


async def replace_message(context: Ctx, chat_id: int, message_id: int, text: str,
                          markup: InlineKeyboardMarkup | None) -> int:
    """The same for a message the bot keeps up to date without a press (an officer's card); the id that
    shows it now. Raises what the edit or the send raises."""
    if not resends(context, chat_id, markup):
        await context.bot.edit_message_text(text, chat_id=chat_id, message_id=message_id, reply_markup=markup)
        return message_id
    sent = await context.bot.send_message(chat_id, text, reply_markup=markup)
    with sending_in_bulk(), suppress(BadRequest):  # already gone: nothing to take away
        await context.bot.edit_message_reply_markup(chat_id, message_id)
    return sent.message_id


def in_background(context: Ctx, update: Update, call: Awaitable[Any], name: str) -> None:
    """A Bot API call nobody waits for (a callback's spinner, tidying, a record of a choice): beside the answer,
    as bulk work where it counts against a chat's budget; one too old to make (BadRequest) is dropped."""

    async def tidy() -> None:
        with sending_in_bulk(), suppress(BadRequest):  # gone, too old or unchanged: nothing to tidy
            await call

    context.application.create_task(tidy(), update=update, name=f"{BACKGROUND}{name}")
