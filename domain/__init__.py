"""Pure domain rules (no Telegram, no database): normalisation, validation, Jalali dates."""
