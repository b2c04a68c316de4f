"""/export [stage or action awaited] [from Jalali date] [to Jalali date] [csv]: the province's applications as an
XLSX (or CSV) file, written in the background and sent as a document; admins name a province or «همه» (all).
Every export is audited (who, what filter, how many rows): it holds personal data. /exports on|off: whether
officers may export at all (admins always may)."""

import logging
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from persiantools.jdatetime import JalaliDate
from telegram import Message, Update
from telegram import User as TelegramUser
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CommandHandler, filters

from domain.lifecycle import Stage
from domain.normalize import normalize, search_key
from handlers.access import Desk, admin_command, desk_command
from handlers.admin import find_province_in
from handlers.context import Ctx
from handlers.export_file import write_export
from handlers.officer import awaiting_named
from messages import LANGUAGES, label, render
from storage.records import Province

logger = logging.getLogger(__name__)

TASK_NAME = "bg:export"
_DATE = re.compile(r"([0-9]{4})[/.\-]([0-9]{1,2})[/.\-]([0-9]{1,2})")
_EVERY_PROVINCE = {search_key(word) for word in ("همه", "همه استان‌ها", "کل کشور", "all", "*")}


@dataclass(frozen=True, slots=True)
class ExportRequest:
    province_code: str | None  # None: every province (admins only)
    stage: Stage | None
    issued_from: JalaliDate | None
    issued_to: JalaliDate | None  # inclusive
    kind: str  # "xlsx" or "csv"

    def described(self) -> dict[str, Any]:
        """The filter as the audit log keeps it."""
        return {"province": self.province_code or "*", "stage": self.stage.value if self.stage else None,
                "from": self.issued_from.isoformat() if self.issued_from else None,
                "to": self.issued_to.isoformat() if self.issued_to else None, "format": self.kind}


def parse_export(typed: str, desk: Desk, provinces: list[Province]) -> ExportRequest | None:
    """What /export was asked for, or None when part of it is not understood."""
    text = normalize(typed)
    dates: list[JalaliDate] = []
    for match in _DATE.finditer(text):
        try:
            dates.append(JalaliDate(*(int(part) for part in match.groups())))
        except ValueError:
            return None
    words = _DATE.sub(" ", text).split()
    kind = "csv" if any(word.casefold() == "csv" for word in words) else "xlsx"
    rest = " ".join(word for word in words if word.casefold() not in ("csv", "xlsx"))
    province_code = desk.province_code
    if desk.province_code is None:  # an admin: a province first, or «همه»; every province when none is named
        province_code, rest = _province_named(rest, provinces)
    stage = _stage_named(rest) if rest else None
    if (rest and stage is None) or len(dates) > 2 or (len(dates) == 2 and dates[0] > dates[1]):
        return None
    return ExportRequest(province_code, stage, dates[0] if dates else None, dates[1] if len(dates) > 1 else None,
                         kind)


def _province_named(text: str, provinces: list[Province]) -> tuple[str | None, str]:
    words = text.split()
    for count in range(min(3, len(words)), 0, -1):  # «آذربایجان شرقی» is two words
        head, tail = " ".join(words[:count]), " ".join(words[count:])
        if search_key(head) in _EVERY_PROVINCE:
            return None, tail
        province = find_province_in(provinces, head)
        if province is not None:
            return province.code, tail
    return None, text


def _stage_named(text: str) -> Stage | None:
    """A stage by the action awaited there («نظارت»), or by its own name or code («پرداخت وام», loan_paid)."""
    awaited = awaiting_named(text)
    if awaited is not None:
        return awaited
    wanted = search_key(text)
    for stage in Stage:
        names = {stage.value, *(label(lang, f"stage.{stage.value}") for lang in LANGUAGES)}
        if wanted in {search_key(name) for name in names}:
            return stage
    return None


@desk_command
async def export_applications(update: Update, context: Ctx, message: Message, desk: Desk) -> None:
    lang = context.lang
    if desk.province_code is not None and not await context.store.officers_may_export():
        await message.reply_text(render(lang, "desk/exports_off"))
        return
    wanted = parse_export(" ".join(context.args or []), desk, await context.store.list_provinces())
    if wanted is None:
        await message.reply_text(render(lang, "desk/export_usage"))
        return
    await message.reply_text(render(lang, "desk/export_started"))
    context.application.create_task(send_export(context, message.chat_id, desk, wanted, lang), name=TASK_NAME)


async def send_export(context: Ctx, chat_id: int, desk: Desk, wanted: ExportRequest, lang: str) -> None:
    """Write the file (a page of rows at a time), send it, audit it; runs beside the bot's answers."""
    tz = context.config.timezone
    rows = context.store.export_rows(wanted.province_code, (wanted.stage,) if wanted.stage else None,
                                     _start_of(wanted.issued_from, tz),
                                     _start_of(wanted.issued_to + timedelta(days=1), tz) if wanted.issued_to else None)
    with tempfile.TemporaryDirectory(prefix="export-") as folder:
        path = Path(folder) / f"applications-{context.store.today().isoformat()}.{wanted.kind}"
        count = await write_export(rows, path, wanted.kind, lang, context.config.banks, tz)
        await context.store.record_export(desk.user_id, wanted.described(), count)
        logger.info("export by %s: %d rows (%s)", desk.user_id, count, wanted.kind)
        try:
            if count == 0:
                await context.bot.send_message(chat_id, render(lang, "desk/export_empty"))
                return
            with path.open("rb") as file:
                await context.bot.send_document(chat_id, file, filename=path.name,
                                                caption=render(lang, "desk/export_ready", rows=count))
        except TelegramError as error:
            logger.warning("export for %s not sent: %s", desk.user_id, error.message)


def _start_of(day: JalaliDate | None, tz: Any) -> datetime | None:
    return None if day is None else datetime.combine(day.to_gregorian(), time(0, 0), tzinfo=tz)


@admin_command
async def switch_exports(update: Update, context: Ctx, message: Message, admin: TelegramUser) -> None:
    """/exports on|off: whether officers may export their province's applications (audited)."""
    lang = context.lang
    choice = normalize(" ".join(context.args or [])).casefold()
    if choice not in ("on", "off"):
        allowed = await context.store.officers_may_export()
        await message.reply_text(render(lang, "desk/exports_usage", allowed=allowed))
        return
    await context.store.let_officers_export(choice == "on", admin.id)
    logger.info("admin %s turned officers' exports %s", admin.id, choice)
    await message.reply_text(render(lang, "desk/exports_set", allowed=choice == "on"))


def handlers() -> list[BaseHandler[Update, Ctx, Any]]:
    private = filters.ChatType.PRIVATE
    return [CommandHandler("export", export_applications, filters=private),
            CommandHandler("exports", switch_exports, filters=private)]
