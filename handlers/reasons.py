"""/reasons: the preset reasons officers choose for every refusal, edited by admins (audited)."""

import logging
from typing import Any

from telegram import Message, Update
from telegram import User as TelegramUser
from telegram.ext import BaseHandler, CommandHandler, filters

from domain import validators
from domain.lifecycle import REFUSALS
from domain.normalize import normalize
from handlers.access import admin_command
from handlers.context import Ctx
from messages import label, render
from messages.formatting import split_lines
from storage.reason_store import MAX_REASON

logger = logging.getLogger(__name__)


@admin_command
async def edit_reasons(update: Update, context: Ctx, message: Message, admin: TelegramUser) -> None:
    """/reasons; /reasons add <refusal> <Persian text> | <English text>; /reasons remove <id>."""
    lang = context.lang
    verb, _, rest = " ".join(context.args or []).strip().partition(" ")
    if verb == "add":
        action, _, texts = rest.strip().partition(" ")
        text_fa, bar, text_en = texts.partition("|")
        cleaned = [validators.free_text(text, max_length=MAX_REASON, min_length=3) for text in (text_fa, text_en)]
        if action not in {a.value for a in REFUSALS} or not bar or \
                any(isinstance(text, validators.Invalid) for text in cleaned):
            await message.reply_text(render(lang, "admin/reasons_usage", refusals=_refusals(lang)))
            return
        reason = await context.store.add_refusal_reason(action, str(cleaned[0]), str(cleaned[1]), admin.id)
        logger.info("admin %s added refusal reason %s", admin.id, reason.id)
    elif verb == "remove":
        number = normalize(rest)
        if not (number.isascii() and number.isdigit()) or \
                not await context.store.retire_refusal_reason(int(number), admin.id):
            await message.reply_text(render(lang, "admin/reasons_usage", refusals=_refusals(lang)))
            return
        logger.info("admin %s retired refusal reason %s", admin.id, number)
    elif verb:
        await message.reply_text(render(lang, "admin/reasons_usage", refusals=_refusals(lang)))
        return
    reasons = await context.store.list_refusal_reasons()
    groups = [(label(lang, f"done.{action.value}"), [r for r in reasons if r.action == action.value])
              for action in REFUSALS]
    for part in split_lines(render(lang, "admin/reasons", groups=groups, refusals=_refusals(lang))):
        await message.reply_text(part)


def _refusals(lang: str) -> list[tuple[str, str]]:
    return [(action.value, label(lang, f"done.{action.value}")) for action in REFUSALS]


def handlers() -> list[BaseHandler[Update, Ctx, Any]]:
    return [CommandHandler("reasons", edit_reasons, filters=filters.ChatType.PRIVATE)]
