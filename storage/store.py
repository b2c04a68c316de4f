"""The repository API: every query the bot makes, behind verb + noun methods returning records.

Each part lives in its own module over `storage/base.py` (connection, transactions, shared helpers);
`PermitStore`, `ImportStore` and `RosterStore` build on `ApplicationStore`. `Store` is all of them over one connection.
"""

from storage.advice_store import AdviceStore
from storage.assessment_store import AssessmentStore
from storage.catalog_store import CatalogStore
from storage.course_store import CourseStore
from storage.draft_store import DraftStore
from storage.exhibition_store import ExhibitionStore
from storage.export_store import ExportStore
from storage.find_store import FindStore
from storage.import_store import ImportStore
from storage.messenger_store import MessengerStore
from storage.outbox_store import OutboxStore
from storage.permit_store import PermitStore
from storage.reason_store import ReasonStore
from storage.retention_store import RetentionStore
from storage.roster_store import RosterStore
from storage.showcase_store import ShowcaseStore
from storage.stats_store import StatsStore
from storage.step_store import StepStore
from storage.user_store import UserStore


class Store(CatalogStore, UserStore, DraftStore, PermitStore, ImportStore, FindStore, AssessmentStore, OutboxStore,
            StatsStore, ReasonStore, RetentionStore, ExportStore, RosterStore, StepStore, ExhibitionStore, AdviceStore,
            CourseStore, ShowcaseStore, MessengerStore):
    """One aiosqlite connection per process, and every query the bot makes."""
