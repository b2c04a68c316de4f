"""The last line of defence: one log line per failure, a friendly reply, nothing personal logged."""

import logging

from telegram import Update
from telegram.error import TelegramError

from handlers.context import Ctx
from messages import render

logger = logging.getLogger(__name__)


async def on_error(update: object, context: Ctx) -> None:
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    user_id = update.effective_user.id if isinstance(update, Update) and update.effective_user else None
    # Only ids and the traceback: update contents and user_data may hold national IDs and phones.
    logger.error("update %s from user %s failed", update_id, user_id, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None or update.effective_chat.type != "private":
        return
    try:
        await context.bot.send_message(update.effective_chat.id, render(context.lang, "errors/unexpected"))
    except TelegramError:
        logger.warning("could not tell user %s about the failure", user_id)
