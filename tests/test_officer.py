"""Officers and admins: cards with actions, the whole lifecycle, applicant updates, audit, authorization."""

from collections import Counter

import pytest

from domain.lifecycle import Action, Stage
from storage.records import Application
from tests.conftest import ADMIN_ID
from tests.fakes import FakeUser, Harness
from tests.journey import Answers, complete_journey

OFFICER, OTHER_OFFICER, FOREIGN_OFFICER, STRANGER = 501, 502, 601, 777


async def appoint(bot: Harness, officer_id: int = OFFICER, province: str = "لرستان") -> FakeUser:
    admin = bot.user(ADMIN_ID, "مدیر")
    await admin.send(f"/addofficer {officer_id} {province}")
    return bot.user(officer_id, "کارشناس")


async def apply(bot: Harness, user_id: int = 1001, **answers: str) -> tuple[FakeUser, Application]:
    applicant = bot.user(user_id)
    await complete_journey(applicant, Answers(**answers))
    await bot.deliver()
    [application] = await bot.store.list_user_applications(user_id)
    return applicant, application


def card_of(officer: FakeUser, application: Application) -> dict:
    """The officer's copy of the card, as their client shows it now."""
    cards = [m for (chat, _), m in officer.rec.messages.items()
             if chat == officer.id and application.permit_number in m.get("text", "") and "📄" in m.get("text", "")]
    assert cards, "no card"
    return cards[-1]


def buttons(message: dict) -> list[str]:
    return [b["text"] for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


async def test_admin_appoints_an_officer_who_is_welcomed(bot: Harness) -> None:
    admin = bot.user(ADMIN_ID)
    await admin.send("/addofficer 501 IR-15")
    assert "کارشناس استان لرستان شد" in admin.last_text
    welcome = bot.rec.last("sendMessage", OFFICER)
    assert "/pending" in welcome.text and "لرستان" in welcome.text
    await admin.send("/addofficer 502 Lorestan")
    await admin.send("/addofficer 601 تهران")
    await admin.send("/officers")
    assert "501" in admin.last_text and "502" in admin.last_text and "601" in admin.last_text


async def test_an_unreachable_officer_is_reported_to_the_admin(bot: Harness) -> None:
    bot.rec.failures[OFFICER] = (403, "Forbidden: bot can't initiate conversation with a user")
    admin = bot.user(ADMIN_ID)
    await admin.send("/addofficer 501 لرستان")
    assert "نتوانست به او پیام بدهد" in admin.last_text
    user = await bot.store.get_user(OFFICER)
    assert user is not None and user.role == "officer"  # the role stands; they will see cards once they start


async def test_bad_addofficer_arguments_explain_the_usage(bot: Harness) -> None:
    admin = bot.user(ADMIN_ID)
    await admin.send("/addofficer")
    assert "روش استفاده" in admin.last_text
    await admin.send("/addofficer 501 آتلانتیس")
    assert "نمی‌شناسم" in admin.last_text
    assert await bot.store.list_officers() == []


async def test_the_whole_lifecycle_from_the_officers_card(bot: Harness) -> None:
    officer = await appoint(bot)
    applicant, application = await apply(bot)

    card = card_of(officer, application)
    assert "درخواست جدید" in card["text"] and "مریم احمدی" in card["text"] and "خرم‌آباد" in card["text"]
    assert buttons(card) == ["✅ ثبت نظارت"]

    await officer.click("✅ ثبت نظارت")
    assert "نظارت" in card_of(officer, application)["text"]
    assert buttons(card_of(officer, application)) == ["✅ تأیید اهلیت", "❌ رد اهلیت"]
    await bot.deliver()
    assert "نظارت بر کسب‌وکار شما" in applicant.last_text

    await officer.click("✅ تأیید اهلیت")
    await bot.deliver()
    assert "اهلیت شما" in applicant.last_text and "تأیید شد" in applicant.last_text

    await officer.click("🔢 ورود به نوبت")
    await bot.deliver()
    assert "نوبت شما: <b>۱</b>" in applicant.last_text

    await officer.click("🏦 معرفی به بانک")
    assert "بانک ملی" in officer.inline_buttons()
    await officer.click("بانک ملی")
    await bot.deliver()
    assert "بانک ملی" in applicant.last_text
    assert "بانک: بانک ملی" in card_of(officer, application)["text"]

    await officer.click("💰 ثبت پرداخت وام")
    assert "تومان" in officer.last_text
    await officer.send("۲۵۰٬۰۰۰٬۰۰۰")  # over the independent ceiling of 200 M toman
    assert "پذیرفته نیست" in officer.last_text
    await officer.send("150,000,000")
    await bot.deliver()
    assert "۱۵۰٬۰۰۰٬۰۰۰ تومان" in applicant.last_text

    final = await bot.store.get_application(application.id)
    assert final is not None and final.stage == Stage.LOAN_PAID and final.loan_amount_rials == 1_500_000_000
    assert buttons(card_of(officer, application)) == []
    audit = await bot.store.list_audit(application.id)
    assert [entry.action for entry in audit] == ["issue", "supervise", "approve", "queue", "introduce", "pay_loan"]
    assert all(entry.actor_id == OFFICER for entry in audit[1:])
    assert audit[4].detail == {"bank": "melli"} and audit[5].detail == {"loan_amount_rials": 1_500_000_000}
    await applicant.send("/status")
    assert "✓ پرداخت وام" in applicant.last_text and "بانک: بانک ملی" in applicant.last_text


async def test_rejection_asks_for_a_reason_that_reaches_the_applicant(bot: Harness) -> None:
    officer = await appoint(bot)
    applicant, application = await apply(bot)
    await officer.click("✅ ثبت نظارت")
    await officer.click("❌ رد اهلیت")
    assert "دلیل" in officer.last_text
    await officer.send("خ")
    assert "۳ تا ۳۰۰" in officer.last_text
    await officer.send("گواهی مهارت ارائه نشده است")
    await bot.deliver()
    assert "تأیید نشد" in applicant.last_text and "گواهی مهارت ارائه نشده است" in applicant.last_text
    card = card_of(officer, application)
    assert "رد در احراز اهلیت" in card["text"] and buttons(card) == []
    await applicant.send("/status")
    assert "✗ رد در احراز اهلیت" in applicant.last_text and "گواهی مهارت" in applicant.last_text


async def test_a_pending_question_can_be_cancelled(bot: Harness) -> None:
    officer = await appoint(bot)
    _, application = await apply(bot)
    await officer.click("✅ ثبت نظارت")
    await officer.click("❌ رد اهلیت")
    await officer.click("✖ لغو")
    assert "چیزی تغییر نکرد" in officer.last_text
    await officer.send("این متن دلیل نیست")
    current = await bot.store.get_application(application.id)
    assert current is not None and current.stage == Stage.SUPERVISED


async def test_an_illegal_transition_is_refused(bot: Harness) -> None:
    officer = await appoint(bot)
    _, application = await apply(bot)
    await officer.press(f"v1:act:{application.id}:queue", card_of(officer, application))
    assert "دیگر ممکن نیست" in officer.last_text
    with pytest.raises(Exception, match="not allowed"):
        await bot.store.transition(application.id, Action.PAY_LOAN, OFFICER, loan_amount_rials=10)
    current = await bot.store.get_application(application.id)
    assert current is not None and current.stage == Stage.PERMIT_ISSUED
    assert [e.action for e in await bot.store.list_audit(application.id)] == ["issue"]


async def test_two_officers_never_act_twice(bot: Harness) -> None:
    first = await appoint(bot, OFFICER)
    second = await appoint(bot, OTHER_OFFICER)
    _, application = await apply(bot)
    stale_card = dict(card_of(second, application))
    await first.click("✅ ثبت نظارت")

    assert "نظارت" in card_of(second, application)["text"]  # the other copy was edited too
    assert buttons(card_of(second, application)) == ["✅ تأیید اهلیت", "❌ رد اهلیت"]
    await second.press(f"v1:act:{application.id}:supervise", stale_card)
    assert "دیگر ممکن نیست" in second.last_text
    audit = await bot.store.list_audit(application.id)
    assert [entry.action for entry in audit] == ["issue", "supervise"]
    assert "کارشناس" in card_of(first, application)["text"]  # who acted


EVERY_PRESS = ["supervise", "approve", "reject", "queue", "introduce", "pay_loan", "bank_reject", "cancel"]


async def try_everything(bot: Harness, intruder: FakeUser, application: Application, officer: bool) -> None:
    """Every action on the application, as commands and as forged button presses."""
    somewhere = {"message_id": 1, "chat": {"id": intruder.id, "type": "private"}, "date": 0}
    forged = [f"v1:act:{application.id}:{action}" for action in EVERY_PRESS]
    forged += [f"v1:bank:{application.id}:melli", f"v1:app:{application.id}"]
    if not officer:  # an officer of another province may page through their own lists
        forged += ["v1:list:pending::1", "v1:list:queue::1"]
    for data in forged:
        await intruder.press(data, somewhere)
        assert "اجازه" in bot.rec.last("answerCallbackQuery").params.get("text", ""), data
    for command in ("/pending", "/queue", f"/app {application.permit_number}"):
        await intruder.send(command)
        assert application.full_name not in intruder.last_text and application.national_id not in intruder.last_text
    for command in ("/addofficer 777 IR-15", "/removeofficer 501", "/officers", "/addcategory handicrafts; الف; A",
                    "/hidecategory 1"):
        await intruder.send(command)
        assert "مخصوص مدیران" in intruder.last_text, command


async def test_intruders_are_refused_and_nothing_changes(bot: Harness) -> None:
    await appoint(bot)
    foreign = await appoint(bot, FOREIGN_OFFICER, "تهران")
    removed = await appoint(bot, OTHER_OFFICER)
    _, application = await apply(bot)
    await bot.store.set_officer_prompt(OTHER_OFFICER, application.id, "reject")
    await bot.user(ADMIN_ID).send(f"/removeofficer {OTHER_OFFICER}")
    outbox_before = [row.id for row in await bot.store.list_outbox()]

    for intruder, is_officer in ((bot.user(STRANGER, "غریبه"), False), (foreign, True), (removed, False)):
        await try_everything(bot, intruder, application, is_officer)

    await removed.send("دلیل جعلی")  # an answer owed before removal no longer counts
    current = await bot.store.get_application(application.id)
    assert current is not None and current.stage == Stage.PERMIT_ISSUED and current.reason is None
    assert [e.action for e in await bot.store.list_audit(application.id)] == ["issue"]
    assert [row.id for row in await bot.store.list_outbox()] == outbox_before  # nothing new to send
    for intruder in (STRANGER, FOREIGN_OFFICER, OTHER_OFFICER):  # no personal data reached them
        assert all(application.national_id not in call.text and application.mobile not in call.text
                   for call in bot.rec.sent(chat_id=intruder))


async def test_pending_lists_the_provinces_applications_oldest_first(bot: Harness) -> None:
    officer = await appoint(bot)
    await apply(bot, 1001, national_id="0499370899")
    await apply(bot, 1002, national_id="0790419904", full_name="زهرا کریمی")
    await apply(bot, 1003, national_id="0084575948", province="تهران")
    await officer.send("/pending")
    text = officer.last_text
    assert "۲" in text.splitlines()[0] or "2" in text.splitlines()[0]
    assert text.index("مریم احمدی") < text.index("زهرا کریمی")
    assert "0084575948" not in text
    await officer.send("/pending nonsense")
    assert "نمی‌شناسم" in officer.last_text and "نظارت" in officer.last_text
    await officer.send("/pending")
    await officer.click("در انتظار نظارت")  # the filter buttons under the list
    assert "(در انتظار نظارت)" in officer.last_text and "مریم احمدی" in officer.last_text


async def test_pending_filters_name_the_action_awaited(bot: Harness) -> None:
    officer = await appoint(bot)
    _, first = await apply(bot, 1001, national_id="0499370899")
    await apply(bot, 1002, national_id="0790419904", full_name="زهرا کریمی")
    await officer.press(f"v1:act:{first.id}:supervise", card_of(officer, first))
    for typed in ("نظارت", "در انتظار نظارت", "supervision", "Awaiting supervision", "supervise"):
        await officer.send(f"/pending {typed}")  # the name of the action awaited, in either language
        text = officer.last_text
        assert "زهرا کریمی" in text and "مریم احمدی" not in text, typed
        assert "در انتظار نظارت" in text.splitlines()[0], typed
    await officer.send("/pending اهلیت")  # supervised: awaiting the eligibility decision
    assert "مریم احمدی" in officer.last_text and "زهرا کریمی" not in officer.last_text
    assert "✓ در انتظار احراز اهلیت" in officer.inline_buttons()  # the chosen filter is marked
    await officer.click("در انتظار نظارت")
    assert "زهرا کریمی" in officer.last_text and "مریم احمدی" not in officer.last_text
    assert {"✓ در انتظار نظارت", "در انتظار احراز اهلیت", "در انتظار نتیجه بانک"} <= set(officer.inline_buttons())
    await officer.send("/lang en")
    await officer.send("/pending eligibility")
    assert "Maryam" not in officer.last_text and "مریم احمدی" in officer.last_text
    assert "Awaiting eligibility check" in officer.last_text
    assert "Awaiting supervision" in officer.inline_buttons()


async def test_app_shows_details_history_and_a_live_card(bot: Harness) -> None:
    officer = await appoint(bot)
    _, application = await apply(bot)
    await officer.send(f"/app {application.permit_number}")
    details = officer.texts_since(0)[-2]
    assert "۰۴۹۹۳۷۰۸۹۹" in details and "۰۹۱۲۳۴۵۶۷۸۹" in details and "صدور مجوز" in details
    await officer.click("✅ ثبت نظارت")
    await officer.send(f"/app {application.permit_number}")
    assert "ثبت نظارت" in officer.texts_since(0)[-2]
    await officer.send("/app 99-9999-99999-9")
    assert "پیدا نشد" in officer.last_text


async def test_queue_positions_told_to_applicants_match_the_queue(bot: Harness) -> None:
    officer = await appoint(bot)
    people = [(1001, "0499370899", "مریم احمدی"), (1002, "0790419904", "زهرا کریمی"),
              (1003, "0084575948", "علی رضایی")]
    applicants = {}
    for user_id, national_id, name in people:
        applicants[user_id], _ = await apply(bot, user_id, national_id=national_id, full_name=name)
    for user_id, _, _ in people:
        [application] = await bot.store.list_user_applications(user_id)
        for label in ("✅ ثبت نظارت", "✅ تأیید اهلیت", "🔢 ورود به نوبت"):
            message = card_of(officer, application)
            data = next(b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row
                        if b["text"] == label)
            await officer.press(data, message)
        await bot.deliver()
    told = [applicants[user_id].last_text for user_id, _, _ in people]
    assert ["<b>۱</b>" in told[0], "<b>۲</b>" in told[1], "<b>۳</b>" in told[2]] == [True, True, True]
    await officer.send("/queue")
    queue = officer.last_text
    assert queue.index("۱. ") < queue.index("مریم احمدی") < queue.index("۲. ") < queue.index("زهرا کریمی") \
        < queue.index("۳. ") < queue.index("علی رضایی")


CATALOG_HEADER = "sector_code,sector_fa,sector_en,category_fa,category_en,needs_extra_approval\n"


async def test_a_catalog_file_with_a_bad_line_changes_nothing(bot: Harness) -> None:
    admin = bot.user(ADMIN_ID)
    before = await bot.store.list_categories(include_inactive=True)
    bad = CATALOG_HEADER + "handicrafts,صنایع دستی,Handicrafts,قالیبافی,Carpet weaving,0\n" \
        + "handicrafts,صنایع دستی,Handicrafts,گلیم‌بافی,Kilim,maybe\n"
    await admin.send_document("categories.csv", bad.encode())
    assert "خط ۳" in admin.last_text and "هیچ چیز تغییر نکرد" in admin.last_text
    assert await bot.store.list_categories(include_inactive=True) == before


async def test_a_good_catalog_file_replaces_the_catalog_and_keeps_applications(bot: Harness) -> None:
    _, application = await apply(bot)  # گلیم‌بافی
    admin = bot.user(ADMIN_ID)
    good = CATALOG_HEADER + "handicrafts,صنایع دستی,Handicrafts,قالیبافی,Carpet weaving,0\n" \
        + "fisheries,شیلات,Fisheries,پرورش ماهی زینتی,Ornamental fish farming,1\n"
    await admin.send_document("categories.csv", good.encode())
    assert "جایگزین شد" in admin.last_text and "۱ رشته تازه" in admin.last_text
    active = {c.name_fa: c for c in await bot.store.list_categories()}
    assert set(active) == {"قالیبافی", "پرورش ماهی زینتی"}
    assert active["پرورش ماهی زینتی"].approval_body == "veterinary"
    kept = await bot.store.get_application(application.id)
    assert kept is not None and kept.category_fa == "گلیم‌بافی"
    applicant = bot.user(2001)
    await applicant.send("/apply")
    assert "شیلات" in applicant.inline_buttons() and "فعالیت‌های فرهنگی و هنری" not in applicant.inline_buttons()


async def test_admin_edits_categories_in_chat(bot: Harness) -> None:
    admin = bot.user(ADMIN_ID)
    await admin.send("/addcategory handicrafts; حصیربافی; Wicker weaving")
    assert "حصیربافی" in admin.last_text
    [wicker] = [c for c in await bot.store.list_categories() if c.name_fa == "حصیربافی"]
    await admin.send(f"/renamecategory {wicker.id}; حصیر و سبدبافی; Wicker and basket weaving")
    await admin.send(f"/starcategory {wicker.id}; culture")
    await admin.send(f"/hidecategory {wicker.id}")
    hidden = await bot.store.get_category(wicker.id)
    assert hidden is not None and (hidden.name_fa, hidden.active, hidden.approval_body) == (
        "حصیر و سبدبافی", False, "culture")
    assert wicker.id not in {c.id for c in await bot.store.list_categories()}
    await admin.send("/addcategory nowhere; الف; A")
    assert "کد «nowhere»" in admin.last_text
    await admin.send("/addsector fisheries2; آبزیان; Aquatics")
    assert "fisheries2" in admin.last_text
    await admin.send("/categories handicrafts")
    assert "حصیر و سبدبافی" in admin.last_text and "🚫" in admin.last_text


async def test_an_applicant_withdraws_and_the_officers_card_stops_offering_actions(bot: Harness) -> None:
    officer = await appoint(bot)
    applicant, application = await apply(bot)
    await officer.click("✅ ثبت نظارت")
    await applicant.send("/withdraw")
    await applicant.click(f"↩ پس گرفتن {application.permit_number}")
    assert "مطمئن" in applicant.last_text
    await applicant.click("نه، بماند")
    assert "سر جایش ماند" in applicant.last_text
    await applicant.send("/withdraw")
    await applicant.click(f"↩ پس گرفتن {application.permit_number}")
    await applicant.click("بله، پس می‌گیرم")
    assert "پس گرفته شد" in applicant.last_text
    current = await bot.store.get_application(application.id)
    assert current is not None and current.stage == Stage.WITHDRAWN
    assert buttons(card_of(officer, application)) == [] and "انصراف متقاضی" in card_of(officer, application)["text"]
    await bot.deliver()
    assert sum("پس گرفته شد" in call.text for call in bot.rec.sent(chat_id=applicant.id)) == 1  # told once
    await applicant.send("/withdraw")
    assert "هیچ درخواست در جریانی ندارید" in applicant.last_text


async def test_nobody_withdraws_someone_elses_application(bot: Harness) -> None:
    _, application = await apply(bot)
    thief = bot.user(2002)
    await thief.press(f"v1:wd:yes:{application.id}", {"message_id": 1, "chat": {"id": 2002, "type": "private"},
                                                       "date": 0})
    assert "اجازه" in bot.rec.last("answerCallbackQuery").params["text"]
    current = await bot.store.get_application(application.id)
    assert current is not None and current.stage == Stage.PERMIT_ISSUED


async def test_an_officer_moved_before_delivery_gets_no_card(bot: Harness) -> None:
    await appoint(bot)
    await appoint(bot, OTHER_OFFICER)
    bot.app.job_queue.scheduler.pause()  # type: ignore[union-attr]  # the cards wait in the outbox
    try:
        await complete_journey(bot.user(1001))
        await bot.user(ADMIN_ID).send(f"/addofficer {OTHER_OFFICER} تهران")  # moved before the card went out
        await bot.deliver()
    finally:
        bot.app.job_queue.scheduler.resume()  # type: ignore[union-attr]
    cards = Counter(c.chat_id for c in bot.rec.sent("sendMessage") if "درخواست جدید" in c.text)
    assert cards == {OFFICER: 1}


async def test_an_officer_moved_after_delivery_gets_no_news(bot: Harness) -> None:
    officer = await appoint(bot)
    await appoint(bot, OTHER_OFFICER)
    _, application = await apply(bot)
    await bot.user(ADMIN_ID).send(f"/addofficer {OTHER_OFFICER} تهران")
    edits_before = len(list(bot.rec.sent("editMessageText", OTHER_OFFICER)))
    await officer.click("✅ ثبت نظارت")
    assert len(list(bot.rec.sent("editMessageText", OTHER_OFFICER))) == edits_before
    assert "نظارت" in card_of(officer, application)["text"]


async def test_cancelling_an_answered_question_changes_nothing(bot: Harness) -> None:
    officer = await appoint(bot)
    applicant, application = await apply(bot)
    await officer.click("✅ ثبت نظارت")
    await officer.click("❌ رد اهلیت")
    question = officer.latest_inline_message()
    await officer.send("مدارک ناقص است")
    await officer.press(f"v1:act:{application.id}:cancel", question)  # the old question's cancel button
    assert "منقضی" in bot.rec.last("answerCallbackQuery").params["text"]
    current = await bot.store.get_application(application.id)
    assert current is not None and current.stage == Stage.REJECTED and current.reason == "مدارک ناقص است"
    await applicant.send("/status")
    assert applicant.id != officer.id


async def test_an_answered_question_loses_its_cancel_button(bot: Harness) -> None:
    officer = await appoint(bot)
    await apply(bot)
    await officer.click("✅ ثبت نظارت")
    await officer.click("❌ رد اهلیت")
    assert officer.inline_buttons() == ["✖ لغو"]
    await officer.send("مدارک ناقص است")
    assert "✖ لغو" not in officer.inline_buttons()
