"""National-ID squatting (issue 9, items 2 and 3): a verified mobile, claims recorded without revealing the
other application, officers who see the dispute and can void the squatter's application."""

from domain.lifecycle import Stage
from storage.records import Application
from tests.fakes import FakeUser, Harness
from tests.journey import Answers, complete_journey, fill_form
from tests.test_officer import apply, appoint, buttons, card_of

HOLDER, CLAIMANT = 1001, 2002


def reveals_nothing(text: str, application: Application) -> bool:
    """Nothing a claimant may learn about another account's application."""
    return all(secret not in text for secret in (
        application.permit_number, application.category_fa, application.category_en, application.full_name,
        application.mobile, "آذر", "صادره", "issued"))


async def test_a_typed_mobile_is_refused_and_only_a_shared_contact_is_taken(bot: Harness, user: FakeUser) -> None:
    await fill_form(user, stop_before="mobile")
    await user.send("09123456789")
    assert "📱 ارسال شماره من" in user.last_text and "تایپ" in user.last_text
    assert "📱 ارسال شماره من" in user.reply_keyboard()
    draft = await bot.store.get_draft(user.id)
    assert draft is not None and draft.state == "reg.mobile" and "mobile" not in draft.data
    await user.send_contact("+989123456789")
    draft = await bot.store.get_draft(user.id)
    assert draft is not None and draft.data["mobile"] == "09123456789" and draft.state == "reg.province_code"


async def test_a_typed_mobile_is_refused_in_english(bot: Harness, user: FakeUser) -> None:
    await user.send("/lang en")
    await fill_form(user, Answers(sector="Handicrafts", category="Kilim weaving", track="🧑‍🔧 Independent"),
                    stop_before="mobile")
    await user.send("+98 912 000 1122")
    assert "Share my number" in user.last_text and "typed number" in user.last_text


async def test_another_accounts_national_id_is_refused_at_its_step_and_the_claim_recorded(bot: Harness) -> None:
    officer = await appoint(bot)
    _, held = await apply(bot, HOLDER)
    claimant = bot.user(CLAIMANT, "زهرا")
    await fill_form(claimant, stop_before="birth_date")  # typed the holder's national ID

    text = claimant.last_text
    assert "حساب دیگری" in text and "اداره کل تعاون، کار و رفاه اجتماعی استان" in text
    assert reveals_nothing(text, held)
    draft = await bot.store.get_draft(CLAIMANT)
    assert draft is not None and draft.state == "reg.national_id" and "national_id" not in draft.data
    assert (await bot.store.get_application(held.id)).disputed  # type: ignore[union-attr]
    card = card_of(officer, held)  # the officer's card was edited: the dispute, and the void button
    assert "⚠ مورد اختلاف: حساب دیگری مدعی این کد ملی است" in card["text"]
    assert "⚠ باطل کردن (اختلاف کد ملی)" in buttons(card)
    await officer.send(f"/app {held.permit_number}")
    details = [call.text for call in officer.calls[-2:]]
    assert all("⚠ مورد اختلاف: حساب دیگری مدعی این کد ملی است" in text for text in details)


async def test_the_dispute_message_in_english(bot: Harness) -> None:
    _, held = await apply(bot, HOLDER)
    claimant = bot.user(CLAIMANT, "Zahra")
    await claimant.send("/lang en")
    await fill_form(claimant, Answers(sector="Handicrafts", category="Kilim weaving", track="🧑‍🔧 Independent",
                                      full_name="زهرا احمدی"), stop_before="birth_date")
    assert "already used by another account" in claimant.last_text
    assert "Directorate of Cooperatives, Labour and Social Welfare" in claimant.last_text
    assert reveals_nothing(claimant.last_text, held)


async def test_confirm_with_a_national_id_taken_meanwhile_reveals_nothing(bot: Harness) -> None:
    claimant = bot.user(CLAIMANT, "زهرا")
    await fill_form(claimant)  # at the review; nobody held the national ID when it was typed
    _, held = await apply(bot, HOLDER)  # someone else confirms first with the same national ID
    mark = len(bot.rec.calls)
    await claimant.click("✅ تأیید و دریافت مجوز")

    text = claimant.last_text
    assert "حساب دیگری" in text and reveals_nothing(text, held)
    assert all(held.permit_number not in said and "صادره" not in said for said in claimant.texts_since(mark))
    assert await bot.store.list_user_applications(CLAIMANT) == []
    draft = await bot.store.get_draft(CLAIMANT)
    assert draft is not None and draft.state == "reg.national_id"  # a typo can be corrected, or /cancel
    assert (await bot.store.get_application(held.id)).disputed  # type: ignore[union-attr]


async def test_the_same_account_reapplying_is_told_of_its_own_permit(bot: Harness) -> None:
    holder, held = await apply(bot, HOLDER)
    await complete_journey(holder)
    assert "شما در رشته «گلیم‌بافی» درخواست باز دارید" in holder.last_text and held.permit_number in holder.last_text
    assert not (await bot.store.get_application(held.id)).disputed  # type: ignore[union-attr]


async def test_an_undisputed_card_offers_no_void(bot: Harness) -> None:
    officer = await appoint(bot)
    _, held = await apply(bot, HOLDER)
    assert buttons(card_of(officer, held)) == ["✅ ثبت نظارت"]
    await officer.press(f"v1:act:{held.id}:void", card_of(officer, held))  # a forged press
    await officer.send("تقلب")
    assert (await bot.store.get_application(held.id)).stage == Stage.PERMIT_ISSUED  # type: ignore[union-attr]


async def test_an_officer_voids_a_disputed_application_and_the_rightful_citizen_applies(bot: Harness) -> None:
    officer = await appoint(bot)
    holder, held = await apply(bot, HOLDER)
    claimant = bot.user(CLAIMANT, "زهرا")
    await fill_form(claimant, stop_before="birth_date")
    await officer.click("✅ ثبت نظارت")  # any open stage may be voided

    await officer.click("⚠ باطل کردن (اختلاف کد ملی)")
    assert "دلیل باطل کردن" in officer.last_text
    await officer.send("کارت ملی اصل را خانم زهرا احمدی در اداره نشان داد")
    voided = await bot.store.get_application(held.id)
    assert voided is not None and voided.stage == Stage.VOIDED
    audit = await bot.store.list_audit(held.id)
    assert (audit[-1].action, audit[-1].actor_id, audit[-1].detail["reason"]) == (
        "void", officer.id, "کارت ملی اصل را خانم زهرا احمدی در اداره نشان داد")
    assert buttons(card_of(officer, held)) == []

    await bot.deliver()
    told = bot.rec.last("sendMessage", HOLDER).text
    assert "باطل شد" in told and held.permit_number in told and "اداره کل تعاون" in told
    released = bot.rec.last("sendMessage", CLAIMANT).text
    assert "📝 درخواست مجوز" in released and reveals_nothing(released, held)

    await holder.send("/status")
    assert "اختلاف بر سر کد ملی" in holder.last_text

    await claimant.send("/cancel")
    await complete_journey(claimant)  # the national ID's place is free again
    [mine] = await bot.store.list_user_applications(CLAIMANT)
    assert mine.stage == Stage.PERMIT_ISSUED and mine.national_id == held.national_id
    stats = await bot.store.compute_stats("IR-15")
    assert stats.permits_total == 1  # the voided one is not counted


async def test_english_officer_sees_the_dispute(bot: Harness) -> None:
    officer = await appoint(bot)
    await officer.send("/lang en")
    _, held = await apply(bot, HOLDER)
    await fill_form(bot.user(CLAIMANT), stop_before="birth_date")
    card = card_of(officer, held)
    assert "⚠ Disputed: another account claims this national ID" in card["text"]
    assert "⚠ Void (national ID dispute)" in buttons(card)
