"""Queries on staff roles and invitations."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Invitation, StaffRole


async def roles_of(session: AsyncSession, *, user_id: int) -> list[StaffRole]:
    return list((await session.exec(select(StaffRole).where(StaffRole.user_id == user_id))).all())


async def grant_role(
    session: AsyncSession, *, user_id: int, municipality_id: int, role: str
) -> None:
    """Give a role (once; granting it again changes nothing). Does not commit."""
    query = select(StaffRole).where(
        StaffRole.user_id == user_id,
        StaffRole.municipality_id == municipality_id,
        StaffRole.role == role,
    )
    if (await session.exec(query)).first() is None:
        session.add(StaffRole(user_id=user_id, municipality_id=municipality_id, role=role))


async def staff_recipients(
    session: AsyncSession, *, municipality_id: int
) -> list[tuple[int, int, str | None]]:
    """(Telegram chat, user id, language) of the municipality's staff and admins, in one
    statement (a notice to each in their language)."""
    from storage.models import User

    query = (
        select(User.telegram_id, User.id, User.language)
        .join(StaffRole, StaffRole.user_id == User.id)
        .where(
            StaffRole.municipality_id == municipality_id,
            StaffRole.role.in_(("municipal_admin", "staff")),
        )
        .distinct()
    )
    return [tuple(row) for row in (await session.exec(query)).all()]


async def staff_chat_ids(session: AsyncSession, *, municipality_id: int) -> list[int]:
    """Telegram chats of the municipality's staff and admins (for reports and escalations)."""
    staff = await staff_recipients(session, municipality_id=municipality_id)
    return [chat_id for chat_id, _, _ in staff]


async def create_invitation(
    session: AsyncSession, *, token: str, municipality_id: int, role: str, expires_at: datetime
) -> Invitation:
    invitation = Invitation(
        token=token, municipality_id=municipality_id, role=role, expires_at=expires_at
    )
    session.add(invitation)
    await session.commit()
    await session.refresh(invitation)
    return invitation


async def redeem_invitation(
    session: AsyncSession, *, token: str, user_id: int, now: datetime
) -> Invitation | None:
    """Use an invitation once: returns it, or None if unknown, used or expired. Commits.

    The conditional UPDATE makes two simultaneous redemptions of one link grant it only once."""
    claimed = await session.exec(
        update(Invitation)
        .where(
            Invitation.token == token,
            Invitation.used_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(used_at=now, used_by_user_id=user_id)
    )
    if claimed.rowcount != 1:
        await session.rollback()
        return None
    invitation = (await session.exec(select(Invitation).where(Invitation.token == token))).one()
    await grant_role(
        session, user_id=user_id, municipality_id=invitation.municipality_id, role=invitation.role
    )
    await session.commit()
    return invitation
