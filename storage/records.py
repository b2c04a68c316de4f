"""Records the store returns: frozen dataclasses, never raw rows."""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from domain.identity import Platform
from domain.lifecycle import Stage
from domain.roster import WorkerStatus


@dataclass(frozen=True, slots=True)
class Province:
    code: str
    name_fa: str
    name_en: str


@dataclass(frozen=True, slots=True)
class Sector:
    id: int
    code: str
    name_fa: str
    name_en: str
    approval_body: str | None
    active: bool


@dataclass(frozen=True, slots=True)
class Category:
    id: int
    sector_id: int
    name_fa: str
    name_en: str
    needs_extra_approval: bool
    approval_body: str | None
    active: bool


@dataclass(frozen=True, slots=True)
class User:
    telegram_id: int
    language: str
    role: str
    province_code: str | None
    active: bool
    display_name: str | None = None  # their Telegram first name, as last seen (filled by list_officers)


@dataclass(frozen=True, slots=True)
class Draft:
    """An unfinished application form: the conversation step and the answers so far."""

    user_id: int
    state: str
    data: dict[str, Any]
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ConversationStep:
    """Where someone stands in a multi-step exchange other than the form (storage/step_store.py)."""

    conversation: str
    user_id: int
    state: str
    data: dict[str, Any]
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class PermitRequest:
    """A complete, validated form: what `Store.issue_permit` needs."""

    user_id: int
    category_id: int
    track: str
    full_name: str
    national_id: str
    birth_date: date
    mobile: str
    province_code: str
    city: str
    address: str
    postal_code: str
    education: str
    workers: int
    experience_years: int | None = None
    own_share_percent: int | None = None


@dataclass(frozen=True, slots=True)
class Application:
    """An application with its permit, and the catalog names a reader needs."""

    id: int
    user_id: int
    permit_number: str
    stage: Stage
    track: str
    full_name: str
    national_id: str
    birth_date: date
    mobile: str
    province_code: str
    province_fa: str
    province_en: str
    city: str
    address: str
    postal_code: str
    education: str
    workers: int
    experience_years: int | None
    own_share_percent: int | None
    category_id: int
    category_fa: str
    category_en: str
    sector_fa: str
    sector_en: str
    needs_extra_approval: bool
    approval_body: str | None
    issued_at: datetime
    valid_until: date
    queued_at: datetime | None
    queue_seq: int | None  # order in the province's loan queue
    bank: str | None
    loan_amount_rials: int | None
    reason: str | None
    updated_at: datetime
    disputed: bool = False  # another account has claimed this national ID (officers may void it)
    stage_since: datetime | None = None  # when it reached its current stage (None: a sample built by hand)
    roster_approved: int | None = None  # a support plan's approved covered workers; None: no roster yet
    roster_awaiting: int = 0  # covered workers who confirmed and await the officers


@dataclass(frozen=True, slots=True)
class QueuePosition:
    """Where a queued application stands in its province's loan queue."""

    position: int  # 1-based
    ahead: int
    total: int


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor_id: int | None
    actor_name: str | None
    action: str
    from_stage: str | None
    to_stage: str | None
    detail: dict[str, Any]


class OutboxKind(StrEnum):
    """What an outbox row delivers; the courier has one sender per kind (handlers/delivery.py SENDERS)."""

    OFFICER_CARD = "officer.new_application"
    STAGE_CHANGED = "applicant.stage_changed"
    EXPIRY_REMINDER = "applicant.expiry_reminder"
    NO_OFFICER = "admin.no_officer"  # queued once for all admins; the courier fans it out into a row per admin
    CLAIMANT_RELEASED = "claimant.released"  # the application holding their national ID was voided
    ROSTER_ANSWERED = "roster.answered"  # to the supporter: a covered worker confirmed or declined
    ROSTER_DECIDED = "roster.decided"  # to the supporter and the worker: the officers approved or refused


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """One message waiting for delivery: to `chat_id`, or to every admin when it is None."""

    id: int
    kind: "OutboxKind"
    chat_id: int | None
    application_id: int | None
    payload: dict[str, Any]
    attempts: int


@dataclass(frozen=True, slots=True)
class OfficerPrompt:
    """An officer owes the bot one answer (a reason, an amount) for an action on an application."""

    officer_id: int
    application_id: int
    action: str
    message_id: int | None  # the question asked, to take its cancel button away once answered
    created_at: datetime  # an owed answer expires (see handlers/officer.py ANSWER_TIMEOUT)
    amount_toman: int | None = None  # a typed loan amount awaiting the officer's confirmation


@dataclass(frozen=True, slots=True)
class OfficerCard:
    officer_id: int
    message_id: int


@dataclass(frozen=True, slots=True)
class OfficerCardRef:
    """An officer card Telegram accepted: the message to edit when the application changes."""

    application_id: int
    officer_id: int
    message_id: int


@dataclass(frozen=True, slots=True)
class CatalogChange:
    """What replacing the catalog did: categories added, kept (updated) and hidden."""

    added: int
    kept: int
    hidden: int


@dataclass(frozen=True, slots=True)
class LastAction:
    """The latest step in an application's audit trail, for the officers' cards."""

    action: str
    actor_id: int | None
    actor_name: str | None


@dataclass(frozen=True, slots=True)
class NamedCount:
    name_fa: str
    name_en: str
    count: int


@dataclass(frozen=True, slots=True)
class MessengerFigures:
    """Applications by their applicant's messenger (storage/messenger_store.py), for /stats and the posts."""

    telegram: int
    bale: int


@dataclass(frozen=True, slots=True)
class Stats:
    """The published figures for one province (or the whole country when `province_code` is None)."""

    province_code: str | None
    province_fa: str | None
    province_en: str | None
    as_of: date  # the Jalali day they describe, as a Gregorian date
    permits_total: int
    permits_this_month: int
    permits_this_year: int
    independent: int
    support: int
    jobs_created: int
    queue_length: int
    loans_paid: int
    loans_paid_rials: int
    funnel: tuple[int, ...]  # reached: issued, supervised, eligible, queued, introduced to a bank, loan paid
    by_sector: tuple[NamedCount, ...]
    top_categories: tuple[NamedCount, ...]


@dataclass(frozen=True, slots=True)
class Channel:
    scope: str  # a province code, or 'all'
    platform: Platform  # the messenger it is on (a province may have a channel on each)
    chat_id: int
    title: str
    language: str
    failing: bool
    last_error: str | None


@dataclass(frozen=True, slots=True)
class ImportedApplication:
    """An application from elsewhere (provincial records, demo or benchmark data) with its history."""

    request: PermitRequest
    stage: Stage
    issued_at: datetime
    days_per_step: int  # each later stage reached this many days after the one before
    bank: str | None = None
    loan_amount_rials: int | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class UserSession:
    """What the bot needs to know about a user once per process: their record and name."""

    user: User
    display_name: str | None


@dataclass(frozen=True, slots=True)
class RefusalReason:
    """A preset reason an officer can choose for a refusal (admin-editable, /reasons)."""

    id: int
    action: str  # a domain.lifecycle.REFUSALS action
    text_fa: str
    text_en: str

    def text(self, lang: str) -> str:
        return self.text_fa if lang == "fa" else self.text_en


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One application as an export holds it (times as stored: UTC ISO text; money in rials)."""

    id: int
    permit_number: str
    full_name: str
    national_id: str
    mobile: str
    province_code: str
    province_fa: str
    city: str
    category_fa: str
    track: str
    stage: str
    workers: int
    issued_at: str
    supervised_at: str | None
    eligible_at: str | None
    rejected_at: str | None
    queued_at: str | None
    introduced_at: str | None
    loan_paid_at: str | None
    bank_rejected_at: str | None
    closed_at: str | None
    bank: str | None
    loan_amount_rials: int | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class WorkerRequest:
    """A covered worker as the supporter typed them, validated: what `Store.add_covered_worker` needs."""

    full_name: str
    national_id: str
    mobile: str
    city: str
    category_id: int


@dataclass(frozen=True, slots=True)
class CoveredWorker:
    """A covered worker on a support plan's roster, with the plan's names a reader needs."""

    id: int
    application_id: int
    full_name: str
    national_id: str
    mobile: str
    city: str
    category_id: int
    category_fa: str
    category_en: str
    status: WorkerStatus
    invite_code: str
    invite_expires_at: datetime
    worker_user_id: int | None
    reason: str | None
    created_at: datetime

    def link_expired(self, now: datetime) -> bool:
        """An invitation nobody answered in time (still `invited` until someone opens it or adds again)."""
        return self.status in (WorkerStatus.INVITED, WorkerStatus.EXPIRED) and self.invite_expires_at <= now


class InviteOutcome(StrEnum):
    """What opening (or answering) a worker's link came to."""

    OPEN = "open"  # valid: the terms are shown
    FORGED = "forged"  # the signature does not hold, or no such worker
    REPLACED = "replaced"  # a genuine but older link: the supporter sent a newer one
    EXPIRED = "expired"
    USED = "used"  # answered already, or opened first by another account
    OWN_PLAN = "own"  # the plan's holder opened it: shown what it is for, not bound to them
    CLOSED = "closed"  # the plan was withdrawn, revoked, voided or expired since


@dataclass(frozen=True, slots=True)
class Invitation:
    """A link opened: its outcome, and for a valid one the worker and the plan."""

    outcome: InviteOutcome
    worker: "CoveredWorker | None" = None
    plan: "Application | None" = None


@dataclass(frozen=True, slots=True)
class RosterFigures:
    """Support-plan rosters for one province (or nationally when `province_code` is None), from the tallies:
    approved covered workers (the jobs those plans created) and how many plans have a roster."""

    province_code: str | None
    approved_workers: int
    plans_with_roster: int
