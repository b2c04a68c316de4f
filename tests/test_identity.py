"""Person ids (domain/identity.py): one integer per user or chat, whichever messenger it is on."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import Config, ConfigError
from domain.identity import BALE_OFFSET, Platform, parse_person, person_id, person_label, platform_of

# Telegram: at most 52 significant bits, people positive, groups and channels negative; Bale's alike.
native_ids = st.integers(min_value=-(2**52), max_value=2**52).filter(bool)
platforms = st.sampled_from(Platform)


@given(platforms, native_ids)
def test_a_person_id_goes_back_to_the_same_messenger_and_id(platform: Platform, native: int) -> None:
    assert platform_of(person_id(platform, native)) == (platform, native)


@given(native_ids, native_ids)
def test_telegram_and_bale_ids_never_meet(telegram: int, bale: int) -> None:
    assert person_id(Platform.TELEGRAM, telegram) != person_id(Platform.BALE, bale)


@given(platforms, native_ids)
def test_the_sign_says_private_chat_on_both_and_every_id_fits_64_bits(platform: Platform, native: int) -> None:
    person = person_id(platform, native)
    assert (person > 0) == (native > 0) and -(2**63) <= person < 2**63


def test_existing_ids_are_telegram_ids_unchanged() -> None:
    assert person_id(Platform.TELEGRAM, 123456789) == 123456789
    assert platform_of(-1001234567890) == (Platform.TELEGRAM, -1001234567890)
    assert person_id(Platform.BALE, 5) == BALE_OFFSET + 5


@given(platforms, platforms, st.integers(min_value=1, max_value=2**52))
def test_an_id_shown_to_someone_is_read_back_the_same_when_they_type_it(
        platform: Platform, viewer: Platform, native: int) -> None:
    person = person_id(platform, native)
    shown = person_label(person, viewer)
    assert parse_person(shown, viewer) == person
    assert (":" in shown) == (platform is not viewer)


@given(st.text(max_size=30))
def test_anything_typed_is_an_id_or_none_never_an_error(text: str) -> None:
    person = parse_person(text, Platform.TELEGRAM)
    assert person is None or person > 0


@pytest.mark.parametrize(("typed", "expected"), [
    ("123", person_id(Platform.BALE, 123)), ("bale:123", person_id(Platform.BALE, 123)),
    ("Telegram:123", 123), ("بله:123", person_id(Platform.BALE, 123)), ("تلگرام: 42", 42),
    ("0", None), ("-5", None), ("whatsapp:1", None), ("", None)])
def test_typed_ids_on_bale(typed: str, expected: int | None) -> None:
    assert parse_person(typed, Platform.BALE) == expected


def test_both_tokens_serve_both_messengers_telegram_first() -> None:
    config = Config.from_env({"TELEGRAM_BOT_TOKEN": "1:tg", "BALE_BOT_TOKEN": "2:bale",
                              "BALE_API_URL": "http://localhost:9000/bot", "ADMIN_IDS": "12, bale:34"})
    assert [(bot.platform, bot.token) for bot in config.bots] == [(Platform.TELEGRAM, "1:tg"),
                                                                  (Platform.BALE, "2:bale")]
    assert config.api_url == "https://api.telegram.org/bot"
    assert (config.other_bots[0].api_url, config.other_bots[0].file_api_url) == (
        "http://localhost:9000/bot", "http://localhost:9000/file/bot")
    assert config.admin_ids == frozenset({12, person_id(Platform.BALE, 34)})
    bale = config.for_platform(Platform.BALE)
    assert (bale.platform, bale.token, bale.features.request_users) == (Platform.BALE, "2:bale", False)
    assert "2:bale" not in repr(config) and "2:bale" not in repr(config.other_bots)


def test_bot_token_alone_is_the_bot_of_platform() -> None:
    telegram = Config.from_env({"BOT_TOKEN": "1:a", "TELEGRAM_API_URL": "http://localhost:8081/bot"})
    assert (telegram.platform, telegram.api_url, telegram.other_bots) == (Platform.TELEGRAM,
                                                                           "http://localhost:8081/bot", ())
    bale = Config.from_env({"BOT_TOKEN": "1:a", "PLATFORM": "bale", "ADMIN_IDS": "7"})
    assert (bale.platform, bale.api_url, bale.file_api_url) == (Platform.BALE, "https://tapi.bale.ai/bot",
                                                                 "https://tapi.bale.ai/file/bot")
    assert bale.admin_ids == frozenset({person_id(Platform.BALE, 7)})  # a bare id is the bot's messenger's
    both = Config.from_env({"BOT_TOKEN": "1:a", "BALE_BOT_TOKEN": "2:b"})
    assert [bot.platform for bot in both.bots] == [Platform.TELEGRAM, Platform.BALE]


@pytest.mark.parametrize(("environ", "named"), [
    ({"BOT_TOKEN": "1:a", "TELEGRAM_BOT_TOKEN": "2:b"}, "TELEGRAM_BOT_TOKEN"),
    ({"BALE_BOT_TOKEN": "not a token"}, "BALE_BOT_TOKEN"),
    ({"BOT_TOKEN": "1:a", "BALE_BOT_TOKEN": "2:b", "BALE_API_URL": "http://x/api"}, "BALE_API_URL"),
    ({"BOT_TOKEN": "1:a", "ADMIN_IDS": "whatsapp:1"}, "ADMIN_IDS"),
    ({"BOT_TOKEN": "1:a", "PLATFORM": "eitaa"}, "PLATFORM"),
])
def test_bad_messenger_settings_name_the_variable(environ: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        Config.from_env(environ)
