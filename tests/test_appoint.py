"""/addofficer without typing ids: Telegram's «انتخاب کاربر» (request_users) button or a forwarded contact, then
the province list; the numeric id where the platform has no request_users (Bale)."""

from dataclasses import replace

import pytest

from bot.config import Config
from handlers.appoint import PICK_OFFICER
from tests.conftest import ADMIN_ID
from tests.fakes import Harness
from tests.test_officer import OFFICER, STRANGER


@pytest.mark.telegram_only(reason="Bale has no request_users: see test_without_request_users_the_id_or_a_contact_…")
async def test_an_admin_picks_the_person_with_request_users_then_the_province(bot: Harness) -> None:
    admin = bot.user(ADMIN_ID)
    await admin.send("/addofficer")
    keyboard = bot.rec.last("sendMessage", ADMIN_ID).params["reply_markup"]["keyboard"]
    [[button]] = keyboard
    assert button["text"] == "👤 انتخاب کاربر"
    assert button["request_users"]["request_id"] == PICK_OFFICER and button["request_users"]["user_is_bot"] is False
    await admin.share_users(PICK_OFFICER, OFFICER)
    assert "کارشناس کدام استان" in admin.last_text
    await admin.click("لرستان")
    assert "کارشناس استان لرستان شد" in admin.last_text
    officer = await bot.store.get_user(OFFICER)
    assert officer is not None and (officer.role, officer.province_code) == ("officer", "IR-15")
    assert "/pending" in bot.rec.last("sendMessage", OFFICER).text  # welcomed


async def test_a_forwarded_contact_works_too_and_strangers_cannot_appoint(bot: Harness) -> None:
    admin = bot.user(ADMIN_ID)
    await admin.send_contact("09120000000", user_id=OFFICER)
    await admin.click("تهران")
    officer = await bot.store.get_user(OFFICER)
    assert officer is not None and officer.province_code == "IR-23"

    await admin.send_contact("09120000001", user_id=ADMIN_ID)  # their own card: no one to appoint
    messenger = "بله" if bot.config.platform == "bale" else "تلگرام"
    assert f"حسابی در {messenger} ندارد" in admin.last_text
    stranger = bot.user(STRANGER)
    await stranger.share_users(PICK_OFFICER, STRANGER)
    assert "مخصوص مدیران" in stranger.last_text
    [*_, last] = [message for (chat, _), message in bot.rec.messages.items() if chat == STRANGER]
    await stranger.press(f"v1:appoint:{STRANGER}:IR-15", last)  # forged: a stranger's own province button
    assert "اجازه" in bot.rec.last("answerCallbackQuery").params["text"]
    user = await bot.store.get_user(STRANGER)
    assert user is None or user.role == "applicant"


async def test_without_request_users_the_id_or_a_contact_is_asked_for(config: Config) -> None:
    bale = await Harness(replace(config, features=replace(config.features, request_users=False))).start()
    try:
        admin = bale.user(ADMIN_ID)
        await admin.send("/addofficer")
        sent = bale.rec.last("sendMessage", ADMIN_ID)
        assert "reply_markup" not in sent.params and "/addofficer 123456789" in sent.text
        await admin.send(f"/addofficer {OFFICER}")
        await admin.click("لرستان")
        officer = await bale.store.get_user(OFFICER)
        assert officer is not None and officer.province_code == "IR-15"
    finally:
        await bale.stop()
    assert not bale.errors
