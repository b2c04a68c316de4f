"""/start, /help, /lang and the catch-alls through the real Application."""

from dataclasses import replace

import pytest
from telegram import Update
from telegram.ext import CommandHandler

from bot.config import Config
from bot.platforms import TextFormat
from messages.render import label_keys, template_names
from tests.fakes import FakeUser, Harness


async def test_start_welcomes_in_persian_with_the_main_menu(user: FakeUser) -> None:
    await user.send("/start")
    assert "خوش آمدید" in user.last_text
    assert label_keys("fa")  # labels exist
    assert "❓ راهنما" in user.reply_keyboard()


async def test_start_answers_in_english_after_lang_en(user: FakeUser) -> None:
    await user.send("/lang en")
    await user.send("/start")
    assert "welcome" in user.last_text
    assert "❓ Help" in user.reply_keyboard()


async def test_lang_picker_switches_language(user: FakeUser) -> None:
    await user.send("/lang")
    assert user.inline_buttons() == ["فارسی", "English"]
    await user.click("English")
    assert "English" in user.last_text


async def test_menu_button_toggles_language(user: FakeUser) -> None:
    await user.send("/start")
    await user.click("🌐 English")
    await user.click("🌐 فارسی")
    assert "فارسی" in user.last_text


async def test_language_persists_across_a_restart(bot: Harness, config: Config) -> None:
    await bot.user(42).send("/lang en")
    await bot.stop()
    restarted = await Harness(config).start()
    try:
        await restarted.user(42).send("/start")
        assert "welcome" in restarted.user(42).last_text
        await restarted.user(43).send("/start")
        assert "خوش آمدید" in restarted.user(43).last_text
    finally:
        await restarted.stop()
    await bot.start()  # the fixture stops it again


async def test_unknown_command_gets_the_help_text(user: FakeUser) -> None:
    await user.send("/frobnicate")
    assert "نمی‌شناسم" in user.last_text and "/help" in user.last_text


async def test_stray_text_points_to_the_menu(user: FakeUser) -> None:
    await user.send("سلام")
    assert "منو" in user.last_text


async def test_an_old_button_says_the_menu_expired(user: FakeUser) -> None:
    await user.send("/lang")
    await user.press("v0:something:old")
    answer = user.rec.last("answerCallbackQuery")
    assert "منقضی" in answer.params["text"]


@pytest.mark.telegram_only(reason="Bale has no setMyCommands")
async def test_the_command_menu_is_published_in_both_languages(bot: Harness) -> None:
    languages = {call.params.get("language_code") for call in bot.rec.sent("setMyCommands")}
    assert {"fa", "en"} <= languages


@pytest.mark.bale_only(reason="the fallback for Bale's missing setMyCommands")
async def test_without_command_menus_none_is_set_and_help_lists_the_commands(bot: Harness, user: FakeUser) -> None:
    await user.send("/help")
    assert "/apply" in user.last_text and "/status" in user.last_text and "/lang" in user.last_text
    assert not [call for call in bot.rec.calls if call.method in ("setMyCommands", "deleteMyCommands",
                                                                   "setChatMenuButton")]


async def test_a_handler_exception_is_caught_and_reported(bot: Harness, user: FakeUser,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    async def explode(update: Update, context: object) -> None:
        assert update.effective_message is not None
        raise RuntimeError(f"could not parse {update.effective_message.text}")  # a message quoting input

    bot.app.add_handler(CommandHandler("explode", explode), group=-4)  # before everything but the gate
    mark = len(bot.rec.calls)
    await user.send("/explode 0499370899")
    assert [type(error) for error in bot.errors] == [RuntimeError]
    assert any("مشکلی پیش آمد" in text for text in user.texts_since(mark))
    logged = "\n".join(record.getMessage() for record in caplog.records if record.name == "bot.errors")
    assert "RuntimeError" in logged and "explode" in logged and "0499370899" not in logged
    bot.errors.clear()  # this test expected it; any other would fail at teardown


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_both_languages_hold_the_same_texts(lang: str) -> None:
    other = "en" if lang == "fa" else "fa"
    assert template_names(lang) == template_names(other)
    assert label_keys(lang) == label_keys(other)


async def test_plain_text_mode_for_a_bot_api_without_html(config: Config) -> None:
    plain = await Harness(replace(config, features=replace(config.features, text_format=TextFormat.PLAIN))).start()
    try:
        user = plain.user(61)
        await user.send("/help")
        call = plain.rec.last("sendMessage", 61)
        assert "<b>" not in call.text and "راهنمای ربات مشاغل خانگی" in call.text
        assert "parse_mode" not in call.params
    finally:
        await plain.stop()
    assert not plain.errors
