"""The covered worker's side: their personal link (/start w-…) shows the supporter, the plan and the terms of
the three-party agreement in their language, and they confirm or decline.

A forged link (its signature does not hold), a replaced, expired or used one is refused with a clear message;
the store audits every refusal with ids only, and the log line carries ids only.
"""

import logging
from contextlib import suppress
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from domain.roster import INVITE_PREFIX, WorkerStatus, read_invite
from handlers.callbacks import InviteAnswer
from handlers.context import Ctx
from handlers.lifecycle_events import refresh_cards
from handlers.roster_view import status_label
from messages import label, render
from storage.records import Invitation, InviteOutcome

logger = logging.getLogger(__name__)


async def open_invite(update: Update, context: Ctx) -> None:
    """/start w-<worker>-<code>-<signature>: the agreement to confirm, or why the link cannot be used."""
    user = update.effective_user
    message = update.effective_message
    assert user is not None and message is not None
    await context.store.ensure_user(user.id, context.lang)  # they may be new here: the outbox reaches them later
    claim = read_invite((context.args or [""])[0], context.permit_secret)
    if claim is None:  # shaped like nothing we sign: a forgery too, audited without an id
        invitation = await context.store.open_invite(0, "", False, user.id)
    else:
        invitation = await context.store.open_invite(claim.worker_id, claim.code, claim.genuine, user.id)
    if invitation.outcome != InviteOutcome.OPEN:
        logger.warning("roster link refused (%s) for user %s, worker %s", invitation.outcome.value, user.id,
                       claim.worker_id if claim else None)
        await message.reply_text(render(context.lang, f"roster/link_{invitation.outcome.value}"))
        return
    assert invitation.worker is not None and invitation.plan is not None
    worker, plan = invitation.worker, invitation.plan
    lang = context.lang
    buttons = InlineKeyboardMarkup([[
        InlineKeyboardButton(label(lang, "roster.confirm"), callback_data=InviteAnswer(worker.id, worker.invite_code,
                                                                                       "yes").pack()),
        InlineKeyboardButton(label(lang, "roster.decline"), callback_data=InviteAnswer(worker.id, worker.invite_code,
                                                                                       "no").pack())]])
    await message.reply_text(render(lang, "roster/agreement", w=worker, a=plan, until=worker.invite_expires_at),
                             reply_markup=buttons)


async def answer_invite(update: Update, context: Ctx) -> None:
    """✅ or ✖ under the agreement: recorded if the link is still good for an answer from this account."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    pressed = InviteAnswer.parse(query.data)
    invitation: Invitation = await context.store.answer_invite(pressed.worker_id, pressed.code, user.id,
                                                               accept=pressed.answer == "yes")
    lang = context.lang
    if invitation.outcome != InviteOutcome.OPEN:
        logger.warning("roster answer refused (%s) for user %s, worker %s", invitation.outcome.value, user.id,
                       pressed.worker_id)
        await query.answer(label(lang, "alert.expired"), show_alert=True)
        with suppress(BadRequest):  # a forged press on a message that is not the agreement: nothing to edit
            await query.edit_message_text(render(lang, f"roster/link_{invitation.outcome.value}"))
        return
    assert invitation.worker is not None and invitation.plan is not None
    await query.answer()
    confirmed = invitation.worker.status == WorkerStatus.CONFIRMED
    logger.info("roster worker %s: %s by user %s", invitation.worker.id, invitation.worker.status.value, user.id)
    await query.edit_message_text(render(lang, "roster/answered", w=invitation.worker, a=invitation.plan,
                                         confirmed=confirmed, status=status_label(lang, invitation.worker,
                                                                                  context.store.now())))
    if confirmed:  # the officers' cards now show one more worker awaiting them
        await refresh_cards(context, invitation.plan)
    context.kick_courier()


def handlers() -> list[BaseHandler[Update, Ctx, Any]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("start", open_invite, filters=private & filters.Regex(rf"^/start {INVITE_PREFIX}")),
        CallbackQueryHandler(answer_invite, pattern=InviteAnswer.PATTERN),
    ]
