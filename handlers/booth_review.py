"""Officers and booth requests: the exhibitions they review, each request with its photos (one page per
request, self-made products first), accepting (the next booth, in one transaction) and refusing with a
reason (an owed answer, as an officer's other refusals).

Every press and answer re-checks at that moment that the caller is an officer of the exhibition's province
and not the requester (same account, national ID or mobile); the callback data only names what was pressed.
"""

import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from domain import validators
from handlers.access import Desk, desk_of, officer_of, refuse
from handlers.callbacks import ExhibitionButton
from handlers.context import Ctx
from handlers.exhibition_steps import BOOTH_REASON, REASON_TIMEOUT, answers, forget, save
from handlers.in_place import show_in_place
from handlers.officer import menu_button
from handlers.pages import page_of, pager_row
from handlers.photos import send_photos
from handlers.states import BoothOwed
from messages import label, render
from storage.errors import AlreadyDecided, BoothsFull, NotFound
from storage.records import BoothRequest, BoothStatus, Exhibition

logger = logging.getLogger(__name__)

REASON_MIN, REASON_MAX = 3, 300
REASON_MINUTES = int(REASON_TIMEOUT.total_seconds() // 60)


# -- the exhibitions under review ------------------------------------------------------------------


async def staff_exhibitions(context: Ctx, desk: Desk, page: int = 1) -> tuple[str, InlineKeyboardMarkup | None]:
    """A page of the exhibitions that have not ended, with their pending requests; officers get a button for
    each (an admin reads: the province's officers decide)."""
    lang = context.lang
    exhibitions = await context.store.list_current_exhibitions(desk.province_code)
    pending = {e.id: (await context.store.list_booth_requests(e.id, BoothStatus.PENDING, 0))[1] for e in exhibitions}
    text, shown, page, pages = page_of(
        exhibitions, lambda chunk, page, pages: render(lang, "exhibitions/staff_list", items=chunk, pending=pending,
                                                         page=page, pages=pages), page)
    rows = [] if desk.province_code is None else [
        [InlineKeyboardButton(label(lang, "exhibition.review", title=e.title[:40], count=pending[e.id]),
                              callback_data=ExhibitionButton("open", str(e.id)).pack())] for e in shown]
    if pages > 1:
        rows.append(pager_row(lang, page, pages, lambda n: ExhibitionButton("slist", str(n)).pack()))
    return text, InlineKeyboardMarkup(rows) if rows else None


async def turn_staff_page(update: Update, context: Ctx) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None and query.data is not None and user is not None
    desk = await desk_of(context, user.id)
    if desk is None:
        refuse("exhibitions page", user.id)
        await query.answer(label(context.lang, "alert.not_allowed"), show_alert=True)
        return
    await query.answer()
    text, markup = await staff_exhibitions(context, desk, int(ExhibitionButton.parse(query.data).value))
    with suppress(BadRequest):  # the page pressed is the page shown
        await show_in_place(update, context, text, markup)


async def reviewed_exhibition(update: Update, context: Ctx, exhibition_id: int) -> Exhibition | None:
    """The exhibition, if the caller is one of its province's officers now; else the press is refused."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    exhibition = await context.store.get_exhibition(exhibition_id)
    if exhibition is None or await officer_of(context, user.id, exhibition.province_code) is None:
        refuse("booth review", user.id, exhibition_id)
        await query.answer(label(context.lang, "alert.not_allowed"), show_alert=True)
        return None
    return exhibition


async def open_requests(update: Update, context: Ctx) -> None:
    """An exhibition's button (open), or ◀ n/m ▶ (req): one pending request, photos first, then its buttons."""
    query = update.callback_query
    assert query is not None and query.data is not None
    pressed = ExhibitionButton.parse(query.data)
    exhibition_id, page = pressed.pair() if pressed.action == "req" else (int(pressed.value), 1)
    exhibition = await reviewed_exhibition(update, context, exhibition_id)
    if exhibition is None:
        return
    await query.answer()
    if pressed.action == "req":  # the page left behind keeps its text, not its buttons
        with suppress(BadRequest):
            await query.edit_message_reply_markup(None)
    await send_request_page(context, query.from_user.id, exhibition, page)


async def send_request_page(context: Ctx, chat_id: int, exhibition: Exhibition, page: int) -> None:
    lang = context.lang
    _, total = await context.store.list_booth_requests(exhibition.id, BoothStatus.PENDING, 1)
    if total == 0:
        await context.bot.send_message(chat_id, render(lang, "exhibitions/no_requests", e=exhibition))
        return
    page = min(max(page, 1), total)
    [request], _ = await context.store.list_booth_requests(exhibition.id, BoothStatus.PENDING, 1, page - 1)
    await send_photos(context.bot, chat_id, request.photos, render(lang, "exhibitions/request_card", e=exhibition,
                                                                    r=request))
    rows = [[InlineKeyboardButton(label(lang, "exhibition.accept"),
                                  callback_data=ExhibitionButton("accept", str(request.id)).pack()),
             InlineKeyboardButton(label(lang, "exhibition.refuse"),
                                  callback_data=ExhibitionButton("refuse", str(request.id)).pack())]]
    if total > 1:
        rows.append(pager_row(lang, page, total, lambda n: ExhibitionButton("req", f"{exhibition.id}.{n}").pack()))
    await context.bot.send_message(chat_id, render(lang, "exhibitions/request_actions", e=exhibition, page=page,
                                                   total=total), reply_markup=InlineKeyboardMarkup(rows))


# -- deciding --------------------------------------------------------------------------------------


async def decidable(context: Ctx, user_id: int, request_id: int) -> tuple[BoothRequest, Exhibition] | str:
    """The request and its exhibition if the caller may decide it now, else the alert to show."""
    request = await context.store.get_booth_request(request_id)
    exhibition = await context.store.get_exhibition(request.exhibition_id) if request else None
    if request is None or exhibition is None or await officer_of(context, user_id, exhibition.province_code) is None:
        refuse("booth decision", user_id, request_id)
        return "alert.not_allowed"
    if await context.store.is_own_application(user_id, request.application_id):
        refuse("booth decision (own request)", user_id, request_id)
        return "alert.own_application"
    if request.status != BoothStatus.PENDING:
        return "exhibition.already_decided"
    return request, exhibition


async def accept_request(update: Update, context: Ctx) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None and query.data is not None and user is not None
    request_id = int(ExhibitionButton.parse(query.data).value)
    checked = await decidable(context, user.id, request_id)
    lang = context.lang
    if isinstance(checked, str):
        await query.answer(label(lang, checked), show_alert=True)
        return
    try:
        accepted = await context.store.accept_booth_request(request_id, user.id)
    except BoothsFull:
        await query.answer(label(lang, "exhibition.booths_full"), show_alert=True)
        return
    except (AlreadyDecided, NotFound):
        await query.answer(label(lang, "exhibition.already_decided"), show_alert=True)
        return
    await query.answer()
    context.kick_courier()
    logger.info("officer %s accepted booth request %s (booth %s)", user.id, request_id, accepted.booth)
    await next_after_decision(update, context, checked[1],
                              render(lang, "exhibitions/decided_accepted", r=accepted))


async def next_after_decision(update: Update, context: Ctx, exhibition: Exhibition, outcome: str) -> None:
    """The decided page says what happened; the next pending request follows."""
    query = update.callback_query
    assert query is not None
    with suppress(BadRequest):
        await query.edit_message_text(outcome)
    fresh = await context.store.get_exhibition(exhibition.id)
    assert fresh is not None
    await send_request_page(context, query.from_user.id, fresh, 1)


async def ask_reason(update: Update, context: Ctx) -> BoothOwed | int:
    """❌ on a request: the reason is owed next (typed), or ✖ to drop it."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and query.data is not None and user is not None
    request_id = int(ExhibitionButton.parse(query.data).value)
    checked = await decidable(context, user.id, request_id)
    if isinstance(checked, str):
        await query.answer(label(context.lang, checked), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    lang = context.lang
    asked = await context.bot.send_message(user.id, render(lang, "exhibitions/ask_reason", r=checked[0]),
                                           reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton(
                                               label(lang, "form.cancel"),
                                               callback_data=ExhibitionButton("rcancel", str(request_id)).pack())]]))
    await save(context, user.id, BOOTH_REASON, BoothOwed.REASON.value,
               {"request_id": request_id, "asked": asked.message_id,
                "actions": query.message.message_id if query.message else None})
    return BoothOwed.REASON


async def receive_reason(update: Update, context: Ctx) -> BoothOwed | int:
    message, user = update.effective_message, update.effective_user
    assert message is not None and message.text is not None and user is not None
    lang = context.lang
    step = await context.store.get_step(BOOTH_REASON, user.id)
    if step is None or context.store.now() - step.updated_at > REASON_TIMEOUT:  # also across a restart
        await forget(context, user.id, BOOTH_REASON)
        await message.reply_text(render(lang, "officer/answer_expired", minutes=REASON_MINUTES))
        return ConversationHandler.END
    reason = validators.free_text(message.text, max_length=REASON_MAX, min_length=REASON_MIN)
    if isinstance(reason, validators.Invalid):
        await message.reply_text(render(lang, "exhibitions/bad_reason", low=REASON_MIN, high=REASON_MAX))
        return BoothOwed.REASON
    await forget(context, user.id, BOOTH_REASON)
    await take_cancel_button_away(context, user.id, step.data)
    checked = await decidable(context, user.id, int(step.data["request_id"]))
    if isinstance(checked, str):
        await message.reply_text(label(lang, checked))
        return ConversationHandler.END
    try:
        refused = await context.store.refuse_booth_request(checked[0].id, user.id, reason)
    except (AlreadyDecided, NotFound):
        await message.reply_text(label(lang, "exhibition.already_decided"))
        return ConversationHandler.END
    context.kick_courier()
    logger.info("officer %s refused booth request %s", user.id, refused.id)
    if step.data.get("actions"):
        with suppress(BadRequest):
            await context.bot.edit_message_text(render(lang, "exhibitions/decided_refused", r=refused), user.id,
                                                int(step.data["actions"]))
    await send_request_page(context, user.id, checked[1], 1)
    return ConversationHandler.END


async def take_cancel_button_away(context: Ctx, officer_id: int, data: dict[str, Any]) -> None:
    if data.get("asked"):
        with suppress(BadRequest):
            await context.bot.edit_message_reply_markup(officer_id, int(data["asked"]), reply_markup=None)


async def cancel_reason(update: Update, context: Ctx) -> int:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    await query.answer()
    await forget(context, user.id, BOOTH_REASON)
    await query.edit_message_text(render(context.lang, "officer/input_cancelled"))
    return ConversationHandler.END


async def drop_reason(update: Update, context: Ctx) -> int:
    """A command or a menu button while the reason is owed: the question is dropped, and what was pressed goes on
    to its own handler (a menu press is never taken for the reason)."""
    user = update.effective_user
    assert user is not None
    data = await answers(context, user.id, BOOTH_REASON)
    await forget(context, user.id, BOOTH_REASON)
    await take_cancel_button_away(context, user.id, data)
    return ConversationHandler.END


async def reason_timed_out(update: Update, context: Ctx) -> None:
    user = update.effective_user
    assert user is not None
    data = await answers(context, user.id, BOOTH_REASON)
    if data:
        await forget(context, user.id, BOOTH_REASON)
        await take_cancel_button_away(context, user.id, data)
        await context.bot.send_message(user.id, render(context.lang, "officer/answer_expired",
                                                       minutes=REASON_MINUTES))


def stopping(callback: Callable[[Update, Ctx], Awaitable[object]]) -> Callable[[Update, Ctx], Awaitable[None]]:
    """The owed reason runs before the flows (group -1): what it answers goes no further."""
    async def answered(update: Update, context: Ctx) -> None:
        raise ApplicationHandlerStop(await callback(update, context))

    return answered


def owed_reason() -> ConversationHandler[Ctx]:
    """The conversation of a refused request's owed reason; runs before the flows (group -1), as the officer's
    other owed answers do, so that the reason is never read as a form answer and a command still works."""
    private = filters.ChatType.PRIVATE
    return ConversationHandler(
        name=BOOTH_REASON, persistent=True, allow_reentry=True,
        entry_points=[CallbackQueryHandler(stopping(ask_reason), pattern=ExhibitionButton.pattern("refuse"))],
        states={
            BoothOwed.REASON: [MessageHandler(private & filters.TEXT & ~filters.COMMAND & ~menu_button(),
                                              stopping(receive_reason))],
            ConversationHandler.TIMEOUT: [TypeHandler(Update, reason_timed_out)],
        },
        fallbacks=[CallbackQueryHandler(stopping(cancel_reason), pattern=ExhibitionButton.pattern("rcancel")),
                   MessageHandler(private & (filters.COMMAND | menu_button()), drop_reason)],
        conversation_timeout=REASON_TIMEOUT,
    )


def handlers() -> list[BaseHandler[Update, Ctx, Any]]:
    return [
        CallbackQueryHandler(open_requests, pattern=ExhibitionButton.pattern("open", "req")),
        CallbackQueryHandler(accept_request, pattern=ExhibitionButton.pattern("accept")),
        CallbackQueryHandler(turn_staff_page, pattern=ExhibitionButton.pattern("slist")),
    ]
