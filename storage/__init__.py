"""Persistence: one aiosqlite connection, SQL migrations, a repository API returning records."""

from storage.errors import AlreadyRegistered, NotFound, StageConflict, StoreError
from storage.records import Application, Category, Province, Sector, User
from storage.store import Store

__all__ = ["AlreadyRegistered", "Application", "Category", "NotFound", "Province", "Sector", "StageConflict", "Store",
           "StoreError", "User"]
