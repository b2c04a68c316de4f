"""Settings: clear one-line errors, sensible defaults, the token never shown."""

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Config, ConfigError
from bot.platforms import FEATURES, KeyboardEdits, Platform, TextFormat

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_apply_when_only_the_token_is_set() -> None:
    config = Config.from_env({"BOT_TOKEN": "123:abc"})
    assert config.api_url == "https://api.telegram.org/bot"
    assert config.file_api_url == "https://api.telegram.org/file/bot"
    assert config.database_path == Path("data/bot.sqlite3")
    assert config.admin_ids == frozenset()
    assert str(config.timezone) == "Asia/Tehran"
    assert (config.default_language, config.log_level) == ("fa", "INFO")


def test_bale_url_derives_its_file_url() -> None:
    config = Config.from_env({"BOT_TOKEN": "123:abc", "BOT_API_URL": "https://tapi.bale.ai/bot"})
    assert config.file_api_url == "https://tapi.bale.ai/file/bot"


def test_admin_ids_are_parsed() -> None:
    config = Config.from_env({"BOT_TOKEN": "123:abc", "ADMIN_IDS": " 12, 34 ,"})
    assert config.admin_ids == frozenset({12, 34})


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({}, "BOT_TOKEN"),
        ({"BOT_TOKEN": "not a token"}, "BOT_TOKEN"),
        ({"BOT_TOKEN": "1:a", "ADMIN_IDS": "12,abc"}, "ADMIN_IDS"),
        ({"BOT_TOKEN": "1:a", "TIMEZONE": "Mars/Olympus"}, "TIMEZONE"),
        ({"BOT_TOKEN": "1:a", "DEFAULT_LANGUAGE": "de"}, "DEFAULT_LANGUAGE"),
        ({"BOT_TOKEN": "1:a", "LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"BOT_TOKEN": "1:a", "BOT_API_URL": "ftp://x"}, "BOT_API_URL"),
        ({"BOT_TOKEN": "1:a", "BOT_API_URL": "http://localhost:8081/api"}, "BOT_FILE_API_URL"),
    ],
)
def test_bad_settings_name_the_variable(environ: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        Config.from_env(environ)


def test_repr_never_shows_the_token() -> None:
    config = Config.from_env({"BOT_TOKEN": "123456:SECRET-token"})
    assert "SECRET" not in repr(config)


def test_running_without_a_token_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    environment = {"PATH": "", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py")], cwd=tmp_path, env=environment, capture_output=True, text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "BOT_TOKEN" in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_platform_bale_presets_bales_urls_and_features() -> None:
    config = Config.from_env({"BOT_TOKEN": "123:abc", "PLATFORM": "Bale"})
    assert config.platform is Platform.BALE
    assert (config.api_url, config.file_api_url) == ("https://tapi.bale.ai/bot", "https://tapi.bale.ai/file/bot")
    assert config.features == FEATURES[Platform.BALE]
    assert config.features.text_format is TextFormat.MARKDOWN and config.features.poll_interval == 1.0
    assert not (config.features.request_users or config.features.command_menus)
    assert config.features.keyboard_edits is KeyboardEdits.RESEND


def test_bale_urls_and_features_give_way_to_their_settings() -> None:
    config = Config.from_env({"BOT_TOKEN": "123:abc", "PLATFORM": "bale", "BOT_API_URL": "http://127.0.0.1:8081/bot",
                              "PARSE_MODE": "none", "REQUEST_USERS": "on", "COMMAND_MENUS": "on",
                              "EDIT_KEYBOARDS": "edit", "POLL_INTERVAL": "2.5"})
    assert (config.api_url, config.file_api_url) == ("http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot")
    assert config.features.text_format is TextFormat.PLAIN
    assert config.features.request_users and config.features.command_menus
    assert config.features.keyboard_edits is KeyboardEdits.EDIT and config.features.poll_interval == 2.5
    assert not config.features.secret_token_header  # Bale sends none, whatever the settings say


def test_platform_telegram_is_the_default_and_keeps_todays_behaviour() -> None:
    config = Config.from_env({"BOT_TOKEN": "123:abc", "PARSE_MODE": "HTML"})
    assert config.platform is Platform.TELEGRAM and config.features == FEATURES[Platform.TELEGRAM]


@pytest.mark.parametrize(("name", "value"), [("PLATFORM", "whatsapp"), ("PARSE_MODE", "markdownv2"),
                                             ("EDIT_KEYBOARDS", "maybe"), ("POLL_INTERVAL", "-1"),
                                             ("POLL_INTERVAL", "61"), ("COMMAND_MENUS", "yes")])
def test_platform_settings_are_validated(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        Config.from_env({"BOT_TOKEN": "123:abc", name: value})


def test_a_bale_token_error_names_bales_botfather() -> None:
    with pytest.raises(ConfigError, match="Bale's @botfather"):
        Config.from_env({"PLATFORM": "bale"})
