"""Exhibitions under hostile input: any text at the typed steps, files instead of photos, forged presses,
30 officers accepting at once, and announcements going out as paced bulk work."""

import asyncio
import itertools
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from telegram import PhotoSize, Sticker

from bot.app import build_application
from bot.config import Config
from bot.rate_limits import AnswersFirstRateLimiter
from domain import validators
from handlers.callbacks import ExhibitionButton
from handlers.context import in_bulk
from storage.errors import BoothsFull
from storage.records import BoothRequest, BoothStatus, ConversationStep, Exhibition, OutboxKind
from tests.exhibition_helpers import add_exhibition, holder, officer, today, typed_day
from tests.fakes import FakeUser, Harness, running
from tests.test_hostile_input import SETTINGS, SOMEWHERE, Loop, config_for, hostile_text

FORM_STEPS = ["title", "city", "place"]


def stored_only_if_valid(step: ConversationStep | None, field: str, expected: str | validators.Invalid,
                         text: str) -> None:
    """The answer is kept exactly as the validator cleans it, or (invalid, or a command) not kept at all."""
    if step is not None and field in step.data:
        assert step.data[field] == expected
    else:
        assert isinstance(expected, validators.Invalid) or text.startswith("/")


def test_any_text_at_the_exhibition_forms_typed_steps(tmp_path: Path) -> None:
    runner = Loop(config_for(tmp_path))
    staff = runner.run(officer(runner.bot))
    limits = {"title": (3, 100), "city": (2, 60), "place": (3, 200)}

    @SETTINGS
    @given(step=st.sampled_from(FORM_STEPS), text=hostile_text)
    def one_answer(step: str, text: str) -> None:
        runner.run(staff.send("/addexhibition"))
        for earlier in FORM_STEPS[:FORM_STEPS.index(step)]:
            runner.run(staff.send(f"پاسخ {earlier}"))
        runner.run(staff.send(text))
        saved = runner.run(runner.bot.store.get_step("exhibition_form", staff.id))
        low, high = limits[step]
        expected = validators.free_text(text, max_length=high, min_length=low)
        stored_only_if_valid(saved, step, expected, text)
        assert not runner.bot.errors, runner.bot.errors

    try:
        one_answer()
    finally:
        runner.close()


def test_any_text_as_a_booth_description(tmp_path: Path) -> None:
    runner = Loop(config_for(tmp_path))
    staff = runner.run(officer(runner.bot))
    runner.run(add_exhibition(runner.bot, staff, "fa"))
    [exhibition] = runner.run(runner.bot.store.list_open_exhibitions("IR-15"))
    users = itertools.count(40_000)

    @SETTINGS
    @given(text=hostile_text)
    def one_description(text: str) -> None:
        maker = runner.run(holder(runner.bot, next(users)))
        user = runner.bot.user(maker.user_id)
        runner.run(user.press(ExhibitionButton("apply", str(exhibition.id)).pack(), SOMEWHERE(user.id)))
        before = len(user.calls)
        runner.run(user.send(text))
        assert len(user.calls) > before or text.startswith("/")
        saved = runner.run(runner.bot.store.get_step("booth_form", user.id))
        expected = validators.long_text(text, 500, 10)
        stored_only_if_valid(saved, "description", expected, text)
        assert not runner.bot.errors, runner.bot.errors

    try:
        one_description()
    finally:
        runner.close()


async def start_request(bot: Harness, user_id: int) -> FakeUser:
    """A matching holder, made after the exhibition was announced, at the photos step of a request for it."""
    await holder(bot, user_id)
    user = bot.user(user_id)
    [exhibition] = await bot.store.list_open_exhibitions("IR-15")
    await user.press(ExhibitionButton("apply", str(exhibition.id)).pack(), SOMEWHERE(user_id))
    await user.send("گلیم دستباف با پشم طبیعی")
    return user


async def test_files_stickers_text_and_huge_photos_are_refused_clearly(config: Config) -> None:
    async with running(config) as bot:
        staff = await officer(bot)
        await holder(bot, 3601)
        await add_exhibition(bot, staff, "fa")
        await bot.deliver()
        user = bot.user(3601)
        await user.click("🏪 درخواست غرفه")
        await user.send_photo()  # a photo before the description
        assert "اول توضیح محصولتان را بنویسید" in user.last_text
        await user.send("x" * 501)
        assert "حداکثر ۵۰۰ نویسه" in user.last_text
        await user.send("<b>گلیم</b> & قالیچه دستباف")
        await user.send_document("cake.jpg", b"\xff\xd8\xff" + b"0" * 100)
        assert "به‌صورت «پرونده» فرستادید" in user.last_text
        await user.send_message(sticker=Sticker("s", "s", 512, 512, False, False, "regular"))
        assert "یک <b>عکس</b> از محصولتان" in user.last_text
        await user.send("این هم عکس")
        assert "یک <b>عکس</b> از محصولتان" in user.last_text
        await user.send_photo(width=1280, height=960, file_size=8 * 1024 * 1024)
        assert "خیلی بزرگ است" in user.last_text
        await user.send_message(photo=(PhotoSize("wide", "w", 12000, 300, 100_000),))
        assert "خیلی بزرگ است" in user.last_text
        step = await bot.store.get_step("booth_form", 3601)
        assert step is not None and step.data["photos"] == [] and step.state == "booth.photos"
        kept = await user.send_photo()
        await user.click("✅ همین‌ها کافی است")
        await user.click("بله، خودم می‌سازم")
        await user.click("📨 ارسال درخواست")
        [exhibition] = await bot.store.list_open_exhibitions("IR-15")
        request = await bot.store.get_user_booth_request(exhibition.id, 3601)
        assert request is not None and request.photos == (kept,) and request.description.startswith("<b>گلیم</b>")
        await staff.send("/exhibitions")
        await staff.click(staff.inline_buttons()[0])
        caption = bot.rec.last("sendPhoto", staff.id).text  # as the officer's client shows it
        assert "&lt;b&gt;گلیم&lt;/b&gt; &amp; قالیچه" in caption  # shown as typed, never as markup


async def test_a_third_photo_ends_the_photos_and_later_ones_are_not_taken(config: Config) -> None:
    async with running(config) as bot:
        staff = await officer(bot)
        await add_exhibition(bot, staff, "fa")
        await bot.deliver()
        user = await start_request(bot, 3701)
        await bot.deliver()
        shots = [await user.send_photo() for _ in range(3)]
        assert "خودتان" in user.last_text  # the next question
        await user.send_photo()  # a fourth, e.g. from an album of four
        assert "دکمه‌های پیام بالا" in user.last_text
        step = await bot.store.get_step("booth_form", 3701)
        assert step is not None and step.data["photos"] == shots


async def test_dates_are_jalali_in_range_and_in_any_digits(config: Config) -> None:
    async with running(config) as bot:
        staff = await officer(bot)
        for answer in ("/addexhibition", "بازارچه", "خرم‌آباد", "سالن ۲"):
            await staff.send(answer)
        await staff.send("2026/12/20")
        assert "میلادی" in staff.last_text
        await staff.send("1405/07/31")
        assert "چنین روزی" in staff.last_text
        await staff.send(typed_day(today(bot) - timedelta(days=1), "fa"))
        assert "زودتر از" in staff.last_text
        await staff.send("فردا")
        assert "سال/ماه/روز" in staff.last_text
        await staff.send(typed_day(today(bot), "en").replace("/", "-"))
        step = await bot.store.get_step("exhibition_form", staff.id)
        assert step is not None and step.state == "exhibition.ends_on"
        assert step.data["starts_on"] == today(bot).isoformat()


async def test_forged_and_foreign_presses_change_nothing(config: Config) -> None:
    async with running(config) as bot:
        staff = await officer(bot)
        await add_exhibition(bot, staff, "fa")
        await bot.deliver()
        user = await start_request(bot, 3801)
        await user.send_photo()
        await user.click("✅ همین‌ها کافی است")
        await user.click("بله، خودم می‌سازم")
        await user.click("📨 ارسال درخواست")
        [exhibition] = await bot.store.list_open_exhibitions("IR-15")
        request = await bot.store.get_user_booth_request(exhibition.id, 3801)
        assert request is not None
        elsewhere = await officer(bot, province="IR-23", user_id=2023)
        for presser in (user, elsewhere, bot.user(3899)):
            for action in ("accept", "refuse"):
                await presser.press(ExhibitionButton(action, str(request.id)).pack(), SOMEWHERE(presser.id))
                assert bot.rec.last("answerCallbackQuery").params.get("show_alert")
            await presser.press(ExhibitionButton("open", str(exhibition.id)).pack(), SOMEWHERE(presser.id))
        await staff.press(ExhibitionButton("accept", "999999").pack(), SOMEWHERE(staff.id))
        assert bot.rec.last("answerCallbackQuery").params.get("show_alert")
        decided = await bot.store.get_booth_request(request.id)
        assert decided is not None and decided.status == BoothStatus.PENDING
        # The province's officer who is the requester himself: a conflict of interest.
        await bot.store.set_officer(3801, "IR-15", 9000001, "fa")
        await user.press(ExhibitionButton("accept", str(request.id)).pack(), SOMEWHERE(user.id))
        assert "به خود شما مربوط است" in bot.rec.last("answerCallbackQuery").params["text"]


async def thirty_requests(bot: Harness, booths: int, first_user: int) -> tuple[FakeUser, Exhibition,
                                                                             list[BoothRequest]]:
    """An officer's exhibition with `booths` booths and thirty pending requests from matching holders."""
    staff = await officer(bot)
    await add_exhibition(bot, staff, "fa", booths=booths)
    [exhibition] = await bot.store.list_open_exhibitions("IR-15")
    requests = []
    for user_id in range(first_user, first_user + 30):
        await holder(bot, user_id)
        requests.append(await bot.store.submit_booth_request(exhibition.id, user_id, "گلیم دستباف", ["p"], True))
    return staff, exhibition, requests


async def test_thirty_officers_accepting_at_once_never_pass_the_booth_count(config: Config) -> None:
    async with running(config) as bot:
        staff, exhibition, requests = await thirty_requests(bot, booths=10, first_user=5000)
        officers = [await officer(bot, user_id=2100 + i) for i in range(30)]
        for person in officers:
            person.process = person.process_through_queue
        await asyncio.gather(*(person.press(ExhibitionButton("accept", str(request.id)).pack(), SOMEWHERE(person.id))
                               for person, request in zip(officers, requests, strict=True)))
        booths = await bot.store.list_booths(exhibition.id)
        assert sorted(r.booth for r in booths) == list(range(1, 11))
        full = [c for c in bot.rec.sent("answerCallbackQuery") if "پر شده" in str(c.params.get("text"))]
        assert len(full) == 20
        after = await bot.store.get_exhibition(exhibition.id)
        assert after is not None and after.booths_taken == 10
        accepted = [m for m in await bot.store.list_outbox() if m.kind == OutboxKind.BOOTH_ACCEPTED]
        assert len(accepted) == 10


async def test_the_store_alone_never_passes_the_booth_count_either(config: Config) -> None:
    async with running(config) as bot:
        staff, _, requests = await thirty_requests(bot, booths=3, first_user=5100)
        outcomes = await asyncio.gather(*(bot.store.accept_booth_request(r.id, staff.id) for r in requests),
                                        return_exceptions=True)
        assert sum(not isinstance(o, BaseException) for o in outcomes) == 3
        assert all(isinstance(o, BoothsFull) for o in outcomes if isinstance(o, BaseException))


async def test_announcements_go_out_as_paced_bulk_work(config: Config) -> None:
    harness = Harness(config)
    # The production rate limiter instead of none: bulk work is held to 14 messages a second.
    harness.app = build_application(config, harness.store, request=harness.rec, rate_limiter=AnswersFirstRateLimiter())
    harness.app.add_error_handler(harness._collect_error)  # noqa: SLF001
    marks: list[tuple[Any, bool, float]] = []
    record = harness.rec.do_request

    async def marked(*args: Any, **kwargs: Any) -> tuple[int, bytes]:
        answer = await record(*args, **kwargs)
        marks.append((harness.rec.calls[-1].chat_id, in_bulk(), time.monotonic()))
        return answer

    harness.rec.do_request = marked  # type: ignore[method-assign]
    await harness.start()
    try:
        for user_id in range(6000, 6015):
            await holder(harness, user_id)
        staff = await officer(harness)
        await add_exhibition(harness, staff, "fa")  # the courier is kicked: its job delivers, as in production
        for _ in range(100):
            if not await harness.store.list_outbox("pending"):
                break
            await asyncio.sleep(0.1)
        sends = [(bulk, at) for chat, bulk, at in marks if isinstance(chat, int) and 6000 <= chat < 6015]
        assert len(sends) == 15 and all(bulk for bulk, _ in sends)
        assert sends[-1][1] - sends[0][1] >= 14 / 14 * 0.9  # about 14 a second, not all at once
    finally:
        await harness.stop()
    assert not harness.errors
