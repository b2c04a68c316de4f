"""Crashes, delivery failures, floods, odd updates, backups and logs."""

import asyncio
import logging
import sqlite3
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from telegram import Chat, Location, Message, PhotoSize, Sticker, Update, User
from telegram.error import TimedOut

import main
from bot.config import Config
from bot.logs import quiet_chatty_libraries
from domain.flood import HourlyQuota
from domain.lifecycle import Stage
from tests.conftest import ADMIN_ID
from tests.fakes import FakeClock, FakeUser, Harness
from tests.journey import Answers, complete_journey, fill_form

OFFICER = 501


async def appoint(bot: Harness, officer_id: int = OFFICER) -> None:
    await bot.user(ADMIN_ID).send(f"/addofficer {officer_id} لرستان")


# -- a crash ----------------------------------------------------------------------------------------


async def test_after_a_crash_the_form_resumes_and_every_pending_message_goes_once(config: Config) -> None:
    crashed = await Harness(config).start()
    crashed.app.job_queue.scheduler.pause()  # type: ignore[union-attr]  # it dies before the courier runs
    await appoint(crashed)
    await appoint(crashed, 502)
    await complete_journey(crashed.user(1001))
    await fill_form(crashed.user(1002), Answers(national_id="0790419904"), stop_before="mobile")
    pending = await crashed.store.list_outbox("pending")
    assert len(pending) == 2  # one card per officer; nothing sent yet

    # No clean shutdown: a second process opens the same database file.
    revived = await Harness(config).start()
    try:
        again = revived.user(1002)
        await again.send_contact("09121234567")  # the mobile step, where the form was
        draft = await revived.store.get_draft(1002)
        assert draft is not None and draft.data["mobile"] == "09121234567" and draft.data["full_name"] == "مریم احمدی"
        await revived.deliver()
        await revived.deliver()
        cards = Counter(call.chat_id for call in revived.rec.sent("sendMessage") if "درخواست جدید" in call.text)
        assert cards == {OFFICER: 1, 502: 1}
        assert await revived.store.list_outbox("pending") == []
    finally:
        await revived.stop()
        crashed.app.job_queue.scheduler.resume()  # type: ignore[union-attr]
        await crashed.stop()


# -- delivery failures ------------------------------------------------------------------------------


@pytest.fixture
async def clocked(config: Config) -> tuple[Harness, FakeClock]:
    clock = FakeClock()
    harness = await Harness(config, clock=clock).start()
    harness.app.job_queue.scheduler.pause()  # type: ignore[union-attr]  # the test drives the courier itself
    yield harness, clock  # type: ignore[misc]
    harness.app.job_queue.scheduler.resume()  # type: ignore[union-attr]
    await harness.stop()
    assert not harness.errors


async def test_retry_after_waits_as_told_then_delivers_once(clocked: tuple[Harness, FakeClock]) -> None:
    bot, clock = clocked
    await appoint(bot)
    bot.rec.failures[OFFICER] = (429, "Too Many Requests: retry after 7", {"retry_after": 7})
    await complete_journey(bot.user(1001))
    assert await bot.deliver() == 0
    [row] = await bot.store.list_outbox("pending")
    assert row.attempts == 1
    del bot.rec.failures[OFFICER]
    clock.advance(seconds=3)
    assert await bot.deliver() == 0  # not yet: Telegram said 7 seconds
    clock.advance(seconds=5)
    assert await bot.deliver() == 1
    assert await bot.deliver() == 0


async def test_timeouts_back_off_and_give_up_after_the_last_attempt(clocked: tuple[Harness, FakeClock]) -> None:
    bot, clock = clocked
    await appoint(bot)
    bot.rec.failures[OFFICER] = TimedOut()
    await complete_journey(bot.user(1001))
    for _ in range(8):
        await bot.deliver()
        clock.advance(hours=2)
    assert await bot.store.list_outbox("pending") == []
    [failed] = await bot.store.list_outbox("failed")
    assert failed.attempts == 8
    admin = bot.user(ADMIN_ID)
    await admin.send("/health")
    assert "۱ ناموفق" in admin.last_text and "TimedOut" in admin.last_text


async def test_a_user_who_blocked_the_bot_is_marked_and_not_retried(clocked: tuple[Harness, FakeClock]) -> None:
    bot, clock = clocked
    await appoint(bot)
    await appoint(bot, 502)
    bot.rec.failures[OFFICER] = (403, "Forbidden: bot was blocked by the user")
    await complete_journey(bot.user(1001))
    assert await bot.deliver() == 1  # the other officer still gets the card
    clock.advance(hours=1)
    assert await bot.deliver() == 0
    blocked = await bot.store.get_user(OFFICER)
    assert blocked is not None and not blocked.active
    assert len(await bot.store.list_outbox("failed")) == 1
    attempts = [call for call in bot.rec.sent("sendMessage", OFFICER) if "درخواست جدید" in call.text]
    assert len(attempts) == 1


# -- floods -----------------------------------------------------------------------------------------


async def test_a_flooding_user_is_slowed_down_and_others_are_not(config: Config) -> None:
    harness = await Harness(replace(config, flood_limit=5, flood_window=10, flood_cooldown=30)).start()
    try:
        flooder, neighbour = harness.user(71), harness.user(72)
        for _ in range(5):
            await flooder.send("/help")
        assert "آهسته‌تر" not in flooder.last_text
        await flooder.send("/help")
        assert "آهسته‌تر" in flooder.last_text
        told = len(flooder.calls)
        for _ in range(5):
            await flooder.send("/help")
        assert len(flooder.calls) == told  # ignored, and told only once
        for _ in range(5):
            await neighbour.send("/help")
        assert "راهنما" in neighbour.last_text and len(neighbour.calls) == 5
    finally:
        await harness.stop()
    assert not harness.errors


# -- updates the bot does not take part in ----------------------------------------------------------


@pytest.mark.parametrize("kind", ["photo", "sticker", "location", "document", "voice"])
async def test_non_text_in_a_text_step_reprompts(user: FakeUser, bot: Harness, kind: str) -> None:
    await fill_form(user, stop_before="full_name")
    prompt = user.last_text.split("\n\n")[-1]
    payload = {
        "photo": {"photo": [PhotoSize("p", "p", 90, 90)]},
        "sticker": {"sticker": Sticker("s", "s", 512, 512, False, False, "regular")},
        "location": {"location": Location(48.3, 33.5)},
        "voice": {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 2}},
    }
    if kind == "document":
        await user.send_document("scan.pdf", b"%PDF-1.4")
    elif kind == "voice":
        from telegram import Voice

        await user.send_message(voice=Voice("v", "v", 2))
    else:
        await user.send_message(**payload[kind])
    assert user.last_text.endswith(prompt) and user.last_text != prompt
    draft = await bot.store.get_draft(user.id)
    assert draft is not None and draft.state == "reg.full_name" and "full_name" not in draft.data


async def test_edited_messages_and_channel_posts_are_ignored(user: FakeUser, bot: Harness) -> None:
    await fill_form(user, stop_before="full_name")
    calls = len(bot.rec.calls)
    edited = Message(5, user._message(text="x").date, user.chat, from_user=user.user, text="مریم احمدی")
    edited.set_bot(bot.app.bot)
    await bot.app.process_update(Update(90001, edited_message=edited))
    channel = Chat(-1001, Chat.CHANNEL, title="news")
    post = Message(6, edited.date, channel, text="/start")
    post.set_bot(bot.app.bot)
    await bot.app.process_update(Update(90002, channel_post=post))
    assert len(bot.rec.calls) == calls
    draft = await bot.store.get_draft(user.id)
    assert draft is not None and "full_name" not in draft.data


async def in_group(bot: Harness, member: User, text: str, update_id: int) -> None:
    group = Chat(-2001, Chat.SUPERGROUP, title="خانوادگی")
    message = Message(7, bot.user(member.id)._message(text="x").date, group, from_user=member, text=text)
    message = Message.de_json(message.to_dict() | {"entities": [{"type": "bot_command", "offset": 0,
                                                                 "length": len(text.split()[0])}]
                                                   if text.startswith("/") else {}}, bot.app.bot)
    await bot.app.process_update(Update(update_id, message=message))


async def test_a_group_gets_one_short_note_an_hour_and_nothing_else(bot: Harness) -> None:
    member = User(81, "علی", False)
    for number, text in enumerate(("/start", "سلام به همه", "/apply", *["/help"] * 11)):
        await in_group(bot, member, text, 90100 + number)
    notes = list(bot.rec.sent(chat_id=-2001))
    assert len(notes) == 1 and "خصوصی" in notes[0].text
    assert await bot.store.get_draft(81) is None and await bot.store.get_user(81) is None


def test_the_group_note_quota_refills_after_an_hour() -> None:
    now = [0.0]
    notes = HourlyQuota(limit=1, clock=lambda: now[0])
    assert notes.take(-2001) and not notes.take(-2001) and notes.take(-2002)
    now[0] = 3601
    assert notes.take(-2001)


async def test_a_flood_in_a_group_counts_against_the_sender_everywhere(tmp_path: Path) -> None:
    config = Config.from_env({"BOT_TOKEN": "123:abc", "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
                              "FLOOD_LIMIT": "5", "FLOOD_WINDOW_SECONDS": "60", "FLOOD_COOLDOWN_SECONDS": "60"})
    bot = await Harness(config).start()
    try:
        flooder = User(81, "علی", False)
        for number in range(11):
            await in_group(bot, flooder, "/help", 90200 + number)
        before = len(bot.rec.calls)
        await bot.user(81).send("/start")  # held by the flood gate, like a flood in the private chat
        assert len(bot.rec.calls) == before
        await bot.user(82).send("/start")  # everyone else goes on at once
        assert "خوش آمدید" in bot.user(82).last_text
    finally:
        await bot.stop()
    assert not bot.errors


# -- operations -------------------------------------------------------------------------------------


@pytest.mark.sqlite_only  # SQLite's online backup; PostgreSQL's is pg_dump (README)
async def test_backup_copies_every_application_while_the_bot_runs(bot: Harness, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    await complete_journey(bot.user(1001))
    await complete_journey(bot.user(1002), Answers(national_id="0790419904"))
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    monkeypatch.setenv("DATABASE_PATH", str(bot.store.path))
    target = tmp_path / "copies" / "backup.sqlite3"
    assert main.main(["backup", str(target)]) == 0
    assert "2 applications" in capsys.readouterr().out
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT count(*) FROM applications").fetchone()[0] == 2
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert main.main(["check"]) == 0
    assert "FAIL" not in capsys.readouterr().out


def test_check_fails_on_a_broken_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    database = tmp_path / "bot.sqlite3"
    with sqlite3.connect(database) as db:
        db.executescript("CREATE TABLE schema_version (version INTEGER); INSERT INTO schema_version VALUES (1);"
                         "CREATE TABLE provinces (code TEXT); CREATE TABLE categories (active INTEGER);")
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    monkeypatch.setenv("DATABASE_PATH", str(database))
    assert main.main(["check"]) == 1
    assert "FAIL catalog in the database: 0 provinces" in capsys.readouterr().out


async def test_logs_carry_no_personal_data(bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    quiet_chatty_libraries()  # as configure_logging does at start-up, whatever LOG_LEVEL says
    await appoint(bot)
    applicant = bot.user(1001, "مریم")
    await complete_journey(applicant)
    await bot.deliver()
    officer = bot.user(OFFICER)
    for button in ("✅ ثبت نظارت", "❌ رد اهلیت"):
        await officer.click(button)
    await officer.send("مدارک ناقص است")
    await bot.deliver()
    [application] = await bot.store.list_user_applications(1001)
    assert application.stage == Stage.REJECTED
    logged = caplog.text
    assert "permit issued" in logged  # the business events are there…
    for personal in ("0499370899", "09123456789", "مریم احمدی", "خیابان امام", "6813714653", "مدارک ناقص"):
        assert personal not in logged, personal  # …the applicant is not


async def test_an_update_delivered_twice_is_handled_once(user: FakeUser, bot: Harness) -> None:
    await fill_form(user, stop_before="full_name")
    update = Update.de_json({"update_id": 777_001, "message": {
        "message_id": 9, "date": 0, "chat": {"id": user.id, "type": "private"},
        "from": {"id": user.id, "is_bot": False, "first_name": "مریم"}, "text": "مریم احمدی"}}, bot.app.bot)
    await bot.app.process_update(update)
    await bot.app.process_update(update)  # Bale's getUpdates may hand it over again
    draft = await bot.store.get_draft(user.id)
    assert draft is not None and draft.state == "reg.national_id" and "national_id" not in draft.data


async def test_a_job_that_falls_due_while_the_bot_is_busy_still_runs(bot: Harness) -> None:
    """APScheduler's default drops a job that starts over a second late (a daily post, a reminder)."""
    ran = asyncio.Event()

    async def daily_post(context: object) -> None:
        ran.set()

    assert bot.app.job_queue is not None
    bot.app.job_queue.run_once(daily_post, when=datetime.now(UTC) - timedelta(seconds=30))  # as after a busy spell
    await asyncio.wait_for(ran.wait(), timeout=10)
