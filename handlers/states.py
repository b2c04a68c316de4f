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
                                    "bank_reject": Owed.REASON, "void": Owed.REASON, "pay_loan": Owed.AMOUNT,
                                    "waive_training": Owed.REASON}


class CourseForm(StrEnum):
    """/addcourse and /editcourse (handlers/course_form.py): one question at a time, then the review."""

    PROVINCE = "course.province_code"  # admins only: officers' courses are their province's
    TITLE = "course.title"
    PROVIDER = "course.provider"
    SECTORS = "course.sector_ids"
    CATEGORIES = "course.category_ids"
    STARTS_ON = "course.starts_on"
    SESSIONS = "course.sessions"
    PLACE = "course.place"
    CAPACITY = "course.capacity"
    REQUIRED = "course.required"
    REVIEW = "course.review"



class AdviceAsk(StrEnum):
    """An applicant writing an advice question (handlers/advice.py); kept in advice_drafts."""

    PROVINCE = "advice.province"  # only when they have no application to take the province from
    TOPIC = "advice.topic"
    QUESTION = "advice.question"
    CONFIRM = "advice.confirm"


class AdviceOwed(StrEnum):
    """An adviser owes the answer to the question they took (handlers/advice_desk.py); kept in advice_prompts."""

    ANSWER = "adviser.answer"


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
class ExhibitionForm(StrEnum):
    """/addexhibition, one question at a time (handlers/exhibition_form.py)."""

    TITLE = "exhibition.title"
    PROVINCE = "exhibition.province_code"  # admins only: an officer's exhibition is in their province
    CITY = "exhibition.city"
    PLACE = "exhibition.place"
    STARTS = "exhibition.starts_on"
    ENDS = "exhibition.ends_on"
    CATEGORIES = "exhibition.categories"
    BOOTHS = "exhibition.booths"
    DEADLINE = "exhibition.apply_by"
    REVIEW = "exhibition.review"


class BoothForm(StrEnum):
    """A holder's booth request (handlers/booth_request.py)."""

    DESCRIPTION = "booth.description"
    PHOTOS = "booth.photos"
    SELF_MADE = "booth.self_made"
    REVIEW = "booth.review"


class BoothOwed(StrEnum):
    """An officer's owed reason after refusing a booth request (handlers/booth_review.py)."""

    REASON = "booth.reason"


class Assess(StrEnum):
    """The readiness self-assessment (handlers/assessment.py)."""

    CHOOSE = "assess.choose"  # which of their open applications it is for
    QUESTION = "assess.question"  # one question a screen, until the result


class Showcase(StrEnum):
    """A permit holder's product post for the provincial showcase (handlers/showcase.py)."""

    PHOTOS = "showcase.photos"
    NAME = "showcase.name"
    PRICE = "showcase.price"
    CONTACT = "showcase.contact"
    PHONE = "showcase.phone"
    REVIEW = "showcase.review"


class ShowcaseOwed(StrEnum):
    """An officer's owed reason after refusing or taking down a showcase post (handlers/showcase_review.py)."""

    REASON = "showcase.reason"
