"""The first handler every update meets: what the bot does not take part in, and per-user flood control.

An update delivered twice is handled once. Edited messages and channel posts are ignored (an edit cannot
sensibly change an answer already taken); group chats get one short note when someone sends a command, since
the bot works in private chats only.
"""

import logging
from collections import deque
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, BaseHandler, TypeHandler

from domain.flood import FloodGate, Verdict
from handlers.context import Ctx
from messages import render

logger = logging.getLogger(__name__)


class RecentUpdates:
    """The last few thousand update ids: Bale's getUpdates may deliver an update twice, and a form answer
    applied twice would answer the next question too."""

    def __init__(self, size: int = 4096) -> None:
        self._order: deque[int] = deque(maxlen=size)
        self._seen: set[int] = set()

    def first_time(self, update_id: int) -> bool:
        if update_id in self._seen:
            return False
        if len(self._order) == self._order.maxlen:
            self._seen.discard(self._order[0])
        self._order.append(update_id)
        self._seen.add(update_id)
        return True


async def guard(update: Update, context: Ctx) -> None:
    recent: RecentUpdates = context.bot_data.setdefault("recent_updates", RecentUpdates())
    if not recent.first_time(update.update_id):
        logger.info("update %s delivered again; ignored", update.update_id)
        raise ApplicationHandlerStop
    if update.edited_message or update.channel_post or update.edited_channel_post:
        raise ApplicationHandlerStop
    chat = update.effective_chat
    if chat is not None and chat.type != ChatType.PRIVATE:
        message = update.message
        if message is not None and message.text and message.text.startswith("/"):
            await message.reply_text(render(context.config.default_language, "common/private_only"))
        raise ApplicationHandlerStop
    if update.callback_query is not None and not update.callback_query.data:
        # No button sends empty data; PTB would match such a press to every pattern, so it stops here.
        await update.callback_query.answer()
        raise ApplicationHandlerStop
    user = update.effective_user
    if user is None:
        return
    flood: FloodGate = context.bot_data["flood"]
    verdict = flood.admit(user.id)
    if verdict is Verdict.PASS:
        return
    if verdict is Verdict.WARN:
        logger.info("user %s is flooding; quiet for %ss", user.id, flood.cooldown)
        if update.effective_message is not None:
            await update.effective_message.reply_text(render(context.lang, "common/slow_down"))
    if update.callback_query is not None:
        await update.callback_query.answer()
    raise ApplicationHandlerStop


def handler() -> BaseHandler[Update, Ctx, Any]:
    return TypeHandler(Update, guard)
