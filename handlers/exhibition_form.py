"""/addexhibition: an admin, or an officer for their own province, describes an exhibition one question at a
time, reviews it and saves it; saving announces it to the matching holders (through the outbox) and to the
province's channel.

Who may do it is read again at every step and at saving (an officer removed or moved meanwhile is refused).
"""

import logging
from contextlib import suppress
from datetime import date, timedelta
from typing import Any

from persiantools.jdatetime import JalaliDate
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from domain import validators
from handlers import exhibition_steps as steps
from handlers.access import Desk, desk_of, refuse
from handlers.admin import find_province
from handlers.callbacks import ExhibitionButton
from handlers.context import BACKGROUND, Ctx
from handlers.exhibition_posts import announce_in_channel
from handlers.exhibition_steps import EXHIBITION_FORM, Answers, answers, forget, save
from handlers.in_place import show_in_place
from handlers.pages import pager_row
from handlers.states import ExhibitionForm
from messages import label, render
from storage.records import NewExhibition

logger = logging.getLogger(__name__)

S = ExhibitionForm
ORDER = (S.TITLE, S.PROVINCE, S.CITY, S.PLACE, S.STARTS, S.ENDS, S.CATEGORIES, S.BOOTHS, S.DEADLINE, S.REVIEW)
TEXT_LIMITS = {S.TITLE: (3, 100), S.CITY: (2, 60), S.PLACE: (3, 200)}
MAX_BOOTHS = 1000
MAX_DAYS_AHEAD = 365  # an exhibition is announced at most a year before it opens
MAX_DAYS_LONG = 60
CATEGORIES_PER_PAGE = 20


def field(state: ExhibitionForm) -> str:
    return state.value.split(".", 1)[1]


# -- who -------------------------------------------------------------------------------------------


async def organiser(update: Update, context: Ctx) -> Desk | None:
    """The caller, if they may organise an exhibition now: an admin (any province) or an officer (theirs)."""
    user = update.effective_user
    assert user is not None
    desk = await desk_of(context, user.id)
    if desk is None:
        refuse("addexhibition", user.id)
    return desk


async def refused(update: Update, context: Ctx) -> int:
    await context.bot.send_message(update.effective_chat.id,  # type: ignore[union-attr]
                                   render(context.lang, "exhibitions/not_organiser"))
    await forget(context, update.effective_user.id, EXHIBITION_FORM)  # type: ignore[union-attr]
    return ConversationHandler.END


# -- asking ----------------------------------------------------------------------------------------


async def start(update: Update, context: Ctx) -> ExhibitionForm | int:
    desk = await organiser(update, context)
    if desk is None:
        return await refused(update, context)
    data: Answers = {"categories": []}
    if desk.province_code is not None:  # an officer: their own province, not asked
        data["province_code"] = desk.province_code
    await context.bot.send_message(update.effective_chat.id,  # type: ignore[union-attr]
                                   render(context.lang, "exhibitions/form_intro"))
    return await ask(update, context, S.TITLE, data)


def next_state(state: ExhibitionForm, data: Answers) -> ExhibitionForm:
    """The next question; the province is skipped once known (an officer's, or already answered)."""
    following = ORDER[ORDER.index(state) + 1]
    if following == S.PROVINCE and data.get("province_code"):
        return next_state(following, data)
    return following


async def ask(update: Update, context: Ctx, state: ExhibitionForm, data: Answers) -> ExhibitionForm:
    """Save the step, then ask its question."""
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    await save(context, user.id, EXHIBITION_FORM, state.value, data)
    lang = context.lang
    if state == S.CATEGORIES:
        text, markup = await sectors_view(context, data)
        await context.bot.send_message(chat.id, text, reply_markup=markup)
    elif state == S.REVIEW:
        await context.bot.send_message(chat.id, await review_text(context, data), reply_markup=review_keyboard(lang))
    else:
        low, high = bounds(context, state, data)
        await context.bot.send_message(chat.id, render(lang, f"exhibitions/ask_{field(state)}", low=low, high=high,
                                                       max_length=TEXT_LIMITS.get(state, (0, 0))[1]))
    return state


def bounds(context: Ctx, state: ExhibitionForm, data: Answers) -> tuple[Any, Any]:
    """The earliest and latest day (or fewest and most booths) a question accepts, given the answers so far."""
    today = context.store.today().to_gregorian()
    if state == S.STARTS:
        return today, today + timedelta(days=MAX_DAYS_AHEAD)
    if state == S.ENDS:
        starts = date.fromisoformat(data["starts_on"])
        return starts, starts + timedelta(days=MAX_DAYS_LONG)
    if state == S.DEADLINE:
        return today, date.fromisoformat(data["starts_on"])
    if state == S.BOOTHS:
        return 1, MAX_BOOTHS
    return None, None


# -- typed answers ---------------------------------------------------------------------------------


def typed_answer(state: ExhibitionForm) -> Any:
    async def receive(update: Update, context: Ctx) -> ExhibitionForm | int:
        if await organiser(update, context) is None:
            return await refused(update, context)
        message, user = update.effective_message, update.effective_user
        assert message is not None and message.text is not None and user is not None
        data = await answers(context, user.id, EXHIBITION_FORM)
        value = await parse(context, state, message.text, data)
        if isinstance(value, validators.Invalid):
            low, high = bounds(context, state, data)
            await message.reply_text(render(context.lang, f"validation/{value.code}", low=low, high=high,
                                            earliest=low, latest=high, max_length=TEXT_LIMITS.get(state, (0, 0))[1]))
            return state
        data[field(state)] = value
        if state == S.STARTS:  # a new opening day: the later dates are asked again against it
            data.pop("ends_on", None)
            data.pop("apply_by", None)
        return await ask(update, context, next_state(state, data), data)

    return receive


async def parse(context: Ctx, state: ExhibitionForm, raw: str, data: Answers) -> Any:
    """The stored value of a typed answer (dates as ISO text), or `validators.Invalid`."""
    if state in TEXT_LIMITS:
        low, high = TEXT_LIMITS[state]
        return validators.free_text(raw, max_length=high, min_length=low)
    if state == S.PROVINCE:
        province = await find_province(context, raw)
        return province.code if province else validators.Invalid("exhibition.province")
    low, high = bounds(context, state, data)
    if state == S.BOOTHS:
        return validators.whole_number(raw, low, high)
    day = validators.event_day(raw, JalaliDate.to_jalali(low), JalaliDate.to_jalali(high))
    return day.isoformat() if isinstance(day, date) else day


# -- the categories it is for ------------------------------------------------------------------------


async def sectors_view(context: Ctx, data: Answers) -> tuple[str, InlineKeyboardMarkup]:
    lang = context.lang
    chosen = set(data.get("categories", []))
    names = [getattr(c, f"name_{lang}") for c in await context.store.list_categories() if c.id in chosen]
    buttons = []
    for sector in await context.store.list_sectors():
        ids = {c.id for c in await context.store.list_categories(sector.id)}
        name = getattr(sector, f"name_{lang}")
        mark = "✓ " if ids and ids <= chosen else "◐ " if ids & chosen else ""
        buttons.append(InlineKeyboardButton(mark + name, callback_data=ExhibitionButton("sec", str(sector.id)).pack()))
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    rows.append([InlineKeyboardButton(label(lang, "exhibition.categories_done", count=len(chosen)),
                                      callback_data=ExhibitionButton("done").pack()),
                 InlineKeyboardButton(label(lang, "form.cancel"), callback_data=ExhibitionButton("cancel").pack())])
    return render(lang, "exhibitions/ask_categories", chosen=names), InlineKeyboardMarkup(rows)


async def sector_view(context: Ctx, data: Answers, sector_id: int, page: int) -> tuple[str, InlineKeyboardMarkup]:
    lang = context.lang
    chosen = set(data.get("categories", []))
    categories = await context.store.list_categories(sector_id)
    pages = max(1, -(-len(categories) // CATEGORIES_PER_PAGE))
    page = min(max(page, 1), pages)
    shown = categories[(page - 1) * CATEGORIES_PER_PAGE: page * CATEGORIES_PER_PAGE]
    buttons = [InlineKeyboardButton(label(lang, "form.chosen", value=getattr(c, f"name_{lang}")) if c.id in chosen
                                    else getattr(c, f"name_{lang}"),
                                    callback_data=ExhibitionButton("cat", str(c.id)).pack()) for c in shown]
    rows = [[InlineKeyboardButton(label(lang, "exhibition.whole_sector"),
                                  callback_data=ExhibitionButton("all", str(sector_id)).pack())]]
    rows += [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    if pages > 1:
        rows.append(pager_row(lang, page, pages, lambda n: ExhibitionButton("cpg", f"{sector_id}.{n}").pack()))
    rows.append([InlineKeyboardButton(label(lang, "exhibition.back_to_sectors"),
                                      callback_data=ExhibitionButton("sectors").pack())])
    names = [getattr(c, f"name_{lang}") for c in await context.store.list_categories() if c.id in chosen]
    return render(lang, "exhibitions/ask_categories", chosen=names), InlineKeyboardMarkup(rows)


async def press_category_button(update: Update, context: Ctx) -> ExhibitionForm | int:
    """sec / cpg open a sector's page, cat / all choose (or drop) categories, sectors goes back."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and query.data is not None and user is not None
    if await organiser(update, context) is None:
        await query.answer(label(context.lang, "alert.not_allowed"), show_alert=True)
        return await refused(update, context)
    pressed = ExhibitionButton.parse(query.data)
    data = await answers(context, user.id, EXHIBITION_FORM)
    chosen = set(data.get("categories", []))
    sector_id, page = None, 1
    if pressed.action in ("sec", "all"):
        sector_id = int(pressed.value)
    elif pressed.action == "cpg":
        sector_id, page = pressed.pair()
    if pressed.action == "cat":
        category = await context.store.get_category(int(pressed.value))
        if category is None:  # a forged or outdated press
            await query.answer(label(context.lang, "alert.expired"), show_alert=True)
            return S.CATEGORIES
        chosen ^= {category.id}
        sector_id = category.sector_id
    if pressed.action == "all":
        ids = {c.id for c in await context.store.list_categories(int(pressed.value))}
        chosen = chosen - ids if ids <= chosen else chosen | ids
    data["categories"] = sorted(chosen)
    await save(context, user.id, EXHIBITION_FORM, S.CATEGORIES.value, data)
    await query.answer()
    if sector_id is None:
        text, markup = await sectors_view(context, data)
    else:
        text, markup = await sector_view(context, data, sector_id, page)
    with suppress(BadRequest):  # the same view again ("message is not modified")
        await show_in_place(update, context, text, markup)
    return S.CATEGORIES


async def categories_done(update: Update, context: Ctx) -> ExhibitionForm | int:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    data = await answers(context, user.id, EXHIBITION_FORM)
    if not data.get("categories"):
        await query.answer(label(context.lang, "exhibition.choose_a_category"), show_alert=True)
        return S.CATEGORIES
    await query.answer()
    await query.edit_message_reply_markup(None)
    return await ask(update, context, next_state(S.CATEGORIES, data), data)


# -- review and saving ------------------------------------------------------------------------------


async def review_text(context: Ctx, data: Answers) -> str:
    lang = context.lang
    province = await context.store.get_province(data["province_code"])
    chosen = set(data["categories"])
    names = [getattr(c, f"name_{lang}") for c in await context.store.list_categories() if c.id in chosen]
    return render(lang, "exhibitions/review", e=data, province=getattr(province, f"name_{lang}"), categories=names,
                  starts=date.fromisoformat(data["starts_on"]), ends=date.fromisoformat(data["ends_on"]),
                  apply_by=date.fromisoformat(data["apply_by"]))


def review_keyboard(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(label(lang, "exhibition.save"), callback_data=ExhibitionButton("save").pack()),
        InlineKeyboardButton(label(lang, "form.cancel"), callback_data=ExhibitionButton("cancel").pack())]])


async def save_exhibition(update: Update, context: Ctx) -> int:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    desk = await organiser(update, context)
    data = await answers(context, user.id, EXHIBITION_FORM)
    if desk is None or (desk.province_code is not None and desk.province_code != data.get("province_code")):
        await query.answer(label(context.lang, "alert.not_allowed"), show_alert=True)
        return await refused(update, context)
    await query.answer()
    new = NewExhibition(title=data["title"], province_code=data["province_code"], city=data["city"],
                        place=data["place"], starts_on=date.fromisoformat(data["starts_on"]),
                        ends_on=date.fromisoformat(data["ends_on"]), apply_by=date.fromisoformat(data["apply_by"]),
                        booths=int(data["booths"]), category_ids=tuple(data["categories"]))
    exhibition, announced = await context.store.create_exhibition(new, user.id)
    await forget(context, user.id, EXHIBITION_FORM)
    logger.info("user %s created exhibition %s; %d holders to tell", user.id, exhibition.id, announced)
    context.kick_courier()
    await query.edit_message_reply_markup(None)
    await context.bot.send_message(user.id, render(context.lang, "exhibitions/saved", e=exhibition,
                                                   announced=announced))
    context.application.create_task(announce_in_channel(context, exhibition), update=update,
                                    name=f"{BACKGROUND}exhibition_channel")
    return ConversationHandler.END


async def cancel(update: Update, context: Ctx) -> int:
    return await steps.cancel(update, context, EXHIBITION_FORM, "exhibitions/form_cancelled")


async def remind_of_buttons(update: Update, context: Ctx) -> ExhibitionForm:
    """Text where a button is expected: the buttons' question again."""
    user = update.effective_user
    assert user is not None
    step = await context.store.get_step(EXHIBITION_FORM, user.id)
    state = S(step.state) if step else S.CATEGORIES
    await update.effective_message.reply_text(render(context.lang, "exhibitions/use_buttons"))  # type: ignore[union-attr]
    return await ask(update, context, state, step.data if step else {"categories": []})


def handlers() -> list[BaseHandler[Update, Ctx, Any]]:
    private = filters.ChatType.PRIVATE
    typed = private & filters.TEXT & ~filters.COMMAND
    text_states = (S.TITLE, S.PROVINCE, S.CITY, S.PLACE, S.STARTS, S.ENDS, S.BOOTHS, S.DEADLINE)
    not_text = private & ~filters.TEXT & ~filters.COMMAND
    states: dict[object, list[BaseHandler[Update, Ctx, Any]]] = {
        state: [MessageHandler(typed, typed_answer(state)), MessageHandler(not_text, typed_answer_only(state))]
        for state in text_states}
    choosing = ExhibitionButton.pattern("sec", "cat", "all", "cpg", "sectors")
    states[S.CATEGORIES] = [CallbackQueryHandler(press_category_button, pattern=choosing),
                            CallbackQueryHandler(categories_done, pattern=ExhibitionButton.pattern("done")),
                            MessageHandler(typed, remind_of_buttons)]
    states[S.REVIEW] = [CallbackQueryHandler(save_exhibition, pattern=ExhibitionButton.pattern("save")),
                        MessageHandler(typed, remind_of_buttons)]
    return [ConversationHandler(
        name=EXHIBITION_FORM, persistent=True, allow_reentry=True,
        entry_points=[CommandHandler("addexhibition", start, filters=private)],
        states=states,
        fallbacks=[CommandHandler("cancel", cancel, filters=private),
                   CallbackQueryHandler(cancel, pattern=ExhibitionButton.pattern("cancel"))],
    )]


def typed_answer_only(state: ExhibitionForm) -> Any:
    """A photo, sticker or file where a typed answer is expected: say so, and ask again."""
    async def refuse_non_text(update: Update, context: Ctx) -> ExhibitionForm:
        await update.effective_message.reply_text(render(context.lang, "exhibitions/type_the_answer"))  # type: ignore[union-attr]
        return state

    return refuse_non_text
