"""Logging set-up: one format, the bot token never written, chatty libraries quiet."""

import logging


class RedactToken(logging.Filter):
    """httpx and PTB may log request URLs, which contain the token: mask it wherever it appears."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self._token and self._token in message:
            record.msg = message.replace(self._token, "<BOT_TOKEN>")
            record.args = None
        return True


# Libraries whose DEBUG lines carry message texts and SQL parameters (names, national IDs, phones):
# they stay quiet even when LOG_LEVEL=DEBUG, so the bot's logs never hold personal data.
QUIET = {
    "aiosqlite": logging.WARNING,  # every statement with its parameters
    "telegram": logging.INFO,  # every Bot API call with its parameters
    "httpx": logging.WARNING,  # one line per API call, the token in the URL
    "apscheduler": logging.WARNING,
}


def quiet_chatty_libraries() -> None:
    for name, level in QUIET.items():
        logging.getLogger(name).setLevel(level)


def configure_logging(level: str, token: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactToken(token))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    quiet_chatty_libraries()
