"""Conversation states: one StrEnum per conversation, valued `flow.step` (readable in the drafts table)."""

from enum import StrEnum


class Reg(StrEnum):
    SECTOR = "reg.sector"
    CATEGORY = "reg.category"
    TRACK = "reg.track"
    EXPERIENCE = "reg.experience_years"
    OWN_SHARE = "reg.own_share_percent"
    FULL_NAME = "reg.full_name"
    NATIONAL_ID = "reg.national_id"
    BIRTH_DATE = "reg.birth_date"
    MOBILE = "reg.mobile"
    PROVINCE = "reg.province_code"
    CITY = "reg.city"
    ADDRESS = "reg.address"
    POSTAL_CODE = "reg.postal_code"
    EDUCATION = "reg.education"
    WORKERS = "reg.workers"
    REVIEW = "reg.review"


# The form field each state asks for (the sector step belongs to the category field).
FIELD_STATE: dict[str, Reg] = {
    "category_id": Reg.SECTOR, "track": Reg.TRACK, "experience_years": Reg.EXPERIENCE,
    "own_share_percent": Reg.OWN_SHARE, "full_name": Reg.FULL_NAME, "national_id": Reg.NATIONAL_ID,
    "birth_date": Reg.BIRTH_DATE, "mobile": Reg.MOBILE, "province_code": Reg.PROVINCE, "city": Reg.CITY,
    "address": Reg.ADDRESS, "postal_code": Reg.POSTAL_CODE, "education": Reg.EDUCATION, "workers": Reg.WORKERS,
}
STATE_FIELD: dict[Reg, str] = {state: field for field, state in FIELD_STATE.items()} | {Reg.CATEGORY: "category_id"}


class Owed(StrEnum):
    """An officer's owed answer after pressing ❌ or 💰 (handlers/officer.py)."""

    REASON = "officer.reason"
    AMOUNT = "officer.amount"
    CONFIRM_AMOUNT = "officer.confirm_amount"  # «۱۵۰٬۰۰۰٬۰۰۰ تومان، درست است؟» ✅ / ✏️


# The answer each action needs, so a restart resumes the right question from the prompt kept in the store.
OWED_FOR_ACTION: dict[str, Owed] = {"fail_supervision": Owed.REASON, "reject": Owed.REASON,
                                    "bank_reject": Owed.REASON, "void": Owed.REASON, "pay_loan": Owed.AMOUNT}


class WorkerStep(StrEnum):
    """Adding a covered worker to a support plan (handlers/roster_form.py), one question at a time."""

    FULL_NAME = "roster.full_name"
    NATIONAL_ID = "roster.national_id"
    MOBILE = "roster.mobile"
    CITY = "roster.city"
    SECTOR = "roster.sector"
    CATEGORY = "roster.category"


class RosterOwed(StrEnum):
    """An officer's owed reason for refusing a covered worker (handlers/roster_officer.py)."""

    REASON = "roster.reason"
