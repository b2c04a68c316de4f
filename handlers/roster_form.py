"""Adding a covered worker to a support plan: full name, national ID, mobile, city, then the category from the
catalog's buttons; one question at a time, each answer written through (conversation_steps), so a restart
resumes the question. Runs before the flows (group -2, before even the owed answers): while it is open, a
typed answer belongs to it, never to the application form.
"""

import logging
import math
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, MaybeInaccessibleMessage, Message, Update
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from domain import validators
from handlers.access import refuse
from handlers.callbacks import RosterAdd, WorkerFormButton
from handlers.context import Ctx
from handlers.in_place import replace_message
from handlers.keyboards import main_menu
from handlers.pages import pager_row
from handlers.roster import holders_plan
from handlers.roster_view import holding, link_message
from handlers.states import WorkerStep
from messages import all_labels, label, render
from storage.errors import AlreadyCovered, NotAPlan, OwnNationalId, RosterFull
from storage.records import Application, WorkerRequest

logger = logging.getLogger(__name__)

CONVERSATION = "roster_add"
STEP_TTL = timedelta(days=7)  # an unfinished worker is resumed after a restart within this long
CATEGORY_PAGE = 8
CITY_LIMITS = (2, 60)
Answers = dict[str, Any]

# The typed questions in order: the answer's name, how it is read, and the step after it.
_TYPED: dict[WorkerStep, tuple[str, Callable[[str], Any], WorkerStep]] = {
    WorkerStep.FULL_NAME: ("full_name", validators.full_name, WorkerStep.NATIONAL_ID),
    WorkerStep.NATIONAL_ID: ("national_id", validators.national_id, WorkerStep.MOBILE),
    WorkerStep.MOBILE: ("mobile", validators.mobile, WorkerStep.CITY),
    WorkerStep.CITY: ("city", lambda raw: validators.free_text(raw, CITY_LIMITS[1], CITY_LIMITS[0]), WorkerStep.SECTOR),
}


async def start_adding(update: Update, context: Ctx) -> WorkerStep:
    """➕ under the holder's roster: the first question, if the plan is theirs, open, and has a place left."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    application_id = RosterAdd.parse(query.data).application_id
    plan = await holders_plan(context, user.id, application_id)
    if plan is None:
        refuse("roster add", user.id, application_id)
        await query.answer(label(context.lang, "alert.not_allowed"), show_alert=True)
        raise ApplicationHandlerStop(None)
    if holding(await context.store.list_roster(plan.id), context.store.now()) >= plan.workers:
        await query.answer(label(context.lang, "roster.full_alert", limit=plan.workers), show_alert=True)
        raise ApplicationHandlerStop(None)
    await query.answer()
    answers: Answers = {"plan": plan.id}
    await context.store.save_step(CONVERSATION, user.id, WorkerStep.FULL_NAME.value, answers)
    await context.bot.send_message(user.id, render(context.lang, "roster/ask_full_name", a=plan,
                                                   cancel=label(context.lang, "form.cancel")),
                                   reply_markup=cancel_keyboard(context.lang))
    raise ApplicationHandlerStop(WorkerStep.FULL_NAME)


async def receive_typed(update: Update, context: Ctx) -> WorkerStep:
    """A typed answer to the question open now (the stored step says which); a bad one is asked again."""
    user = update.effective_user
    message = update.effective_message
    assert user is not None and message is not None
    step, answers, plan = await open_step(update, context)
    if step not in _TYPED:  # a button question: its buttons answer it
        await message.reply_text(render(context.lang, "roster/use_buttons"))
        raise ApplicationHandlerStop(step)
    field, parse, following = _TYPED[step]
    value = parse(message.text or "") if message.text else validators.Invalid("not_text")
    if isinstance(value, validators.Invalid):
        await message.reply_text(render(context.lang, "roster/invalid", code=value.code, field=field,
                                        high=CITY_LIMITS[1]), reply_markup=cancel_keyboard(context.lang))
        raise ApplicationHandlerStop(step)
    if step == WorkerStep.NATIONAL_ID:
        conflict = await context.store.coverage_conflict(plan.id, value)
        if conflict is not None:
            await message.reply_text(render(context.lang, "roster/national_id_taken", own=conflict is OwnNationalId),
                                     reply_markup=cancel_keyboard(context.lang))
            raise ApplicationHandlerStop(step)
    answers[field] = value
    await ask(context, user.id, following, answers)
    raise ApplicationHandlerStop(following)


async def press_button(update: Update, context: Ctx) -> WorkerStep | int:
    """A sector, a category, a category page, or back to the sectors."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    pressed = WorkerFormButton.parse(query.data)
    step, answers, plan = await open_step(update, context)
    wanted = {"sec": WorkerStep.SECTOR, "sectors": WorkerStep.CATEGORY, "cpg": WorkerStep.CATEGORY,
              "cat": WorkerStep.CATEGORY}[pressed.action]
    if step != wanted:  # a button of an earlier question
        await query.answer(label(context.lang, "alert.expired"), show_alert=True)
        raise ApplicationHandlerStop(step)
    await query.answer()
    if pressed.action == "sectors":
        await ask(context, user.id, WorkerStep.SECTOR, answers, edit=query.message)
        raise ApplicationHandlerStop(WorkerStep.SECTOR)
    if pressed.action == "sec" and not await context.store.list_categories(int(pressed.value)):  # hidden, forged
        await ask(context, user.id, WorkerStep.SECTOR, answers, edit=query.message)
        raise ApplicationHandlerStop(WorkerStep.SECTOR)
    if pressed.action in ("sec", "cpg"):
        if pressed.action == "sec":
            answers["sector"], answers["page"] = int(pressed.value), 1
        else:
            answers["page"] = int(pressed.value)
        await ask(context, user.id, WorkerStep.CATEGORY, answers, edit=query.message)
        raise ApplicationHandlerStop(WorkerStep.CATEGORY)
    category = await context.store.get_offered_category(int(pressed.value))
    if category is None or category.sector_id != answers.get("sector"):  # hidden since, or forged
        await ask(context, user.id, WorkerStep.SECTOR, answers, edit=query.message)
        raise ApplicationHandlerStop(WorkerStep.SECTOR)
    if query.message is not None:
        await query.edit_message_reply_markup(None)
    return await save_worker(update, context, plan, answers, category.id)


async def save_worker(update: Update, context: Ctx, plan: Application, answers: Answers,
                      category_id: int) -> WorkerStep | int:
    user = update.effective_user
    assert user is not None
    lang = context.lang
    request = WorkerRequest(full_name=answers["full_name"], national_id=answers["national_id"],
                            mobile=answers["mobile"], city=answers["city"], category_id=category_id)
    try:
        worker = await context.store.add_covered_worker(plan.id, user.id, request)
    except (AlreadyCovered, OwnNationalId) as taken:  # taken meanwhile: the national ID is asked again
        await ask(context, user.id, WorkerStep.NATIONAL_ID, answers,
                  note=render(lang, "roster/national_id_taken", own=isinstance(taken, OwnNationalId)))
        raise ApplicationHandlerStop(WorkerStep.NATIONAL_ID) from None
    except RosterFull as full:
        await finish(context, user.id, render(lang, "roster/full", limit=full.limit))
        raise ApplicationHandlerStop(ConversationHandler.END) from None
    except NotAPlan:
        await finish(context, user.id, render(lang, "roster/plan_closed"))
        raise ApplicationHandlerStop(ConversationHandler.END) from None
    logger.info("roster of application %s: worker %s added", plan.id, worker.id)
    await finish(context, user.id, render(lang, "roster/added", w=worker))
    text, markup = link_message(context, plan, worker)
    await context.bot.send_message(user.id, text, reply_markup=markup)
    raise ApplicationHandlerStop(ConversationHandler.END)


async def open_step(update: Update, context: Ctx) -> tuple[WorkerStep, Answers, Application]:
    """The question open now, its answers so far and the plan, read from the store; when the plan may no longer
    take workers (closed, or not theirs), the person is told and the conversation ends."""
    user = update.effective_user
    assert user is not None
    step = await context.store.get_step(CONVERSATION, user.id)
    plan = None if step is None else await holders_plan(context, user.id, int(step.data["plan"]))
    if step is None or plan is None:
        await finish(context, user.id, render(context.lang, "roster/plan_closed"))
        raise ApplicationHandlerStop(ConversationHandler.END)
    return WorkerStep(step.state), dict(step.data), plan


async def ask(context: Ctx, user_id: int, step: WorkerStep, answers: Answers, *,
              edit: MaybeInaccessibleMessage | None = None, note: str | None = None) -> None:
    """Write the step through, then ask its question (a button question edits the pressed message)."""
    await context.store.save_step(CONVERSATION, user_id, step.value, answers)
    lang = context.lang
    markup: InlineKeyboardMarkup | None
    if step == WorkerStep.SECTOR:
        sectors = await context.store.list_sectors()
        rows = [[InlineKeyboardButton(getattr(s, f"name_{lang}"),
                                      callback_data=WorkerFormButton("sec", str(s.id)).pack())] for s in sectors]
        text, markup = render(lang, "roster/ask_sector"), InlineKeyboardMarkup(rows)
    elif step == WorkerStep.CATEGORY:
        text, markup = await category_page(context, answers)
    else:
        text, markup = render(lang, f"roster/ask_{_TYPED[step][0]}"), None
    if note is not None:
        text = note + "\n\n" + text
    if isinstance(edit, Message):  # the pressed question becomes the next one (or a new message: EDIT_KEYBOARDS)
        await replace_message(context, edit.chat_id, edit.message_id, text, markup)
    else:
        await context.bot.send_message(user_id, text, reply_markup=markup or cancel_keyboard(lang))


async def category_page(context: Ctx, answers: Answers) -> tuple[str, InlineKeyboardMarkup]:
    lang = context.lang
    categories = await context.store.list_categories(int(answers["sector"]))
    pages = max(1, math.ceil(len(categories) / CATEGORY_PAGE))
    page = min(max(1, int(answers.get("page", 1))), pages)
    rows = [[InlineKeyboardButton(getattr(c, f"name_{lang}"), callback_data=WorkerFormButton("cat", str(c.id)).pack())]
            for c in categories[(page - 1) * CATEGORY_PAGE: page * CATEGORY_PAGE]]
    if pages > 1:
        rows.append(pager_row(lang, page, pages, lambda number: WorkerFormButton("cpg", str(number)).pack()))
    rows.append([InlineKeyboardButton(label(lang, "form.sectors"), callback_data=WorkerFormButton("sectors").pack())])
    return render(lang, "roster/ask_category"), InlineKeyboardMarkup(rows)


def cancel_keyboard(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label(lang, "form.cancel"),
                                                       callback_data=WorkerFormButton("cancel").pack())]])


async def finish(context: Ctx, user_id: int, text: str) -> None:
    await context.store.delete_step(CONVERSATION, user_id)
    await context.bot.send_message(user_id, text, reply_markup=main_menu(context.lang))


async def cancel(update: Update, context: Ctx) -> int:
    """✖, /cancel or the cancel button below the chat: nothing is saved."""
    user = update.effective_user
    assert user is not None
    if update.callback_query is not None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_reply_markup(None)
    await finish(context, user.id, render(context.lang, "roster/cancelled"))
    raise ApplicationHandlerStop(ConversationHandler.END)


async def give_way(update: Update, context: Ctx) -> int:
    """Another command or a menu button: the unfinished worker is dropped, and the update goes on to its own
    handler (no ApplicationHandlerStop)."""
    user = update.effective_user
    assert user is not None
    await context.store.delete_step(CONVERSATION, user.id)
    return ConversationHandler.END


def conversation() -> ConversationHandler[Ctx]:
    private = filters.ChatType.PRIVATE
    cancel_texts = all_labels("form.cancel")
    menu = all_labels("main.apply") | all_labels("main.status") | all_labels("main.permit") | \
        all_labels("menu.help") | all_labels("menu.switch_language")
    answer = private & ~filters.COMMAND & ~filters.Text(cancel_texts | menu)  # text, or anything else sent
    buttons = [CallbackQueryHandler(press_button, pattern=WorkerFormButton.pattern(action))
               for action in ("sec", "cat", "cpg", "sectors")]
    return ConversationHandler(
        name=CONVERSATION, persistent=True, allow_reentry=True,
        entry_points=[CallbackQueryHandler(start_adding, pattern=RosterAdd.PATTERN)],
        states={
            WorkerStep.FULL_NAME: [MessageHandler(answer, receive_typed)],
            WorkerStep.NATIONAL_ID: [MessageHandler(answer, receive_typed)],
            WorkerStep.MOBILE: [MessageHandler(answer, receive_typed)],
            WorkerStep.CITY: [MessageHandler(answer, receive_typed)],
            WorkerStep.SECTOR: [*buttons, MessageHandler(answer, receive_typed)],
            WorkerStep.CATEGORY: [*buttons, MessageHandler(answer, receive_typed)],
        },
        fallbacks=[
            CallbackQueryHandler(cancel, pattern=WorkerFormButton.pattern("cancel")),
            CommandHandler("cancel", cancel, filters=private),
            MessageHandler(private & filters.Text(cancel_texts), cancel),
            MessageHandler(private & (filters.COMMAND | filters.Text(menu)), give_way),
        ],
    )
