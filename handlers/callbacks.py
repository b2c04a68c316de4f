"""Callback data: `v1:<area>:<value>…`, ASCII, at most 64 bytes, one dataclass per kind.

Bump the version when a meaning changes: old buttons then fall through to the catch-all in
`common`, which says the menu has expired instead of doing something unintended.
"""

from dataclasses import dataclass
from typing import ClassVar, Self

MAX_CALLBACK_BYTES = 64  # Telegram's limit; Bale follows it


def _checked(data: str) -> str:
    assert data.isascii() and len(data.encode()) <= MAX_CALLBACK_BYTES, data
    return data


@dataclass(frozen=True, slots=True)
class SetLanguage:
    PATTERN = r"^v1:lang:(fa|en)\Z"
    language: str

    def pack(self) -> str:
        return _checked(f"v1:lang:{self.language}")

    @classmethod
    def parse(cls, data: str) -> "SetLanguage":
        return cls(data.rsplit(":", 1)[1])


@dataclass(frozen=True, slots=True)
class ActionButton:
    """A button of one area with several actions: `v1:<AREA>:<action>[:<value>]`, each action's value of an exact
    shape (VALUES; an action absent or empty there has none), so a handler never sees one it cannot use."""

    AREA: ClassVar[str]
    VALUES: ClassVar[dict[str, str]]
    action: str
    value: str = ""

    def pack(self) -> str:
        area = f"v1:{self.AREA}:{self.action}"
        return _checked(f"{area}:{self.value}" if self.value else area)

    @classmethod
    def parse(cls, data: str) -> Self:
        parts = data.split(":", 3)
        return cls(parts[2], parts[3] if len(parts) > 3 else "")

    @classmethod
    def pattern(cls, action: str) -> str:
        value = cls.VALUES.get(action)
        return rf"^v1:{cls.AREA}:{action}:{value}\Z" if value else rf"^v1:{cls.AREA}:{action}\Z"


@dataclass(frozen=True, slots=True)
class FormButton(ActionButton):
    """A button of the application form: `v1:reg:<action>[:<value>]`.

    Actions: sec/cat/trk/prv/edu (pick a value), cpg (category page), edit (a field from
    the review), back, keep (keep the current answer), ok (confirm), sectors (back to sectors), cancel,
    indep (switch to the independent track), noop (the page counter).
    """

    AREA: ClassVar[str] = "reg"
    VALUES: ClassVar[dict[str, str]] = {
        "sec": r"[0-9]{1,9}", "cat": r"[0-9]{1,9}", "cpg": r"[0-9]{1,9}\.[0-9]{1,4}",
        "prv": r"IR-[0-9]{2}", "trk": r"(independent|support)", "edu": r"[a-z_]{1,20}", "edit": r"[a-z_]{1,24}",
    }


# Officer actions on an application card; the action names are domain.lifecycle.Action values, plus
# "cancel" (drop a pending reason/amount question). The server re-checks everything on every press.
OFFICER_ACTIONS = ("supervise", "fail_supervision", "approve", "reject", "queue", "waive_training", "introduce",
                   "pay_loan", "bank_reject", "void", "cancel", "amount_ok", "amount_edit")
# Buttons of an owed answer's question (✖, and ✅ / ✏️ under a typed loan amount), not actions on the application.
ANSWER_BUTTONS = ("cancel", "amount_ok", "amount_edit")


@dataclass(frozen=True, slots=True)
class ActOn:
    PATTERN = rf"^v1:act:[0-9]{{1,12}}:({'|'.join(OFFICER_ACTIONS)})\Z"
    application_id: int
    action: str

    def pack(self) -> str:
        return _checked(f"v1:act:{self.application_id}:{self.action}")

    @classmethod
    def parse(cls, data: str) -> "ActOn":
        _, _, application_id, action = data.split(":")
        return cls(int(application_id), action)

    @classmethod
    def pattern(cls, *actions: str) -> str:
        """Presses of only these actions."""
        assert set(actions) <= set(OFFICER_ACTIONS), actions
        return rf"^v1:act:[0-9]{{1,12}}:({'|'.join(actions)})\Z"


@dataclass(frozen=True, slots=True)
class PickReason:
    """A preset refusal reason offered with an owed reason's question (handlers/officer.py)."""

    PATTERN = r"^v1:rsn:[0-9]{1,12}:[0-9]{1,9}\Z"
    application_id: int
    reason_id: int

    def pack(self) -> str:
        return _checked(f"v1:rsn:{self.application_id}:{self.reason_id}")

    @classmethod
    def parse(cls, data: str) -> "PickReason":
        _, _, application_id, reason_id = data.split(":")
        return cls(int(application_id), int(reason_id))


@dataclass(frozen=True, slots=True)
class BulkStep:
    """«همه را انجام بده» in /pending: `ask` shows the count to confirm, `yes` does it, `no` keeps things."""

    PATTERN = r"^v1:bulk:(ask|yes|no):[a-z_]{1,20}\Z"
    step: str
    action: str

    def pack(self) -> str:
        return _checked(f"v1:bulk:{self.step}:{self.action}")

    @classmethod
    def parse(cls, data: str) -> "BulkStep":
        _, _, step, action = data.split(":")
        return cls(step, action)


@dataclass(frozen=True, slots=True)
class AppointTo:
    """An admin's province button after choosing a person to appoint (handlers/appoint.py)."""

    PATTERN = r"^v1:appoint:[0-9]{1,20}:IR-[0-9]{2}\Z"
    user_id: int
    province_code: str

    def pack(self) -> str:
        return _checked(f"v1:appoint:{self.user_id}:{self.province_code}")

    @classmethod
    def parse(cls, data: str) -> "AppointTo":
        _, _, user_id, province_code = data.split(":")
        return cls(int(user_id), province_code)


@dataclass(frozen=True, slots=True)
class PickBank:
    PATTERN = r"^v1:bank:[0-9]{1,12}:[a-z][a-z0-9_]{1,23}\Z"
    application_id: int
    bank: str

    def pack(self) -> str:
        return _checked(f"v1:bank:{self.application_id}:{self.bank}")

    @classmethod
    def parse(cls, data: str) -> "PickBank":
        _, _, application_id, bank = data.split(":")
        return cls(int(application_id), bank)


@dataclass(frozen=True, slots=True)
class OpenApplication:
    PATTERN = r"^v1:app:[0-9]{1,12}\Z"
    application_id: int

    def pack(self) -> str:
        return _checked(f"v1:app:{self.application_id}")

    @classmethod
    def parse(cls, data: str) -> "OpenApplication":
        return cls(int(data.rsplit(":", 1)[1]))


@dataclass(frozen=True, slots=True)
class ListPage:
    """A page of an officer's list: `pending` (optionally one stage) or `queue`."""

    PATTERN = r"^v1:list:(pending|queue):([a-z_]{0,20}):[0-9]{1,6}\Z"
    kind: str
    stage: str
    page: int

    def pack(self) -> str:
        return _checked(f"v1:list:{self.kind}:{self.stage}:{self.page}")

    @classmethod
    def parse(cls, data: str) -> "ListPage":
        _, _, kind, stage, page = data.split(":")
        return cls(kind, stage, int(page))


@dataclass(frozen=True, slots=True)
class PermitButton:
    """A holder's button on their permit: `pdf` (the printable card) or `renew`."""

    PATTERN = r"^v1:permit:(pdf|renew):[0-9]{1,12}\Z"
    action: str
    application_id: int

    def pack(self) -> str:
        return _checked(f"v1:permit:{self.action}:{self.application_id}")

    @classmethod
    def parse(cls, data: str) -> "PermitButton":
        _, _, action, application_id = data.split(":")
        return cls(action, int(application_id))


@dataclass(frozen=True, slots=True)
class Withdraw:
    """An applicant withdrawing their own application: `ask` shows the question, `yes` confirms."""

    PATTERN = r"^v1:wd:(ask|yes|no):[0-9]{1,12}\Z"
    step: str
    application_id: int

    def pack(self) -> str:
        return _checked(f"v1:wd:{self.step}:{self.application_id}")

    @classmethod
    def parse(cls, data: str) -> "Withdraw":
        _, _, step, application_id = data.split(":")
        return cls(step, int(application_id))


@dataclass(frozen=True, slots=True)
class Page:
    """A page of a long list: `v1:pg:<list>:<filter>:<page>` (the filter is e.g. a sector code, or empty)."""

    LISTS: ClassVar[tuple[str, ...]] = ("officers", "channels", "categories", "status", "courses", "roster", "showcase")
    kind: str
    filter: str
    page: int

    @classmethod
    def pattern(cls, kind: str) -> str:
        assert kind in cls.LISTS, kind
        return rf"^v1:pg:{kind}:[a-z0-9_]{{0,32}}:[0-9]{{1,4}}\Z"

    def pack(self) -> str:
        return _checked(f"v1:pg:{self.kind}:{self.filter}:{self.page}")

    @classmethod
    def parse(cls, data: str) -> "Page":
        _, _, kind, wanted, page = data.split(":")
        return cls(kind, wanted, int(page))


@dataclass(frozen=True, slots=True)
class AdviceButton(ActionButton):
    """A button of advice (handlers/advice.py, handlers/advice_desk.py): `v1:adv:<action>[:<value>]`.

    The asker's: prv (their province, when they have no application), topic, send / edit / drop (the typed
    question: send it, type it again, give up), up / down (rate an answer), more (a follow-up question). An
    adviser's: take («پاسخ می‌دهم»), release (✖ under the request to type the answer). Role and province are
    checked on the server at every press; the value only names what was pressed.
    """

    AREA: ClassVar[str] = "adv"
    VALUES: ClassVar[dict[str, str]] = {
        "prv": r"IR-[0-9]{2}", "topic": r"(skills|marketing|loan|legal|other)", "send": "", "edit": "", "drop": "",
        "up": r"[0-9]{1,12}", "down": r"[0-9]{1,12}", "more": r"[0-9]{1,12}", "take": r"[0-9]{1,12}",
        "release": r"[0-9]{1,12}",
    }

    @property
    def question_id(self) -> int:
        return int(self.value)


@dataclass(frozen=True, slots=True)
class AppointAdviserTo:
    """An admin's province button after choosing a person to make an adviser (handlers/advisers.py)."""

    PATTERN = r"^v1:appadv:[0-9]{1,20}:IR-[0-9]{2}\Z"
    user_id: int
    province_code: str

    def pack(self) -> str:
        return _checked(f"v1:appadv:{self.user_id}:{self.province_code}")

    @classmethod
    def parse(cls, data: str) -> "AppointAdviserTo":
        _, _, user_id, province_code = data.split(":")
        return cls(int(user_id), province_code)


# -- support-plan rosters (handlers/roster*.py); the server re-checks the person and the plan at every press --


@dataclass(frozen=True, slots=True)
class RosterPage:
    """A page of a plan's roster: `h` as its holder sees it (/workers), `o` as the province's officers do."""

    audience: str
    application_id: int
    page: int

    def pack(self) -> str:
        return _checked(f"v1:rost:{self.audience}:{self.application_id}:{self.page}")

    @classmethod
    def pattern(cls, audience: str) -> str:
        assert audience in ("h", "o"), audience
        return rf"^v1:rost:{audience}:[0-9]{{1,12}}:[0-9]{{1,4}}\Z"

    @classmethod
    def parse(cls, data: str) -> "RosterPage":
        _, _, audience, application_id, page = data.split(":")
        return cls(audience, int(application_id), int(page))


@dataclass(frozen=True, slots=True)
class RosterAdd:
    """➕ under a holder's roster: starts adding a covered worker to this plan."""

    PATTERN = r"^v1:radd:[0-9]{1,12}\Z"
    application_id: int

    def pack(self) -> str:
        return _checked(f"v1:radd:{self.application_id}")

    @classmethod
    def parse(cls, data: str) -> "RosterAdd":
        return cls(int(data.rsplit(":", 1)[1]))


@dataclass(frozen=True, slots=True)
class WorkerFormButton(ActionButton):
    """A button while adding a covered worker: `sec`/`cat` (pick), `cpg` (category page), `sectors`, `cancel`."""

    AREA: ClassVar[str] = "rwf"
    VALUES: ClassVar[dict[str, str]] = {"sec": r"[0-9]{1,9}", "cat": r"[0-9]{1,9}", "cpg": r"[0-9]{1,4}"}


@dataclass(frozen=True, slots=True)
class WorkerLink:
    """🔗 beside an invited worker on the holder's roster: their link again (a new one once it ran out)."""

    PATTERN = r"^v1:rlink:[0-9]{1,12}\Z"
    worker_id: int

    def pack(self) -> str:
        return _checked(f"v1:rlink:{self.worker_id}")

    @classmethod
    def parse(cls, data: str) -> "WorkerLink":
        return cls(int(data.rsplit(":", 1)[1]))


@dataclass(frozen=True, slots=True)
class InviteAnswer:
    """The worker's ✅ / ✖ under the agreement their link showed; `code` names that link."""

    PATTERN = r"^v1:inv:[0-9]{1,12}:[a-z2-7]{8}:(yes|no)\Z"
    worker_id: int
    code: str
    answer: str

    def pack(self) -> str:
        return _checked(f"v1:inv:{self.worker_id}:{self.code}:{self.answer}")

    @classmethod
    def parse(cls, data: str) -> "InviteAnswer":
        _, _, worker_id, code, answer = data.split(":")
        return cls(int(worker_id), code, answer)


@dataclass(frozen=True, slots=True)
class WorkerDecision:
    """An officer's ✅ (approve) or ❌ (refuse, a reason owed) on one confirmed worker, or ✖ (drop the reason)."""

    worker_id: int
    action: str

    @classmethod
    def pattern(cls, *actions: str) -> str:
        assert set(actions) <= {"ok", "no", "cancel"}, actions
        return rf"^v1:rdec:[0-9]{{1,12}}:({'|'.join(actions)})\Z"

    def pack(self) -> str:
        return _checked(f"v1:rdec:{self.worker_id}:{self.action}")

    @classmethod
    def parse(cls, data: str) -> "WorkerDecision":
        _, _, worker_id, action = data.split(":")
        return cls(int(worker_id), action)


@dataclass(frozen=True, slots=True)
class ApproveAllWorkers:
    """An officer's «approve every confirmed worker» on a plan's roster."""

    PATTERN = r"^v1:rall:[0-9]{1,12}\Z"
    application_id: int

    def pack(self) -> str:
        return _checked(f"v1:rall:{self.application_id}")

    @classmethod
    def parse(cls, data: str) -> "ApproveAllWorkers":
        return cls(int(data.rsplit(":", 1)[1]))


@dataclass(frozen=True, slots=True)
class ExhibitionButton:
    """A button of the exhibition flows: `v1:exh:<action>[:<value>]`; the server re-checks every press.

    The officer's form: sec (a sector's categories), cat / all (choose a category / the whole sector), cpg
    (a page of a sector's categories: sector.page), sectors (back), done, save, cancel. The holder: list (a
    page of open exhibitions), apply, photos (no more photos), made (yes/no), submit, bcancel. Officers'
    review: slist (a page of exhibitions), open (an exhibition's requests), req (exhibition.page), accept, refuse,
    rcancel (drop the reason).
    """

    VALUES: ClassVar[dict[str, str]] = {
        "sec": r"[0-9]{1,9}", "cat": r"[0-9]{1,9}", "all": r"[0-9]{1,9}", "cpg": r"[0-9]{1,9}\.[0-9]{1,4}",
        "list": r"[0-9]{1,4}", "slist": r"[0-9]{1,4}", "apply": r"[0-9]{1,12}", "made": r"(yes|no)",
        "open": r"[0-9]{1,12}", "req": r"[0-9]{1,12}\.[0-9]{1,6}", "accept": r"[0-9]{1,12}", "refuse": r"[0-9]{1,12}",
        "rcancel": r"[0-9]{1,12}",
    }
    action: str
    value: str = ""

    def pack(self) -> str:
        return _checked(f"v1:exh:{self.action}:{self.value}" if self.value else f"v1:exh:{self.action}")

    @classmethod
    def parse(cls, data: str) -> "ExhibitionButton":
        parts = data.split(":", 3)
        return cls(parts[2], parts[3] if len(parts) > 3 else "")

    @classmethod
    def pattern(cls, *actions: str) -> str:
        """Presses of any of these actions, each with its exact value shape."""
        shapes = [rf"{action}:{cls.VALUES[action]}" if action in cls.VALUES else action for action in actions]
        return rf"^v1:exh:({'|'.join(shapes)})\Z"

    def pair(self) -> tuple[int, int]:
        """The two numbers of a `cpg` or `req` value."""
        first, second = self.value.split(".")
        return int(first), int(second)


@dataclass(frozen=True, slots=True)
class AssessButton:
    """The readiness self-assessment (handlers/assessment.py): `start` it for an application (under the permit
    card, or choosing among several), `ans` a question (its place and the option's), `back`, `cancel`:
    `v1:asmt:<action>:<application id>[:<question>:<option>]`. The server checks the application is the
    presser's, and the question the one on screen, at every press."""

    ACTIONS: ClassVar[tuple[str, ...]] = ("start", "ans", "back", "cancel")
    action: str
    application_id: int
    question: int = 0
    option: int = 0

    def pack(self) -> str:
        tail = f":{self.question}:{self.option}" if self.action == "ans" else ""
        return _checked(f"v1:asmt:{self.action}:{self.application_id}{tail}")

    @classmethod
    def parse(cls, data: str) -> "AssessButton":
        parts = data.split(":")
        numbers = [int(part) for part in parts[3:]]
        return cls(parts[2], *numbers)

    @classmethod
    def pattern(cls, action: str) -> str:
        assert action in cls.ACTIONS, action
        tail = r":[0-9]{1,2}:[0-9]" if action == "ans" else ""
        return rf"^v1:asmt:{action}:[0-9]{{1,12}}{tail}\Z"

@dataclass(frozen=True, slots=True)
class CourseFormButton(ActionButton):
    """A button of the /addcourse and /editcourse form: `v1:cf:<action>[:<value>]`.

    Actions: sec / cat (toggle a sector / category id), cpg (a page of categories), next (done choosing),
    req (required: yes / no), acecr (the provider's suggestion), edit (a field, from the review), save, cancel.
    """

    AREA: ClassVar[str] = "cf"
    VALUES: ClassVar[dict[str, str]] = {
        "sec": r"[0-9]{1,9}", "cat": r"[0-9]{1,9}", "cpg": r"[0-9]{1,4}", "req": r"(yes|no)",
        "edit": r"[a-z_]{1,20}",
    }


@dataclass(frozen=True, slots=True)
class CourseButton:
    """An applicant's button under /courses: enrol, join the waiting list, or leave; `page` is the list's page
    to redraw."""

    PATTERN = r"^v1:crs:(enrol|wait|leave):[0-9]{1,9}:[0-9]{1,4}\Z"
    action: str
    course_id: int
    page: int = 1

    def pack(self) -> str:
        return _checked(f"v1:crs:{self.action}:{self.course_id}:{self.page}")

    @classmethod
    def parse(cls, data: str) -> "CourseButton":
        _, _, action, course_id, page = data.split(":")
        return cls(action, int(course_id), int(page))


@dataclass(frozen=True, slots=True)
class RosterMark:
    """An officer's mark on a course roster (/course): completed (`done`) or `absent`."""

    PATTERN = r"^v1:ros:[0-9]{1,12}:(done|absent):[0-9]{1,4}\Z"
    enrolment_id: int
    mark: str
    page: int = 1

    def pack(self) -> str:
        return _checked(f"v1:ros:{self.enrolment_id}:{self.mark}:{self.page}")

    @classmethod
    def parse(cls, data: str) -> "RosterMark":
        _, _, enrolment_id, mark, page = data.split(":")
        return cls(int(enrolment_id), mark, int(page))


@dataclass(frozen=True, slots=True)
class ShowcaseForm:
    """A button of a holder's showcase post form: `new` starts one; `done` (no more photos), `user`, `phone`,
    `none` (how buyers order), `send` (from the review) and `cancel`."""

    PATTERN = r"^v1:shf:(new|done|user|phone|none|send|cancel)\Z"
    action: str

    def pack(self) -> str:
        return _checked(f"v1:shf:{self.action}")

    @classmethod
    def parse(cls, data: str) -> "ShowcaseForm":
        return cls(data.rsplit(":", 1)[1])

    @classmethod
    def pattern(cls, *actions: str) -> str:
        return rf"^v1:shf:({'|'.join(actions)})\Z"


# What can be done to a showcase post: an officer's approve / refuse / take down (and ✖ on the owed reason's
# question), the holder's withdrawal in two steps. Who may is checked on the server at every press.
POST_ACTIONS = ("approve", "refuse", "down", "nvm", "wd_ask", "wd_yes", "wd_no")


@dataclass(frozen=True, slots=True)
class ShowcaseAct:
    post_id: int
    action: str

    def pack(self) -> str:
        return _checked(f"v1:sha:{self.post_id}:{self.action}")

    @classmethod
    def parse(cls, data: str) -> "ShowcaseAct":
        _, _, post_id, action = data.split(":")
        return cls(int(post_id), action)

    @classmethod
    def pattern(cls, *actions: str) -> str:
        assert set(actions) <= set(POST_ACTIONS), actions
        return rf"^v1:sha:[0-9]{{1,12}}:({'|'.join(actions)})\Z"


REPORT_REASONS = ("fake", "price", "contact", "offensive", "other")


@dataclass(frozen=True, slots=True)
class ShowcaseReport:
    """A buyer's reason for reporting a showcase post."""

    PATTERN = rf"^v1:shr:[0-9]{{1,12}}:({'|'.join(REPORT_REASONS)})\Z"
    post_id: int
    reason: str

    def pack(self) -> str:
        return _checked(f"v1:shr:{self.post_id}:{self.reason}")

    @classmethod
    def parse(cls, data: str) -> "ShowcaseReport":
        _, _, post_id, reason = data.split(":")
        return cls(int(post_id), reason)
