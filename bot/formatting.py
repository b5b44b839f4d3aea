"""How numbers, money and moments look to a user: in their language, in the municipality's zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal

from bot.i18n import t


def number(value: int, language: str) -> str:
    return format_decimal(value, locale=language)


def score_text(value: float, language: str) -> str:
    """A commission score with two decimals, in the language's notation (87,50 in ky/ru)."""
    return format_decimal(value, format="#,##0.00", locale=language)


def money(value: int, language: str) -> str:
    return t(language, "money", amount=number(value, language))


def day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def moment(value: datetime, zone: ZoneInfo) -> str:
    """A stored UTC moment as a date and time in the municipality's zone."""
    return value.astimezone(zone).strftime("%d.%m.%Y %H:%M")


def localized(texts: dict[str, str], language: str) -> str:
    """Staff-written text in the reader's language, else in the first language it exists in."""
    for candidate in (language, "ru", "ky", "en"):
        if texts.get(candidate):
            return texts[candidate]
    return ""
