"""Queries on competitions (calls for proposals)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Competition, CompetitionAmendment
from storage.types import utcnow


async def competitions_of(session: AsyncSession, *, municipality_id: int) -> list[Competition]:
    query = (
        select(Competition)
        .where(Competition.municipality_id == municipality_id)
        .order_by(Competition.id.desc())
    )
    return list((await session.exec(query)).all())


async def create_draft(
    session: AsyncSession, *, municipality_id: int, created_by_user_id: int
) -> Competition:
    draft = Competition(municipality_id=municipality_id, created_by_user_id=created_by_user_id)
    session.add(draft)
    await session.commit()
    await session.refresh(draft)
    return draft


async def save_draft(session: AsyncSession, *, draft: Competition, values: dict) -> Competition:
    """Store wizard answers on the draft. Commits (a draft is saved at every step)."""
    for field, value in values.items():
        setattr(draft, field, value)
    draft.updated_at = utcnow()
    session.add(draft)
    await session.commit()
    await session.refresh(draft)
    return draft


async def open_competitions(
    session: AsyncSession, *, municipality_id: int | None = None
) -> list[Competition]:
    query = select(Competition).where(Competition.status == "published")
    if municipality_id is not None:
        query = query.where(Competition.municipality_id == municipality_id)
    return list((await session.exec(query.order_by(Competition.deadline_at))).all())


async def amendments_of(
    session: AsyncSession, *, competition_id: int
) -> list[CompetitionAmendment]:
    query = (
        select(CompetitionAmendment)
        .where(CompetitionAmendment.competition_id == competition_id)
        .order_by(CompetitionAmendment.version)
    )
    return list((await session.exec(query)).all())


async def open_competitions_for(
    session: AsyncSession, *, user_id: int, now: datetime, limit: int = 5
) -> list[Competition]:
    """Published calls still open that match the user's subscriptions, soonest deadline first."""
    from sqlmodel import exists, or_

    from storage.models import Subscription

    # EXISTS rather than JOIN + DISTINCT: PostgreSQL cannot compare the JSON columns.
    subscribed = exists().where(
        Subscription.user_id == user_id,
        Subscription.municipality_id == Competition.municipality_id,
        or_(Subscription.topic_id.is_(None), Subscription.topic_id == Competition.topic_id),
    )
    query = (
        select(Competition)
        .where(subscribed, Competition.status == "published", Competition.deadline_at > now)
        .order_by(Competition.deadline_at)
        .limit(limit)
    )
    return list((await session.exec(query)).all())
