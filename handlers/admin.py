"""Admins (ADMIN_IDS): officers per province, and the job catalog (commands, or a whole CSV file; a CSV file may
also be the readiness questionnaire, see handlers/questionnaire.py)."""

import logging
import re
from collections.abc import Sequence
from contextlib import suppress
from datetime import timedelta
from itertools import groupby
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update, User
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from domain.normalize import normalize, search_key
from handlers import appoint, questionnaire
from handlers.access import admin_command, refuse
from handlers.callbacks import Page
from handlers.command_menus import refresh_person_menu
from handlers.context import Ctx
from handlers.in_place import show_in_place
from handlers.pages import page_keyboard, render_page
from messages import label, render
from storage import Duplicate, NotFound, Province
from storage.catalog import CatalogError, parse_categories
from storage.records import Adviser, Category, Sector
from storage.records import User as Officer

logger = logging.getLogger(__name__)

MAX_CSV_BYTES = 1_000_000  # the 515 official categories are ~60 KB
SECTOR_CODE = re.compile(r"[a-z][a-z0-9_]{1,31}")
APPROVAL_BODIES = ("health", "veterinary", "culture", "agriculture_health", "other")


async def find_province(context: Ctx, text: str) -> Province | None:
    return find_province_in(await context.store.list_provinces(), text)


def find_province_in(provinces: list[Province], text: str) -> Province | None:
    """A province by code (IR-15, or 15) or by its Persian or English name, typed any common way."""
    wanted = search_key(text)
    for province in provinces:
        keys = {search_key(province.code), search_key(province.code.removeprefix("IR-")),
                search_key(province.name_fa), search_key(province.name_en)}
        if wanted in keys:
            return province
    return None


# -- officers -------------------------------------------------------------------------------------


@admin_command
async def add_officer(update: Update, context: Ctx, message: Message, user: User) -> None:
    """/addofficer <user id> <province>; without a province, the province list; without anything, the
    person is chosen with a button or a forwarded contact (handlers/appoint.py)."""
    lang = context.lang
    args = normalize(" ".join(context.args or [])).split(" ", 1) if context.args else []
    if not args:
        await appoint.ask_for_person(context, message)
        return
    officer_id = appoint.typed_person(context, args[0])
    if officer_id is None:
        await message.reply_text(render(lang, "admin/addofficer_usage"))
        return
    if len(args) == 1:
        await appoint.ask_for_province(context, message, officer_id)
        return
    province = await find_province(context, args[1])
    if province is None:
        await message.reply_text(render(lang, "admin/unknown_province", given=args[1][:40]))
        return
    await message.reply_text(await appoint.appoint_officer(context, user.id, officer_id, province))


@admin_command
async def remove_officer(update: Update, context: Ctx, message: Message, user: User) -> None:
    """/removeofficer <user id>"""
    lang = context.lang
    officer_id = appoint.typed_person(context, " ".join(context.args or []))
    if officer_id is None:
        await message.reply_text(render(lang, "admin/removeofficer_usage"))
        return
    former = await context.store.remove_officer(officer_id, user.id)
    if former is None:
        await message.reply_text(render(lang, "admin/not_an_officer", user_id=officer_id, viewer=context.platform))
        return
    province = await context.store.get_province(former.province_code or "")
    logger.info("admin %s removed officer %s", user.id, former.telegram_id)
    await refresh_person_menu(context, former.telegram_id)  # still an adviser, perhaps
    await message.reply_text(render(lang, "admin/officer_removed", user_id=former.telegram_id, viewer=context.platform,
                                    province=getattr(province, f"name_{lang}", former.province_code)))


@admin_command
async def list_officers(update: Update, context: Ctx, message: Message, user: User) -> None:
    text, markup = await officers_page(context, 1)
    await message.reply_text(text, reply_markup=markup)


async def officers_page(context: Ctx, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """Officers, then advisers, with their names, grouped by province; a province may continue on the next page."""
    lang = context.lang
    names = {p.code: getattr(p, f"name_{lang}") for p in await context.store.list_provinces()}
    officers, advisers = await context.store.list_officers(), await context.store.list_advisers()
    staff: list[tuple[str, Officer | Adviser]] = [("officer", o) for o in officers] + [("adviser", a) for a in advisers]

    def render_officers(people: Sequence[tuple[str, Officer | Adviser]], page: int, pages: int) -> str:
        groups = [(role, names.get(code or "", code), [person for _, person in group])
                  for (role, code), group in groupby(people, key=lambda row: (row[0], row[1].province_code))]
        return render(lang, "admin/officers", groups=groups, page=page, pages=pages, viewer=context.platform)

    text, page, pages = render_page(staff, render_officers, page)
    return text, page_keyboard(lang, "officers", "", page, pages)


# -- catalog --------------------------------------------------------------------------------------


def _fields(context: Ctx) -> list[str]:
    """Arguments separated by ';' (or the Persian '؛') so that names may contain spaces:
    /addcategory handicrafts؛ نام؛ Name"""
    return [normalize(part) for part in re.split("[;\u061b]", " ".join(context.args or []))]


@admin_command
async def list_categories(update: Update, context: Ctx, message: Message, user: User) -> None:
    """/categories [sector code]: ids to use with the other catalog commands."""
    wanted = normalize(" ".join(context.args or [])).lower()
    text, markup = await categories_page(context, wanted if SECTOR_CODE.fullmatch(wanted) else "", 1)
    await message.reply_text(text, reply_markup=markup)


async def categories_page(context: Ctx, wanted: str, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """Every category under its sector (one sector when `wanted` names it); a sector may continue on the
    next page, under its name again."""
    lang = context.lang
    rows: list[tuple[Sector, Category | None]] = []
    for sector in await context.store.list_sectors(include_inactive=True):
        if wanted and sector.code != wanted:
            continue
        categories = await context.store.list_categories(sector.id, include_inactive=True)
        rows += [(sector, category) for category in categories] or [(sector, None)]

    def render_categories(chunk: Sequence[tuple[Sector, Category | None]], page: int, pages: int) -> str:
        sectors = [{"sector": sector, "categories": [c for _, c in group if c is not None]}
                   for sector, group in groupby(chunk, key=lambda row: row[0])]
        return render(lang, "admin/categories", sectors=sectors, page=page, pages=pages)

    text, page, pages = render_page(rows, render_categories, page)
    return text, page_keyboard(lang, "categories", wanted, page, pages)


async def turn_admin_page(update: Update, context: Ctx) -> None:
    """◀ / ▶ on /officers or /categories: admins only, checked again at the press."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    if not context.is_admin(user.id):
        refuse("admin list page", user.id)
        await query.answer(label(context.lang, "alert.not_allowed"), show_alert=True)
        return
    pressed = Page.parse(query.data)
    await query.answer()
    if pressed.kind == "officers":
        text, markup = await officers_page(context, pressed.page)
    else:
        text, markup = await categories_page(context, pressed.filter, pressed.page)
    with suppress(BadRequest):  # the page pressed is the page shown: "message is not modified"
        await show_in_place(update, context, text, markup)


@admin_command
async def add_category(update: Update, context: Ctx, message: Message, user: User) -> None:
    """/addcategory <sector code>; <name fa>; <name en>[; star]"""
    lang = context.lang
    fields = _fields(context)
    if len(fields) not in (3, 4) or not all(fields[:3]) or (len(fields) == 4 and fields[3] not in ("star", "⭐")):
        await message.reply_text(render(lang, "admin/addcategory_usage"))
        return
    try:
        category = await context.store.add_category(fields[0], fields[1][:120], fields[2][:120], len(fields) == 4,
                                                    user.id)
    except NotFound:
        await message.reply_text(render(lang, "admin/unknown_sector", given=fields[0][:40]))
        return
    except Duplicate:
        await message.reply_text(render(lang, "admin/duplicate", given=fields[1][:120]))
        return
    await message.reply_text(render(lang, "admin/category_saved", category=category))


@admin_command
async def rename_category(update: Update, context: Ctx, message: Message, user: User) -> None:
    """/renamecategory <id>; <name fa>; <name en>"""
    lang = context.lang
    fields = _fields(context)
    if len(fields) != 3 or not fields[0].isascii() or not fields[0].isdigit() or not all(fields):
        await message.reply_text(render(lang, "admin/renamecategory_usage"))
        return
    try:
        category = await context.store.rename_category(int(fields[0]), fields[1][:120], fields[2][:120], user.id)
    except NotFound:
        await message.reply_text(render(lang, "admin/unknown_category", given=fields[0][:12]))
        return
    except Duplicate:
        await message.reply_text(render(lang, "admin/duplicate", given=fields[1][:120]))
        return
    await message.reply_text(render(lang, "admin/category_saved", category=category))


async def toggle_category(update: Update, context: Ctx, message: Message, user: User, active: bool) -> None:
    lang = context.lang
    given = normalize(" ".join(context.args or []))
    if not given.isascii() or not given.isdigit():
        await message.reply_text(render(lang, "admin/category_id_usage"))
        return
    try:
        category = await context.store.set_category_active(int(given), active, user.id)
    except NotFound:
        await message.reply_text(render(lang, "admin/unknown_category", given=given[:12]))
        return
    await message.reply_text(render(lang, "admin/category_saved", category=category))


@admin_command
async def hide_category(update: Update, context: Ctx, message: Message, user: User) -> None:
    """/hidecategory <id>: gone from the applicants' lists; existing applications keep it."""
    await toggle_category(update, context, message, user, active=False)


@admin_command
async def show_category(update: Update, context: Ctx, message: Message, user: User) -> None:
    await toggle_category(update, context, message, user, active=True)


@admin_command
async def star_category(update: Update, context: Ctx, message: Message, user: User) -> None:
    """/starcategory <id>; <approving body | off>"""
    lang = context.lang
    fields = _fields(context)
    if (len(fields) != 2 or not fields[0].isascii() or not fields[0].isdigit()
            or fields[1] not in (*APPROVAL_BODIES, "off")):
        await message.reply_text(render(lang, "admin/starcategory_usage",
                                        bodies=[(body, label(lang, f"approval.{body}")) for body in APPROVAL_BODIES]))
        return
    try:
        category = await context.store.set_category_star(int(fields[0]), None if fields[1] == "off" else fields[1],
                                                         user.id)
    except NotFound:
        await message.reply_text(render(lang, "admin/unknown_category", given=fields[0][:12]))
        return
    await message.reply_text(render(lang, "admin/category_saved", category=category))


@admin_command
async def add_sector(update: Update, context: Ctx, message: Message, user: User) -> None:
    """/addsector <code>; <name fa>; <name en>"""
    lang = context.lang
    fields = _fields(context)
    valid_code = len(fields) == 3 and fields[0].isascii() and fields[0].replace("_", "").isalnum() \
        and fields[0][:1].isalpha() and fields[0] == fields[0].lower() and len(fields[0]) <= 32
    if not valid_code or not all(fields):
        await message.reply_text(render(lang, "admin/addsector_usage"))
        return
    try:
        sector = await context.store.add_sector(fields[0], fields[1][:120], fields[2][:120], user.id)
    except Duplicate:
        await message.reply_text(render(lang, "admin/duplicate", given=fields[0]))
        return
    await message.reply_text(render(lang, "admin/sector_saved", sector=sector))


async def toggle_sector(update: Update, context: Ctx, message: Message, user: User, active: bool) -> None:
    code = normalize(" ".join(context.args or []))
    try:
        sector = await context.store.set_sector_active(code, active, user.id)
    except NotFound:
        await message.reply_text(render(context.lang, "admin/unknown_sector", given=code[:40]))
        return
    await message.reply_text(render(context.lang, "admin/sector_saved", sector=sector))


@admin_command
async def hide_sector(update: Update, context: Ctx, message: Message, user: User) -> None:
    await toggle_sector(update, context, message, user, active=False)


@admin_command
async def show_sector(update: Update, context: Ctx, message: Message, user: User) -> None:
    await toggle_sector(update, context, message, user, active=True)


async def receive_csv(update: Update, context: Ctx) -> None:
    """A CSV document from an admin: named assessment….csv, the readiness questionnaire (handlers/questionnaire.py);
    any other, in the format of data/categories.csv, the catalog."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and message.document is not None and user is not None
    lang = context.lang
    if not context.is_admin(user.id):  # a file from anyone else is just input the bot cannot use
        await message.reply_text(render(lang, "common/use_menu"))
        return
    document = message.document
    if not (document.file_name or "").lower().endswith(".csv") or (document.file_size or 0) > MAX_CSV_BYTES:
        await message.reply_text(render(lang, "admin/catalog_not_csv"))
        return
    data = await (await document.get_file()).download_as_bytearray()
    if len(data) > MAX_CSV_BYTES:  # the size Telegram announced is not to be trusted
        await message.reply_text(render(lang, "admin/catalog_not_csv"))
        return
    try:
        text = bytes(data).decode("utf-8")
    except UnicodeDecodeError:
        await message.reply_text(render(lang, "admin/catalog_rejected", line=1, problem="not UTF-8 text"))
        return
    if questionnaire.is_questionnaire(document.file_name):
        await questionnaire.replace_questionnaire(context, message, user, text)
    else:
        await replace_catalog(context, message, user, text)


async def replace_catalog(context: Ctx, message: Message, user: User, text: str) -> None:
    """The file, if every line is good, becomes the catalog."""
    lang = context.lang
    try:
        sectors, categories = parse_categories(text)
    except CatalogError as error:  # nothing is stored: the file is checked whole first
        await message.reply_text(render(lang, "admin/catalog_rejected", line=error.line, problem=error.problem))
        return
    if not categories:
        await message.reply_text(render(lang, "admin/catalog_rejected", line=2, problem="no categories"))
        return
    change = await context.store.replace_catalog(sectors, categories, user.id)
    logger.info("admin %s replaced the catalog: %s", user.id, change)
    await message.reply_text(render(lang, "admin/catalog_replaced", change=change))


@admin_command
async def show_health(update: Update, context: Ctx, message: Message, user: User) -> None:
    """/health: deliveries, failing channels and unfinished forms at a glance."""
    store = context.store
    await message.reply_text(render(
        context.lang, "admin/health", outbox=await store.outbox_counts(), failures=await store.recent_failures(),
        channels=[c for c in await store.list_channels(None) if c.failing], drafts=len(await store.list_drafts(
            timedelta(days=context.config.rules.draft_ttl_days))),
        schema=await store.schema_version(), officers=len(await store.list_officers()),
        database="PostgreSQL" if store.dialect == "postgresql" else "SQLite",
        leader=await context.bot_data["leadership"].describe(),
    ))


def handlers() -> list[BaseHandler[Update, Ctx, Any]]:
    private = filters.ChatType.PRIVATE
    commands = {
        "addofficer": add_officer, "removeofficer": remove_officer, "officers": list_officers,
        "categories": list_categories, "addcategory": add_category, "renamecategory": rename_category,
        "hidecategory": hide_category, "showcategory": show_category, "starcategory": star_category,
        "addsector": add_sector, "hidesector": hide_sector, "showsector": show_sector, "health": show_health,
    }
    return [
        *(CommandHandler(name, callback, filters=private) for name, callback in commands.items()),
        MessageHandler(private & filters.Document.ALL, receive_csv),
        CommandHandler("questionnaire", questionnaire.send_questionnaire, filters=private),
        CallbackQueryHandler(turn_admin_page, pattern=Page.pattern("officers")),
        CallbackQueryHandler(turn_admin_page, pattern=Page.pattern("categories")),
    ]
