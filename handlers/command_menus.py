"""The client's command menu (the "/" button) for each role: everyone's commands for all, and for an officer or
an admin their own as well, set for their chat alone (BotCommandScopeChat).

Set when someone becomes an officer, taken back when they stop, set again when they change language, and set
at start-up for every known officer and ADMIN_IDS. Bale has no setMyCommands: a failure is one log line.
"""

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from handlers.context import sending_in_bulk
from messages import label
from storage import Store

logger = logging.getLogger(__name__)

# In menu order. /stats is for officers (their province) and admins (any), so it is listed once.
EVERYONE_COMMANDS = ("start", "apply", "status", "permit", "verify", "renew", "withdraw", "cancel", "help", "lang",
                     "myid", "workers")
OFFICER_COMMANDS = ("pending", "queue", "app", "revoke", "stats")
ADMIN_COMMANDS = ("addofficer", "removeofficer", "officers", "categories", "addcategory", "renamecategory",
                  "hidecategory", "showcategory", "starcategory", "addsector", "hidesector", "showsector",
                  "setchannel", "unsetchannel", "channels", "broadcast", "health")


def commands_for(officer: bool, admin: bool) -> tuple[str, ...]:
    names = [*EVERYONE_COMMANDS, *(OFFICER_COMMANDS if officer else ())]
    if admin:
        names += [name for name in ("stats", *ADMIN_COMMANDS) if name not in names]
    return tuple(names)


async def set_person_menu(bot: Bot, user_id: int, lang: str, *, officer: bool, admin: bool) -> None:
    """This person's own menu; with no role, their own is removed and everyone's shows again."""
    scope = BotCommandScopeChat(user_id)  # a private chat's id is the person's id
    try:
        with sending_in_bulk():  # never ahead of an answer someone waits for
            if officer or admin:
                commands = [BotCommand(name, label(lang, f"commands.{name}")) for name in commands_for(officer, admin)]
                await bot.set_my_commands(commands, scope=scope)
            else:
                await bot.delete_my_commands(scope=scope)
    except TelegramError as error:  # Bale, or a chat the bot cannot reach: the commands still work when typed
        logger.warning("could not set the command menu of %s (%s)", user_id, type(error).__name__)


async def refresh_person_menu(bot: Bot, store: Store, user_id: int, admin: bool, default_language: str) -> None:
    """The menu of a person whose role or language may have changed, from what the store says now."""
    user = await store.get_user(user_id)
    officer = user is not None and user.role == "officer" and user.province_code is not None
    await set_person_menu(bot, user_id, user.language if user else default_language, officer=officer, admin=admin)


async def publish_staff_menus(bot: Bot, store: Store, admin_ids: frozenset[int], default_language: str) -> None:
    """At start-up: every officer's and admin's menu (a role given while the bot was down, or a new command)."""
    officers = {officer.telegram_id: officer.language for officer in await store.list_officers()}
    for user_id, lang in officers.items():
        await set_person_menu(bot, user_id, lang, officer=True, admin=user_id in admin_ids)
    for admin_id in admin_ids - officers.keys():
        user = await store.get_user(admin_id)
        await set_person_menu(bot, admin_id, user.language if user else default_language, officer=False, admin=True)
