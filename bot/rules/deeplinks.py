"""Deep-link payloads: t.me/<bot>?start=<payload>. Telegram allows A-Z a-z 0-9 _ - and at most
64 characters; anything else, or an unknown prefix, is treated as no payload (with a notice)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

_ALLOWED = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_MUNICIPALITY = re.compile(r"^m-(?P<slug>[a-z0-9][a-z0-9_-]{1,31})$")
_COMPETITION = re.compile(r"^c-(?P<id>[1-9][0-9]{0,8})$")
_INVITATION = re.compile(r"^i-(?P<token>[A-Za-z0-9_-]{16,40})$")
_POLL = re.compile(r"^p-(?P<id>[1-9][0-9]{0,8})$")
_JOIN = re.compile(r"^j-(?P<token>[A-Za-z0-9_-]{16,40})$")  # a colleague joins an NCO


@dataclass(frozen=True)
class DeepLink:
    kind: Literal["municipality", "competition", "invitation", "poll", "join"]
    key: str


def parse_payload(payload: str) -> DeepLink | None:
    if not _ALLOWED.match(payload):
        return None
    if match := _MUNICIPALITY.match(payload):
        return DeepLink("municipality", match["slug"])
    if match := _COMPETITION.match(payload):
        return DeepLink("competition", match["id"])
    if match := _INVITATION.match(payload):
        return DeepLink("invitation", match["token"])
    if match := _POLL.match(payload):
        return DeepLink("poll", match["id"])
    if match := _JOIN.match(payload):
        return DeepLink("join", match["token"])
    return None


def municipality_payload(slug: str) -> str:
    return f"m-{slug}"


def competition_payload(competition_id: int) -> str:
    return f"c-{competition_id}"


def poll_payload(poll_id: int) -> str:
    """A priority poll posted to a channel: its readers answer it in the bot."""
    return f"p-{poll_id}"


def invitation_payload(token: str) -> str:
    return f"i-{token}"


def join_payload(token: str) -> str:
    """A member's invitation of a colleague to their organization (bot/members.py)."""
    return f"j-{token}"


def link(bot_username: str, payload: str) -> str:
    return f"https://t.me/{bot_username}?start={payload}"
