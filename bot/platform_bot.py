"""The Bot API edge for two messengers over one store: ids in, ids out, and each call to the right messenger.

Inside the bot every user and chat is its store id (domain/identity.py). A `PlatformBot` speaks to one
messenger's Bot API; it turns the ids of what it sends into that messenger's own and the ids in what comes
back into store ids, and hands a call addressed to someone on another messenger to that messenger's bot
(its `peers`). So a handler answering a Bale applicant, the courier writing to a Telegram officer or a
channel post need not know where anyone is: whichever bot they hold reaches the recipient, through the
recipient's own bot and rate limiter. Calls that address no chat (answering a button, getMe, getFile) stay
on the bot they were made with, which is the bot of the update being handled (handlers/context.py Ctx.bot).

Incoming updates are translated once, in `PlatformApplication.process_update`, whatever brought them (polling,
a webhook, the tests). Telegram's ids are store ids already, so a Telegram bot translates nothing.

Files: a file_id means something only to the bot that received it. Bale's come in tagged `bale:…`, so a photo
kept by file_id (a showcase, a booth request) says whose it is; sent to the other messenger, its bytes are
fetched through the owner's bot and uploaded.
"""

from typing import Any

from telegram import InputFile, InputMediaDocument, InputMediaPhoto, TelegramObject, Update
from telegram.error import BadRequest
from telegram.ext import Application, ExtBot

from domain.identity import Platform, person_id, platform_of
from handlers.context import bot_of
from messages.markup import TextFormat, for_reader
from messages.render import reading_on

_CHAT_TYPES = {"private", "group", "supergroup", "channel", "sender"}
_ID_KEYS = ("chat_id", "user_id", "from_chat_id")
_NESTED_ID_KEYS = ("scope", "reply_parameters")  # objects that carry a chat or user id of their own
_FILE_PARAMS = ("photo", "document")


def file_owner(value: object) -> Platform | None:
    """The messenger a file_id belongs to; None for what is no file_id (an upload, a URL, attach://…)."""
    if not isinstance(value, str):
        return None
    if value.startswith(f"{Platform.BALE}:"):
        return Platform.BALE
    return None if ":" in value or "/" in value else Platform.TELEGRAM


def native_file_id(file_id: str) -> str:
    return file_id.removeprefix(f"{Platform.BALE}:")


def store_ids(value: Any, platform: Platform) -> Any:
    """A Bot API answer (or update) from `platform` with every user and chat id made a store id."""
    if isinstance(value, list):
        return [store_ids(item, platform) for item in value]
    if not isinstance(value, dict):
        return value
    converted = {key: store_ids(item, platform) for key, item in value.items()}
    is_user_or_chat = "is_bot" in value or value.get("type") in _CHAT_TYPES
    if is_user_or_chat and isinstance(value.get("id"), int):
        converted["id"] = person_id(platform, value["id"])
    for key in _ID_KEYS:
        if isinstance(value.get(key), int) and value[key]:
            converted[key] = person_id(platform, value[key])
    if isinstance(value.get("file_id"), str):
        converted["file_id"] = f"{platform}:{value['file_id']}"
    return converted


def native_ids(value: Any) -> Any:
    """The reverse of `store_ids` for what is sent: store ids back to the messenger's own."""
    if isinstance(value, list):
        return [native_ids(item) for item in value]
    if not isinstance(value, dict):
        return value
    converted = {key: native_ids(item) for key, item in value.items()}
    for key in _ID_KEYS:
        if isinstance(value.get(key), int) and value[key]:
            converted[key] = platform_of(value[key]).id
    return converted


def addressee(data: dict[str, Any]) -> int | None:
    """The store id of the chat (or user) a call is about, if it names one by number."""
    for key in ("chat_id", "user_id"):
        if isinstance(data.get(key), int):
            return int(data[key])
    scope = data.get("scope")
    chat = getattr(scope, "chat_id", None)
    return chat if isinstance(chat, int) else None


class PlatformBot(ExtBot[None]):
    """One messenger's bot, speaking store ids; `peers` are the bots of the other messengers served. Texts come
    rendered in Telegram's HTML and go out as its client reads them (`text_format`: Bale's Markdown)."""

    def __init__(self, platform: Platform, text_format: TextFormat, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._platform = platform
        self._text_format = text_format
        self._peers: dict[Platform, PlatformBot] = {}

    @property
    def platform(self) -> Platform:
        return self._platform

    def add_peer(self, peer: "PlatformBot") -> None:
        self._peers[peer.platform] = peer

    async def _do_post(self, endpoint: str, data: dict[str, Any], **timeouts: Any) -> Any:
        target = addressee(data)
        platform = platform_of(target).platform if target is not None else self._platform
        if platform is not self._platform:
            peer = self._peers.get(platform)
            if peer is None:  # a record from a messenger this deployment no longer serves
                raise BadRequest(f"Chat not found: no {platform} bot is configured")
            return await peer._do_post(endpoint, data, **timeouts)  # noqa: SLF001  (the same class)
        data = self._as_read(await self._carry_files(data))
        if self._platform is Platform.TELEGRAM:
            return await super()._do_post(endpoint, data, **timeouts)
        result = await super()._do_post(endpoint, self._outgoing(data), **timeouts)
        return result if endpoint == "getUpdates" else store_ids(result, self._platform)

    def _as_read(self, data: dict[str, Any]) -> dict[str, Any]:
        """A call's HTML text and caption in this client's format, without parse_mode where it is not HTML (the
        one conversion of every rendered text: person-typed `*_[` stay literal on Bale)."""
        if self._text_format is TextFormat.HTML or data.get("parse_mode") != "HTML":
            return data
        converted = {key: value for key, value in data.items() if key != "parse_mode"}
        for key in ("text", "caption"):
            if isinstance(data.get(key), str):
                converted[key] = for_reader(data[key], self._text_format)
        return converted

    async def _carry_files(self, data: dict[str, Any]) -> dict[str, Any]:
        """Files another messenger's bot received, fetched through it and uploaded here instead."""
        carried = dict(data)
        for key in _FILE_PARAMS:
            if (owner := file_owner(data.get(key))) not in (None, self._platform):
                carried[key] = await self._fetch(owner, data[key])
        if isinstance(data.get("media"), list):
            carried["media"] = [await self._media_for_here(item) for item in data["media"]]
        return carried

    async def _media_for_here(self, item: Any) -> Any:
        """An album item as this messenger takes it: a file of the other's fetched, its caption as read here."""
        if not isinstance(item, InputMediaPhoto | InputMediaDocument):
            return item
        owner = file_owner(item.media)
        if owner is None or owner is self._platform:
            media = native_file_id(item.media) if isinstance(item.media, str) else item.media
        else:
            media = await self._fetch(owner, str(item.media))
        convert = self._text_format is not TextFormat.HTML and item.parse_mode == "HTML"
        if media == item.media and not convert:
            return item
        caption = for_reader(item.caption, self._text_format) if convert and item.caption else item.caption
        return type(item)(media, caption=caption, parse_mode=None if convert else item.parse_mode)

    async def _fetch(self, owner: Platform, file_id: str) -> InputFile:
        peer = self._peers.get(owner)
        if peer is None:
            raise BadRequest(f"Wrong file identifier: no {owner} bot is configured to fetch it")
        file = await peer.get_file(file_id)
        return InputFile(bytes(await file.download_as_bytearray()), filename=(file.file_path or "file").split("/")[-1],
                         attach=True)

    def _outgoing(self, data: dict[str, Any]) -> dict[str, Any]:
        outgoing = native_ids(data)
        for key in (*_FILE_PARAMS, "file_id"):  # Bale's own files, untagged for Bale
            if isinstance(data.get(key), str):
                outgoing[key] = native_file_id(data[key])
        for key in _NESTED_ID_KEYS:
            if isinstance(data.get(key), TelegramObject):
                outgoing[key] = type(data[key]).de_json(native_ids(data[key].to_dict()), None)
        return outgoing


class PlatformApplication(Application[Any, Any, Any, Any, Any, Any]):
    """The Application of every bot served: an update is turned into store ids before any handler sees it."""

    async def process_update(self, update: object) -> None:
        bot = bot_of(update)
        if not isinstance(bot, PlatformBot):
            await super().process_update(update)
            return
        if isinstance(update, Update) and bot.platform is not Platform.TELEGRAM:
            update = Update.de_json(store_ids(update.to_dict(), bot.platform), bot)
        with reading_on(bot.platform):  # texts name the messenger the person writes on
            await super().process_update(update)
