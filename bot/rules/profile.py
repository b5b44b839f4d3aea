"""The organization-profile dialogue as plain rules: which questions, in which order, and what
each answer must be. The handlers only render questions and pass answers in.

A dialogue's state is (step, data): `data` maps field names to the answers accepted so far,
plus "editing": True while the user corrects one answer from the summary."""

from __future__ import annotations

from dataclasses import dataclass

from bot.rules import validation
from bot.rules.validation import Invalid

FIELDS = ("name", "legal_form", "inn", "municipality", "phone", "email", "description")
LEGAL_FORMS = ("public_foundation", "public_union", "association", "other")
CHOICE_FIELDS = frozenset({"legal_form", "municipality"})
OPTIONAL_FIELDS = frozenset({"email"})
SUMMARY = "summary"


@dataclass(frozen=True)
class Answer:
    """What the user sent: typed text, a shared contact, a tapped choice, or "skip"."""

    text: str | None = None
    contact_phone: str | None = None
    choice: str | None = None
    skip: bool = False
    other: bool = False  # a photo, sticker or file where a typed answer was expected


def accept(field: str, answer: Answer, *, municipality_slugs: frozenset[str]) -> str | None:
    """The value to store for `field`, or Invalid with the reason."""
    if answer.skip:
        if field in OPTIONAL_FIELDS:
            return None
        raise Invalid("invalid-required")
    if field in CHOICE_FIELDS:
        allowed = LEGAL_FORMS if field == "legal_form" else municipality_slugs
        if answer.choice is None:
            raise Invalid("invalid-use-buttons")
        if answer.choice not in allowed:
            raise Invalid("invalid-use-buttons")
        return answer.choice
    if field == "phone" and answer.contact_phone is not None:
        return validation.phone("+" + answer.contact_phone.lstrip("+"))
    if answer.other or answer.text is None:
        raise Invalid("invalid-need-text")
    checks = {
        "name": validation.organization_name,
        "inn": validation.inn,
        "phone": validation.phone,
        "email": validation.email,
        "description": validation.description,
    }
    return checks[field](answer.text)


def next_step(field: str, *, editing: bool) -> str:
    """After an accepted answer: the next question, or the summary (also after a correction)."""
    if editing or field == FIELDS[-1]:
        return SUMMARY
    return FIELDS[FIELDS.index(field) + 1]


def previous_step(step: str) -> str | None:
    """Where Back leads; None on the first question (nothing before it)."""
    if step == SUMMARY:
        return FIELDS[-1]
    index = FIELDS.index(step)
    return FIELDS[index - 1] if index > 0 else None


def is_complete(data: dict) -> bool:
    return all(field in data for field in FIELDS)
