"""Persistence: one aiosqlite connection, SQL migrations, a repository API returning records."""

from storage.errors import (
    AlreadyRegistered,
    CategoryNotOffered,
    Duplicate,
    HeldByAnotherAccount,
    NotFound,
    RetakeTooSoon,
    StageConflict,
    StoreError,
    TooManyOpenApplications,
)
from storage.records import Application, Category, Province, Sector, User
from storage.store import Store

__all__ = [
    "AlreadyRegistered", "Application", "Category", "CategoryNotOffered", "Duplicate", "HeldByAnotherAccount",
    "NotFound", "Province", "RetakeTooSoon", "Sector", "StageConflict",
    "Store", "StoreError", "TooManyOpenApplications", "User",
]
