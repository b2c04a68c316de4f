"""The bot as `python main.py` runs it: real HTTP long polling, against a Bot API stub on the loopback address."""

import asyncio
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_application
from bot.config import Config
from domain.identity import Platform, person_id
from main import run_bot
from storage import Store


def messenger_stub(user_id: int) -> type[BaseHTTPRequestHandler]:
    """A Bot API of its own (one per messenger): one /start from `user_id`, then nothing; records the answers."""

    class Messenger(BaseHTTPRequestHandler):
        sent: list[tuple[int, str, str | None]] = []  # chat id, text, parse_mode
        delivered = False

        def log_message(self, *args: Any) -> None:
            return None

        def do_POST(self) -> None:  # noqa: N802
            method = self.path.rsplit("/", 1)[-1]
            body = self.rfile.read(int(self.headers.get("content-length") or 0)).decode()
            fields = {key: values[0] for key, values in urllib.parse.parse_qs(body).items()} if body else {}
            result: Any = True
            if method == "getMe":
                result = {"id": 1, "is_bot": True, "first_name": "Home Business", "username": "home_business_bot"}
            elif method == "getUpdates":
                result = [] if Messenger.delivered else [{"update_id": 1, "message": {
                    "message_id": 1, "date": int(time.time()), "chat": {"id": user_id, "type": "private"},
                    "from": {"id": user_id, "is_bot": False, "first_name": "Ali"}, "text": "/start",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}]
                Messenger.delivered = True
                if not result:
                    time.sleep(0.05)
            elif method == "sendMessage":
                Messenger.sent.append((int(fields["chat_id"]), fields.get("text", ""), fields.get("parse_mode")))
                result = {"message_id": 2, "date": int(time.time()), "chat": {"id": user_id, "type": "private"},
                          "text": "ok"}
            payload = json.dumps({"ok": True, "result": result}).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Messenger


def bale_like_stub() -> type[BaseHTTPRequestHandler]:
    """Bale as reported: getUpdates answers at once with nothing, whatever its `timeout` asks."""

    class BaleLike(messenger_stub(5)):  # type: ignore[misc]
        polls: list[float] = []

        def do_POST(self) -> None:  # noqa: N802  (http.server's name)
            if self.path.endswith("/getUpdates"):
                BaleLike.polls.append(time.monotonic())
                self.rfile.read(int(self.headers.get("content-length") or 0))
                payload = b'{"ok": true, "result": []}'
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                return
            super().do_POST()

    return BaleLike


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/bot"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def stub() -> type[BaseHTTPRequestHandler]:
    return messenger_stub(5)


@pytest.fixture
def bot_api(stub: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    with serving(stub) as url:
        yield url


async def test_the_bot_polls_a_bot_api_and_answers_start(bot_api: str, stub: Any, tmp_path: Path) -> None:
    config = Config.from_env({"BOT_TOKEN": "123456:loopback", "BOT_API_URL": bot_api,
                              "DATABASE_PATH": str(tmp_path / "bot.sqlite3")})
    app = build_application(config, Store(config.database))  # the production request, updater and limiter
    assert app.updater is not None and app.post_init is not None and app.post_shutdown is not None
    await app.initialize()
    await app.post_init(app)
    await app.updater.start_polling(poll_interval=0.01, timeout=0)
    await app.start()
    try:
        for _ in range(200):
            if stub.sent:
                break
            await asyncio.sleep(0.02)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await app.post_shutdown(app)
    assert stub.sent and "خوش آمدید" in stub.sent[0][1]


async def test_idle_polling_on_bale_asks_at_most_once_a_second_though_timeout_is_ignored(tmp_path: Path) -> None:
    bale = bale_like_stub()
    with serving(bale) as url:
        config = Config.from_env({"BOT_TOKEN": "123456:loopback", "PLATFORM": "bale", "BOT_API_URL": url,
                                  "DATABASE_PATH": str(tmp_path / "bot.sqlite3")})
        app = build_application(config, Store(config.database))  # the production request and updater
        assert app.updater is not None and app.post_init is not None and app.post_shutdown is not None
        await app.initialize()
        await app.updater.start_polling(bootstrap_retries=-1)  # as main.py: PTB's own timeout and interval
        try:
            await asyncio.sleep(2.5)
        finally:
            stopping = time.monotonic()
            await app.updater.stop()
            stopped_in = time.monotonic() - stopping
            await app.shutdown()
    idle = [at for at in bale.polls if at < stopping]  # stopping adds one, confirming the offset
    gaps = [later - earlier for earlier, later in zip(idle, idle[1:], strict=False)]
    assert 2 <= len(idle) <= 3, idle  # at 0, 1 and 2 s: not hundreds
    assert all(gap >= 0.95 for gap in gaps), gaps
    assert stopped_in < 0.5  # a paused poll does not hold up stopping


async def test_main_serves_telegram_and_bale_at_once_and_each_answers_its_own(tmp_path: Path) -> None:
    stubs = {platform: messenger_stub(5) for platform in Platform}  # the same id on both: two people
    servers = {platform: ThreadingHTTPServer(("127.0.0.1", 0), stub) for platform, stub in stubs.items()}
    for server in servers.values():
        threading.Thread(target=server.serve_forever, daemon=True).start()
    url = {platform: f"http://127.0.0.1:{server.server_address[1]}/bot" for platform, server in servers.items()}
    config = Config.from_env({"TELEGRAM_BOT_TOKEN": "1:tg", "BALE_BOT_TOKEN": "2:bale",
                              "TELEGRAM_API_URL": url[Platform.TELEGRAM], "BALE_API_URL": url[Platform.BALE],
                              "DATABASE_PATH": str(tmp_path / "bot.sqlite3")})
    stopping = asyncio.Event()
    running = asyncio.create_task(run_bot(config, stopping))
    try:
        for _ in range(300):
            if all(stub.sent for stub in stubs.values()):
                break
            await asyncio.sleep(0.02)
    finally:
        stopping.set()
        await running
        for server in servers.values():
            server.shutdown()
            server.server_close()
    [(telegram_chat, telegram_text, telegram_mode)] = stubs[Platform.TELEGRAM].sent
    [(bale_chat, bale_text, bale_mode)] = stubs[Platform.BALE].sent
    assert telegram_chat == bale_chat == 5 and "خوش آمدید" in telegram_text and "خوش آمدید" in bale_text
    assert (telegram_mode, bale_mode) == ("HTML", None)  # Bale ignores parse_mode: it reads Markdown
    store = Store(config.database)
    await store.connect()
    try:
        assert await store.get_user(5) is not None and await store.get_user(person_id(Platform.BALE, 5)) is not None
    finally:
        await store.close()
