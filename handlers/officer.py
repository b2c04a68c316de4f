"""Officers at work: acting on application cards, the answers some actions need, /pending, /queue and /app.

Every press, answer and command re-checks, at that moment, that the caller is an officer of the
application's province and not its applicant; the callback data only names what was pressed. A stage
change goes through `handlers.lifecycle_events.apply_action`, which edits every officer's card.
"""

import logging
import math
import re
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
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
from domain.assessment import BANDS
from domain.lifecycle import AWAITING_OFFICER, Action, Stage, bulk_action, held_actions, legal_actions
from domain.normalize import normalize, search_key
from handlers.access import officer_command, officer_of, refuse
from handlers.callbacks import (
    ANSWER_BUTTONS,
    OFFICER_ACTIONS,
    ActOn,
    BulkStep,
    ListPage,
    OpenApplication,
    PickBank,
    PickReason,
)
from handlers.context import Ctx
from handlers.in_place import show_in_place
from handlers.keyboards import menu_and_form_labels
from handlers.lifecycle_events import apply_action, refresh_cards
from handlers.officer_view import (
    LOAN_FLOOR_TOMAN,
    amount_keyboard,
    application_holds,
    bank_keyboard,
    cancel_keyboard,
    details_text,
    late_days,
    loan_ceiling_toman,
    officer_card,
    reason_keyboard,
)
from handlers.pages import pager_row
from handlers.roster_view import OFFICER, roster_page
from handlers.states import OWED_FOR_ACTION, Owed
from messages import LANGUAGES, all_labels, label, render
from storage import StageConflict
from storage.records import Application, OfficerPrompt, User

logger = logging.getLogger(__name__)

PAGE_SIZE = 10
OVERDUE = "overdue"  # the /pending filter of applications past their step's target
BAND_FILTER = "band_"  # /pending filters by the latest self-assessment's band: band_ready, band_training…
ANSWER_CONVERSATION = "officer_answer"  # the persistent conversation of an owed reason or amount
ANSWER_MINUTES = 10
ANSWER_TIMEOUT = timedelta(minutes=ANSWER_MINUTES)  # an owed answer not given by then is dropped


# -- who may act ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Refused:
    alert: str  # the label the officer reads
    own: Application | None = None  # their own application: its card is shown again, without actions


async def authorize(context: Ctx, user_id: int, application_id: int,
                    action: str) -> tuple[Application, User] | Refused:
    """The application and the caller, if the caller may act on it right now: an officer of its province
    who is not its applicant (same account, national ID or mobile). Every refusal is logged, ids only; a
    conflict of interest is audited as well."""
    application = await context.store.get_application(application_id)
    if application is None:
        refuse(action, user_id, application_id)
        return Refused("alert.not_allowed")
    officer = await officer_of(context, user_id, application.province_code)
    if officer is None:
        refuse(action, user_id, application_id)
        return Refused("alert.not_allowed")
    if await context.store.is_own_application(user_id, application.id):
        refuse(f"{action} (own application)", user_id, application_id)
        await context.store.record_refusal(application.id, user_id, action)
        return Refused("alert.own_application", application)
    return application, officer


async def answer_refusal(update: Update, context: Ctx, refused: Refused) -> None:
    """Say no to a press; an officer's own application is shown again on the pressed card, without buttons."""
    query = update.callback_query
    assert query is not None
    await query.answer(label(context.lang, refused.alert), show_alert=True)
    if refused.own is not None and query.message is not None:
        last = await context.store.last_action(refused.own.id)
        text, markup = officer_card(context.lang, refused.own, context.config, last, own=True,
                                    now=context.store.now())
        with suppress(BadRequest):  # a forged press on a message that is not a card: nothing to redraw
            await show_in_place(update, context, text, markup)


async def still_legal(update: Update, context: Ctx, application: Application, action: Action) -> bool:
    """Whether the action is legal from the application's stage now; if not, say so and refresh the cards."""
    if action in legal_actions(application.stage, application.disputed, application_holds(application, context.config)):
        return True
    chat = update.effective_chat
    assert chat is not None
    await refresh_cards(context, application)
    await context.bot.send_message(chat.id, render(context.lang, "officer/stage_conflict", a=application,
                                                   stage=label(context.lang, f"stage.{application.stage.value}")))
    return False


# -- acting on a card -----------------------------------------------------------------------------


async def act_on_application(update: Update, context: Ctx) -> None:
    """A card button that needs nothing more (the bank picker aside); ❌ and 💰 start `owed_answer`."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    pressed = ActOn.parse(query.data)
    checked = await authorize(context, user.id, pressed.application_id, pressed.action)
    if isinstance(checked, Refused):
        await answer_refusal(update, context, checked)
        return
    application, _ = checked
    lang = context.lang
    if pressed.action in ANSWER_BUTTONS:  # no question is open (the conversation answers its own buttons)
        await query.answer(label(lang, "alert.expired"), show_alert=True)
        await query.edit_message_reply_markup(None)
        return
    action = Action(pressed.action)
    held = held_actions(application.stage, application_holds(application, context.config))
    if action in held:  # the card's button says what it waits for; pressed, it explains
        sector = application.sector_fa if lang == "fa" else application.sector_en
        await query.answer(label(lang, f"alert.{held[action].value}_missing", sector=sector), show_alert=True)
        return
    await query.answer()
    if not await still_legal(update, context, application, action):
        return
    if action == Action.INTRODUCE:
        await query.message.reply_text(  # type: ignore[union-attr]
            render(lang, "officer/choose_bank", number=application.permit_number),
            reply_markup=bank_keyboard(lang, application.id, context.config))
        return
    await transition(update, context, application, action)


async def pick_bank(update: Update, context: Ctx) -> None:
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    pressed = PickBank.parse(query.data)
    checked = await authorize(context, user.id, pressed.application_id, "introduce")
    if isinstance(checked, Refused):
        await answer_refusal(update, context, checked)
        return
    if pressed.bank not in {bank.code for bank in context.config.banks}:
        refuse("introduce (unknown bank)", user.id, pressed.application_id)
        await query.answer(label(context.lang, "alert.not_allowed"), show_alert=True)
        return
    application, _ = checked
    await query.answer()
    await query.edit_message_reply_markup(None)
    await transition(update, context, application, Action.INTRODUCE, bank=pressed.bank)


async def transition(update: Update, context: Ctx, application: Application, action: Action,
                     **values: Any) -> None:
    """Apply the action (every card follows); a stage that moved on meanwhile is reported, not applied."""
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None and chat is not None
    try:
        await apply_action(context, application.id, action, user.id, **values)
    except StageConflict as conflict:
        await context.bot.send_message(chat.id, render(
            context.lang, "officer/stage_conflict", a=conflict.application,
            stage=label(context.lang, f"stage.{conflict.application.stage.value}")))


# -- the owed answer: a reason after ❌, an amount after 💰 ------------------------------------------
# A small persistent conversation (name ANSWER_CONVERSATION, kept in the officer_prompts table, see
# bot/persistence.py). It runs before the flows (group -1): its answer must not be read as a form answer.


async def ask_for_answer(update: Update, context: Ctx) -> Owed | None:
    """❌ or 💰 pressed: check the action may happen now, then ask for its reason or amount."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    pressed = ActOn.parse(query.data)
    checked = await authorize(context, user.id, pressed.application_id, pressed.action)
    if isinstance(checked, Refused):
        await answer_refusal(update, context, checked)
        raise ApplicationHandlerStop(None)  # an open question about another application stays open
    application, _ = checked
    action = Action(pressed.action)
    await query.answer()
    if not await still_legal(update, context, application, action):
        raise ApplicationHandlerStop(None)
    await retire_question(context, user.id)  # a question still open about another application gives way
    lang = context.lang
    if action == Action.PAY_LOAN:
        text = render(lang, "officer/ask_amount", number=application.permit_number,
                      ceiling=loan_ceiling_toman(context.config, application))
        markup = cancel_keyboard(lang, application.id)
    else:
        presets = await context.store.list_refusal_reasons(action.value)
        text = render(lang, "officer/ask_reason", number=application.permit_number, presets=bool(presets),
                      what=label(lang, f"reason_for.{action.value}"))
        markup = reason_keyboard(lang, application.id, presets)
    asked = await query.message.reply_text(text, reply_markup=markup)  # type: ignore[union-attr]
    await context.store.set_officer_prompt(user.id, application.id, action.value, asked.message_id)
    raise ApplicationHandlerStop(OWED_FOR_ACTION[action.value])


async def receive_reason(update: Update, context: Ctx) -> Owed | int:
    application, action, _ = await owed_application(update, context)
    message = update.effective_message
    assert message is not None and message.text is not None
    reason = validators.free_text(message.text, max_length=300, min_length=3)
    if isinstance(reason, validators.Invalid):
        await message.reply_text(render(context.lang, "officer/bad_reason"),
                                 reply_markup=cancel_keyboard(context.lang, application.id))
        raise ApplicationHandlerStop(Owed.REASON)
    await retire_question(context, message.chat_id)
    await transition(update, context, application, action, reason=reason)
    raise ApplicationHandlerStop(ConversationHandler.END)


async def receive_preset_reason(update: Update, context: Ctx) -> int:
    """A preset reason's button on the question: the refusal happens with that reason, in the officer's words."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    pressed = PickReason.parse(query.data)
    prompt = await context.store.get_officer_prompt(user.id)
    reason = await context.store.get_refusal_reason(pressed.reason_id)
    if prompt is None or prompt.application_id != pressed.application_id or reason is None \
            or reason.action != prompt.action:  # an older question's button, or a reason since retired
        await query.answer(label(context.lang, "alert.expired"), show_alert=True)
        raise ApplicationHandlerStop(Owed.REASON if prompt is not None else ConversationHandler.END)
    await query.answer()
    application, action, _ = await owed_application(update, context)
    await retire_question(context, user.id)
    await transition(update, context, application, action, reason=reason.text(context.lang))
    raise ApplicationHandlerStop(ConversationHandler.END)


async def receive_amount(update: Update, context: Ctx) -> Owed | int:
    """A typed amount (also one typed instead of pressing ✅ / ✏️): read, then asked back to be confirmed."""
    application, action, _ = await owed_application(update, context)
    message = update.effective_message
    assert message is not None and message.text is not None
    ceiling = loan_ceiling_toman(context.config, application)
    amount = validators.money_toman(message.text, LOAN_FLOOR_TOMAN, ceiling)
    if isinstance(amount, validators.Invalid):
        await message.reply_text(render(context.lang, "officer/bad_amount", floor=LOAN_FLOOR_TOMAN,
                                        ceiling=ceiling),
                                 reply_markup=cancel_keyboard(context.lang, application.id))
        raise ApplicationHandlerStop(Owed.AMOUNT)
    # A dropped or doubled zero is a tenfold error in a loan: the officer reads the amount back first.
    await retire_question(context, message.chat_id)
    asked = await message.reply_text(
        render(context.lang, "officer/confirm_amount", number=application.permit_number, rials=amount * 10),
        reply_markup=amount_keyboard(context.lang, application.id))
    await context.store.set_officer_prompt(message.chat_id, application.id, action.value, asked.message_id,
                                           amount_toman=amount)
    raise ApplicationHandlerStop(Owed.CONFIRM_AMOUNT)


async def confirm_amount(update: Update, context: Ctx) -> int:
    """✅ under the amount read back: recorded, if the loan may still be recorded (checked again now)."""
    owed = await pressed_answer(update, context)
    application, action, prompt = owed
    assert prompt.amount_toman is not None
    await retire_question(context, prompt.officer_id)
    await transition(update, context, application, action, loan_amount_rials=prompt.amount_toman * 10)
    raise ApplicationHandlerStop(ConversationHandler.END)


async def edit_amount(update: Update, context: Ctx) -> Owed:
    """✏️ under the amount read back: the amount question again."""
    application, action, prompt = await pressed_answer(update, context)
    await retire_question(context, prompt.officer_id)
    lang = context.lang
    asked = await context.bot.send_message(
        prompt.officer_id, render(lang, "officer/ask_amount", number=application.permit_number,
                                  ceiling=loan_ceiling_toman(context.config, application)),
        reply_markup=cancel_keyboard(lang, application.id))
    await context.store.set_officer_prompt(prompt.officer_id, application.id, action.value, asked.message_id)
    raise ApplicationHandlerStop(Owed.AMOUNT)


async def pressed_answer(update: Update, context: Ctx) -> tuple[Application, Action, OfficerPrompt]:
    """What a ✅ / ✏️ press answers, if its question is the open one and its action may still happen; else the
    press is answered here and the conversation ends."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    prompt = await context.store.get_officer_prompt(user.id)
    if prompt is None or prompt.amount_toman is None or \
            prompt.application_id != ActOn.parse(query.data).application_id:  # an older question's button
        await query.answer(label(context.lang, "alert.expired"), show_alert=True)
        await query.edit_message_reply_markup(None)
        raise ApplicationHandlerStop(ConversationHandler.END if prompt is None else None)
    await query.answer()
    return await owed_application(update, context)


def owed_state(prompt: OfficerPrompt) -> Owed:
    """The conversation state a kept question resumes at (after a restart)."""
    return Owed.CONFIRM_AMOUNT if prompt.amount_toman is not None else OWED_FOR_ACTION[prompt.action]


async def owed_application(update: Update, context: Ctx) -> tuple[Application, Action, OfficerPrompt]:
    """The application and action the answer is owed for, and its question; when it is no longer owed or may
    no longer happen, the officer is told and the conversation ends (ApplicationHandlerStop)."""
    user = update.effective_user
    message = update.effective_message
    assert user is not None and message is not None
    prompt = await context.store.get_officer_prompt(user.id)
    if prompt is None or context.store.now() - prompt.created_at > ANSWER_TIMEOUT:  # also across a restart
        await retire_question(context, user.id)
        await message.reply_text(render(context.lang, "officer/answer_expired", minutes=ANSWER_MINUTES))
        raise ApplicationHandlerStop(ConversationHandler.END)
    checked = await authorize(context, user.id, prompt.application_id, prompt.action)
    if isinstance(checked, Refused):
        await retire_question(context, user.id)
        await message.reply_text(render(context.lang, "officer/not_allowed"))
        raise ApplicationHandlerStop(ConversationHandler.END)
    application, _ = checked
    action = Action(prompt.action)
    if not await still_legal(update, context, application, action):
        await retire_question(context, user.id)
        raise ApplicationHandlerStop(ConversationHandler.END)
    return application, action, prompt


async def cancel_answer(update: Update, context: Ctx) -> int | None:
    """The question's ✖ button."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    prompt = await context.store.get_officer_prompt(user.id)
    if prompt is None or prompt.application_id != ActOn.parse(query.data).application_id:
        await query.answer(label(context.lang, "alert.expired"), show_alert=True)  # an older question's button
        await query.edit_message_reply_markup(None)
        raise ApplicationHandlerStop(None)
    await context.store.clear_officer_prompt(user.id)
    await query.answer()
    await query.edit_message_text(render(context.lang, "officer/input_cancelled"))
    raise ApplicationHandlerStop(ConversationHandler.END)


# Forgets an officer's open question (of one owed-answer conversation); whether there was one.
Retire = Callable[[Ctx, int], Awaitable[bool]]


def drop_question(retire: Retire) -> Callable[[Update, Ctx], Awaitable[int]]:
    """A command, or the officer starting their own form: the question is dropped, and the update goes on
    to its own handler (no ApplicationHandlerStop)."""

    async def drop(update: Update, context: Ctx) -> int:
        user = update.effective_user
        message = update.effective_message
        assert user is not None and message is not None
        if await retire(context, user.id):
            await message.reply_text(render(context.lang, "officer/input_cancelled"))
        return ConversationHandler.END

    return drop


def question_timed_out(retire: Retire) -> Callable[[Update, Ctx], Awaitable[None]]:
    """ANSWER_TIMEOUT passed without an answer (while running; after a restart the answer's handler checks)."""

    async def timed_out(update: Update, context: Ctx) -> None:
        user = update.effective_user
        assert user is not None
        if await retire(context, user.id):
            await context.bot.send_message(user.id, render(context.lang, "officer/answer_expired",
                                                           minutes=ANSWER_MINUTES))

    return timed_out


async def retire_question(context: Ctx, officer_id: int) -> bool:
    """Forget the officer's open question, if any, and take its cancel button away; whether there was one."""
    prompt = await context.store.get_officer_prompt(officer_id)
    if prompt is None:
        return False
    await context.store.clear_officer_prompt(officer_id)
    if prompt.message_id is not None:
        with suppress(BadRequest):  # deleted or too old: nothing to take away
            await context.bot.edit_message_reply_markup(officer_id, prompt.message_id, reply_markup=None)
    return True


def menu_button() -> filters.BaseFilter:
    """A press of a reply-keyboard button (the main menu, the form's back / cancel / keep): never an answer."""
    keep = filters.Regex("^(" + "|".join(re.escape(label(lang, "form.keep", value="")) for lang in LANGUAGES) + ")")
    return filters.Text(menu_and_form_labels()) | keep


def owed_answer() -> ConversationHandler[Ctx]:
    """The conversation of an owed answer; runs before the flows (group -1)."""
    private = filters.ChatType.PRIVATE
    typed = private & filters.TEXT & ~filters.COMMAND & ~menu_button()  # never a button press
    return ConversationHandler(
        name=ANSWER_CONVERSATION, persistent=True, allow_reentry=True,
        entry_points=[CallbackQueryHandler(ask_for_answer, pattern=ActOn.pattern(*OWED_FOR_ACTION))],
        states={
            Owed.REASON: [MessageHandler(typed, receive_reason),
                          CallbackQueryHandler(receive_preset_reason, pattern=PickReason.PATTERN)],
            Owed.AMOUNT: [MessageHandler(typed, receive_amount)],
            Owed.CONFIRM_AMOUNT: [CallbackQueryHandler(confirm_amount, pattern=ActOn.pattern("amount_ok")),
                                  CallbackQueryHandler(edit_amount, pattern=ActOn.pattern("amount_edit")),
                                  MessageHandler(typed, receive_amount)],
            ConversationHandler.TIMEOUT: [TypeHandler(Update, question_timed_out(retire_question))],
        },
        fallbacks=[
            CallbackQueryHandler(cancel_answer, pattern=ActOn.pattern("cancel")),
            MessageHandler(private & (filters.COMMAND | filters.Text(all_labels("main.apply"))),
                           drop_question(retire_question)),
        ],
        conversation_timeout=ANSWER_TIMEOUT,
    )


# -- commands -------------------------------------------------------------------------------------


@officer_command
async def show_pending(update: Update, context: Ctx, message: Message, officer: User) -> None:
    """/pending [what is awaited]: the province's applications awaiting an officer, oldest first."""
    typed = " ".join(context.args or [])
    band = band_named(typed)
    if search_key(typed) in {search_key(name) for name in all_labels("pending.overdue")} or band is not None:
        text, markup = await pending_page(context, officer, OVERDUE if band is None else BAND_FILTER + band, 1)
        await message.reply_text(text, reply_markup=markup)
        return
    wanted = awaiting_named(typed)
    if typed.strip() and wanted is None:
        known = "، ".join([*(label(context.lang, f"awaited.{s.value}") for s in AWAITING_OFFICER),
                          *(band_name(context.lang, code) for code in BANDS)])
        await message.reply_text(render(context.lang, "officer/bad_stage", given=normalize(typed)[:30], known=known))
        return
    text, markup = await pending_page(context, officer, wanted.value if wanted else "", 1)
    await message.reply_text(text, reply_markup=markup)


def awaiting_named(text: str) -> Stage | None:
    """The stage awaiting the action an officer named: «نظارت» or «در انتظار نظارت» (either language), or
    the action's code (supervise) are the applications that await supervision (at stage permit_issued)."""
    wanted = search_key(text)
    for stage in AWAITING_OFFICER:
        names = {*(label(lang, f"{kind}.{stage.value}") for lang in LANGUAGES for kind in ("awaited", "awaiting")),
                 *(action.value for action in legal_actions(stage))}
        if wanted in {search_key(name) for name in names}:
            return stage
    return None


def band_named(text: str) -> str | None:
    """The band an officer named after /pending: «آماده», «نیاز به آموزش», "needs training" or the code."""
    wanted = search_key(text)
    for code in BANDS:
        if wanted in {search_key(code), *(search_key(band_name(lang, code)) for lang in LANGUAGES)}:
            return code
    return None


def band_name(lang: str, code: str) -> str:
    """A band's name without its colour mark: «🟢 آماده» -> «آماده»."""
    return label(lang, f"band.{code}").split(" ", 1)[1]


async def pending_page(context: Ctx, officer: User, stage: str, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of /pending: every awaiting stage, one (`stage`), the overdue ones oldest first (OVERDUE), or
    those whose latest self-assessment is in a band (BAND_FILTER + the band)."""
    assert officer.province_code is not None
    lang = context.lang
    offset = (page - 1) * PAGE_SIZE
    if stage == OVERDUE:
        items, total = await context.store.list_overdue(officer.province_code, context.config.targets.by_stage(),
                                                        PAGE_SIZE, offset)
    elif stage.startswith(BAND_FILTER):
        items, total = await context.store.list_by_band(officer.province_code, stage.removeprefix(BAND_FILTER),
                                                        PAGE_SIZE, offset)
    else:
        stages = (Stage(stage),) if stage else AWAITING_OFFICER
        items, total = await context.store.list_by_stage(officer.province_code, stages, PAGE_SIZE, offset)
    awaiting = {s: label(lang, f"awaiting.{s.value}") for s in AWAITING_OFFICER}  # what each waits for
    now = context.store.now()
    late = {a.id: late_days(a, context.config, now) for a in items}
    bands = {code: label(lang, f"band.{code}") for code in BANDS}
    named = label(lang, "pending.overdue") if stage == OVERDUE else \
        bands[stage.removeprefix(BAND_FILTER)] if stage.startswith(BAND_FILTER) else \
        awaiting[Stage(stage)] if stage else None
    text = render(lang, "officer/pending", items=items, total=total, offset=offset, late=late, stage=named,
                  stages=awaiting, bands=bands)
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
    elif pressed.stage and pressed.stage not in {stage.value for stage in AWAITING_OFFICER} | {OVERDUE} | {
            BAND_FILTER + code for code in BANDS}:
        return
    else:
        text, markup = await pending_page(context, officer, pressed.stage, max(1, pressed.page))
    await show_in_place(update, context, text, markup)


def _list_keyboard(lang: str, items: list[Application], kind: str, stage: str, page: int,
                   total: int) -> InlineKeyboardMarkup | None:
    rows = [[InlineKeyboardButton(label(lang, "act.open", number=a.permit_number),
                                  callback_data=OpenApplication(a.id).pack())] for a in items]
    if kind == "pending":  # filter by the action awaited: one tap instead of typing its name
        names = {s.value: label(lang, f"awaiting.{s.value}") for s in AWAITING_OFFICER}
        filters_row = [InlineKeyboardButton(label(lang, "form.chosen", value=name) if code == stage else name,
                                            callback_data=ListPage("pending", code, 1).pack())
                       for code, name in names.items()]
        overdue = label(lang, "pending.overdue_button")
        rows += [filters_row[:3], filters_row[3:],
                 [InlineKeyboardButton(label(lang, "act.all_stages"), callback_data=ListPage("pending", "", 1).pack()),
                  InlineKeyboardButton(label(lang, "form.chosen", value=overdue) if stage == OVERDUE else overdue,
                                       callback_data=ListPage("pending", OVERDUE, 1).pack())]]
        bands = {BAND_FILTER + code: label(lang, f"band.{code}") for code in BANDS}
        rows.append([InlineKeyboardButton(label(lang, "form.chosen", value=name) if code == stage else name,
                                          callback_data=ListPage("pending", code, 1).pack())
                     for code, name in bands.items()])
        bulk = bulk_action(Stage(stage)) if stage and stage not in (OVERDUE, *bands) and total else None
        if bulk is not None:  # one action for every waiting application, confirmed with the count first
            rows.append([InlineKeyboardButton(label(lang, "bulk.do_all"),
                                              callback_data=BulkStep("ask", bulk.value).pack())])
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if pages > 1:
        rows.append(pager_row(lang, page, pages, lambda number: ListPage(kind, stage, number).pack()))
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
    application_id = OpenApplication.parse(query.data).application_id
    application = await context.store.get_application(application_id)
    officer = None if application is None else await officer_of(context, user.id, application.province_code)
    if application is None or (officer is None and not context.is_admin(user.id)):
        refuse("open", user.id, application_id)
        await query.answer(label(context.lang, "alert.not_allowed"), show_alert=True)
        return
    await query.answer()
    await send_card_with_details(update, context, application, acting=officer is not None)


async def send_card_with_details(update: Update, context: Ctx, application: Application, *,
                                 acting: bool = True) -> None:
    """The details and history, then a card that is kept up to date from now on (beside every other copy).
    An admin from /find reads it without acting (`acting=False`): officers act."""
    chat = update.effective_chat
    user = update.effective_user
    assert chat is not None and user is not None
    lang = context.lang
    audit = await context.store.list_audit(application.id)
    await context.bot.send_message(chat.id, details_text(lang, application, audit, context.config))
    last = await context.store.last_action(application.id)
    own = await context.store.is_own_application(user.id, application.id)  # looking is allowed; acting is not
    text, markup = officer_card(lang, application, context.config, last, own=own, now=context.store.now())
    card = await context.bot.send_message(chat.id, text, reply_markup=markup if acting else None)
    if acting:
        await context.store.save_officer_card(application.id, user.id, card.message_id)
    if application.roster_approved is not None:  # a support plan's covered workers, below its card
        workers = await context.store.list_roster(application.id)
        text, markup = roster_page(context, application, workers, OFFICER, 1)
        await context.bot.send_message(chat.id, text, reply_markup=markup if acting and not own else None)


def handlers() -> list[BaseHandler[Update, Ctx, Any]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("pending", show_pending, filters=private),
        CommandHandler("queue", show_queue, filters=private),
        CommandHandler("app", show_application, filters=private),
        # ❌ and 💰 (and their ✖) belong to `owed_answer`, which runs first; this takes the other presses.
        CallbackQueryHandler(act_on_application,
                             pattern=ActOn.pattern(*(a for a in OFFICER_ACTIONS if a not in OWED_FOR_ACTION))),
        CallbackQueryHandler(pick_bank, pattern=PickBank.PATTERN),
        CallbackQueryHandler(open_application, pattern=OpenApplication.PATTERN),
        CallbackQueryHandler(turn_list_page, pattern=ListPage.PATTERN),
    ]
