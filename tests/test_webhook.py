"""Webhook mode: a real `Updater.start_webhook` (what `run_webhook` runs) on loopback, posted to as Telegram does."""

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import replace

import httpx
import pytest

from bot.app import build_application, start_offline, stop_offline
from bot.config import Config
from bot.offline_api import API_PROFILES, RecordingRequest
from bot.webhook import webhook_arguments, webhook_secret
from storage import Store

SECRET = "s3cret-token-for-tests_0123456789"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def served(config: Config) -> AsyncIterator[tuple[RecordingRequest, str, Config]]:
    config = replace(config, webhook_url="https://bot.example.org/hook", webhook_listen=("127.0.0.1", free_port()))
    rec = RecordingRequest(API_PROFILES[config.platform])
    app = build_application(config, Store(config.database), request=rec, rate_limiter=None, with_updater=True)
    await start_offline(app)
    arguments = webhook_arguments(config, SECRET)
    assert app.updater is not None
    await app.updater.start_webhook(**arguments)
    try:
        yield rec, f"http://127.0.0.1:{config.webhook_listen[1]}/{arguments['url_path']}", config
    finally:
        await app.updater.stop()
        await stop_offline(app)


def help_update(update_id: int, chat_id: int = 6001) -> dict[str, object]:
    return {"update_id": update_id, "message": {
        "message_id": 1, "date": 0, "chat": {"id": chat_id, "type": "private", "first_name": "Sara"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "Sara"}, "text": "/help",
        "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}}


async def answered(rec: RecordingRequest, chat_id: int) -> bool:
    for _ in range(100):
        if any(rec.sent("sendMessage", chat_id)):
            return True
        await asyncio.sleep(0.02)
    return False


def platform_headers(config: Config, secret: str) -> dict[str, str]:
    """What the platform sends with each post: Telegram the secret_token header, Bale nothing."""
    return {"X-Telegram-Bot-Api-Secret-Token": secret} if config.features.secret_token_header else {}


async def test_a_posted_update_with_the_right_secret_is_answered(served: tuple[RecordingRequest, str, Config]) -> None:
    rec, url, config = served
    webhook = rec.last("setWebhook")
    assert webhook.params["url"] == f"https://bot.example.org/hook/{SECRET}"  # Bale: the path is the only check
    assert webhook.params.get("secret_token") == (SECRET if config.platform == "telegram" else None)

    async with httpx.AsyncClient() as client:
        response = await client.post(url, json=help_update(1), headers=platform_headers(config, SECRET))
    assert response.status_code == 200
    assert await answered(rec, 6001)


async def test_a_wrong_secret_is_refused_and_changes_nothing(served: tuple[RecordingRequest, str, Config]) -> None:
    rec, url, config = served
    async with httpx.AsyncClient() as client:
        wrong_header = await client.post(url, json=help_update(2, 6002),
                                         headers=platform_headers(config, "not-the-secret-at-all"))
        wrong_path = await client.post(url.rsplit("/", 1)[0] + "/guess", json=help_update(3, 6003),
                                       headers=platform_headers(config, SECRET))
    assert wrong_header.status_code == (403 if config.features.secret_token_header else 200)  # Bale: no header
    assert wrong_path.status_code == 404
    await asyncio.sleep(0.1)
    assert any(rec.sent("sendMessage", 6002)) is not config.features.secret_token_header
    assert not any(rec.sent("sendMessage", 6003))


def test_an_unset_secret_is_generated_once_and_kept_private(config: Config) -> None:
    first = webhook_secret(config)
    path = config.database_path.parent / f"{config.database_path.name}.webhook-secret"
    assert webhook_secret(config) == first and len(first) >= 32
    assert path.stat().st_mode & 0o777 == 0o600
    assert webhook_secret(replace(config, webhook_secret="given-secret-0123456789")) == "given-secret-0123456789"
