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
from storage import Store


class BotApiStub(BaseHTTPRequestHandler):
    """Answers like the Bot API: one /start in getUpdates, then nothing; records what the bot sends."""

    sent: list[str] = []
    delivered = False

    def log_message(self, *args: Any) -> None:  # quiet
        return None

    def do_POST(self) -> None:  # noqa: N802  (http.server's name)
        method = self.path.rsplit("/", 1)[-1]
        body = self.rfile.read(int(self.headers.get("content-length") or 0)).decode()
        fields = {key: values[0] for key, values in urllib.parse.parse_qs(body).items()} if body else {}
        result: Any = True
        if method == "getMe":
            result = {"id": 1, "is_bot": True, "first_name": "Home Business", "username": "home_business_bot"}
        elif method == "getUpdates":
            result = [] if BotApiStub.delivered else [{"update_id": 1, "message": {
                "message_id": 1, "date": int(time.time()), "chat": {"id": 5, "type": "private"},
                "from": {"id": 5, "is_bot": False, "first_name": "Ali"}, "text": "/start",
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}]
            BotApiStub.delivered = True
            if not result:
                time.sleep(0.05)
        elif method == "sendMessage":
            BotApiStub.sent.append(fields.get("text", ""))
            result = {"message_id": 2, "date": int(time.time()), "chat": {"id": 5, "type": "private"}, "text": "ok"}
        payload = json.dumps({"ok": True, "result": result}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class BaleLikeStub(BotApiStub):
    """Bale as reported: getUpdates answers at once with nothing, whatever its `timeout` asks."""

    polls: list[float] = []

    def do_POST(self) -> None:  # noqa: N802  (http.server's name)
        if self.path.endswith("/getUpdates"):
            BaleLikeStub.polls.append(time.monotonic())
            self.rfile.read(int(self.headers.get("content-length") or 0))
            payload = b'{"ok": true, "result": []}'
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        super().do_POST()


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
def bot_api() -> Iterator[str]:
    with serving(BotApiStub) as url:
        yield url


async def test_the_bot_polls_a_bot_api_and_answers_start(bot_api: str, tmp_path: Path) -> None:
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
            if BotApiStub.sent:
                break
            await asyncio.sleep(0.02)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await app.post_shutdown(app)
    assert BotApiStub.sent and "خوش آمدید" in BotApiStub.sent[0]


async def test_idle_polling_on_bale_asks_at_most_once_a_second_though_timeout_is_ignored(tmp_path: Path) -> None:
    BaleLikeStub.polls.clear()
    with serving(BaleLikeStub) as url:
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
    idle = [at for at in BaleLikeStub.polls if at < stopping]  # stopping adds one, confirming the offset
    gaps = [later - earlier for earlier, later in zip(idle, idle[1:], strict=False)]
    assert 2 <= len(idle) <= 3, idle  # at 0, 1 and 2 s: not hundreds
    assert all(gap >= 0.95 for gap in gaps), gaps
    assert stopped_in < 0.5  # a paused poll does not hold up stopping
