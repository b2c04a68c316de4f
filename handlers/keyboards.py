"""Keyboards built from labels, so every button reads in the user's language."""

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from handlers.callbacks import SetLanguage
from messages import LANGUAGES, label


def main_menu(lang: str) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [
            [KeyboardButton(label(lang, "main.apply")), KeyboardButton(label(lang, "main.status"))],
            [KeyboardButton(label(lang, "main.permit"))],
            [KeyboardButton(label(lang, "menu.help")), KeyboardButton(label(lang, "menu.switch_language"))],
        ],
        resize_keyboard=True,
        is_persistent=True,
    )


def language_picker() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label(code, "language.name"), callback_data=SetLanguage(code).pack())
          for code in LANGUAGES]]
    )
