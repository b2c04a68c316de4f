"""Bale as a platform: the stand-in's Bale profile, what a person typing Markdown characters sees there, and the
bot's fallbacks (a keyboard shown again by a new message where Bale drops it from an edit)."""

import html
import time
from dataclasses import replace

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    KeyboardButtonRequestUsers,
    Message,
    ReplyKeyboardMarkup,
)
from telegram.error import BadRequest, Conflict, TelegramError

from bot.config import Config
from bot.offline_api import BALE_API, TELEGRAM_API, ApiProfile, RecordingRequest
from bot.platforms import KeyboardEdits, TextFormat
from messages.formatting import TEHRAN
from messages.markup import as_markdown, for_reader, markdown_view
from messages.render import clean, reading_on, render
from messages.render import configure as configure_rendering
from tests.conftest import ADMIN_ID
from tests.fakes import FakeUser, Harness, running
from tests.journey import Answers, fill_form

TYPED = "*_[ `۵` *پررنگ* _کج_ [پیوند](https://example.org) \\ &"  # what a client would turn into markup


def bot_on(rec: RecordingRequest) -> Bot:
    return Bot("123:token", request=rec, get_updates_request=rec)


# -- the stand-in in Bale's profile ----------------------------------------------------------------


async def test_the_bale_profile_answers_as_bale_is_reported_to() -> None:
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    pick = ReplyKeyboardMarkup([[KeyboardButton("👤", request_users=KeyboardButtonRequestUsers(1))]])
    async with bot_on(RecordingRequest(TELEGRAM_API)) as telegram:
        assert await telegram.set_my_commands([BotCommand("start", "Start")])
        await telegram.send_message(5, "x", reply_markup=pick)
        sent = await telegram.send_message(5, "<b>x</b>", parse_mode="HTML")
        edited = await telegram.edit_message_text("y", 5, sent.message_id, reply_markup=buttons)
        assert isinstance(edited, Message) and edited.text == "y" and edited.reply_markup == buttons
    rec = RecordingRequest(BALE_API)
    async with bot_on(rec) as bale:
        with pytest.raises(TelegramError, match="method not found"):  # no command menus
            await bale.set_my_commands([BotCommand("start", "Start")])
        with pytest.raises(TelegramError, match="method not found"):
            await bale.set_chat_menu_button()
        with pytest.raises(BadRequest, match="request_users"):
            await bale.send_message(5, "x", reply_markup=pick)
        sent = await bale.send_message(5, "<b>x", parse_mode="HTML")  # not parsed, so not refused
        edited = await bale.edit_message_text("*new*", 5, sent.message_id, reply_markup=buttons)
        assert isinstance(edited, Message) and edited.message_id == 0 and edited.text is None  # the stub
    shown = rec.messages[(5, sent.message_id)]
    assert shown["text"] == "*new*" and "reply_markup" not in shown  # the edit's keyboard is lost
    assert rec.last("editMessageText").text == "<b>new</b>"  # what the person sees, in HTML notation


async def test_bale_hands_updates_over_twice_at_once_and_refuses_polling_under_a_webhook() -> None:
    rec = RecordingRequest(BALE_API)
    rec.updates = [{"update_id": 7, "message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}}}]
    async with bot_on(rec) as bale:
        first = await bale.get_updates(timeout=30)
        again = await bale.get_updates(offset=8, timeout=30)  # confirmed, yet delivered again
        started = time.monotonic()
        idle = await bale.get_updates(offset=8, timeout=30)  # idle: at once, whatever the timeout
        assert time.monotonic() - started < 0.5
        assert [u.update_id for u in first] == [7] == [u.update_id for u in again] and idle == ()
        await bale.set_webhook("https://bot.example.org/hook/secret")
        with pytest.raises(Conflict, match="webhook is active"):
            await bale.get_updates()


async def test_telegram_holds_an_idle_long_poll_for_its_timeout() -> None:
    async with bot_on(RecordingRequest(ApiProfile())) as telegram:
        started = time.monotonic()
        assert await telegram.get_updates(timeout=0.2) == ()
        assert time.monotonic() - started >= 0.2


# -- what a person typing Markdown characters sees -------------------------------------------------


async def test_a_name_and_address_typed_with_markdown_characters_are_seen_as_typed(config: Config) -> None:
    async with running(config) as bot:
        user = bot.user(1001, first_name=TYPED)
        await user.send("/start")
        welcome = bot.rec.last("sendMessage", user.id)
        assert f"سلام {TYPED}" in welcome.seen
        await fill_form(user, Answers(address=f"کوچه {TYPED}"))
        review = [call for call in user.calls if "کوچه" in call.sent_text][-1]
        assert f"کوچه {TYPED}" in review.seen
        if review.markdown:  # Bale: none of it became formatting; the bot's own bold did
            spans = [shown for kind, shown in markdown_view(review.sent_text) if kind]
            assert spans and not any(part in shown for shown in spans for part in ("پررنگ", "کج", "پیوند", "۵"))
        await user.click(Answers().confirm)
        [application] = await bot.store.list_user_applications(user.id)
        assert application.address == f"کوچه {TYPED}"  # stored as typed


@settings(max_examples=100)
@given(name=st.text(max_size=60))
@example(name="*_[")
@example(name="*a* _b_ `c` [d](e) \\")
def test_any_name_is_seen_as_typed_in_bales_markdown(name: str) -> None:
    sent = for_reader(render("fa", "common/welcome", first_name=name, role=None, waiting=0), TextFormat.MARKDOWN)
    assert f"سلام {clean(name)}،" in "".join(shown for _, shown in markdown_view(sent))


@settings(max_examples=200)
@given(text=st.text())
@example(text="*_[`\\")
@example(text=" *a* \n_b_ ")
def test_markdown_shows_any_text_as_it_is_inside_and_outside_the_bots_emphasis(text: str) -> None:
    escaped = html.escape(text, quote=False)
    for rendered in (escaped, f"<b>{escaped}</b>", f"x <code>{escaped}</code> y"):
        sent = as_markdown(rendered)
        assert "".join(shown for _, shown in markdown_view(sent)) == html.unescape(
            rendered.replace("<b>", "").replace("</b>", "").replace("<code>", "").replace("</code>", ""))


# -- keyboards shown again where an edit would drop them --------------------------------------------


async def test_a_turned_page_comes_as_a_new_message_where_edits_drop_keyboards(config: Config) -> None:
    resend = replace(config, features=replace(config.features, keyboard_edits=KeyboardEdits.RESEND))
    async with running(resend) as bot:
        await many_officers(bot)
        admin = bot.user(ADMIN_ID)
        await admin.send("/officers")
        first = admin.latest_inline_message()
        await admin.click("▶")
        second = admin.latest_inline_message()
        assert second["message_id"] != first["message_id"] and "صفحه ۲" in admin.last_text
        assert "reply_markup" not in bot.rec.messages[(ADMIN_ID, first["message_id"])]  # the old one's buttons gone
        await admin.click("◀")
        assert "صفحه ۱" in admin.last_text


@pytest.mark.bale_only(reason="shows why EDIT_KEYBOARDS=resend is Bale's default")
async def test_on_bale_editing_in_place_would_lose_the_page_buttons(config: Config) -> None:
    edit = replace(config, features=replace(config.features, keyboard_edits=KeyboardEdits.EDIT))
    async with running(edit) as bot:
        await many_officers(bot)
        admin: FakeUser = bot.user(ADMIN_ID)
        await admin.send("/officers")
        await admin.click("▶")
        assert "صفحه ۲" in admin.last_text and "▶" not in admin.inline_buttons()  # dropped: stuck on page 2


async def many_officers(bot: Harness) -> None:
    """Enough officers for /officers to take two pages."""
    for number in range(120):
        await bot.store.set_officer(700_000 + number, "IR-15", ADMIN_ID, "fa")
        await bot.store.remember_name(700_000 + number, f"کارشناس مشاغل خانگی با نامی بسیار طولانی {number}")


@pytest.mark.parametrize(("messenger", "named", "other"), [("telegram", "تلگرام", "بله"), ("bale", "بله", "تلگرام")])
def test_texts_name_the_messenger_the_bot_runs_on(messenger: str, named: str, other: str) -> None:
    configure_rendering(timezone=TEHRAN, messenger=messenger)
    try:
        for name in ("registration/ask_mobile", "registration/mobile_use_button", "admin/appoint_no_account"):
            text = render("fa", name, button="📱", user_id=5)
            assert named in text and other not in text, name
        assert messenger.capitalize() in render("en", "registration/ask_mobile")
        with reading_on(other_platform := "bale" if messenger == "telegram" else "telegram"):  # the other's reader
            assert other_platform.capitalize() in render("en", "registration/ask_mobile")
    finally:
        configure_rendering(timezone=TEHRAN)
