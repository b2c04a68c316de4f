"""Conversation state kept in the store, so a restart resumes every unfinished form and owed answer.

Handlers write each step through as they go: the form to the drafts table (`handlers/drafts.py`), an
officer's owed reason or amount to officer_prompts (`handlers/officer.py`), the roster's, the exhibitions',
the showcase's and a course form's steps to conversation_steps (`handlers/roster_form.py`,
`handlers/roster_officer.py`, `handlers/exhibition_steps.py`, `handlers/showcase.py`, `handlers/showcase_review.py`,
`handlers/course_form.py`), an advice question being written to advice_drafts (`handlers/advice.py`), an
adviser's owed answer to advice_prompts (`handlers/advice_desk.py`), a self-assessment to assessment_sessions
(`handlers/assessment.py`). This persistence only hands those states back to PTB's ConversationHandlers at
start-up, and deletes the row when PTB reports that a conversation ended. One source of truth per
conversation; nothing else is persisted here (languages live in `users`).
"""

from datetime import timedelta
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from handlers import (
    advice,
    advice_desk,
    assessment,
    course_form,
    roster_form,
    roster_officer,
    showcase,
    showcase_review,
)
from handlers.exhibition_steps import BOOTH_FORM, BOOTH_REASON, EXHIBITION_FORM, REASON_TIMEOUT
from handlers.officer import ANSWER_CONVERSATION, ANSWER_TIMEOUT, owed_state
from handlers.states import AdviceOwed
from storage import Store
from storage.showcase_store import SHOWCASE_CONVERSATION

# Conversations kept in conversation_steps, and how long an untouched step stays worth resuming.
STEP_CONVERSATIONS = {roster_form.CONVERSATION: roster_form.STEP_TTL,
                      roster_officer.CONVERSATION: roster_officer.REASON_TIMEOUT,
                      course_form.COURSE_FORM: course_form.STEP_TTL,
                      SHOWCASE_CONVERSATION: showcase.FORM_TTL,
                      showcase_review.REASON_CONVERSATION: ANSWER_TIMEOUT}


class DraftPersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    def __init__(self, store: Store, draft_ttl: timedelta) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=False, callback_data=False),
            update_interval=60,  # nothing waits in memory to be flushed: see update_conversation
        )
        self.store = store
        self.draft_ttl = draft_ttl
        self.step_ttls = STEP_CONVERSATIONS | {EXHIBITION_FORM: draft_ttl, BOOTH_FORM: draft_ttl,
                                               BOOTH_REASON: REASON_TIMEOUT}

    async def get_conversations(self, name: str) -> ConversationDict:
        # PTB asks before post_init runs, so the store may not be open yet (connect() is idempotent).
        await self.store.connect()
        # Private chats: chat id = user id.
        if name == ANSWER_CONVERSATION:  # questions older than the timeout are not owed any more
            prompts = await self.store.list_officer_prompts(ANSWER_TIMEOUT)
            return {(p.officer_id, p.officer_id): owed_state(p) for p in prompts}
        if name == advice_desk.ANSWER_CONVERSATION:
            owed = await self.store.list_advice_prompts(advice_desk.ANSWER_TIMEOUT)
            return {(p.adviser_id, p.adviser_id): AdviceOwed.ANSWER for p in owed}
        if name == advice.ASK_CONVERSATION:
            return {(d.user_id, d.user_id): d.state for d in await self.store.list_advice_drafts(self.draft_ttl)}
        if name == assessment.CONVERSATION:  # self-assessments in progress, kept as long as forms are
            sessions = await self.store.list_assessment_sessions(self.draft_ttl)
            return {(s.user_id, s.user_id): assessment.session_state(s) for s in sessions}
        if name in self.step_ttls:
            steps = await self.store.list_steps(name, self.step_ttls[name])
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
        elif name == advice_desk.ANSWER_CONVERSATION:  # every path that ends it gave the question back or answered
            return
        elif name == advice.ASK_CONVERSATION:
            await self.store.delete_advice_draft(int(key[-1]))
        elif name == assessment.CONVERSATION:
            await self.store.delete_assessment_session(int(key[-1]))
        elif name in self.step_ttls:
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
