"""Rules for an organization's members: who may join by an invitation link, who may be removed,
and the name the other members see. Plain functions of data and a clock."""

from __future__ import annotations

from datetime import datetime, timedelta

VALID_FOR = timedelta(days=7)  # an invitation link, as for staff invitations
NAME_MAX = 64


def join_refusal(
    invitation: object | None, *, now: datetime, organization_of_user: int | None
) -> str | None:
    """Why this user may not join by this invitation (a translation key), or None.

    A user acts for one organization at most: one who already acts for another must leave it
    first (or /forget)."""
    if invitation is None or invitation.used_at is not None or invitation.expires_at <= now:
        return "member-join-invalid"
    if organization_of_user == invitation.organization_id:
        return "member-join-already"
    if organization_of_user is not None:
        return "member-join-other"
    return None


def removal_refusal(*, members: int) -> str | None:
    """Why a member may not be removed: an organization keeps at least one member (the last
    one deletes it with /forget instead)."""
    return "member-remove-last" if members <= 1 else None


def display_name(first_name: str | None, last_name: str | None, fallback: str) -> str:
    """The member's Telegram name for the members list, cut to what the column holds."""
    name = " ".join(part.strip() for part in (first_name, last_name) if part and part.strip())
    return (name or fallback)[:NAME_MAX]
