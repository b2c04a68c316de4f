"""Support-plan rosters, step by step through the real Application (used by the roster tests)."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from domain.roster import WorkerStatus
from storage.records import Application, CoveredWorker, PermitRequest
from tests.fakes import FakeUser, Harness
from tests.journey import Answers, complete_journey
from tests.seeding import next_national_id

HOLDER_ID, WORKER_ID, OTHER_WORKER_ID = 1001, 3001, 3002
_LINK = re.compile(r"start=(w-[a-z0-9-]+)")


@dataclass(frozen=True)
class Worker:
    full_name: str = "زهرا کریمی"
    national_id: str = "۰۷۹۰۴۱۹۹۰۴"
    mobile: str = "۰۹۱۲۱۱۱۲۲۳۳"
    city: str = "بروجرد"
    sector: str = "صنایع دستی"
    category: str = "قالیبافی"


ENGLISH_WORKER = Worker(full_name="زهرا کریمی", national_id="0790419904", mobile="+98 912 111 2233",
                        city="Borujerd", sector="Handicrafts", category="Carpet weaving")

SUPPORT = Answers(track="🤝 طرح پشتیبان", birth_date="۱۳۶۰/۰۶/۲۵", workers="۳", experience_years="۱۰",
                  own_share_percent="۳۰")


async def support_plan_by_form(bot: Harness, holder_id: int = HOLDER_ID) -> tuple[FakeUser, Application]:
    """A support plan applied for through the form (Persian), its officers' cards delivered."""
    holder = bot.user(holder_id)
    await complete_journey(holder, SUPPORT)
    await bot.deliver()
    [plan] = await bot.store.list_user_applications(holder_id)
    return holder, plan


async def support_plan(bot: Harness, holder_id: int = HOLDER_ID, workers: int = 3, national_id: str | None = None,
                       province: str = "IR-15", track: str = "support") -> Application:
    """A support plan written straight through the store (as the form would), its officers' cards delivered."""
    await bot.store.ensure_user(holder_id, "fa")
    categories = {c.name_fa: c.id for c in await bot.store.list_categories()}
    plan = await bot.store.issue_permit(PermitRequest(
        user_id=holder_id, category_id=categories["گلیم‌بافی"], track=track, full_name="مریم احمدی",
        national_id=national_id or next_national_id(), birth_date=date(1980, 1, 1), mobile="09123456789",
        province_code=province, city="خرم‌آباد", address="خیابان امام، کوچه ۵", postal_code="6813714653",
        education="diploma", workers=workers, experience_years=10 if track == "support" else None,
        own_share_percent=30 if track == "support" else None,
    ), bot.config.rules.permit_number_format, bot.config.rules.permit_validity_years)
    await bot.deliver()
    return plan


async def add_worker(holder: FakeUser, worker: Worker = Worker(), *, lang: str = "fa") -> str:
    """/workers, ➕, every question; returns the worker's /start payload from the link the bot sent."""
    await holder.send("/workers")
    await holder.click("➕ افزودن فرد تحت پوشش" if lang == "fa" else "➕ Add a covered worker")
    await holder.send(worker.full_name)
    await holder.send(worker.national_id)
    await holder.send(worker.mobile)
    await holder.send(worker.city)
    await holder.click(worker.sector)
    await holder.click(worker.category)
    return last_payload(holder)


def button_data(message: dict[str, Any], text: str) -> str:
    """The callback data of the button labelled `text` on a message (to press it again later, or elsewhere)."""
    return next(button["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for button in row
                if button["text"] == text)


def last_payload(person: FakeUser) -> str:
    for call in reversed(person.calls):
        match = _LINK.search(call.params.get("text") or "")
        if match:
            return match.group(1)
    raise AssertionError("no worker link was sent")


def template_samples(plan: Application) -> dict[str, dict[str, Any]]:
    """A context for each multi-line roster template, every optional line switched on (tests/test_templates.py)."""
    worker = CoveredWorker(
        id=7, application_id=plan.id, full_name="زهرا کریمی", national_id="0790419904", mobile="09121112233",
        city="بروجرد", category_id=1, category_fa="قالیبافی", category_en="Carpet weaving",
        status=WorkerStatus.REFUSED, invite_code="abcdefgh", invite_expires_at=datetime(2026, 1, 15, tzinfo=UTC),
        worker_user_id=3001, reason="کد ملی با نام نمی‌خواند", created_at=datetime(2026, 1, 1, tzinfo=UTC))
    items = [{"w": worker, "status": "✅ تأییدشده"}] * 2
    return {
        "roster/no_plan": {},
        "roster/page": {"a": plan, "items": items, "offset": 0, "taken": 2, "officer": True, "awaiting": 1,
                        "approved": 1, "page": 1, "pages": 2},
        "roster/link": {"w": worker, "link": "https://t.me/bot?start=w-7-abcdefgh-abcdefghabcdefgh", "a": plan,
                        "until": worker.invite_expires_at},
        "roster/ask_full_name": {"a": plan, "cancel": "✖ انصراف"},
        "roster/national_id_taken": {"own": True},
        "roster/agreement": {"w": worker, "a": plan, "until": worker.invite_expires_at},
        "roster/answered": {"w": worker, "a": plan, "confirmed": True, "status": "🤝"},
        "roster/decided_holder": {"workers": [worker, worker], "a": plan, "approved": False},
        "roster/decided_worker": {"workers": [worker], "a": plan, "approved": False},
        "roster/invalid": {"code": "mobile.format", "field": "mobile", "high": 60},
        "roster/worker_answered": {"w": worker, "a": plan, "confirmed": True},
        "desk/digest_rosters": {"total": 3, "plans": [plan, plan]},
    }
