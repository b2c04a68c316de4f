"""Keyboards built from labels, so every button reads in the user's language."""

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from handlers.callbacks import SetLanguage
from messages import LANGUAGES, all_labels, label


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


def form_keyboard(lang: str) -> ReplyKeyboardMarkup:
    """Under every question while the form is open: back and cancel, so a typed question carries no buttons
    that would have to be taken away once it is answered; and status and permit, which answer beside the form."""
    return ReplyKeyboardMarkup(
        [
            [KeyboardButton(label(lang, "form.back")), KeyboardButton(label(lang, "form.cancel"))],
            [KeyboardButton(label(lang, "main.status")), KeyboardButton(label(lang, "main.permit"))],
        ],
        resize_keyboard=True,
        is_persistent=True,
    )


def language_picker() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label(code, "language.name"), callback_data=SetLanguage(code).pack())
          for code in LANGUAGES]]
    )


def menu_and_form_labels() -> set[str]:
    """The text of every menu and form-control button in every language: pressed, never typed as an answer."""
    return all_labels("main.apply") | all_labels("main.status") | all_labels("main.permit") | \
        all_labels("menu.help") | all_labels("menu.switch_language") | all_labels("form.back") | \
        all_labels("form.cancel")
