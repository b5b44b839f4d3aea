"""Queries on organizations and their members."""

from __future__ import annotations

from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Member, Organization
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


async def create_organization(
    session: AsyncSession, *, user_id: int, values: dict[str, object]
) -> Organization:
    """The organization and the user as its member, in one transaction. Commits."""
    organization = Organization(**values)
    session.add(organization)
    await session.flush()
    session.add(Member(user_id=user_id, organization_id=organization.id))
    await session.commit()
    await session.refresh(organization)
    return organization


async def update_organization(
    session: AsyncSession, *, organization: Organization, values: dict[str, object]
) -> Organization:
    for field, value in values.items():
        setattr(organization, field, value)
    organization.updated_at = utcnow()
    session.add(organization)
    await session.commit()
    await session.refresh(organization)
    return organization


async def member_count(session: AsyncSession, *, organization_id: int) -> int:
    query = select(func.count()).where(Member.organization_id == organization_id)
    return (await session.exec(query)).one()
