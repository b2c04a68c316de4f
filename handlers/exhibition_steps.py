"""Where someone is in an exhibition conversation, written through to the store at every step.

The conversation_steps table (storage/step_store.py) is the one source of truth for these conversations
(bot/persistence.py hands the states back to PTB after a restart); a step reads the answers, changes them and
writes them back.
"""

from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from handlers.context import Ctx
from messages import render

EXHIBITION_FORM = "exhibition_form"  # an officer's /addexhibition
BOOTH_FORM = "booth_form"  # a holder's booth request
BOOTH_REASON = "booth_reason"  # an officer's owed reason for refusing a request
REASON_TIMEOUT = timedelta(minutes=10)  # as an officer's other owed answers (handlers/officer.py)

Answers = dict[str, Any]


async def answers(context: Ctx, user_id: int, conversation: str) -> Answers:
    step = await context.store.get_step(conversation, user_id)
    return dict(step.data) if step else {}


async def save(context: Ctx, user_id: int, conversation: str, state: str, data: Answers) -> None:
    await context.store.save_step(conversation, user_id, state, data)


async def forget(context: Ctx, user_id: int, conversation: str) -> None:
    await context.store.delete_step(conversation, user_id)


async def cancel(update: Update, context: Ctx, conversation: str, template: str) -> int:
    """/cancel or ✖: the answers are forgotten, the pressed message loses its buttons, and `template` says so."""
    user = update.effective_user
    assert user is not None
    await forget(context, user.id, conversation)
    if update.callback_query is not None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_reply_markup(None)
    await context.bot.send_message(user.id, render(context.lang, template))
    return ConversationHandler.END
