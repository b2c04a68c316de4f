"""Errors a user can cause; handlers turn them into friendly replies."""

from domain.lifecycle import Action
from storage.records import Application


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
