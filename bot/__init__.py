"""Wiring: settings, the Application factory, error handling."""

import os

# Opt in to python-telegram-bot's announced behaviour (durations such as RetryAfter.retry_after become
# timedeltas) instead of a deprecation warning every time Telegram asks the bot to wait.
os.environ.setdefault("PTB_TIMEDELTA", "1")
