"""A demo session: the real Application on the offline Bot API, and people to play.

Nothing here changes how the bot works: the Application is built by the same factory as in production,
with the in-process `RecordingRequest` as its only difference. The session plays the people (an
applicant, an officer per province, an admin), shows what the bot sends them, and saves files it sends.
"""

import html
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.app import BotApp, build_application, start_offline, stop_offline
from bot.config import Config
from bot.offline_api import ApiCall, RecordingRequest
from bot.offline_client import OfflineUser, settle
from demo.sample_data import sample_applications
from domain.flood import FloodGate
from domain.identity import Platform, platform_of
from handlers.admin import find_province_in
from messages import label
from storage import Store

APPLICANT_ID, ADMIN_ID, FIRST_OFFICER_ID, WORKER_ID = 1001, 9001, 2000, 3001
# A deep link the bot sent someone (a covered worker's invitation, a permit's QR): /follow opens the latest.
DEEP_LINK = re.compile(r"https://t\.me/[A-Za-z0-9_]+\?start=([A-Za-z0-9_-]{1,64})")
BALE_APPLICANT_ID = 4001  # an applicant on Bale: the demo serves both messengers, as TELEGRAM_BOT_TOKEN and
# BALE_BOT_TOKEN do (both bots share one offline API here: the demo's people have distinct ids)
PHONE = "+989120000000"
TYPING_SECONDS = 3.0  # the quickest a person types and sends one line
SILENT_METHODS = {"setMyCommands", "deleteMyCommands", "getMe", "getChat", "getChatMember", "getFile",
                  "deleteWebhook", "sendChatAction"}


def demo_config(database: Path, language: str) -> Config:
    """Production settings, with a placeholder token (no request ever leaves the process) and a demo admin."""
    return Config.from_env({"TELEGRAM_BOT_TOKEN": "123456:DEMO-no-network", "BALE_BOT_TOKEN": "654321:DEMO-bale",
                            "DATABASE_PATH": str(database), "ADMIN_IDS": str(ADMIN_ID), "DEFAULT_LANGUAGE": language})


@dataclass
class Persona:
    key: str  # "applicant", "bale applicant", "admin", "officer IR-15"
    user: OfflineUser


@dataclass
class DemoSession:
    database: Path
    output: Path
    language: str = "fa"
    rec: RecordingRequest = field(default_factory=RecordingRequest)
    app: BotApp | None = None
    store: Store | None = None
    personas: dict[str, Persona] = field(default_factory=dict)
    current: str = "applicant"
    _shown: int = 0  # how many recorded calls are already in the transcript
    _channels: dict[int, str] = field(default_factory=dict)  # chat id -> title, of the channels set
    _keyboard_shown: list[str] = field(default_factory=list)  # the menu keyboard is listed when it changes
    _saved: int = 0
    _typed: int = 0  # lines typed so far: the flood gate's clock moves by TYPING_SECONDS for each

    async def start(self, sample_data: int = 0) -> list[str]:
        config = demo_config(self.database, self.language)
        self.store = Store(self.database, tz=config.timezone)
        self.app = build_application(config, self.store, request=self.rec,
                                     other_requests={Platform.BALE: self.rec})
        # The flood gate as production has it, on a clock that counts each line as typed by a person (a script
        # replays lines at machine speed; nobody types twenty answers in ten seconds).
        self.app.bot_data["flood"] = FloodGate(config.flood_limit, config.flood_window, config.flood_cooldown,
                                               clock=lambda: time.monotonic() + self._typed * TYPING_SECONDS)
        await start_offline(self.app)
        lines = [f"database: {self.database}"]
        if sample_data:
            categories = [category.id for category in await self.store.list_categories()]
            imported = await self.store.import_applications(
                sample_applications(sample_data, categories, datetime.now(UTC)),
                config.rules.permit_number_format, config.rules.permit_validity_years)
            lines.append(f"sample data: {imported} fake applications across the provinces")
        self.personas["applicant"] = Persona("applicant", self._user(APPLICANT_ID, "مریم"))
        self.personas["bale applicant"] = Persona("bale applicant", self._user(BALE_APPLICANT_ID, "زهرا",
                                                                               Platform.BALE))
        self.personas["admin"] = Persona("admin", self._user(ADMIN_ID, "مدیر"))
        self.personas["worker"] = Persona("worker", self._user(WORKER_ID, "زهرا"))  # a supporter's covered worker
        for province in await self.store.list_provinces():  # one demo officer per province, as an admin would
            officer_id = FIRST_OFFICER_ID + int(province.code.removeprefix("IR-"))
            await self.store.set_officer(officer_id, province.code, ADMIN_ID, self.language)
            key = f"officer {province.code}"
            self.personas[key] = Persona(key, self._user(officer_id, "کارشناس"))
        self._shown = len(self.rec.calls)
        return lines

    async def stop(self) -> None:
        if self.app is not None:
            await stop_offline(self.app)

    def _user(self, user_id: int, name: str, platform: Platform = Platform.TELEGRAM) -> OfflineUser:
        assert self.app is not None
        return OfflineUser(self.app, self.rec, user_id, name, language_code=self.language,
                           bot=self.app.bot_data["bots"][platform])

    # -- input ------------------------------------------------------------------------------------

    async def say(self, line: str) -> list[str]:
        """One line typed by the person at the keyboard; returns what to print."""
        line = line.strip()
        if not line or line.startswith("#"):
            return []
        self._typed += 1
        if line.startswith("/as"):
            return await self.switch_persona(line.removeprefix("/as").strip())
        persona = self.personas[self.current]
        buttons = self.prompt_buttons(persona.user)
        if line == "/contact":
            await persona.user.send_contact(PHONE)
        elif line == "/follow":  # open the latest deep link the bot sent anyone, as tapping it does
            payload = self.latest_deep_link()
            if payload is None:
                return ["— no link to follow yet —"]
            await persona.user.send(f"/start {payload}")
        elif line.startswith("'"):  # 'text: send as typed, even a number that would press a button
            await persona.user.send(line[1:])
        elif re.fullmatch(r"[0-9]{1,3}", line) and 1 <= int(line) <= len(buttons):  # ASCII only: ۳ is an answer
            await self._press(persona.user, buttons[int(line) - 1])
        elif line in [text for text, message in buttons if message is not None]:
            await self._press(persona.user, next(b for b in buttons if b[0] == line))
        else:  # text, a reply-keyboard button's text included: that is what pressing one sends
            await persona.user.send(line)
        await self.settle()
        return await self.transcript()

    def latest_deep_link(self) -> str | None:
        """The start parameter of the latest t.me link in a message the bot sent (someone forwarded it)."""
        for call in reversed(self.rec.calls):
            match = DEEP_LINK.search(str(call.params.get("text") or ""))
            if match:
                return match.group(1)
        return None

    async def _press(self, user: OfflineUser, button: tuple[str, dict[str, Any] | None]) -> None:
        text, message = button
        if message is None:  # a reply-keyboard button
            if text == self._label("form.share_contact"):
                await user.send_contact(PHONE)
            else:
                await user.send(text)
            return
        data = next(b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row
                    if b["text"] == text)
        await user.press(data, message)

    def _label(self, key: str) -> str:
        return label(self.language, key)

    async def switch_persona(self, wanted: str) -> list[str]:
        """/as applicant | /as bale applicant | /as worker | /as admin | /as officer <province>."""
        assert self.store is not None
        if wanted in ("applicant", "bale applicant", "admin", "worker"):
            self.current = wanted
            return [f"— you are now the {wanted} —"]
        if wanted.startswith("officer"):
            province = find_province_in(await self.store.list_provinces(), wanted.removeprefix("officer").strip()
                                        or "لرستان")
            if province is None:
                return ["— which province? e.g. /as officer لرستان or /as officer IR-15 —"]
            self.current = f"officer {province.code}"
            return [f"— you are now the officer of {province.name_en} ({province.name_fa}) —"]
        return ["— /as applicant, /as bale applicant, /as worker, /as officer <province>, or /as admin —"]

    async def settle(self) -> None:
        """Let the bot finish: background work, then the outbox now rather than at the courier's next tick."""
        assert self.app is not None
        await settle(self.app)
        await self.app.bot_data["courier"].deliver_due()

    # -- output -----------------------------------------------------------------------------------

    def prompt_buttons(self, user: OfflineUser) -> list[tuple[str, dict[str, Any] | None]]:
        """The buttons of the current prompt: the message the bot last sent, or last edited with buttons (a
        page turned, a card refreshed), as they are now; or the reply keyboard it brought. An edit that only
        tidies an older message (its buttons taken away) changes nothing, and earlier prompts are not offered."""
        mine = [message for (chat, _), message in self.rec.messages.items() if chat == user.id]
        newest = max((int(message["message_id"]) for message in mine), default=None)
        for call in reversed(list(self.rec.sent(chat_id=user.id))):
            if call.method.startswith("edit") and "message_id" in call.params:
                message_id = int(call.params["message_id"])
                if "inline_keyboard" not in (call.params.get("reply_markup") or {}) and message_id != newest:
                    continue  # tidying: an older message lost its buttons
                message = self.rec.messages.get((user.id, message_id)) or {}
            elif call.method.startswith("send") and call.method not in SILENT_METHODS:
                markup = call.params.get("reply_markup")
                if isinstance(markup, dict) and "keyboard" in markup:
                    return [(text, None) for text in call.button_texts()]
                message = next(m for m in mine if int(m["message_id"]) == newest)  # the one just sent
            else:
                continue
            inline = (message.get("reply_markup") or {}).get("inline_keyboard") or []
            return [(button["text"], message) for row in inline for button in row]
        return []

    async def transcript(self) -> list[str]:
        assert self.store is not None
        self._channels = {platform_of(channel.chat_id).id: channel.title  # as the offline API records them
                          for channel in await self.store.list_channels()}
        lines: list[str] = []
        for call in self.rec.calls[self._shown:]:
            lines += self._describe(call)
        self._shown = len(self.rec.calls)
        user = self.personas[self.current].user
        buttons = self.prompt_buttons(user)
        if not lines:
            return lines
        if buttons:
            kind = "buttons" if buttons[0][1] is not None else "keyboard"
            lines.append(f"   {kind}: " + "  ".join(f"[{i}] {text}" for i, (text, _) in enumerate(buttons, 1)))
        keyboard = user.reply_keyboard()  # still shown by the client from an earlier message: type its text
        if keyboard and keyboard != self._keyboard_shown and not (buttons and buttons[0][1] is None):
            lines.append("   keyboard: " + "  ".join(keyboard))
        self._keyboard_shown = keyboard
        return lines

    def _who(self, chat_id: int | str | None) -> str | None:
        for persona in self.personas.values():
            if persona.user.id == chat_id:
                return persona.key
        if isinstance(chat_id, int) and chat_id < 0:  # a channel: named as the admin set it (/setchannel)
            return f"channel {self._channels.get(chat_id, chat_id)}"
        return None

    def _describe(self, call: ApiCall) -> list[str]:
        if call.method in SILENT_METHODS:
            return []
        if call.method == "answerCallbackQuery":
            return [f"   (alert) {call.params['text']}"] if call.params.get("text") else []
        who = self._who(call.chat_id)
        if who is None:  # a sample applicant or an officer nobody plays
            return []
        head = f"[{who}]"
        if call.method == "sendMessage":
            return [f"{head} {plain(call.params['text'])}"]
        if call.method == "editMessageText":
            return [f"{head} ✎ (edited) {plain(call.params['text'])}"]
        if call.method == "editMessageReplyMarkup":
            return []
        if call.method in ("sendPhoto", "sendDocument"):
            path = self._save(call)
            caption = plain(str(call.params.get("caption") or ""))
            return [f"{head} 📎 {path}" + (f"  {caption}" if caption else "")]
        return [f"{head} ({call.method})"]

    def _save(self, call: ApiCall) -> Path:
        self.output.mkdir(parents=True, exist_ok=True)
        [(name, content)] = list(call.files.items())[:1] or [("file", b"")]
        suffix = ".pdf" if content.startswith(b"%PDF") else ".png"
        self._saved += 1
        path = self.output / f"{self._saved:03d}-{call.method.removeprefix('send').lower()}{suffix}"
        path.write_bytes(content)
        return path


def plain(text: str) -> str:
    """The bot's HTML as a terminal shows it."""
    return html.unescape(re.sub(r"</?(b|i|u|s|code|pre|a)( [^>]*)?>", "", text))

