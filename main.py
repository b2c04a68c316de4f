"""Run the Home Business Permit Bot: `python main.py` (settings from the environment or .env)."""

import argparse
import logging
import sys

from telegram import Update

from bot.app import build_application
from bot.config import Config, ConfigError
from bot.logs import configure_logging
from storage import Store

logger = logging.getLogger("main")


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Home Business Permit Bot (ربات مشاغل خانگی). Settings come from the environment or .env."
    )
    parser.add_argument("command", nargs="?", default="run", choices=["run"], help="what to do (default: run)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    parse_arguments(sys.argv[1:] if argv is None else argv)
    try:
        config = Config.from_env()
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    configure_logging(config.log_level, config.token)
    app = build_application(config, Store(config.database_path))
    logger.info("starting: database %s, API %s", config.database_path, config.api_url)
    app.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
