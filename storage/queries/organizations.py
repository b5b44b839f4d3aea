"""Queries on organizations and their members."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import delete, func, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Member, MemberInvitation, Organization, User
from storage.types import utcnow


async def organization_of(session: AsyncSession, *, user_id: int) -> Organization | None:
    query = (
        select(Organization)
        .join(Member, Member.organization_id == Organization.id)
        .where(Member.user_id == user_id)
    )
    return (await session.exec(query)).first()


async def inn_taken(session: AsyncSession, *, inn: str, except_id: int | None = None) -> bool:
    query = select(Organization.id).where(Organization.inn == inn)
    if except_id is not None:
        query = query.where(Organization.id != except_id)
    return (await session.exec(query)).first() is not None


class InnTaken(Exception):
    """Another organization registered this INN between the caller's check and the save."""


@asynccontextmanager
async def _inn_race(
    session: AsyncSession, *, inn: str | None, except_id: int | None
) -> AsyncIterator[None]:
    """The INN is checked before the save (`inn_taken`) for a kind answer, and is unique in
    the database for the race: a unique violation on it becomes InnTaken, anything else is
    raised as it was."""
    try:
        yield
    except IntegrityError:
        await session.rollback()
        if inn and await inn_taken(session, inn=inn, except_id=except_id):
            raise InnTaken(inn) from None
        raise


async def create_organization(
    session: AsyncSession,
    *,
    user_id: int,
    values: dict[str, object],
    display_name: str | None = None,
) -> Organization:
    """The organization and the user as its member, in one transaction. Commits. InnTaken if
    another organization registered the INN since the caller checked (nothing is saved)."""
    organization = Organization(**values)
    session.add(organization)
    async with _inn_race(session, inn=organization.inn, except_id=None):
        await session.flush()
    session.add(Member(user_id=user_id, organization_id=organization.id, display_name=display_name))
    await session.commit()
    await session.refresh(organization)
    return organization


async def update_organization(
    session: AsyncSession, *, organization: Organization, values: dict[str, object]
) -> Organization:
    """Commits. InnTaken if the new INN was registered by another organization since the
    caller checked (nothing is saved)."""
    for field, value in values.items():
        setattr(organization, field, value)
    organization.updated_at = utcnow()
    session.add(organization)
    async with _inn_race(session, inn=organization.inn, except_id=organization.id):
        await session.commit()
    await session.refresh(organization)
    return organization


async def member_count(session: AsyncSession, *, organization_id: int) -> int:
    query = select(func.count()).where(Member.organization_id == organization_id)
    return (await session.exec(query)).one()


# -- members ---------------------------------------------------------------------------------


async def membership_of(session: AsyncSession, *, user_id: int) -> Member | None:
    return (await session.exec(select(Member).where(Member.user_id == user_id))).first()


async def members_of(session: AsyncSession, *, organization_id: int) -> list[Member]:
    """The organization's members, the earliest first."""
    query = (
        select(Member)
        .where(Member.organization_id == organization_id)
        .order_by(Member.created_at, Member.id)
    )
    return list((await session.exec(query)).all())


async def member_users(
    session: AsyncSession, *, organization_id: int, except_user_id: int | None = None
) -> list[User]:
    """The users who act for the organization (to tell them of a change among its members)."""
    query = (
        select(User)
        .join(Member, Member.user_id == User.id)
        .where(Member.organization_id == organization_id, User.is_active.is_(True))
    )
    if except_user_id is not None:
        query = query.where(User.id != except_user_id)
    return list((await session.exec(query)).all())


async def set_display_name(session: AsyncSession, *, member: Member, name: str) -> None:
    """Keep the member's Telegram name as the others see it; writes only on a change. Commits."""
    if member.display_name != name:
        member.display_name = name
        session.add(member)
        await session.commit()


async def create_member_invitation(
    session: AsyncSession,
    *,
    token: str,
    organization_id: int,
    invited_by_user_id: int,
    expires_at: datetime,
) -> MemberInvitation:
    invitation = MemberInvitation(
        token=token,
        organization_id=organization_id,
        invited_by_user_id=invited_by_user_id,
        expires_at=expires_at,
    )
    session.add(invitation)
    await session.commit()
    await session.refresh(invitation)
    return invitation


async def member_invitation(session: AsyncSession, *, token: str) -> MemberInvitation | None:
    query = select(MemberInvitation).where(MemberInvitation.token == token)
    return (await session.exec(query)).first()


class AlreadyMember(Exception):
    """The user acts for an organization already (a user acts for one at most)."""


async def join_by_invitation(
    session: AsyncSession, *, token: str, user_id: int, display_name: str, now: datetime
) -> Member | None:
    """Use the invitation once and add the user as a member: the member, or None if the link is
    unknown, used or expired (rolled back: nothing changed). Raises AlreadyMember (rolled back)
    if the user acts for an organization already. Does not commit on success: the caller
    commits the rest of the join with it.

    The conditional UPDATE makes two simultaneous uses of one link admit only one person; the
    unique user id of `members` keeps one person in one organization."""
    claimed = await session.exec(
        update(MemberInvitation)
        .where(
            MemberInvitation.token == token,
            MemberInvitation.used_at.is_(None),
            MemberInvitation.expires_at > now,
        )
        .values(used_at=now, used_by_user_id=user_id)
        .returning(MemberInvitation.organization_id)
    )
    row = claimed.first()
    if row is None:
        await session.rollback()
        return None
    member = Member(user_id=user_id, organization_id=row[0], display_name=display_name)
    session.add(member)
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()  # the invitation stays unused
        raise AlreadyMember from None
    return member


async def remove_member(session: AsyncSession, *, member: Member) -> bool:
    """Remove a member unless they are the organization's last: True if removed. Commits.

    The organization's row is locked first (PostgreSQL), so two members removing each other at
    the same moment cannot leave it with nobody; SQLite runs one writer at a time, and the
    count is taken inside the DELETE itself."""
    organization_id = member.organization_id
    await session.exec(
        select(Organization.id).where(Organization.id == organization_id).with_for_update()
    )
    others = (
        select(func.count())
        .select_from(Member)
        .where(Member.organization_id == organization_id, Member.id != member.id)
        .scalar_subquery()
    )
    result = await session.exec(
        delete(Member).where(
            Member.id == member.id, Member.organization_id == organization_id, others > 0
        )
    )
    await session.commit()
    return result.rowcount == 1
