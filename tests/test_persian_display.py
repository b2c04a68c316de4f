"""How Persian texts show numbers and progress: postal codes and permit numbers in Persian digits (typed ones
accepted in either), the ⭐ note only where a category has ⭐, the end of a refused or closed line, and
province search results without a page count."""

from domain.lifecycle import Action
from tests.fakes import FakeUser, Harness, shown
from tests.journey import ENGLISH, Answers, fill_form
from tests.test_officer import OFFICER, apply, appoint

POSTAL_FA = "۶۸۱۳۷\u200e-\u200e۱۴۶۵۳"  # «۶۸۱۳۷-۱۴۶۵۳», its hyphen held left to right


async def test_postal_codes_are_shown_one_way_in_the_review_and_the_details(bot: Harness) -> None:
    officer = await appoint(bot)
    applicant = bot.user(1001)
    await fill_form(applicant, Answers(postal_code="6813714653"))  # typed without the dash
    assert f"کد پستی: {POSTAL_FA}" in applicant.last_text
    await applicant.click(Answers().confirm)
    await bot.deliver()
    [application] = await bot.store.list_user_applications(1001)
    await officer.send(f"/app {application.permit_number}")
    details = [call.text for call in officer.calls if "مشخصات متقاضی" in call.text][-1]
    assert f"کد پستی: {POSTAL_FA}" in details

    english = bot.user(2002, language_code="en")
    await english.send("/lang en")
    await fill_form(english, ENGLISH)
    assert "Postal code: 19395-46973" in english.last_text


async def test_permit_numbers_are_in_persian_digits_and_typed_ones_are_read_in_either(bot: Harness) -> None:
    officer = await appoint(bot)
    applicant, application = await apply(bot)
    number = application.permit_number
    persian = number.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    issued = next(call.text for call in applicant.calls if "صادر شد" in call.text)
    assert f"<code>{shown(number)}</code>" in issued and number not in issued
    await officer.send(f"/app {persian}")
    assert any(f"شماره مجوز: <code>{shown(number)}</code>" in call.text for call in officer.calls[-2:])
    await applicant.send(f"/verify {shown(number)}")  # copied from a message: marks and Persian digits
    assert "مجوز معتبر است" in applicant.last_text
    await officer.send(f"/revoke {persian} فعالیتی در نشانی ثبت‌شده نیست")
    assert "باطل شد و به دارنده خبر داده شد" in officer.last_text
    english = bot.user(1001)
    await english.send("/lang en")
    await english.send("/status")
    assert f"permit <code>{number}</code>" in english.last_text  # English texts keep Latin digits


async def test_the_star_note_only_where_a_category_has_a_star(user: FakeUser) -> None:
    await user.send("/apply")
    await user.click("صنایع دستی")  # no ⭐ category here
    assert "صفحه" in user.last_text and "⭐" not in user.last_text
    await user.click("↩ گروه‌های شغلی")
    await user.click("فعالیت‌های فرهنگی و هنری")
    assert "رشته‌های ⭐ به تأیید یک دستگاه دیگر" in user.last_text


async def test_a_refused_application_shows_later_stages_as_not_reached(bot: Harness) -> None:
    applicant, application = await apply(bot)
    for action in (Action.SUPERVISE, Action.REJECT):
        await bot.store.transition(application.id, action, OFFICER, reason="مدارک ناقص است")
    await applicant.send("/status")
    text = applicant.last_text
    assert "✓ صدور مجوز" in text and "✓ نظارت" in text and "✗ رد در احراز اهلیت" in text
    assert "⊘ نوبت تسهیلات (به این مرحله نرسید)" in text and "⊘ پرداخت وام (به این مرحله نرسید)" in text
    assert "○" not in text


async def test_a_withdrawn_application_keeps_what_it_reached(bot: Harness) -> None:
    applicant, application = await apply(bot)
    for action in (Action.SUPERVISE, Action.APPROVE, Action.QUEUE):
        await bot.store.transition(application.id, action, OFFICER)
    await bot.store.transition(application.id, Action.WITHDRAW, applicant.id)
    await applicant.send("/status")
    text = applicant.last_text
    assert "✓ نظارت" in text and "✓ احراز اهلیت" in text and "✓ نوبت تسهیلات" in text
    assert "⊘ معرفی به بانک (به این مرحله نرسید)" in text and "○" not in text and "●" not in text


async def test_province_search_results_have_no_page_count(user: FakeUser) -> None:
    await fill_form(user, stop_before="province")
    await user.send("خراسان")  # three provinces match
    assert "صفحه" not in user.last_text and "کدام‌یک از این استان‌ها" in user.last_text
    assert len([b for b in user.inline_buttons() if "خراسان" in b]) == 3
