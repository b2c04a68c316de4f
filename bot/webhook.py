"""Webhook mode: Telegram (or Bale) posts each update to us, instead of the bot polling for it.

The local path and the public URL both end in a secret segment, because Bale sends no `secret_token`
header; Telegram's header is checked as well (PTB answers 403 when it is wrong), and not asked for where the
platform sends none (PTB would refuse every post then).
"""

from typing import Any
from urllib.parse import urlsplit

from telegram import Update

from bot.config import Config
from bot.permit_secret import kept_secret

TELEGRAM_MAX_CONNECTIONS = 100  # setWebhook accepts 1-100


def webhook_arguments(config: Config, secret: str) -> dict[str, Any]:
    """What `run_webhook` (and `Updater.start_webhook`) is given for these settings."""
    assert config.webhook_url is not None
    public_path = urlsplit(config.webhook_url).path.strip("/")
    local_path = f"{public_path}/{secret}".lstrip("/")
    host, port = config.webhook_listen
    return {
        "listen": host,
        "port": port,
        "url_path": local_path,
        "webhook_url": f"{config.webhook_url}/{secret}",
        "secret_token": secret if config.features.secret_token_header else None,
        "max_connections": min(TELEGRAM_MAX_CONNECTIONS, config.max_concurrent_updates),
        "allowed_updates": Update.ALL_TYPES,
    }


def webhook_secret(config: Config) -> str:
    """WEBHOOK_SECRET, or one generated once and kept beside the database (mode 600), so that a restart
    keeps the URL Telegram was given."""
    if config.webhook_secret:
        return config.webhook_secret
    return kept_secret(config.database_path.with_name(config.database_path.name + ".webhook-secret"))
