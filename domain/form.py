"""The application form's fields in order, and which apply to which track (no Telegram here)."""

FIELDS = (
    "category_id", "track", "experience_years", "own_share_percent", "full_name", "national_id", "birth_date",
    "mobile", "province_code", "city", "address", "postal_code", "education", "workers",
)
SUPPORT_ONLY = frozenset({"experience_years", "own_share_percent"})
TRACKS = ("independent", "support")
EDUCATION_LEVELS = ("below_diploma", "diploma", "associate", "bachelor", "master", "doctorate")


def applies(field: str, answers: dict[str, object]) -> bool:
    return field not in SUPPORT_ONLY or answers.get("track") == "support"


def next_field(current: str | None, answers: dict[str, object], editing: bool) -> str | None:
    """The field to ask after `current` (None: start); None means the form is complete (review).

    While editing from the review, only fields still missing are asked (e.g. the support plan's
    questions after switching track), then the review again.
    """
    start = 0 if current is None else FIELDS.index(current) + 1
    for field in FIELDS[start:]:
        if applies(field, answers) and (not editing or answers.get(field) is None):
            return field
    if editing and current is not None:
        # anything missing before the edited field (never the case in a normal journey)
        return next((f for f in FIELDS if applies(f, answers) and answers.get(f) is None), None)
    return None


def previous_field(current: str, answers: dict[str, object]) -> str | None:
    for field in reversed(FIELDS[: FIELDS.index(current)]):
        if applies(field, answers):
            return field
    return None


def missing_fields(answers: dict[str, object]) -> list[str]:
    return [field for field in FIELDS if applies(field, answers) and answers.get(field) is None]
