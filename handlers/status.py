"""/status: every application of the user, its stage as a progress line, and the queue position."""

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from domain.lifecycle import Stage, progress_marks
from handlers.context import Ctx
from handlers.keyboards import main_menu
from messages import all_labels, label, render
from storage.records import Application, QueuePosition

MARKS = {"done": "✓", "current": "●", "failed": "✗", "todo": "○"}


async def show_status(update: Update, context: Ctx) -> None:
    user = update.effective_user
    message = update.effective_message
    assert user is not None and message is not None
    lang = context.lang
    applications = await context.store.list_user_applications(user.id)
    if not applications:
        await message.reply_text(render(lang, "status/none"), reply_markup=main_menu(lang))
        return
    items = []
    for application in applications:
        position = await context.store.queue_position(application.id) if application.stage == Stage.QUEUED else None
        items.append(status_item(lang, application, position))
    await message.reply_text(render(lang, "status/list", items=items), reply_markup=main_menu(lang))


def status_item(lang: str, application: Application, position: QueuePosition | None) -> dict[str, Any]:
    marks = [(MARKS[mark], label(lang, f"stage.{step.value}")) for step, mark in progress_marks(application.stage)]
    if application.stage in (Stage.REJECTED, Stage.BANK_REJECTED):
        failed = [index for index, (mark, _) in enumerate(marks) if mark == MARKS["failed"]][0]
        marks[failed] = (MARKS["failed"], label(lang, f"stage.{application.stage.value}"))
    return {
        "a": application,
        "marks": marks,
        "position": position,
        "next": render(lang, f"status/next.{application.stage.value}"),
    }


def handlers() -> list[BaseHandler[Update, Ctx, Any]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("status", show_status, filters=private),
        MessageHandler(private & filters.Text(all_labels("main.status")), show_status),
    ]
