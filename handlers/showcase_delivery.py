"""The courier's senders for the showcase (handlers/delivery.py SENDERS): the officers' cards with the photos,
the channel post, the holder's news and a buyer's report. Each reads the post as it is now, so what was
withdrawn or decided meanwhile is not sent."""

import logging
from typing import TYPE_CHECKING

from handlers.photos import send_photos
from handlers.showcase_view import (
    decision_keyboard,
    post_caption,
    report_keyboard,
    report_payload,
    status_label,
    take_down_keyboard,
)
from messages import label, render
from storage.records import Application, ChannelPurpose, OutboxMessage, PostStatus, ShowcasePost

if TYPE_CHECKING:
    from handlers.delivery import Courier

logger = logging.getLogger(__name__)


async def _post(courier: "Courier", message: OutboxMessage) -> ShowcasePost | None:
    return await courier.store.get_showcase_post(int(message.payload["post"]))


async def _officer_language(courier: "Courier", officer_id: int, post: ShowcasePost) -> str | None:
    """The officer's language, if they are still an officer of the post's province (else nothing is theirs)."""
    officer = await courier.store.get_user(officer_id)
    if officer is None or officer.role != "officer" or officer.province_code != post.province_code:
        logger.info("outbox: user %s is no longer an officer of %s; showcase message withheld", officer_id,
                    post.province_code)
        return None
    return officer.language


async def send_showcase_card(courier: "Courier", officer_id: int, application: Application,
                             message: OutboxMessage) -> None:
    """The photos with the caption buyers would read and who sent it, then the card to decide on."""
    post = await _post(courier, message)
    lang = await _officer_language(courier, officer_id, post) if post else None
    if post is None or lang is None or post.status != PostStatus.PENDING:
        return
    own = await courier.store.is_own_application(officer_id, post.application_id)  # seen, never decided
    await send_photos(courier.bot, officer_id, post.photos, post_caption(lang, post))
    card = await courier.bot.send_message(
        officer_id, render(lang, "showcase/card", post=post, a=application, own=own),
        reply_markup=None if own else decision_keyboard(lang, post.id))
    await courier.store.save_showcase_card(post.id, officer_id, card.message_id)


async def publish_showcase_post(courier: "Courier", chat_id: int, application: Application,
                                message: OutboxMessage) -> None:
    """The approved post in the province's showcase channel, and the «گزارش» button under it."""
    post = await _post(courier, message)
    if post is None or post.status != PostStatus.APPROVED:  # withdrawn or taken down before it went out
        return
    channel = await courier.store.first_channel(post.province_code, ChannelPurpose.SHOWCASE)
    lang = channel.language if channel is not None and channel.chat_id == chat_id else courier.config.default_language
    sent = await send_photos(courier.bot, chat_id, post.photos, post_caption(lang, post))
    report = courier.start_link(chat_id, report_payload(post.id))
    button = await courier.bot.send_message(chat_id, render(lang, "showcase/report_prompt"),
                                            reply_markup=report_keyboard(lang, report))
    await courier.store.record_channel_messages(post.id, [m.message_id for m in (*sent, button)])
    logger.info("showcase post %s published to its channel", post.id)


async def send_showcase_decision(courier: "Courier", holder_id: int, application: Application,
                                 message: OutboxMessage) -> None:
    """Approved, refused or taken down: the holder hears which, and why (the reason of that decision)."""
    post = await _post(courier, message)
    if post is None:
        return
    lang = await courier.language(holder_id)
    status = PostStatus(message.payload["status"])
    channel = await courier.store.first_channel(post.province_code, ChannelPurpose.SHOWCASE)
    await courier.bot.send_message(holder_id, render(
        lang, "showcase/decided", post=post, status=status.value, reason=message.payload.get("reason"),
        channel=channel.title if channel else None))


async def send_showcase_report(courier: "Courier", officer_id: int, application: Application,
                               message: OutboxMessage) -> None:
    """A buyer's report to an officer, with the post and a button to take it down while it is live."""
    post = await _post(courier, message)
    lang = await _officer_language(courier, officer_id, post) if post else None
    if post is None or lang is None:
        return
    live = post.status == PostStatus.APPROVED
    await courier.bot.send_message(
        officer_id, render(lang, "showcase/reported", post=post, status=status_label(lang, post),
                           reason=label(lang, f"showcase.report.{message.payload['reason']}")),
        reply_markup=take_down_keyboard(lang, post.id) if live else None)
