"""The provincial showcase, for permit holders and buyers: /showcase lists a holder's posts and starts a new
one (photos, name, price, how to order, a review), a holder withdraws a post, a buyer reports one.

The post form is a persistent conversation (SHOWCASE_CONVERSATION, its steps written through to the
conversation_steps table) that runs before the flows (group -1), as an officer's owed answer does: its steps
stop the update there, while a command or a menu button leaves the form and goes on to its own handler.
"""

import logging
import math
from datetime import timedelta
from typing import Any, NoReturn

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from domain import validators
from handlers.access import refuse
from handlers.callbacks import REPORT_REASONS, Page, ShowcaseAct, ShowcaseForm, ShowcaseReport
from handlers.context import Ctx
from handlers.in_place import show_in_place
from handlers.officer import menu_button
from handlers.pages import pager_row
from handlers.permits import permit_status
from handlers.photos import PhotoRefused, product_photo, send_photos
from handlers.showcase_view import REPORT_PREFIX, caption, refresh_cards, status_label, take_off_channel
from handlers.states import Showcase
from messages import label, render
from storage.errors import AlreadyReported, PostConflict, ShowcasePending, ShowcaseTooSoon, TooManyReports
from storage.records import Application, ContactKind, PostStatus
from storage.showcase_store import SHOWCASE_CONVERSATION

logger = logging.getLogger(__name__)

MAX_PHOTOS = 3
WEEK = timedelta(days=7)  # at most one approved post per holder in this time
FORM_TTL = timedelta(days=1)  # a post left half-written for longer starts afresh after a restart
NAME_MAX = 80
PRICE_MIN, PRICE_MAX = 1_000, 100_000_000_000  # toman
REPORTS_PER_DAY = 5  # a person's reports in 24 hours: enough for real problems, too few to flood officers
PAGE_SIZE = 5


# -- /showcase: the holder's posts ------------------------------------------------------------------


async def show_posts(update: Update, context: Ctx) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    text, markup = await posts_page(context, user.id, 1)
    await message.reply_text(text, reply_markup=markup)


async def posts_page(context: Ctx, user_id: int, page: int) -> tuple[str, InlineKeyboardMarkup]:
    """A page of the holder's posts, newest first, with a withdraw button for each pending or live one."""
    lang = context.lang
    posts, total = await context.store.list_user_posts(user_id, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    text = render(lang, "showcase/list", posts=posts, statuses={p.id: status_label(lang, p) for p in posts},
                  page=page, pages=pages, max_photos=MAX_PHOTOS)
    rows = [[InlineKeyboardButton(label(lang, "showcase.withdraw_button", id=post.id),
                                  callback_data=ShowcaseAct(post.id, "wd_ask").pack())]
            for post in posts if post.status in (PostStatus.PENDING, PostStatus.APPROVED)]
    rows.append([InlineKeyboardButton(label(lang, "showcase.new"), callback_data=ShowcaseForm("new").pack())])
    if pages > 1:
        rows.append(pager_row(lang, page, pages, lambda number: Page("showcase", "", number).pack()))
    return text, InlineKeyboardMarkup(rows)


async def turn_posts_page(update: Update, context: Ctx) -> None:
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    await query.answer()
    text, markup = await posts_page(context, user.id, max(1, Page.parse(query.data).page))
    await show_in_place(update, context, text, markup)


async def valid_permit(context: Ctx, user_id: int) -> Application | None:
    """The holder's most recent permit that is valid today, if any: a post is made under it."""
    valid = [a for a in await context.store.list_user_applications(user_id) if permit_status(context, a) == "valid"]
    return valid[-1] if valid else None


# -- the post form ----------------------------------------------------------------------------------


async def go_to(context: Ctx, user_id: int, state: Showcase, data: dict[str, Any]) -> NoReturn:
    """Write the step through (a restart resumes here), then stop the update in this conversation."""
    await context.store.save_step(SHOWCASE_CONVERSATION, user_id, state, data)
    raise ApplicationHandlerStop(state)


async def form_data(context: Ctx, user_id: int) -> dict[str, Any]:
    kept = await context.store.get_step(SHOWCASE_CONVERSATION, user_id)
    return kept.data if kept else {"photos": []}


def form_keyboard(lang: str, *actions: str) -> InlineKeyboardMarkup:
    """The step's buttons, one a row, and ✖ cancel last."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(label(lang, f"showcase.form_{action}"),
                                                       callback_data=ShowcaseForm(action).pack())]
                                 for action in (*actions, "cancel")])


async def start_post(update: Update, context: Ctx) -> NoReturn:
    """«➕ آگهی تازه»: a holder of a valid permit, within the weekly limit, is asked for photos."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    await query.answer()
    lang = context.lang
    application = await valid_permit(context, user.id)
    if application is None:
        await context.bot.send_message(user.id, render(lang, "showcase/no_permit"))
        raise ApplicationHandlerStop(ConversationHandler.END)
    if (refusal := await limit_refusal(context, user.id)) is not None:
        await context.bot.send_message(user.id, refusal)
        raise ApplicationHandlerStop(ConversationHandler.END)
    await context.bot.send_message(user.id, render(lang, "showcase/ask_photos", max_photos=MAX_PHOTOS,
                                                   category=getattr(application, f"category_{lang}")),
                                   reply_markup=form_keyboard(lang))
    await go_to(context, user.id, Showcase.PHOTOS, {"application_id": application.id, "photos": []})


async def limit_refusal(context: Ctx, user_id: int) -> str | None:
    """Why the holder may not send a post now (one awaiting review, or one approved this week), or None."""
    try:
        await context.store.check_showcase_allowed(user_id, WEEK)
    except (ShowcasePending, ShowcaseTooSoon) as limit:
        return limit_text(context.lang, limit)
    return None


def limit_text(lang: str, limit: ShowcasePending | ShowcaseTooSoon) -> str:
    if isinstance(limit, ShowcaseTooSoon):
        return render(lang, "showcase/too_soon", allowed_at=limit.allowed_at)
    return render(lang, "showcase/pending_already")


async def receive_photo(update: Update, context: Ctx) -> NoReturn:
    """Any message at the photos step: a photo is kept (its file_id); anything else is refused clearly."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    lang = context.lang
    data = await form_data(context, user.id)
    picked = product_photo(message)
    if isinstance(picked, PhotoRefused):
        await message.reply_text(render(lang, picked.template),
                                 reply_markup=form_keyboard(lang, *(("done",) if data["photos"] else ())))
        raise ApplicationHandlerStop(Showcase.PHOTOS)
    data["photos"] = [*data["photos"], picked]
    if len(data["photos"]) >= MAX_PHOTOS:
        await ask_name(context, user.id, data)
    await message.reply_text(render(lang, "showcase/photo_received", count=len(data["photos"]),
                                    max_photos=MAX_PHOTOS), reply_markup=form_keyboard(lang, "done"))
    await go_to(context, user.id, Showcase.PHOTOS, data)


async def photos_done(update: Update, context: Ctx) -> NoReturn:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    data = await form_data(context, user.id)
    if not data["photos"]:
        await query.answer(label(context.lang, "showcase.photo_first"), show_alert=True)
        raise ApplicationHandlerStop(Showcase.PHOTOS)
    await query.answer()
    await query.edit_message_reply_markup(None)
    await ask_name(context, user.id, data)


async def ask_name(context: Ctx, user_id: int, data: dict[str, Any]) -> NoReturn:
    await context.bot.send_message(user_id, render(context.lang, "showcase/ask_name", count=len(data["photos"])),
                                   reply_markup=form_keyboard(context.lang))
    await go_to(context, user_id, Showcase.NAME, data)


async def receive_name(update: Update, context: Ctx) -> NoReturn:
    message, user = update.effective_message, update.effective_user
    assert message is not None and message.text is not None and user is not None
    lang = context.lang
    name = validators.free_text(message.text, max_length=NAME_MAX, min_length=2)
    if isinstance(name, validators.Invalid):
        await message.reply_text(render(lang, "showcase/bad_name", max_length=NAME_MAX))
        raise ApplicationHandlerStop(Showcase.NAME)
    data = await form_data(context, user.id) | {"name": name}
    await message.reply_text(render(lang, "showcase/ask_price"), reply_markup=form_keyboard(lang))
    await go_to(context, user.id, Showcase.PRICE, data)


async def receive_price(update: Update, context: Ctx) -> NoReturn:
    message, user = update.effective_message, update.effective_user
    assert message is not None and message.text is not None and user is not None
    lang = context.lang
    price = validators.money_toman(message.text, PRICE_MIN, PRICE_MAX)
    if isinstance(price, validators.Invalid):
        await message.reply_text(render(lang, "showcase/bad_price", low=PRICE_MIN, high=PRICE_MAX))
        raise ApplicationHandlerStop(Showcase.PRICE)
    data = await form_data(context, user.id) | {"price": price}
    await ask_contact(context, user.id, user.username, data)


async def ask_contact(context: Ctx, user_id: int, username: str | None, data: dict[str, Any]) -> NoReturn:
    """How buyers order: the Telegram username is offered only to someone who has one."""
    lang = context.lang
    actions = ("user", "phone", "none") if username else ("phone", "none")
    await context.bot.send_message(user_id, render(lang, "showcase/ask_contact", username=username),
                                   reply_markup=form_keyboard(lang, *actions))
    await go_to(context, user_id, Showcase.CONTACT, data)


async def pick_contact(update: Update, context: Ctx) -> NoReturn:
    query, user = update.callback_query, update.effective_user
    assert query is not None and query.data is not None and user is not None
    lang = context.lang
    choice = ShowcaseForm.parse(query.data).action
    data = await form_data(context, user.id)
    if choice == "user" and not user.username:  # removed since the question: ask again
        await query.answer(label(lang, "showcase.no_username"), show_alert=True)
        await ask_contact(context, user.id, None, data)
    await query.answer()
    await query.edit_message_reply_markup(None)
    if choice == "phone":
        await context.bot.send_message(user.id, render(lang, "showcase/ask_phone"), reply_markup=form_keyboard(lang))
        await go_to(context, user.id, Showcase.PHONE, data)
    kind, contact = (ContactKind.USERNAME, f"@{user.username}") if choice == "user" else (ContactKind.NONE, None)
    await review(context, user.id, data | {"kind": kind.value, "contact": contact})


async def receive_phone(update: Update, context: Ctx) -> NoReturn:
    message, user = update.effective_message, update.effective_user
    assert message is not None and message.text is not None and user is not None
    phone = validators.mobile(message.text)
    if isinstance(phone, validators.Invalid):
        await message.reply_text(render(context.lang, "showcase/bad_phone"), reply_markup=form_keyboard(context.lang))
        raise ApplicationHandlerStop(Showcase.PHONE)
    data = await form_data(context, user.id)
    await review(context, user.id, data | {"kind": ContactKind.PHONE.value, "contact": phone})


async def review(context: Ctx, user_id: int, data: dict[str, Any]) -> NoReturn:
    """The post exactly as the channel would show it, then «send for review» or cancel."""
    lang = context.lang
    application = await context.store.get_application(int(data["application_id"]))
    assert application is not None
    text = caption(lang, data["name"], int(data["price"]), ContactKind(data["kind"]), data["contact"], application)
    await send_photos(context.bot, user_id, data["photos"], text)
    await context.bot.send_message(user_id, render(lang, "showcase/review"), reply_markup=form_keyboard(lang, "send"))
    await go_to(context, user_id, Showcase.REVIEW, data)


async def submit(update: Update, context: Ctx) -> NoReturn:
    """«ارسال برای بررسی»: the permit and the weekly limit are checked again, in the store's transaction."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    await query.answer()
    await query.edit_message_reply_markup(None)
    lang = context.lang
    data = await form_data(context, user.id)
    application = await context.store.get_application(int(data["application_id"]))
    if application is None or application.user_id != user.id or permit_status(context, application) != "valid":
        await context.bot.send_message(user.id, render(lang, "showcase/no_permit"))  # revoked or expired since
        await end_form(context, user.id)
    try:
        post = await context.store.submit_showcase_post(
            user.id, application.id, data["name"], int(data["price"]), ContactKind(data["kind"]), data["contact"],
            data["photos"], WEEK)
    except (ShowcasePending, ShowcaseTooSoon) as limit:  # sent meanwhile from another device
        await context.bot.send_message(user.id, limit_text(lang, limit))
        await end_form(context, user.id)
    logger.info("showcase post %s submitted by %s", post.id, user.id)
    context.kick_courier()
    await context.bot.send_message(user.id, render(lang, "showcase/submitted", post=post))
    raise ApplicationHandlerStop(ConversationHandler.END)


async def end_form(context: Ctx, user_id: int) -> NoReturn:
    await context.store.delete_step(SHOWCASE_CONVERSATION, user_id)
    raise ApplicationHandlerStop(ConversationHandler.END)


async def cancel_form(update: Update, context: Ctx) -> NoReturn:
    """✖ or /cancel: nothing is kept."""
    user = update.effective_user
    assert user is not None
    if update.callback_query is not None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_reply_markup(None)
    await context.bot.send_message(user.id, render(context.lang, "showcase/cancelled"))
    await end_form(context, user.id)


async def leave_form(update: Update, context: Ctx) -> int:
    """Another command or a menu button: the form is left, and the update goes on to its own handler."""
    user = update.effective_user
    assert user is not None
    await context.store.delete_step(SHOWCASE_CONVERSATION, user.id)
    return ConversationHandler.END


async def type_it(update: Update, context: Ctx) -> NoReturn:
    """A photo, sticker or file where a typed answer is wanted."""
    message = update.effective_message
    assert message is not None
    await message.reply_text(render(context.lang, "showcase/type_it"))
    raise ApplicationHandlerStop(None)


async def use_buttons(update: Update, context: Ctx) -> NoReturn:
    """Anything typed where a button is wanted (how to order, the review)."""
    message = update.effective_message
    assert message is not None
    await message.reply_text(render(context.lang, "showcase/use_buttons"))
    raise ApplicationHandlerStop(None)


def post_form() -> ConversationHandler[Ctx]:
    """The holder's post form; runs before the flows (group -1)."""
    private = filters.ChatType.PRIVATE
    anything = private & ~filters.COMMAND & ~menu_button() & ~filters.UpdateType.EDITED
    typed = anything & filters.TEXT
    other = anything & ~filters.TEXT
    on = ShowcaseForm.pattern
    return ConversationHandler(
        name=SHOWCASE_CONVERSATION, persistent=True, allow_reentry=True,
        entry_points=[CallbackQueryHandler(start_post, pattern=on("new"))],
        states={
            Showcase.PHOTOS: [MessageHandler(anything, receive_photo),
                              CallbackQueryHandler(photos_done, pattern=on("done"))],
            Showcase.NAME: [MessageHandler(typed, receive_name), MessageHandler(other, type_it)],
            Showcase.PRICE: [MessageHandler(typed, receive_price), MessageHandler(other, type_it)],
            Showcase.CONTACT: [CallbackQueryHandler(pick_contact, pattern=on("user", "phone", "none")),
                               MessageHandler(anything, use_buttons)],
            Showcase.PHONE: [MessageHandler(typed, receive_phone), MessageHandler(other, type_it)],
            Showcase.REVIEW: [CallbackQueryHandler(submit, pattern=on("send")), MessageHandler(anything, use_buttons)],
        },
        fallbacks=[
            CallbackQueryHandler(cancel_form, pattern=on("cancel")),
            CommandHandler("cancel", cancel_form, filters=private),
            MessageHandler(private & (filters.COMMAND | menu_button()), leave_form),
        ],
    )


# -- withdrawing a post -----------------------------------------------------------------------------


async def withdraw(update: Update, context: Ctx) -> None:
    """🗑 on the holder's list: asked to confirm; then it leaves the channel (every message of it) and the
    officers' cards say so."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and query.data is not None and user is not None
    lang = context.lang
    pressed = ShowcaseAct.parse(query.data)
    post = await context.store.get_showcase_post(pressed.post_id)
    if post is None or post.user_id != user.id:  # only the holder's own post
        refuse(f"showcase {pressed.action}", user.id, pressed.post_id)
        await query.answer(label(lang, "alert.not_allowed"), show_alert=True)
        return
    await query.answer()
    if pressed.action == "wd_ask":
        steps = ("wd_yes", "wd_no")
        buttons = [[InlineKeyboardButton(label(lang, f"showcase.{s}"), callback_data=ShowcaseAct(post.id, s).pack())
                    for s in steps]]
        await context.bot.send_message(user.id, render(lang, "showcase/withdraw_ask", post=post),
                                       reply_markup=InlineKeyboardMarkup(buttons))
        return
    await query.edit_message_reply_markup(None)
    if pressed.action == "wd_no":
        await context.bot.send_message(user.id, render(lang, "showcase/withdraw_kept", post=post))
        return
    try:
        before = await context.store.close_showcase_post(post.id, user.id, PostStatus.WITHDRAWN)
    except PostConflict:
        await context.bot.send_message(user.id, render(lang, "showcase/withdraw_too_late", post=post,
                                                       status=status_label(lang, post)))
        return
    deleted = await take_off_channel(context.bot, before)
    closed = await context.store.get_showcase_post(post.id)
    assert closed is not None
    await refresh_cards(context.bot, context.store, closed)
    logger.info("showcase post %s withdrawn by its holder", post.id)
    await context.bot.send_message(user.id, render(lang, "showcase/withdrawn", post=post, deleted=deleted,
                                                   was_live=before.status == PostStatus.APPROVED))


# -- a buyer's report -------------------------------------------------------------------------------


async def open_report(update: Update, context: Ctx) -> None:
    """/start sr-<post id>, from the channel's «گزارش» button: the post, and the reasons to pick from."""
    message = update.effective_message
    assert message is not None
    lang = context.lang
    post_id = int((context.args or ["sr-0"])[0].removeprefix(REPORT_PREFIX))
    post = await context.store.get_showcase_post(post_id)
    if post is None or post.status != PostStatus.APPROVED:
        await message.reply_text(render(lang, "showcase/report_gone"))
        return
    rows = [[InlineKeyboardButton(label(lang, f"showcase.report.{reason}"),
                                  callback_data=ShowcaseReport(post.id, reason).pack())] for reason in REPORT_REASONS]
    await message.reply_text(render(lang, "showcase/report_ask", post=post), reply_markup=InlineKeyboardMarkup(rows))


async def report(update: Update, context: Ctx) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None and query.data is not None and user is not None
    lang = context.lang
    pressed = ShowcaseReport.parse(query.data)
    await query.answer()
    try:
        await context.store.report_showcase_post(pressed.post_id, user.id, pressed.reason, REPORTS_PER_DAY)
    except PostConflict:
        outcome = "showcase/report_gone"
    except AlreadyReported:
        outcome = "showcase/report_already"
    except TooManyReports:
        refuse("showcase report (daily limit)", user.id, pressed.post_id)
        outcome = "showcase/report_limit"
    else:
        logger.info("showcase post %s reported", pressed.post_id)
        context.kick_courier()
        outcome = "showcase/report_thanks"
    await query.edit_message_text(render(lang, outcome, limit=REPORTS_PER_DAY))


def handlers() -> list[BaseHandler[Update, Ctx, Any]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("showcase", show_posts, filters=private),
        CommandHandler("start", open_report,
                       filters=private & filters.Regex(rf"^/start {REPORT_PREFIX}[0-9]{{1,12}}\Z")),
        CallbackQueryHandler(turn_posts_page, pattern=Page.pattern("showcase")),
        CallbackQueryHandler(withdraw, pattern=ShowcaseAct.pattern("wd_ask", "wd_yes", "wd_no")),
        CallbackQueryHandler(report, pattern=ShowcaseReport.PATTERN),
    ]
