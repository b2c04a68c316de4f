"""/find <anything>: an officer finds a person who phones in, by national ID, mobile, permit number or part of
a name, within their province (admins: every province, the province shown); each result opens the live card."""

import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CommandHandler, filters

from domain.find_query import FindQuery, parse_find_query
from handlers.access import Desk, desk_command
from handlers.callbacks import OpenApplication
from handlers.context import Ctx
from messages import label, render
from storage import Store
from storage.records import Application

logger = logging.getLogger(__name__)

SHOWN = 10  # results on one answer; more say how to narrow the search


async def find(store: Store, query: FindQuery, province_code: str | None, limit: int) -> list[Application]:
    """Every application the query names, up to `limit`, exact keys first and without repeats."""
    found: dict[int, Application] = {}
    if query.permit:
        found |= {a.id: a for a in await store.find_by_permit(query.permit, province_code)}
    if query.national_id:
        found |= {a.id: a for a in await store.find_by_national_id(query.national_id, province_code, limit)}
    if query.mobile:
        found |= {a.id: a for a in await store.find_by_mobile(query.mobile, province_code, limit)}
    if query.name:
        found |= {a.id: a for a in await store.find_by_name(query.name, province_code, limit)}
    return list(found.values())[:limit]


@desk_command
async def find_applications(update: Update, context: Ctx, message: Message, desk: Desk) -> None:
    lang = context.lang
    query = parse_find_query(" ".join(context.args or []))
    if query is None:
        await message.reply_text(render(lang, "desk/find_usage"))
        return
    found = await find(context.store, query, desk.province_code, SHOWN + 1)
    logger.info("find by %s: %d found", desk.user_id, len(found))  # never the query: it is personal data
    if not found:
        await message.reply_text(render(lang, "desk/found_nothing"))
        return
    shown = found[:SHOWN]
    stages = {a.stage: label(lang, f"stage.{a.stage.value}") for a in shown}
    text = render(lang, "desk/found", items=shown, more=len(found) > SHOWN, stages=stages,
                  nationwide=desk.province_code is None)
    buttons = [InlineKeyboardButton(label(lang, "act.open", number=a.permit_number),
                                    callback_data=OpenApplication(a.id).pack()) for a in shown]
    await message.reply_text(text, reply_markup=InlineKeyboardMarkup([buttons[i:i + 2]
                                                                      for i in range(0, len(buttons), 2)]))


def handlers() -> list[BaseHandler[Update, Ctx, Any]]:
    return [CommandHandler("find", find_applications, filters=filters.ChatType.PRIVATE)]
