"""Queries on subscriptions: a row per (user, municipality, topic); topic None means all topics."""

from __future__ import annotations

from sqlmodel import delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Subscription


async def subscriptions_of(session: AsyncSession, *, user_id: int) -> list[Subscription]:
    query = select(Subscription).where(Subscription.user_id == user_id).order_by(Subscription.id)
    return list((await session.exec(query)).all())


async def set_all_topics(session: AsyncSession, *, user_id: int, municipality_id: int) -> None:
    """Subscribe to every topic of a municipality (replacing single-topic rows). Commits."""
    await _clear(session, user_id=user_id, municipality_id=municipality_id)
    session.add(Subscription(user_id=user_id, municipality_id=municipality_id, topic_id=None))
    await session.commit()


async def set_topics(
    session: AsyncSession, *, user_id: int, municipality_id: int, topic_ids: set[int]
) -> None:
    """Subscribe to exactly these topics of a municipality (none: unsubscribe). Commits."""
    await _clear(session, user_id=user_id, municipality_id=municipality_id)
    for topic_id in sorted(topic_ids):
        session.add(
            Subscription(user_id=user_id, municipality_id=municipality_id, topic_id=topic_id)
        )
    await session.commit()


async def _clear(session: AsyncSession, *, user_id: int, municipality_id: int) -> None:
    await session.exec(
        delete(Subscription).where(
            Subscription.user_id == user_id, Subscription.municipality_id == municipality_id
        )
    )
