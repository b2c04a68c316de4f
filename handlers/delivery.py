"""The outbox courier: delivers what the store queued (officer cards, applicant updates, admin alerts).

Rows are written in the same transaction as the change that causes them, one per recipient (an alert for
all admins is fanned out into a row per admin before it is sent), and marked sent in the first write after
the Bot API accepted the message, so a crash loses nothing and repeats at most the one message that was in
flight. When that mark fails (database locked, disk full) the acceptance is kept in memory and the mark
retried at the next tick; a row Telegram accepted is never sent again by this process.
Failures are handled per row: 429 and network errors are retried with backoff,
a user who blocked the bot (403) is marked unreachable, anything else fails the row for admins to see.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import timedelta
from functools import wraps
from typing import TYPE_CHECKING

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.platforms import start_link
from domain.identity import Platform, platform_of
from domain.lifecycle import Action, Stage
from domain.roster import WorkerStatus
from handlers.advice_view import answer_keyboard, answer_text, question_card
from handlers.course_news import send_certificate, send_course_reminder, send_course_seat
from handlers.exhibition_posts import send_announcement, send_booth_decision
from handlers.officer_view import bank_name, officer_card, training_status
from handlers.showcase_delivery import (
    publish_showcase_post,
    send_showcase_card,
    send_showcase_decision,
    send_showcase_report,
)
from messages import label, render
from messages.render import reading_on
from storage import Store
from storage.errors import StoreUnavailable
from storage.records import AdviceCardRef, Application, OfficerCardRef, OutboxKind, OutboxMessage

if TYPE_CHECKING:
    from bot.config import Config

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# Updates that say more than the stage reached (a rejection after a failed supervision visit, not eligibility;
# a waiver, which keeps the stage).
UPDATE_FOR_ACTION = {Action.FAIL_SUPERVISION.value: "applicant/supervision_failed",
                     Action.WAIVE_TRAINING.value: "applicant/training_waived"}
BATCH = 50


class Courier:
    """Drains due outbox rows; one drain at a time (the job and an immediate kick may overlap)."""

    def __init__(self, bot: Bot, store: Store, config: "Config", permit_secret: Callable[[], str],
                 bots: Mapping[Platform, Bot] | None = None) -> None:
        self.bot = bot  # reaches everyone: each call goes out through its recipient's messenger (PlatformBot)
        self.bots = bots or {config.platform: bot}  # every messenger's bot, for links to it
        self.store = store
        self.config = config
        self.permit_secret = permit_secret  # signs certificate QR codes; loaded after the courier is made
        self._lock = asyncio.Lock()
        # Rows Telegram accepted whose mark the database refused: outbox id -> the card to keep (or None).
        self._accepted: dict[int, CardRef | None] = {}

    def start_link(self, chat_id: int, payload: str) -> str:
        """A link for whoever reads `chat_id` (a person, a channel) that opens the bot on their messenger with
        /start <payload> (a certificate's QR, a post's report button)."""
        platform = platform_of(chat_id).platform
        return start_link(platform, self.bots.get(platform, self.bot).username, payload)

    async def deliver_due(self) -> int:
        """Deliver every due message; returns how many were sent."""
        sent = 0
        async with self._lock:
            if not await self._mark_accepted():
                return 0  # the database still refuses writes: send nothing more until it takes the marks
            await self.store.fan_out_to_admins(self.config.admin_ids)
            while batch := await self.store.due_messages(BATCH):
                for message in batch:
                    sent += await self._deliver_one(message)
                if self._accepted or len(batch) < BATCH:  # done, or a mark failed: the next tick retries it
                    break
        return sent

    async def _mark_accepted(self) -> bool:
        """Retry the marks of rows Telegram accepted; False while the database refuses them."""
        for message_id, card in list(self._accepted.items()):
            try:
                await self.store.mark_sent(message_id, card)
            except StoreUnavailable as error:
                logger.warning("outbox %s was delivered but cannot be marked yet (%s); not sending it again",
                               message_id, error)
                return False
            del self._accepted[message_id]
        return True

    async def _deliver_one(self, message: OutboxMessage) -> int:
        if message.id in self._accepted:  # already delivered, only the mark is missing
            return 0
        try:
            with reading_on(platform_of(message.chat_id).platform if message.chat_id is not None else
                            self.config.platform):  # texts name the recipient's messenger
                card = await self._send(message)
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
        # Accepted: remember it before anything else can fail, then mark it (the only duplicate left is a
        # process dying between Telegram's answer and this write).
        self._accepted[message.id] = card
        await self._mark_accepted()
        return 1

    async def _retry(self, message: OutboxMessage, error: TelegramError, delay: float) -> None:
        if message.attempts + 1 >= MAX_ATTEMPTS:
            await self.store.mark_failed(message.id, f"{type(error).__name__}: {error.message}")
            logger.error("outbox %s (%s) gave up after %d attempts", message.id, message.kind, MAX_ATTEMPTS)
            return
        await self.store.mark_retry(message.id, f"{type(error).__name__}: {error.message}",
                                    timedelta(seconds=min(delay, 3600)))

    async def _send(self, message: OutboxMessage) -> "CardRef | None":
        if message.chat_id is None:
            logger.error("outbox %s: nobody to deliver kind %s to", message.id, message.kind)
            return None
        return await SENDERS[message.kind](self, message.chat_id, message)

    async def language(self, user_id: int) -> str:
        user = await self.store.get_user(user_id)
        return user.language if user else self.config.default_language


# A card a sender sent, to keep up to date: an officer's application card or an adviser's question card.
CardRef = OfficerCardRef | AdviceCardRef
# A sender delivers one row to one chat; it returns the card to keep up to date, if it sent one.
Sender = Callable[[Courier, int, OutboxMessage], Awaitable[CardRef | None]]
ApplicationSender = Callable[[Courier, int, Application, OutboxMessage], Awaitable[CardRef | None]]


def about_application(sender: ApplicationSender) -> Sender:
    """A sender of news about one application, given the application as it is now."""

    @wraps(sender)
    async def send(courier: Courier, chat_id: int, message: OutboxMessage) -> CardRef | None:
        application = await courier.store.get_application(message.application_id) if message.application_id else None
        if application is None:
            logger.error("outbox %s: no application for kind %s", message.id, message.kind)
            return None
        return await sender(courier, chat_id, application, message)

    return send


async def send_card(courier: Courier, officer_id: int, application: Application,
                    message: OutboxMessage) -> OfficerCardRef | None:
    officer = await courier.store.get_user(officer_id)
    if officer is None or officer.role != "officer" or officer.province_code != application.province_code:
        # Removed or moved since the card was queued: the applicant's details are not theirs to see.
        logger.info("outbox: user %s is no longer an officer of %s; card withheld", officer_id,
                    application.province_code)
        return None
    own = await courier.store.is_own_application(officer_id, application.id)  # seen, never acted on
    text, markup = officer_card(officer.language, application, courier.config, new=True, own=own,
                                now=courier.store.now())
    sent = await courier.bot.send_message(officer_id, text, reply_markup=markup)
    return OfficerCardRef(application.id, officer_id, sent.message_id)


async def send_stage_update(courier: Courier, user_id: int, application: Application,
                            message: OutboxMessage) -> None:
    stage = Stage(message.payload["to"])
    # The reason of the decision announced, not a later one's (a revocation before delivery).
    application = replace(application, reason=message.payload.get("reason", application.reason))
    lang = await courier.language(user_id)
    position = await courier.store.queue_position(application.id) if stage == Stage.QUEUED else None
    if stage == Stage.QUEUED and position is None:  # moved on since: the later update will tell
        return
    template = UPDATE_FOR_ACTION.get(message.payload.get("action", ""), f"applicant/{stage.value}")
    text = render(lang, template, a=application, position=position,
                  bank=bank_name(courier.config, application.bank, lang),
                  training=training_status(application, courier.config))
    await courier.bot.send_message(user_id, text)


async def send_expiry_reminder(courier: Courier, user_id: int, application: Application,
                               message: OutboxMessage) -> None:
    lang = await courier.language(user_id)
    await courier.bot.send_message(user_id, render(lang, "applicant/expiry_reminder", a=application))


async def send_no_officer_alert(courier: Courier, admin_id: int, application: Application,
                                message: OutboxMessage) -> None:
    lang = await courier.language(admin_id)
    province = application.province_fa if lang == "fa" else application.province_en
    await courier.bot.send_message(admin_id, render(lang, "admin/no_officer", number=application.permit_number,
                                                    province=province))


async def send_claim_released(courier: Courier, claimant_id: int, application: Application,
                              message: OutboxMessage) -> None:
    """The application that held their national ID was voided: they may apply; nothing else is said of it."""
    lang = await courier.language(claimant_id)
    await courier.bot.send_message(claimant_id, render(lang, "applicant/claim_released",
                                                       apply=label(lang, "main.apply")))


async def send_roster_answer(courier: Courier, holder_id: int, application: Application,
                             message: OutboxMessage) -> None:
    """To the supporter: a covered worker confirmed or declined the agreement."""
    worker = await courier.store.get_covered_worker(int(message.payload["worker"]))
    if worker is None:
        return
    lang = await courier.language(holder_id)
    await courier.bot.send_message(holder_id, render(lang, "roster/worker_answered", w=worker, a=application,
                                                     confirmed=message.payload["status"] == "confirmed"))


async def send_roster_decision(courier: Courier, user_id: int, application: Application,
                               message: OutboxMessage) -> None:
    """The officers' decision: to the supporter about every worker decided at once, to a worker about
    themselves (the supporter's name and plan, never the other workers)."""
    wanted = {int(worker_id) for worker_id in message.payload["workers"]}
    workers = [w for w in await courier.store.list_roster(application.id) if w.id in wanted]
    if not workers:
        return
    lang = await courier.language(user_id)
    template = "roster/decided_holder" if user_id == application.user_id else "roster/decided_worker"
    await courier.bot.send_message(user_id, render(lang, template, workers=workers, a=application,
                                                   approved=workers[0].status == WorkerStatus.APPROVED))


async def send_advice_question(courier: Courier, adviser_id: int, message: OutboxMessage) -> AdviceCardRef | None:
    """An applicant's question as a card with «پاسخ می‌دهم», to an adviser of its province, while it is open."""
    question = await courier.store.get_question(message.payload["question_id"])
    adviser = await courier.store.get_adviser(adviser_id)
    if question is None or adviser is None or adviser.province_code != question.province_code:
        # Removed or moved since the card was queued: the question is not theirs to read.
        logger.info("outbox: user %s is no longer an adviser of the question's province; card withheld", adviser_id)
        return None
    if question.taken_by is not None or question.answer is not None:  # another adviser was quicker
        return None
    text, markup = await question_card(courier.store, adviser.language, question, adviser_id)
    sent = await courier.bot.send_message(adviser_id, text, reply_markup=markup)
    return AdviceCardRef(question.id, adviser_id, sent.message_id)


async def send_advice_answer(courier: Courier, asker_id: int, message: OutboxMessage) -> None:
    """The adviser's answer, to the applicant who asked, with 👍 / 👎 and «پرسش بعدی»."""
    question = await courier.store.get_question(message.payload["question_id"])
    if question is None or question.answer is None:
        logger.error("outbox %s: question %s has no answer", message.id, message.payload["question_id"])
        return
    lang = await courier.language(asker_id)
    await courier.bot.send_message(asker_id, answer_text(lang, question), reply_markup=answer_keyboard(lang, question))


SENDERS: dict[OutboxKind, Sender] = {
    OutboxKind.OFFICER_CARD: about_application(send_card),
    OutboxKind.STAGE_CHANGED: about_application(send_stage_update),
    OutboxKind.EXPIRY_REMINDER: about_application(send_expiry_reminder),
    OutboxKind.NO_OFFICER: about_application(send_no_officer_alert),
    OutboxKind.CLAIMANT_RELEASED: about_application(send_claim_released),
    OutboxKind.ROSTER_ANSWERED: about_application(send_roster_answer),
    OutboxKind.ROSTER_DECIDED: about_application(send_roster_decision),
    OutboxKind.EXHIBITION_ANNOUNCED: about_application(send_announcement),
    OutboxKind.BOOTH_ACCEPTED: about_application(send_booth_decision),
    OutboxKind.BOOTH_REFUSED: about_application(send_booth_decision),
    OutboxKind.BOOTH_REMINDER: about_application(send_booth_decision),
    OutboxKind.ADVICE_QUESTION: send_advice_question,
    OutboxKind.ADVICE_ANSWER: send_advice_answer,
    OutboxKind.COURSE_SEAT: send_course_seat,
    OutboxKind.COURSE_REMINDER: send_course_reminder,
    OutboxKind.CERTIFICATE: send_certificate,
    OutboxKind.SHOWCASE_CARD: about_application(send_showcase_card),
    OutboxKind.SHOWCASE_PUBLISH: about_application(publish_showcase_post),
    OutboxKind.SHOWCASE_DECIDED: about_application(send_showcase_decision),
    OutboxKind.SHOWCASE_REPORT: about_application(send_showcase_report),
}


def _retry_after_seconds(error: RetryAfter) -> float:
    retry_after = error.retry_after  # a timedelta with PTB_TIMEDELTA=1 (see bot/__init__.py), else seconds
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else float(retry_after)
