"""Who may do what, decided on the server at the moment of each action (callback data is never trusted)."""

import logging
from collections.abc import Awaitable, Callable
from functools import wraps

from telegram import Message, Update
from telegram import User as TelegramUser

from handlers.context import Ctx
from messages import render
from storage.records import User

logger = logging.getLogger(__name__)


async def officer_of(context: Ctx, user_id: int, province_code: str | None = None) -> User | None:
    """The caller as an officer (of `province_code`, when given), or None."""
    user = await context.store.get_user(user_id)
    if user is None or user.role != "officer" or user.province_code is None:
        return None
    if province_code is not None and user.province_code != province_code:
        return None
    return user


def refuse(what: str, user_id: int, target: object = None) -> None:
    """Log a refusal: ids only, never names, phones or national IDs."""
    logger.warning("refused %s for user %s (target %s)", what, user_id, target)


AdminHandler = Callable[[Update, Ctx, Message, TelegramUser], Awaitable[None]]
OfficerHandler = Callable[[Update, Ctx, Message, User], Awaitable[None]]


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


def officer_command(handler: OfficerHandler) -> Callable[[Update, Ctx], Awaitable[None]]:
    """Officers only, read from the database at every call; the handler gets the message and the officer's
    record (with their province). Anyone else is refused, and it is logged."""

    @wraps(handler)
    async def checked(update: Update, context: Ctx) -> None:
        message, user = update.effective_message, update.effective_user
        assert message is not None and user is not None
        officer = await officer_of(context, user.id)
        if officer is None:
            refuse(handler.__name__, user.id)
            await message.reply_text(render(context.lang, "officer/only_officers"))
            return
        await handler(update, context, message, officer)

    return checked
