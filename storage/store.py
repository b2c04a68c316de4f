"""The repository API: every query the bot makes, behind verb + noun methods returning records.

Each part lives in its own module; `Store` is all of them over one connection.
"""

from storage.base import StoreBase, utc_now
from storage.catalog_store import CatalogStore
from storage.draft_store import DraftStore
from storage.errors import AlreadyRegistered, NotFound, StageConflict, StoreError
from storage.import_store import ImportStore
from storage.outbox_store import OutboxStore
from storage.permit_store import PermitStore
from storage.stats_store import StatsStore
from storage.user_store import UserStore

__all__ = ["AlreadyRegistered", "NotFound", "StageConflict", "Store", "StoreBase", "StoreError", "utc_now"]


class Store(CatalogStore, UserStore, DraftStore, PermitStore, ImportStore, OutboxStore, StatsStore):
    """One aiosqlite connection per process, and every query the bot makes."""
