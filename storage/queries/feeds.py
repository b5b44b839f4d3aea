"""The open calls of the public feed: published, deadline still ahead, newest first."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Competition, Municipality, Topic

FEED_LIMIT = 200


async def open_calls(
    session: AsyncSession, *, now: datetime, limit: int = FEED_LIMIT
) -> list[tuple[Competition, Municipality, Topic | None]]:
    query = (
        select(Competition, Municipality, Topic)
        .join(Municipality, Municipality.id == Competition.municipality_id)
        .outerjoin(Topic, Topic.id == Competition.topic_id)
        .where(Competition.status == "published", Competition.deadline_at > now)
        .order_by(Competition.published_at.desc(), Competition.id.desc())
        .limit(limit)
    )
    return [tuple(row) for row in (await session.exec(query)).all()]
