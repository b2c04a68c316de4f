"""Conversation state kept in the store, so a restart resumes every unfinished form and owed answer.

Handlers write each step through as they go: the form to the drafts table (`handlers/drafts.py`), an
officer's owed reason or amount to officer_prompts (`handlers/officer.py`), the roster's steps to
conversation_steps (`handlers/roster_form.py`, `handlers/roster_officer.py`). This persistence only hands
those states back to PTB's ConversationHandlers at start-up, and deletes the row when PTB reports that a
conversation ended. One source of truth per conversation; nothing else is persisted here (languages live
in `users`).
"""

from datetime import timedelta
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from handlers import roster_form, roster_officer
from handlers.officer import ANSWER_CONVERSATION, ANSWER_TIMEOUT, owed_state
from storage import Store

# Conversations kept in conversation_steps, and how long an untouched step stays worth resuming.
STEP_CONVERSATIONS = {roster_form.CONVERSATION: roster_form.STEP_TTL,
                      roster_officer.CONVERSATION: roster_officer.REASON_TIMEOUT}


class DraftPersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    def __init__(self, store: Store, draft_ttl: timedelta) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=False, callback_data=False),
            update_interval=60,  # nothing waits in memory to be flushed: see update_conversation
        )
        self.store = store
        self.draft_ttl = draft_ttl

    async def get_conversations(self, name: str) -> ConversationDict:
        # PTB asks before post_init runs, so the store may not be open yet (connect() is idempotent).
        await self.store.connect()
        # Private chats: chat id = user id.
        if name == ANSWER_CONVERSATION:  # questions older than the timeout are not owed any more
            prompts = await self.store.list_officer_prompts(ANSWER_TIMEOUT)
            return {(p.officer_id, p.officer_id): owed_state(p) for p in prompts}
        if name in STEP_CONVERSATIONS:
            steps = await self.store.list_steps(name, STEP_CONVERSATIONS[name])
            return {(step.user_id, step.user_id): step.state for step in steps}
        drafts = await self.store.list_drafts(self.draft_ttl)
        return {(draft.user_id, draft.user_id): draft.state for draft in drafts}

    async def update_conversation(self, name: str, key: ConversationKey, new_state: object | None) -> None:
        # Every step already wrote its state (handlers/drafts.py, the officer's prompt); only an ended
        # conversation needs the database, in case a path ended it without deleting its row.
        if new_state is not None:
            return
        if name == ANSWER_CONVERSATION:
            await self.store.clear_officer_prompt(int(key[-1]))
        elif name in STEP_CONVERSATIONS:
            await self.store.delete_step(name, int(key[-1]))
        else:
            await self.store.delete_draft(int(key[-1]))

    # Nothing below is persisted (see store_data above); PTB still requires the methods.

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        return None

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        return None

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def drop_user_data(self, user_id: int) -> None:
        return None

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        return None

    async def flush(self) -> None:
        return None
