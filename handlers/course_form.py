"""/addcourse and /editcourse <id>: an officer (their province) or an admin (any province) announces a training
course one question at a time, then reviews it before saving; /editcourse opens the same review with a
course's answers, and ✏ asks one question again.

A persistent conversation (name COURSE_FORM): every step is written through to the conversation_steps table
(bot/persistence.py hands it back after a restart). Typed answers are validated and re-asked with a reason;
sectors, categories and "required" are buttons from the catalog. Role and province are read again at save.
"""

import logging
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from persiantools.jdatetime import JalaliDate
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from domain import validators
from handlers.access import Desk, desk_of, refuse
from handlers.admin import find_province_in
from handlers.callbacks import CourseFormButton
from handlers.context import Ctx
from handlers.course_desk import named_course
from handlers.course_view import catalog_names, course_view, request_view
from handlers.in_place import show_in_place
from handlers.pages import pager_row
from handlers.states import CourseForm
from messages import all_labels, label, render
from storage.errors import CapacityBelowTaken, NotFound
from storage.records import CourseRequest

logger = logging.getLogger(__name__)

COURSE_FORM = "course_form"  # the conversation's name (persistent: conversation_steps)
STEP_TTL = timedelta(days=7)  # an unfinished course untouched this long is not resumed after a restart
ORDER = (CourseForm.PROVINCE, CourseForm.TITLE, CourseForm.PROVIDER, CourseForm.SECTORS, CourseForm.CATEGORIES,
         CourseForm.STARTS_ON, CourseForm.SESSIONS, CourseForm.PLACE, CourseForm.CAPACITY, CourseForm.REQUIRED)
FIELD = {state: state.value.removeprefix("course.") for state in ORDER}
STATE_OF = {field: state for state, field in FIELD.items()}
CATEGORY_PAGE = 8
MAX_SESSIONS, MAX_CAPACITY = 200, 5000
Step = CourseForm | int


# -- typed answers: each returns the value to keep, or why not ---------------------------------------------

# The lengths of the free-text answers and the ranges of the numbers.
BOUNDS = {CourseForm.TITLE: (3, 120), CourseForm.PROVIDER: (2, 80), CourseForm.PLACE: (3, 200),
          CourseForm.SESSIONS: (1, MAX_SESSIONS), CourseForm.CAPACITY: (1, MAX_CAPACITY)}


def _text(state: CourseForm) -> Callable[[str, JalaliDate], Any]:
    low, high = BOUNDS[state]
    return lambda raw, today: validators.free_text(raw, max_length=high, min_length=low)  # kept as typed


def _number(state: CourseForm) -> Callable[[str, JalaliDate], Any]:
    low, high = BOUNDS[state]
    return lambda raw, today: validators.whole_number(raw, low, high)


def _starts_on(raw: str, today: JalaliDate) -> str | validators.Invalid:
    starts = validators.course_start(raw, today)
    return starts if isinstance(starts, validators.Invalid) else starts.isoformat()


TYPED: dict[CourseForm, Callable[[str, JalaliDate], Any]] = {
    CourseForm.TITLE: _text(CourseForm.TITLE), CourseForm.PROVIDER: _text(CourseForm.PROVIDER),
    CourseForm.PLACE: _text(CourseForm.PLACE),  # an address or an online link
    CourseForm.STARTS_ON: _starts_on, CourseForm.SESSIONS: _number(CourseForm.SESSIONS),
    CourseForm.CAPACITY: _number(CourseForm.CAPACITY),
}


# -- the questions ---------------------------------------------------------------------------------------


def _cancel_row(lang: str) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(label(lang, "course.cancel"), callback_data=CourseFormButton("cancel").pack())]


def _toggle(lang: str, name: str, on: bool, action: str, value: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(label(lang, "course.toggle_on" if on else "course.toggle_off", name=name),
                                callback_data=CourseFormButton(action, str(value)).pack())


async def question(context: Ctx, state: CourseForm, data: dict[str, Any]) -> tuple[str, InlineKeyboardMarkup]:
    """The question of `state` (or the review) and its buttons, in the asker's language."""
    lang = context.lang
    name = f"name_{lang}"
    current = data.get(FIELD.get(state, ""))
    if state == CourseForm.REVIEW:
        return await review(context, data)
    rows: list[list[InlineKeyboardButton]] = []
    values: dict[str, Any] = {"current": current if isinstance(current, str | int) else None}
    if state == CourseForm.PROVIDER:
        rows.append([InlineKeyboardButton(label(lang, "course.acecr"), callback_data=CourseFormButton("acecr").pack())])
    elif state == CourseForm.SECTORS:
        chosen = set(data.get("sector_ids", []))
        rows += [[_toggle(lang, getattr(sector, name), sector.id in chosen, "sec", sector.id)]
                 for sector in await context.store.list_sectors()]
        rows.append([InlineKeyboardButton(label(lang, "course.next"), callback_data=CourseFormButton("next").pack())])
    elif state == CourseForm.CATEGORIES:
        categories = [category for category in await context.store.list_categories()
                      if category.sector_id in set(data.get("sector_ids", []))]
        chosen = set(data.get("category_ids", []))
        pages = max(1, -(-len(categories) // CATEGORY_PAGE))
        page = min(max(int(data.get("category_page", 1)), 1), pages)
        shown = categories[(page - 1) * CATEGORY_PAGE: page * CATEGORY_PAGE]
        rows += [[_toggle(lang, getattr(category, name), category.id in chosen, "cat", category.id)]
                 for category in shown]
        if pages > 1:
            rows.append(pager_row(lang, page, pages, lambda number: CourseFormButton("cpg", str(number)).pack()))
        go = (label(lang, "course.some_categories", count=len(chosen)) if chosen
              else label(lang, "course.all_categories"))
        rows.append([InlineKeyboardButton(go, callback_data=CourseFormButton("next").pack())])
        values |= {"page": page, "pages": pages}
    elif state == CourseForm.STARTS_ON:
        example = context.store.today() + timedelta(days=14)
        values |= {"example": f"{example.year}/{example.month:02d}/{example.day:02d}",
                   "current": _jalali(date.fromisoformat(current)) if current else None}
    elif state == CourseForm.REQUIRED:
        rows.append([InlineKeyboardButton(label(lang, f"course.required_{answer}"),
                                          callback_data=CourseFormButton("req", answer).pack())
                     for answer in ("yes", "no")])
    elif state in (CourseForm.SESSIONS, CourseForm.CAPACITY):
        values |= dict(zip(("low", "high"), BOUNDS[state], strict=True))
    rows.append(_cancel_row(lang))
    return render(lang, f"course_form/ask_{FIELD[state]}", **values), InlineKeyboardMarkup(rows)


def _jalali(day: date) -> str:
    jalali = JalaliDate.to_jalali(day)
    return f"{jalali.year}/{jalali.month:02d}/{jalali.day:02d}"


async def review(context: Ctx, data: dict[str, Any]) -> tuple[str, InlineKeyboardMarkup]:
    lang = context.lang
    view = request_view(_request(data), await catalog_names(context))
    text = render(lang, "course_form/review", c=view, editing=data.get("course_id") is not None)
    fields = [state for state in ORDER if state != CourseForm.PROVINCE or data.get("admin")]
    edits = [InlineKeyboardButton(label(lang, "course.edit", field=label(lang, f"course.{FIELD[state]}")),
                                  callback_data=CourseFormButton("edit", FIELD[state]).pack()) for state in fields]
    rows = [edits[i:i + 2] for i in range(0, len(edits), 2)]
    rows.append([InlineKeyboardButton(label(lang, "course.save"), callback_data=CourseFormButton("save").pack()),
                 *_cancel_row(lang)])
    return text, InlineKeyboardMarkup(rows)


def _request(data: dict[str, Any]) -> CourseRequest:
    return CourseRequest(
        province_code=data["province_code"], title=data["title"], provider=data["provider"],
        starts_on=date.fromisoformat(data["starts_on"]), sessions=data["sessions"], place=data["place"],
        capacity=data["capacity"], required=data["required"], sector_ids=tuple(data["sector_ids"]),
        category_ids=tuple(data.get("category_ids", [])))


def next_state(state: CourseForm, data: dict[str, Any]) -> CourseForm:
    """The question after `state`: the next one on the first pass, the review once it has been seen; new
    sectors always lead to their categories."""
    if state == CourseForm.SECTORS:
        return CourseForm.CATEGORIES
    if data.get("reviewed"):
        return CourseForm.REVIEW
    later = ORDER[ORDER.index(state) + 1:]
    return later[0] if later else CourseForm.REVIEW


async def move_to(context: Ctx, user_id: int, state: CourseForm, data: dict[str, Any]) -> tuple[
        str, InlineKeyboardMarkup]:
    """Write the step through (a restart resumes here) and give its question."""
    if state == CourseForm.REVIEW:
        data["reviewed"] = True
    await context.store.save_step(COURSE_FORM, user_id, state.value, data)
    return await question(context, state, data)


async def ask(context: Ctx, user_id: int, state: CourseForm, data: dict[str, Any],
              send: Callable[..., Awaitable[Any]]) -> CourseForm:
    """Move to `state` and ask its question with `send` (a reply, or the pressed message edited)."""
    text, markup = await move_to(context, user_id, state, data)
    await send(text, reply_markup=markup)
    return state


def in_place(update: Update, context: Ctx) -> Callable[..., Awaitable[Any]]:
    """`ask`'s `send` for a press: the pressed message shows the question (or a new one, where edits drop
    buttons)."""
    return lambda text, reply_markup=None: show_in_place(update, context, text, reply_markup)


async def _draft(update: Update, context: Ctx) -> tuple[int, CourseForm, dict[str, Any]] | None:
    user = update.effective_user
    assert user is not None
    draft = await context.store.get_step(COURSE_FORM, user.id)
    return None if draft is None else (user.id, CourseForm(draft.state), draft.data)


# -- starting --------------------------------------------------------------------------------------------


async def add_course(update: Update, context: Ctx) -> Step:
    """/addcourse: officers for their province; admins choose the province first."""
    found = await staff_message(update, context, "addcourse")
    if found is None:
        return ConversationHandler.END
    desk, message = found
    data: dict[str, Any] = {"province_code": desk.province_code, "admin": desk.province_code is None,
                            "sector_ids": [], "category_ids": []}
    first = CourseForm.PROVINCE if desk.province_code is None else CourseForm.TITLE
    text, markup = await move_to(context, desk.user_id, first, data)
    await message.reply_text(render(context.lang, "course_form/intro") + "\n\n" + text, reply_markup=markup)
    return first


async def edit_course(update: Update, context: Ctx) -> Step:
    """/editcourse <id>: the course's answers at the review (officers: their province's courses only)."""
    found = await staff_message(update, context, "editcourse")
    if found is None:
        return ConversationHandler.END
    desk, message = found
    course = await named_course(context, message, desk, "editcourse")
    if course is None:
        return ConversationHandler.END
    data = {"course_id": course.id, "province_code": course.province_code, "admin": desk.province_code is None,
            "title": course.title, "provider": course.provider, "sector_ids": list(course.sector_ids),
            "category_ids": list(course.category_ids), "starts_on": course.starts_on.isoformat(),
            "sessions": course.sessions, "place": course.place, "capacity": course.capacity,
            "required": course.required}
    return await ask(context, desk.user_id, CourseForm.REVIEW, data, message.reply_text)


async def staff_message(update: Update, context: Ctx, command: str) -> tuple[Desk, Message] | None:
    """An officer or admin and their message, read now; anyone else is refused (logged)."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    desk = await desk_of(context, user.id)
    if desk is None:
        refuse(command, user.id)
        await message.reply_text(render(context.lang, "officer/only_officers"))
        return None
    return desk, message


# -- answers ---------------------------------------------------------------------------------------------


async def receive_typed(update: Update, context: Ctx) -> Step:
    message = update.effective_message
    assert message is not None and message.text is not None
    found = await _draft(update, context)
    if found is None:
        return ConversationHandler.END
    user_id, state, data = found
    lang = context.lang
    if state == CourseForm.PROVINCE:
        province = find_province_in(await context.store.list_provinces(), message.text)
        if province is None:
            text, markup = await question(context, state, data)
            await message.reply_text(render(lang, "course_form/province_not_found") + "\n\n" + text,
                                     reply_markup=markup)
            return state
        value: Any = province.code
    elif state in TYPED:
        value = TYPED[state](message.text, context.store.today())
        if isinstance(value, validators.Invalid):
            text, markup = await question(context, state, data)
            low, high = BOUNDS.get(state, (0, 0))
            reason = render(lang, f"validation/{value.code}", low=low, high=high, max_length=high)
            await message.reply_text(reason + "\n\n" + text, reply_markup=markup)
            return state
    else:  # a button question answered by typing
        text, markup = await question(context, state, data)
        await message.reply_text(render(lang, "course_form/use_buttons") + "\n\n" + text, reply_markup=markup)
        return state
    data[FIELD[state]] = value
    return await ask(context, user_id, next_state(state, data), data, message.reply_text)


async def press(update: Update, context: Ctx) -> Step:
    """A button of the form's current question: toggles redraw it, choices move on."""
    query = update.callback_query
    assert query is not None and query.data is not None
    found = await _draft(update, context)
    if found is None:
        await query.answer(label(context.lang, "alert.expired"), show_alert=True)
        return ConversationHandler.END
    user_id, state, data = found
    pressed = CourseFormButton.parse(query.data)
    following: CourseForm = state
    if pressed.action in ("sec", "cat"):
        key = "sector_ids" if pressed.action == "sec" else "category_ids"
        chosen = set(data.get(key, [])) ^ {int(pressed.value)}
        data[key] = sorted(chosen)
        if key == "sector_ids":  # categories of a sector no longer chosen go with it
            data["category_ids"] = [c.id for c in await context.store.list_categories()
                                    if c.id in set(data.get("category_ids", [])) and c.sector_id in chosen]
    elif pressed.action == "cpg":
        data["category_page"] = int(pressed.value)
    elif pressed.action == "next":
        if state == CourseForm.SECTORS and not data.get("sector_ids"):
            await query.answer(label(context.lang, "alert.pick_a_sector"), show_alert=True)
            return state
        following = next_state(state, data)
    elif pressed.action == "acecr":
        data["provider"] = label(context.lang, "course.acecr")
        following = next_state(state, data)
    elif pressed.action == "req":
        data["required"] = pressed.value == "yes"
        following = next_state(state, data)
    await query.answer()
    return await ask(context, user_id, following, data, in_place(update, context))


async def edit_field(update: Update, context: Ctx) -> Step:
    """✏ on the review: that question again; its answer leads back to the review."""
    query = update.callback_query
    assert query is not None and query.data is not None
    found = await _draft(update, context)
    field = CourseFormButton.parse(query.data).value
    if found is None or field not in STATE_OF or (STATE_OF[field] == CourseForm.PROVINCE and not found[2].get("admin")):
        await query.answer(label(context.lang, "alert.expired"), show_alert=True)
        return CourseForm.REVIEW if found else ConversationHandler.END
    user_id, _, data = found
    await query.answer()
    return await ask(context, user_id, STATE_OF[field], data, in_place(update, context))


async def save(update: Update, context: Ctx) -> Step:
    """✅ on the review: saved if the presser may still manage the province's courses (read now)."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    found = await _draft(update, context)
    if found is None:
        await query.answer(label(context.lang, "alert.expired"), show_alert=True)
        return ConversationHandler.END
    _, _, data = found
    lang = context.lang
    desk = await desk_of(context, user.id)
    if desk is None or (desk.province_code is not None and desk.province_code != data["province_code"]):
        refuse("save course", user.id, data.get("course_id"))
        await query.answer(label(lang, "alert.not_allowed"), show_alert=True)
        await context.store.delete_step(COURSE_FORM, user.id)
        return ConversationHandler.END
    await query.answer()
    try:
        course = await context.store.save_course(_request(data), user.id, data.get("course_id"))
    except CapacityBelowTaken as below:
        text, markup = await move_to(context, user.id, CourseForm.CAPACITY, data)
        await show_in_place(update, context, render(lang, "course_form/capacity_below", taken=below.taken)
                            + "\n\n" + text, markup)
        return CourseForm.CAPACITY
    except NotFound:
        await context.store.delete_step(COURSE_FORM, user.id)
        await query.edit_message_text(render(lang, "courses/not_found", command="editcourse"))
        return ConversationHandler.END
    await context.store.delete_step(COURSE_FORM, user.id)
    logger.info("course %s saved by %s", course.id, user.id)
    context.kick_courier()  # a larger capacity may have given waiting people a seat
    view = course_view(course, await catalog_names(context))
    await query.edit_message_text(render(lang, "course_form/saved", c=view, id=course.id,
                                         new=data.get("course_id") is None))
    return ConversationHandler.END


async def cancel(update: Update, context: Ctx) -> int:
    user = update.effective_user
    assert user is not None
    await context.store.delete_step(COURSE_FORM, user.id)
    text = render(context.lang, "course_form/cancelled")
    if update.callback_query is not None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text(text)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)
    return ConversationHandler.END


def handlers() -> list[BaseHandler[Update, Ctx, Any]]:
    private = filters.ChatType.PRIVATE
    menu = all_labels("main.apply") | all_labels("main.status") | all_labels("main.permit") | \
        all_labels("menu.help") | all_labels("menu.switch_language")
    typed = MessageHandler(private & filters.TEXT & ~filters.COMMAND & ~filters.Text(menu), receive_typed)

    def on(*actions: str, callback: Callable[[Update, Ctx], Awaitable[Step]] = press) -> list[
            BaseHandler[Update, Ctx, Any]]:
        return [CallbackQueryHandler(callback, pattern=CourseFormButton.pattern(action)) for action in actions]

    return [ConversationHandler(
        name=COURSE_FORM, persistent=True, allow_reentry=True,
        entry_points=[CommandHandler("addcourse", add_course, filters=private),
                      CommandHandler("editcourse", edit_course, filters=private)],
        states={
            CourseForm.PROVINCE: [typed],
            CourseForm.TITLE: [typed],
            CourseForm.PROVIDER: [typed, *on("acecr")],
            CourseForm.SECTORS: [*on("sec", "next"), typed],
            CourseForm.CATEGORIES: [*on("cat", "cpg", "next"), typed],
            CourseForm.STARTS_ON: [typed],
            CourseForm.SESSIONS: [typed],
            CourseForm.PLACE: [typed],
            CourseForm.CAPACITY: [typed],
            CourseForm.REQUIRED: [*on("req"), typed],
            CourseForm.REVIEW: [*on("edit", callback=edit_field), *on("save", callback=save), typed],
        },
        fallbacks=[CommandHandler("cancel", cancel, filters=private), *on("cancel", callback=cancel)],
    )]

