"""What the courier delivers about courses (handlers/delivery.py SENDERS): a freed seat, the day-before
reminder, and the certificate card, drawn in a thread beside everything else."""

import asyncio
import logging
from typing import TYPE_CHECKING

from telegram import InputFile

from domain.signature import Document, verification_payload
from messages import render
from messages.certificate_card import certificate_content
from messages.permit_card import render_card_png
from storage.records import OfficerCardRef, OutboxMessage

if TYPE_CHECKING:
    from handlers.delivery import Courier

logger = logging.getLogger(__name__)


async def send_course_seat(courier: "Courier", user_id: int, message: OutboxMessage) -> OfficerCardRef | None:
    """A seat freed by a cancellation (or a larger capacity) went to them, the first on the waiting list."""
    await _send_about_course(courier, user_id, message, "courses/seat_freed")
    return None


async def send_course_reminder(courier: "Courier", user_id: int, message: OutboxMessage) -> OfficerCardRef | None:
    await _send_about_course(courier, user_id, message, "courses/reminder")
    return None


async def _send_about_course(courier: "Courier", user_id: int, message: OutboxMessage, template: str) -> None:
    course = await courier.store.get_course(int(message.payload["course"]))
    if course is None:
        logger.error("outbox %s: course %s is gone", message.id, message.payload["course"])
        return
    lang = await courier.language(user_id)
    await courier.bot.send_message(user_id, render(lang, template, c=course))


async def send_certificate(courier: "Courier", user_id: int, message: OutboxMessage) -> OfficerCardRef | None:
    certificate = await courier.store.get_certificate(str(message.payload["certificate"]))
    if certificate is None:
        logger.error("outbox %s: certificate not found", message.id)
        return None
    lang = await courier.language(user_id)
    link = courier.start_link(user_id, verification_payload(certificate.number, courier.permit_secret(),
                                                            Document.CERTIFICATE))
    png = await asyncio.to_thread(render_card_png, certificate_content(certificate, lang, link))  # CPU work
    await courier.bot.send_photo(user_id, InputFile(png, filename=f"certificate-{certificate.number}.png"),
                                 caption=render(lang, "courses/certificate_caption", cert=certificate))
    return None
