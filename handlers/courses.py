"""/courses for applicants: their province's open courses, those serving their category first, with seats
left; «ثبت‌نام» takes a seat in one store transaction (a full course offers its waiting list), and leaving
frees the seat for the first in line, who is told through the outbox. Also the day-before reminder job.
Officers and admins get their province's (or every) course with its id instead (handlers/course_desk.py).
"""

import logging
from contextlib import suppress
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from domain.lifecycle import CLOSED_STAGES
from handlers.access import desk_of, refuse
from handlers.callbacks import CourseButton, Page
from handlers.context import Ctx
from handlers.course_desk import staff_courses_page
from handlers.course_view import CatalogNames, catalog_names, course_view
from handlers.in_place import replace_message, show_in_place
from handlers.pages import page_buttons, page_of
from messages import label, render
from storage.errors import CourseClosed
from storage.records import Application, Course, CourseOffer

logger = logging.getLogger(__name__)

PER_PAGE = 5  # a button each
TITLE_IN_BUTTON = 40


async def applicant_home(context: Ctx, user_id: int, course: Course | None = None) -> Application | None:
    """The application a person takes courses with: their latest one still holding its place, in the course's
    province when one is given (one it serves first)."""
    held = [a for a in await context.store.list_user_applications(user_id) if a.stage not in CLOSED_STAGES]
    if course is not None:
        held = [a for a in held if a.province_code == course.province_code]
        served = [a for a in held if await _serves(context, course, a)]
        held = served or held
    return held[-1] if held else None


async def _serves(context: Ctx, course: Course, application: Application) -> bool:
    category = await context.store.get_category(application.category_id)
    return category is not None and course.serves(category.id, category.sector_id)


async def show_courses(update: Update, context: Ctx) -> None:
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    desk = await desk_of(context, user.id)
    if desk is not None:  # officers and admins manage courses: every course with its id
        text, markup = await staff_courses_page(context, desk, 1)
    else:
        text, markup = await offers_page(context, user.id, 1)
    await message.reply_text(text, reply_markup=markup)


async def offers_page(context: Ctx, user_id: int, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    lang = context.lang
    home = await applicant_home(context, user_id)
    if home is None:
        return render(lang, "courses/no_permit"), None
    offers = await context.store.list_course_offers(user_id, home.province_code, context.store.today().to_gregorian())
    province = home.province_fa if lang == "fa" else home.province_en
    if not offers:
        return render(lang, "courses/none", province=province), None
    names = await catalog_names(context)

    def text_of(chunk: Any, page: int, pages: int) -> str:
        return render(lang, "courses/list", offers=[_offer_view(offer, names) for offer in chunk], page=page,
                      pages=pages, province=province)

    text, shown, page, pages = page_of(offers, text_of, page, most=PER_PAGE)
    rows = [[button] for offer in shown if (button := _offer_button(lang, offer, page)) is not None]
    if pager := page_buttons(lang, "courses", "", page, pages):
        rows.append(pager)
    return text, InlineKeyboardMarkup(rows) if rows else None


def _offer_view(offer: CourseOffer, names: CatalogNames) -> dict[str, Any]:
    return {"c": course_view(offer.course, names), "matches": offer.matches, "status": offer.status}


def _offer_button(lang: str, offer: CourseOffer, page: int) -> InlineKeyboardButton | None:
    title = offer.course.title[:TITLE_IN_BUTTON]
    if offer.status is None:
        return InlineKeyboardButton(label(lang, "course.enrol", title=title),
                                    callback_data=CourseButton("enrol", offer.course.id, page).pack())
    if offer.status in ("enrolled", "waiting"):
        name = "course.leave" if offer.status == "enrolled" else "course.leave_wait"
        return InlineKeyboardButton(label(lang, name, title=title),
                                    callback_data=CourseButton("leave", offer.course.id, page).pack())
    return None  # completed or marked absent: nothing to press


async def press_course_button(update: Update, context: Ctx) -> None:
    """«ثبت‌نام», «فهرست انتظار» or «انصراف»: only for a course of the presser's own province, checked now."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and query.data is not None and user is not None
    lang = context.lang
    pressed = CourseButton.parse(query.data)
    course = await context.store.get_course(pressed.course_id)
    home = None if course is None else await applicant_home(context, user.id, course)
    if course is None or home is None:
        refuse(f"course {pressed.action}", user.id, pressed.course_id)
        await query.answer(label(lang, "alert.course_other_province"), show_alert=True)
        return
    view = course_view(course, await catalog_names(context))
    if pressed.action == "leave":
        left = await context.store.cancel_enrolment(course.id, user.id)
        await query.answer()
        context.kick_courier()  # the first on the waiting list has news
        await _redraw(context, query.message, user.id, pressed.page)
        await context.bot.send_message(user.id, render(lang, "courses/left", c=view, was=left))
        return
    try:
        outcome = await context.store.enrol(course.id, user.id, home.id, waitlist=pressed.action == "wait")
    except CourseClosed:
        await query.answer(label(lang, "alert.course_closed"), show_alert=True)
        return
    await query.answer()
    logger.info("course %s: user %s %s", course.id, user.id, outcome.status)
    if outcome.status == "full":
        await context.bot.send_message(user.id, render(lang, "courses/full", c=view), reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton(label(lang, "course.wait"),
                                   callback_data=CourseButton("wait", course.id, pressed.page).pack())]]))
        return
    template = "courses/already" if outcome.already else f"courses/{outcome.status}"
    if pressed.action == "wait":  # pressed under «full»: that message becomes the answer
        with suppress(BadRequest):
            await query.edit_message_text(render(lang, template, c=view, status=outcome.status))
        return
    await _redraw(context, query.message, user.id, pressed.page)
    await context.bot.send_message(user.id, render(lang, template, c=view, status=outcome.status))


async def _redraw(context: Ctx, message: Any, user_id: int, page: int) -> None:
    """The list under the pressed button, as it is now (seats, the presser's places)."""
    if message is None:
        return
    text, markup = await offers_page(context, user_id, page)
    with suppress(BadRequest):  # unchanged, or too old to edit
        await replace_message(context, message.chat.id, message.message_id, text, markup)


async def turn_courses_page(update: Update, context: Ctx) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None and query.data is not None and user is not None
    await query.answer()
    pressed = Page.parse(query.data)
    desk = await desk_of(context, user.id)
    if desk is not None:
        text, markup = await staff_courses_page(context, desk, pressed.page)
    else:
        text, markup = await offers_page(context, user.id, pressed.page)
    with suppress(BadRequest):
        await show_in_place(update, context, text, markup)


async def remind_courses(context: Ctx) -> None:
    """The job: everyone enrolled in a course that starts tomorrow hears it once (the store marks them)."""
    tomorrow = context.store.today() + timedelta(days=1)
    queued = await context.store.queue_course_reminders(tomorrow.to_gregorian())
    if queued:
        logger.info("queued %d course reminders", queued)
        context.kick_courier()


def handlers() -> list[BaseHandler[Update, Ctx, Any]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("courses", show_courses, filters=private),
        CallbackQueryHandler(press_course_button, pattern=CourseButton.PATTERN),
        CallbackQueryHandler(turn_courses_page, pattern=Page.pattern("courses")),
    ]
