"""Typed answers of the application form: parsing and validation (through domain/validators.py), and the
friendly message that explains a refused answer. No state changes here."""

from collections.abc import Callable
from datetime import date
from typing import Any

from persiantools.jdatetime import JalaliDate

from domain import validators
from domain.jalali import completed_years
from domain.normalize import compact
from handlers.context import Ctx
from messages import render

TEXT_LIMITS = {"city": (2, 60), "address": (10, 200)}
MAX_EXPERIENCE_YEARS = 60
Answers = dict[str, Any]


def parse_answer(context: Ctx, field: str, raw: str, answers: Answers) -> Any:
    """The clean value for `field`, or `validators.Invalid`."""
    rules = context.config.rules
    if field == "experience_years":
        years = validators.whole_number(raw, 0, MAX_EXPERIENCE_YEARS)
        if isinstance(years, int) and years < rules.supporter_min_experience_years:
            return validators.Invalid("support.experience")
        age = age_of(context, answers)
        if isinstance(years, int) and age is not None and not validators.experience_fits_age(years, age):
            return validators.Invalid("support.experience_age")
        return years
    if field == "own_share_percent":
        share = validators.percent(raw, 0, 100)
        if isinstance(share, int) and share < rules.supporter_min_own_share_percent:
            return validators.Invalid("support.own_share")
        return share
    if field == "birth_date":
        born = validators.birth_date(raw, context.store.today(), minimum_age(context, answers))
        return born.isoformat() if isinstance(born, date) else born
    if field == "workers":
        return validators.whole_number(raw, 1, rules.max_workers)
    if field in TEXT_LIMITS:
        low, high = TEXT_LIMITS[field]
        return validators.free_text(raw, max_length=high, min_length=low)
    parsers: dict[str, Callable[[str], Any]] = {
        "full_name": validators.full_name, "national_id": validators.national_id,
        "mobile": validators.mobile, "postal_code": validators.postal_code,
    }
    return parsers[field](raw)


def age_of(context: Ctx, answers: Answers) -> int | None:
    """Completed years on today's date, once the birth date is answered."""
    if not answers.get("birth_date"):
        return None
    born = JalaliDate.to_jalali(date.fromisoformat(answers["birth_date"]))
    return completed_years(born, context.store.today())


def experience_too_long(context: Ctx, answers: Answers) -> bool:
    """The support plan's experience, typed before the birth date, cannot fit the age now known."""
    age, years = age_of(context, answers), answers.get("experience_years")
    return age is not None and years is not None and not validators.experience_fits_age(int(years), age)


def minimum_age(context: Ctx, answers: Answers) -> int:
    rules = context.config.rules
    return rules.min_age_supporter if answers.get("track") == "support" else rules.min_age_independent


def error_text(context: Ctx, field: str, code: str, raw: str, answers: Answers) -> str:
    rules = context.config.rules
    low, high = {"experience_years": (0, MAX_EXPERIENCE_YEARS), "own_share_percent": (0, 100),
                 "workers": (1, rules.max_workers)}.get(field, TEXT_LIMITS.get(field, (0, 0)))
    minimum = (rules.supporter_min_experience_years if field == "experience_years"
               else rules.supporter_min_own_share_percent)
    number = validators.whole_number(raw, 0, 10**6)
    value = number if isinstance(number, int) else compact(raw)[:12]
    age = age_of(context, answers)
    return render(context.lang, f"validation/{code}", low=low, high=high, max_length=high,
                  min_age=minimum_age(context, answers), minimum=minimum, value=value,
                  most=max(0, age - validators.YOUNGEST_WORKING_AGE) if age is not None else None)
