"""An in-process stand-in for the Bot API: answers like Telegram (or like Bale, with its profile), records every
call, never touches the network.

The tests (and anything else that must run the real Application offline) pass it to the factory as
`request`. It keeps the messages it "sent", as the person's client shows them, so a fake user can read them
and press their buttons later.
"""

import asyncio
import html
import itertools
import json
import re
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from telegram.request import BaseRequest, RequestData

from bot.platforms import Platform
from messages.markup import (
    CAPTION_LIMIT,
    MESSAGE_LIMIT,
    html_problem,
    markdown_as_html,
    markdown_view,
    visible_length,
)

BOT_ID = 5000000001
BOT_USERNAME = "HomeBusinessTestBot"

# Methods whose result is a Message; the stand-in builds one from the parameters.
_MESSAGE_METHODS = {"sendMessage", "sendPhoto", "sendDocument", "editMessageText", "editMessageReplyMarkup",
                    "editMessageCaption"}
_TRUE_METHODS = {"setWebhook", "setMyCommands", "deleteMyCommands", "answerCallbackQuery", "deleteMessage",
                 "sendChatAction",
                 "setChatMenuButton", "deleteWebhook", "close", "logOut"}
_MENU_METHODS = {"setMyCommands", "getMyCommands", "deleteMyCommands", "setChatMenuButton", "getChatMenuButton"}
LONGEST_POLL = 1.0  # seconds an idle getUpdates is held at most here, whatever its timeout asks


@dataclass(frozen=True, slots=True)
class ApiProfile:
    """How the stand-in behaves: as Telegram's Bot API, or as Bale's (every difference switchable, since
    Bale changes). The differences are those reported by libraries that run against Bale."""

    platform: Platform = Platform.TELEGRAM
    command_menus: bool = True  # setMyCommands & co. exist; else 404 "Not Found: method not found"
    honours_parse_mode: bool = True  # else parse_mode is ignored and every text is read as Markdown
    edit_returns_message: bool = True  # editMessageText answers the edited message; else a stub (id 0, no text)
    edit_keeps_keyboard: bool = True  # an edit with a new inline keyboard shows it; else the keyboard is dropped
    secret_token_header: bool = True  # a webhook may ask for the secret_token header (else it is not sent)
    honours_timeout: bool = True  # an idle getUpdates waits for its `timeout`; else it returns at once
    request_users: bool = True  # KeyboardButtonRequestUsers is accepted; else 400
    deliveries: int = 1  # how many times each update reaches the bot (Bale's getUpdates may repeat one)


TELEGRAM_API = ApiProfile()
BALE_API = ApiProfile(Platform.BALE, command_menus=False, honours_parse_mode=False, edit_returns_message=False,
                      edit_keeps_keyboard=False, secret_token_header=False, honours_timeout=False,
                      request_users=False, deliveries=2)
API_PROFILES = {Platform.TELEGRAM: TELEGRAM_API, Platform.BALE: BALE_API}


_SEQUENCE = itertools.count()  # calls to several stand-ins (one per messenger) keep the order they were made in


@dataclass(slots=True)
class ApiCall:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    markdown: bool = False  # the client reads the text as Markdown (Bale)
    seq: int = field(default_factory=lambda: next(_SEQUENCE))

    @property
    def sent_text(self) -> str:
        """The text or caption exactly as the bot sent it."""
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def text(self) -> str:
        """What the person sees, in Telegram's HTML notation (so that one assertion reads both platforms): the
        text as sent on Telegram; on a client that reads Markdown (Bale), its markup applied, then written as
        HTML (`*bold*` as <b>bold</b>, a shown `<` as &lt;)."""
        return markdown_as_html(self.sent_text) if self.markdown else self.sent_text

    @property
    def seen(self) -> str:
        """The characters the person sees, formatting aside."""
        if self.markdown:
            return "".join(shown for _, shown in markdown_view(self.sent_text))
        return html.unescape(re.sub(r"<[^>]+>", "", self.sent_text)) if self.params.get("parse_mode") else \
            self.sent_text

    @property
    def chat_id(self) -> int | str | None:
        chat_id = self.params.get("chat_id")
        scope = self.params.get("scope")
        if chat_id is None and isinstance(scope, dict):  # a command menu of one chat (BotCommandScopeChat)
            chat_id = scope.get("chat_id")
        return int(chat_id) if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit() else chat_id

    def button_texts(self) -> list[str]:
        markup = self.params.get("reply_markup") or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        return [button["text"] if isinstance(button, dict) else str(button) for row in rows for button in row]


class RecordingRequest(BaseRequest):
    """A `BaseRequest` answering the Bot API methods the bot uses with valid JSON, recording each call."""

    def __init__(self, profile: ApiProfile = TELEGRAM_API) -> None:
        self.profile = profile
        self.calls: list[ApiCall] = []
        self.messages: dict[tuple[int | str, int], dict[str, Any]] = {}  # (chat, message id) -> Message JSON
        # chat id -> (HTTP status, description[, parameters]) to answer instead, or an exception to raise
        self.failures: dict[int | str, tuple[Any, ...] | BaseException] = {}
        self.chat_admins: dict[int | str, bool] = {}  # channel -> is the bot an admin there
        self.uploads: dict[str, bytes] = {}  # file_id -> content, for files users "send" to the bot
        self.delay = 0.0  # seconds every call takes, as a round trip over a real network would (bench)
        self.delays: dict[int | str, float] = {}  # chat id -> seconds its calls take instead (a slow chat)
        self.updates: list[dict[str, Any]] = []  # what the next getUpdates hands over (Update JSON)
        self.webhook: str | None = None  # the URL setWebhook gave; getUpdates is then refused (409)
        self._handed: Counter[int] = Counter()  # update id -> times getUpdates handed it over
        self._message_ids = itertools.count(1)

    # -- BaseRequest -------------------------------------------------------------------------

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if method == "GET":  # a file download: base_file_url/<token>/<file_path>
            content = self.uploads.get(url.rsplit("/", 1)[-1])
            return (200, content) if content is not None else (404, b"")
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        files = _files(request_data)
        call = ApiCall(api_method, params, files, markdown=not self.profile.honours_parse_mode)
        self.calls.append(call)
        delay = self.delays.get(call.chat_id, self.delay) if call.chat_id is not None else self.delay
        if delay:
            await asyncio.sleep(delay)
        failure = self.failures.get(call.chat_id) if call.chat_id is not None else None
        if isinstance(failure, BaseException):  # e.g. TimedOut: the request never got an answer
            raise failure
        if failure is None:
            failure = self._unsupported(call)
        if failure is None and (refusal := _refusal(call, self.profile)) is not None:
            failure = (400, f"Bad Request: {refusal}")
        if failure is not None:
            status, description, *parameters = failure
            answer = {"ok": False, "error_code": status, "description": description}
            if parameters:  # e.g. {"retry_after": 5} with a 429
                answer["parameters"] = parameters[0]
            return status, json.dumps(answer).encode()
        if call.method == "getUpdates":
            return 200, json.dumps({"ok": True, "result": await self._updates(call)}).encode()
        return 200, json.dumps({"ok": True, "result": self._result(call)}).encode()

    # -- answers -----------------------------------------------------------------------------

    def _unsupported(self, call: ApiCall) -> tuple[Any, ...] | None:
        """The error answer of a method or parameter this profile lacks, or of a conflicting call."""
        if call.method in _MENU_METHODS and not self.profile.command_menus:
            return 404, "Not Found: method not found"
        if call.method == "getUpdates" and self.webhook is not None:
            return 409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook first"
        if not self.profile.request_users and "request_users" in json.dumps(call.params.get("reply_markup") or {}):
            return 400, "Bad Request: unsupported keyboard button: request_users"
        return None

    async def _updates(self, call: ApiCall) -> list[dict[str, Any]]:
        """Long polling: what is waiting, past the offset the bot confirmed (Bale may hand an update over again
        after it was confirmed); held until `timeout` while nothing is, unless the profile ignores it."""
        offset = int(call.params.get("offset") or 0)
        self.updates = [update for update in self.updates if update["update_id"] >= offset
                        or self._handed[update["update_id"]] < self.profile.deliveries]
        if not self.updates and self.profile.honours_timeout:
            await asyncio.sleep(min(float(call.params.get("timeout") or 0), LONGEST_POLL))
        handed = self.updates[:100]
        for update in handed:
            self._handed[update["update_id"]] += 1
        return handed

    def _result(self, call: ApiCall) -> Any:
        if call.method == "getMe":
            return _bot_user() | {"can_join_groups": False, "can_read_all_group_messages": False,
                                  "supports_inline_queries": False}
        if call.method in _MESSAGE_METHODS:
            return self._message(call)
        if call.method == "sendMediaGroup":  # an album: one message per photo, the caption on its own one
            return [self._message(ApiCall("sendPhoto", {"chat_id": call.params["chat_id"]} | item))
                    for item in _media(call.params["media"])]
        if call.method == "getMyCommands":
            return []
        if call.method == "getChat":
            return _chat(call.chat_id) | {"accent_color_id": 0, "max_reaction_count": 11}
        if call.method == "getChatMember":
            status = "administrator" if self.chat_admins.get(call.chat_id, True) else "member"
            return {"status": status, "user": _bot_user(), "can_post_messages": status == "administrator",
                    "can_be_edited": False, "is_anonymous": False, "can_manage_chat": True,
                    "can_delete_messages": True, "can_manage_video_chats": True, "can_restrict_members": True,
                    "can_promote_members": False, "can_change_info": True, "can_invite_users": True,
                    "can_manage_topics": False, "can_post_stories": True, "can_edit_stories": True,
                    "can_delete_stories": True}
        if call.method == "getFile":
            file_id = str(call.params["file_id"])
            return {"file_id": file_id, "file_unique_id": file_id, "file_size": len(self.uploads.get(file_id, b"")),
                    "file_path": f"documents/{file_id}"}
        if call.method == "setWebhook":
            self.webhook = str(call.params["url"])
        if call.method == "deleteWebhook":
            self.webhook = None
        if call.method in _TRUE_METHODS:
            return True
        raise AssertionError(f"the offline Bot API does not know {call.method}")

    def _message(self, call: ApiCall) -> dict[str, Any]:
        chat_id = call.chat_id
        if call.method.startswith("edit"):
            key = (chat_id, int(call.params["message_id"]))
            message = dict(self.messages.get(key) or {"message_id": key[1], "chat": _chat(chat_id)})
        else:
            assert chat_id is not None, call
            message = {"message_id": next(self._message_ids), "chat": _chat(chat_id)}
        message.update({"date": int(time.time()), "from": _bot_user()})
        if call.method in {"sendMessage", "editMessageText"}:
            message["text"] = call.params["text"]
        if "caption" in call.params:
            message["caption"] = call.params["caption"]
        if call.method == "sendPhoto":  # sent again by file_id, it keeps that id; an upload gets a new one
            photo = call.params.get("photo")
            file_id = photo if isinstance(photo, str) and not photo.startswith("attach://") \
                else f"photo{message['message_id']}"
            message["photo"] = [{"file_id": file_id, "file_unique_id": "p", "width": 1080, "height": 720}]
        if call.method == "sendDocument":
            message["document"] = {"file_id": f"doc{message['message_id']}", "file_unique_id": "d"}
        markup = call.params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        elif call.method.startswith("edit"):
            message.pop("reply_markup", None)  # an edit without markup removes the buttons
        if call.method.startswith("edit") and isinstance(markup, dict) and not self.profile.edit_keeps_keyboard:
            message.pop("reply_markup", None)  # Bale's reported bug: the new keyboard is lost
        self.messages[(message["chat"]["id"], message["message_id"])] = message
        if call.method == "editMessageText" and not self.profile.edit_returns_message:
            return {"message_id": 0, "date": 0, "chat": message["chat"]}  # Bale's stub
        return message

    # -- reading what was sent ---------------------------------------------------------------

    def sent(self, method: str | None = None, chat_id: int | str | None = None) -> Iterator[ApiCall]:
        for call in self.calls:
            if (method is None or call.method == method) and (chat_id is None or call.chat_id == chat_id):
                yield call

    def last(self, method: str | None = None, chat_id: int | str | None = None) -> ApiCall:
        found = list(self.sent(method, chat_id))
        assert found, f"no {method or 'call'} to {chat_id}"
        return found[-1]

    def clear(self) -> None:
        self.calls.clear()


def _refusal(call: ApiCall, profile: ApiProfile) -> str | None:
    """What Telegram answers 400 to: an over-long text or caption, or HTML it cannot parse (Bale reads none)."""
    if call.method == "sendMediaGroup":  # each photo's caption as if sent alone
        return next(filter(None, (_refusal(ApiCall("sendPhoto", item), profile)
                                  for item in _media(call.params["media"]))), None)
    is_html = call.params.get("parse_mode") == "HTML" and profile.honours_parse_mode
    for name, limit in (("text", MESSAGE_LIMIT), ("caption", CAPTION_LIMIT)):
        value = call.params.get(name)
        if not isinstance(value, str):
            continue
        if is_html and (problem := html_problem(value)) is not None:
            return f"can't parse entities: {problem}"
        shown = markdown_as_html(value) if not profile.honours_parse_mode else value
        if visible_length(shown, is_html or not profile.honours_parse_mode) > limit:
            return "message is too long" if name == "text" else "message caption is too long"
    return None


def _media(media: Any) -> list[dict[str, Any]]:
    """A media group's items as sendPhoto's parameters (photo, caption, parse_mode)."""
    items = json.loads(media) if isinstance(media, str) else media
    assert isinstance(items, list) and 2 <= len(items) <= 10, "a media group holds 2 to 10 items"
    return [{"photo": item["media"]} | {key: item[key] for key in ("caption", "parse_mode") if key in item}
            for item in items]


def _bot_user() -> dict[str, Any]:
    return {"id": BOT_ID, "is_bot": True, "first_name": "Home Business", "username": BOT_USERNAME}


def _chat(chat_id: int | str | None) -> dict[str, Any]:
    if isinstance(chat_id, str):  # @channelusername
        return {"id": -1000000000000 - zlib.crc32(chat_id.encode()) % 10**9, "type": "channel", "title": chat_id,
                "username": chat_id.lstrip("@")}
    assert chat_id is not None
    kind = "private" if chat_id > 0 else "channel"
    return {"id": chat_id, "type": kind, "first_name": "User"} if kind == "private" else \
        {"id": chat_id, "type": kind, "title": f"Channel {chat_id}"}


def _files(request_data: RequestData | None) -> dict[str, bytes]:
    if request_data is None or not request_data.contains_files:
        return {}
    files = {}
    for name, value in request_data.multipart_data.items():
        content = value[1] if isinstance(value, tuple) else value
        files[name] = content if isinstance(content, bytes) else content.read()
    return files
