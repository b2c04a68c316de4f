"""The messengers the bot serves: Telegram, and Bale's Telegram-compatible Bot API."""

from domain.identity import Platform

__all__ = ["API_URLS", "Platform"]

# Where each platform's Bot API lives; BOT_API_URL / BOT_FILE_API_URL (or the per-platform settings) win.
API_URLS: dict[Platform, tuple[str, str]] = {
    Platform.TELEGRAM: ("https://api.telegram.org/bot", "https://api.telegram.org/file/bot"),
    Platform.BALE: ("https://tapi.bale.ai/bot", "https://tapi.bale.ai/file/bot"),
}
