"""The line structure of every multi-line template, in both languages, with sample data.

With `trim_blocks`, a block tag that ends a line of text eats that line's newline («مرکزی: 2000گیلان: 2001»);
such a tag must end in `+%}`. Each template is rendered and every line of its source must come out on a
line of its own, in order.
"""

import re
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from domain.identity import Platform
from domain.lifecycle import Stage
from messages.markup import html_problem
from messages.render import TEMPLATE_ROOT, render, template_names
from storage import Store
from storage.records import (
    Application,
    AuditEntry,
    Category,
    Channel,
    QueuePosition,
    RefusalReason,
    Sector,
    User,
)
from tests.conftest import ADMIN_ID
from tests.fakes import Harness
from tests.roster_steps import template_samples
from tests.seeding import permit

SAMPLE = Application(
    id=1, user_id=1001, permit_number="15-1405-00001-0", stage=Stage.QUEUED, track="support",
    full_name="مریم احمدی", national_id="0499370899", birth_date=date(1990, 1, 1), mobile="09123456789",
    province_code="IR-15", province_fa="لرستان", province_en="Lorestan", city="خرم‌آباد", address="خیابان امام",
    postal_code="6813714653", education="diploma", workers=3, experience_years=6, own_share_percent=30,
    category_id=1, category_fa="گلیم‌بافی", category_en="Kilim weaving", sector_fa="صنایع دستی",
    sector_en="Handicrafts", needs_extra_approval=True, approval_body="health",
    issued_at=datetime(2026, 1, 1, tzinfo=UTC), valid_until=date(2031, 1, 1), queued_at=None, queue_seq=4,
    bank="melli", loan_amount_rials=1_500_000_000, reason="مدارک ناقص است", updated_at=datetime(2026, 1, 2, tzinfo=UTC),
)
REASON = RefusalReason(1, "fail_supervision", "نشانی پیدا نشد", "The address could not be found")
REFUSAL_KINDS = [("fail_supervision", "نظارت ناموفق"), ("reject", "رد اهلیت")]
CATEGORY = Category(7, 1, "گلیم‌بافی", "Kilim weaving", True, "health", False)
SECTOR = Sector(1, "handicrafts", "صنایع دستی", "Handicrafts", None, False)
OFFICERS = [User(501, "fa", "officer", "IR-15", True, "علی"), User(502, "fa", "officer", "IR-15", False, None)]
CHANNEL = Channel("IR-15", Platform.TELEGRAM, -1001, "آمار لرستان", "fa", True, "Forbidden")
AUDIT = [AuditEntry(datetime(2026, 1, 1, tzinfo=UTC), None, None, "issue", None, "permit_issued", {}),
         AuditEntry(datetime(2026, 1, 2, tzinfo=UTC), 501, "علی", "reject", "supervised", "rejected",
                    {"reason": "مدارک ناقص است"})]


def contexts(stats: Any) -> dict[str, dict[str, Any]]:
    """A sample context for every multi-line template, with every optional line switched on."""
    status_item = {"a": SAMPLE, "marks": [("✓", "صدور مجوز"), ("●", "نوبت تسهیلات")], "bank": "ملی",
                   "position": QueuePosition(3, 2, 9), "next": "قدم بعدی"}
    return {
        "admin/appoint_who": {"button": True},
        "admin/reasons": {"groups": [("نظارت ناموفق", [REASON, REASON]), ("رد بانک", [])], "refusals": REFUSAL_KINDS},
        "admin/reasons_usage": {"refusals": REFUSAL_KINDS},
        "applicant/supervision_failed": {"a": SAMPLE},
        "desk/digest_awaiting": {"counts": [("در انتظار نظارت", 2), ("در انتظار نوبت‌دهی", 1)]},
        "desk/digest_overdue": {"total": 2, "items": [(SAMPLE, "در انتظار نظارت", 20)] * 2},
        "desk/export_usage": {},
        "desk/find_usage": {},
        "desk/found": {"items": [SAMPLE] * 2, "more": True, "nationwide": True, "stages": {Stage.QUEUED: "نوبت"}},
        "admin/categories": {"sectors": [{"sector": SECTOR, "categories": [CATEGORY, CATEGORY]}] * 2, "page": 1,
                             "pages": 2},
        "admin/health": {"channels": [CHANNEL], "drafts": 2, "officers": 3, "schema": 6, "database": "PostgreSQL",
                         "leader": "host-a:4242",
                         "outbox": {"pending": 1, "sent": 2, "failed": 1}, "failures": [(1, "card", 3, "boom")]},
        "admin/officers": {"groups": [("لرستان", OFFICERS), ("تهران", OFFICERS)], "page": 1, "pages": 2,
                           "viewer": "telegram"},
        "admin/starcategory_usage": {"bodies": [("health", "وزارت بهداشت"), ("other", "دستگاه مربوط")]},
        "applicant/bank_rejected": {"a": SAMPLE},
        "applicant/rejected": {"a": SAMPLE},
        "applicant/revoked": {"a": SAMPLE},
        "applicant/voided": {"a": SAMPLE},
        "channels/list": {"items": [{"channel": CHANNEL, "place": "لرستان", "messenger": "بله"}] * 2, "page": 1,
                          "pages": 2},
        "common/welcome": {"first_name": "مریم"},
        "common/my_id": {"user_id": 123456789, "viewer": "bale"},
        "common/help_admin": {},
        "common/help_officer": {"pending": 12, "province": "لرستان"},
        "officer/card": {"a": replace(SAMPLE, roster_approved=2, roster_awaiting=1), "actor": "علی", "bank": "ملی",
                         "done": "رد", "new": True, "own": True,
                         "stage": "نوبت", "track": "مستقل", "late": 20},
        "officer/details": {"a": SAMPLE, "audit": [{"at": e.at, "label": e.action, "actor": "علی", "note": "یادداشت"}
                                                   for e in AUDIT], "birth": "۱۳۶۸/۱۰/۱۱", "education": "دیپلم"},
        "officer/pending": {"items": [SAMPLE] * 2, "offset": 0, "stage": "نظارت", "stages": {Stage.QUEUED: "نوبت"},
                            "total": 2, "late": {SAMPLE.id: 20}},
        "officer/queue": {"items": [SAMPLE] * 2, "offset": 0, "province": "لرستان", "total": 2},
        "officer/welcome": {"province": "لرستان"},
        "officer/confirm_amount": {"number": SAMPLE.permit_number, "rials": 1_500_000_000},
        "permit/already_registered": {"a": SAMPLE},
        "permit/issued": {"a": SAMPLE, "track": "مستقل"},
        "permit/verify": {"a": SAMPLE, "full": True, "holder": "م. ا.", "number": SAMPLE.permit_number,
                          "status": "valid"},
        "registration/national_id_disputed": {},
        "registration/too_many_open": {"limit": 3},
        "registration/ask_category": {"page": 1, "pages": 2, "sector": "صنایع دستی", "starred": True},
        "registration/ask_track": {"min_age": 25, "min_experience": 3, "min_share": 20},
        "registration/review": {"address": "خیابان امام", "birth_date": "۱۳۷۰/۰۶/۲۵", "category": "گلیم‌بافی",
                                "city": "خرم‌آباد", "education": "دیپلم", "experience_years": 6,
                                "full_name": "مریم احمدی", "mobile": "09123456789", "national_id": "0499370899",
                                "own_share_percent": 30, "postal_code": "6813714653", "province": "لرستان",
                                "sector": "صنایع دستی", "starred": True, "track": "مستقل", "workers": 3},
        "stats/post": {"place": "لرستان", "s": stats, "year": 1405},
        "status/list": {"items": [status_item, status_item], "page": 1, "pages": 2},
        **template_samples(SAMPLE),
    }


def source_lines(lang: str, name: str) -> list[str]:
    return (TEMPLATE_ROOT / lang / f"{name}.html").read_text(encoding="utf-8").strip().split("\n")


def first_words(line: str) -> str | None:
    """The first run of literal text on a source line (what must start, or appear on, a rendered line)."""
    literal = re.split(r"\{\{.*?\}\}|\{%.*?%\}|<[^>]+>", line)
    words = next((piece.strip() for piece in literal if piece.strip()), None)
    return words[:12] if words else None


def multi_line(lang: str) -> list[str]:
    return sorted(name for name in template_names(lang) if len(source_lines(lang, name)) > 1)


def test_no_block_tag_eats_the_newline_of_a_line_of_text() -> None:
    for lang in ("fa", "en"):
        for name in template_names(lang):
            for number, line in enumerate(source_lines(lang, name)[:-1], 1):
                text = re.sub(r"\{%.*?%\}", "", line).strip()
                eats = line.rstrip().endswith("%}") and not line.rstrip().endswith("+%}")
                assert not (text and eats), f"{lang}/{name}.html line {number}: end it with +%}}"


@pytest.fixture
async def stats(tmp_path: Path) -> Any:
    await permit(tmp_path / "s.sqlite3", datetime.now(UTC), "IR-15", "گلیم‌بافی", "independent", 3)
    store = Store(tmp_path / "s.sqlite3")
    await store.connect()
    try:
        return await store.compute_stats("IR-15")
    finally:
        await store.close()


@pytest.mark.parametrize("lang", ["fa", "en"])
async def test_every_multi_line_template_keeps_its_lines(lang: str, stats: Any) -> None:
    samples = contexts(stats)
    assert set(multi_line(lang)) - {"common/help", "errors/unexpected", "registration/intro"} <= set(samples), \
        "a new multi-line template needs a sample here"
    for name in multi_line(lang):
        rendered = render(lang, name, **samples.get(name, {})).split("\n")
        assert html_problem("\n".join(rendered)) is None, name
        at, depth = -1, 0
        for line in source_lines(lang, name):
            words = first_words(line)
            depth += len(re.findall(r"\{%[-+]? (if|for) ", line)) - len(re.findall(r"\{%[-+]? end(if|for) ", line))
            if words is None:
                continue
            later = [i for i, shown in enumerate(rendered) if i > at and words in shown]
            if later:
                at = later[0]
                continue
            assert at < 0 or words not in rendered[at], f"{lang}/{name}: «{words}» is joined to the line before"
            conditional = depth > 0 or any(tag in line for tag in ("{% if", "{% else", "{% elif"))
            assert conditional, f"{lang}/{name}: the line starting «{words}» is missing"  # else: a branch not taken


@pytest.mark.parametrize(("lang", "expected"), [
    ("fa", ["<b>کارشناسان استان‌ها</b> (صفحه ۱ از ۲)", "لرستان: علی (501)، — (502) در دسترس نیست",
            "تهران: علی (501)، — (502) در دسترس نیست"]),
    ("en", ["<b>Officers by province</b> (page 1 of 2)", "Lorestan: علی (501), — (502) unreachable",
            "Tehran: علی (501), — (502) unreachable"]),
])
def test_officers_come_one_province_a_line(lang: str, expected: list[str]) -> None:
    groups = [("لرستان" if lang == "fa" else "Lorestan", OFFICERS), ("تهران" if lang == "fa" else "Tehran", OFFICERS)]
    assert render(lang, "admin/officers", groups=groups, page=1, pages=2, viewer="telegram").split("\n") == expected


@pytest.mark.parametrize(("lang", "expected"), [
    ("fa", ["⛔ مجوز <code>۱۵\u200e-\u200e۱۴۰۵\u200e-\u200e۰۰۰۰۱\u200e-\u200e۰</code> باطل شد.",
            "دلیل: مدارک ناقص است"]),
    ("en", ["⛔ Permit <code>15-1405-00001-0</code> has been revoked.", "Reason: مدارک ناقص است"]),
])
def test_the_revocation_notice_gives_the_reason_on_its_own_line(lang: str, expected: list[str]) -> None:
    assert render(lang, "applicant/revoked", a=SAMPLE).split("\n") == expected
    assert render(lang, "applicant/revoked", a=replace(SAMPLE, reason=None)).split("\n") == expected[:1]


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_channels_come_one_a_line(lang: str) -> None:
    items = [{"channel": CHANNEL, "place": "لرستان", "messenger": "تلگرام"},
             {"channel": replace(CHANNEL, failing=False), "place": "کشور", "messenger": "بله"}]
    lines = render(lang, "channels/list", items=items, page=1, pages=1).split("\n")
    assert len(lines) == 3 and lines[1].startswith("لرستان: آمار لرستان") and lines[2].startswith("کشور: آمار")


async def test_wording_an_applicant_reads(bot: Harness) -> None:
    """Item 27's phrases, through the real Application."""
    admin = bot.user(ADMIN_ID)
    await admin.send("/starcategory 1; nonsense")
    assert "وزارت بهداشت" in admin.last_text and "health," not in admin.last_text
    await admin.send("/addcategory handicrafts؛ حصیربافی؛ Wicker weaving")  # the Persian semicolon
    assert "✅ رشته" in admin.last_text and "حصیربافی" in admin.last_text
    applicant = bot.user(1001)
    await applicant.send("/withdraw")
    assert "بازی" not in applicant.last_text
    await applicant.send("/apply")
    assert "↩ بازگشت" in render("fa", "registration/intro") and "◀ بازگشت" not in render("fa", "registration/intro")
    assert "سابقه اقدام" not in render("fa", "officer/details", **contexts(None)["officer/details"])
    assert "اداره کل تعاون" in render("fa", "status/next.rejected")
