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
    assessment_score: int | None = None  # the latest readiness self-assessment (0-100), if one was taken
    assessment_band: str | None = None  # its band: a domain.assessment.BANDS code
    roster_approved: int | None = None  # a support plan's approved covered workers; None: no roster yet
    roster_awaiting: int = 0  # covered workers who confirmed and await the officers
    # Training before the money: the province's stored switch (None: the TRAINING_BEFORE_QUEUE setting decides),
    # whether the applicant completed a required course of the sector, and whether an officer waived it.
    new_model: bool | None = None
    trained: bool = False
    training_waived: bool = False


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
    ADVICE_QUESTION = "adviser.question"  # an applicant's question, as a card to each adviser of the province
    ADVICE_ANSWER = "applicant.advice_answer"  # the adviser's answer, to the applicant who asked
    ROSTER_ANSWERED = "roster.answered"  # to the supporter: a covered worker confirmed or declined
    ROSTER_DECIDED = "roster.decided"  # to the supporter and the worker: the officers approved or refused
    # Exhibitions: each row's application is the permit the holder is told about (or applied with).
    EXHIBITION_ANNOUNCED = "holder.exhibition_announced"
    BOOTH_ACCEPTED = "holder.booth_accepted"
    BOOTH_REFUSED = "holder.booth_refused"
    BOOTH_REMINDER = "holder.booth_reminder"  # the day before the exhibition opens
    COURSE_SEAT = "applicant.course_seat"  # a freed seat went to the first on the waiting list
    COURSE_REMINDER = "applicant.course_reminder"  # the first session is tomorrow
    CERTIFICATE = "applicant.certificate"  # the course was completed: the certificate card
    SHOWCASE_CARD = "showcase.card"  # a product post to review, with its photos, to an officer
    SHOWCASE_PUBLISH = "showcase.publish"  # an approved post, to the province's showcase channel
    SHOWCASE_DECIDED = "showcase.decided"  # approved, refused or taken down: told to the holder
    SHOWCASE_REPORT = "showcase.report"  # a buyer's report about a live post, to an officer


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


class ChannelPurpose(StrEnum):
    """What a channel receives: the statistics posts, or a province's approved showcase posts."""

    STATS = "stats"
    SHOWCASE = "showcase"


@dataclass(frozen=True, slots=True)
class Channel:
    scope: str  # a province code, or 'all' (statistics only)
    platform: Platform  # the messenger it is on (a province may have a channel on each)
    chat_id: int
    title: str
    language: str
    failing: bool
    last_error: str | None
    purpose: ChannelPurpose = ChannelPurpose.STATS


class PostStatus(StrEnum):
    PENDING = "pending"  # awaiting an officer
    APPROVED = "approved"  # in the province's showcase channel
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"  # by the holder
    TAKEN_DOWN = "taken_down"  # by an officer, after a buyer's report


class ContactKind(StrEnum):
    """How buyers reach the holder: their Telegram username, a phone number they typed, or not shown."""

    USERNAME = "username"
    PHONE = "phone"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class ShowcasePost:
    """A permit holder's product post, with the permit's category for the caption."""

    id: int
    user_id: int
    application_id: int
    province_code: str
    name: str
    price_toman: int
    contact_kind: ContactKind
    contact: str | None
    photos: tuple[str, ...]  # Telegram file_ids, the order the holder sent them
    status: PostStatus
    reason: str | None
    submitted_at: datetime
    approved_at: datetime | None
    channel_id: int | None
    channel_messages: tuple[int, ...]  # every message of the post in the channel, to delete them all
    permit_number: str
    category_fa: str
    category_en: str


@dataclass(frozen=True, slots=True)
class ShowcaseFigures:
    """Showcase posts of a province (or the country when `province_code` is None), for the statistics."""

    province_code: str | None
    submitted: int  # every post ever sent for review
    approved: int  # every post an officer approved (withdrawn or taken down since included)
    live: int  # in a channel now


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
    assessment_band: str | None  # the latest self-assessment's
    trained: bool  # a required course of the sector completed
    training_waived: bool


# -- advice (مشاوره) ------------------------------------------------------------------------------------

ADVICE_TOPICS = ("skills", "marketing", "loan", "legal", "other")


@dataclass(frozen=True, slots=True)
class Adviser:
    """Someone who answers applicants' questions for one province (a role beside users.role)."""

    telegram_id: int
    province_code: str
    language: str
    active: bool
    display_name: str | None = None


@dataclass(frozen=True, slots=True)
class AdviceQuestion:
    """An applicant's question, stored as typed, and what became of it."""

    id: int
    asker_id: int
    province_code: str
    topic: str  # one of ADVICE_TOPICS
    question: str
    follows_id: int | None  # the question whose answer this one follows up
    asked_at: datetime
    taken_by: int | None
    taken_by_name: str | None
    taken_at: datetime | None
    answer: str | None
    answered_at: datetime | None
    rating: int | None  # 1 👍, -1 👎


@dataclass(frozen=True, slots=True)
class AdviceDraft:
    """A question being written: the conversation step and what was chosen or typed so far."""

    user_id: int
    state: str
    province_code: str | None = None
    topic: str | None = None
    question: str | None = None
    follows_id: int | None = None


@dataclass(frozen=True, slots=True)
class AdvicePrompt:
    """An adviser took a question and owes its answer (their next message)."""

    adviser_id: int
    question_id: int
    message_id: int | None  # the request to type, whose ✖ button goes once it is answered
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AdviceCardRef:
    """A question card an adviser holds: the message to edit when the question is taken or answered."""

    question_id: int
    adviser_id: int
    message_id: int


@dataclass(frozen=True, slots=True)
class AdviceFigures:
    """Advice for the statistics: questions asked and answered, and the median time an answer took."""

    asked: int
    answered: int
    median_hours_to_answer: float | None  # None while nothing is answered


@dataclass(frozen=True, slots=True)
class AssessmentResult:
    """One attempt at the readiness self-assessment, kept with its application (every attempt is kept)."""

    id: int
    application_id: int
    version_id: int  # the questionnaire it answered (admins may replace it later)
    answers: dict[str, str]  # question key -> option key
    score: int  # 0-100
    band: str  # a domain.assessment.BANDS code
    taken_at: datetime


@dataclass(frozen=True, slots=True)
class AssessmentSession:
    """An applicant's self-assessment in progress: written through at every step, so a restart resumes it."""

    user_id: int
    application_id: int | None  # None while they choose which of their applications it is for
    version_id: int
    position: int  # the question on screen, by its place in what this application's sector is asked
    answers: dict[str, str]
    message_id: int | None  # the live question: a press on any other message is stale
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class AssessmentFigures:
    """Self-assessments of one province (or the whole country when `province_code` is None): attempts taken,
    applications assessed, and those applications by their latest band."""

    province_code: str | None
    taken: int
    assessed: int
    ready: int
    training: int
    advice: int


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


@dataclass(frozen=True, slots=True)
class NewExhibition:
    """A completed /addexhibition form: what `Store.create_exhibition` needs."""

    title: str
    province_code: str
    city: str
    place: str
    starts_on: date
    ends_on: date
    apply_by: date  # the last day booth requests are taken
    booths: int
    category_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Exhibition:
    id: int
    title: str
    province_code: str
    province_fa: str
    province_en: str
    city: str
    place: str
    starts_on: date
    ends_on: date
    apply_by: date
    booths: int
    booths_taken: int
    created_by: int
    categories_fa: tuple[str, ...]
    categories_en: tuple[str, ...]
    category_ids: tuple[int, ...]

    @property
    def booths_left(self) -> int:
        return self.booths - self.booths_taken


class BoothStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class BoothRequest:
    """A holder's request for a booth, with what officers judge it by (photos, description, self-made)."""

    id: int
    exhibition_id: int
    user_id: int
    application_id: int  # the permit they applied with
    permit_number: str
    category_fa: str
    category_en: str
    city: str  # of the permit's business
    description: str
    self_made: bool
    status: BoothStatus
    booth: int | None
    reason: str | None
    photos: tuple[str, ...]  # Telegram file_ids, largest size


@dataclass(frozen=True, slots=True)
class ExhibitionFigures:
    """Exhibition figures for one province, or nationally when `province_code` is None (for /stats)."""

    province_code: str | None
    held: int  # exhibitions that have opened by today
    upcoming: int  # announced, not opened yet
    booths_offered: int  # in the exhibitions held
    booths_filled: int  # accepted requests in the exhibitions held


@dataclass(frozen=True, slots=True)
class CourseRequest:
    """A course's answers from /addcourse or /editcourse, validated: what `Store.save_course` needs."""

    province_code: str
    title: str
    provider: str
    starts_on: date
    sessions: int
    place: str
    capacity: int
    required: bool
    sector_ids: tuple[int, ...]
    category_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Course:
    """A training course (توانمندسازی) of one province, with the seats it has left."""

    id: int
    province_code: str
    province_fa: str
    province_en: str
    title: str
    provider: str
    starts_on: date
    sessions: int
    place: str
    capacity: int
    required: bool
    status: str  # 'open' or 'closed' (no more enrolments)
    created_by: int
    taken: int  # seats held (enrolled, completed, absent)
    waiting: int
    sector_ids: tuple[int, ...]
    category_ids: tuple[int, ...]  # empty: every category of its sectors

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.taken)

    def serves(self, category_id: int, sector_id: int) -> bool:
        """Whether the course is for this category: listed, or of one of its sectors when it lists none."""
        if self.category_ids:
            return category_id in self.category_ids
        return sector_id in self.sector_ids


@dataclass(frozen=True, slots=True)
class CourseOffer:
    """A course as one applicant sees it in /courses: whether it serves their category, and their place."""

    course: Course
    matches: bool
    status: str | None  # their enrolment: enrolled, waiting, completed, absent; None: not enrolled


@dataclass(frozen=True, slots=True)
class Enrolment:
    id: int
    course_id: int
    user_id: int
    application_id: int | None
    status: str  # enrolled, waiting, cancelled, completed, absent
    full_name: str | None  # from the application it was made with
    certificate_number: str | None
    completed_at: datetime | None


@dataclass(frozen=True, slots=True)
class EnrolOutcome:
    """What «ثبت‌نام» did: `status` is 'enrolled', 'waiting', or 'full' (nothing written: the waiting list is
    offered); `already` when the person held that place before the press."""

    status: str
    already: bool = False


@dataclass(frozen=True, slots=True)
class Certificate:
    """A completed course's certificate, with what its card and /verify show."""

    number: str
    user_id: int
    full_name: str
    course: Course
    completed_at: datetime


@dataclass(frozen=True, slots=True)
class SectorTraining:
    sector_fa: str
    sector_en: str
    enrolments: int  # people holding a seat (enrolled, completed or absent)
    completions: int


@dataclass(frozen=True, slots=True)
class TrainingFigures:
    """Training figures for one province (or the whole country when `province_code` is None), by sector."""

    province_code: str | None
    courses: int
    enrolments: int
    completions: int
    waiting: int
    by_sector: tuple[SectorTraining, ...]


@dataclass(frozen=True, slots=True)
class ProgrammeFigures:
    """The new model's figures beside the permits (issues 12 and 13): readiness assessed, advice given,
    training, exhibitions held and covered workers approved, for one province or nationally."""

    assessment: AssessmentFigures
    advice: AdviceFigures
    training: TrainingFigures
    exhibitions: ExhibitionFigures
    showcase: ShowcaseFigures
    rosters: RosterFigures

    @property
    def any(self) -> bool:
        """Whether there is anything to publish yet (a new province's post stays as short as before)."""
        return bool(self.assessment.assessed or self.advice.asked or self.training.courses or self.exhibitions.held
                    or self.exhibitions.upcoming or self.showcase.submitted or self.rosters.approved_workers)
