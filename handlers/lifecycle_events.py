"""One function per domain event: a stage change, wherever it comes from (an officer's button, /revoke,
/withdraw, the expiry job), happens here and does all of it: the transition, every card refreshed, the
courier kicked. Jobs call it too: they get a callback context, only without an update.
"""

import logging
from typing import Any

from telegram.error import BadRequest, Forbidden

from domain.lifecycle import Action
from handlers.access import officer_of
from handlers.context import Ctx
from handlers.in_place import replace_message
from handlers.officer_view import officer_card
from storage import StageConflict
from storage.records import Application

logger = logging.getLogger(__name__)


async def apply_action(context: Ctx, application_id: int, action: Action, actor_id: int | None,
                       **values: Any) -> Application:
    """Move the application by `action` and tell everyone who holds a copy of it.

    Raises `StageConflict` when the action is no longer legal (the cards are refreshed first, so nobody
    keeps acting on an old one), and `NotFound` for an unknown application.
    """
    try:
        application = await context.store.transition(application_id, action, actor_id,
                                                      rollout=context.config.training_before_queue, **values)
    except StageConflict as conflict:
        await refresh_cards(context, conflict.application)
        raise
    logger.info("application %s: %s by %s", application_id, action.value, actor_id)
    await refresh_cards(context, application)
    context.kick_courier()
    return application


async def refresh_cards(context: Ctx, application: Application) -> None:
    """Edit every card message of every officer to the application's current stage, last action and the
    actions legal now (none for an officer who is the applicant)."""
    last = await context.store.last_action(application.id)
    for card in await context.store.list_officer_cards(application.id):
        officer = await officer_of(context, card.officer_id, application.province_code)
        if officer is None:  # removed or moved to another province: their old copy gets no news
            continue
        own = await context.store.is_own_application(officer.telegram_id, application.id)
        text, markup = officer_card(officer.language, application, context.config, last, own=own,
                                    now=context.store.now())
        try:
            shown_in = await replace_message(context, card.officer_id, card.message_id, text, markup)
        except (BadRequest, Forbidden) as error:  # deleted, unchanged, or the officer blocked the bot
            logger.debug("card of application %s for officer %s not edited: %s", application.id, card.officer_id,
                         error.message)
            continue
        if shown_in != card.message_id:  # sent again (EDIT_KEYBOARDS=resend): later changes go to the new one
            await context.store.move_officer_card(application.id, card.officer_id, card.message_id, shown_in)
