"""The readiness self-assessment: /assess, or «🧭 ارزیابی آمادگی» under a newly issued permit's card.

One question a screen, buttons only: each press turns the pressed message into a record of the answer and the
next question (one Bot API call a step, as the form does), and the last one into the score, the band and the
next steps. It is for the person's open application (they choose when they have several), kept with it (every
attempt), and may be taken again once `ASSESSMENT_RETAKE_DAYS` have passed. Every step is written through to
the assessment_sessions table, so a restart resumes at the same question (bot/persistence.py).
"""

import logging
from contextlib import suppress
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from domain.assessment import Question, Questionnaire
from domain.lifecycle import OPEN_STAGES
from handlers.access import refuse
from handlers.callbacks import AssessButton
from handlers.context import BACKGROUND, Ctx, sending_in_bulk
from handlers.in_place import in_background, show_in_place
from handlers.lifecycle_events import refresh_cards
from handlers.states import Assess
from messages import all_labels, label, render
from storage import NotFound, RetakeTooSoon
from storage.records import Application, AssessmentSession

logger = logging.getLogger(__name__)

CONVERSATION = "assessment"  # the persistent conversation's name (bot/persistence.py)
NextState = Assess | int | None  # the next state; None: stay where the person is (a refused or stale press)


def session_state(session: AssessmentSession) -> Assess:
    """The state a saved attempt resumes at after a restart."""
    return Assess.CHOOSE if session.application_id is None else Assess.QUESTION


def retake_after(context: Ctx) -> timedelta:
    return timedelta(days=context.config.rules.assessment_retake_days)


# -- showing a step -------------------------------------------------------------------------------


async def show(update: Update, context: Ctx, text: str, markup: InlineKeyboardMarkup | None,
               live: int | None) -> int:
    """Put the step on screen; its message id. A press on the live prompt edits it (one call); anything else
    (a command, typed text, the button under the permit card) gets a new message, and the old prompt's buttons
    go, beside the answer."""
    query = update.callback_query
    chat = update.effective_chat
    assert chat is not None
    if query is not None and query.message is not None and query.message.message_id == live:
        return await show_in_place(update, context, text, markup)  # a new message where edits drop buttons
    message = await context.bot.send_message(chat.id, text, reply_markup=markup)
    if live is not None:
        in_background(context, update, context.bot.edit_message_reply_markup(chat.id, live), "assess_retire")
    return message.message_id


def button(text: str, pressed: AssessButton) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=pressed.pack())


async def ask_which(update: Update, context: Ctx, applications: list[Application], live: int | None = None,
                    note: str | None = None) -> Assess:
    """Several open applications: which one the assessment is for."""
    user = update.effective_user
    assert user is not None
    lang = context.lang
    rows = [[button(label(lang, "assess.application", category=getattr(a, f"category_{lang}"),
                          number=a.permit_number), AssessButton("start", a.id))] for a in applications]
    rows.append([button(label(lang, "assess.cancel"), AssessButton("cancel", 0))])
    text = render(lang, "assess/choose")
    message_id = await show(update, context, f"{note}\n\n{text}" if note else text, InlineKeyboardMarkup(rows), live)
    version_id, _ = await context.store.current_questionnaire()
    await context.store.save_assessment_session(user.id, None, version_id, 0, {}, message_id)
    return Assess.CHOOSE


async def ask(update: Update, context: Ctx, application: Application, version_id: int, position: int,
              answers: dict[str, str], *, live: int | None, note: str | None = None,
              chosen: str | None = None) -> Assess:
    """The question at `position` (of those the application's sector is asked), after the answer just
    `chosen` or a `note`; written through before the person can press anything."""
    user = update.effective_user
    assert user is not None
    lang = context.lang
    questions = await asked(context, application, version_id)
    question = questions[position]
    text = render(lang, "assess/question", position=position + 1, total=len(questions), question=question.text(lang),
                  number=application.permit_number, category=getattr(application, f"category_{lang}"))
    if chosen is not None:
        text = render(lang, "registration/chosen", value=chosen) + "\n\n" + text
    if note is not None:
        text = f"{note}\n\n{text}"
    message_id = await show(update, context, text, question_keyboard(lang, application.id, position, question), live)
    await context.store.save_assessment_session(user.id, application.id, version_id, position, answers, message_id)
    return Assess.QUESTION


def question_keyboard(lang: str, application_id: int, position: int, question: Question) -> InlineKeyboardMarkup:
    """The options one a row (they are sentences), then ◀ previous question and ✖ cancel."""
    rows = [[button(option.text(lang), AssessButton("ans", application_id, position, index))]
            for index, option in enumerate(question.options)]
    rows.append([button(label(lang, "assess.back"), AssessButton("back", application_id)),
                 button(label(lang, "assess.cancel"), AssessButton("cancel", application_id))])
    return InlineKeyboardMarkup(rows)


async def asked(context: Ctx, application: Application, version_id: int) -> tuple[Question, ...]:
    questionnaire = await context.store.questionnaire(version_id)
    return questionnaire.questions_for(await context.store.sector_code_of(application.id))


# -- entering -------------------------------------------------------------------------------------


async def start_assessment(update: Update, context: Ctx) -> NextState:
    """/assess: for the person's one open application, or a choice among several; from the first question."""
    user = update.effective_user
    message = update.effective_message
    assert user is not None and message is not None
    await context.store.ensure_user(user.id, context.lang)
    session = await context.store.get_assessment_session(user.id)
    live = session.message_id if session else None  # an attempt left open: this one replaces it
    applications = await context.store.list_assessable(user.id)
    if not applications:
        await message.reply_text(render(context.lang, "assess/no_application"))
        return await end(update, context, live)
    if len(applications) > 1:
        return await ask_which(update, context, applications, live)
    return await begin(update, context, applications[0], live)


async def pick_application(update: Update, context: Ctx) -> NextState:
    """An application's button: in the choice, or under its permit card. Only the presser's own open one."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    pressed = AssessButton.parse(query.data)
    application = await context.store.get_application(pressed.application_id)
    if application is None or application.user_id != user.id:
        refuse("assess (not their application)", user.id, pressed.application_id)
        await query.answer(label(context.lang, "alert.not_allowed"), show_alert=True)
        return None
    session = await context.store.get_assessment_session(user.id)
    live = session.message_id if session else None
    in_background(context, update, query.answer(), "answer")
    if application.stage not in OPEN_STAGES:
        await show(update, context, render(context.lang, "assess/closed"), None, live)
        return await end(update, context, None)
    return await begin(update, context, application, live)


async def begin(update: Update, context: Ctx, application: Application, live: int | None) -> NextState:
    """The first question, unless the application's last attempt is too recent to take it again."""
    allowed_at = await context.store.retake_allowed_at(application.id, retake_after(context))
    if allowed_at is not None:
        await show(update, context, await too_soon_text(context, application), None, live)
        return await end(update, context, None)
    version_id, _ = await context.store.current_questionnaire()
    return await ask(update, context, application, version_id, 0, {}, live=live)


async def too_soon_text(context: Ctx, application: Application) -> str:
    lang = context.lang
    latest = (await context.store.list_assessments(application.id))[-1]
    return render(lang, "assess/too_soon", number=application.permit_number, taken=latest.taken_at,
                  score=latest.score, band=label(lang, f"band.{latest.band}"),
                  allowed=latest.taken_at + retake_after(context), days=context.config.rules.assessment_retake_days)


async def end(update: Update, context: Ctx, live: int | None) -> int:
    """Forget the attempt in progress (its prompt's buttons go, if it is another message)."""
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None and chat is not None
    await context.store.delete_assessment_session(user.id)
    if live is not None:
        in_background(context, update, context.bot.edit_message_reply_markup(chat.id, live), "assess_retire")
    return ConversationHandler.END


# -- answering ------------------------------------------------------------------------------------


async def live_session(update: Update, context: Ctx,
                       pressed: AssessButton) -> tuple[AssessmentSession, Application] | None:
    """The attempt a press belongs to, if it was on the live question of the presser's own application; any
    other press is answered here (stale, or refused and logged when it names another application)."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    session = await context.store.get_assessment_session(user.id)
    if session is None or session.application_id is None or query.message is None \
            or query.message.message_id != session.message_id:
        with suppress(BadRequest):  # too old to answer: nothing to say
            await query.answer(label(context.lang, "alert.expired"), show_alert=True)
        return None
    application = await context.store.get_application(session.application_id)
    if pressed.application_id != session.application_id or application is None or application.user_id != user.id:
        refuse("assess (another application)", user.id, pressed.application_id)
        await query.answer(label(context.lang, "alert.not_allowed"), show_alert=True)
        return None
    return session, application


async def answer_question(update: Update, context: Ctx) -> NextState:
    query = update.callback_query
    assert query is not None and query.data is not None
    pressed = AssessButton.parse(query.data)
    live = await live_session(update, context, pressed)
    if live is None:
        return None
    session, application = live
    questionnaire = await context.store.questionnaire(session.version_id)
    sector = await context.store.sector_code_of(application.id)
    questions = questionnaire.questions_for(sector)
    if pressed.question != session.position or pressed.option >= len(questions[session.position].options):
        await query.answer(label(context.lang, "alert.expired"), show_alert=True)  # an answer already given
        return None
    in_background(context, update, query.answer(), "answer")
    question = questions[session.position]
    option = question.options[pressed.option]
    answers = session.answers | {question.key: option.key}
    chosen = option.text(context.lang)
    if session.position + 1 < len(questions):
        return await ask(update, context, application, session.version_id, session.position + 1, answers,
                         live=session.message_id, chosen=chosen)
    return await finish(update, context, application, session, questionnaire, sector, answers, chosen)


async def finish(update: Update, context: Ctx, application: Application, session: AssessmentSession,
                 questionnaire: Questionnaire, sector: str | None, answers: dict[str, str], chosen: str) -> int:
    """The last answer: the result is kept with the application, shown, and every officer's card follows."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    lang = context.lang
    score = questionnaire.score(sector, answers)
    band = questionnaire.band_for(score)
    try:
        result = await context.store.record_assessment(user.id, application.id, session.version_id, answers, score,
                                                       band.code, retake_after(context))
    except RetakeTooSoon:  # taken in the meantime (another device)
        await query.edit_message_text(await too_soon_text(context, application))
        return await end(update, context, None)
    except NotFound:  # closed in the meantime (withdrawn, refused)
        await query.edit_message_text(render(lang, "assess/closed"))
        return await end(update, context, None)
    logger.info("assessment of application %s: score %s, band %s", application.id, score, band.code)
    text = render(lang, "assess/result", number=application.permit_number,
                  category=getattr(application, f"category_{lang}"), score=score,
                  band=label(lang, f"band.{band.code}"), summary=band.summary(lang),
                  steps=[step.text(lang) for step in band.steps_for(sector)],
                  retake=result.taken_at + retake_after(context))
    await query.edit_message_text(render(lang, "registration/chosen", value=chosen) + "\n\n" + text)
    context.application.create_task(show_on_cards(context, application.id), update=update,
                                    name=f"{BACKGROUND}assess_cards")
    return ConversationHandler.END


async def show_on_cards(context: Ctx, application_id: int) -> None:
    """Every officer's copy of the card shows the new band, after the answer and as bulk work."""
    application = await context.store.get_application(application_id)
    if application is not None:
        with sending_in_bulk():
            await refresh_cards(context, application)


async def go_back(update: Update, context: Ctx) -> NextState:
    """◀: the question before, its answer forgotten; from the first, the choice of application if any."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    live = await live_session(update, context, AssessButton.parse(query.data))
    if live is None:
        return None
    session, application = live
    if session.position == 0:
        applications = await context.store.list_assessable(user.id)
        if len(applications) > 1:
            in_background(context, update, query.answer(), "answer")
            return await ask_which(update, context, applications, session.message_id)
        await query.answer(label(context.lang, "assess.first_question"))
        return None
    in_background(context, update, query.answer(), "answer")
    previous = (await asked(context, application, session.version_id))[session.position - 1]
    answers = {key: value for key, value in session.answers.items() if key != previous.key}
    return await ask(update, context, application, session.version_id, session.position - 1, answers,
                     live=session.message_id)


# -- leaving --------------------------------------------------------------------------------------


async def cancel_by_button(update: Update, context: Ctx) -> NextState:
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    session = await context.store.get_assessment_session(user.id)
    if session is None or query.message is None or query.message.message_id != session.message_id:
        await query.answer(label(context.lang, "alert.expired"), show_alert=True)
        return None
    in_background(context, update, query.answer(), "answer")
    await query.edit_message_text(render(context.lang, "assess/cancelled"))
    return await end(update, context, None)


async def cancel_command(update: Update, context: Ctx) -> int:
    """/cancel during the assessment."""
    user = update.effective_user
    message = update.effective_message
    assert user is not None and message is not None
    session = await context.store.get_assessment_session(user.id)
    await message.reply_text(render(context.lang, "assess/cancelled"))
    return await end(update, context, session.message_id if session else None)


async def reprompt(update: Update, context: Ctx) -> NextState:
    """Typed text where a button is needed: the same step again, as a new message under a friendly note."""
    user = update.effective_user
    assert user is not None
    session = await context.store.get_assessment_session(user.id)
    if session is None:  # gone (a restart after the draft time-to-live): nothing to resume
        return ConversationHandler.END
    note = render(context.lang, "assess/use_buttons")
    application = await context.store.get_application(session.application_id) if session.application_id else None
    if application is None:
        return await ask_which(update, context, await context.store.list_assessable(user.id), session.message_id,
                               note)
    return await ask(update, context, application, session.version_id, session.position, session.answers,
                     live=session.message_id, note=note)


def handlers() -> list[BaseHandler[Update, Ctx, Any]]:
    private = filters.ChatType.PRIVATE
    menu = all_labels("main.apply") | all_labels("main.status") | all_labels("main.permit") | \
        all_labels("menu.help") | all_labels("menu.switch_language")
    typed = private & filters.TEXT & ~filters.COMMAND & ~filters.Text(menu)  # the menu's buttons still answer

    def on(action: str, callback: Any) -> CallbackQueryHandler[Ctx, Any]:
        return CallbackQueryHandler(callback, pattern=AssessButton.pattern(action))

    return [ConversationHandler(
        name=CONVERSATION, persistent=True, allow_reentry=True,
        entry_points=[CommandHandler("assess", start_assessment, filters=private), on("start", pick_application)],
        states={
            Assess.CHOOSE: [on("start", pick_application), MessageHandler(typed, reprompt)],
            Assess.QUESTION: [on("ans", answer_question), on("back", go_back), MessageHandler(typed, reprompt)],
        },
        fallbacks=[on("cancel", cancel_by_button), CommandHandler("cancel", cancel_command, filters=private)],
    )]
