"""Who a broadcast goes to."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Broadcast, OutboxMessage, Subscription, User


@dataclass(frozen=True)
class Recipient:
    user_id: int
    chat_id: int
    language: str | None


def _reachable():
    return User.is_active.is_(True), User.notifications_paused.is_(False)


async def subscribers(
    session: AsyncSession, *, municipality_id: int, topic_id: int | None
) -> list[Recipient]:
    """Active, unpaused users subscribed to the municipality: to all its topics, or to this one
    (topic None: every subscriber of the municipality, as for an announcement)."""
    query = (
        select(User.id, User.telegram_id, User.language)
        .join(Subscription, Subscription.user_id == User.id)
        .where(Subscription.municipality_id == municipality_id, *_reachable())
        .distinct()
        .order_by(User.id)
    )
    if topic_id is not None:
        query = query.where(or_(Subscription.topic_id.is_(None), Subscription.topic_id == topic_id))
    return [Recipient(*row) for row in (await session.exec(query)).all()]


async def received_competition(session: AsyncSession, *, competition_id: int) -> list[Recipient]:
    """Active users to whom the call itself was delivered (they hear of its changes)."""
    query = (
        select(User.id, User.telegram_id, User.language)
        .join(OutboxMessage, OutboxMessage.user_id == User.id)
        .join(Broadcast, Broadcast.id == OutboxMessage.broadcast_id)
        .where(
            Broadcast.competition_id == competition_id,
            Broadcast.kind == "call",
            OutboxMessage.status == "sent",
            User.is_active.is_(True),
        )
        .distinct()
        .order_by(User.id)
    )
    return [Recipient(*row) for row in (await session.exec(query)).all()]
