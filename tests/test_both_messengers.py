"""Both messengers at once (issue 19, deliverables 3 and 4): one store, a Telegram bot and a Bale bot, every
message on its recipient's messenger, one national ID per person, a statistics channel on each messenger."""

from pathlib import Path

import aiosqlite
import pytest

from bot.config import Config
from bot.offline_api import ApiCall
from bot.platform_bot import file_owner, store_ids
from domain.identity import Platform, person_id
from domain.lifecycle import Stage
from handlers.photos import send_photos
from storage.records import ChannelPurpose
from tests.conftest import ADMIN_ID
from tests.fakes import FakeUser, Harness, mentions
from tests.journey import Answers, complete_journey, fill_form
from tests.test_officer import buttons, card_of

OFFICER, BALE_ADMIN, APPLICANT = 501, 7007, 1001
BALE = Platform.BALE


@pytest.fixture
def config(tmp_path: Path, backend: str | None) -> Config:
    """Both messengers (conftest's `bot` and `store` take this one here)."""
    return Config.from_env({"TELEGRAM_BOT_TOKEN": "123456:TEST-telegram", "BALE_BOT_TOKEN": "654321:TEST-bale",
                            "BALE_API_URL": "http://bale.test/bot", "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
                            "ADMIN_IDS": f"{ADMIN_ID}, bale:{BALE_ADMIN}", "DATABASE_URL": backend or "",
                            "FLOOD_LIMIT": "1000"})


async def telegram_officer(bot: Harness) -> FakeUser:
    admin = bot.user(ADMIN_ID, "مدیر")
    await admin.send(f"/addofficer {OFFICER} لرستان")
    return bot.user(OFFICER, "کارشناس")


def chats(bot: Harness, platform: Platform) -> set[int | str | None]:
    """Who got messages through `platform`'s Bot API (command menus aside: every admin gets one at start)."""
    return {call.chat_id for call in bot.recs[platform].sent() if call.method.startswith(("send", "edit"))}


async def test_a_bale_applicant_and_a_telegram_officer_work_together(bot: Harness) -> None:
    officer = await telegram_officer(bot)
    applicant = bot.user(APPLICANT, platform=BALE)
    await complete_journey(applicant)
    await bot.deliver()
    [application] = await bot.store.list_user_applications(applicant.person_id)
    assert await bot.store.list_user_applications(APPLICANT) == []  # Telegram's 1001 is someone else

    card = card_of(officer, application)  # on Telegram, with HTML and the officer's buttons
    assert "درخواست جدید" in card["text"] and "<b>" in card["text"]
    assert buttons(card) == ["✅ ثبت نظارت", "❌ نظارت ناموفق"]
    await officer.click("✅ ثبت نظارت")
    await officer.click("✅ تأیید اهلیت")
    await bot.deliver()

    news = applicant.calls[-1]
    assert "اهلیت شما" in news.text and "تأیید شد" in news.text
    assert "parse_mode" not in news.params and "<b>" not in news.seen  # Bale's Markdown, no tag shown
    [mobile_prompt] = [call for call in applicant.calls if "این دکمه می‌فرستد" in call.seen][:1]
    assert "بله" in mobile_prompt.seen and "تلگرام" not in mobile_prompt.seen  # the reader's messenger
    await applicant.send("/status")
    assert mentions(applicant.last_text, application.permit_number) and "✓ احراز اهلیت" in applicant.last_text
    stored = await bot.store.get_application(application.id)
    assert stored is not None and stored.stage == Stage.ELIGIBLE
    assert [entry.actor_id for entry in await bot.store.list_audit(application.id)][1:] == [OFFICER, OFFICER]
    # Nothing crossed over: Bale's API saw only the applicant, Telegram's only the admin and the officer.
    assert chats(bot, BALE) == {APPLICANT}
    assert chats(bot, Platform.TELEGRAM) == {ADMIN_ID, OFFICER}


async def test_an_admin_appoints_an_officer_on_the_other_messenger(bot: Harness) -> None:
    bale_officer = bot.user(OFFICER, "کارشناس", platform=BALE)
    await bale_officer.send("/myid")
    assert "501" in bale_officer.last_text and "bale" not in bale_officer.last_text  # Bale's own id, bare
    admin = bot.user(ADMIN_ID, "مدیر")
    await admin.send(f"/addofficer bale:{OFFICER} لرستان")
    assert f"bale:{OFFICER}" in admin.last_text and "پیام خوشامد" in admin.last_text
    assert "/pending" in bot.recs[BALE].last("sendMessage", OFFICER).text
    assert (await bot.store.get_user(OFFICER)) is None  # not Telegram's 501
    await admin.send("/officers")
    assert f"bale:{OFFICER}" in admin.last_text
    bale_admin = bot.user(BALE_ADMIN, "مدیر بله", platform=BALE)
    await bale_admin.send("/officers")  # seen from Bale, a Bale officer's id is bare
    assert f"({OFFICER})" in bale_admin.last_text

    applicant = bot.user(APPLICANT)  # on Telegram this time
    await complete_journey(applicant)
    await bot.deliver()
    [application] = await bot.store.list_user_applications(APPLICANT)
    card = card_of(bale_officer, application)
    assert "<b>" not in card["text"] and buttons(card) == ["✅ ثبت نظارت", "❌ نظارت ناموفق"]
    await bale_officer.click("✅ ثبت نظارت")
    await bot.deliver()
    assert "نظارت بر کسب‌وکار شما" in applicant.last_text


async def test_a_bale_admin_appoints_without_telegrams_choose_a_user_button(bot: Harness) -> None:
    bale_admin = bot.user(BALE_ADMIN, "مدیر بله", platform=BALE)
    await bale_admin.send("/addofficer")
    markup = bale_admin.calls[-1].params.get("reply_markup") or {}
    assert "request_users" not in str(markup)  # Bale has no request_users: the contact or the id instead
    telegram_admin = bot.user(ADMIN_ID, "مدیر")
    await telegram_admin.send("/addofficer")
    assert "request_users" in str(telegram_admin.calls[-1].params.get("reply_markup"))


async def test_the_applications_are_counted_by_their_applicants_messenger(bot: Harness) -> None:
    for user_id, platform, national_id in ((APPLICANT, Platform.TELEGRAM, "۰۴۹۹۳۷۰۸۹۹"), (2002, BALE, "0790419904"),
                                           (2003, BALE, "0012345679")):
        await complete_journey(bot.user(user_id, platform=platform), Answers(national_id=national_id))
    await complete_journey(bot.user(2004, platform=BALE), Answers(national_id="0084575948", province="تهران"))
    lorestan = await bot.store.messenger_figures("IR-15")
    assert (lorestan.telegram, lorestan.bale) == (1, 2)
    country = await bot.store.messenger_figures()
    assert (country.telegram, country.bale) == (1, 3)
    assert await bot.store.messenger_figures("IR-29") == type(country)(telegram=0, bale=0)
    officer = await telegram_officer(bot)
    await officer.send("/stats")
    assert "درخواست‌ها از تلگرام: ۱ · از بله: ۲" in officer.calls[-1].text  # in the post once Bale is in use


async def test_one_national_id_is_one_person_on_either_messenger(bot: Harness) -> None:
    officer = await telegram_officer(bot)
    holder = bot.user(APPLICANT)
    await complete_journey(holder)
    await bot.deliver()
    [held] = await bot.store.list_user_applications(APPLICANT)
    claimant = bot.user(2002, "زهرا", platform=BALE)
    await fill_form(claimant, Answers(), stop_before="birth_date")  # the holder's national ID, typed on Bale

    assert "حساب دیگری" in claimant.last_text and held.permit_number not in claimant.last_text
    draft = await bot.store.get_draft(claimant.person_id)
    assert draft is not None and draft.state == "reg.national_id" and "national_id" not in draft.data
    disputed = await bot.store.get_application(held.id)
    assert disputed is not None and disputed.disputed
    assert "⚠ مورد اختلاف" in card_of(officer, held)["text"]


async def test_a_province_channel_on_each_messenger_gets_the_daily_post(bot: Harness) -> None:
    telegram_admin = bot.user(ADMIN_ID, "مدیر")
    await telegram_admin.send("/setchannel لرستان @lorestan_jobs")
    bale_admin = bot.user(BALE_ADMIN, "مدیر بله", platform=BALE)
    await bale_admin.send("/setchannel لرستان @lorestan_bale")
    assert "ثبت شد" in bale_admin.last_text
    channels = await bot.store.list_channels(ChannelPurpose.STATS, "IR-15")
    assert [(channel.platform, channel.title) for channel in channels] == [
        (Platform.TELEGRAM, "@lorestan_jobs"), (BALE, "@lorestan_bale")]

    [job] = bot.app.job_queue.get_jobs_by_name("stats:IR-15")  # type: ignore[union-attr]
    await job.run(bot.app)
    for platform, name in ((Platform.TELEGRAM, "@lorestan_jobs"), (BALE, "@lorestan_bale")):
        [post] = [call for call in bot.recs[platform].sent("sendPhoto")]
        assert post.chat_id == bot.recs[platform].messages[next(iter(
            key for key in bot.recs[platform].messages if key[0] == post.chat_id))]["chat"]["id"]
        assert "آمار مشاغل خانگی لرستان" in post.text and name not in str(chats(bot, platform) - {post.chat_id})
    assert "<b>" not in bot.recs[BALE].last("sendPhoto").seen  # no tag shown: Bale's Markdown bold instead

    await telegram_admin.send("/channels")
    assert "تلگرام" in telegram_admin.last_text and "بله" in telegram_admin.last_text
    await bale_admin.send("/unsetchannel لرستان")  # the Bale one: each bot administers its own messenger's
    left = await bot.store.list_channels(ChannelPurpose.STATS, "IR-15")
    assert [channel.platform for channel in left] == [Platform.TELEGRAM]
    assert bot.app.job_queue.get_jobs_by_name("stats:IR-15")  # type: ignore[union-attr]


@pytest.mark.sqlite_only
async def test_an_existing_database_migrates_with_every_id_marked_telegram(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from storage import Store, migrate

    path = tmp_path / "old.sqlite3"
    everything = migrate.available_migrations()
    monkeypatch.setattr(migrate, "available_migrations", lambda: [m for m in everything if m.version < 120])
    old = Store(path)
    await old.connect()
    await old.ensure_user(123456789, "fa")
    await old.ensure_user(987654321, "en")
    async with aiosqlite.connect(path) as db:
        await db.execute("INSERT INTO channels (scope, chat_id, title, language, updated_at)"
                         " VALUES ('IR-15', -1001234567890, 'آمار لرستان', 'fa', '2026-01-01T00:00:00Z')")
        await db.commit()
    await old.close()

    monkeypatch.setattr(migrate, "available_migrations", lambda: everything)
    new = Store(path)
    await new.connect()
    rows = await new.db.execute_fetchall("SELECT telegram_id, platform, platform_user_id FROM users ORDER BY 1")
    assert [tuple(row) for row in rows] == [(123456789, "telegram", 123456789), (987654321, "telegram", 987654321)]
    [channel] = await new.list_channels()
    assert (channel.platform, channel.chat_id, channel.title) == (Platform.TELEGRAM, -1001234567890, "آمار لرستان")
    bale_person = person_id(BALE, 123456789)
    await new.ensure_user(bale_person, "en")  # the same number on Bale is another person
    rows = await new.db.execute_fetchall("SELECT platform, platform_user_id FROM users WHERE telegram_id = ?",
                                         (bale_person,))
    assert [tuple(row) for row in rows] == [("bale", 123456789)]
    await new.close()


async def test_a_photo_kept_from_one_messenger_reaches_someone_on_the_other(bot: Harness) -> None:
    bale_photo, telegram_photo = b"\x89PNG bale cake", b"\x89PNG telegram cake"
    bot.recs[BALE].uploads["cake-big"] = bale_photo  # what Bale serves for its file_id
    bot.recs[Platform.TELEGRAM].uploads["pie-big"] = telegram_photo
    bale_person = person_id(BALE, APPLICANT)

    await send_photos(bot.app.bot, OFFICER, ["bale:cake-big"], "<b>کیک</b>")  # kept from a Bale upload
    sent = bot.recs[Platform.TELEGRAM].last("sendPhoto", OFFICER)
    assert list(sent.files.values()) == [bale_photo] and sent.params["caption"] == "<b>کیک</b>"

    await send_photos(bot.app.bot, bale_person, ["pie-big"], "<b>پای</b> & چای")  # a Telegram file, to Bale
    sent = bot.recs[BALE].last("sendPhoto", APPLICANT)
    assert list(sent.files.values()) == [telegram_photo] and sent.seen == "پای & چای"  # Bale's Markdown: *پای*

    await send_photos(bot.app.bot, bale_person, ["bale:cake-big", "pie-big"], "<i>دو عکس</i>")
    album = bot.recs[BALE].last("sendMediaGroup", APPLICANT)
    first = album.params["media"][0]
    assert first["media"] == "cake-big" and ApiCall("sendPhoto", first, markdown=True).seen == "دو عکس"
    assert "parse_mode" not in album.params["media"][0] and list(album.files.values()) == [telegram_photo]


def test_files_and_ids_from_bale_are_tagged_and_telegrams_left_alone() -> None:
    update = {"update_id": 9, "message": {"message_id": 3, "chat": {"id": 42, "type": "private"},
                                          "from": {"id": 42, "is_bot": False, "first_name": "A"},
                                          "photo": [{"file_id": "cake", "file_unique_id": "c", "width": 1,
                                                     "height": 1}], "contact": {"user_id": 42, "phone_number": "1"}}}
    tagged = store_ids(update, BALE)["message"]
    assert tagged["chat"]["id"] == tagged["from"]["id"] == tagged["contact"]["user_id"] == person_id(BALE, 42)
    assert tagged["photo"][0]["file_id"] == "bale:cake" and tagged["message_id"] == 3
    assert file_owner("bale:cake") is BALE and file_owner("AgACAgIAAx0") is Platform.TELEGRAM
    assert file_owner("https://example.org/cake.png") is None and file_owner("attach://a") is None
