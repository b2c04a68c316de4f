"""Typed answers of the application form: parsing and validation (through domain/validators.py), and the
friendly message that explains a refused answer. No state changes here."""

from collections.abc import Callable
from datetime import date
from typing import Any

from domain import validators
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
        return years
    if field == "own_share_percent":
        share = validators.whole_number(raw, 0, 100)
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
    return render(context.lang, f"validation/{code}", low=low, high=high, max_length=high,
                  min_age=minimum_age(context, answers), minimum=minimum, value=value)
