"""The applicant journey through the real Application: category, track, form, review, permit, /status."""

import re
from datetime import timedelta

import pytest
from persiantools.jdatetime import JalaliDate

from bot.config import Config
from domain.lifecycle import Action
from messages import render
from storage import Store
from tests.conftest import ADMIN_ID
from tests.fakes import FakeClock, FakeUser, Harness
from tests.journey import ENGLISH, Answers, complete_journey, fill_form

NINETEEN_YEARS_AGO = f"{JalaliDate.today().year - 19}/01/01"  # old enough for the independent track only


async def test_complete_journey_in_persian_issues_a_permit(user: FakeUser, bot: Harness) -> None:
    await complete_journey(user)

    text = user.last_text
    assert "مجوز کسب‌وکار خانگی شما صادر شد" in text
    number = re.search(r"<code>([0-9A-Za-z-]+)</code>", text)
    assert number is not None and number.group(1).startswith("15-")
    assert "/status" in text and "آذر" in text
    [application] = await bot.store.list_user_applications(user.id)
    assert application.permit_number == number.group(1)
    assert (application.full_name, application.national_id, application.mobile) == (
        "مریم احمدی", "0499370899", "09123456789")
    assert (application.province_code, application.postal_code, application.workers) == ("IR-15", "6813714653", 3)
    assert application.category_fa == "گلیم‌بافی" and application.track == "independent"
    assert application.education == "diploma" and application.birth_date.isoformat() == "1991-09-16"
    assert await bot.store.get_draft(user.id) is None
    assert "📝 درخواست مجوز" in user.reply_keyboard()


async def test_complete_journey_in_english(user: FakeUser, bot: Harness) -> None:
    await user.send("/lang en")
    await complete_journey(user, ENGLISH)

    assert "Your home-business permit has been issued" in user.last_text
    [application] = await bot.store.list_user_applications(user.id)
    assert application.province_code == "IR-23" and application.mobile == "09120001122"
    assert application.education == "bachelor" and application.full_name == "مریم احمدی"


async def test_confirm_queues_a_card_for_each_officer_of_the_province(user: FakeUser, bot: Harness) -> None:
    await bot.store.set_officer(501, "IR-15", actor_id=ADMIN_ID, language="fa")
    await bot.store.set_officer(502, "IR-15", actor_id=ADMIN_ID, language="en")
    await bot.store.set_officer(503, "IR-23", actor_id=ADMIN_ID, language="fa")
    await complete_journey(user)
    [application] = await bot.store.list_user_applications(user.id)
    rows = await bot.store.list_outbox()
    assert {(row.kind, row.chat_id, row.application_id) for row in rows} == {
        ("officer.new_application", 501, application.id), ("officer.new_application", 502, application.id)}
    assert [entry.action for entry in await bot.store.list_audit(application.id)] == ["issue"]


async def test_confirm_without_an_officer_alerts_the_admins(user: FakeUser, bot: Harness) -> None:
    await complete_journey(user)
    assert {row.kind for row in await bot.store.list_outbox()} == {"admin.no_officer"}
    await bot.deliver()
    assert len([call for call in bot.rec.sent("sendMessage", ADMIN_ID) if "کارشناس" in call.text]) == 1
    alert = bot.rec.last("sendMessage", ADMIN_ID)
    assert "کارشناس فعالی ندارد" in alert.text and "لرستان" in alert.text
    assert "مریم" not in alert.text and "0499370899" not in alert.text  # no personal data for admins


async def test_review_shows_every_answer(user: FakeUser) -> None:
    await fill_form(user)
    card = user.last_text
    for expected in ["گلیم‌بافی", "مستقل", "مریم احمدی", "۰۴۹۹۳۷۰۸۹۹", "۱۳۷۰/۰۶/۲۵", "۰۹۱۲۳۴۵۶۷۸۹", "لرستان",
                     "خرم‌آباد", "کوچه ۵", "۶۸۱۳۷-۱۴۶۵۳", "دیپلم", "۳ نفر"]:
        assert expected in card, expected
    assert "✏ کد ملی" in user.inline_buttons()


INVALID_INPUTS = [
    ("full_name", ["م", "Ali123", "<b>x</b>", "😀😀😀"]),
    ("national_id", ["123", "1111111111", "0684159415", "کد ملی"]),
    ("birth_date", ["1370/07/31", "1404/12/30", "25/06/1370", "1406/01/01", "1395/01/01", "1290/01/01"]),
    ("mobile", ["0912", "08123456789", "abc"]),
    ("city", ["x", "ش" * 61]),
    ("address", ["کوتاه", "ا" * 201]),
    ("postal_code", ["12345", "12345678901", "abcdefghij"]),
    ("workers", ["0", "101", "سه", "-1"]),
]


@pytest.mark.parametrize(("step", "bad_inputs"), INVALID_INPUTS)
async def test_invalid_input_reprompts_and_stores_nothing(user: FakeUser, bot: Harness, step: str,
                                                          bad_inputs: list[str]) -> None:
    await fill_form(user, stop_before=step)
    prompt = user.last_text.split("\n\n")[-1]  # the question, without a note from the step before
    before = await bot.store.get_draft(user.id)
    assert before is not None
    for bad in bad_inputs:
        await user.send(bad)
        assert user.last_text != prompt and user.last_text.endswith(prompt), bad  # an error, then the question
        after = await bot.store.get_draft(user.id)
        assert after is not None and after.state == before.state
        field = {"mobile": "mobile", "workers": "workers"}.get(step, step)
        assert field not in after.data, bad
    assert await bot.store.list_user_applications(user.id) == []


async def test_other_peoples_contact_is_refused(user: FakeUser, bot: Harness) -> None:
    await fill_form(user, stop_before="mobile")
    assert "📱 ارسال شماره من" in user.reply_keyboard()
    await user.send_contact("+989121111111", user_id=555)
    assert "متعلق به خود شما نیست" in user.last_text
    draft = await bot.store.get_draft(user.id)
    assert draft is not None and "mobile" not in draft.data
    await user.send_contact("989121111111")
    draft = await bot.store.get_draft(user.id)
    assert draft is not None and draft.data["mobile"] == "09121111111"
    assert "📝 درخواست مجوز" in user.reply_keyboard()  # the contact keyboard is gone


async def test_a_sticker_in_a_text_step_reprompts(user: FakeUser) -> None:
    await fill_form(user, stop_before="full_name")
    prompt = user.last_text
    from telegram import Sticker

    await user.send_message(sticker=Sticker("s1", "u1", 512, 512, False, False, "regular"))
    assert "متن" in user.last_text and user.last_text.endswith(prompt)


async def test_back_returns_to_the_previous_step_and_keeps_the_value(user: FakeUser, bot: Harness) -> None:
    await fill_form(user, stop_before="birth_date")
    await user.click("↩ بازگشت")
    assert "کد ملی" in user.last_text and "۰۴۹۹۳۷۰۸۹۹" in user.last_text
    await user.click("✔ بدون تغییر: ۰۴۹۹۳۷۰۸۹۹")
    assert "تاریخ تولد" in user.last_text
    draft = await bot.store.get_draft(user.id)
    assert draft is not None and draft.data["national_id"] == "0499370899"


async def test_back_from_the_mobile_keyboard(user: FakeUser) -> None:
    await fill_form(user, stop_before="mobile")
    await user.send("↩ بازگشت")  # a reply-keyboard button on this step
    assert "تاریخ تولد" in user.last_text
    assert "📝 درخواست مجوز" in user.reply_keyboard()


async def test_edit_from_the_review_returns_to_the_review(user: FakeUser, bot: Harness) -> None:
    await fill_form(user)
    await user.click("✏ شهر")
    assert "شهر" in user.last_text
    await user.send("بروجرد")
    assert "بررسی نهایی" in user.last_text and "بروجرد" in user.last_text
    await user.click("✅ تأیید و دریافت مجوز")
    [application] = await bot.store.list_user_applications(user.id)
    assert application.city == "بروجرد"


async def test_switching_to_the_support_plan_asks_its_questions(user: FakeUser, bot: Harness) -> None:
    await fill_form(user)
    await user.click("✏ مسیر")
    await user.click("🤝 طرح پشتیبان")
    assert "سابقه" in user.last_text
    await user.send("۳")
    assert "دست‌کم <b>۵ سال</b>" in user.last_text  # refused clearly, with the rule
    await user.send("۶")
    assert "آورده" in user.last_text
    await user.send("۱۰")
    assert "۲۰٪" in user.last_text
    await user.send("۲۵")
    assert "بررسی نهایی" in user.last_text and "۶ سال" in user.last_text
    await user.click("✅ تأیید و دریافت مجوز")
    [application] = await bot.store.list_user_applications(user.id)
    assert (application.track, application.experience_years, application.own_share_percent) == ("support", 6, 25)


async def test_support_plan_refuses_someone_under_twenty(user: FakeUser) -> None:
    await fill_form(user, Answers(track="🤝 طرح پشتیبان", birth_date="۱۳۸۷/۰۱/۰۱"), stop_before="full_name")
    await user.send("۶")
    await user.send("۲۵")
    await user.send("مریم احمدی")
    await user.send("۰۴۹۹۳۷۰۸۹۹")
    await user.send("۱۳۸۷/۰۱/۰۱")
    assert "دست‌کم ۲۰ سال" in user.last_text


async def test_too_young_for_the_support_plan_at_confirm_is_offered_a_way_out(user: FakeUser, bot: Harness) -> None:
    await fill_form(user, Answers(birth_date=NINETEEN_YEARS_AGO))  # 18 or 19: old enough only for the independent track
    await user.click("✏ مسیر")
    await user.click("🤝 طرح پشتیبان")
    for answer in ("۶", "۲۵"):
        await user.send(answer)
    await user.click("✅ تأیید و دریافت مجوز")
    assert "دست‌کم ۲۰ سال" in user.last_text and "مسیر مستقل" in user.last_text
    assert {"انتخاب مسیر مستقل", "✖ انصراف"} <= set(user.inline_buttons())
    await user.click("انتخاب مسیر مستقل")
    assert "بررسی نهایی" in user.last_text and "مستقل" in user.last_text
    await user.click("✅ تأیید و دریافت مجوز")
    [application] = await bot.store.list_user_applications(user.id)
    assert application.track == "independent" and application.experience_years is None


async def test_too_young_for_the_support_plan_may_cancel(user: FakeUser, bot: Harness) -> None:
    await fill_form(user, Answers(birth_date=NINETEEN_YEARS_AGO))
    await user.click("✏ مسیر")
    await user.click("🤝 طرح پشتیبان")
    for answer in ("۶", "۲۵"):
        await user.send(answer)
    await user.click("✅ تأیید و دریافت مجوز")
    await user.click("✖ انصراف")
    assert "لغو شد" in user.last_text and await bot.store.get_draft(user.id) is None


async def test_support_refusal_offers_the_independent_track(user: FakeUser, bot: Harness) -> None:
    await fill_form(user, Answers(track="🤝 طرح پشتیبان"), stop_before="full_name")
    await user.send("۲")
    await user.click("انتخاب مسیر مستقل")
    assert "نام و نام خانوادگی" in user.last_text
    draft = await bot.store.get_draft(user.id)
    assert draft is not None and draft.data["track"] == "independent"


async def test_cancel_clears_the_draft(user: FakeUser, bot: Harness) -> None:
    await fill_form(user, stop_before="birth_date")
    await user.send("/cancel")
    assert "لغو شد" in user.last_text
    assert await bot.store.get_draft(user.id) is None
    await user.send("/cancel")
    assert "فرمی در جریان نیست" in user.last_text


@pytest.mark.parametrize("how", ["/apply", "📝 درخواست مجوز"])
async def test_apply_during_the_form_asks_before_erasing(user: FakeUser, bot: Harness, how: str) -> None:
    await fill_form(user, stop_before="birth_date")
    await user.send(how)
    assert "نیمه‌کاره" in user.last_text and user.inline_buttons()[:2] == ["ادامه فرم", "شروع از نو"]
    draft = await bot.store.get_draft(user.id)
    assert draft is not None and draft.data["full_name"] == "مریم احمدی"  # nothing erased by asking
    await user.click("ادامه فرم")
    assert "تاریخ تولد" in user.last_text
    await user.send("۱۳۷۰/۰۶/۲۵")
    assert "موبایل" in user.last_text
    draft = await bot.store.get_draft(user.id)
    assert draft is not None and draft.data["national_id"] == "0499370899"


async def test_apply_during_the_form_may_start_over(user: FakeUser, bot: Harness) -> None:
    await fill_form(user, stop_before="birth_date")
    await user.send("/apply")
    await user.click("شروع از نو")
    assert "گروه شغلی" in user.last_text
    draft = await bot.store.get_draft(user.id)
    assert draft is not None and "full_name" not in draft.data


async def test_apply_during_the_form_asks_in_english(user: FakeUser) -> None:
    await user.send("/lang en")
    await fill_form(user, ENGLISH, stop_before="birth_date")
    await user.send("📝 Apply for a permit")
    assert "unfinished" in user.last_text
    assert user.inline_buttons()[:2] == ["Continue where I left off", "Start over"]


async def test_apply_without_answers_starts_at_once(user: FakeUser) -> None:
    await user.send("/apply")
    await user.send("/apply")
    assert "گروه شغلی" in user.last_text


async def test_start_during_the_form_leaves_it(user: FakeUser, bot: Harness) -> None:
    await fill_form(user, stop_before="birth_date")
    await user.send("/start")
    assert "خوش آمدید" in user.last_text
    assert await bot.store.get_draft(user.id) is None
    await user.send("۱۳۷۰/۰۶/۲۵")
    assert "منو" in user.last_text  # no form any more: a pointer to the menu


@pytest.mark.parametrize(("press", "shown"), [("📋 وضعیت من", "هنوز درخواستی"), ("/status", "هنوز درخواستی"),
                                             ("🪪 مجوز من", "مجوزی"), ("/permit", "مجوزی")])
async def test_status_and_permit_mid_form_show_then_repeat_the_question(user: FakeUser, bot: Harness, press: str,
                                                                       shown: str) -> None:
    await fill_form(user, stop_before="city")  # a free-text step: a menu label would pass as a city
    mark = len(bot.rec.calls)
    await user.send(press)
    said = user.texts_since(mark)
    assert any(shown in text for text in said[:-1]), said
    assert "شهر" in said[-1]  # the current question again
    draft = await bot.store.get_draft(user.id)
    assert draft is not None and draft.state == "reg.city" and "city" not in draft.data
    await user.send("خرم‌آباد")
    assert "نشانی" in user.last_text


async def test_permit_mid_form_shows_the_permit_card(user: FakeUser, bot: Harness) -> None:
    await complete_journey(user)
    await fill_form(user, Answers(category="قالیبافی"), stop_before="city")
    await user.click("🪪 مجوز من")
    assert user.last_photo is not None and "شهر" in user.last_text


async def test_category_paging_both_ways(user: FakeUser) -> None:
    await user.send("/apply")
    await user.click("صنایع دستی")
    assert "صفحه ۱ از ۳" in user.last_text and "قالیبافی" in user.inline_buttons()
    await user.click("▶")
    assert "صفحه ۲ از ۳" in user.last_text and "معرق چوب" in user.inline_buttons()
    await user.click("◀")
    await user.click("◀")  # wraps around to the last page
    assert "صفحه ۳ از ۳" in user.last_text
    await user.click("↩ گروه‌های شغلی")
    assert "گروه شغلی" in user.last_text


@pytest.mark.parametrize(("typed", "expected"), [
    ("گليم بافي", "گلیم‌بافی"),        # Arabic ي, a space instead of ZWNJ
    ("منبت كاري", "منبت‌کاری"),        # Arabic ك and ي
    ("برنامه نویسی", "برنامه‌نویسی نرم‌افزار"),
    ("قالی بافی", "قالیبافی"),
    ("kilim", "گلیم‌بافی"),
    ("tailoring", "خیاطی لباس"),
])
async def test_fuzzy_category_search(user: FakeUser, typed: str, expected: str) -> None:
    await user.send("/apply")
    await user.send(typed)
    assert "نتیجه جست‌وجو" in user.last_text
    assert user.inline_buttons()[0].removeprefix("⭐ ") == expected


async def test_search_without_a_match_keeps_the_list(user: FakeUser) -> None:
    await user.send("/apply")
    await user.click("صنایع دستی")
    await user.send("zzqqxx")
    assert "پیدا نکردم" in user.last_text and "قالیبافی" in user.inline_buttons()


async def test_a_starred_category_explains_the_extra_approval(user: FakeUser) -> None:
    await user.send("/apply")
    await user.click("فعالیت‌های فرهنگی و هنری")
    assert "⭐ ترجمه" in user.inline_buttons()
    await user.click("⭐ ترجمه")
    assert "وزارت فرهنگ و ارشاد اسلامی" in user.last_text and "مسیر خود" in user.last_text


async def test_a_stale_button_says_expired_and_redraws_the_step(user: FakeUser, bot: Harness) -> None:
    await user.send("/apply")
    sector_message = user.latest_inline_message()
    await user.click("صنایع دستی")
    await user.click("قالیبافی")  # now at the track step
    await user.press("v1:reg:sec:1", sector_message)  # a sector button from the old message
    assert "منقضی" in bot.rec.last("answerCallbackQuery").params["text"]
    assert "مسیر خود" in user.last_text
    draft = await bot.store.get_draft(user.id)
    assert draft is not None and draft.state == "reg.track"


async def test_a_button_from_an_old_callback_version_is_refused(user: FakeUser, bot: Harness) -> None:
    await user.send("/apply")
    await user.press("v0:reg:sec:1")
    assert "منقضی" in bot.rec.last("answerCallbackQuery").params["text"]


async def test_double_confirm_gives_one_permit(user: FakeUser, bot: Harness) -> None:
    await fill_form(user)
    review = user.latest_inline_message()
    data = review["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await user.press(data, review)
    await user.press(data, review)
    assert len(await bot.store.list_user_applications(user.id)) == 1
    assert "منقضی" in bot.rec.last("answerCallbackQuery").params["text"]


async def test_another_accounts_national_id_at_confirm_reveals_nothing_of_its_permit(bot: Harness) -> None:
    first, second = bot.user(1), bot.user(2)
    await fill_form(second)  # the same national ID, typed before the first account confirmed
    await complete_journey(first)
    await second.click("✅ تأیید و دریافت مجوز")
    [application] = await bot.store.list_user_applications(1)
    assert application.permit_number not in second.last_text and "صادره" not in second.last_text
    assert "حساب دیگری" in second.last_text
    assert await bot.store.list_user_applications(2) == []


async def test_two_users_interleaving_keep_their_own_drafts(bot: Harness) -> None:
    maryam, reza = bot.user(11, "مریم"), bot.user(12, "رضا")
    await maryam.send("/apply")
    await reza.send("/apply")
    await maryam.click("صنایع دستی")
    await reza.click("تولیدی (صنعت و خدمات)")
    await maryam.click("قالیبافی")
    await reza.click("خیاطی لباس")
    await maryam.click("🧑‍🔧 مستقل")
    await reza.click("🧑‍🔧 مستقل")
    await maryam.send("مریم احمدی")
    await reza.send("رضا کریمی")
    maryam_draft, reza_draft = await bot.store.get_draft(11), await bot.store.get_draft(12)
    assert maryam_draft is not None and reza_draft is not None
    assert maryam_draft.data["full_name"] == "مریم احمدی" and reza_draft.data["full_name"] == "رضا کریمی"
    assert maryam_draft.data["category_id"] != reza_draft.data["category_id"]


async def test_a_restart_in_the_middle_resumes_at_the_same_step(bot: Harness, config: Config) -> None:
    user = bot.user(31)
    await fill_form(user, stop_before="birth_date")
    await bot.stop()

    restarted = await Harness(config).start()
    try:
        again = restarted.user(31)
        await again.send("۱۳۷۰/۰۶/۲۵")  # answered as the birth date: the form went on where it was
        assert "موبایل" in again.last_text
        draft = await restarted.store.get_draft(31)
        assert draft is not None and draft.data["full_name"] == "مریم احمدی"
        assert draft.data["birth_date"] == "1991-09-16"
    finally:
        await restarted.stop()
    await bot.start()


async def test_expired_drafts_are_not_resumed(store: Store) -> None:

    await store.ensure_user(5, "fa")
    await store.save_draft(5, "reg.full_name", {"category_id": 1})
    assert [d.user_id for d in await store.list_drafts(timedelta(days=7))] == [5]
    assert await store.list_drafts(timedelta(seconds=-1)) == []
    assert await store.purge_drafts(timedelta(seconds=-1)) == [5]


async def test_status_shows_progress_and_next_step(user: FakeUser) -> None:
    await complete_journey(user)
    await user.send("/status")
    text = user.last_text
    assert "✓ صدور مجوز" in text and "● نظارت" in text and "○ پرداخت وام" in text
    assert "قدم بعدی" in text


async def test_status_shows_queue_positions_per_province(bot: Harness) -> None:
    people = [(41, "0499370899", "لرستان"), (42, "0790419904", "لرستان"), (43, "0084575948", "تهران"),
              (44, "0067749828", "لرستان")]
    for user_id, national_id, province in people:
        await complete_journey(bot.user(user_id), Answers(national_id=national_id, province=province))
    for user_id, _, _ in people:
        [application] = await bot.store.list_user_applications(user_id)
        for action in (Action.SUPERVISE, Action.APPROVE, Action.QUEUE):
            await bot.store.transition(application.id, action, actor_id=None)

    expectations = {41: ("۱", "۰"), 42: ("۲", "۱"), 43: ("۱", "۰"), 44: ("۳", "۲")}
    for user_id, (position, ahead) in expectations.items():
        user = bot.user(user_id)
        await user.send("/status")
        behind = f"{ahead} نفر جلوتر از شما" if ahead != "۰" else "نفر اول صف هستید"
        assert f"<b>{position}</b> ({behind})" in user.last_text, user_id

    [first] = await bot.store.list_user_applications(41)
    await bot.store.transition(first.id, Action.INTRODUCE, actor_id=None, bank="Melli")
    [fourth] = await bot.store.list_user_applications(44)
    position = await bot.store.queue_position(fourth.id)
    assert position is not None and (position.position, position.ahead, position.total) == (2, 1, 2)


async def test_status_in_english(user: FakeUser) -> None:
    await user.send("/lang en")
    await complete_journey(user, ENGLISH)
    await user.click("📋 My status")
    assert "✓ Permit issued" in user.last_text and "● Supervision" in user.last_text


async def test_a_form_whose_draft_expired_is_forgotten_and_starts_anew(config: Config) -> None:
    clock = FakeClock()
    bot = await Harness(config, clock=clock).start()
    try:
        user = bot.user(51)
        await fill_form(user, stop_before="workers")
        clock.advance(days=8)  # past DRAFT_TTL_DAYS: the hourly job deletes the draft, and the form in memory
        [job] = bot.app.job_queue.get_jobs_by_name("purge_expired_drafts")  # type: ignore[union-attr]
        await job.run(bot.app)
        assert await bot.store.get_draft(51) is None
        await user.send("۳")
        assert user.last_text == render("fa", "common/use_menu")  # not taken as the workers' answer
        await user.send("/apply")
        assert "گروه شغلی" in user.last_text  # a new form from its first question
    finally:
        await bot.stop()
    assert not bot.errors
