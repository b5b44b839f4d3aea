"""Callback data formats. Data comes back from the client and is never trusted: every parser
returns None for anything it did not itself produce in the current format, and handlers still
check the user's role, ownership and the dialogue's current step before acting on it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.settings import LANGUAGES

_LANGUAGE_CHOICE = re.compile(r"^lang:(?P<code>[a-z]{2})$")
_PROFILE_CHOICE = re.compile(r"^pf:(?P<step>[a-z_]{1,24}):(?P<value>[a-z0-9_-]{1,40})$")
_PROFILE_EDIT = re.compile(r"^po:edit:(?P<field>[a-z_]{1,24})$")
_SUBSCRIPTION = re.compile(
    r"^sb:(?P<action>m|all|t|list|pause|resume|done):(?P<id>\d{1,9}):(?P<token>[0-9a-f]{6})$"
)
_SUBSCRIBE_LINK = re.compile(r"^dl:sub:(?P<id>\d{1,9})$")
_FORGET = re.compile(r"^fg:(?P<answer>yes|no)$")


def language_choice_data(language: str) -> str:
    return f"lang:{language}"


def parse_language_choice(data: str | None) -> str | None:
    match = _LANGUAGE_CHOICE.match(data or "")
    if match and match["code"] in LANGUAGES:
        return match["code"]
    return None


@dataclass(frozen=True)
class ProfileChoice:
    step: str
    value: str


def profile_choice_data(step: str, value: str) -> str:
    return f"pf:{step}:{value}"


def parse_profile_choice(data: str | None) -> ProfileChoice | None:
    match = _PROFILE_CHOICE.match(data or "")
    return ProfileChoice(match["step"], match["value"]) if match else None


def profile_edit_data(field: str) -> str:
    return f"po:edit:{field}"


def parse_profile_edit(data: str | None) -> str | None:
    match = _PROFILE_EDIT.match(data or "")
    return match["field"] if match else None


@dataclass(frozen=True)
class SubscriptionAction:
    action: str
    id: int
    token: str  # the screen's state when drawn: a tap on an outdated screen is refused


def subscription_data(action: str, item_id: int, token: str) -> str:
    return f"sb:{action}:{item_id}:{token}"


def parse_subscription(data: str | None) -> SubscriptionAction | None:
    match = _SUBSCRIPTION.match(data or "")
    if not match:
        return None
    return SubscriptionAction(match["action"], int(match["id"]), match["token"])


def subscribe_link_data(municipality_id: int) -> str:
    return f"dl:sub:{municipality_id}"


def parse_subscribe_link(data: str | None) -> int | None:
    match = _SUBSCRIBE_LINK.match(data or "")
    return int(match["id"]) if match else None


def forget_data(answer: str) -> str:
    return f"fg:{answer}"


def parse_forget(data: str | None) -> str | None:
    match = _FORGET.match(data or "")
    return match["answer"] if match else None


_STAFF = re.compile(r"^st:(?P<action>[a-z][a-z_-]{1,30}):(?P<id>\d{1,9})$")


def staff_data(action: str, item_id: int) -> str:
    return f"st:{action}:{item_id}"


def parse_staff(data: str | None) -> tuple[str, int] | None:
    match = _STAFF.match(data or "")
    return (match["action"], int(match["id"])) if match else None


_WIZARD = re.compile(r"^wz:(?P<step>[a-z_]{1,24}):(?P<value>[A-Za-z0-9_-]{1,40})$")


def wizard_data(step: str, value: str) -> str:
    return f"wz:{step}:{value}"


def parse_wizard(data: str | None) -> tuple[str, str] | None:
    match = _WIZARD.match(data or "")
    return (match["step"], match["value"]) if match else None


_APPLICATION = re.compile(
    r"^ap:(?P<action>[a-z]{2,10}):(?P<id>\d{1,9})(?::(?P<arg>[a-z0-9_-]{1,40}))?$"
)


def application_data(action: str, item_id: int, arg: str | None = None) -> str:
    return f"ap:{action}:{item_id}" + (f":{arg}" if arg else "")


def parse_application(data: str | None) -> tuple[str, int, str | None] | None:
    match = _APPLICATION.match(data or "")
    return (match["action"], int(match["id"]), match["arg"]) if match else None


_CLARIFICATION = re.compile(r"^qa:(?P<action>ask|list|ans):(?P<id>\d{1,9})$")


def clarification_data(action: str, item_id: int) -> str:
    return f"qa:{action}:{item_id}"


def parse_clarification(data: str | None) -> tuple[str, int] | None:
    match = _CLARIFICATION.match(data or "")
    return (match["action"], int(match["id"])) if match else None


_MEMBERS = re.compile(r"^mb:(?P<action>list|inv|rm|rmok):(?P<id>\d{1,9})$")
_JOIN = re.compile(r"^mj:(?P<answer>yes|no)$")


def members_data(action: str, item_id: int) -> str:
    """An organization's members: "list" and "inv" name the organization, "rm" and "rmok" the
    member (the handler takes the organization from the database, never from here)."""
    return f"mb:{action}:{item_id}"


def parse_members(data: str | None) -> tuple[str, int] | None:
    match = _MEMBERS.match(data or "")
    return (match["action"], int(match["id"])) if match else None


def join_data(answer: str) -> str:
    """The answer to an invitation to join an organization (the dialogue holds the link)."""
    return f"mj:{answer}"


def parse_join(data: str | None) -> str | None:
    match = _JOIN.match(data or "")
    return match["answer"] if match else None
