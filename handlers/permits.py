"""Permits after issue: the card (PNG and PDF), public verification, revocation, renewal, expiry."""

import logging
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from domain import validators
from domain.flood import HourlyQuota
from domain.lifecycle import CLOSED_STAGES, Action, Stage
from domain.normalize import normalize
from domain.signature import Document, parse_verification_payload, signature_ok, verification_payload
from handlers.access import officer_command, refuse
from handlers.callbacks import AssessButton, PermitButton
from handlers.context import BACKGROUND, Ctx
from handlers.keyboards import main_menu
from handlers.lifecycle_events import apply_action
from handlers.officer import Refused, authorize
from messages import all_labels, label, render
from messages.card_cache import CardCache, CardFormat
from messages.permit_card import card_content
from storage import StageConflict
from storage.records import Application, User

logger = logging.getLogger(__name__)

RENEW_WINDOW = timedelta(days=30)  # holders may renew, and are reminded, this long before the end


def verify_link(context: Ctx, application: Application) -> str:
    """The QR code's link: a chat with this bot on its platform, /start carrying the signed number."""
    return context.start_link(verification_payload(application.permit_number, context.permit_secret))


# -- the card -------------------------------------------------------------------------------------


async def _drawn(context: Ctx, application: Application, kind: CardFormat) -> bytes:
    content = card_content(application, context.lang, verify_link(context, application))
    cache: CardCache = context.bot_data["card_cache"]
    return await cache.card(application.id, content, kind)


async def send_permit_card(context: Ctx, chat_id: int, application: Application,
                           offer_assessment: bool = False) -> None:
    """The card as a photo, with a button for the printable PDF; right after the permit, also the readiness
    self-assessment's (handlers/assessment.py), on the same message rather than one more."""
    png = await _drawn(context, application, "png")
    rows = [[InlineKeyboardButton(label(context.lang, "card.pdf"),
                                  callback_data=PermitButton("pdf", application.id).pack())]]
    if offer_assessment:
        rows.append([InlineKeyboardButton(label(context.lang, "assess.offer"),
                                          callback_data=AssessButton("start", application.id).pack())])
    await context.bot.send_photo(chat_id, InputFile(png, filename=f"permit-{application.permit_number}.png"),
                                 caption=render(context.lang, "permit/card_caption"),
                                 reply_markup=InlineKeyboardMarkup(rows))


async def send_permit_pdf(context: Ctx, chat_id: int, application: Application) -> None:
    pdf = await _drawn(context, application, "pdf")
    await context.bot.send_document(chat_id, InputFile(pdf, filename=f"permit-{application.permit_number}.pdf"))


async def show_permits(update: Update, context: Ctx) -> None:
    """/permit (or the menu button): the card of each of the user's permits; /permit pdf: the PDFs."""
    user = update.effective_user
    message = update.effective_message
    assert user is not None and message is not None
    applications = [a for a in await context.store.list_user_applications(user.id)
                    if a.stage not in (Stage.WITHDRAWN, Stage.VOIDED)]  # no permit to show
    if not applications:
        await message.reply_text(render(context.lang, "permit/none"), reply_markup=main_menu(context.lang))
        return
    send = send_permit_pdf if normalize(" ".join(context.args or [])).lower() == "pdf" else send_permit_card
    in_background(context, update, "permit_cards", *(send(context, user.id, a) for a in applications))


def in_background(context: Ctx, update: Update, name: str, *sends: Coroutine[Any, Any, None]) -> None:
    """Drawing a card takes tens of milliseconds (a PDF more): beside the update, one card after another, so
    that nobody's next update waits for it (this person's next one included)."""
    async def one_after_another() -> None:
        for send in sends:
            await send

    context.application.create_task(one_after_another(), update=update, name=f"{BACKGROUND}{name}")


async def press_permit_button(update: Update, context: Ctx) -> None:
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    pressed = PermitButton.parse(query.data)
    application = await context.store.get_application(pressed.application_id)
    if application is None or application.user_id != user.id:  # only the holder's own permit
        refuse(f"permit {pressed.action}", user.id, pressed.application_id)
        await query.answer(label(context.lang, "alert.not_allowed"), show_alert=True)
        return
    await query.answer()
    if pressed.action == "pdf":
        in_background(context, update, "permit_pdf", send_permit_pdf(context, user.id, application))
        return
    if not renewable(context, application):
        await context.bot.send_message(user.id, render(context.lang, "permit/cannot_renew"))
        return
    renewed = await context.store.renew_permit(application.id, context.config.rules.permit_validity_years, user.id)
    logger.info("permit of application %s renewed", application.id)
    await query.edit_message_reply_markup(None)
    await context.bot.send_message(user.id, render(context.lang, "permit/renewed", a=renewed))
    in_background(context, update, "permit_card", send_permit_card(context, user.id, renewed))


# -- verification ---------------------------------------------------------------------------------


def mask_name(name: str) -> str:
    """'مریم احمدی' -> 'م. ا.': enough to match a face to a card, not enough to identify anyone."""
    return " ".join(f"{word[0]}." for word in name.replace("\u200c", " ").split())


def permit_status(context: Ctx, application: Application) -> str:
    if application.stage in (Stage.REVOKED, Stage.VOIDED):  # voided: never rightfully issued
        return "revoked"
    if application.stage == Stage.WITHDRAWN:
        return "withdrawn"
    if application.stage == Stage.EXPIRED or application.valid_until < context.store.today().to_gregorian():
        return "expired"
    return "valid"


async def verify(update: Update, context: Ctx, number: str, signature: str | None,
                 document: Document | None = None) -> None:
    """A signed QR link shows the holder's details; a bare number only the status and the category (or the
    course), since numbers are sequential and anyone could walk through them. `document`: what the signed
    link says the number is; a typed number may be either (a training certificate's numbers are its own)."""
    message = update.effective_message
    assert message is not None
    lang = context.lang
    if signature is not None and not signature_ok(number, signature, context.permit_secret,
                                                  document or Document.PERMIT):
        await message.reply_text(render(lang, "permit/verify", status="forged", number=number[:40]))
        return
    if document in (None, Document.CERTIFICATE):
        certificate = await context.store.get_certificate(number)
        if certificate is not None:
            await message.reply_text(render(lang, "permit/verify_certificate", cert=certificate,
                                            holder=mask_name(certificate.full_name), full=signature is not None))
            return
    application = await context.store.get_application_by_permit(number) if document != Document.CERTIFICATE else None
    if application is None:
        await message.reply_text(render(lang, "permit/verify", status="unknown", number=number[:40]))
        return
    await message.reply_text(render(lang, "permit/verify", status=permit_status(context, application),
                                    a=application, holder=mask_name(application.full_name), number=number,
                                    full=signature is not None))


async def verify_command(update: Update, context: Ctx) -> None:
    """/verify <permit number>: anyone, no registration."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    number = normalize(" ".join(context.args or [])).replace(" ", "")
    if not number:
        await message.reply_text(render(context.lang, "permit/verify_usage"))
        return
    quota: HourlyQuota = context.bot_data["verify_quota"]
    if not quota.take(user.id):
        refuse("verify (hourly quota)", user.id)
        await message.reply_text(render(context.lang, "permit/verify_limit", limit=quota.limit))
        return
    await verify(update, context, number[:40], None)


async def verify_deep_link(update: Update, context: Ctx) -> None:
    """/start v-<number>-<signature> (a permit) or t-… (a training certificate): what scanning a card's QR code
    opens."""
    parsed = parse_verification_payload((context.args or [""])[0])
    if parsed is None:
        message = update.effective_message
        assert message is not None
        await message.reply_text(render(context.lang, "permit/verify", status="forged", number=""))
        return
    document, number, signature = parsed
    await verify(update, context, number, signature, document)


# -- revocation (officers) and renewal (holders) ----------------------------------------------------


@officer_command
async def revoke(update: Update, context: Ctx, message: Message, officer: User) -> None:
    """/revoke <permit number> <reason>: an officer of the permit's province; the reason is kept as typed."""
    lang = context.lang
    args = context.args or []
    reason = validators.free_text(" ".join(args[1:]), max_length=300, min_length=3)
    if not args or isinstance(reason, validators.Invalid):
        await message.reply_text(render(lang, "permit/revoke_usage"))
        return
    number = normalize(args[0])
    application = await context.store.get_application_by_permit(number)
    if application is None or application.province_code != officer.province_code:
        refuse("revoke", officer.telegram_id, number if application else None)  # same answer: no probing
        await message.reply_text(render(lang, "officer/not_found", number=number[:40]))
        return
    checked = await authorize(context, officer.telegram_id, application.id, Action.REVOKE.value)
    if isinstance(checked, Refused):
        await message.reply_text(label(lang, checked.alert))
        return
    try:
        revoked = await apply_action(context, application.id, Action.REVOKE, officer.telegram_id, reason=reason)
    except StageConflict as conflict:
        await message.reply_text(render(lang, "officer/stage_conflict", a=conflict.application,
                                        stage=label(lang, f"stage.{conflict.application.stage.value}")))
        return
    await message.reply_text(render(lang, "permit/revoked_ok", a=revoked))


def renewable(context: Ctx, application: Application) -> bool:
    today = context.store.today().to_gregorian()
    return application.stage not in CLOSED_STAGES and application.valid_until - today <= RENEW_WINDOW


async def offer_renewal(update: Update, context: Ctx) -> None:
    """/renew: the holder's permits that end within the renewal window, each with a button."""
    user = update.effective_user
    message = update.effective_message
    assert user is not None and message is not None
    lang = context.lang
    due = [a for a in await context.store.list_user_applications(user.id) if renewable(context, a)]
    if not due:
        await message.reply_text(render(lang, "permit/renew_none", days=RENEW_WINDOW.days))
        return
    rows = [[InlineKeyboardButton(label(lang, "card.renew", number=a.permit_number),
                                  callback_data=PermitButton("renew", a.id).pack())] for a in due]
    await message.reply_text(render(lang, "permit/renew_list"), reply_markup=InlineKeyboardMarkup(rows))


async def look_after_permits(context: Ctx) -> None:
    """The daily job: close permits past their validity; remind holders before the end."""
    for application_id in await context.store.expired_permits():
        try:
            await apply_action(context, application_id, Action.EXPIRE, actor_id=None)  # the cards follow
        except StageConflict:  # moved on in the meantime
            continue
    reminders = await context.store.queue_expiry_reminders(RENEW_WINDOW)
    if reminders:
        logger.info("queued %d expiry reminders", reminders)
    context.kick_courier()


def handlers() -> list[BaseHandler[Update, Ctx, Any]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("start", verify_deep_link, filters=private & filters.Regex(r"^/start [vt]-")),
        CommandHandler("verify", verify_command, filters=private),
        CommandHandler("permit", show_permits, filters=private),
        MessageHandler(private & filters.Text(all_labels("main.permit")), show_permits),
        CommandHandler("revoke", revoke, filters=private),
        CommandHandler("renew", offer_renewal, filters=private),
        CallbackQueryHandler(press_permit_button, pattern=PermitButton.PATTERN),
    ]
