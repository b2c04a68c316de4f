"""/advice: an applicant asks the advisers of their province (the province of their latest application, or one
they choose): a topic by button, the question typed (up to QUESTION_MAX characters, stored as typed), then
sent once confirmed. The answer comes back with 👍 / 👎 and «پرسش بعدی», a follow-up in the same thread.

A named persistent conversation kept in advice_drafts (bot/persistence.py). It runs before the form (its own
group, see bot/app.py), so a question typed in the middle of an application is never read as a form answer;
any command leaves it (the question is not sent) and goes on to its own handler.
"""

import logging
from typing import Any

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from domain import validators
from handlers.access import refuse
from handlers.advice_view import (
    QUESTION_MAX,
    answer_keyboard,
    answer_text,
    confirm_keyboard,
    province_keyboard,
    province_name,
    topic_keyboard,
    topic_name,
)
from handlers.callbacks import AdviceButton
from handlers.context import Ctx
from handlers.in_place import show_in_place
from handlers.keyboards import menu_and_form_labels
from handlers.states import AdviceAsk
from messages import all_labels, label, render
from storage.records import AdviceDraft

logger = logging.getLogger(__name__)

ASK_CONVERSATION = "advice_ask"


async def start_advice(update: Update, context: Ctx) -> None:
    """/advice: the topic first; the province too, for someone with no application to take it from."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    lang = context.lang
    await context.store.ensure_user(user.id, lang)
    province = await context.store.latest_province(user.id)
    if province is None:
        await context.store.save_advice_draft(AdviceDraft(user.id, AdviceAsk.PROVINCE))
        await message.reply_text(render(lang, "advice/ask_province"),
                                 reply_markup=province_keyboard(lang, await context.store.list_provinces()))
        raise ApplicationHandlerStop(AdviceAsk.PROVINCE)
    await context.store.save_advice_draft(AdviceDraft(user.id, AdviceAsk.TOPIC, province_code=province))
    await message.reply_text(render(lang, "advice/ask_topic"), reply_markup=topic_keyboard(lang))
    raise ApplicationHandlerStop(AdviceAsk.TOPIC)


async def current_draft(update: Update, context: Ctx) -> AdviceDraft:
    """The question being written; a press or a message with none (deleted meanwhile) ends the conversation."""
    user = update.effective_user
    assert user is not None
    draft = await context.store.get_advice_draft(user.id)
    if draft is None:
        if update.callback_query is not None:
            await update.callback_query.answer(label(context.lang, "alert.expired"), show_alert=True)
        raise ApplicationHandlerStop(ConversationHandler.END)
    return draft


async def pick_province(update: Update, context: Ctx) -> AdviceAsk:
    query = update.callback_query
    assert query is not None and query.data is not None
    draft = await current_draft(update, context)
    province = await context.store.get_province(AdviceButton.parse(query.data).value)
    if province is None:  # a forged code: the buttons only offer real provinces
        await query.answer(label(context.lang, "alert.not_allowed"), show_alert=True)
        raise ApplicationHandlerStop(AdviceAsk.PROVINCE)
    await query.answer()
    await context.store.save_advice_draft(AdviceDraft(draft.user_id, AdviceAsk.TOPIC, province_code=province.code))
    await show_in_place(update, context, render(context.lang, "advice/ask_topic"), topic_keyboard(context.lang))
    raise ApplicationHandlerStop(AdviceAsk.TOPIC)


async def pick_topic(update: Update, context: Ctx) -> AdviceAsk:
    query = update.callback_query
    assert query is not None and query.data is not None
    draft = await current_draft(update, context)
    topic = AdviceButton.parse(query.data).value
    await query.answer()
    await context.store.save_advice_draft(AdviceDraft(draft.user_id, AdviceAsk.QUESTION, draft.province_code, topic))
    await query.edit_message_text(render(context.lang, "advice/ask_question", topic=topic_name(context.lang, topic),
                                         most=QUESTION_MAX, follow_up=False))
    raise ApplicationHandlerStop(AdviceAsk.QUESTION)


async def receive_question(update: Update, context: Ctx) -> AdviceAsk:
    """The typed question (again, to replace it, at the confirmation): shown back to be sent."""
    message = update.effective_message
    assert message is not None and message.text is not None
    lang = context.lang
    draft = await current_draft(update, context)
    question = validators.message_text(message.text, QUESTION_MAX)
    if isinstance(question, validators.Invalid):
        await message.reply_text(render(lang, "advice/bad_question", most=QUESTION_MAX, length=len(message.text),
                                        empty=question.code == "text.empty"))
        raise ApplicationHandlerStop(AdviceAsk(draft.state))
    await context.store.save_advice_draft(AdviceDraft(draft.user_id, AdviceAsk.CONFIRM, draft.province_code,
                                                      draft.topic, question, draft.follows_id))
    await message.reply_text(render(lang, "advice/confirm", question=question,
                                    topic=topic_name(lang, draft.topic or "")), reply_markup=confirm_keyboard(lang))
    raise ApplicationHandlerStop(AdviceAsk.CONFIRM)


async def send_question(update: Update, context: Ctx) -> int:
    query = update.callback_query
    assert query is not None
    lang = context.lang
    draft = await current_draft(update, context)
    assert draft.province_code is not None and draft.topic is not None and draft.question is not None
    await query.answer()
    question, advisers = await context.store.ask_advice(draft.user_id, draft.province_code, draft.topic,
                                                        draft.question, draft.follows_id)
    logger.info("advice question %s asked by %s (%d advisers)", question.id, draft.user_id, advisers)
    context.kick_courier()
    province = await context.store.get_province(question.province_code)
    await query.edit_message_text(render(lang, "advice/sent", advisers=advisers, q=question,
                                         province=province_name(lang, province, question.province_code)))
    raise ApplicationHandlerStop(ConversationHandler.END)


async def edit_question(update: Update, context: Ctx) -> AdviceAsk:
    query = update.callback_query
    assert query is not None
    draft = await current_draft(update, context)
    await query.answer()
    await context.store.save_advice_draft(AdviceDraft(draft.user_id, AdviceAsk.QUESTION, draft.province_code,
                                                      draft.topic, None, draft.follows_id))
    await query.edit_message_text(render(context.lang, "advice/ask_question", most=QUESTION_MAX,
                                         topic=topic_name(context.lang, draft.topic or ""),
                                         follow_up=draft.follows_id is not None))
    raise ApplicationHandlerStop(AdviceAsk.QUESTION)


async def drop_question(update: Update, context: Ctx) -> int:
    """✖ under the typed question, or /cancel at any step: nothing is sent."""
    query = update.callback_query
    user = update.effective_user
    assert user is not None
    await context.store.delete_advice_draft(user.id)
    if query is not None:
        await query.answer()
        await query.edit_message_text(render(context.lang, "advice/dropped"))
    else:
        await context.bot.send_message(user.id, render(context.lang, "advice/dropped"))
    raise ApplicationHandlerStop(ConversationHandler.END)


async def leave_on_command(update: Update, context: Ctx) -> int:
    """A command or the menu's apply button: the unsent question goes, and the update goes on to its handler."""
    user = update.effective_user
    assert user is not None
    await context.store.delete_advice_draft(user.id)
    return ConversationHandler.END


async def ask_follow_up(update: Update, context: Ctx) -> AdviceAsk:
    """«پرسش بعدی» under an answer: a question in the same thread (same province and topic)."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    question = await context.store.get_question(AdviceButton.parse(query.data).question_id)
    if question is None or question.asker_id != user.id or question.answer is None:
        refuse("advice follow-up", user.id, AdviceButton.parse(query.data).value)
        await query.answer(label(context.lang, "alert.not_allowed"), show_alert=True)
        raise ApplicationHandlerStop(None)
    await query.answer()
    await context.store.save_advice_draft(AdviceDraft(user.id, AdviceAsk.QUESTION, question.province_code,
                                                      question.topic, follows_id=question.id))
    await context.bot.send_message(user.id, render(context.lang, "advice/ask_question", most=QUESTION_MAX,
                                                   topic=topic_name(context.lang, question.topic), follow_up=True))
    raise ApplicationHandlerStop(AdviceAsk.QUESTION)


async def rate_answer(update: Update, context: Ctx) -> None:
    """👍 / 👎 under an answer: only its asker's press counts; a second press changes the rating."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    pressed = AdviceButton.parse(query.data)
    rating = 1 if pressed.action == "up" else -1
    if not await context.store.rate_answer(pressed.question_id, user.id, rating):
        refuse("rate advice", user.id, pressed.value)
        await query.answer(label(context.lang, "alert.not_allowed"), show_alert=True)
        return
    await query.answer(label(context.lang, "advice.thanks"))
    question = await context.store.get_question(pressed.question_id)
    assert question is not None
    await show_in_place(update, context, answer_text(context.lang, question), answer_keyboard(context.lang, question))


def ask_conversation() -> ConversationHandler[Ctx]:
    private = filters.ChatType.PRIVATE
    typed = private & filters.TEXT & ~filters.COMMAND & ~filters.Text(menu_and_form_labels())  # not a menu button

    def on(action: str, callback: Any) -> CallbackQueryHandler[Ctx, Any]:
        return CallbackQueryHandler(callback, pattern=AdviceButton.pattern(action))

    return ConversationHandler(
        name=ASK_CONVERSATION, persistent=True, allow_reentry=True,
        entry_points=[CommandHandler("advice", start_advice, filters=private), on("more", ask_follow_up)],
        states={
            AdviceAsk.PROVINCE: [on("prv", pick_province)],
            AdviceAsk.TOPIC: [on("topic", pick_topic)],
            AdviceAsk.QUESTION: [MessageHandler(typed, receive_question)],
            AdviceAsk.CONFIRM: [on("send", send_question), on("edit", edit_question),
                                MessageHandler(typed, receive_question)],
        },
        fallbacks=[
            on("drop", drop_question),
            CommandHandler("cancel", drop_question, filters=private),
            MessageHandler(private & (filters.COMMAND | filters.Text(all_labels("main.apply"))), leave_on_command),
        ],
    )


def handlers() -> list[BaseHandler[Update, Ctx, Any]]:
    return [CallbackQueryHandler(rate_answer, pattern=rf"^v1:adv:(up|down):{AdviceButton.VALUES['up']}\Z")]
