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


def configure_logging(level: str, token: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactToken(token))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per API call, token in the URL
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
