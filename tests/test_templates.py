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
    AdviceQuestion,
    Application,
    AuditEntry,
    Category,
    Certificate,
    Channel,
    ContactKind,
    Course,
    Enrolment,
    MessengerFigures,
    PostStatus,
    Province,
    QueuePosition,
    RefusalReason,
    Sector,
    ShowcasePost,
    User,
)
from tests.conftest import ADMIN_ID
from tests.exhibition_samples import SAMPLES as EXHIBITION_SAMPLES
from tests.fakes import Harness
from tests.roster_steps import template_samples
from tests.seeding import permit
from tests.test_channels import PROGRAMME

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
QUESTION = AdviceQuestion(
    id=12, asker_id=1001, province_code="IR-15", topic="marketing", question="چطور <b>فروش</b> اینترنتی کنم؟",
    follows_id=11, asked_at=datetime(2026, 1, 1, tzinfo=UTC), taken_by=501, taken_by_name="سارا",
    taken_at=datetime(2026, 1, 1, 1, tzinfo=UTC), answer="از بازارچه‌های محلی شروع کنید.",
    answered_at=datetime(2026, 1, 2, tzinfo=UTC), rating=1)
REASON = RefusalReason(1, "fail_supervision", "نشانی پیدا نشد", "The address could not be found")
REFUSAL_KINDS = [("fail_supervision", "نظارت ناموفق"), ("reject", "رد اهلیت")]
CATEGORY = Category(7, 1, "گلیم‌بافی", "Kilim weaving", True, "health", False)
SECTOR = Sector(1, "handicrafts", "صنایع دستی", "Handicrafts", None, False)
OFFICERS = [User(501, "fa", "officer", "IR-15", True, "علی"), User(502, "fa", "officer", "IR-15", False, None)]
CHANNEL = Channel("IR-15", Platform.TELEGRAM, -1001, "آمار لرستان", "fa", True, "Forbidden")
POST = ShowcasePost(
    id=3, user_id=1001, application_id=1, province_code="IR-15", name="گلیم دستباف", price_toman=2_500_000,
    contact_kind=ContactKind.PHONE, contact="09123456789", photos=("p1", "p2"), status=PostStatus.APPROVED,
    reason="عکس تار است", submitted_at=datetime(2026, 1, 1, tzinfo=UTC), approved_at=datetime(2026, 1, 2, tzinfo=UTC),
    channel_id=-1001, channel_messages=(7, 8, 9), permit_number="15-1405-00001-0", category_fa="گلیم‌بافی",
    category_en="Kilim weaving")
AUDIT = [AuditEntry(datetime(2026, 1, 1, tzinfo=UTC), None, None, "issue", None, "permit_issued", {}),
         AuditEntry(datetime(2026, 1, 2, tzinfo=UTC), 501, "علی", "reject", "supervised", "rejected",
                    {"reason": "مدارک ناقص است"})]


COURSE = {"id": 3, "title": "قالیبافی مقدماتی", "provider": "جهاد دانشگاهی", "province": "لرستان",
          "starts_on": date(2026, 12, 20), "sessions": 8, "place": "خرم‌آباد، خیابان امام", "capacity": 30,
          "required": True, "sectors": ["صنایع دستی", "تولیدی"], "categories": ["قالیبافی", "گلیم‌بافی"],
          "seats_left": 2, "taken": 28, "waiting": 3, "status": "open"}
ENROLMENT = Enrolment(5, 3, 1001, 1, "completed", "مریم احمدی", "TC-15-1405-00001", datetime(2026, 12, 1, tzinfo=UTC))
CERTIFICATE = Certificate("TC-15-1405-00001", 1001, "مریم احمدی", Course(
    3, "IR-15", "لرستان", "Lorestan", "قالیبافی مقدماتی", "جهاد دانشگاهی", date(2026, 12, 20), 8, "خرم‌آباد", 30,
    True, "open", 501, 28, 3, (1,), ()), datetime(2026, 12, 1, tzinfo=UTC))


def contexts(stats: Any) -> dict[str, dict[str, Any]]:
    """A sample context for every multi-line template, with every optional line switched on."""
    status_item = {"a": SAMPLE, "marks": [("✓", "صدور مجوز"), ("●", "نوبت تسهیلات")], "bank": "ملی",
                   "position": QueuePosition(3, 2, 9), "next": "قدم بعدی"}
    course_forms = {f"course_form/ask_{field}": {"current": "۱۲", "example": "1405/10/01", "low": 1, "high": 200,
                                                 "page": 1, "pages": 2}
                    for field in ("province_code", "title", "provider", "starts_on", "sessions", "place", "capacity",
                                  "category_ids")}
    return course_forms | {
        "course_form/intro": {},
        "course_form/review": {"c": COURSE, "editing": True},
        "course_form/saved": {"c": COURSE, "id": 3, "new": True},
        "courses/_summary": {"c": COURSE},
        "courses/list": {"offers": [{"c": COURSE, "matches": True, "status": status}
                                    for status in ("enrolled", "waiting")], "page": 1, "pages": 2,
                         "province": "لرستان"},
        "courses/enrolled": {"c": COURSE},
        "courses/seat_freed": {"c": COURSE},
        "courses/reminder": {"c": COURSE},
        "courses/manage_list": {"courses": [COURSE, COURSE | {"status": "closed"}], "page": 1, "pages": 2,
                                "everywhere": True},
        "courses/roster": {"c": COURSE, "people": [(1, ENROLMENT), (2, replace(ENROLMENT, status="waiting"))],
                           "page": 1, "pages": 2},
        "courses/newmodel_list": {"on": [Province("IR-15", "لرستان", "Lorestan")], "switches": {"IR-15": True},
                                  "everywhere": False, "listed": ["IR-29"]},
        "permit/verify_certificate": {"cert": CERTIFICATE, "holder": "م. ا.", "full": True},
        "admin/appoint_who": {"button": True},
        "admin/appoint_adviser_who": {"button": True},
        "advice/ask_topic": {},
        "advice/ask_province": {},
        "advice/ask_question": {"follow_up": True, "topic": "بازاریابی", "most": 1000},
        "advice/ask_answer": {"q": QUESTION, "topic": "بازاریابی", "minutes": 30, "most": 2500},
        "advice/confirm": {"question": "سطر یک\nسطر دو", "topic": "بازاریابی"},
        "advice/card": {"q": QUESTION, "topic": "بازاریابی", "status": "taken", "province": "لرستان",
                        "previous": QUESTION, "previous_question": "پرسش پیشین", "previous_answer": "پاسخ پیشین"},
        "advice/answer": {"q": QUESTION, "topic": "بازاریابی", "asked": "پرسش"},
        "advice/welcome": {"province": "لرستان"},
        "common/help_adviser": {"province": "لرستان", "waiting": 2},
        "desk/digest_advice": {"total": 2, "days": 3, "advisers": 0,
                               "items": [(QUESTION, "بازاریابی", 4, "پرسش"),
                                         (replace(QUESTION, taken_by=None), "سایر", 5, "پرسش دیگر")]},
        "admin/reasons": {"groups": [("نظارت ناموفق", [REASON, REASON]), ("رد بانک", [])], "refusals": REFUSAL_KINDS},
        "admin/reasons_usage": {"refusals": REFUSAL_KINDS},
        "applicant/supervision_failed": {"a": SAMPLE},
        "assess/choose": {},
        "assess/question": {"position": 1, "total": 8, "question": "چقدر مهارت دارید؟", "number": SAMPLE.permit_number,
                            "category": "گلیم‌بافی"},
        "assess/result": {"number": SAMPLE.permit_number, "category": "گلیم‌بافی", "score": 82, "band": "🟢 آماده",
                          "summary": "آماده‌اید.", "steps": ["قدم یکم", "قدم دوم"], "retake": SAMPLE.issued_at},
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
        "admin/officers": {"groups": [("officer", "لرستان", OFFICERS), ("adviser", "تهران", OFFICERS)], "page": 1,
                           "pages": 2, "viewer": "telegram"},
        "admin/starcategory_usage": {"bodies": [("health", "وزارت بهداشت"), ("other", "دستگاه مربوط")]},
        "applicant/bank_rejected": {"a": SAMPLE},
        "applicant/rejected": {"a": SAMPLE},
        "applicant/revoked": {"a": SAMPLE},
        "applicant/voided": {"a": SAMPLE},
        "channels/list": {"items": [{"channel": CHANNEL, "place": "لرستان", "purpose": "آمار", "messenger": "بله"}] * 2,
                          "page": 1,
                          "pages": 2},
        "common/welcome": {"first_name": "مریم"},
        "common/my_id": {"user_id": 123456789, "viewer": "bale"},
        "common/help_admin": {},
        "common/help_officer": {"pending": 12, "province": "لرستان"},
        "officer/card": {"a": replace(SAMPLE, roster_approved=2, roster_awaiting=1), "actor": "علی", "bank": "ملی",
                         "done": "رد", "new": True, "own": True,
                         "stage": "نوبت", "track": "مستقل", "late": 20, "assessment": "ارزیابی آمادگی: 🟢 آماده",
                         "training": "missing"},
        "officer/details": {"a": SAMPLE, "audit": [{"at": e.at, "label": e.action, "actor": "علی", "note": "یادداشت"}
                                                   for e in AUDIT], "birth": "۱۳۶۸/۱۰/۱۱", "education": "دیپلم"},
        "officer/pending": {"items": [SAMPLE, replace(SAMPLE, assessment_band="ready", assessment_score=82)],
                            "offset": 0, "stage": "نظارت", "stages": {Stage.QUEUED: "نوبت"},
                            "total": 2, "late": {SAMPLE.id: 20}, "bands": {"ready": "🟢 آماده"}},
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
        "stats/post": {"place": "لرستان", "s": stats, "p": PROGRAMME, "m": MessengerFigures(3, 2), "year": 1405},
        "status/list": {"items": [status_item, status_item], "page": 1, "pages": 2},
        "showcase/caption": {"product": POST.name, "price": POST.price_toman, "kind": "phone", "contact": POST.contact,
                             "category": "گلیم‌بافی", "number": POST.permit_number},
        "showcase/card": {"post": POST, "a": SAMPLE, "own": False},
        "showcase/decided": {"post": POST, "status": "refused", "reason": "عکس تار است", "channel": "ویترین"},
        "showcase/list": {"posts": [POST, POST], "statuses": {POST.id: "در کانال"}, "page": 1, "pages": 2,
                          "max_photos": 3},
        "showcase/reported": {"post": POST, "status": "در کانال", "reason": "قیمت نادرست"},
        **template_samples(SAMPLE),
    } | EXHIBITION_SAMPLES


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
    ("fa", ["<b>کارشناسان و مشاوران استان‌ها</b> (صفحه ۱ از ۲)", "لرستان: علی (501)، — (502) در دسترس نیست",
            "💬 مشاوران تهران: علی (501)، — (502) در دسترس نیست"]),
    ("en", ["<b>Officers and advisers by province</b> (page 1 of 2)", "Lorestan: علی (501), — (502) unreachable",
            "💬 Advisers, Tehran: علی (501), — (502) unreachable"]),
])
def test_officers_come_one_province_a_line(lang: str, expected: list[str]) -> None:
    groups = [("officer", "لرستان" if lang == "fa" else "Lorestan", OFFICERS),
              ("adviser", "تهران" if lang == "fa" else "Tehran", OFFICERS)]
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
    items = [{"channel": CHANNEL, "place": "لرستان", "purpose": "آمار", "messenger": "تلگرام"},
             {"channel": replace(CHANNEL, failing=False), "place": "کشور", "purpose": "آمار", "messenger": "بله"}]
    lines = render(lang, "channels/list", items=items, page=1, pages=1).split("\n")
    assert len(lines) == 3 and lines[1].startswith("لرستان (آمار): آمار لرستان")
    assert lines[2].startswith("کشور (آمار): آمار")


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
