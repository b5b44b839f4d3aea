"""Validation of what NCO leaders type. Each function returns the cleaned value or raises
`Invalid` with a translation key (and arguments) that says exactly what is wrong."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


@dataclass
class Invalid(Exception):
    """A polite refusal: `key` is a translation key, `params` its arguments."""

    key: str
    params: dict[str, object] = field(default_factory=dict)


NAME_MIN, NAME_MAX = 3, 200
DESCRIPTION_MIN, DESCRIPTION_MAX = 20, 1000
INN_DIGITS = 14

_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


def _has_letters_or_digits(text: str) -> bool:
    """False for answers made only of emoji, punctuation or spaces."""
    return any(unicodedata.category(char)[0] in "LN" for char in text)


def clean_text(text: str | None, *, minimum: int, maximum: int) -> str:
    """Collapse spaces; refuse empty, emoji-only, too short or too long answers."""
    value = " ".join((text or "").split())
    if not value:
        raise Invalid("invalid-empty")
    if not _has_letters_or_digits(value):
        raise Invalid("invalid-no-letters")
    if len(value) < minimum:
        raise Invalid("invalid-too-short", {"minimum": minimum})
    if len(value) > maximum:
        raise Invalid("invalid-too-long", {"maximum": maximum, "length": len(value)})
    return value


def organization_name(text: str | None) -> str:
    return clean_text(text, minimum=NAME_MIN, maximum=NAME_MAX)


def description(text: str | None) -> str:
    return clean_text(text, minimum=DESCRIPTION_MIN, maximum=DESCRIPTION_MAX)


def inn(text: str | None) -> str:
    """A Kyrgyz taxpayer number (INN): exactly 14 digits; spaces are ignored."""
    value = re.sub(r"\s+", "", text or "")
    if not value:
        raise Invalid("invalid-empty")
    if not value.isascii() or not value.isdigit():
        raise Invalid("invalid-inn-not-digits")
    if len(value) != INN_DIGITS:
        raise Invalid("invalid-inn-length", {"count": len(value)})
    return value


def phone(text: str | None) -> str:
    """A phone number in international form. Kyrgyz numbers may be typed locally (0700 123 456)
    or with 996; others need their country code (+7 ...). Returns +<digits>."""
    raw = (text or "").strip()
    if not raw:
        raise Invalid("invalid-empty")
    if re.search(r"[^\d\s()+-]", raw) or raw.count("+") > 1 or "+" in raw[1:]:
        raise Invalid("invalid-phone")
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+"):
        number = digits
    elif digits.startswith("996"):
        number = digits
    elif digits.startswith("0") and len(digits) == 10:
        number = "996" + digits[1:]
    else:
        raise Invalid("invalid-phone")
    if number.startswith("996") and len(number) != 12:
        raise Invalid("invalid-phone")
    if not 8 <= len(number) <= 15:
        raise Invalid("invalid-phone")
    return "+" + number


def email(text: str | None) -> str:
    value = (text or "").strip()
    if not value:
        raise Invalid("invalid-empty")
    if len(value) > 254 or not _EMAIL.match(value):
        raise Invalid("invalid-email")
    return value.lower()
