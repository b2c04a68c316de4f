"""Settings: clear one-line errors, sensible defaults, the token never shown."""

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Config, ConfigError

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
