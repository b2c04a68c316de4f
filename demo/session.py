"""A demo session: the real Application on the offline Bot API, and people to play.

Nothing here changes how the bot works: the Application is built by the same factory as in production,
with the in-process `RecordingRequest` as its only difference. The session plays the people (an
applicant, an officer per province, an admin), shows what the bot sends them, and saves files it sends.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from persiantools.jdatetime import JalaliDate

from bot.app import DEFAULT_RATE_LIMITER, BotApp, build_application, start_offline, stop_offline
from bot.config import Config
from bot.offline_api import API_PROFILES, ApiCall, RecordingRequest
from bot.offline_client import OfflineUser, settle
from bot.platforms import Platform
from demo.sample_data import sample_applications
from domain.identity import person_id, platform_of
from handlers.admin import find_province_in
from messages import label
from messages.formatting import localize_digits
from storage import Store

APPLICANT_ID, ADMIN_ID, FIRST_OFFICER_ID, WORKER_ID, BUYER_ID = 1001, 9001, 2000, 3001, 3002
# A deep link the bot sent someone (a covered worker's invitation, a permit's QR): /follow opens the latest.
DEEP_LINK = re.compile(r"https://(?:t\.me|ble\.ir)/[A-Za-z0-9_]+\?start=([A-Za-z0-9_-]{1,64})")
BALE_APPLICANT_ID = 4001  # an applicant on Bale, beside the Telegram bot (TELEGRAM_BOT_TOKEN and BALE_BOT_TOKEN)
PHONE = "+989120000000"
DAY_AHEAD = re.compile(r"\{\+([0-9]{1,3})\}")
SILENT_METHODS = {"setMyCommands", "deleteMyCommands", "getMe", "getChat", "getChatMember", "getFile",
                  "deleteWebhook", "sendChatAction"}


def demo_config(database: Path, language: str, scripted: bool = False,
                platform: Platform = Platform.TELEGRAM) -> Config:
    """Production settings, with placeholder tokens (no request ever leaves the process) and a demo admin: both
    messengers at once, Telegram's bot the main one; or, for Bale, Bale's bot alone (PLATFORM=bale).
    A script types faster than any person, so its flood limit is out of reach (tests/test_reliability.py
    covers the flood gate)."""
    bots = {"BOT_TOKEN": "654321:DEMO-bale", "PLATFORM": platform} if platform is Platform.BALE else \
        {"TELEGRAM_BOT_TOKEN": "123456:DEMO-no-network", "BALE_BOT_TOKEN": "654321:DEMO-bale"}
    return Config.from_env(bots | {"DATABASE_PATH": str(database), "ADMIN_IDS": str(ADMIN_ID),
                                   "DEFAULT_LANGUAGE": language} | ({"FLOOD_LIMIT": "10000"} if scripted else {}))


@dataclass
class Persona:
    key: str  # "applicant", "bale applicant", "admin", "buyer" (someone who saw a showcase post), "officer IR-15"
    user: OfflineUser


@dataclass
class DemoSession:
    database: Path
    output: Path
    language: str = "fa"
    scripted: bool = False  # inputs come from a script, not a person at the keyboard
    platform: Platform = Platform.TELEGRAM  # Bale: its settings, and the stand-in in Bale's profile
    rec: RecordingRequest = field(default_factory=RecordingRequest)
    app: BotApp | None = None
    store: Store | None = None
    personas: dict[str, Persona] = field(default_factory=dict)
    current: str = "applicant"
    recs: dict[Platform, RecordingRequest] = field(default_factory=dict)  # each messenger's stand-in
    _shown: dict[Platform, int] = field(default_factory=dict)  # how many of each one's calls are shown
    _channels: dict[int, str] = field(default_factory=dict)  # chat id -> title, of the channels set
    _keyboard_shown: list[str] = field(default_factory=list)  # the menu keyboard is listed when it changes
    _saved: int = 0
    _days_later: int = 0  # /later moves the bot's clock on by whole days (deadlines, reminders)

    def _clock(self) -> datetime:
        return datetime.now(UTC) + timedelta(days=self._days_later)

    def _day_ahead(self, match: re.Match[str]) -> str:
        """{+N} in a script: the Jalali day N days after the bot's today, so stories never go out of date."""
        assert self.store is not None
        day = JalaliDate.to_jalali(self.store.today().to_gregorian() + timedelta(days=int(match.group(1))))
        return localize_digits(f"{day.year}/{day.month:02d}/{day.day:02d}", self.language)

    async def start(self, sample_data: int = 0) -> list[str]:
        config = demo_config(self.database, self.language, self.scripted, self.platform)
        # Each messenger's bot talks to its own stand-in, which behaves as that messenger does.
        self.recs = {bot.platform: RecordingRequest(API_PROFILES[bot.platform]) for bot in config.bots}
        self.rec = self.recs[config.platform]
        self.store = Store(self.database, clock=self._clock, tz=config.timezone)
        # A script replays its lines at once against stand-ins that answer at once: Telegram's pacing (a channel
        # takes about 20 posts a minute) would only make it wait. A person at the keyboard gets production's.
        self.app = build_application(
            config, self.store, request=self.rec, rate_limiter=None if self.scripted else DEFAULT_RATE_LIMITER,
            other_requests={platform: rec for platform, rec in self.recs.items() if platform is not config.platform})
        await start_offline(self.app)
        lines = [f"database: {self.database}"]
        if sample_data:
            categories = [category.id for category in await self.store.list_categories()]
            imported = await self.store.import_applications(
                sample_applications(sample_data, categories, datetime.now(UTC)),
                config.rules.permit_number_format, config.rules.permit_validity_years)
            lines.append(f"sample data: {imported} fake applications across the provinces")
        self.personas["applicant"] = Persona("applicant", self._user(APPLICANT_ID, "مریم"))
        if Platform.BALE in self.recs and self.platform is not Platform.BALE:  # both messengers are served
            self.personas["bale applicant"] = Persona("bale applicant", self._user(BALE_APPLICANT_ID, "زهرا",
                                                                                   Platform.BALE))
        self.personas["admin"] = Persona("admin", self._user(ADMIN_ID, "مدیر"))
        self.personas["worker"] = Persona("worker", self._user(WORKER_ID, "زهرا"))  # a supporter's covered worker
        self.personas["buyer"] = Persona("buyer", self._user(BUYER_ID, "خریدار"))
        for province in await self.store.list_provinces():  # one demo officer per province, as an admin would
            officer_id = FIRST_OFFICER_ID + int(province.code.removeprefix("IR-"))
            await self.store.set_officer(person_id(self.platform, officer_id), province.code,  # the store's ids
                                         person_id(self.platform, ADMIN_ID), self.language)
            key = f"officer {province.code}"
            self.personas[key] = Persona(key, self._user(officer_id, "کارشناس"))
        self._shown = {platform: len(rec.calls) for platform, rec in self.recs.items()}
        return lines

    async def stop(self) -> None:
        if self.app is not None:
            await stop_offline(self.app)

    def _user(self, user_id: int, name: str, platform: Platform | None = None) -> OfflineUser:
        """A person on `platform` (the main bot's by default), talking to that messenger's stand-in."""
        assert self.app is not None
        platform = platform or self.platform
        return OfflineUser(self.app, self.recs[platform], user_id, name, language_code=self.language,
                           bot=self.app.bot_data["bots"][platform])

    def _calls(self, since: dict[Platform, int] | None = None) -> list[ApiCall]:
        """What every stand-in recorded (after `since`), in the order the calls were made."""
        calls = [call for platform, rec in self.recs.items() for call in rec.calls[(since or {}).get(platform, 0):]]
        return sorted(calls, key=lambda call: call.seq)

    # -- input ------------------------------------------------------------------------------------

    async def say(self, line: str) -> list[str]:
        """One line typed by the person at the keyboard; returns what to print."""
        line = DAY_AHEAD.sub(self._day_ahead, line.strip())
        if not line or line.startswith("#"):
            return []
        if line == "/as" or line.startswith("/as "):  # not /assess
            return await self.switch_persona(line.removeprefix("/as").strip())
        if line.startswith("/later"):
            return await self.later(line.removeprefix("/later").strip())
        persona = self.personas[self.current]
        buttons = self.prompt_buttons(persona.user)
        if line == "/contact":
            await persona.user.send_contact(PHONE)
        elif line == "/photo":  # a photo from the phone's gallery (the demo has no camera: Telegram's sizes only)
            await persona.user.send_photo()
        elif line == "/follow":  # open the latest deep link the bot sent anyone, as tapping it does
            payload = self.latest_deep_link()
            if payload is None:
                return ["— no link to follow yet —"]
            await persona.user.send(f"/start {payload}")
        elif line == "/photo":  # a photo from the phone's gallery (the demo has no camera: Telegram's sizes only)
            await persona.user.send_photo()
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
        """The start parameter of the latest t.me (or ble.ir) link in a message the bot sent (someone forwarded it)."""
        for call in reversed(self._calls()):
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
        """/as applicant | /as bale applicant | /as worker | /as buyer | /as admin | /as officer <province> |
        /as user <id> [first name]."""
        assert self.store is not None
        if wanted in ("applicant", "bale applicant", "admin", "worker", "buyer") and wanted in self.personas:
            self.current = wanted
            return [f"— you are now the {wanted} —"]
        if wanted.startswith("officer"):
            province = find_province_in(await self.store.list_provinces(), wanted.removeprefix("officer").strip()
                                        or "لرستان")
            if province is None:
                return ["— which province? e.g. /as officer لرستان or /as officer IR-15 —"]
            self.current = f"officer {province.code}"
            return [f"— you are now the officer of {province.name_en} ({province.name_fa}) —"]
        if wanted.startswith("user"):  # anyone else by id, e.g. an adviser the admin appointed: /as user 3015 سارا
            number, _, name = wanted.removeprefix("user").strip().partition(" ")
            if not number.isascii() or not number.isdigit():
                return ["— whose id? e.g. /as user 3015 سارا —"]
            key = f"user {number}"
            if key not in self.personas:
                self.personas[key] = Persona(key, self._user(int(number), name.strip() or "کاربر"))
            self.current = key
            return [f"— you are now user {number} —"]
        both = " /as bale applicant," if "bale applicant" in self.personas else ""
        return [f"— /as applicant,{both} /as worker, /as buyer, /as officer <province>, /as user <id> [name], or"
                " /as admin —"]

    async def later(self, days: str) -> list[str]:
        """/later <days>: the bot's clock moves on, and its periodic chores (look_after_*) run as they would."""
        assert self.app is not None and self.app.job_queue is not None
        if not days.isascii() or not days.isdigit() or not 1 <= int(days) <= 366:
            return ["— /later <days>, e.g. /later 6 —"]
        self._days_later += int(days)
        for job in self.app.job_queue.jobs():
            if job.name and job.name.startswith("look_after_"):
                await job.run(self.app)
        await self.settle()
        return [f"— {days} days later —", *await self.transcript()]

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
        mine = [message for (chat, _), message in user.rec.messages.items() if chat == user.id]
        newest = max((int(message["message_id"]) for message in mine), default=None)
        for call in reversed(list(user.rec.sent(chat_id=user.id))):
            if call.method.startswith("edit") and "message_id" in call.params:
                message_id = int(call.params["message_id"])
                if "inline_keyboard" not in (call.params.get("reply_markup") or {}) and message_id != newest:
                    continue  # tidying: an older message lost its buttons
                message = user.rec.messages.get((user.id, message_id)) or {}
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
        self._channels = {platform_of(channel.chat_id).id: channel.title  # as the stand-ins record them
                          for channel in await self.store.list_channels(None)}
        lines: list[str] = []
        for call in self._calls(self._shown):
            lines += self._describe(call)
        self._shown = {platform: len(rec.calls) for platform, rec in self.recs.items()}
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
            return [f"{head} {call.seen}{links(call)}"]
        if call.method == "editMessageText":
            return [f"{head} ✎ (edited) {call.seen}"]
        if call.method == "editMessageReplyMarkup":
            return []
        if call.method == "sendMediaGroup":  # an album of photos someone sent, shown again by file_id
            media = call.params["media"]
            media = json.loads(media) if isinstance(media, str) else media
            caption = ApiCall(call.method, media[0], markdown=call.markdown).seen  # as the album shows it
            return [f"{head} 🖼 ×{len(media)} " + ", ".join(str(item["media"]) for item in media)
                    + (f"\n{caption}" if caption else "")]
        if call.method == "sendPhoto" and isinstance(call.params.get("photo"), str):  # by file_id: nothing to save
            caption = call.seen
            return [f"{head} 🖼 {call.params['photo']}" + (f"\n{caption}" if caption else "")]
        if call.method == "deleteMessage":
            return [f"{head} 🗑 message {call.params['message_id']} deleted"]
        if call.method in ("sendPhoto", "sendDocument"):
            path = self._save(call)
            caption = call.seen
            return [f"{head} 📎 {path}" + (f"  {caption}" if caption else "")]
        return [f"{head} ({call.method})"]

    def _save(self, call: ApiCall) -> Path:
        self.output.mkdir(parents=True, exist_ok=True)
        [(name, content)] = list(call.files.items())[:1] or [("file", b"")]
        suffix = next((kind for magic, kind in _SUFFIXES if content.startswith(magic)), ".csv")  # else text
        self._saved += 1
        path = self.output / f"{self._saved:03d}-{call.method.removeprefix('send').lower()}{suffix}"
        path.write_bytes(content)
        return path


# What a file the bot sends is, by its first bytes (the offline API keeps no file names): the rest is CSV text.
_SUFFIXES = ((b"%PDF", ".pdf"), (b"\x89PNG", ".png"), (b"PK\x03\x04", ".xlsx"))


def links(call: ApiCall) -> str:
    """A message's link buttons (a channel post's «گزارش»), which the terminal cannot press: open one by typing
    the /start command it leads to, as the bot's chat would."""
    rows = (call.params.get("reply_markup") or {}).get("inline_keyboard") or []
    return "".join(f"  [{button['text']} → {button['url']}]" for row in rows for button in row if "url" in button)
