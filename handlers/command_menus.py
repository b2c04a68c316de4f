"""The client's command menu (the "/" button) for each role: everyone's commands for all, and for an officer, an
adviser or an admin their own as well, set for their chat alone (BotCommandScopeChat).

Set when someone becomes an officer or an adviser, taken back when they stop, set again when they change language,
and set at start-up for every known officer, adviser and ADMIN_IDS. Where the platform has no setMyCommands (Bale:
the setting COMMAND_MENUS) nothing is set, and the commands work when typed (/help lists them); a failure is one log
line.
"""

import logging

from telegram import BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from handlers.context import Ctx, sending_in_bulk
from messages import label

logger = logging.getLogger(__name__)

# In menu order. /stats is for officers (their province) and admins (any), so it is listed once.
EVERYONE_COMMANDS = ("start", "apply", "status", "permit", "assess", "verify", "renew", "showcase", "withdraw",
                     "advice", "exhibitions", "notifications", "cancel", "help", "lang", "myid", "workers", "courses")
OFFICER_COMMANDS = ("pending", "queue", "app", "revoke", "stats", "addexhibition", "addcourse", "editcourse",
                    "closecourse", "course")
ADVISER_COMMANDS = ("questions",)
ADMIN_COMMANDS = ("addofficer", "removeofficer", "addadviser", "removeadviser", "officers", "categories", "addcategory",
                  "renamecategory", "hidecategory", "showcategory", "starcategory", "addsector", "hidesector",
                  "showsector", "setchannel", "unsetchannel", "channels", "broadcast", "health", "questionnaire",
                  "newmodel", "addcourse", "editcourse", "closecourse", "course")


def commands_for(officer: bool, admin: bool, adviser: bool = False) -> tuple[str, ...]:
    names = [*EVERYONE_COMMANDS, *(OFFICER_COMMANDS if officer else ()), *(ADVISER_COMMANDS if adviser else ())]
    if admin:
        names += [name for name in ("stats", "addexhibition", *ADMIN_COMMANDS) if name not in names]
    return tuple(names)


async def set_person_menu(context: Ctx, user_id: int, lang: str, *, officer: bool, admin: bool,
                          adviser: bool = False) -> None:
    """This person's own menu; with no role, their own is removed and everyone's shows again."""
    if not context.features_for(user_id).command_menus:
        return
    bot = context.bot
    scope = BotCommandScopeChat(user_id)  # a private chat's id is the person's id
    try:
        with sending_in_bulk():  # never ahead of an answer someone waits for
            if officer or admin or adviser:
                commands = [BotCommand(name, label(lang, f"commands.{name}"))
                            for name in commands_for(officer, admin, adviser)]
                await bot.set_my_commands(commands, scope=scope)
            else:
                await bot.delete_my_commands(scope=scope)
    except TelegramError as error:  # Bale, or a chat the bot cannot reach: the commands still work when typed
        logger.warning("could not set the command menu of %s (%s)", user_id, type(error).__name__)


async def refresh_person_menu(context: Ctx, user_id: int) -> None:
    """The menu of a person whose role or language may have changed, from what the store says now."""
    user = await context.store.get_user(user_id)
    officer = user is not None and user.role == "officer" and user.province_code is not None
    adviser = await context.store.get_adviser(user_id) is not None
    await set_person_menu(context, user_id, user.language if user else context.config.default_language,
                          officer=officer, admin=context.is_admin(user_id), adviser=adviser)


async def publish_staff_menus(context: Ctx) -> None:
    """At start-up: every officer's, adviser's and admin's menu (a role given while the bot was down, or a new
    command); nobody's on a messenger without menus (set_person_menu)."""
    admin_ids = context.config.admin_ids
    officers = {officer.telegram_id: officer.language for officer in await context.store.list_officers()}
    advisers = {adviser.telegram_id: adviser.language for adviser in await context.store.list_advisers()}
    for user_id, lang in (advisers | officers).items():
        await set_person_menu(context, user_id, lang, officer=user_id in officers, admin=user_id in admin_ids,
                              adviser=user_id in advisers)
    for admin_id in admin_ids - officers.keys() - advisers.keys():
        await refresh_person_menu(context, admin_id)
