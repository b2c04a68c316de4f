"""Holders and exhibitions: /exhibitions (the open ones in their province, paged), a booth request (what they
make, up to three product photos, whether they make it themselves, a review), and /notifications.

Whether the holder may ask is read again when they start and when they submit (a valid permit in one of
the exhibition's categories and its province, before the deadline, once per exhibition).
"""

import logging
from contextlib import suppress
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from domain import validators
from domain.lifecycle import CLOSED_STAGES
from handlers import exhibition_steps as steps
from handlers.access import desk_of
from handlers.booth_review import staff_exhibitions
from handlers.callbacks import ExhibitionButton
from handlers.context import Ctx
from handlers.exhibition_steps import BOOTH_FORM, answers, forget, save
from handlers.in_place import show_in_place
from handlers.pages import page_of, pager_row
from handlers.photos import PhotoRefused, product_photo
from handlers.states import BoothForm
from messages import label, render
from storage.errors import AlreadyRequested, NotEligibleForBooth
from storage.exhibition_store import MAX_PHOTOS
from storage.records import Exhibition

logger = logging.getLogger(__name__)

DESCRIPTION_MIN, DESCRIPTION_MAX = 10, 500
B = BoothForm


# -- /exhibitions ----------------------------------------------------------------------------------


async def show_exhibitions(update: Update, context: Ctx) -> None:
    """Officers and admins get the exhibitions they review; holders the open ones in their province."""
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    desk = await desk_of(context, user.id)
    if desk is not None:
        text, markup = await staff_exhibitions(context, desk)
        await message.reply_text(text, reply_markup=markup)
        return
    text, markup = await open_exhibitions_page(context, user.id, 1)
    await message.reply_text(text, reply_markup=markup)


async def holder_exhibitions(context: Ctx, user_id: int) -> list[Exhibition] | None:
    """The open exhibitions in the provinces of the holder's valid permits; None when they hold no permit."""
    provinces = sorted({a.province_code for a in await context.store.list_user_applications(user_id)
                        if a.stage not in CLOSED_STAGES and a.valid_until >= context.store.today().to_gregorian()})
    if not provinces:
        return None
    return [e for province in provinces for e in await context.store.list_open_exhibitions(province)]


async def open_exhibitions_page(context: Ctx, user_id: int, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    lang = context.lang
    exhibitions = await holder_exhibitions(context, user_id)
    if exhibitions is None:
        return render(lang, "exhibitions/need_permit"), None
    text, shown, page, pages = page_of(
        exhibitions, lambda chunk, page, pages: render(lang, "exhibitions/open_list", items=chunk, page=page,
                                                         pages=pages), page)
    rows = [[InlineKeyboardButton(label(lang, "exhibition.apply_to", title=e.title[:40]),
                                  callback_data=ExhibitionButton("apply", str(e.id)).pack())] for e in shown]
    if pages > 1:
        rows.append(pager_row(lang, page, pages, lambda n: ExhibitionButton("list", str(n)).pack()))
    return text, InlineKeyboardMarkup(rows) if rows else None


async def turn_exhibitions_page(update: Update, context: Ctx) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None and query.data is not None and user is not None
    await query.answer()
    text, markup = await open_exhibitions_page(context, user.id, int(ExhibitionButton.parse(query.data).value))
    await show_in_place(update, context, text, markup)


# -- the booth request -----------------------------------------------------------------------------


async def start_request(update: Update, context: Ctx) -> BoothForm | int:
    """«درخواست غرفه» under an announcement or in /exhibitions."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and query.data is not None and user is not None
    exhibition = await context.store.get_exhibition(int(ExhibitionButton.parse(query.data).value))
    lang = context.lang
    if exhibition is None:
        await query.answer(label(lang, "alert.expired"), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    existing = await context.store.get_user_booth_request(exhibition.id, user.id)
    if existing is not None:
        await context.bot.send_message(user.id, render(lang, "exhibitions/already_requested", e=exhibition,
                                                       r=existing))
        return ConversationHandler.END
    if not await context.store.permits_for_booth(exhibition.id, user.id):
        await context.bot.send_message(user.id, render(lang, "exhibitions/not_eligible", e=exhibition,
                                                       today=context.store.today().to_gregorian()))
        return ConversationHandler.END
    await save(context, user.id, BOOTH_FORM, B.DESCRIPTION.value, {"exhibition_id": exhibition.id, "photos": []})
    await context.bot.send_message(user.id, render(lang, "exhibitions/ask_description", e=exhibition,
                                                   max_length=DESCRIPTION_MAX))
    return B.DESCRIPTION


async def receive_description(update: Update, context: Ctx) -> BoothForm:
    message, user = update.effective_message, update.effective_user
    assert message is not None and message.text is not None and user is not None
    description = validators.long_text(message.text, DESCRIPTION_MAX, DESCRIPTION_MIN)
    if isinstance(description, validators.Invalid):
        await message.reply_text(render(context.lang, f"validation/{description.code}", max_length=DESCRIPTION_MAX))
        return B.DESCRIPTION
    data = await answers(context, user.id, BOOTH_FORM)
    data["description"] = description
    await save(context, user.id, BOOTH_FORM, B.PHOTOS.value, data)
    await message.reply_text(render(context.lang, "exhibitions/ask_photos", most=MAX_PHOTOS))
    return B.PHOTOS


async def description_not_typed(update: Update, context: Ctx) -> BoothForm:
    await update.effective_message.reply_text(  # type: ignore[union-attr]
        render(context.lang, "exhibitions/type_description", max_length=DESCRIPTION_MAX))
    return B.DESCRIPTION


async def receive_photo(update: Update, context: Ctx) -> BoothForm:
    """A photo (kept: its largest size's file_id), or anything else (refused, asked again)."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    photo = product_photo(message)
    lang = context.lang
    data = await answers(context, user.id, BOOTH_FORM)
    if isinstance(photo, PhotoRefused):
        await message.reply_text(render(lang, photo.template))  # the last prompt above keeps its button
        return B.PHOTOS
    data["photos"] = [*data.get("photos", []), photo][:MAX_PHOTOS]
    await retire_prompt(context, user.id, data)
    if len(data["photos"]) >= MAX_PHOTOS:
        return await ask_self_made(message, context, user.id, data)
    asked = await message.reply_text(render(lang, "exhibitions/photo_received", count=len(data["photos"]),
                                            most=MAX_PHOTOS), reply_markup=photos_keyboard(lang, data))
    data["prompt"] = asked.message_id
    await save(context, user.id, BOOTH_FORM, B.PHOTOS.value, data)
    return B.PHOTOS


async def retire_prompt(context: Ctx, user_id: int, data: dict[str, Any]) -> None:
    """The previous photo's «همین‌ها کافی است» goes once another photo came (one live button at a time)."""
    prompt = data.pop("prompt", None)
    if prompt is not None:
        with suppress(BadRequest):
            await context.bot.edit_message_reply_markup(user_id, int(prompt), reply_markup=None)


def photos_keyboard(lang: str, data: dict[str, Any]) -> InlineKeyboardMarkup | None:
    """«✅ همین‌ها کافی است» once there is a photo."""
    if not data.get("photos"):
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(label(lang, "exhibition.photos_done"),
                                                       callback_data=ExhibitionButton("photos").pack())]])


async def photos_done(update: Update, context: Ctx) -> BoothForm:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    data = await answers(context, user.id, BOOTH_FORM)
    if not data.get("photos"):
        await query.answer(label(context.lang, "exhibition.photo_needed"), show_alert=True)
        return B.PHOTOS
    await query.answer()
    data.pop("prompt", None)
    await query.edit_message_reply_markup(None)
    assert query.message is not None
    return await ask_self_made(query.message, context, user.id, data)  # type: ignore[arg-type]


async def ask_self_made(message: Message, context: Ctx, user_id: int, data: dict[str, Any]) -> BoothForm:
    await save(context, user_id, BOOTH_FORM, B.SELF_MADE.value, data)
    lang = context.lang
    markup = InlineKeyboardMarkup([[
        InlineKeyboardButton(label(lang, f"exhibition.self_made_{answer}"),
                             callback_data=ExhibitionButton("made", answer).pack()) for answer in ("yes", "no")]])
    await context.bot.send_message(user_id, render(lang, "exhibitions/ask_self_made"), reply_markup=markup)
    return B.SELF_MADE


async def receive_self_made(update: Update, context: Ctx) -> BoothForm:
    query, user = update.callback_query, update.effective_user
    assert query is not None and query.data is not None and user is not None
    await query.answer()
    data = await answers(context, user.id, BOOTH_FORM)
    data["self_made"] = ExhibitionButton.parse(query.data).value == "yes"
    await save(context, user.id, BOOTH_FORM, B.REVIEW.value, data)
    await query.edit_message_reply_markup(None)
    exhibition = await context.store.get_exhibition(int(data["exhibition_id"]))
    lang = context.lang
    markup = InlineKeyboardMarkup([[
        InlineKeyboardButton(label(lang, "exhibition.submit"), callback_data=ExhibitionButton("submit").pack()),
        InlineKeyboardButton(label(lang, "form.cancel"), callback_data=ExhibitionButton("bcancel").pack())]])
    await context.bot.send_message(user.id, render(lang, "exhibitions/booth_review", e=exhibition, d=data),
                                   reply_markup=markup)
    return B.REVIEW


async def submit(update: Update, context: Ctx) -> int:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    await query.answer()
    data = await answers(context, user.id, BOOTH_FORM)
    await query.edit_message_reply_markup(None)
    exhibition = await context.store.get_exhibition(int(data["exhibition_id"]))
    assert exhibition is not None
    lang = context.lang
    try:
        request = await context.store.submit_booth_request(exhibition.id, user.id, data["description"],
                                                           data["photos"], bool(data["self_made"]))
    except AlreadyRequested:
        existing = await context.store.get_user_booth_request(exhibition.id, user.id)
        await context.bot.send_message(user.id, render(lang, "exhibitions/already_requested", e=exhibition,
                                                       r=existing))
    except NotEligibleForBooth:
        await context.bot.send_message(user.id, render(lang, "exhibitions/not_eligible", e=exhibition,
                                                       today=context.store.today().to_gregorian()))
    else:
        logger.info("user %s asked for a booth at exhibition %s (request %s)", user.id, exhibition.id, request.id)
        await context.bot.send_message(user.id, render(lang, "exhibitions/booth_submitted", e=exhibition))
    await forget(context, user.id, BOOTH_FORM)
    return ConversationHandler.END


async def cancel(update: Update, context: Ctx) -> int:
    return await steps.cancel(update, context, BOOTH_FORM, "exhibitions/booth_cancelled")


async def use_the_buttons(update: Update, context: Ctx) -> None:
    """Typed or sent something where a button is expected: the state stays, the buttons above still work."""
    await update.effective_message.reply_text(render(context.lang, "exhibitions/use_buttons"))  # type: ignore[union-attr]


# -- /notifications --------------------------------------------------------------------------------


async def toggle_notifications(update: Update, context: Ctx) -> None:
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    await context.store.ensure_user(user.id, context.lang)
    wanted = not await context.store.wants_announcements(user.id)
    await context.store.set_announcements(user.id, wanted)
    logger.info("user %s turned announcements %s", user.id, "on" if wanted else "off")
    await message.reply_text(render(context.lang, "exhibitions/notifications", on=wanted))


def handlers() -> list[BaseHandler[Update, Ctx, Any]]:
    private = filters.ChatType.PRIVATE
    typed = private & filters.TEXT & ~filters.COMMAND
    anything_else = private & ~filters.TEXT & ~filters.COMMAND
    not_a_command = private & ~filters.COMMAND
    return [
        ConversationHandler(
            name=BOOTH_FORM, persistent=True, allow_reentry=True,
            entry_points=[CallbackQueryHandler(start_request, pattern=ExhibitionButton.pattern("apply"))],
            states={
                B.DESCRIPTION: [MessageHandler(typed, receive_description),
                                MessageHandler(anything_else, description_not_typed)],
                B.PHOTOS: [CallbackQueryHandler(photos_done, pattern=ExhibitionButton.pattern("photos")),
                           MessageHandler(not_a_command, receive_photo)],
                B.SELF_MADE: [CallbackQueryHandler(receive_self_made, pattern=ExhibitionButton.pattern("made")),
                              MessageHandler(not_a_command, use_the_buttons)],
                B.REVIEW: [CallbackQueryHandler(submit, pattern=ExhibitionButton.pattern("submit")),
                           MessageHandler(not_a_command, use_the_buttons)],
            },
            fallbacks=[CommandHandler("cancel", cancel, filters=private),
                       CallbackQueryHandler(cancel, pattern=ExhibitionButton.pattern("bcancel"))],
        ),
        CommandHandler("exhibitions", show_exhibitions, filters=private),
        CommandHandler("notifications", toggle_notifications, filters=private),
        CallbackQueryHandler(turn_exhibitions_page, pattern=ExhibitionButton.pattern("list")),
    ]
