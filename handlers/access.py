"""Who may do what, decided on the server at the moment of each action (callback data is never trusted)."""

import logging

from handlers.context import Ctx
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
