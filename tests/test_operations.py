"""Operations: an unreachable Bot API, backups without a token, and the permit key kept out of the database."""

import logging
import os
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from telegram.error import NetworkError

import main
from bot.config import Config
from bot.permit_secret import secret_path
from domain.signature import sign_permit
from storage import Store
from tests.fakes import Harness, mentions
from tests.journey import Answers, complete_journey

ROOT = Path(__file__).resolve().parent.parent


def closed_port() -> int:
    """A loopback port nobody listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_bot_api_is_one_line_per_try_with_a_growing_delay(tmp_path: Path) -> None:
    env = {**os.environ, "BOT_TOKEN": "123:abc", "BOT_API_URL": f"http://127.0.0.1:{closed_port()}/bot",
           "DATABASE_PATH": str(tmp_path / "bot.sqlite3"), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, str(ROOT / "main.py")], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    deadline = time.monotonic() + 20
    try:
        assert process.stdout is not None
        while sum("Bot API unreachable" in line for line in lines) < 3 and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
    finally:
        process.kill()
        process.communicate(timeout=10)
    tries = [line for line in lines if "Bot API unreachable" in line]
    assert [line.rsplit("retrying in ", 1)[1].strip() for line in tries] == ["1 s", "2 s", "4 s"], lines
    assert not any("Traceback" in line or line.startswith(" ") for line in lines), lines


async def test_a_polling_failure_is_one_line(bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        await bot.app.process_error(None, NetworkError("httpx.ConnectError: All connection attempts failed"))
    [record] = [record for record in caplog.records if record.name.startswith("bot.")]
    assert record.levelno == logging.WARNING and "unreachable" in record.getMessage()
    assert "\n" not in record.getMessage() and record.exc_info is None
    bot.errors.clear()  # the harness's own collector saw the injected error too


@pytest.mark.sqlite_only  # SQLite's online backup; PostgreSQL's is pg_dump
async def test_backup_needs_no_token_and_does_not_overwrite(bot: Harness, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    await complete_journey(bot.user(1001))
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    monkeypatch.setenv("DATABASE_PATH", str(bot.store.path))
    monkeypatch.chdir(tmp_path)  # no .env here
    target = tmp_path / "copies" / "backup.sqlite3"
    assert main.main(["backup", str(target)]) == 0
    first = target.read_bytes()
    await complete_journey(bot.user(1002), Answers(national_id="0790419904"))
    assert main.main(["backup", str(target)]) == 1
    assert "--force" in capsys.readouterr().err
    assert target.read_bytes() == first
    assert main.main(["backup", str(target), "--force"]) == 0
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT count(*) FROM applications").fetchone()[0] == 2
    assert not list(target.parent.glob("*.partial"))  # nothing half-written left


@pytest.mark.sqlite_only  # about SQLite backups
async def test_the_generated_permit_key_lives_in_its_own_file_not_in_backups(
        bot: Harness, config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    key_file = secret_path(config.database_path)
    secret = bot.app.bot_data["permit_secret"]
    assert key_file.read_text().strip() == secret
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert await bot.store.stored_permit_secret() is None
    await complete_journey(bot.user(1001))
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    monkeypatch.setenv("DATABASE_PATH", str(config.database_path))
    monkeypatch.chdir(tmp_path)
    copies = tmp_path / "copies"
    assert main.main(["backup", str(copies / "bot.sqlite3")]) == 0
    assert secret.encode() not in (copies / "bot.sqlite3").read_bytes()
    assert [path.name for path in copies.iterdir()] == ["bot.sqlite3"]

    assert main.main(["check"]) == 0
    assert "WARN" not in capsys.readouterr().out
    key_file.rename(tmp_path / "elsewhere")
    assert main.main(["check"]) == 0
    assert f"WARN permit key file {key_file} is missing" in capsys.readouterr().out


async def test_a_key_kept_in_the_database_moves_to_its_file_and_old_codes_still_verify(config: Config) -> None:
    old_key = "an-old-key-from-the-settings-table"
    store = Store(config.database)
    await store.connect()
    await store.writer.execute("INSERT INTO settings (key, value) VALUES ('permit_secret', ?)", (old_key,))
    await store.close()

    bot = await Harness(config).start()
    try:
        assert bot.app.bot_data["permit_secret"] == old_key
        assert secret_path(config.database_path).read_text().strip() == old_key
        assert await bot.store.stored_permit_secret() is None
        holder = bot.user(1001)
        await complete_journey(holder)
        [application] = await bot.store.list_user_applications(1001)
        visitor = bot.user(3003)
        await visitor.send(f"/start v-{application.permit_number}-{sign_permit(application.permit_number, old_key)}")
        assert "اصل نیست" not in visitor.last_text and mentions(visitor.last_text, application.permit_number)
    finally:
        await bot.stop()
    assert not bot.errors
