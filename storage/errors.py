"""Errors a user can cause; handlers turn them into friendly replies."""

from datetime import datetime

from domain.lifecycle import Action
from storage.records import Application, ShowcasePost


class StoreError(Exception):
    """Base of the errors a user can cause; handlers turn them into friendly replies."""


class AlreadyRegistered(StoreError):
    """The national ID already holds an open application in this category."""

    def __init__(self, existing: Application) -> None:
        super().__init__(f"application {existing.id} is already open")
        self.existing = existing


class HeldByAnotherAccount(StoreError):
    """Another account's open application holds the national ID; it carries nothing about that application."""


class CategoryNotOffered(StoreError):
    """The category, or its sector, was hidden by an admin: no permit is issued in it."""


class TooManyOpenApplications(StoreError):
    """The person (this account, or this national ID) already has the most applications in progress allowed."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"at most {limit} open applications")
        self.limit = limit


class NotFound(StoreError):
    """No application, category or sector with that id or code."""


class Duplicate(StoreError):
    """The name or code is taken already."""


class StageConflict(StoreError):
    """The transition is not legal from the application's current stage (stale button, wrong order)."""

    def __init__(self, application: Application, action: Action) -> None:
        super().__init__(f"{action} is not allowed from {application.stage}")
        self.application = application
        self.action = action


class BoothsFull(StoreError):
    """Every booth of the exhibition is taken: nobody more is accepted."""


class AlreadyRequested(StoreError):
    """The holder has already asked for a booth at this exhibition."""


class NotEligibleForBooth(StoreError):
    """No valid permit of the holder in the exhibition's province and categories, or requests have closed."""


class AlreadyDecided(StoreError):
    """The booth request was accepted or refused meanwhile (another officer, a double press)."""
class RetakeTooSoon(StoreError):
    """The application's self-assessment was taken too recently to be taken again; `allowed_at`: from when."""

    def __init__(self, allowed_at: datetime) -> None:
        super().__init__(f"retake allowed from {allowed_at.isoformat()}")
        self.allowed_at = allowed_at
class ActionHeld(StageConflict):
    """The action is legal from the stage but waits for something else (domain.lifecycle.HELD_BY): the
    applicant's training, where the province requires it."""


class CourseClosed(StoreError):
    """The course is closed to enrolment (or does not exist)."""


class CapacityBelowTaken(StoreError):
    """A course's capacity may not drop below the seats already held."""

    def __init__(self, taken: int) -> None:
        super().__init__(f"{taken} seats are held")
        self.taken = taken


class NotAPlan(StoreError):
    """Not an open support plan of this holder (a stale or forged button, a plan closed meanwhile)."""


class RosterFull(StoreError):
    """The plan's roster already holds as many covered workers as its number of jobs."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"at most {limit} covered workers")
        self.limit = limit


class OwnNationalId(StoreError):
    """The plan's holder cannot be one of its own covered workers."""


class AlreadyCovered(StoreError):
    """The national ID is covered by another active plan (it carries nothing about that plan)."""


class WorkerNotAwaiting(StoreError):
    """The covered worker answered or was decided meanwhile: nothing to send a new link for."""


class StoreUnavailable(StoreError):
    """The database refused a write (locked beyond the busy timeout, disk full): try again later."""


class ShowcasePending(StoreError):
    """The holder has a showcase post awaiting an officer already: one at a time."""


class ShowcaseTooSoon(StoreError):
    """A showcase post was approved less than a week ago; the next may be sent from `allowed_at`."""

    def __init__(self, allowed_at: datetime) -> None:
        super().__init__(f"next showcase post from {allowed_at.isoformat()}")
        self.allowed_at = allowed_at


class PostConflict(StoreError):
    """The showcase post is no longer in a state that allows this (decided meanwhile, withdrawn, gone)."""

    def __init__(self, post: ShowcasePost | None) -> None:
        super().__init__("the post moved on" if post else "no such post")
        self.post = post


class AlreadyReported(StoreError):
    """This person has reported this post already."""


class TooManyReports(StoreError):
    """This person has made as many reports as a day allows."""
