"""Hidden sectors and categories are never offered to applicants, by any path (issue 9, item 7); names and answers
with markup characters reach the chat escaped (item 10, the registration flow's part)."""

import re

from tests.conftest import ADMIN_ID
from tests.fakes import FakeUser, Harness
from tests.journey import Answers, fill_form

_TAGS = re.compile(r"</?(b|i|u|s|code|pre|a)( [^>]*)?>")


def telegram_accepts(text: str) -> bool:
    """HTML parse mode: a '<' outside the few tags Telegram knows makes the whole message fail (400)."""
    return "<" not in _TAGS.sub("", text)


async def hide_handicrafts(bot: Harness) -> None:
    await bot.user(ADMIN_ID).send("/hidesector handicrafts")


async def test_typed_search_never_finds_a_category_of_a_hidden_sector(bot: Harness, user: FakeUser) -> None:
    await hide_handicrafts(bot)
    await user.send("/apply")
    assert "صنایع دستی" not in user.inline_buttons()
    await user.send("گلیم‌بافی")
    assert "گلیم‌بافی" not in user.inline_buttons() and "پیدا نکردم" in user.last_text


async def test_a_stale_or_forged_button_of_a_hidden_category_is_refused(bot: Harness, user: FakeUser) -> None:
    await user.send("/apply")
    await user.click("صنایع دستی")  # the page of categories is drawn, then the admin hides the sector
    [kilim] = [c for c in await bot.store.list_categories() if c.name_fa == "گلیم‌بافی"]
    await hide_handicrafts(bot)
    await user.press(f"v1:reg:cat:{kilim.id}")
    draft = await bot.store.get_draft(user.id)
    assert draft is not None and "category_id" not in draft.data
    assert "گروه شغلی" in user.last_text and "صنایع دستی" not in user.inline_buttons()
    await user.press("v1:reg:sec:" + str(kilim.sector_id))  # the hidden sector's own button, forged
    assert "گلیم‌بافی" not in user.inline_buttons()


async def test_a_draft_resumed_after_hiding_is_refused_at_confirm(bot: Harness, user: FakeUser) -> None:
    await fill_form(user)  # at the review with گلیم‌بافی
    await hide_handicrafts(bot)
    await user.click("✅ تأیید و دریافت مجوز")
    assert await bot.store.list_user_applications(user.id) == []
    assert "پذیرش ندارد" in user.last_text and "صنایع دستی" not in user.inline_buttons()
    draft = await bot.store.get_draft(user.id)
    assert draft is not None and "category_id" not in draft.data and draft.data["full_name"] == "مریم احمدی"
    await user.click("تولیدی (صنعت و خدمات)")
    await user.click("خیاطی لباس")
    assert "بررسی نهایی" in user.last_text  # every other answer kept
    await user.click("✅ تأیید و دریافت مجوز")
    [application] = await bot.store.list_user_applications(user.id)
    assert application.category_fa == "خیاطی لباس"


async def test_a_hidden_category_alone_is_refused_at_confirm(bot: Harness, user: FakeUser) -> None:
    await fill_form(user)
    [kilim] = [c for c in await bot.store.list_categories() if c.name_fa == "گلیم‌بافی"]
    await bot.user(ADMIN_ID).send(f"/hidecategory {kilim.id}")
    await user.click("✅ تأیید و دریافت مجوز")
    assert await bot.store.list_user_applications(user.id) == []


async def test_a_kept_answer_with_markup_characters_is_escaped(bot: Harness, user: FakeUser) -> None:
    await fill_form(user, Answers(address="کوچه <3 پلاک ۱۲ & <b>"))
    await user.click("✏ نشانی")
    await user.click("✔ بدون تغییر: کوچه <۳ پلاک ۱۲ & <b>")  # digits shown in Persian
    chosen = user.last_text  # the choice's record above the next question
    assert "کوچه &lt;۳ پلاک ۱۲ &amp; &lt;b&gt;" in chosen and telegram_accepts(chosen)
    assert all(telegram_accepts(call.text) for call in user.calls if call.text)
    await user.click("✅ تأیید و دریافت مجوز")
    [application] = await bot.store.list_user_applications(user.id)
    assert "<3" in application.address and application.address.endswith("& <b>")  # stored unescaped


async def test_a_category_named_with_markup_characters_can_be_picked(bot: Harness, user: FakeUser) -> None:
    await bot.user(ADMIN_ID).send("/addcategory handicrafts; سفال <دستی>; Pottery <hand>")
    await user.send("/apply")
    await user.send("سفال")
    await user.click("سفال <دستی>")
    assert "مسیر" in user.last_text
    assert all(telegram_accepts(call.text) for call in user.calls if call.text)
    draft = await bot.store.get_draft(user.id)
    assert draft is not None and draft.data["category_id"]
