"""Courses at the officers' desk: the list with ids (/courses for staff), /closecourse, the roster (/course <id>)
where each person is marked completed or absent, and /newmodel (admins: training before the money in one
province).

Every press on the roster re-reads, at that moment, who presses (an officer of the course's province, or an
admin) and whether they are the person marked (conflict of interest); completion numbers a certificate that
the courier draws and sends.
"""

import logging
from contextlib import suppress
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram import User as TelegramUser
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from domain import validators
from domain.normalize import normalize
from handlers.access import Desk, admin_command, desk_command, desk_of, refuse
from handlers.admin import find_province_in
from handlers.callbacks import Page, RosterMark
from handlers.context import Ctx
from handlers.course_view import catalog_names, course_view
from handlers.in_place import show_in_place
from handlers.lifecycle_events import refresh_cards
from handlers.pages import page_buttons, page_of, render_page
from messages import label, render
from storage.records import Course, Enrolment

logger = logging.getLogger(__name__)

ROSTER_PER_PAGE = 10
MARK = {"done": "completed", "absent": "absent"}  # the button's word -> the store's mark
SWITCH = {"on": True, "off": False, "روشن": True, "خاموش": False}


async def staff_courses_page(context: Ctx, desk: Desk, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """The courses an officer (their province) or an admin (all) manages, with ids and seats."""
    lang = context.lang
    courses = await context.store.list_courses(desk.province_code)
    if not courses:
        return render(lang, "courses/manage_none"), None
    names = await catalog_names(context)
    views = [course_view(course, names) for course in courses]
    text, page, pages = render_page(
        views, lambda chunk, page, pages: render(lang, "courses/manage_list", courses=chunk, page=page, pages=pages,
                                                 everywhere=desk.province_code is None), page)
    buttons = page_buttons(lang, "courses", "", page, pages)
    return text, InlineKeyboardMarkup([buttons]) if buttons else None


async def staff_course(context: Ctx, desk: Desk, args: list[str] | None) -> Course | None:
    """The course a command names, if this officer (their province) or admin may manage it."""
    number = validators.whole_number(" ".join(args or []), 1, 10**9)
    if isinstance(number, validators.Invalid):
        return None
    course = await context.store.get_course(number)
    if course is None or (desk.province_code is not None and course.province_code != desk.province_code):
        refuse("course", desk.user_id, number)  # the same answer for another province's course: no probing
        return None
    return course


async def named_course(context: Ctx, message: Message, desk: Desk, command: str) -> Course | None:
    """The course a command's argument names, or (answered here) none this person may manage."""
    course = await staff_course(context, desk, context.args)
    if course is None:
        await message.reply_text(render(context.lang, "courses/not_found", command=command))
    return course


@desk_command
async def close_course(update: Update, context: Ctx, message: Message, desk: Desk) -> None:
    """/closecourse <id>: no more enrolments; the roster stays for marking."""
    course = await named_course(context, message, desk, "closecourse")
    if course is None:
        return
    closed = await context.store.close_course(course.id, desk.user_id)
    logger.info("course %s closed by %s", course.id, desk.user_id)
    view = course_view(closed, await catalog_names(context))
    await message.reply_text(render(context.lang, "courses/closed_ok", c=view))


@desk_command
async def show_roster(update: Update, context: Ctx, message: Message, desk: Desk) -> None:
    """/course <id>: who holds a seat and who waits, with ✅ / غایب for each seated person."""
    course = await named_course(context, message, desk, "course")
    if course is None:
        return
    text, markup = await roster_page(context, course, 1)
    await message.reply_text(text, reply_markup=markup)


async def roster_page(context: Ctx, course: Course, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    lang = context.lang
    roster = list(enumerate(await context.store.list_course_roster(course.id), start=1))  # numbered across pages
    view = course_view(course, await catalog_names(context))
    text, shown, page, pages = page_of(
        roster, lambda chunk, page, pages: render(lang, "courses/roster", c=view, people=chunk, page=page,
                                                  pages=pages), page, most=ROSTER_PER_PAGE)
    rows = [_mark_row(lang, person, page) for _, person in shown if person.status in ("enrolled", "absent")]
    if pager := page_buttons(lang, "roster", str(course.id), page, pages):
        rows.append(pager)
    return text, InlineKeyboardMarkup(rows) if rows else None


def _mark_row(lang: str, person: Enrolment, page: int) -> list[InlineKeyboardButton]:
    name = (person.full_name or str(person.user_id))[:30]
    return [InlineKeyboardButton(label(lang, "course.mark_done", name=name),
                                 callback_data=RosterMark(person.id, "done", page).pack()),
            InlineKeyboardButton(label(lang, "course.mark_absent"),
                                 callback_data=RosterMark(person.id, "absent", page).pack())]


async def mark_person(update: Update, context: Ctx) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None and query.data is not None and user is not None
    lang = context.lang
    pressed = RosterMark.parse(query.data)
    person = await context.store.get_enrolment(pressed.enrolment_id)
    course = None if person is None else await context.store.get_course(person.course_id)
    desk = await desk_of(context, user.id)
    if person is None or course is None or desk is None or desk.province_code not in (None, course.province_code):
        refuse("roster mark", user.id, pressed.enrolment_id)
        await query.answer(label(lang, "alert.not_allowed"), show_alert=True)
        return
    if person.user_id == user.id or (person.application_id is not None
                                     and await context.store.is_own_application(user.id, person.application_id)):
        refuse("roster mark (own)", user.id, pressed.enrolment_id)
        if person.application_id is not None:
            await context.store.record_refusal(person.application_id, user.id, "course_mark")
        await query.answer(label(lang, "alert.course_own"), show_alert=True)
        return
    await query.answer()
    marked = await context.store.mark_enrolment(person.id, MARK[pressed.mark], user.id)
    logger.info("enrolment %s marked %s by %s", person.id, marked.status, user.id)
    context.kick_courier()  # the certificate
    text, markup = await roster_page(context, course, pressed.page)
    with suppress(BadRequest):
        await show_in_place(update, context, text, markup)
    if marked.status == "completed" and course.required:  # their cards may now offer the queue
        for application in await context.store.list_user_applications(person.user_id):
            await refresh_cards(context, application)


async def turn_roster_page(update: Update, context: Ctx) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None and query.data is not None and user is not None
    pressed = Page.parse(query.data)
    desk = await desk_of(context, user.id)
    course = None if desk is None else await staff_course(context, desk, [pressed.filter])
    if course is None:
        refuse("roster page", user.id, pressed.filter)
        await query.answer(label(context.lang, "alert.not_allowed"), show_alert=True)
        return
    await query.answer()
    text, markup = await roster_page(context, course, pressed.page)
    with suppress(BadRequest):
        await show_in_place(update, context, text, markup)


# -- training before the money, per province --------------------------------------------------------------


@admin_command
async def new_model(update: Update, context: Ctx, message: Message, admin: TelegramUser) -> None:
    """/newmodel <province> on|off: the province's own switch (audited); alone: where it is on now."""
    lang = context.lang
    words = normalize(" ".join(context.args or [])).split()
    provinces = await context.store.list_provinces()
    switches = await context.store.list_training_rollout()
    rollout = context.config.training_before_queue
    if not words:
        on = [p for p in provinces if rollout.covers(p.code, switches.get(p.code))]
        await message.reply_text(render(lang, "courses/newmodel_list", on=on, switches=switches,
                                        everywhere=rollout.everywhere, listed=sorted(rollout.provinces)))
        return
    setting = SWITCH.get(words[-1].lower()) if len(words) > 1 else None
    province = find_province_in(provinces, " ".join(words[:-1])) if setting is not None else None
    if province is None or setting is None:
        await message.reply_text(render(lang, "courses/newmodel_usage"))
        return
    await context.store.set_training_rollout(province.code, setting, admin.id)
    logger.info("training before the queue in %s set %s by %s", province.code, setting, admin.id)
    await message.reply_text(render(lang, "courses/newmodel_set", province=province, on=setting))


def handlers() -> list[BaseHandler[Update, Ctx, Any]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("closecourse", close_course, filters=private),
        CommandHandler("course", show_roster, filters=private),
        CommandHandler("newmodel", new_model, filters=private),
        CallbackQueryHandler(mark_person, pattern=RosterMark.PATTERN),
        CallbackQueryHandler(turn_roster_page, pattern=Page.pattern("roster")),
    ]

