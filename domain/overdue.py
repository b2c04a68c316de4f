"""Late applications: each step an officer owes has a target time, counted from the stage it waits at."""

from collections.abc import Mapping
from datetime import datetime

from domain.lifecycle import Stage


def days_waiting(since: datetime, now: datetime) -> int:
    """Whole days since the application reached its stage."""
    return max(0, (now - since).days)


def overdue_days(stage: Stage, since: datetime | None, now: datetime, targets: Mapping[Stage, int]) -> int | None:
    """The days it has waited, when that is past the target of the step it waits for; else None."""
    if since is None or stage not in targets:
        return None
    waited = days_waiting(since, now)
    return waited if waited > targets[stage] else None
