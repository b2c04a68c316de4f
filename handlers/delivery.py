"""The outbox courier: delivers what the store queued (officer cards, applicant updates, admin alerts).

Rows are written in the same transaction as the change that causes them, one per recipient, and marked
sent only after the Bot API accepted the message, so a crash loses nothing; a retry sends at most the one
message that was in flight. Failures are handled per row: 429 and network errors are retried with backoff,
a user who blocked the bot (403) is marked unreachable, anything else fails the row for admins to see.
"""

import asyncio
import logging
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from domain.lifecycle import Action, Stage
from handlers.officer_view import bank_name, officer_card
from messages import render
from storage import Store
from storage.records import Application, OutboxMessage

if TYPE_CHECKING:
    from bot.config import Config

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# Updates that say more than the stage reached (a rejection after a failed supervision visit, not eligibility).
UPDATE_FOR_ACTION = {Action.FAIL_SUPERVISION.value: "applicant/supervision_failed"}
BATCH = 50


class Courier:
    """Drains due outbox rows; one drain at a time (the job and an immediate kick may overlap)."""

    def __init__(self, bot: Bot, store: Store, config: "Config") -> None:
        self.bot = bot
        self.store = store
        self.config = config
        self._lock = asyncio.Lock()

    async def deliver_due(self) -> int:
        """Deliver every due message; returns how many were sent."""
        sent = 0
        async with self._lock:
            while batch := await self.store.due_messages(BATCH):
                for message in batch:
                    sent += await self._deliver_one(message)
                if len(batch) < BATCH:
                    break
        return sent

    async def _deliver_one(self, message: OutboxMessage) -> int:
        try:
            await self._send(message)
        except RetryAfter as error:
            await self._retry(message, error, _retry_after_seconds(error))
            return 0
        except Forbidden as error:  # they blocked the bot: stop writing to them until they come back
            if message.chat_id is not None:
                await self.store.mark_unreachable(message.chat_id)
            await self.store.mark_failed(message.id, f"Forbidden: {error.message}")
            logger.info("outbox %s: recipient %s blocked the bot", message.id, message.chat_id)
            return 0
        except BadRequest as error:  # chat not found, bad markup: retrying will not help
            await self.store.mark_failed(message.id, f"BadRequest: {error.message}")
            logger.warning("outbox %s (%s) failed: %s", message.id, message.kind, error.message)
            return 0
        except (NetworkError, TelegramError) as error:
            await self._retry(message, error, 2.0 ** message.attempts)
            return 0
        await self.store.mark_sent(message.id)
        return 1

    async def _retry(self, message: OutboxMessage, error: TelegramError, delay: float) -> None:
        if message.attempts + 1 >= MAX_ATTEMPTS:
            await self.store.mark_failed(message.id, f"{type(error).__name__}: {error.message}")
            logger.error("outbox %s (%s) gave up after %d attempts", message.id, message.kind, MAX_ATTEMPTS)
            return
        await self.store.mark_retry(message.id, f"{type(error).__name__}: {error.message}",
                                    timedelta(seconds=min(delay, 3600)))

    async def _send(self, message: OutboxMessage) -> None:
        application = await self.store.get_application(message.application_id) if message.application_id else None
        if message.kind == "officer.new_application" and application and message.chat_id is not None:
            await self._send_card(message.chat_id, application)
        elif message.kind == "applicant.stage_changed" and application and message.chat_id is not None:
            # The reason of the decision announced, not a later one's (a revocation before delivery).
            decided = replace(application, reason=message.payload.get("reason", application.reason))
            await self._send_update(message.chat_id, decided, Stage(message.payload["to"]),
                                    message.payload.get("action"))
        elif message.kind == "applicant.expiry_reminder" and application and message.chat_id is not None:
            lang = await self._language(message.chat_id)
            await self.bot.send_message(message.chat_id, render(lang, "applicant/expiry_reminder", a=application))
        elif message.kind == "admin.no_officer" and application:
            for admin_id in sorted(self.config.admin_ids):
                lang = await self._language(admin_id)
                province = application.province_fa if lang == "fa" else application.province_en
                await self.bot.send_message(admin_id, render(lang, "admin/no_officer",
                                                             number=application.permit_number, province=province))
        else:
            logger.error("outbox %s: nothing to deliver for kind %s", message.id, message.kind)

    async def _send_card(self, officer_id: int, application: Application) -> None:
        officer = await self.store.get_user(officer_id)
        if officer is None or officer.role != "officer" or officer.province_code != application.province_code:
            # Removed or moved since the card was queued: the applicant's details are not theirs to see.
            logger.info("outbox: user %s is no longer an officer of %s; card withheld", officer_id,
                        application.province_code)
            return
        own = await self.store.is_own_application(officer_id, application.id)  # seen, never acted on
        text, markup = officer_card(officer.language, application, self.config, new=True, own=own,
                                    now=self.store.now())
        sent = await self.bot.send_message(officer_id, text, reply_markup=markup)
        await self.store.save_officer_card(application.id, officer_id, sent.message_id)

    async def _send_update(self, user_id: int, application: Application, stage: Stage,
                           action: str | None = None) -> None:
        lang = await self._language(user_id)
        position = await self.store.queue_position(application.id) if stage == Stage.QUEUED else None
        if stage == Stage.QUEUED and position is None:  # moved on since: the later update will tell
            return
        template = UPDATE_FOR_ACTION.get(action or "", f"applicant/{stage.value}")
        text = render(lang, template, a=application, position=position,
                      bank=bank_name(self.config, application.bank, lang))
        await self.bot.send_message(user_id, text)

    async def _language(self, user_id: int) -> str:
        user = await self.store.get_user(user_id)
        return user.language if user else self.config.default_language


def _retry_after_seconds(error: RetryAfter) -> float:
    retry_after = error.retry_after  # a timedelta with PTB_TIMEDELTA=1 (see bot/__init__.py), else seconds
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else float(retry_after)
