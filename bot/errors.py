"""The last line of defence: one log line per failure, a friendly reply, nothing personal logged."""

import logging
import traceback

from telegram import Update
from telegram.error import NetworkError, TelegramError

from handlers.context import Ctx
from messages import render

logger = logging.getLogger(__name__)


async def on_error(update: object, context: Ctx) -> None:
    error = context.error
    if update is None and isinstance(error, NetworkError):  # polling failed: PTB retries with a growing delay
        logger.warning("Bot API unreachable while polling (%s); retrying", type(error).__name__)
        return
    update_id = update.update_id if isinstance(update, Update) else None
    user_id = update.effective_user.id if isinstance(update, Update) and update.effective_user else None
    # Ids, the exception's type and where it happened; not its message, which may quote what someone typed
    # (a national ID, a phone), nor the update or user_data.
    where = "".join(traceback.format_tb(error.__traceback__)) if error is not None else ""
    logger.error("update %s from user %s failed: %s\n%s", update_id, user_id, type(error).__name__, where.rstrip())
    if not isinstance(update, Update) or update.effective_chat is None or update.effective_chat.type != "private":
        return
    try:
        await context.bot.send_message(update.effective_chat.id, render(context.lang, "errors/unexpected"))
    except TelegramError:
        logger.warning("could not tell user %s about the failure", user_id)
