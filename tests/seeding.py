"""Applications written straight through the store, at any moment in time (for figures and expiry)."""

import itertools
from datetime import date, datetime
from pathlib import Path

from bot.app import DATA_DIR
from domain.lifecycle import Action
from storage import Store
from storage.catalog import read_catalog
from storage.records import Application, PermitRequest

_serials = itertools.count(100_000_001)


def next_national_id() -> str:
    """A fresh valid national ID (the checksum of DOMAIN.md §2)."""
    body = str(next(_serials)).zfill(9)
    remainder = sum(int(body[i]) * (10 - i) for i in range(9)) % 11
    return body + str(remainder if remainder < 2 else 11 - remainder)


async def permit(path: Path, at: datetime, province: str, category: str, track: str, workers: int,
                 actions: tuple[Action, ...] = (), user_id: int = 7, **values: object) -> Application:
    """An application issued at `at` and moved through `actions`, as the bot would."""
    store = Store(path, clock=lambda: at)
    await store.connect()
    try:
        await store.load_catalog(read_catalog(DATA_DIR))
        await store.ensure_user(user_id, "fa")
        categories = {c.name_fa: c.id for c in await store.list_categories()}
        application = await store.issue_permit(PermitRequest(
            user_id=user_id, category_id=categories[category], track=track, full_name="نمونه سازی",
            national_id=next_national_id(),
            birth_date=date(1990, 1, 1), mobile="09120000000", province_code=province, city="شهر",
            address="نشانی نمونه", postal_code="1234567890", education="diploma", workers=workers,
        ), "{province}-{year}-{seq:05d}-{check}", 5)
        for action in actions:
            application = await store.transition(application.id, action, None, **values)  # type: ignore[arg-type]
        return application
    finally:
        await store.close()
