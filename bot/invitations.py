"""One-time invitation links that make a user staff of a municipality."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.rules.access import Role
from bot.rules.deeplinks import invitation_payload, link
from storage.models import Invitation
from storage.queries.staff import create_invitation

VALID_FOR = timedelta(days=7)


def new_token() -> str:
    # 18 random bytes -> 24 URL-safe characters: unguessable, and the payload stays under 64.
    return secrets.token_urlsafe(18)


async def invite(
    session: AsyncSession, *, municipality_id: int, role: Role, now: datetime
) -> Invitation:
    return await create_invitation(
        session,
        token=new_token(),
        municipality_id=municipality_id,
        role=role.value,
        expires_at=now + VALID_FOR,
    )


def invitation_link(bot_username: str, invitation: Invitation) -> str:
    return link(bot_username, invitation_payload(invitation.token))
