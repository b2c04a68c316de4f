"""Callback data: `v1:<area>:<value>…`, ASCII, at most 64 bytes, one dataclass per kind.

Bump the version when a meaning changes: old buttons then fall through to the catch-all in
`common`, which says the menu has expired instead of doing something unintended.
"""

from dataclasses import dataclass
from typing import ClassVar

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
class FormButton:
    """A button of the application form: `v1:reg:<action>[:<value>]`.

    Actions: sec/cat/trk/prv/edu (pick a value), cpg (category page), edit (a field from
    the review), back, keep (keep the current answer), ok (confirm), sectors (back to sectors), cancel,
    indep (switch to the independent track), noop (the page counter).
    """

    # The exact shape of each action's value, so a handler never sees one it cannot use.
    VALUES: ClassVar[dict[str, str]] = {
        "sec": r"[0-9]{1,9}", "cat": r"[0-9]{1,9}", "cpg": r"[0-9]{1,9}\.[0-9]{1,4}",
        "prv": r"IR-[0-9]{2}", "trk": r"(independent|support)", "edu": r"[a-z_]{1,20}", "edit": r"[a-z_]{1,24}",
    }
    action: str
    value: str = ""

    def pack(self) -> str:
        return _checked(f"v1:reg:{self.action}:{self.value}" if self.value else f"v1:reg:{self.action}")

    @classmethod
    def parse(cls, data: str) -> "FormButton":
        parts = data.split(":", 3)
        return cls(parts[2], parts[3] if len(parts) > 3 else "")

    @classmethod
    def pattern(cls, action: str) -> str:
        value = cls.VALUES.get(action)
        return rf"^v1:reg:{action}:{value}\Z" if value else rf"^v1:reg:{action}\Z"


# Officer actions on an application card; the action names are domain.lifecycle.Action values, plus
# "cancel" (drop a pending reason/amount question). The server re-checks everything on every press.
OFFICER_ACTIONS = ("supervise", "fail_supervision", "approve", "reject", "queue", "introduce", "pay_loan",
                   "bank_reject", "void", "cancel", "amount_ok", "amount_edit")
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

    LISTS: ClassVar[tuple[str, ...]] = ("officers", "channels", "categories", "status")
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
class WorkerFormButton:
    """A button while adding a covered worker: `sec`/`cat` (pick), `cpg` (category page), `sectors`, `cancel`."""

    VALUES: ClassVar[dict[str, str]] = {"sec": r"[0-9]{1,9}", "cat": r"[0-9]{1,9}", "cpg": r"[0-9]{1,4}"}
    action: str
    value: str = ""

    def pack(self) -> str:
        return _checked(f"v1:rwf:{self.action}:{self.value}" if self.value else f"v1:rwf:{self.action}")

    @classmethod
    def parse(cls, data: str) -> "WorkerFormButton":
        parts = data.split(":", 3)
        return cls(parts[2], parts[3] if len(parts) > 3 else "")

    @classmethod
    def pattern(cls, action: str) -> str:
        value = cls.VALUES.get(action)
        return rf"^v1:rwf:{action}:{value}\Z" if value else rf"^v1:rwf:{action}\Z"


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
