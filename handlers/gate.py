"""The first handler every update meets: what the bot does not take part in, and per-user flood control.

An update delivered twice is handled once. Edited messages and channel posts are ignored (an edit cannot
sensibly change an answer already taken). The flood gate comes before anything is answered, in any chat;
a group gets one short note an hour when someone sends it a command, since the bot works in private chats only.
"""

import logging
from collections import deque
from collections.abc import Hashable
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, BaseHandler, TypeHandler

from domain.flood import FloodGate, HourlyQuota, Verdict
from handlers.context import Ctx
from messages import render

logger = logging.getLogger(__name__)


class RecentUpdates:
    """The last few thousand update ids: Bale's getUpdates may deliver an update twice, and a form answer
    applied twice would answer the next question too. Each messenger numbers its updates itself, so an id is
    kept with the messenger's name."""

    def __init__(self, size: int = 4096) -> None:
        self._order: deque[Hashable] = deque(maxlen=size)
        self._seen: set[Hashable] = set()

    def first_time(self, update_id: Hashable) -> bool:
        if update_id in self._seen:
            return False
        if len(self._order) == self._order.maxlen:
            self._seen.discard(self._order[0])
        self._order.append(update_id)
        self._seen.add(update_id)
        return True


async def guard(update: Update, context: Ctx) -> None:
    recent: RecentUpdates = context.bot_data.setdefault("recent_updates", RecentUpdates())
    if not recent.first_time((context.platform, update.update_id)):
        logger.info("update %s delivered again; ignored", update.update_id)
        raise ApplicationHandlerStop
    if update.edited_message or update.channel_post or update.edited_channel_post:
        raise ApplicationHandlerStop
    # Floods first, for every kind of chat: nobody's flood may cost anyone else a turn.
    user = update.effective_user
    if user is not None:
        await _hold_floods(update, context, user.id)
    chat = update.effective_chat
    if chat is not None and chat.type != ChatType.PRIVATE:
        await _note_private_only(update, context, chat.id)
        raise ApplicationHandlerStop
    if update.callback_query is not None and not update.callback_query.data:
        # No button sends empty data; PTB would match such a press to every pattern, so it stops here.
        await update.callback_query.answer()
        raise ApplicationHandlerStop


async def _hold_floods(update: Update, context: Ctx, user_id: int) -> None:
    flood: FloodGate = context.bot_data["flood"]
    verdict = flood.admit(user_id)
    if verdict is Verdict.PASS:
        return
    private = update.effective_chat is None or update.effective_chat.type == ChatType.PRIVATE
    if verdict is Verdict.WARN:
        logger.info("user %s is flooding; quiet for %ss", user_id, flood.cooldown)
        if private and update.effective_message is not None:
            await update.effective_message.reply_text(render(context.lang, "common/slow_down"))
    if update.callback_query is not None:
        await update.callback_query.answer()
    raise ApplicationHandlerStop


async def _note_private_only(update: Update, context: Ctx, chat_id: int) -> None:
    """A group gets the "private chats only" note at most once an hour, when someone sends it a command:
    group replies queue behind Telegram's per-group limit and must not hold up anyone's private chat."""
    message = update.message
    if message is None or not (message.text or "").startswith("/"):
        return
    notes: HourlyQuota = context.bot_data["group_notes"]
    if notes.take(chat_id):
        await message.reply_text(render(context.config.default_language, "common/private_only"))


def handler() -> BaseHandler[Update, Ctx, Any]:
    return TypeHandler(Update, guard)
