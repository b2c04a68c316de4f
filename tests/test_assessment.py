"""The readiness self-assessment through the real Application: the offer under a new permit, one question a screen
edited in place, the score, band and next steps in fa and en, the retake limit, officers' cards, /app and /pending,
several applications, stale and forged presses, a restart in the middle, and the figures for the statistics."""

import asyncio
import itertools
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import Config
from bot.platforms import KeyboardEdits
from domain.lifecycle import Action
from handlers.callbacks import AssessButton
from messages.formatting import format_jalali
from storage import NotFound, RetakeTooSoon
from storage.records import Application, PermitRequest
from tests.fakes import FakeClock, FakeUser, Harness, running
from tests.journey import complete_journey
from tests.seeding import next_national_id
from tests.test_desk_find import issue
from tests.test_hostile_input import SETTINGS, SOMEWHERE, Loop, callback_data, config_for, hostile_text
from tests.test_officer import OFFICER, appoint, card_of

OFFER_FA, OFFER_EN = "🧭 ارزیابی آمادگی", "🧭 Readiness self-assessment"
BEST, WORST = 0, -1  # the options come best first in data/assessment.csv


def options(user: FakeUser) -> list[dict]:
    """The answer buttons of the question on screen (without ◀ and ✖)."""
    return [row[0] for row in user.latest_inline_message()["reply_markup"]["inline_keyboard"]
            if row[0]["callback_data"].startswith("v1:asmt:ans:")]


async def issue_in(bot: Harness, category_en: str, user_id: int) -> Application:
    """An application in the named category, written through the store (the form is tested elsewhere)."""
    await bot.store.ensure_user(user_id, "en")
    [category] = [c for c in await bot.store.list_categories() if c.name_en == category_en]
    return await bot.store.issue_permit(PermitRequest(
        user_id=user_id, category_id=category.id, track="independent", full_name="Maryam Ahmadi",
        national_id=next_national_id(), birth_date=date(1990, 1, 1), mobile="09120000000", province_code="IR-15",
        city="Khorramabad", address="12 Imam Street", postal_code="1234567890", education="diploma", workers=1,
    ), bot.config.rules.permit_number_format, 5)


async def answer(user: FakeUser, pick: int, questions: int) -> None:
    for _ in range(questions):
        await user.press(options(user)[pick]["callback_data"])


async def test_a_new_permit_holder_is_offered_the_assessment_and_gets_ready_in_persian(bot: Harness) -> None:
    applicant = bot.user(1001)
    await complete_journey(applicant)
    assert "ارزیابی آمادگی" in bot.rec.last("sendMessage", applicant.id).text  # the permit's message says so
    assert applicant.inline_buttons() == ["🖨 نسخه PDF برای چاپ", OFFER_FA]  # on the card, no extra message
    await applicant.click(OFFER_FA)
    assert "پرسش ۱ از ۸" in applicant.last_text and "مهارت" in applicant.last_text
    first = applicant.latest_inline_message()["message_id"]

    for step in range(8):
        mark = len(bot.rec.calls)
        await applicant.press(options(applicant)[BEST]["callback_data"])
        made = [call for call in bot.rec.calls[mark:] if call.method != "answerCallbackQuery"]
        if bot.config.features.keyboard_edits is KeyboardEdits.EDIT:
            assert [call.method for call in made][:1] == ["editMessageText"], made  # one round trip a step
            assert "sendMessage" not in [call.method for call in made] and made[0].params["message_id"] == first
        else:  # Bale may drop an edit's buttons: a question is a new message, the old one's taken away beside it
            assert [call.method for call in made] == (["sendMessage", "editMessageReplyMarkup"] if step < 7
                                                      else ["editMessageText"]), made  # the result has none
        if step < 7:
            assert f"پرسش {'۲۳۴۵۶۷۸'[step]} از ۸" in applicant.last_text

    result = applicant.last_text
    assert "امتیاز: <b>۱۰۰ از ۱۰۰</b>" in result and "سطح: <b>🟢 آماده</b>" in result
    assert "قدم‌های بعدی شما" in result and "کارت ملی، کارت مجوز" in result
    [application] = await bot.store.list_user_applications(applicant.id)
    assert (application.assessment_score, application.assessment_band) == (100, "ready")
    [attempt] = await bot.store.list_assessments(application.id)
    assert attempt.answers["skill"] == "certificate" and attempt.band == "ready"
    assert f"از {format_jalali(attempt.taken_at + timedelta(days=7), 'fa')}" in result


async def test_an_english_applicant_of_a_food_sector_is_asked_its_own_question_and_needs_advice(bot: Harness) -> None:
    applicant = bot.user(1002, language_code="en")
    await applicant.send("/lang en")
    await issue_in(bot, "Saffron processing", applicant.id)
    await applicant.send("/assess")
    assert "Question 1 of 9" in applicant.last_text
    await answer(applicant, WORST, 8)
    assert "health card" in applicant.last_text  # the sector's own question comes last, as in the file
    await answer(applicant, WORST, 1)
    result = applicant.last_text
    assert "Score: <b>0 out of 100</b>" in result and "Band: <b>🟠 Needs advice</b>" in result
    assert "/advice" in result and "likely buyers" in result


async def test_the_retake_waits_a_week_and_says_from_when(config: Config) -> None:
    clock = FakeClock()
    async with running(config, clock=clock) as bot:
        applicant = bot.user(1001)
        await complete_journey(applicant)
        await applicant.click(OFFER_FA)
        await answer(applicant, WORST, 8)
        [application] = await bot.store.list_user_applications(applicant.id)
        assert application.assessment_band == "advice"

        clock.advance(days=6)
        await applicant.send("/assess")
        allowed = format_jalali(clock.now + timedelta(days=1), "fa")
        assert f"از {allowed} می‌توانید دوباره" in applicant.last_text and "۷ روز" in applicant.last_text
        assert applicant.inline_buttons() == ["🖨 نسخه PDF برای چاپ", OFFER_FA]  # no question was asked
        await applicant.click(OFFER_FA)  # the old offer too
        assert f"از {allowed}" in applicant.last_text

        clock.advance(days=1, minutes=1)
        await applicant.send("/assess")
        assert "پرسش ۱ از ۸" in applicant.last_text
        await answer(applicant, BEST, 8)
        attempts = await bot.store.list_assessments(application.id)
        assert [a.band for a in attempts] == ["advice", "ready"]  # the history is kept
        current = await bot.store.get_application(application.id)
        assert current is not None and current.assessment_band == "ready"


async def test_officers_see_band_and_score_on_the_card_and_in_app(bot: Harness) -> None:
    officer = await appoint(bot)
    applicant = bot.user(1001)
    await complete_journey(applicant)
    await bot.deliver()
    [application] = await bot.store.list_user_applications(applicant.id)
    assert "ارزیابی آمادگی" not in card_of(officer, application)["text"]

    await applicant.click(OFFER_FA)
    await answer(applicant, BEST, 8)
    assert "ارزیابی آمادگی: 🟢 آماده، امتیاز ۱۰۰ از ۱۰۰" in card_of(officer, application)["text"]  # edited

    await officer.send(f"/app {application.permit_number}")
    details = [call.text for call in bot.rec.sent("sendMessage", OFFICER)][-2]
    assert "ارزیابی آمادگی: 🟢 آماده، امتیاز ۱۰۰" in details  # the history names every attempt
    assert "ارزیابی آمادگی: 🟢 آماده، امتیاز ۱۰۰ از ۱۰۰" in officer.last_text

    english = bot.user(OFFICER)
    await english.send("/lang en")
    await english.send(f"/app {application.permit_number}")
    assert "Readiness: 🟢 Ready, score 100 of 100" in english.last_text


async def assessed(bot: Harness, user_id: int, pick: int) -> Application:
    applicant = bot.user(user_id)
    application = await issue(bot, f"متقاضی {user_id}", user_id=user_id)
    await applicant.send("/assess")
    await answer(applicant, pick, 8)
    return application


async def test_pending_filters_by_band(bot: Harness) -> None:
    officer = await appoint(bot)
    ready = await assessed(bot, 1001, BEST)
    advice = await assessed(bot, 1002, WORST)
    unassessed = await issue(bot, "بی‌ارزیابی", user_id=1003)

    await officer.send("/pending آماده")
    text = officer.last_text
    assert "(🟢 آماده): ۱" in text and "متقاضی 1001" in text and "متقاضی 1002" not in text
    await officer.click("🟠 نیاز به مشاوره")
    text = officer.last_text
    assert "(🟠 نیاز به مشاوره): ۱" in text and "متقاضی 1002" in text and "متقاضی 1001" not in text
    assert "✓ 🟠 نیاز به مشاوره" in officer.inline_buttons() and "⏩ همه را انجام بده" not in officer.inline_buttons()

    await officer.send("/pending")  # all of them, each with its band when it has one
    assert "🟢 آماده" in officer.last_text and unassessed.full_name in officer.last_text

    await bot.store.transition(ready.id, Action.SUPERVISE, None)  # still awaiting an officer: still listed
    await bot.store.transition(ready.id, Action.REJECT, None, reason="ناقص")  # decided: not awaiting any more
    await officer.send("/pending needs advice")
    assert "(🟠 نیاز به مشاوره): ۱" in officer.last_text
    await officer.send("/pending ready")
    assert "(🟢 آماده): ۰" in officer.last_text
    [listed] = (await bot.store.list_by_band("IR-15", "advice", 10))[0]
    assert listed.id == advice.id


async def test_several_open_applications_are_chosen_from_and_back_leads_to_the_choice(bot: Harness) -> None:
    applicant = bot.user(1001)
    first = await issue(bot, "مریم احمدی", user_id=1001)
    second = await issue(bot, "مریم احمدی", user_id=1001)
    await applicant.send("/assess")
    assert "کدام" in applicant.last_text and len(applicant.inline_buttons()) == 3  # two, and ✖
    await applicant.press(f"v1:asmt:start:{first.id}")
    assert "پرسش ۱ از ۸" in applicant.last_text
    await applicant.click("◀ پرسش قبلی")
    assert "کدام" in applicant.last_text
    await applicant.press(f"v1:asmt:start:{second.id}")
    await answer(applicant, BEST, 2)
    await applicant.click("◀ پرسش قبلی")
    assert "پرسش ۲ از ۸" in applicant.last_text
    session = await bot.store.get_assessment_session(1001)
    assert session is not None and session.application_id == second.id and list(session.answers) == ["skill"]

    await applicant.send("سلام")  # typed: the same question again, with a note
    assert "دکمه" in applicant.last_text and "پرسش ۲ از ۸" in applicant.last_text
    await answer(applicant, BEST, 7)
    assert "۱۰۰ از ۱۰۰" in applicant.last_text
    assert await bot.store.list_assessments(first.id) == []


async def test_cancel_keeps_nothing_and_an_old_question_is_stale(bot: Harness) -> None:
    applicant = bot.user(1001)
    application = await issue(bot, "مریم احمدی", user_id=1001)
    await applicant.send("/assess")
    stale = applicant.latest_inline_message()
    await applicant.send("/assess")  # again: a new first question, the old one retired
    await applicant.press(stale["reply_markup"]["inline_keyboard"][0][0]["callback_data"], stale)
    assert "منقضی" in bot.rec.last("answerCallbackQuery").params["text"]
    await applicant.click("✖ انصراف")
    assert "لغو شد" in applicant.last_text
    assert await bot.store.get_assessment_session(1001) is None
    assert await bot.store.list_assessments(application.id) == []
    await applicant.send("/cancel")  # nothing open any more: the ordinary answer
    assert "فرمی در جریان نیست" in applicant.last_text


async def test_nobody_reaches_another_persons_application(bot: Harness) -> None:
    victim = await issue(bot, "مریم احمدی", user_id=1001)
    intruder = bot.user(2002)
    own = await issue(bot, "زهرا کریمی", user_id=2002)

    await intruder.press(f"v1:asmt:start:{victim.id}", {"message_id": 1, "chat": {"id": 2002, "type": "private"},
                                                         "date": 0})
    assert "اجازه" in bot.rec.last("answerCallbackQuery").params["text"]
    assert await bot.store.get_assessment_session(2002) is None

    await intruder.send("/assess")
    live = intruder.latest_inline_message()
    await intruder.press(f"v1:asmt:ans:{victim.id}:0:0", live)  # forged, on their own live question
    assert "اجازه" in bot.rec.last("answerCallbackQuery").params["text"]
    await intruder.press(f"v1:asmt:back:{victim.id}", live)
    assert "اجازه" in bot.rec.last("answerCallbackQuery").params["text"]
    session = await bot.store.get_assessment_session(2002)
    assert session is not None and session.application_id == own.id and session.answers == {}
    assert await bot.store.list_assessments(victim.id) == []


async def test_no_open_application_points_to_apply(bot: Harness) -> None:
    applicant = bot.user(1001)
    await applicant.send("/assess")
    assert "/apply" in applicant.last_text
    application = await issue(bot, "مریم احمدی", user_id=1001)
    await bot.store.transition(application.id, Action.WITHDRAW, 1001)
    await applicant.send("/assess")
    assert "/apply" in applicant.last_text


async def test_a_restart_in_the_middle_resumes_at_the_same_question(config: Config) -> None:
    async with running(config) as bot:
        application = await issue(bot, "مریم احمدی", user_id=1001)
        applicant = bot.user(1001)
        await applicant.send("/assess")
        await answer(applicant, BEST, 3)
        live = applicant.latest_inline_message()
    async with running(config) as bot:
        applicant = bot.user(1001)
        bot.rec.messages.update({(1001, live["message_id"]): live})  # what the client still shows
        await applicant.press(live["reply_markup"]["inline_keyboard"][0][0]["callback_data"], live)
        assert "پرسش ۵ از ۸" in applicant.last_text
        await answer(applicant, BEST, 4)
        assert "۱۰۰ از ۱۰۰" in applicant.last_text
        assert len(await bot.store.list_assessments(application.id)) == 1


async def test_figures_by_band_for_a_province_and_the_country(bot: Harness) -> None:
    await assessed(bot, 1001, BEST)
    await assessed(bot, 1002, WORST)
    elsewhere = await issue(bot, "متقاضی تهران", province="IR-23", user_id=1003)
    applicant = bot.user(1003)
    await applicant.send("/assess")
    await answer(applicant, 1, 8)  # the second-best answers: a middling score
    [attempt] = await bot.store.list_assessments(elsewhere.id)
    lorestan = await bot.store.assessment_figures("IR-15")
    assert (lorestan.taken, lorestan.assessed, lorestan.ready, lorestan.training, lorestan.advice) == (2, 2, 1, 0, 1)
    country = await bot.store.assessment_figures(None)
    assert country.assessed == 3 and country.taken == 3
    assert getattr(country, attempt.band) == 1 + getattr(lorestan, attempt.band)


def test_hostile_presses_and_text_during_an_assessment_change_nothing_of_anyone_else(tmp_path: Path) -> None:
    runner = Loop(config_for(tmp_path))
    bot = runner.bot
    victim = runner.run(issue(bot, "مریم احمدی", user_id=50_000))
    users = itertools.count(50_001)
    aimed = st.builds(lambda action, app, q, o: f"v1:asmt:{action}:{app}" + (f":{q}:{o}" if action == "ans" else ""),
                      st.sampled_from(AssessButton.ACTIONS), st.sampled_from([victim.id, 0, 999_999]),
                      st.integers(0, 99), st.integers(0, 9))

    @SETTINGS
    @given(answered=st.integers(0, 8), data=st.one_of(aimed, callback_data), text=hostile_text)
    def one_person(answered: int, data: str, text: str) -> None:
        user = bot.user(next(users))
        runner.run(issue(bot, "زهرا کریمی", user_id=user.id))
        runner.run(user.send("/assess"))
        runner.run(answer(user, BEST, answered))
        live = user.latest_inline_message() if user.inline_buttons() else SOMEWHERE(user.id)
        runner.run(user.press(data, live))
        runner.run(user.send(text))
        session = runner.run(bot.store.get_assessment_session(user.id))
        assert session is None or session.application_id != victim.id
        assert not bot.errors, bot.errors

    try:
        one_person()
        assert runner.run(bot.store.list_assessments(victim.id)) == []
        assert [entry.action for entry in runner.run(bot.store.list_audit(victim.id))] == ["issue"]
    finally:
        runner.close()


async def test_two_attempts_finishing_at_once_keep_one(bot: Harness) -> None:
    """The retake rule is checked in the transaction that writes: of two at once (two devices), one is kept."""
    application = await issue(bot, "مریم احمدی", user_id=1001)
    version_id, _ = await bot.store.current_questionnaire()

    async def attempt(band: str) -> str:
        try:
            await bot.store.record_assessment(1001, application.id, version_id, {}, 50, band, timedelta(days=7))
        except RetakeTooSoon:
            return "refused"
        return "kept"

    outcomes = await asyncio.gather(attempt("training"), attempt("advice"))
    assert sorted(outcomes) == ["kept", "refused"]
    assert len(await bot.store.list_assessments(application.id)) == 1
    with pytest.raises(NotFound):  # nobody records an attempt on another person's application
        await bot.store.record_assessment(2002, application.id, version_id, {}, 50, "ready", timedelta(0))


async def test_a_long_band_list_pages_within_its_filter(bot: Harness) -> None:
    officer = await appoint(bot)
    version_id, _ = await bot.store.current_questionnaire()
    for user_id in range(3001, 3013):
        application = await issue(bot, f"متقاضی {user_id}", user_id=user_id)
        await bot.store.record_assessment(user_id, application.id, version_id, {}, 90, "ready", timedelta(days=7))
    await issue(bot, "بی‌ارزیابی", user_id=3013)
    await officer.send("/pending آماده")
    assert "(🟢 آماده): ۱۲" in officer.last_text and "۱/۲" in officer.inline_buttons()
    await officer.click("▶")
    text = officer.last_text
    assert "۱۱. " in text and "۱۲. " in text and "۱۰. " not in text and "بی‌ارزیابی" not in text
