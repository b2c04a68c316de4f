"""Officers and the showcase: approving a post for the province's channel, refusing one or taking a reported
one down with a reason (an owed answer, as after ❌ on an application card).

At every press and every typed reason the caller is checked again: an officer of the post's province who
is not its holder (same account, national ID or mobile as the permit); the callback data only names what
was pressed. The owed reason is a persistent conversation (REASON_CONVERSATION, kept in conversation_steps)
that runs before the flows (group -1).
"""

import logging
from contextlib import suppress
from typing import Any, NoReturn

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from domain import validators
from handlers.access import officer_of, refuse
from handlers.callbacks import ShowcaseAct
from handlers.channels import place_name
from handlers.context import Ctx
from handlers.officer import ANSWER_MINUTES, ANSWER_TIMEOUT, drop_question, menu_button, question_timed_out
from handlers.permits import permit_status
from handlers.showcase_view import cancel_keyboard, refresh_cards, take_off_channel
from handlers.states import ShowcaseOwed
from messages import label, render
from storage.errors import PostConflict
from storage.records import ChannelPurpose, PostStatus, ShowcasePost

logger = logging.getLogger(__name__)

REASON_CONVERSATION = "showcase_reason"
# What each action needs the post to be: approve and refuse decide a pending post; take down ends a live one.
NEEDS = {"approve": PostStatus.PENDING, "refuse": PostStatus.PENDING, "down": PostStatus.APPROVED}


async def authorize_post(context: Ctx, user_id: int, post_id: int, action: str) -> ShowcasePost | str:
    """The post, if the caller may act on it now; else the alert's label. Refusals are logged (ids only);
    a conflict of interest is audited on the permit as well."""
    post = await context.store.get_showcase_post(post_id)
    if post is None or await officer_of(context, user_id, post.province_code) is None:
        refuse(f"showcase {action}", user_id, post_id)
        return "alert.not_allowed"
    if await context.store.is_own_application(user_id, post.application_id):
        refuse(f"showcase {action} (own post)", user_id, post_id)
        await context.store.record_refusal(post.application_id, user_id, f"showcase_{action}")
        return "showcase.own_post"
    if post.status != NEEDS[action]:
        await refresh_cards(context.bot, context.store, post)
        return "showcase.decided_already"
    return post


async def approve(update: Update, context: Ctx) -> None:
    """✅ on a post's card: it goes to the province's showcase channel; without one, the officer is told
    what to ask an admin for, and the post waits."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and query.data is not None and user is not None
    lang = context.lang
    checked = await authorize_post(context, user.id, ShowcaseAct.parse(query.data).post_id, "approve")
    if isinstance(checked, str):
        await query.answer(label(lang, checked), show_alert=True)
        return
    permit = await context.store.get_application(checked.application_id)
    if permit is None or permit_status(context, permit) != "valid":  # revoked or expired since it was sent
        await query.answer(label(lang, "showcase.permit_invalid"), show_alert=True)
        return
    channel = await context.store.first_channel(checked.province_code, ChannelPurpose.SHOWCASE)
    if channel is None:
        await query.answer()
        await context.bot.send_message(user.id, render(lang, "showcase/no_channel", province=checked.province_code,
                                                       place=await place_name(context.store, checked.province_code,
                                                                              lang)))
        return
    try:
        post = await context.store.decide_showcase_post(checked.id, user.id, channel_id=channel.chat_id)
    except PostConflict:
        await query.answer(label(lang, "showcase.decided_already"), show_alert=True)
        return
    await query.answer(label(lang, "alert.done"))
    logger.info("showcase post %s approved by officer %s", post.id, user.id)
    context.kick_courier()
    await refresh_cards(context.bot, context.store, post)


# -- the owed reason after refusing or taking down ----------------------------------------------------


async def ask_reason(update: Update, context: Ctx) -> NoReturn:
    query, user = update.callback_query, update.effective_user
    assert query is not None and query.data is not None and user is not None
    pressed = ShowcaseAct.parse(query.data)
    checked = await authorize_post(context, user.id, pressed.post_id, pressed.action)
    if isinstance(checked, str):
        await query.answer(label(context.lang, checked), show_alert=True)
        raise ApplicationHandlerStop(None)  # an open question about another post stays open
    await query.answer()
    await retire_question(context, user.id)
    asked = await context.bot.send_message(user.id, render(context.lang, "showcase/ask_reason", post=checked,
                                                           action=pressed.action),
                                           reply_markup=cancel_keyboard(context.lang, checked.id))
    await context.store.save_step(REASON_CONVERSATION, user.id, ShowcaseOwed.REASON,
                                          {"post": checked.id, "action": pressed.action, "message": asked.message_id})
    raise ApplicationHandlerStop(ShowcaseOwed.REASON)


async def receive_reason(update: Update, context: Ctx) -> NoReturn:
    message, user = update.effective_message, update.effective_user
    assert message is not None and message.text is not None and user is not None
    lang = context.lang
    owed = await context.store.get_step(REASON_CONVERSATION, user.id)
    if owed is None or context.store.now() - owed.updated_at > ANSWER_TIMEOUT:  # also across a restart
        await retire_question(context, user.id)
        await message.reply_text(render(lang, "officer/answer_expired", minutes=ANSWER_MINUTES))
        raise ApplicationHandlerStop(ConversationHandler.END)
    post_id, action = int(owed.data["post"]), str(owed.data["action"])
    reason = validators.free_text(message.text, max_length=300, min_length=3)
    if isinstance(reason, validators.Invalid):
        await message.reply_text(render(lang, "officer/bad_reason"), reply_markup=cancel_keyboard(lang, post_id))
        raise ApplicationHandlerStop(ShowcaseOwed.REASON)
    await retire_question(context, user.id)
    checked = await authorize_post(context, user.id, post_id, action)  # again: a role or a post may have changed
    if isinstance(checked, str):
        await message.reply_text(label(lang, checked))
        raise ApplicationHandlerStop(ConversationHandler.END)
    try:
        if action == "refuse":
            post = await context.store.decide_showcase_post(post_id, user.id, reason=reason)
            deleted = True
        else:
            live = await context.store.close_showcase_post(post_id, user.id, PostStatus.TAKEN_DOWN, reason)
            deleted = await take_off_channel(context.bot, live)
            post = await context.store.get_showcase_post(post_id) or live
    except PostConflict:
        await message.reply_text(label(lang, "showcase.decided_already"))
        raise ApplicationHandlerStop(ConversationHandler.END) from None
    logger.info("showcase post %s %s by officer %s", post_id, post.status, user.id)
    context.kick_courier()
    await refresh_cards(context.bot, context.store, post)
    await message.reply_text(render(lang, "showcase/closed_ok", post=post, action=action, deleted=deleted))
    raise ApplicationHandlerStop(ConversationHandler.END)


async def cancel_reason(update: Update, context: Ctx) -> NoReturn:
    """The question's ✖ button."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and query.data is not None and user is not None
    owed = await context.store.get_step(REASON_CONVERSATION, user.id)
    if owed is None or owed.data["post"] != ShowcaseAct.parse(query.data).post_id:  # an older question's button
        await query.answer(label(context.lang, "alert.expired"), show_alert=True)
        await query.edit_message_reply_markup(None)
        raise ApplicationHandlerStop(None)
    await context.store.delete_step(REASON_CONVERSATION, user.id)
    await query.answer()
    await query.edit_message_text(render(context.lang, "officer/input_cancelled"))
    raise ApplicationHandlerStop(ConversationHandler.END)


async def retire_question(context: Ctx, officer_id: int) -> bool:
    """Forget the officer's open question about a post, if any, and take its ✖ away; whether there was one."""
    owed = await context.store.get_step(REASON_CONVERSATION, officer_id)
    if owed is None:
        return False
    await context.store.delete_step(REASON_CONVERSATION, officer_id)
    with suppress(BadRequest):  # deleted or too old: nothing to take away
        await context.bot.edit_message_reply_markup(officer_id, int(owed.data["message"]), reply_markup=None)
    return True


def owed_reason() -> ConversationHandler[Ctx]:
    """The conversation of an owed reason about a post; runs before the flows (group -1)."""
    private = filters.ChatType.PRIVATE
    typed = private & filters.TEXT & ~filters.COMMAND & ~menu_button()
    return ConversationHandler(
        name=REASON_CONVERSATION, persistent=True, allow_reentry=True,
        entry_points=[CallbackQueryHandler(ask_reason, pattern=ShowcaseAct.pattern("refuse", "down"))],
        states={
            ShowcaseOwed.REASON: [MessageHandler(typed, receive_reason)],
            ConversationHandler.TIMEOUT: [TypeHandler(Update, question_timed_out(retire_question))],
        },
        fallbacks=[
            CallbackQueryHandler(cancel_reason, pattern=ShowcaseAct.pattern("nvm")),
            MessageHandler(private & (filters.COMMAND | menu_button()), drop_question(retire_question)),
        ],
        conversation_timeout=ANSWER_TIMEOUT,
    )


def handlers() -> list[BaseHandler[Update, Ctx, Any]]:
    return [CallbackQueryHandler(approve, pattern=ShowcaseAct.pattern("approve"))]
