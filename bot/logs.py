"""Logging set-up: one format, the bot token never written, chatty libraries quiet."""

import logging


class RedactToken(logging.Filter):
    """httpx and PTB may log request URLs, which contain a token: mask every bot's wherever it appears."""

    def __init__(self, *tokens: str) -> None:
        super().__init__()
        self._tokens = [token for token in tokens if token]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(token in message for token in self._tokens):
            for token in self._tokens:
                message = message.replace(token, "<BOT_TOKEN>")
            record.msg = message
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


def configure_logging(level: str, *tokens: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactToken(*tokens))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    quiet_chatty_libraries()
