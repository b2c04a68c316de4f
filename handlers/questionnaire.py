"""Admins and the readiness questionnaire: /questionnaire sends the one in use as a CSV file; a CSV file named
assessment….csv replaces it, checked whole first (a bad line changes nothing, and its number is given)."""

import logging

from telegram import InputFile, Message, Update, User

from handlers.access import admin_command
from handlers.context import Ctx
from messages import render
from storage.assessment import parse_questionnaire
from storage.catalog import CatalogError

logger = logging.getLogger(__name__)

FILE_PREFIX = "assessment"  # how an uploaded CSV says it is the questionnaire rather than the catalog


def is_questionnaire(file_name: str | None) -> bool:
    return (file_name or "").lower().startswith(FILE_PREFIX)


async def replace_questionnaire(context: Ctx, message: Message, user: User, text: str) -> None:
    """The file, if every line is good, becomes the questionnaire in use (attempts in progress keep theirs)."""
    lang = context.lang
    sectors = {sector.code for sector in await context.store.list_sectors(include_inactive=True)}
    try:
        questionnaire = parse_questionnaire(text, sectors)
    except CatalogError as error:  # nothing is stored: the file is checked whole first
        await message.reply_text(render(lang, "admin/catalog_rejected", line=error.line, problem=error.problem))
        return
    version_id, _ = await context.store.replace_questionnaire(text, user.id)
    logger.info("admin %s replaced the questionnaire: version %s", user.id, version_id)
    general = sum(1 for question in questionnaire.questions if question.sector is None)
    await message.reply_text(render(lang, "admin/questionnaire_replaced", questions=len(questionnaire.questions),
                                    general=general))


@admin_command
async def send_questionnaire(update: Update, context: Ctx, message: Message, user: User) -> None:
    """/questionnaire: the file in use, to edit and send back."""
    source = await context.store.questionnaire_source()
    await message.reply_document(InputFile(source.encode("utf-8"), filename=f"{FILE_PREFIX}.csv"),
                                 caption=render(context.lang, "admin/questionnaire_file"))
