"""Who may do what, decided on the server at the moment of each action (callback data is never trusted)."""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import wraps
from typing import TypeVar

from telegram import Message, Update
from telegram import User as TelegramUser

from handlers.context import Ctx
from messages import render
from storage.records import Adviser, User

logger = logging.getLogger(__name__)


async def officer_of(context: Ctx, user_id: int, province_code: str | None = None) -> User | None:
    """The caller as an officer (of `province_code`, when given), or None."""
    user = await context.store.get_user(user_id)
    if user is None or user.role != "officer" or user.province_code is None:
        return None
    if province_code is not None and user.province_code != province_code:
        return None
    return user


async def adviser_of(context: Ctx, user_id: int, province_code: str | None = None) -> Adviser | None:
    """The caller as an adviser (of `province_code`, when given), or None."""
    adviser = await context.store.get_adviser(user_id)
    if adviser is None or (province_code is not None and adviser.province_code != province_code):
        return None
    return adviser


@dataclass(frozen=True, slots=True)
class Desk:
    """Someone at the officers' desk (/find, /export): an officer of one province, or an admin of all."""

    user_id: int
    province_code: str | None  # None: every province (an admin)


async def desk_of(context: Ctx, user_id: int) -> Desk | None:
    """The caller at the desk, read now: an admin (every province) or an officer (theirs); else None."""
    if context.is_admin(user_id):
        return Desk(user_id, None)
    officer = await officer_of(context, user_id)
    return None if officer is None else Desk(user_id, officer.province_code)


def refuse(what: str, user_id: int, target: object = None) -> None:
    """Log a refusal: ids only, never names, phones or national IDs."""
    logger.warning("refused %s for user %s (target %s)", what, user_id, target)


AdminHandler = Callable[[Update, Ctx, Message, TelegramUser], Awaitable[None]]
OfficerHandler = Callable[[Update, Ctx, Message, User], Awaitable[None]]
DeskHandler = Callable[[Update, Ctx, Message, Desk], Awaitable[None]]
AdviserHandler = Callable[[Update, Ctx, Message, Adviser], Awaitable[None]]
Who = TypeVar("Who", User, Desk, Adviser)


def admin_command(handler: AdminHandler) -> Callable[[Update, Ctx], Awaitable[None]]:
    """Admins only, checked against ADMIN_IDS at every call; anyone else is refused, and it is logged.
    The handler gets the message and the admin (Telegram's user)."""

    @wraps(handler)
    async def checked(update: Update, context: Ctx) -> None:
        message, user = update.effective_message, update.effective_user
        assert message is not None and user is not None
        if not context.is_admin(user.id):
            refuse(handler.__name__, user.id)
            await message.reply_text(render(context.lang, "admin/only_admins"))
            return
        await handler(update, context, message, user)

    return checked


def _role_command(find: Callable[[Ctx, int], Awaitable[Who | None]], refusal: str,
                  ) -> Callable[[Callable[[Update, Ctx, Message, Who], Awaitable[None]]],
                                Callable[[Update, Ctx], Awaitable[None]]]:
    """A decorator: the caller found by `find` at every call (from the database), or refused with the
    `refusal` template, logged."""

    def decorator(handler: Callable[[Update, Ctx, Message, Who], Awaitable[None]]) -> Callable[[Update, Ctx],
                                                                                                Awaitable[None]]:
        @wraps(handler)
        async def checked(update: Update, context: Ctx) -> None:
            message, user = update.effective_message, update.effective_user
            assert message is not None and user is not None
            who = await find(context, user.id)
            if who is None:
                refuse(handler.__name__, user.id)
                await message.reply_text(render(context.lang, refusal))
                return
            await handler(update, context, message, who)

        return checked

    return decorator


# Officers only; the handler gets the message and the officer's record (with their province).
officer_command: Callable[[OfficerHandler], Callable[[Update, Ctx], Awaitable[None]]] = _role_command(
    officer_of, "officer/only_officers")
# Officers and admins (/find, /export); the handler gets the message and who is at the desk.
desk_command: Callable[[DeskHandler], Callable[[Update, Ctx], Awaitable[None]]] = _role_command(
    desk_of, "officer/only_officers")
# Advisers only; the handler gets the message and the adviser's record (with their province).
adviser_command: Callable[[AdviserHandler], Callable[[Update, Ctx], Awaitable[None]]] = _role_command(
    adviser_of, "advice/only_advisers")
