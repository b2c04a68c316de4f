"""A person using the bot, simulated: each action becomes a real `Update` fed to `Application.process_update`.

It reads what the bot "sent" from the offline Bot API (`RecordingRequest`), so it can press the buttons it
was shown. The tests and the terminal demo both talk to the real Application through it.
"""

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from telegram import (
    Bot,
    CallbackQuery,
    Chat,
    Contact,
    Document,
    Message,
    MessageEntity,
    PhotoSize,
    SharedUser,
    Update,
    User,
    UsersShared,
)
from telegram.constants import MessageEntityType
from telegram.ext import Application

from bot.offline_api import ApiCall, RecordingRequest
from domain.identity import Platform, person_id

_update_ids = itertools.count(1)
_incoming_ids = itertools.count(10**6)  # user messages; far from the ids the offline API hands out


class OfflineUser:
    """A user in a private chat with the bot (`bot`: the app's own, or the bot of another messenger it serves);
    `id` is the id their messenger gives them, `person_id` the store's."""

    def __init__(self, app: Application[Any, Any, Any, Any, Any, Any], rec: RecordingRequest, user_id: int,
                 first_name: str = "مریم", language_code: str | None = None, bot: Bot | None = None) -> None:
        self.app = app
        self.rec = rec
        self.bot = bot or app.bot
        # How an update reaches the bot; the benchmark wraps it to time exactly this call.
        self.process: Callable[[Update], Awaitable[None]] = self.process_and_settle
        self.user = User(user_id, first_name, is_bot=False, language_code=language_code)
        self.chat = Chat(user_id, Chat.PRIVATE, first_name=first_name)

    async def process_through_queue(self, update: Update) -> None:
        """Deliver the update as polling or a webhook does (`application.update_queue`, then the concurrent
        update processor) and wait until it has been handled and its background tasks are done."""
        done = self.app.update_processor.watch(update)  # type: ignore[attr-defined]
        await self.app.update_queue.put(update)
        await done
        await settle(self.app)

    async def process_and_settle(self, update: Update) -> None:
        """Hand the update to the bot, then wait for what the handlers left running in the background
        (tasks named bg:…), so that the person sees everything the bot will send."""
        await self.app.process_update(update)
        await settle(self.app)

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def person_id(self) -> int:
        return person_id(getattr(self.bot, "platform", Platform.TELEGRAM), self.user.id)

    # -- acting ------------------------------------------------------------------------------

    async def send(self, text: str) -> None:
        """A text message; a leading /command gets the entity Telegram would add."""
        entities = []
        if text.startswith("/"):
            command = text.split()[0]
            entities.append(MessageEntity(MessageEntityType.BOT_COMMAND, 0, len(command)))
        await self._feed(self._message(text=text, entities=entities))

    async def send_contact(self, phone: str, user_id: int | None = None) -> None:
        """Share a contact card; by default the sender's own, as the 'share my number' button does."""
        contact = Contact(phone, self.user.first_name, user_id=self.id if user_id is None else user_id)
        await self._feed(self._message(contact=contact))

    async def share_users(self, request_id: int, *user_ids: int) -> None:
        """Choose people with a request_users keyboard button (Telegram's users_shared service message)."""
        shared = UsersShared(request_id, tuple(SharedUser(user_id) for user_id in user_ids))
        await self._feed(self._message(users_shared=shared))

    async def send_document(self, file_name: str, content: bytes, caption: str | None = None) -> None:
        """Upload a file, as dragging one into the chat does."""
        file_id = f"upload{next(_update_ids)}"
        self.rec.uploads[file_id] = content
        document = Document(file_id, file_id, file_name=file_name, mime_type="text/csv", file_size=len(content))
        await self._feed(self._message(document=document, caption=caption))

    async def send_photo(self, width: int = 1280, height: int = 960, file_size: int = 180_000,
                         caption: str | None = None) -> str:
        """A photo as a phone sends it: Telegram's sizes up to `width` × `height`; returns the largest's file_id."""
        serial = next(_update_ids)
        sizes = [PhotoSize(f"photo{serial}-{side}", f"p{serial}-{side}", side, side * height // width,
                           file_size * side // width)
                 for side in (90, 320) if side < width] + [PhotoSize(f"photo{serial}-big", f"p{serial}-big", width,
                                                                      height, file_size)]
        await self._feed(self._message(photo=tuple(sizes), caption=caption))
        return sizes[-1].file_id

    async def send_message(self, **fields: Any) -> None:
        """Any other kind of message (photo, sticker, location…)."""
        await self._feed(self._message(**fields))

    async def press(self, data: str, message: dict[str, Any] | None = None) -> None:
        """Press an inline button with this callback data on `message` (default: the latest with buttons)."""
        message = message or self.latest_inline_message()
        query = CallbackQuery(
            id=str(next(_update_ids)), from_user=self.user, chat_instance=str(self.id), data=data,
            message=Message.de_json(message, self.bot),
        )
        query.set_bot(self.bot)
        await self._deliver(Update(next(_update_ids), callback_query=query))

    async def click(self, text: str) -> None:
        """Press the button labelled `text`: an inline button on the latest message that has it, else a
        reply-keyboard button (sent as text, as Telegram does)."""
        for message in reversed(self._messages()):
            for row in message.get("reply_markup", {}).get("inline_keyboard", []):
                for button in row:
                    if button["text"] == text:
                        await self.press(button["callback_data"], message)
                        return
        if text in self.reply_keyboard():
            await self.send(text)
            return
        raise AssertionError(f"no button {text!r}; inline: {self.inline_buttons()}; reply: {self.reply_keyboard()}")

    # -- seeing ------------------------------------------------------------------------------

    def _messages(self) -> list[dict[str, Any]]:
        return [message for (chat, _), message in self.rec.messages.items() if chat == self.id]

    def latest_inline_message(self) -> dict[str, Any]:
        for message in reversed(self._messages()):
            if message.get("reply_markup", {}).get("inline_keyboard"):
                return message
        raise AssertionError("no message with inline buttons")

    def inline_buttons(self) -> list[str]:
        try:
            message = self.latest_inline_message()
        except AssertionError:
            return []
        return [button["text"] for row in message["reply_markup"]["inline_keyboard"] for button in row]

    def reply_keyboard(self) -> list[str]:
        """The reply keyboard the client shows now: the one from the latest message that set or removed one."""
        for call in reversed(list(self.rec.sent(chat_id=self.id))):
            markup = call.params.get("reply_markup")
            if isinstance(markup, dict) and "keyboard" in markup:
                return call.button_texts()
            if isinstance(markup, dict) and markup.get("remove_keyboard"):
                return []
        return []

    @property
    def calls(self) -> list[ApiCall]:
        return list(self.rec.sent(chat_id=self.id))

    @property
    def last_text(self) -> str:
        """What the user reads last: the latest text message sent or edited in their chat (not a caption)."""
        texts = [call for call in self.calls if call.params.get("text")]
        assert texts, "the bot said nothing"
        return texts[-1].text

    @property
    def last_photo(self) -> ApiCall:
        return self.rec.last("sendPhoto", self.id)

    def texts_since(self, mark: int) -> list[str]:
        return [call.text for call in self.rec.calls[mark:] if call.chat_id == self.id and call.text]

    # -- plumbing ----------------------------------------------------------------------------

    def _message(self, **fields: Any) -> Message:
        message = Message(next(_incoming_ids), datetime.now(UTC), self.chat, from_user=self.user, **fields)
        return Message.de_json(message.to_dict(), self.bot)  # binds the bot to nested objects too

    async def _feed(self, message: Message) -> None:
        await self._deliver(Update(next(_update_ids), message=message))

    async def _deliver(self, update: Update) -> None:
        """As the platform would: once on Telegram; Bale's profile hands the same update over again."""
        for _ in range(self.rec.profile.deliveries):
            await self.process(update)


async def settle(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Wait for the handlers' background tasks (card drawing, broadcasts) to finish."""
    while busy := [task for task in asyncio.all_tasks() if (task.get_name() or "").startswith("bg:")
                   and not task.done()]:
        await asyncio.gather(*busy, return_exceptions=True)
