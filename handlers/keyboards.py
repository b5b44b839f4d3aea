"""Keyboards, built from translated texts. Callback data formats live in handlers/callbacks.py."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.i18n import t
from bot.settings import LANGUAGES
from handlers.callbacks import language_choice_data

MENU_ITEMS = (("menu-profile", "menu-subscriptions"), ("menu-language", "menu-help"))


def language_keyboard(selected: str | None) -> InlineKeyboardMarkup:
    """Кыргызча / Русский / English, each named in itself; the current or suggested one ticked."""
    buttons = []
    for language in LANGUAGES:
        name = t(language, "language-name")
        label = t(language, "language-current", language=name) if language == selected else name
        buttons.append(InlineKeyboardButton(label, callback_data=language_choice_data(language)))
    return InlineKeyboardMarkup([buttons])


def main_menu(language: str) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [[t(language, key) for key in row] for row in MENU_ITEMS],
        resize_keyboard=True,
        is_persistent=True,
    )


def dialogue_keyboard(language: str, *, share_phone: bool = False, skip: bool = False):
    """Back and Cancel under every typed question; the contact or Skip button where they fit."""
    rows: list[list[KeyboardButton]] = []
    if share_phone:
        rows.append([KeyboardButton(t(language, "dialogue-share-phone"), request_contact=True)])
    if skip:
        rows.append([KeyboardButton(t(language, "dialogue-skip"))])
    rows.append(
        [
            KeyboardButton(t(language, "dialogue-back")),
            KeyboardButton(t(language, "dialogue-cancel")),
        ]
    )
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, is_persistent=True)


def inline(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """An inline keyboard from rows of (label, callback data)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )
