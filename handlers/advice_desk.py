"""Advisers at work: «پاسخ می‌دهم» on a question card (the first press takes it), the answer owed in their next
message, ✖ to give it back, and /questions (the province's questions nobody has taken yet).

Every press and answer re-checks, at that moment, that the caller is an adviser of the question's province
and not its asker; the store checks it again inside the write. The owed answer is a small persistent
conversation (name ANSWER_CONVERSATION, kept in advice_prompts; bot/persistence.py), before the flows.
"""

import logging
from contextlib import suppress
from datetime import timedelta
from typing import Any

from telegram import Message, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from domain import validators
from handlers.access import adviser_command, adviser_of, refuse
from handlers.advice_view import ANSWER_MAX, question_card, release_keyboard, topic_name
from handlers.callbacks import AdviceButton
from handlers.context import Ctx
from handlers.in_place import replace_message
from handlers.keyboards import menu_and_form_labels
from handlers.officer import ANSWER_TIMEOUT as OFFICER_ANSWER_TIMEOUT
from handlers.states import AdviceOwed
from messages import all_labels, label, render
from storage.records import AdviceCardRef, AdviceQuestion, Adviser

logger = logging.getLogger(__name__)

ANSWER_CONVERSATION = "adviser_answer"
ANSWER_MINUTES = 30  # an answer takes longer to write than an officer's reason
ANSWER_TIMEOUT = timedelta(minutes=ANSWER_MINUTES)  # then the question goes back to the other advisers
CARDS_SHOWN = 5  # /questions: the oldest questions nobody has taken, as cards


async def refresh_question_cards(context: Ctx, question: AdviceQuestion) -> None:
    """Edit every card of the question that an adviser of its province still holds to what it is now."""
    for card in await context.store.list_advice_cards(question.id):
        adviser = await adviser_of(context, card.adviser_id, question.province_code)
        if adviser is None:  # removed or moved: their old copy gets no news
            continue
        text, markup = await question_card(context.store, adviser.language, question, adviser.telegram_id)
        try:
            shown_in = await replace_message(context, card.adviser_id, card.message_id, text, markup)
        except (BadRequest, Forbidden) as error:  # deleted, unchanged, or the adviser blocked the bot
            logger.debug("card of question %s for adviser %s not edited: %s", question.id, card.adviser_id,
                         error.message)
            continue
        if shown_in != card.message_id:  # sent again (EDIT_KEYBOARDS=resend): later changes go to the new one
            await context.store.move_advice_card(card, shown_in)


async def allowed_question(context: Ctx, user_id: int, question_id: int,
                           what: str) -> tuple[AdviceQuestion, Adviser] | str:
    """The question and the caller, if the caller is now an adviser of its province and did not ask it; else
    the label of the refusal (logged, ids only)."""
    question = await context.store.get_question(question_id)
    adviser = None if question is None else await adviser_of(context, user_id, question.province_code)
    if question is None or adviser is None:
        refuse(what, user_id, question_id)
        return "alert.not_allowed"
    if question.asker_id == user_id:
        refuse(f"{what} (own question)", user_id, question_id)
        return "advice.own_question"
    return question, adviser


async def take_question(update: Update, context: Ctx) -> None:
    """«پاسخ می‌دهم»: the first adviser to press it takes the question; everyone else's card says who did."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    lang = context.lang
    checked = await allowed_question(context, user.id, AdviceButton.parse(query.data).question_id, "take advice")
    if isinstance(checked, str):
        await query.answer(label(lang, checked), show_alert=True)
        raise ApplicationHandlerStop(None)  # an answer owed for another question stays owed
    question, _ = checked
    officer_prompt = await context.store.get_officer_prompt(user.id)
    if officer_prompt is not None and context.store.now() - officer_prompt.created_at <= OFFICER_ANSWER_TIMEOUT:
        # An officer who advises owes one typed answer at a time: their reason or amount first (or its ✖).
        await query.answer(label(lang, "advice.officer_answer_first"), show_alert=True)
        raise ApplicationHandlerStop(None)
    if question.taken_by is None and question.answer is None:
        await give_way(context, user.id, keeping=question.id)
        question = await context.store.take_question(question.id, user.id) or question
    if question.taken_by != user.id or question.answer is not None:  # answered, or another adviser was quicker
        await query.answer(label(lang, "advice.taken", name=question.taken_by_name or "—"), show_alert=True)
        await refresh_question_cards(context, question)
        raise ApplicationHandlerStop(None)
    await query.answer()
    logger.info("advice question %s taken by %s", question.id, user.id)
    await refresh_question_cards(context, question)
    asked = await context.bot.send_message(
        user.id, render(lang, "advice/ask_answer", q=question, topic=topic_name(lang, question.topic),
                        minutes=ANSWER_MINUTES, most=ANSWER_MAX),
        reply_markup=release_keyboard(lang, question.id))
    await context.store.note_advice_prompt_message(user.id, asked.message_id)
    raise ApplicationHandlerStop(AdviceOwed.ANSWER)


async def give_way(context: Ctx, user_id: int, keeping: int) -> None:
    """Before taking a question: another question the adviser took and has not answered goes back to the
    others, so their next message has one meaning."""
    prompt = await context.store.get_advice_prompt(user_id)
    if prompt is not None and prompt.question_id != keeping:
        await release(context, user_id, prompt.question_id, prompt.message_id)


async def release(context: Ctx, adviser_id: int, question_id: int, message_id: int | None) -> None:
    """Give the question back to the province's advisers: their cards offer «پاسخ می‌دهم» again."""
    await context.store.release_question(question_id, adviser_id)
    if message_id is not None:
        with suppress(BadRequest):  # deleted or too old: nothing to take away
            await context.bot.edit_message_reply_markup(adviser_id, message_id, reply_markup=None)
    question = await context.store.get_question(question_id)
    if question is not None:
        await refresh_question_cards(context, question)


async def receive_answer(update: Update, context: Ctx) -> AdviceOwed:
    """The adviser's next message after taking a question: its answer, stored as typed and sent to the asker."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and message.text is not None and user is not None
    lang = context.lang
    prompt = await context.store.get_advice_prompt(user.id)
    if prompt is None:  # given back meanwhile: removed as an adviser, say
        await message.reply_text(render(lang, "advice/not_allowed"))
        raise ApplicationHandlerStop(ConversationHandler.END)
    if context.store.now() - prompt.created_at > ANSWER_TIMEOUT:  # also across a restart
        await release(context, user.id, prompt.question_id, prompt.message_id)
        await message.reply_text(render(lang, "advice/answer_expired", minutes=ANSWER_MINUTES))
        raise ApplicationHandlerStop(ConversationHandler.END)
    checked = await allowed_question(context, user.id, prompt.question_id, "answer advice")
    if isinstance(checked, str):
        await release(context, user.id, prompt.question_id, prompt.message_id)
        await message.reply_text(render(lang, "advice/not_allowed"))
        raise ApplicationHandlerStop(ConversationHandler.END)
    answer = validators.message_text(message.text, ANSWER_MAX)
    if isinstance(answer, validators.Invalid):
        await message.reply_text(render(lang, "advice/bad_answer", most=ANSWER_MAX, length=len(message.text)),
                                 reply_markup=release_keyboard(lang, prompt.question_id))
        raise ApplicationHandlerStop(AdviceOwed.ANSWER)
    answered = await context.store.answer_question(prompt.question_id, user.id, answer)
    if prompt.message_id is not None:
        with suppress(BadRequest):
            await context.bot.edit_message_reply_markup(user.id, prompt.message_id, reply_markup=None)
    if answered is None:  # released meanwhile (removed and appointed again, say): not theirs any more
        await message.reply_text(render(lang, "advice/not_allowed"))
        raise ApplicationHandlerStop(ConversationHandler.END)
    logger.info("advice question %s answered by %s", answered.id, user.id)
    context.kick_courier()
    await refresh_question_cards(context, answered)
    await message.reply_text(render(lang, "advice/answer_sent", q=answered))
    raise ApplicationHandlerStop(ConversationHandler.END)


async def release_by_button(update: Update, context: Ctx) -> int | None:
    """✖ under the request to type: the question goes back to the others."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    prompt = await context.store.get_advice_prompt(user.id)
    if prompt is None or prompt.question_id != AdviceButton.parse(query.data).question_id:  # an older request's
        await query.answer(label(context.lang, "alert.expired"), show_alert=True)
        await query.edit_message_reply_markup(None)
        raise ApplicationHandlerStop(None)
    await query.answer()
    await release(context, user.id, prompt.question_id, None)
    await query.edit_message_text(render(context.lang, "advice/released"))
    raise ApplicationHandlerStop(ConversationHandler.END)


async def release_on_command(update: Update, context: Ctx) -> int:
    """A command, or the menu's apply button: the question goes back to the others, and the update goes on to
    its own handler (no ApplicationHandlerStop)."""
    user = update.effective_user
    message = update.effective_message
    assert user is not None and message is not None
    prompt = await context.store.get_advice_prompt(user.id)
    if prompt is not None:
        await release(context, user.id, prompt.question_id, prompt.message_id)
        await message.reply_text(render(context.lang, "advice/released"))
    return ConversationHandler.END


async def answer_timed_out(update: Update, context: Ctx) -> None:
    """ANSWER_TIMEOUT passed without an answer (while running; after a restart `receive_answer` checks)."""
    user = update.effective_user
    assert user is not None
    prompt = await context.store.get_advice_prompt(user.id)
    if prompt is not None:
        await release(context, user.id, prompt.question_id, prompt.message_id)
        await context.bot.send_message(user.id, render(context.lang, "advice/answer_expired", minutes=ANSWER_MINUTES))


def owed_answer() -> ConversationHandler[Ctx]:
    """The conversation of an owed answer; runs before the flows (its own group, see bot/app.py)."""
    private = filters.ChatType.PRIVATE
    typed = private & filters.TEXT & ~filters.COMMAND & ~filters.Text(menu_and_form_labels())  # never a menu button
    return ConversationHandler(
        name=ANSWER_CONVERSATION, persistent=True, allow_reentry=True,
        entry_points=[CallbackQueryHandler(take_question, pattern=AdviceButton.pattern("take"))],
        states={
            AdviceOwed.ANSWER: [MessageHandler(typed, receive_answer)],
            ConversationHandler.TIMEOUT: [TypeHandler(Update, answer_timed_out)],
        },
        fallbacks=[
            CallbackQueryHandler(release_by_button, pattern=AdviceButton.pattern("release")),
            MessageHandler(private & (filters.COMMAND | filters.Text(all_labels("main.apply"))), release_on_command),
        ],
        conversation_timeout=ANSWER_TIMEOUT,
    )


@adviser_command
async def show_questions(update: Update, context: Ctx, message: Message, adviser: Adviser) -> None:
    """/questions: how many of the province's questions nobody has taken, and the oldest as cards."""
    lang = context.lang
    questions, total = await context.store.list_open_questions(adviser.province_code, CARDS_SHOWN, untaken_only=True)
    questions = [q for q in questions if q.asker_id != adviser.telegram_id]  # their own: another adviser answers it
    await message.reply_text(render(lang, "advice/questions", total=total, shown=len(questions)))
    for question in questions:
        text, markup = await question_card(context.store, lang, question, adviser.telegram_id)
        card = await message.reply_text(text, reply_markup=markup)
        await context.store.save_advice_card(AdviceCardRef(question.id, adviser.telegram_id, card.message_id))


def handlers() -> list[BaseHandler[Update, Ctx, Any]]:
    return [CommandHandler("questions", show_questions, filters=filters.ChatType.PRIVATE)]
