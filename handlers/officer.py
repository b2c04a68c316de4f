"""Officers at work: acting on application cards, /pending, /queue and /app.

Every press and command re-checks, at that moment, that the caller is an officer of the application's
province; the callback data only names what was pressed. After an action every officer's copy of the
card is edited to the new stage, so nobody acts twice on an old card.
"""

import logging
import math
from contextlib import suppress
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from domain import validators
from domain.lifecycle import Action, Stage
from domain.normalize import normalize, search_key
from handlers.access import officer_command, officer_of, refuse
from handlers.callbacks import ActOn, ListPage, OpenApplication, PickBank
from handlers.context import OWES_ANSWER, Ctx
from handlers.officer_view import (
    LOAN_FLOOR_TOMAN,
    NEEDS_REASON,
    bank_keyboard,
    cancel_keyboard,
    card_keyboard,
    card_text,
    details_text,
    loan_ceiling_toman,
)
from messages import LANGUAGES, label, render
from storage import StageConflict
from storage.records import Application, User

logger = logging.getLogger(__name__)

PAGE_SIZE = 10
# What "awaiting action" means for /pending: every stage with an officer action.
AWAITING = (Stage.PERMIT_ISSUED, Stage.SUPERVISED, Stage.ELIGIBLE, Stage.QUEUED, Stage.INTRODUCED_TO_BANK)


# -- acting on a card -----------------------------------------------------------------------------


async def act_on_application(update: Update, context: Ctx) -> None:
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    pressed = ActOn.parse(query.data)
    application, officer = await _authorized(context, user.id, pressed.application_id, pressed.action)
    if application is None or officer is None:
        await query.answer(label(context.lang, "alert.not_allowed"), show_alert=True)
        return
    lang = context.lang
    if pressed.action == "cancel":
        prompt = await context.store.get_officer_prompt(user.id)
        if prompt is None or prompt.application_id != application.id:  # answered already: nothing to cancel
            await query.answer(label(lang, "alert.expired"), show_alert=True)
            await query.edit_message_reply_markup(None)
            return
        await clear_prompt(context, user.id)
        await query.answer()
        await query.edit_message_text(render(lang, "officer/input_cancelled"))
        return
    action = Action(pressed.action)
    if action == Action.INTRODUCE:
        await query.answer()
        await query.message.reply_text(  # type: ignore[union-attr]
            render(lang, "officer/choose_bank", number=application.permit_number),
            reply_markup=bank_keyboard(lang, application.id, context.config))
        return
    if action in NEEDS_REASON or action == Action.PAY_LOAN:
        await ask_officer(update, context, application, action)
        return
    await query.answer()
    await transition(update, context, application, action)


async def ask_officer(update: Update, context: Ctx, application: Application, action: Action) -> None:
    """The action needs one more answer (a reason, an amount): ask for it in the next message."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    lang = context.lang

    if action == Action.PAY_LOAN:
        text = render(lang, "officer/ask_amount", number=application.permit_number,
                      ceiling=loan_ceiling_toman(context.config, application))
    else:
        text = render(lang, "officer/ask_reason", number=application.permit_number,
                      what=label(lang, f"reason_for.{action.value}"))
    await query.answer()
    asked = await query.message.reply_text(  # type: ignore[union-attr]
        text, reply_markup=cancel_keyboard(lang, application.id))
    await context.store.set_officer_prompt(user.id, application.id, action.value, asked.message_id)
    context.user_data[OWES_ANSWER] = True


async def pick_bank(update: Update, context: Ctx) -> None:
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    pressed = PickBank.parse(query.data)
    application, officer = await _authorized(context, user.id, pressed.application_id, "introduce")
    known = {bank.code for bank in context.config.banks}
    if application is None or officer is None or pressed.bank not in known:
        await query.answer(label(context.lang, "alert.not_allowed"), show_alert=True)
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    await transition(update, context, application, Action.INTRODUCE, bank=pressed.bank)


async def receive_officer_answer(update: Update, context: Ctx) -> None:
    """A text from an officer who owes a reason or an amount; anyone else's text goes on to other handlers."""
    user = update.effective_user
    message = update.effective_message
    if user is None or message is None or message.text is None or not context.user_data.get(OWES_ANSWER):
        return  # the common case, decided without the database
    prompt = await context.store.get_officer_prompt(user.id)
    if prompt is None:  # removed by an admin meanwhile
        context.user_data[OWES_ANSWER] = False
        return
    lang = context.lang
    application, officer = await _authorized(context, user.id, prompt.application_id, prompt.action)
    if application is None or officer is None:
        await clear_prompt(context, user.id)
        await message.reply_text(render(lang, "officer/not_allowed"))
        raise ApplicationHandlerStop
    action = Action(prompt.action)
    if action == Action.PAY_LOAN:
        ceiling = loan_ceiling_toman(context.config, application)
        amount = validators.money_toman(message.text, LOAN_FLOOR_TOMAN, ceiling)
        if isinstance(amount, validators.Invalid):
            await message.reply_text(render(lang, "officer/bad_amount", floor=LOAN_FLOOR_TOMAN, ceiling=ceiling),
                                     reply_markup=cancel_keyboard(lang, application.id))
            raise ApplicationHandlerStop
        await answered(context, user.id, prompt.message_id)
        await transition(update, context, application, action, loan_amount_rials=amount * 10)
        raise ApplicationHandlerStop
    reason = validators.free_text(message.text, max_length=300, min_length=3)
    if isinstance(reason, validators.Invalid):
        await message.reply_text(render(lang, "officer/bad_reason"), reply_markup=cancel_keyboard(lang, application.id))
        raise ApplicationHandlerStop
    await answered(context, user.id, prompt.message_id)
    await transition(update, context, application, action, reason=reason)
    raise ApplicationHandlerStop


async def answered(context: Ctx, user_id: int, question_id: int | None) -> None:
    """The owed answer came: forget the question and take its cancel button away."""
    await clear_prompt(context, user_id)
    if question_id is not None:
        with suppress(BadRequest):  # deleted or too old: nothing to take away
            await context.bot.edit_message_reply_markup(user_id, question_id, reply_markup=None)


async def clear_prompt(context: Ctx, user_id: int) -> None:
    await context.store.clear_officer_prompt(user_id)
    context.user_data[OWES_ANSWER] = False


async def transition(update: Update, context: Ctx, application: Application, action: Action,
                     **values: Any) -> None:
    """Apply the action, refresh every officer's card, and send the applicant's update."""
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None and chat is not None
    try:
        updated = await context.store.transition(application.id, action, user.id, **values)
    except StageConflict as conflict:
        await refresh_cards(context, conflict.application)
        await context.bot.send_message(chat.id, render(
            context.lang, "officer/stage_conflict", a=conflict.application,
            stage=label(context.lang, f"stage.{conflict.application.stage.value}")))
        return
    logger.info("application %s: %s by officer %s", application.id, action.value, user.id)
    await refresh_cards(context, updated)
    context.kick_courier()


async def refresh_cards(context: Ctx, application: Application) -> None:
    """Edit every officer's copy of the card to the application's current stage, last action and legal actions."""
    last = await context.store.last_action(application.id)
    for card in await context.store.list_officer_cards(application.id):
        officer = await officer_of(context, card.officer_id, application.province_code)
        if officer is None:  # removed or moved to another province: their old copy gets no news
            continue
        lang = officer.language
        try:
            await context.bot.edit_message_text(
                card_text(lang, application, context.config, last), chat_id=card.officer_id,
                message_id=card.message_id, reply_markup=card_keyboard(lang, application))
        except (BadRequest, Forbidden) as error:  # deleted, unchanged, or the officer blocked the bot
            logger.debug("card of application %s for officer %s not edited: %s", application.id, card.officer_id,
                         error.message)


async def _authorized(context: Ctx, user_id: int, application_id: int,
                      action: str) -> tuple[Application | None, User | None]:
    """The application and the caller, if the caller is an officer of its province right now."""
    application = await context.store.get_application(application_id)
    if application is None:
        refuse(action, user_id, application_id)
        return None, None
    officer = await officer_of(context, user_id, application.province_code)
    if officer is None:
        refuse(action, user_id, application_id)
        return None, None
    return application, officer


# -- commands -------------------------------------------------------------------------------------


@officer_command
async def show_pending(update: Update, context: Ctx, message: Message, officer: User) -> None:
    """/pending [stage]: the province's applications awaiting action, oldest first."""
    typed = " ".join(context.args or [])
    wanted = stage_named(typed)
    if typed.strip() and wanted is None:
        await message.reply_text(render(context.lang, "officer/bad_stage", given=normalize(typed)[:30],
                                        known="، ".join(label(context.lang, f"stage.{s.value}") for s in AWAITING)))
        return
    text, markup = await pending_page(context, officer, wanted.value if wanted else "", 1)
    await message.reply_text(text, reply_markup=markup)


def stage_named(text: str) -> Stage | None:
    """An awaiting stage by its code (supervised) or its name in either language (نظارت, Supervision)."""
    wanted = search_key(text)
    for stage in AWAITING:
        names = {stage.value, *(label(lang, f"stage.{stage.value}") for lang in LANGUAGES)}
        if wanted in {search_key(name) for name in names}:
            return stage
    return None


async def pending_page(context: Ctx, officer: User, stage: str, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    assert officer.province_code is not None
    stages = (Stage(stage),) if stage else AWAITING
    lang = context.lang
    items, total = await context.store.list_by_stage(officer.province_code, stages, PAGE_SIZE,
                                                     (page - 1) * PAGE_SIZE)
    stage_labels = {s: label(lang, f"stage.{s.value}") for s in Stage}
    text = render(lang, "officer/pending", items=items, total=total, offset=(page - 1) * PAGE_SIZE,
                  stage=stage_labels[Stage(stage)] if stage else None, stages=stage_labels)
    return text, _list_keyboard(lang, items, "pending", stage, page, total)


@officer_command
async def show_queue(update: Update, context: Ctx, message: Message, officer: User) -> None:
    """/queue: the province's loan queue in order, with positions."""
    text, markup = await queue_page(context, officer, 1)
    await message.reply_text(text, reply_markup=markup)


async def queue_page(context: Ctx, officer: User, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    assert officer.province_code is not None
    lang = context.lang
    items, total = await context.store.list_queue(officer.province_code, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    province = await context.store.get_province(officer.province_code)
    text = render(lang, "officer/queue", items=items, total=total, offset=(page - 1) * PAGE_SIZE,
                  province=getattr(province, f"name_{lang}", officer.province_code))
    return text, _list_keyboard(lang, items, "queue", "", page, total)


async def turn_list_page(update: Update, context: Ctx) -> None:
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    officer = await officer_of(context, user.id)
    if officer is None:
        refuse("list page", user.id)
        await query.answer(label(context.lang, "alert.not_allowed"), show_alert=True)
        return
    pressed = ListPage.parse(query.data)
    await query.answer()
    if pressed.kind == "queue":
        text, markup = await queue_page(context, officer, max(1, pressed.page))
    elif pressed.stage and pressed.stage not in {stage.value for stage in AWAITING}:
        return
    else:
        text, markup = await pending_page(context, officer, pressed.stage, max(1, pressed.page))
    await query.edit_message_text(text, reply_markup=markup)


def _list_keyboard(lang: str, items: list[Application], kind: str, stage: str, page: int,
                   total: int) -> InlineKeyboardMarkup | None:
    rows = [[InlineKeyboardButton(label(lang, "act.open", number=a.permit_number),
                                  callback_data=OpenApplication(a.id).pack())] for a in items]
    if kind == "pending":  # filter by stage: one tap instead of typing its name
        filters_row = [InlineKeyboardButton(label(lang, "form.chosen", value=label(lang, f"stage.{s.value}"))
                                            if s.value == stage else label(lang, f"stage.{s.value}"),
                                            callback_data=ListPage("pending", s.value, 1).pack()) for s in AWAITING]
        rows += [filters_row[:3], filters_row[3:],
                 [InlineKeyboardButton(label(lang, "act.all_stages"), callback_data=ListPage("pending", "", 1).pack())]]
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if pages > 1:
        rows.append([
            InlineKeyboardButton(label(lang, "form.previous_page"),
                                 callback_data=ListPage(kind, stage, pages if page == 1 else page - 1).pack()),
            InlineKeyboardButton(label(lang, "form.page", page=page, pages=pages),
                                 callback_data=ListPage(kind, stage, page).pack()),
            InlineKeyboardButton(label(lang, "form.next_page"),
                                 callback_data=ListPage(kind, stage, 1 if page == pages else page + 1).pack()),
        ])
    return InlineKeyboardMarkup(rows) if rows else None


@officer_command
async def show_application(update: Update, context: Ctx, message: Message, officer: User) -> None:
    """/app <permit number>: one application's card with its actions, details and history."""
    number = normalize(" ".join(context.args or []))
    if not number:
        await message.reply_text(render(context.lang, "officer/app_usage"))
        return
    application = await context.store.get_application_by_permit(number)
    if application is None or application.province_code != officer.province_code:
        refuse("app", officer.telegram_id, number if application else None)  # same answer: no probing other provinces
        await message.reply_text(render(context.lang, "officer/not_found", number=number[:40]))
        return
    await send_card_with_details(update, context, application)


async def open_application(update: Update, context: Ctx) -> None:
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    application, officer = await _authorized(context, user.id, OpenApplication.parse(query.data).application_id,
                                             "open")
    if application is None or officer is None:
        await query.answer(label(context.lang, "alert.not_allowed"), show_alert=True)
        return
    await query.answer()
    await send_card_with_details(update, context, application)


async def send_card_with_details(update: Update, context: Ctx, application: Application) -> None:
    chat = update.effective_chat
    user = update.effective_user
    assert chat is not None and user is not None
    lang = context.lang
    audit = await context.store.list_audit(application.id)
    await context.bot.send_message(chat.id, details_text(lang, application, audit, context.config))
    last = await context.store.last_action(application.id)
    card = await context.bot.send_message(chat.id, card_text(lang, application, context.config, last),
                                          reply_markup=card_keyboard(lang, application))
    await context.store.save_officer_card(application.id, user.id, card.message_id)  # kept up to date from now on


def handlers() -> list[BaseHandler[Update, Ctx, Any]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("pending", show_pending, filters=private),
        CommandHandler("queue", show_queue, filters=private),
        CommandHandler("app", show_application, filters=private),
        CallbackQueryHandler(act_on_application, pattern=ActOn.PATTERN),
        CallbackQueryHandler(pick_bank, pattern=PickBank.PATTERN),
        CallbackQueryHandler(open_application, pattern=OpenApplication.PATTERN),
        CallbackQueryHandler(turn_list_page, pattern=ListPage.PATTERN),
    ]


def answer_handler() -> BaseHandler[Update, Ctx, Any]:
    """Runs before the flows: an officer's owed answer must not be read as a form answer or stray text."""
    return MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, receive_officer_answer)

