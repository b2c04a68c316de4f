"""Persistence: one aiosqlite connection, SQL migrations, a repository API returning records."""

from storage.records import Category, Province, Sector, User
from storage.store import Store, StoreError

__all__ = ["Category", "Province", "Sector", "Store", "StoreError", "User"]
