"""The user's unfinished form: written through to the store at every step, read from memory in between.

The drafts table is the one source of truth (a restart reads it back); this process keeps the latest copy
in `user_data` so a step costs one database round trip (the write), not two. Updates of one user are
handled one at a time, so the copy cannot go stale behind the process's back.
"""

from typing import Any

from handlers.context import Ctx
from handlers.states import Reg

CACHE_KEY = "draft"
Answers = dict[str, Any]


def _cache(context: Ctx) -> dict[str, Any]:
    return context.user_data if context.user_data is not None else {}


async def _cached(context: Ctx, user_id: int) -> tuple[Reg, Answers] | None:
    cache = _cache(context)
    if CACHE_KEY not in cache:
        draft = await context.store.get_draft(user_id)
        cache[CACHE_KEY] = (Reg(draft.state), draft.data) if draft else None
    cached: tuple[Reg, Answers] | None = cache[CACHE_KEY]
    return cached


async def load_answers(context: Ctx, user_id: int) -> Answers:
    """A copy of the answers so far (empty when there is no draft)."""
    cached = await _cached(context, user_id)
    return dict(cached[1]) if cached else {}


async def current_state(context: Ctx, user_id: int) -> Reg:
    cached = await _cached(context, user_id)
    return cached[0] if cached else Reg.SECTOR


async def save_draft(context: Ctx, user_id: int, state: Reg, answers: Answers) -> None:
    await context.store.save_draft(user_id, state.value, answers)
    _cache(context)[CACHE_KEY] = (state, dict(answers))


async def delete_draft(context: Ctx, user_id: int) -> None:
    await context.store.delete_draft(user_id)
    forget_draft(context)


def forget_draft(context: Ctx) -> None:
    """Drop the in-memory copy (the store deleted the draft itself, e.g. when the permit was issued)."""
    _cache(context)[CACHE_KEY] = None
