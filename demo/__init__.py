"""Try the bot without Telegram: `python main.py demo` runs the real Application against an in-process Bot API."""
