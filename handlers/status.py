"""/status: every application of the user, its stage as a progress line, and the queue position;
/withdraw: the applicant takes back an open application."""

from contextlib import suppress
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from domain.lifecycle import CLOSED_STAGES, OPEN_STAGES, Action, Hold, Stage, progress_marks
from handlers.access import refuse
from handlers.callbacks import Page, Withdraw
from handlers.context import Ctx
from handlers.in_place import show_in_place
from handlers.keyboards import main_menu
from handlers.lifecycle_events import apply_action
from handlers.officer_view import bank_name, training_required
from handlers.pages import page_keyboard, render_page
from messages import all_labels, label, render
from storage import StageConflict
from storage.records import Application, QueuePosition

MARKS = {"done": "✓", "current": "●", "failed": "✗", "todo": "○", "not_reached": "⊘"}


async def show_status(update: Update, context: Ctx) -> None:
    user = update.effective_user
    message = update.effective_message
    assert user is not None and message is not None
    lang = context.lang
    text, markup = await status_page(context, user.id, 1)
    # One page: the main menu stays under it; several: the page buttons (the menu stays from earlier messages).
    await message.reply_text(text, reply_markup=markup or main_menu(lang))


async def status_page(context: Ctx, user_id: int, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    lang = context.lang
    applications = await context.store.list_user_applications(user_id)
    if not applications:
        return render(lang, "status/none"), None
    items = []
    for application in applications:
        position = await context.store.queue_position(application.id) if application.stage == Stage.QUEUED else None
        closed_from = await context.store.closed_from(application.id) if application.stage in CLOSED_STAGES else None
        items.append(status_item(lang, application, position, closed_from, trained(context, application)) | {
            "bank": bank_name(context.config, application.bank, lang)})
    text, page, pages = render_page(
        items, lambda chunk, page, pages: render(lang, "status/list", items=chunk, page=page, pages=pages), page)
    return text, page_keyboard(lang, "status", "", page, pages)


async def turn_status_page(update: Update, context: Ctx) -> None:
    """◀ / ▶ under /status: always the presser's own applications."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    await query.answer()
    text, markup = await status_page(context, user.id, Page.parse(query.data).page)
    with suppress(BadRequest):  # the page pressed is the page shown: "message is not modified"
        await show_in_place(update, context, text, markup)


def trained(context: Ctx, application: Application) -> bool | None:
    """Where the province puts training before the queue, whether the applicant has it (or a waiver)."""
    if not training_required(application, context.config):
        return None
    return application.trained or application.training_waived


def status_item(lang: str, application: Application, position: QueuePosition | None,
                closed_from: Stage | None = None, trained: bool | None = None) -> dict[str, Any]:
    """`trained`: None where the province has no training step, else whether it is done."""
    progress = progress_marks(application.stage, closed_from, trained)
    marks = [(MARKS[mark], label(lang, "progress.not_reached" if mark == "not_reached" else "progress.step",
                                 name=label(lang, f"stage.{step.value}")))
             for step, mark in progress]
    next_step = "training" if (Hold.TRAINING, "current") in progress else application.stage.value
    if application.stage in (Stage.REJECTED, Stage.BANK_REJECTED):
        failed = [index for index, (mark, _) in enumerate(marks) if mark == MARKS["failed"]][0]
        marks[failed] = (MARKS["failed"], label(lang, f"stage.{application.stage.value}"))
    return {
        "a": application,
        "marks": marks,
        "position": position,
        "next": render(lang, f"status/next.{next_step}"),
    }


async def offer_withdrawal(update: Update, context: Ctx) -> None:
    """/withdraw: the user's open applications, each with a button to withdraw it."""
    user = update.effective_user
    message = update.effective_message
    assert user is not None and message is not None
    lang = context.lang
    open_ones = [a for a in await context.store.list_user_applications(user.id) if a.stage in OPEN_STAGES]
    if not open_ones:
        await message.reply_text(render(lang, "status/nothing_to_withdraw"), reply_markup=main_menu(lang))
        return
    rows = [[InlineKeyboardButton(label(lang, "withdraw.choose", number=a.permit_number),
                                  callback_data=Withdraw("ask", a.id).pack())] for a in open_ones]
    await message.reply_text(render(lang, "status/withdraw_list"), reply_markup=InlineKeyboardMarkup(rows))


async def press_withdraw(update: Update, context: Ctx) -> None:
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    lang = context.lang
    pressed = Withdraw.parse(query.data)
    application = await context.store.get_application(pressed.application_id)
    if application is None or application.user_id != user.id:  # only one's own application
        refuse("withdraw", user.id, pressed.application_id)
        await query.answer(label(lang, "alert.not_allowed"), show_alert=True)
        return
    await query.answer()
    if pressed.step == "ask":
        buttons = [[InlineKeyboardButton(label(lang, f"withdraw.{answer}"), callback_data=Withdraw(
            answer, application.id).pack()) for answer in ("yes", "no")]]
        await show_in_place(update, context, render(lang, "status/withdraw_confirm", a=application),
                            InlineKeyboardMarkup(buttons))
        return
    if pressed.step == "no":
        await query.edit_message_text(render(lang, "status/withdraw_kept", a=application))
        return
    try:
        withdrawn = await apply_action(context, application.id, Action.WITHDRAW, user.id)  # cards stop offering
    except StageConflict as conflict:
        await query.edit_message_text(render(lang, "status/withdraw_too_late", a=conflict.application,
                                             stage=label(lang, f"stage.{conflict.application.stage.value}")))
        return
    await query.edit_message_text(render(lang, "applicant/withdrawn", a=withdrawn))


def handlers() -> list[BaseHandler[Update, Ctx, Any]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("status", show_status, filters=private),
        MessageHandler(private & filters.Text(all_labels("main.status")), show_status),
        CommandHandler("withdraw", offer_withdrawal, filters=private),
        CallbackQueryHandler(press_withdraw, pattern=Withdraw.PATTERN),
        CallbackQueryHandler(turn_status_page, pattern=Page.pattern("status")),
    ]
