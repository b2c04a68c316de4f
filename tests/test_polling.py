"""The bot as `python main.py` runs it: real HTTP long polling, against a Bot API stub on the loopback address."""

import asyncio
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
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


@pytest.fixture
def bot_api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BotApiStub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/bot"
    server.shutdown()
    server.server_close()


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
