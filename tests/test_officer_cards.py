"""Every card an officer holds tells the truth after every change; reasons stay as typed and in their place;
every label and template reachable for each stage and audit action renders in both languages."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from demo.sample_data import sample_applications
from domain.lifecycle import TRANSITIONS, Action, Stage
from handlers.officer_view import card_text, details_text
from messages import LANGUAGES, label, render
from storage.records import Application, AuditEntry, ImportedApplication, LastAction, QueuePosition
from tests.conftest import ADMIN_ID
from tests.fakes import FakeUser, Harness, mentions
from tests.seeding import next_national_id, permit
from tests.test_officer import OFFICER, apply, appoint, buttons


def cards_of(officer: FakeUser, application: Application) -> list[dict]:
    return [m for (chat, _), m in officer.rec.messages.items()
            if chat == officer.id and mentions(m.get("text", ""), application.permit_number)
            and "📄" in m.get("text", "")]


async def test_every_card_message_follows_including_the_notification_after_app(bot: Harness) -> None:
    officer = await appoint(bot)
    _, application = await apply(bot)
    await officer.send(f"/app {application.permit_number}")
    await officer.send(f"/app {application.permit_number}")
    assert len(cards_of(officer, application)) == 3  # the notification and two from /app
    await officer.click("✅ ثبت نظارت")  # on the latest
    live = [card for card in cards_of(officer, application) if buttons(card)]  # resent on Bale: old ones bare
    assert len(live) == 3
    for card in live:
        assert "نظارت" in card["text"] and buttons(card) == ["✅ تأیید اهلیت", "❌ رد اهلیت"]


async def test_an_expired_permits_cards_lose_their_buttons(bot: Harness) -> None:
    officer = await appoint(bot)
    gone = await permit(bot.store.path, datetime.now(UTC) - timedelta(days=5 * 366 + 3), "IR-15", "گلیم‌بافی",
                        "independent", 1, user_id=2001)
    await bot.deliver()
    assert buttons(cards_of(officer, gone)[0]) == ["✅ ثبت نظارت", "❌ نظارت ناموفق"]
    job = bot.app.job_queue.get_jobs_by_name("look_after_permits")[0]  # type: ignore[union-attr]
    await job.run(bot.app)
    [card] = cards_of(officer, gone)
    assert buttons(card) == [] and "پایان اعتبار" in card["text"]


async def test_reasons_keep_their_digits_and_each_decision_its_own(bot: Harness) -> None:
    officer = await appoint(bot)
    applicant, application = await apply(bot)
    await officer.click("✅ ثبت نظارت")
    await officer.click("❌ رد اهلیت")
    await officer.send("۲ مدرک از ۳ مدرک لازم ارائه نشد")
    await bot.deliver()
    assert "۲ مدرک از ۳ مدرک لازم ارائه نشد" in applicant.last_text
    await officer.send(f"/revoke {application.permit_number} جعل سند شماره ۱۲۳")
    await bot.deliver()
    assert "جعل سند شماره ۱۲۳" in applicant.last_text
    current = await bot.store.get_application(application.id)
    assert current is not None and current.reason == "جعل سند شماره ۱۲۳"
    reasons = [e.detail.get("reason") for e in await bot.store.list_audit(application.id)]
    assert reasons == [None, None, "۲ مدرک از ۳ مدرک لازم ارائه نشد", "جعل سند شماره ۱۲۳"]
    await officer.send(f"/app {application.permit_number}")
    history = officer.texts_since(0)[-2].splitlines()
    rejected = next(line for line in history if "رد اهلیت" in line)
    revoked = next(line for line in history if "ابطال" in line)
    assert rejected.endswith("۲ مدرک از ۳ مدرک لازم ارائه نشد") and revoked.endswith("جعل سند شماره ۱۲۳")
    assert history.index(rejected) < history.index(revoked)


async def test_a_rejection_delivered_after_a_revocation_still_gives_its_own_reason(bot: Harness) -> None:
    officer = await appoint(bot)
    applicant, application = await apply(bot)
    await officer.click("✅ ثبت نظارت")
    bot.app.job_queue.scheduler.pause()  # type: ignore[union-attr]  # the applicant's news waits in the outbox
    try:
        await officer.click("❌ رد اهلیت")
        await officer.send("مدارک ناقص است")
        await officer.send(f"/revoke {application.permit_number} تخلف آشکار")
        await bot.deliver()
    finally:
        bot.app.job_queue.scheduler.resume()  # type: ignore[union-attr]
    rejection = next(c.text for c in bot.rec.sent("sendMessage", applicant.id) if "تأیید نشد" in c.text)
    assert "مدارک ناقص است" in rejection and "تخلف آشکار" not in rejection


# -- every label and template, for every stage and audit action, in both languages ---------------------

# What the store writes into an application's audit trail: every lifecycle action, and these.
APPLICATION_AUDIT_ACTIONS = sorted({action.value for action in Action} | {"issue", "import", "renew", "refuse_own"})
REACHED = sorted({target for _, target in TRANSITIONS.values()})  # every stage an action leads to


def sample_application(stage: Stage) -> Application:
    return Application(
        id=1, user_id=7, permit_number="15-1405-00001-3", stage=stage, track="independent", full_name="مریم احمدی",
        national_id="0499370899", birth_date=date(1990, 1, 1), mobile="09123456789", province_code="IR-15",
        province_fa="لرستان", province_en="Lorestan", city="خرم‌آباد", address="خیابان امام", postal_code="6813714653",
        education="diploma", workers=2, experience_years=None, own_share_percent=None, category_id=1,
        category_fa="گلیم‌بافی", category_en="Kilim weaving", sector_fa="صنایع دستی", sector_en="Handicrafts",
        needs_extra_approval=False, approval_body=None, issued_at=datetime.now(UTC), valid_until=date(2031, 1, 1),
        queued_at=None, queue_seq=None, bank="melli", loan_amount_rials=1_500_000_000, reason="دلیل ۱",
        updated_at=datetime.now(UTC))


@pytest.mark.parametrize(("lang", "expected"), [("fa", "آخرین اقدام: ورود از سوابق استان\n"),
                                              ("en", "Last action: imported from the provincial records\n")])
def test_a_step_the_bot_took_itself_names_no_actor(bot: Harness, lang: str, expected: str) -> None:
    card = card_text(lang, sample_application(Stage.QUEUED), bot.config, LastAction("import", None, None))
    assert expected in card + "\n" and "None" not in card


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("action", APPLICATION_AUDIT_ACTIONS)
def test_every_audit_action_renders_on_cards_and_in_the_history(bot: Harness, lang: str, action: str) -> None:
    application = sample_application(Stage.SUPERVISED)
    card = card_text(lang, application, bot.config, LastAction(action, OFFICER, "سارا"))
    assert mentions(card, "15-1405-00001-3")
    entry = AuditEntry(datetime.now(UTC), OFFICER, "سارا", action, None, None, {"reason": "دلیل ۱"})
    assert label(lang, f"done.{action}") in details_text(lang, application, [entry], bot.config)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("stage", list(Stage))
def test_every_stage_renders_for_officers_and_applicants(bot: Harness, lang: str, stage: Stage) -> None:
    application = sample_application(stage)
    assert label(lang, f"stage.{stage.value}") in card_text(lang, application, bot.config, own=True)
    assert render(lang, f"status/next.{stage.value}")
    if stage in REACHED:  # the applicant's news of it
        position = QueuePosition(position=3, ahead=2, total=9) if stage == Stage.QUEUED else None
        assert render(lang, f"applicant/{stage.value}", a=application, position=position, bank="بانک ملی")


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_an_officer_opens_every_kind_of_imported_application(bot: Harness, lang: str) -> None:
    """The demo's path: sample data, an officer of Tehran, /queue and /pending, 📄 on each."""
    categories = [c.id for c in await bot.store.list_categories()]
    now = datetime.now(UTC)
    imported = list(sample_applications(300, categories, now))
    every_stage = [ImportedApplication(replace(imported[n].request, user_id=800_000 + n, province_code="IR-23",
                                               national_id=next_national_id()),
                                       stage, now - timedelta(days=40), 3, bank="melli", reason="دلیل ۱")
                   for n, stage in enumerate(Stage)]  # sample data may miss a rare stage: one of each
    await bot.store.import_applications([*imported, *every_stage], "{province}-{year}-{seq:05d}-{check}", 5)
    officer = await appoint(bot, OFFICER, "تهران")
    await officer.send(f"/lang {lang}")
    await bot.user(ADMIN_ID).send("/lang fa")
    tehran = [a for a in [await bot.store.get_application_by_permit(n) for n in await numbers(bot, "IR-23")] if a]
    assert {a.stage for a in tehran} == set(Stage)
    await officer.send("/queue")
    for button in [b for b in officer.inline_buttons() if b.startswith("📄")]:
        await officer.click(button)
    for application in tehran:  # every stage: details, history and card
        await officer.send(f"/app {application.permit_number}")
        assert mentions(officer.last_text, application.permit_number)
    applicant = bot.user(800_000, language_code=lang)
    await applicant.send("/status")
    assert applicant.last_text


async def numbers(bot: Harness, province: str) -> list[str]:
    rows = await bot.store.db.execute_fetchall("SELECT permit_number FROM applications WHERE province_code = ?",
                                               (province,))
    return [row[0] for row in rows]
