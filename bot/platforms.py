"""The messengers the bot serves, Telegram and Bale's Telegram-compatible Bot API, and what each one offers."""

from dataclasses import dataclass
from enum import StrEnum

from domain.identity import Platform
from messages.markup import TextFormat

__all__ = ["API_URLS", "FEATURES", "Features", "KeyboardEdits", "Platform", "TextFormat", "start_link"]

# Where each platform's Bot API lives; BOT_API_URL / BOT_FILE_API_URL (or the per-platform settings) win.
API_URLS: dict[Platform, tuple[str, str]] = {
    Platform.TELEGRAM: ("https://api.telegram.org/bot", "https://api.telegram.org/file/bot"),
    Platform.BALE: ("https://tapi.bale.ai/bot", "https://tapi.bale.ai/file/bot"),
}


# A link that opens a chat with a bot (and /start with a parameter): https://t.me/<bot>?start=…, Bale's ble.ir.
CHAT_LINKS: dict[Platform, str] = {Platform.TELEGRAM: "https://t.me/", Platform.BALE: "https://ble.ir/"}


def start_link(platform: Platform, bot_username: str, payload: str) -> str:
    """A link that opens a chat with the bot and sends /start <payload>, on the platform's own link domain."""
    return f"{CHAT_LINKS[platform]}{bot_username}?start={payload}"


class KeyboardEdits(StrEnum):
    """How a message's inline keyboard is replaced (the setting EDIT_KEYBOARDS)."""

    EDIT = "edit"  # editMessageText/editMessageReplyMarkup with the new keyboard
    RESEND = "resend"  # a new message with the new keyboard, the old one's buttons taken away (Bale may drop them)


@dataclass(frozen=True, slots=True)
class Features:
    """What a platform's Bot API offers; the settings may override each (Bale changes)."""

    text_format: TextFormat
    request_users: bool  # KeyboardButtonRequestUsers («choose a user»); else a contact or the numeric id
    command_menus: bool  # setMyCommands / setChatMenuButton; else the commands work when typed (and /help)
    secret_token_header: bool  # the webhook's secret_token header; else the secret is only in the URL path
    keyboard_edits: KeyboardEdits
    poll_interval: float  # least seconds from one idle getUpdates to the next (Bale may ignore `timeout`)


FEATURES: dict[Platform, Features] = {
    Platform.TELEGRAM: Features(TextFormat.HTML, request_users=True, command_menus=True, secret_token_header=True,
                                keyboard_edits=KeyboardEdits.EDIT, poll_interval=0.0),
    Platform.BALE: Features(TextFormat.MARKDOWN, request_users=False, command_menus=False,
                            secret_token_header=False, keyboard_edits=KeyboardEdits.RESEND, poll_interval=1.0),
}
