"""Run the Home Business Permit Bot: `python main.py` (settings from the environment or .env).

Also: `python main.py demo` (try it in a terminal, no Telegram), `python main.py check` (settings, catalog and
database), `python main.py backup <file>` (an online copy), `python main.py copy-to-postgres <DATABASE_URL>`
(move an SQLite deployment to PostgreSQL).
"""

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import Updater

from bot.app import DATA_DIR, BotApp, build_application, other_bots, stop_offline
from bot.config import Config, ConfigError, database_path_from_env
from bot.health import serve_health
from bot.leadership import Leadership
from bot.logs import configure_logging
from bot.permit_secret import secret_path
from bot.platforms import Platform
from bot.runner import serve, stop_on_signals
from bot.webhook import webhook_arguments, webhook_secret
from demo import terminal as demo
from storage import Store
from storage.copy import CopyMismatch, TargetNotEmpty, copy_to_postgres
from storage.operations import backup_database, check_database, check_postgres
from storage.postgres import connection_problem

logger = logging.getLogger("main")

FIRST_RETRY_SECONDS = 1.0
LAST_RETRY_SECONDS = 300.0  # an outage of hours is retried every five minutes, one log line each


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Home Business Permit Bot (ربات مشاغل خانگی). Settings come from the environment or .env."
    )
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the bot (the default)")
    commands.add_parser("check", help="validate settings, the catalog and the database; exit 1 on a problem")
    copy = commands.add_parser("copy-to-postgres", help="copy the SQLite database (DATABASE_PATH) into an empty "
                                "PostgreSQL database, in one transaction, and verify it")
    copy.add_argument("url", metavar="DATABASE_URL", help="postgresql://user:password@host:5432/database")
    backup = commands.add_parser("backup", help="copy the database consistently, even while the bot runs "
                                                "(needs only DATABASE_PATH; the permit key file is not copied)")
    backup.add_argument("target", type=Path, help="the file to write")
    backup.add_argument("--force", action="store_true", help="replace the target if it exists")
    demo = commands.add_parser("demo", help="try the real bot in this terminal, without Telegram or a token")
    demo.add_argument("--database", type=Path, help="SQLite file to use (default: a new temporary one)")
    demo.add_argument("--sample-data", type=int, default=0, metavar="N", help="import N fake applications first")
    demo.add_argument("--script", type=Path, help="run these inputs, one a line, and print the transcript")
    demo.add_argument("--lang", choices=("fa", "en"), default="fa", help="the demo people's language")
    demo.add_argument("--output", type=Path, default=Path("demo-output"), help="where sent photos and files go")
    demo.add_argument("--platform", choices=tuple(Platform), default=Platform.TELEGRAM,
                      help="bale: PLATFORM=bale, and the stand-in Bot API behaving as Bale does")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    if arguments.command == "demo":  # needs no settings: nothing leaves the process
        return asyncio.run(demo.run(arguments.database, arguments.sample_data, arguments.script, arguments.lang,
                                    arguments.output, Platform(arguments.platform)))
    if arguments.command == "backup":  # needs no token: it only reads the database
        return backup(database_path_from_env(), arguments.target, arguments.force)
    if arguments.command == "copy-to-postgres":  # needs no token either
        return copy(database_path_from_env(), arguments.url)
    try:
        config = Config.from_env()
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    if arguments.command == "check":
        return check(config)
    configure_logging(config.log_level, *(bot.token for bot in config.bots))
    return run(config)


def run(config: Config) -> int:
    if config.database_url and (problem := asyncio.run(connection_problem(config.database_url))):
        print(problem, file=sys.stderr)
        return 2
    logger.info("starting: database %s, API %s", config.database_label,
                ", ".join(f"{bot.platform} {bot.api_url}" for bot in config.bots))
    try:
        asyncio.run(run_bot(config))
    except InvalidToken:
        return 1
    return 0


async def run_bot(config: Config, stopping: asyncio.Event | None = None) -> None:
    """Lead or stand by until SIGINT/SIGTERM (or `stopping`, set by a test) (bot/runner.py). Stopping, updates
    already received are handled, persistence is flushed and the store closed in post_shutdown, the leader lock
    released. A network failure while polling is one log line (bot/errors.py) and retried by PTB with a
    growing delay."""
    if stopping is None:
        stopping = asyncio.Event()
        stop_on_signals(stopping)
    leadership = Leadership(config.database_url, config.leader_poll_seconds)
    health = await serve_health(config.health_listen, leadership) if config.health_listen else None
    secret = webhook_secret(config) if config.webhook_url else None

    async def start() -> BotApp:
        store = Store(config.database, tz=config.timezone, pool_size=config.database_pool)
        app = build_application(config, store, leadership=leadership)
        assert app.updater is not None and app.post_init is not None
        for bot in app.bot_data["bots"].values():
            if not await wait_for_bot_api(bot):
                raise InvalidToken(f"the {bot.platform} Bot API refused its token")
        await app.initialize()
        await app.post_init(app)
        if secret is not None:
            await app.updater.start_webhook(**webhook_arguments(config, secret), bootstrap_retries=-1)
        else:
            await app.updater.start_polling(allowed_updates=Update.ALL_TYPES, bootstrap_retries=-1)
        # Each other messenger's bot polls into the same queue: one Application handles everything.
        app.bot_data["pollers"] = [Updater(bot, app.update_queue) for bot in other_bots(app)]
        for poller in app.bot_data["pollers"]:
            await poller.initialize()
            await poller.start_polling(allowed_updates=Update.ALL_TYPES, bootstrap_retries=-1)
        await app.start()
        return app

    async def stop(app: BotApp) -> None:
        for updater in [app.updater, *app.bot_data.get("pollers", [])]:
            if updater is not None and updater.running:
                await updater.stop()
        for poller in app.bot_data.get("pollers", []):
            await poller.shutdown()
        await stop_offline(app)

    try:
        await serve(leadership, start, stop, stopping)
    finally:
        if health is not None:
            health.close()


async def wait_for_bot_api(bot: Bot) -> bool:
    """Reach the Bot API (getMe), retrying with a doubling delay and one log line per failure; False for a
    token the API refuses."""
    delay = FIRST_RETRY_SECONDS
    while True:
        try:
            await bot.initialize()
            return True
        except InvalidToken:
            logger.error("the %s Bot API refused the bot's token; check it with @BotFather",
                         getattr(bot, "platform", "Telegram"))
            return False
        except NetworkError as error:  # TimedOut included
            logger.warning("Bot API unreachable (%s); retrying in %.0f s", type(error).__name__, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, LAST_RETRY_SECONDS)


def check(config: Config) -> int:
    print("settings: ok")
    if config.database_url:
        if problem := asyncio.run(connection_problem(config.database_url)):
            print(problem, file=sys.stderr)
            return 2
        findings = asyncio.run(check_postgres(config.database_url, DATA_DIR))
    else:
        findings = check_database(config.database_path, DATA_DIR)
    for finding in findings:
        print(("ok   " if finding.ok else "FAIL ") + finding.what)
    if config.database_url and config.permit_secret is None:
        print("WARN PERMIT_SECRET is unset: each host keeps its own key file, so set the same PERMIT_SECRET on "
              "every host that shares DATABASE_URL (or copy the key file to each)")
    key_file = secret_path(config.database_path)
    if config.permit_secret is None and not key_file.exists():
        # A warning, not a failure: a new installation makes it at first start. On a running one it means
        # the QR codes printed so far will not verify unless the file is restored.
        print(f"WARN permit key file {key_file} is missing: the bot makes a new one at start, and QR codes "
              "signed with the old one stop verifying; restore it if you have it (or set PERMIT_SECRET)")
    return 0 if all(finding.ok for finding in findings) else 1


def copy(database_path: Path, url: str) -> int:
    try:
        url = Config.from_env({"BOT_TOKEN": "0:copy", "DATABASE_URL": url}).database_url or ""
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    if not database_path.exists():
        print(f"No database at {database_path} (DATABASE_PATH)", file=sys.stderr)
        return 1
    if problem := asyncio.run(connection_problem(url)):
        print(problem, file=sys.stderr)
        return 2
    try:
        report = asyncio.run(copy_to_postgres(database_path, url))
    except TargetNotEmpty as error:
        print(f"Refused: the PostgreSQL database already holds data ({error}); nothing was copied", file=sys.stderr)
        return 1
    except CopyMismatch as error:
        print(f"The copy did not match and was rolled back: {error}", file=sys.stderr)
        return 1
    for table, rows in report.rows.items():
        print(f"{table}: {rows} rows")
    print("summaries: " + ("the same on both" if report.summaries_match else "DIFFERENT (see main.py check)"))
    return 0 if report.summaries_match else 1


def backup(database_path: Path, target: Path, force: bool) -> int:
    try:
        copied = backup_database(database_path, target, overwrite=force)
    except FileNotFoundError:
        print(f"No database at {database_path} (DATABASE_PATH)", file=sys.stderr)
        return 1
    except FileExistsError:
        print(f"{target} exists already; choose another name or add --force to replace it", file=sys.stderr)
        return 1
    print(f"backed up {copied} applications to {target} (the permit key file {secret_path(database_path).name} "
          "is not in it: keep it apart)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
