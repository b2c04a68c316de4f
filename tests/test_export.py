"""/export: the province's applications as an XLSX (right-to-left, Persian headers, Jalali dates, toman) or CSV
file sent as a document, filtered by stage and Jalali dates, audited; admins may turn officers' exports off."""

import csv
import io
import json
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from persiantools.jdatetime import JalaliDate

from domain.lifecycle import Action
from handlers.access import Desk
from handlers.export import parse_export
from tests.conftest import ADMIN_ID
from tests.fakes import Harness
from tests.test_desk_find import issue
from tests.test_officer import OFFICER, appoint


def sent_file(bot: Harness, chat_id: int) -> bytes:
    call = bot.rec.last("sendDocument", chat_id)
    return next(iter(call.files.values()))


async def audit_of_exports(bot: Harness) -> list[tuple[int, dict]]:
    rows = await bot.store.db.execute_fetchall("SELECT actor_id, detail FROM audit_log WHERE action = 'export'")
    return [(row["actor_id"], json.loads(row["detail"])) for row in rows]


async def test_an_officer_exports_the_province_as_a_right_to_left_workbook(bot: Harness) -> None:
    officer = await appoint(bot)
    first = await issue(bot, "مریم احمدی")
    paid = await issue(bot, "=HYPERLINK(\"x\")")  # typed text is never run as a formula
    for action in (Action.SUPERVISE, Action.APPROVE, Action.QUEUE):
        await bot.store.transition(paid.id, action, None)
    await bot.store.transition(paid.id, Action.INTRODUCE, None, bank="melli")
    await bot.store.transition(paid.id, Action.PAY_LOAN, None, loan_amount_rials=1_500_000_000)
    await issue(bot, "زهرا کریمی", province="IR-23")  # another province: not in the file
    async with bot.store.transaction() as db:  # as an officer's waiver leaves it
        await db.execute("UPDATE applications SET training_waived_at = ? WHERE id = ?",
                         ("2026-11-30T08:00:00+00:00", paid.id))

    await officer.send("/export")
    assert "آماده" in bot.rec.last("sendMessage", OFFICER).text
    sheet = load_workbook(io.BytesIO(sent_file(bot, OFFICER))).active
    assert sheet.sheet_view.rightToLeft
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("شماره مجوز", "نام و نام خانوادگی", "کد ملی") and "مبلغ وام (تومان)" in header
    assert len(rows) == 3
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    today = JalaliDate.to_jalali(datetime.now(UTC).astimezone(bot.config.timezone).date())
    assert by_number[first.permit_number]["تاریخ صدور مجوز"] == f"{today.year:04d}/{today.month:02d}/{today.day:02d}"
    loan = by_number[paid.permit_number]
    assert loan["مبلغ وام (تومان)"] == 150_000_000 and loan["بانک"] == "بانک ملی" and loan["مرحله"] == "پرداخت وام"
    assert loan["نام و نام خانوادگی"] == "'=HYPERLINK(\"x\")"
    assert loan["دوره آموزشی الزامی"] == "معاف شده" and loan["ارزیابی آمادگی"] is None
    assert by_number[first.permit_number]["دوره آموزشی الزامی"] is None  # neither trained nor waived
    assert bot.rec.last("sendDocument", OFFICER).params["caption"].startswith("📊 ۲")
    assert await audit_of_exports(bot) == [(OFFICER, {"province": "IR-15", "stage": None, "from": None, "to": None,
                                                      "format": "xlsx", "rows": 2})]


async def test_filters_and_csv(bot: Harness) -> None:
    officer = await appoint(bot)
    waiting = await issue(bot, "مریم احمدی")
    supervised = await issue(bot, "سارا نوری")
    await bot.store.transition(supervised.id, Action.SUPERVISE, None)
    today = JalaliDate.to_jalali(datetime.now(UTC).astimezone(bot.config.timezone).date())
    day = f"{today.year}/{today.month}/{today.day}"

    await officer.send(f"/export نظارت {day} {day} csv")
    lines = list(csv.reader(io.StringIO(sent_file(bot, OFFICER).decode("utf-8-sig"))))
    assert [line[0] for line in lines[1:]] == [waiting.permit_number]
    await officer.send("/export نظارت ۱۳۹۰/۰۱/۰۱ ۱۳۹۰/۱۲/۲۹")
    assert "هیچ درخواستی" in officer.last_text
    [*_, (_, last)] = await audit_of_exports(bot)
    assert last == {"province": "IR-15", "stage": "permit_issued", "from": "1390-01-01", "to": "1390-12-29",
                    "format": "xlsx", "rows": 0}
    await officer.send("/export چیز نامعلوم")
    assert "روش استفاده" in officer.last_text


async def test_admins_export_any_province_and_can_turn_officers_exports_off(bot: Harness) -> None:
    officer = await appoint(bot)
    admin = bot.user(ADMIN_ID)
    await issue(bot, "مریم احمدی")
    await issue(bot, "زهرا کریمی", province="IR-23")
    await admin.send("/export همه")
    assert len(list(load_workbook(io.BytesIO(sent_file(bot, ADMIN_ID))).active.iter_rows())) == 3
    await admin.send("/export تهران csv")
    assert sent_file(bot, ADMIN_ID).decode("utf-8-sig").count("\n") == 2

    await admin.send("/exports off")
    await officer.send("/export")
    assert "بسته" in officer.last_text
    await admin.send("/exports on")
    await officer.send("/export")
    assert bot.rec.last("sendDocument", OFFICER)
    rows = await bot.store.db.execute_fetchall(
        "SELECT detail FROM audit_log WHERE action = 'exports_for_officers' ORDER BY id")
    assert [json.loads(row["detail"]) for row in rows] == [{"allowed": False}, {"allowed": True}]
    await officer.send("/exports off")
    assert "مخصوص مدیران" in officer.last_text


@given(st.text(max_size=60))
def test_any_typed_filter_is_understood_or_refused(typed: str) -> None:
    parsed = parse_export(typed, Desk(OFFICER, "IR-15"), [])
    assert parsed is None or (parsed.province_code == "IR-15" and parsed.kind in ("xlsx", "csv"))
