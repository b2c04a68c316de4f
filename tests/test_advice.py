"""Advice (مشاوره): an applicant asks the advisers of their province; the first adviser to press «پاسخ می‌دهم»
takes the question (the others' cards say who), answers in their next message, and the answer comes back to be
rated and followed up. Advisers are appointed and removed by admins, and checked at every press and answer."""

import asyncio
import re
from typing import Any

import pytest

from bot.config import Config
from domain.normalize import normalize
from handlers.appoint import PICK_ADVISER
from tests.conftest import ADMIN_ID
from tests.fakes import FakeClock, FakeUser, Harness, running
from tests.test_officer import apply, appoint, buttons

ADVISER, SECOND_ADVISER, TEHRAN_ADVISER = 3001, 3002, 3101
TAKE, TAKE_EN = "🙋 پاسخ می‌دهم", "🙋 I'll answer"


async def adviser(bot: Harness, user_id: int, province: str = "لرستان", name: str = "سارا") -> FakeUser:
    """An adviser appointed by the admin, who then starts the bot (so their name shows on colleagues' cards)."""
    await bot.user(ADMIN_ID, "مدیر").send(f"/addadviser {user_id} {province}")
    person = bot.user(user_id, name)
    await person.send("/start")
    return person


async def ask_typed(applicant: FakeUser, question: str, province: str | None = "لرستان") -> None:
    """/advice, the province (None: known from their application or last question), «سایر», the question, send."""
    await applicant.send("/advice")
    if province is not None:
        await applicant.click(province)
    await applicant.click("💬 سایر")
    await applicant.send(question)
    await applicant.click("✅ فرستادن پرسش")


CARD_HEAD = re.compile(r"(?:پرسش مشاوره شماره|Advice question) ([0-9۰-۹]+)")


def cards(person: FakeUser) -> list[dict[str, Any]]:
    """The question cards a person's client shows now, one per question (its newest message: where edits drop
    buttons, a card is sent again), oldest question first."""
    newest: dict[int, dict[str, Any]] = {}
    for (chat, _), message in sorted(person.rec.messages.items(), key=lambda item: item[0][1]):
        if chat == person.id and (head := CARD_HEAD.search(message.get("text", ""))):
            newest[int(normalize(head.group(1)))] = message
    return [newest[number] for number in sorted(newest)]


async def audited(bot: Harness, *actions: str) -> list[str]:
    rows = await bot.store.db.execute_fetchall("SELECT action FROM audit_log ORDER BY id")
    return [row["action"] for row in rows if row["action"] in actions]


async def test_one_adviser_takes_the_question_the_other_sees_who_and_the_answer_is_rated_and_followed_up(
        bot: Harness) -> None:
    sara, reza = await adviser(bot, ADVISER), await adviser(bot, SECOND_ADVISER, name="رضا")
    applicant, _ = await apply(bot)
    await applicant.send("/advice")
    assert "موضوع پرسش" in applicant.last_text
    assert applicant.inline_buttons() == ["🧵 مهارت و آموزش", "🛍 بازاریابی و فروش", "🏦 وام و بانک",
                                          "⚖️ حقوقی و مجوزها", "💬 سایر"]
    await applicant.click("🛍 بازاریابی و فروش")
    await applicant.send("چطور گلیم‌هایم را\nاینترنتی بفروشم؟")
    assert "چطور گلیم‌هایم را\nاینترنتی بفروشم؟" in applicant.last_text  # read back, line break and all
    await applicant.click("✅ فرستادن پرسش")
    assert "برای ۲ مشاور استان لرستان فرستاده شد" in applicant.last_text
    await bot.deliver()

    for person in (sara, reza):
        [card] = cards(person)
        assert "بازاریابی و فروش" in card["text"] and "اینترنتی بفروشم" in card["text"]
        assert buttons(card) == [TAKE]
    await sara.click(TAKE)
    assert "پیام بعدی شما همان پاسخ است" in sara.last_text
    [card] = cards(reza)
    assert "پاسخ این پرسش را سارا بر عهده گرفته است" in card["text"] and buttons(card) == []
    assert "پاسخ این پرسش را شما بر عهده گرفته‌اید" in cards(sara)[0]["text"]

    await sara.send("از بازارچه‌های محلی و صفحه‌ای در شبکه‌های اجتماعی شروع کنید.")
    assert "برای پرسش‌کننده فرستاده شد" in sara.last_text
    assert "پاسخ داده شد (سارا)" in cards(reza)[0]["text"]
    await bot.deliver()
    assert "پاسخ مشاور" in applicant.last_text and "بازارچه‌های محلی" in applicant.last_text
    assert applicant.inline_buttons() == ["👍 مفید بود", "👎 مفید نبود", "❓ پرسش بعدی"]
    await applicant.click("👍 مفید بود")
    assert applicant.inline_buttons()[0] == "✓ 👍 مفید بود"
    assert (await bot.store.list_open_questions("IR-15", 5))[1] == 0  # answered: nothing open
    first = await bot.store.get_question(1)
    assert first is not None and first.rating == 1 and first.taken_by == ADVISER and first.answer is not None

    await applicant.click("❓ پرسش بعدی")
    assert "پرسش بعدی" in applicant.last_text
    await applicant.send("برای عکس گرفتن از محصولات چه کنم؟")
    await applicant.click("✅ فرستادن پرسش")
    await bot.deliver()
    follow_up = cards(reza)[-1]
    assert "در ادامه پرسش ۱" in follow_up["text"] and "بازارچه‌های محلی" in follow_up["text"]
    assert buttons(follow_up) == [TAKE]
    second = await bot.store.get_question(2)
    assert second is not None and second.follows_id == 1 and second.topic == "marketing"
    assert await audited(bot, "add_adviser", "ask_advice", "take_advice", "answer_advice", "rate_advice") == [
        "add_adviser", "add_adviser", "ask_advice", "take_advice", "answer_advice", "rate_advice", "ask_advice"]


async def test_the_same_exchange_in_english(bot: Harness) -> None:
    sara, reza = bot.user(ADVISER, "Sara"), bot.user(SECOND_ADVISER, "Reza")
    for person in (sara, reza):  # they started the bot and chose English before being appointed
        await person.send("/start")
        await person.send("/lang en")
        await bot.user(ADMIN_ID).send(f"/addadviser {person.id} Lorestan")
    assert "home-business adviser for Lorestan" in sara.last_text
    applicant = bot.user(1001, "Maryam")
    await applicant.send("/lang en")
    await applicant.send("/advice")
    assert "Which province" in applicant.last_text  # no application to take the province from
    await applicant.click("Lorestan")
    await applicant.click("🏦 Loans and banks")
    assert "at most 1,000 characters" in applicant.last_text
    await applicant.send("Which bank gives home-business loans?")
    await applicant.click("✅ Send the question")
    assert "sent to 2 adviser(s) for Lorestan" in applicant.last_text
    await bot.deliver()
    assert "Loans and banks" in cards(sara)[0]["text"] and buttons(cards(reza)[0]) == [TAKE_EN]
    await sara.click(TAKE_EN)
    assert "Sara has taken this question" in cards(reza)[0]["text"] and buttons(cards(reza)[0]) == []
    await sara.send("The designated banks are listed by the province's office.")
    assert "Answered (Sara)" in cards(reza)[0]["text"]
    await bot.deliver()
    assert "The adviser's answer" in applicant.last_text
    await applicant.click("👎 Not useful")
    assert "✓ 👎 Not useful" in applicant.inline_buttons()
    answered = await bot.store.get_question(1)
    assert answered is not None and answered.rating == -1
    await applicant.click("❓ Next question")
    assert "Next question" in applicant.last_text
    await applicant.send("And which documents?")
    await applicant.click("✅ Send the question")
    await bot.deliver()
    assert "Follows question 1" in cards(reza)[-1]["text"] and buttons(cards(reza)[-1]) == [TAKE_EN]
    await sara.send("/help")
    assert "/questions" in sara.last_text and "Adviser for Lorestan" in sara.last_text


async def test_an_applicant_of_another_province_never_reaches_these_advisers(bot: Harness) -> None:
    sara = await adviser(bot, ADVISER)
    tehran = await adviser(bot, TEHRAN_ADVISER, "تهران", "نگار")
    applicant, _ = await apply(bot, province="تهران", city="تهران")
    await ask_typed(applicant, "پرسش ویژه استان تهران", province=None)
    await bot.deliver()
    assert cards(sara) == [] and not any("پرسش ویژه" in call.text for call in sara.calls if call.text)
    [card] = cards(tehran)
    question = await bot.store.get_question(1)
    assert question is not None and question.province_code == "IR-23"

    await sara.press("v1:adv:take:1", card)  # forged: the Tehran card's button, pressed by Lorestan's adviser
    assert "اجازه" in bot.rec.last("answerCallbackQuery").params["text"]
    await sara.send("پاسخی که نباید برسد")
    question = await bot.store.get_question(1)
    assert question is not None and question.taken_by is None and question.answer is None
    await sara.send("/questions")
    assert "هیچ پرسشی منتظر مشاور نیست" in sara.last_text
    stranger = bot.user(4444)
    await stranger.send("/questions")
    assert "مخصوص مشاوران" in stranger.last_text


async def test_a_removed_adviser_is_refused_and_their_question_goes_back(bot: Harness) -> None:
    sara, reza = await adviser(bot, ADVISER), await adviser(bot, SECOND_ADVISER, name="رضا")
    applicant = bot.user(1001)
    await applicant.send("/advice")
    await applicant.click("لرستان")
    await applicant.click("⚖️ حقوقی و مجوزها")
    await applicant.send("آیا برای قنادی خانگی مجوز بهداشت لازم است؟")
    await applicant.click("✅ فرستادن پرسش")
    await bot.deliver()
    await sara.click(TAKE)
    admin = bot.user(ADMIN_ID)
    await admin.send(f"/removeadviser {ADVISER}")
    assert "دیگر مشاور استان لرستان نیست" in admin.last_text
    assert buttons(cards(reza)[0]) == [TAKE]  # open to the others again
    await sara.send("بله، لازم است.")
    assert "دیگر در دست شما نیست" in sara.last_text
    await sara.press("v1:adv:take:1", cards(sara)[0])  # the stale card
    assert "اجازه" in bot.rec.last("answerCallbackQuery").params["text"]
    question = await bot.store.get_question(1)
    assert question is not None and question.taken_by is None and question.answer is None
    await bot.deliver()
    assert "پاسخ مشاور" not in applicant.last_text
    await admin.send("/officers")
    assert "مشاوران لرستان: رضا (3002)" in admin.last_text and "3001" not in admin.last_text
    await admin.send(f"/removeadviser {ADVISER}")
    assert "مشاور نیست" in admin.last_text


async def test_two_advisers_pressing_at_once_have_one_winner(bot: Harness) -> None:
    sara, reza = await adviser(bot, ADVISER), await adviser(bot, SECOND_ADVISER, name="رضا")
    applicant = bot.user(1001)
    await ask_typed(applicant, "پرسش همزمان")
    await bot.deliver()
    sara.process = sara.process_through_queue
    reza.process = reza.process_through_queue
    await asyncio.gather(sara.click(TAKE), reza.click(TAKE))
    question = await bot.store.get_question(1)
    assert question is not None and question.taken_by in (ADVISER, SECOND_ADVISER)
    loser = reza if question.taken_by == ADVISER else sara
    assert "بر عهده گرفته است" in cards(loser)[0]["text"] and buttons(cards(loser)[0]) == []
    assert await audited(bot, "take_advice") == ["take_advice"]


async def test_bad_questions_and_answers_are_asked_again_and_nothing_is_stored(bot: Harness) -> None:
    sara = await adviser(bot, ADVISER)
    applicant = bot.user(1001)
    await applicant.send("/advice")
    await applicant.click("لرستان")
    await applicant.click("💬 سایر")
    await applicant.send("\u200c  \u200f")
    assert "پرسش شما خالی است" in applicant.last_text
    await applicant.send("س" * 1001)
    assert "۱٬۰۰۱ نویسه" in applicant.last_text and "حداکثر ۱٬۰۰۰" in applicant.last_text
    await applicant.send("پرسش درست")
    await applicant.click("✏️ نوشتن دوباره")
    await applicant.send("پرسش درست‌تر")
    await applicant.click("✅ فرستادن پرسش")
    question = await bot.store.get_question(1)
    assert question is not None and question.question == "پرسش درست‌تر"
    await bot.deliver()
    await sara.click(TAKE)
    await sara.send("پ" * 2501)
    assert "حداکثر ۲٬۵۰۰" in sara.last_text
    await sara.click("✖ پاسخ نمی‌دهم")
    assert "به مشاوران دیگر برگشت" in sara.last_text
    question = await bot.store.get_question(1)
    assert question is not None and question.taken_by is None and question.answer is None
    assert buttons(cards(sara)[0]) == [TAKE]

    await applicant.send("/advice")
    await applicant.click("💬 سایر")
    await applicant.send("/cancel")
    assert "فرستاده نشد" in applicant.last_text
    assert await bot.store.get_advice_draft(applicant.id) is None


@pytest.mark.telegram_only(reason="Bale has neither request_users nor menus: advisers are appointed by id there")
async def test_the_admin_picks_an_adviser_with_the_button_and_their_menu_has_questions(bot: Harness) -> None:
    admin = bot.user(ADMIN_ID)
    await admin.send("/addadviser")
    [[button]] = bot.rec.last("sendMessage", ADMIN_ID).params["reply_markup"]["keyboard"]
    assert button["request_users"]["request_id"] == PICK_ADVISER
    await admin.share_users(PICK_ADVISER, ADVISER)
    assert "مشاور کدام استان" in admin.last_text
    await admin.click("لرستان")
    assert "مشاور استان لرستان شد" in admin.last_text
    menu = [call for call in bot.rec.calls if call.method == "setMyCommands" and call.chat_id == ADVISER][-1]
    assert "questions" in [command["command"] for command in menu.params["commands"]]
    officer = await appoint(bot, ADVISER)  # an adviser may be an officer too: both menus
    await officer.send("/start")
    assert "/questions" in officer.last_text and "/pending" in officer.last_text
    await bot.user(4444).press("v1:appadv:4444:IR-15", {"message_id": 1, "date": 0,
                                                          "chat": {"id": 4444, "type": "private"}})
    assert await bot.store.get_adviser(4444) is None


async def test_the_digest_lists_questions_unanswered_for_days(config: Config) -> None:
    clock = FakeClock()
    bot = await Harness(config, clock=clock).start()
    try:
        officer = await appoint(bot)
        applicant = bot.user(1001)
        await ask_typed(applicant, "پرسشی که کسی پاسخ نداد")
        clock.advance(days=1)
        await ask_typed(applicant, "پرسش تازه", province=None)  # the province of their first question
        clock.advance(days=3)
        [job] = bot.app.job_queue.get_jobs_by_name("digest")  # type: ignore[union-attr]
        await job.run(bot.app)
    finally:
        await bot.stop()
    assert not bot.errors
    digest = bot.rec.last("sendMessage", officer.id).text
    assert "بی‌پاسخ بیش از ۳ روز: ۱" in digest and "۴ روز" in digest and "کسی پاسخ نداد" in digest
    assert "پرسش تازه" not in digest and "/addadviser" in digest  # no adviser in the province yet


async def test_advice_figures_for_a_province_and_the_country(bot: Harness) -> None:
    store = bot.store
    await store.ensure_user(1001, "fa")
    await store.set_adviser(ADVISER, "IR-15", ADMIN_ID, "fa")
    for province in ("IR-15", "IR-15", "IR-23"):
        await store.ask_advice(1001, province, "other", "پرسش")
    await store.take_question(1, ADVISER)
    await store.answer_question(1, ADVISER, "پاسخ")
    lorestan, country = await store.advice_figures("IR-15"), await store.advice_figures(None)
    assert (lorestan.asked, lorestan.answered) == (2, 1) and lorestan.median_hours_to_answer is not None
    assert (country.asked, country.answered) == (3, 1)
    assert (await store.advice_figures("IR-01")).median_hours_to_answer is None


async def test_a_question_being_written_and_an_owed_answer_survive_a_restart(config: Config) -> None:
    async with running(config) as bot:
        sara = await adviser(bot, ADVISER)
        first = bot.user(1001)
        await ask_typed(first, "پرسش پیش از راه‌اندازی دوباره")
        await bot.deliver()
        await sara.click(TAKE)
        second = bot.user(1002)
        await second.send("/advice")
        await second.click("لرستان")
        await second.click("🧵 مهارت و آموزش")
    async with running(config) as bot:
        second = bot.user(1002)
        await second.send("دوره آموزش گلیم‌بافی کجا برگزار می‌شود؟")
        assert "فرستاده شود؟" in second.last_text  # the question step resumed: read back to be sent
        await bot.user(ADVISER, "سارا").send("پاسخ پس از راه‌اندازی دوباره")
        answered = await bot.store.get_question(1)
        assert answered is not None and answered.answer == "پاسخ پس از راه‌اندازی دوباره"


async def test_an_answer_not_given_in_time_goes_back_to_the_others(bot: Harness) -> None:
    sara, reza = await adviser(bot, ADVISER), await adviser(bot, SECOND_ADVISER, name="رضا")
    applicant = bot.user(1001)
    await ask_typed(applicant, "پرسشی که دیر پاسخ داده شد")
    await bot.deliver()
    await sara.click(TAKE)
    [timeout] = [job for job in bot.app.job_queue.jobs()  # type: ignore[union-attr]
                 if job.callback.__name__ == "_trigger_timeout"]
    await timeout.run(bot.app)
    assert "۳۰ دقیقه گذشت" in sara.last_text
    assert buttons(cards(reza)[0]) == [TAKE] and buttons(cards(sara)[0]) == [TAKE]
    await reza.click(TAKE)
    await sara.send("پاسخ دیرهنگام")  # the conversation is over: only stray text now
    question = await bot.store.get_question(1)
    assert question is not None and question.taken_by == SECOND_ADVISER and question.answer is None


async def test_an_officer_who_advises_owes_one_typed_answer_at_a_time(bot: Harness) -> None:
    officer = await appoint(bot, ADVISER)
    await bot.user(ADMIN_ID).send(f"/addadviser {ADVISER} لرستان")
    _, application = await apply(bot)
    await officer.click("✅ ثبت نظارت")
    await officer.click("❌ رد اهلیت")  # a reason is owed...
    asker = bot.user(1002)
    await asker.send("/advice")  # an applicant of Lorestan through their question's province
    await asker.click("لرستان")
    await ask_typed(asker, "پرسش در میانه کار کارشناس")
    await bot.deliver()
    await officer.click(TAKE)  # ...so the question waits: their next message has one meaning
    assert "نخست دلیل یا مبلغی" in bot.rec.last("answerCallbackQuery").params["text"]
    await officer.click("✖ لغو")
    await officer.click(TAKE)
    await officer.send("پاسخ مشاوره، نه دلیل رد")
    current = await bot.store.get_application(application.id)
    question = await bot.store.get_question(1)
    assert current is not None and current.stage.value == "supervised" and current.reason is None
    assert question is not None and question.answer == "پاسخ مشاوره، نه دلیل رد"


async def test_a_question_asked_before_any_adviser_reaches_the_first_one_appointed(bot: Harness) -> None:
    applicant = bot.user(1001)
    await ask_typed(applicant, "کسی هست پاسخ بدهد؟")
    assert "هنوز مشاوری برای استان لرستان تعیین نشده است" in applicant.last_text
    sara = await adviser(bot, ADVISER)
    await bot.deliver()
    [card] = cards(sara)
    assert "کسی هست پاسخ بدهد؟" in card["text"] and buttons(card) == [TAKE]
    mark = len(bot.rec.calls)
    await sara.send("/questions")
    header, again = sara.texts_since(mark)
    assert "۱ پرسش" in header and "منتظر مشاور" in header and "کسی هست پاسخ بدهد؟" in again
    assert buttons(cards(sara)[-1]) == [TAKE]
    await sara.send("/start")
    assert "(۱ پرسش اکنون)" in sara.last_text
