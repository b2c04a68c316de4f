"""Exhibitions through the real Application: creation, announcements, booth requests, decisions, the list."""

import pytest

from bot.config import Config
from domain.lifecycle import Action
from storage.records import BoothStatus, OutboxKind
from tests.conftest import ADMIN_ID
from tests.exhibition_helpers import (
    CHANNEL_ID,
    LABELS,
    add_exhibition,
    announced_and_requested,
    holder,
    officer,
    request_booth,
)
from tests.fakes import FakeClock, running


@pytest.mark.parametrize("lang", ["fa", "en"])
async def test_an_exhibition_from_creation_to_the_posted_list(config: Config, lang: str) -> None:
    clock = FakeClock()
    async with running(config, clock) as bot:
        await bot.store.set_channel("IR-15", CHANNEL_ID, "بازار لرستان", lang, ADMIN_ID)
        maker = await holder(bot, 3001, lang=lang)
        other_trade = await holder(bot, 3002, "قالیبافی", lang=lang)
        other_province = await holder(bot, 3003, province="IR-23", lang=lang)
        quiet = await holder(bot, 3004, lang=lang)
        withdrawn = await holder(bot, 3005, "گلیم‌بافی", "IR-15", lang, Action.WITHDRAW)
        await bot.user(quiet.user_id, language_code=lang).send("/notifications")  # off
        admin = bot.user(ADMIN_ID, "مدیر", language_code=lang)
        await admin.send("/start")
        if lang == "en":
            await bot.store.set_language(ADMIN_ID, "en")
            await admin.send("/start")

        await add_exhibition(bot, admin, lang, province=True)

        [exhibition] = await bot.store.list_open_exhibitions("IR-15")
        assert (exhibition.title, exhibition.booths, exhibition.city) == ("بازارچه پاییز", 2, "خرم‌آباد")
        assert exhibition.category_ids == (maker.category_id,)
        queued = [m for m in await bot.store.list_outbox() if m.kind == OutboxKind.EXHIBITION_ANNOUNCED]
        assert [m.chat_id for m in queued] == [maker.user_id]  # one row, for the one matching holder who wants it
        saved = [t for t in admin.texts_since(0) if "بازارچه پاییز" in t][-1]
        assert ("به ۱ صاحب مجوز" in saved) if lang == "fa" else ("1 permit holder in these categories is" in saved)
        channel_post = bot.rec.last("sendMessage", CHANNEL_ID).text
        assert "بازارچه پاییز" in channel_post and ("/exhibitions" in channel_post)
        await bot.deliver()
        maker_user = bot.user(maker.user_id, language_code=lang)
        assert "بازارچه پاییز" in maker_user.last_text and LABELS[lang]["apply"] in maker_user.inline_buttons()
        for nobody in (other_trade, other_province, quiet, withdrawn):
            assert not list(bot.rec.sent("sendMessage", nobody.user_id)) or \
                "بازارچه" not in bot.user(nobody.user_id).last_text

        await request_booth(maker_user, lang)
        [request] = (await bot.store.list_booth_requests(exhibition.id, BoothStatus.PENDING, 10))[0]
        assert request.self_made and len(request.photos) == 2 and request.description.startswith("گلیم دستباف")

        staff = await officer(bot, lang)
        await staff.send("/exhibitions")
        await staff.click(staff.inline_buttons()[0])
        album = bot.rec.last("sendMediaGroup", staff.id)
        assert [item["media"] for item in album.params["media"]] == list(request.photos)
        assert "گلیم دستباف" in album.params["media"][0]["caption"]
        await staff.click(LABELS[lang]["accept"])
        await bot.deliver()
        told = maker_user.last_text
        assert ("غرفه: ۱" in told) if lang == "fa" else ("Booth number: 1" in told)

        clock.advance(days=6)  # past the deadline
        [job] = bot.app.job_queue.get_jobs_by_name("look_after_exhibitions")  # type: ignore[union-attr]
        await job.run(bot.app)
        posted = bot.rec.last("sendMessage", CHANNEL_ID).text
        category = LABELS[lang]["category"]
        assert category in posted and "خرم‌آباد" in posted
        assert "سارا" not in posted and maker.permit_number not in posted and "دستباف" not in posted
        await job.run(bot.app)  # once only
        assert bot.rec.last("sendMessage", CHANNEL_ID).text == posted
        assert len([c for c in bot.rec.sent("sendMessage", CHANNEL_ID) if c.text.startswith("🏪")]) == 1

        clock.advance(days=3)  # the day before it opens
        await job.run(bot.app)
        await bot.deliver()
        assert ("فردا" in maker_user.last_text) if lang == "fa" else ("tomorrow" in maker_user.last_text)
        await job.run(bot.app)
        await bot.deliver()
        reminders = [m for m in await bot.store.list_outbox() if m.kind == OutboxKind.BOOTH_REMINDER]
        assert len(reminders) == 1

        figures = await bot.store.exhibition_figures("IR-15")
        assert (figures.held, figures.upcoming, figures.booths_filled) == (0, 1, 0)  # not opened yet
        clock.advance(days=1)
        national = await bot.store.exhibition_figures(None)
        assert (national.held, national.upcoming, national.booths_offered, national.booths_filled) == (1, 0, 2, 1)
        assert (await bot.store.exhibition_figures("IR-23")).held == 0


async def test_a_refusal_tells_the_holder_the_reason(config: Config) -> None:
    async with running(config) as bot:
        maker_user, staff = await announced_and_requested(bot, 3101, self_made=False, photos=3)
        await staff.send("/exhibitions")
        await staff.click(staff.inline_buttons()[0])
        await staff.click("❌ رد با دلیل")
        await staff.send("عکس‌ها کیفیت کافی ندارند")
        await bot.deliver()
        assert "عکس‌ها کیفیت کافی ندارند" in maker_user.last_text
        await maker_user.click("🏪 درخواست غرفه")  # the announcement's button again
        assert "پیش‌تر درخواست داده‌اید" in maker_user.last_text  # one request per exhibition


async def test_an_officer_may_not_add_an_exhibition_elsewhere_nor_a_holder_at_all(config: Config) -> None:
    async with running(config) as bot:
        stranger = bot.user(3201)
        await stranger.send("/addexhibition")
        assert "فقط برای مدیران و کارشناسان" in stranger.last_text
        staff = await officer(bot)
        await add_exhibition(bot, staff, "fa")
        [exhibition] = await bot.store.list_open_exhibitions("IR-15")
        assert exhibition.province_code == "IR-15"  # never asked: their own province


async def test_only_a_matching_holder_may_ask_for_a_booth(config: Config) -> None:
    async with running(config) as bot:
        await holder(bot, 3301)
        outsider = await holder(bot, 3302, "قالیبافی")
        staff = await officer(bot)
        await add_exhibition(bot, staff, "fa")
        [exhibition] = await bot.store.list_open_exhibitions("IR-15")
        outsider_user = bot.user(outsider.user_id)
        await outsider_user.send("/exhibitions")
        await outsider_user.click(outsider_user.inline_buttons()[0])
        assert "فقط برای صاحبان مجوز معتبر" in outsider_user.last_text
        assert await bot.store.get_user_booth_request(exhibition.id, outsider.user_id) is None
        nobody = bot.user(3303)
        await nobody.send("/exhibitions")
        assert "/apply" in nobody.last_text


async def test_notifications_toggle_and_are_read_at_delivery(config: Config) -> None:
    async with running(config) as bot:
        maker = await holder(bot, 3401)
        maker_user = bot.user(maker.user_id)
        await maker_user.send("/notifications")
        assert "خاموش" in maker_user.last_text and not await bot.store.wants_announcements(maker.user_id)
        await maker_user.send("/notifications")
        assert "روشن" in maker_user.last_text and await bot.store.wants_announcements(maker.user_id)
        staff = await officer(bot)
        bot.app.job_queue.scheduler.pause()  # type: ignore[union-attr]  # the announcement waits in the outbox
        try:
            await add_exhibition(bot, staff, "fa")
            await maker_user.send("/notifications")  # off after it was queued, before it went out
            before = len(list(bot.rec.sent("sendMessage", maker.user_id)))
            await bot.deliver()
        finally:
            bot.app.job_queue.scheduler.resume()  # type: ignore[union-attr]
        assert len(list(bot.rec.sent("sendMessage", maker.user_id))) == before
        [announcement] = [m for m in await bot.store.list_outbox("sent") if m.kind == OutboxKind.EXHIBITION_ANNOUNCED]
        assert announcement.chat_id == maker.user_id  # queued, then withheld at delivery


async def test_the_booth_list_is_posted_even_when_nobody_was_accepted(config: Config) -> None:
    clock = FakeClock()
    async with running(config, clock) as bot:
        await bot.store.set_channel("IR-15", CHANNEL_ID, "بازار لرستان", "fa", ADMIN_ID)
        staff = await officer(bot)
        await add_exhibition(bot, staff, "fa")
        clock.advance(days=6)
        [job] = bot.app.job_queue.get_jobs_by_name("look_after_exhibitions")  # type: ignore[union-attr]
        await job.run(bot.app)
        assert "غرفه‌ای تخصیص نیافت" in bot.rec.last("sendMessage", CHANNEL_ID).text


async def test_a_restart_resumes_the_form_at_its_step(config: Config) -> None:
    async with running(config) as bot:
        staff = await officer(bot)
        await staff.send("/addexhibition")
        await staff.send("بازارچه زمستان")
    async with running(config) as bot:
        staff = bot.user(staff.id, "کارشناس")
        await staff.send("خرم‌آباد")
        assert "محل برگزاری" in staff.last_text
        step = await bot.store.get_step("exhibition_form", staff.id)
        assert step is not None and step.data["title"] == "بازارچه زمستان" and step.data["city"] == "خرم‌آباد"


async def test_the_morning_digest_lists_booth_requests_waiting(config: Config) -> None:
    async with running(config) as bot:
        _, staff = await announced_and_requested(bot, 3501)
        [job] = bot.app.job_queue.get_jobs_by_name("digest")  # type: ignore[union-attr]
        await job.run(bot.app)
        [digest] = [call for call in bot.rec.sent("sendMessage", staff.id) if "گزارش صبح میز کار" in call.text]
        assert "درخواست‌های غرفه در انتظار بررسی" in digest.text and "بازارچه پاییز: ۱" in digest.text
        assert "📋 بازارچه پاییز (۱ در انتظار)" in digest.button_texts()
        await staff.click("📋 بازارچه پاییز (۱ در انتظار)")
        assert "گلیم دستباف" in bot.rec.last("sendMediaGroup", staff.id).params["media"][0]["caption"]


async def test_long_lists_page_under_telegrams_limit(config: Config) -> None:
    async with running(config) as bot:
        maker = await holder(bot, 3601)
        staff = await officer(bot)
        for number in range(45):
            await add_exhibition(bot, staff, "fa", title=f"بازارچه شماره {number} " + "صنایع دستی خانگی " * 4)
        await staff.send("/exhibitions")
        first = staff.last_text
        assert "صفحهٔ ۱ از" in first and len(first) < 4096
        await staff.click("▶")
        assert "صفحهٔ ۲ از" in staff.last_text and staff.last_text != first
        maker_user = bot.user(maker.user_id)
        await maker_user.send("/exhibitions")
        assert "صفحهٔ ۱ از" in maker_user.last_text and len(maker_user.last_text) < 4096
        await maker_user.click("▶")
        assert "صفحهٔ ۲ از" in maker_user.last_text
        admin = bot.user(ADMIN_ID)
        await admin.send("/exhibitions")
        assert "صفحهٔ ۱ از" in admin.last_text and "📋" not in " ".join(admin.inline_buttons())  # admins read


async def test_an_owed_reason_is_checked_and_gives_way_to_a_command(config: Config) -> None:
    async with running(config) as bot:
        maker_user, staff = await announced_and_requested(bot, 3701)
        await staff.send("/exhibitions")
        await staff.click(staff.inline_buttons()[0])
        await staff.click("❌ رد با دلیل")
        await staff.send("نه")
        assert "بین ۳ تا ۳۰۰ نویسه" in staff.last_text
        await staff.send("/exhibitions")  # the question is dropped; the command is answered
        assert "نمایشگاه‌ها" in staff.last_text and await bot.store.get_step("booth_reason", staff.id) is None
        await staff.send("این متن دیگر دلیل نیست")
        [exhibition] = await bot.store.list_open_exhibitions("IR-15")
        request = await bot.store.get_user_booth_request(exhibition.id, maker_user.id)
        assert request is not None and request.status == BoothStatus.PENDING
        await staff.click(staff.inline_buttons()[0])
        await staff.click("❌ رد با دلیل")
        await staff.send("❓ راهنما")  # a menu button, not a reason: the question is dropped, the button answered
        assert await bot.store.get_step("booth_reason", staff.id) is None and "راهنمای ربات" in staff.last_text
        request = await bot.store.get_user_booth_request(exhibition.id, maker_user.id)
        assert request is not None and request.status == BoothStatus.PENDING
        await staff.send("/exhibitions")
        await staff.click(staff.inline_buttons()[0])
        await staff.click("❌ رد با دلیل")
        await staff.click("✖ انصراف")
        assert "لغو شد" in staff.last_text
        request = await bot.store.get_user_booth_request(exhibition.id, maker_user.id)
        assert request is not None and request.status == BoothStatus.PENDING
