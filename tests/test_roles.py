"""Officers and admins see their own commands: in /start and /help, and in the client's command menu."""

import asyncio

import pytest

from bot.config import Config
from bot.offline_api import ApiCall
from tests.conftest import ADMIN_ID
from tests.fakes import Harness
from tests.test_officer import OFFICER, apply, appoint


def menu_of(bot: Harness, chat_id: int) -> ApiCall:
    """The latest command-menu call for this person's chat (set or deleted)."""
    calls = [call for call in bot.rec.calls
             if call.method in ("setMyCommands", "deleteMyCommands") and call.chat_id == chat_id]
    assert calls, f"no command menu for {chat_id}"
    return calls[-1]


async def menu_published(bot: Harness, chat_id: int) -> None:
    for _ in range(200):
        if any(call.chat_id == chat_id for call in bot.rec.sent("setMyCommands")):
            return
        await asyncio.sleep(0.01)


def commands(call: ApiCall) -> list[str]:
    return [command["command"] for command in call.params["commands"]]


async def test_start_and_help_show_an_officer_their_commands_and_what_awaits_them(bot: Harness) -> None:
    officer = await appoint(bot)
    applicant, _ = await apply(bot)
    await officer.send("/start")
    assert "کارشناس استان لرستان" in officer.last_text and "(۱ پرونده اکنون)" in officer.last_text
    assert "/pending" in officer.last_text and "/addofficer" not in officer.last_text
    await officer.send("/help")
    assert "/apply" in officer.last_text and "/queue" in officer.last_text and "/revoke" in officer.last_text
    await applicant.send("/help")
    assert "/apply" in applicant.last_text and "/pending" not in applicant.last_text
    await applicant.send("/start")
    assert "/pending" not in applicant.last_text

    admin = bot.user(ADMIN_ID, "مدیر")
    await admin.send("/help")
    assert "/addofficer" in admin.last_text and "/broadcast" in admin.last_text and "/pending" not in admin.last_text
    await admin.send("/lang en")
    await admin.send("/start")
    assert "/addofficer id province" in admin.last_text


@pytest.mark.telegram_only(reason="Bale has no setMyCommands: test_bale_staff_get_no_menu_and_type_their_commands")
async def test_each_role_gets_its_own_command_menu(bot: Harness) -> None:
    await appoint(bot)
    officer_menu = commands(menu_of(bot, OFFICER))
    assert officer_menu[:16] == ["start", "apply", "status", "permit", "assess", "verify", "renew", "showcase",
                                 "withdraw", "advice", "exhibitions", "notifications", "cancel", "help", "lang", "myid"]
    assert {"pending", "queue", "app", "revoke", "stats", "addexhibition"} <= set(officer_menu)
    assert "addofficer" not in officer_menu
    await menu_published(bot, ADMIN_ID)  # the admins' menus come from the start-up job, beside the updates
    assert "addofficer" in commands(menu_of(bot, ADMIN_ID)) and "pending" not in commands(menu_of(bot, ADMIN_ID))

    officer = bot.user(OFFICER, "کارشناس")
    await officer.send("/lang en")  # relabelled in their language
    assert menu_of(bot, OFFICER).params["commands"][0]["description"] == "Start and main menu"

    await bot.user(ADMIN_ID).send(f"/removeofficer {OFFICER}")
    assert menu_of(bot, OFFICER).method == "deleteMyCommands"  # back to everyone's menu


@pytest.mark.bale_only(reason="the fallback for Bale's missing setMyCommands")
async def test_bale_staff_get_no_menu_and_type_their_commands(bot: Harness) -> None:
    officer = await appoint(bot)
    await bot.user(ADMIN_ID).send(f"/removeofficer {OFFICER}")
    await bot.user(ADMIN_ID).send(f"/addofficer {OFFICER} IR-15")
    await officer.send("/help")
    assert "/pending" in officer.last_text and "/queue" in officer.last_text
    assert not [call for call in bot.rec.calls if "MyCommands" in call.method]


@pytest.mark.telegram_only(reason="Bale has no setMyCommands: the bot makes no such call there")
async def test_menus_are_set_at_start_up_and_a_failure_is_only_logged(config: Config) -> None:
    first = await Harness(config).start()
    try:
        await appoint(first)
    finally:
        await first.stop()
    second = Harness(config)
    second.rec.failures[ADMIN_ID] = (400, "Bad Request: method not found")  # as Bale answers setMyCommands
    await second.start()
    try:
        await menu_published(second, OFFICER)  # the start-up job runs beside the first updates
        await menu_published(second, ADMIN_ID)
        assert "pending" in commands(menu_of(second, OFFICER))
        assert menu_of(second, ADMIN_ID).method == "setMyCommands"  # tried, refused, and the bot goes on
        visitor = second.user(1234)
        await visitor.send("/myid")
        assert "<code>1234</code>" in visitor.last_text
    finally:
        await second.stop()
    assert not second.errors


async def test_stats_all_from_an_officer_says_it_is_for_admins(bot: Harness) -> None:
    officer = await appoint(bot)
    await officer.send("/stats all")
    assert "فقط برای مدیران" in officer.last_text
    assert not list(bot.rec.sent("sendPhoto", OFFICER))
    await officer.send("/stats تهران")
    assert "فقط برای مدیران" in officer.last_text
    await officer.send("/stats")
    assert "لرستان" in bot.rec.last("sendPhoto", OFFICER).text
