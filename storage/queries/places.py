"""Queries on municipalities and topics."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Municipality, Topic

Outcome = Literal["created", "updated", "unchanged"]


def _apply(row: Municipality | Topic, values: dict[str, str]) -> bool:
    changed = False
    for field, value in values.items():
        if getattr(row, field) != value:
            setattr(row, field, value)
            changed = True
    return changed


def _name_fields(names: dict[str, str]) -> dict[str, str]:
    return {f"name_{language}": text for language, text in names.items()}


async def upsert_municipality(
    session: AsyncSession, *, slug: str, code: str, timezone: str, names: dict[str, str]
) -> tuple[Municipality, Outcome]:
    values = {"code": code, "timezone": timezone, **_name_fields(names)}
    row = (await session.exec(select(Municipality).where(Municipality.slug == slug))).first()
    if row is None:
        row = Municipality(slug=slug, **values)
        session.add(row)
        await session.flush()
        return row, "created"
    changed = _apply(row, values)
    session.add(row)
    await session.flush()
    return row, "updated" if changed else "unchanged"


async def upsert_topic(
    session: AsyncSession, *, municipality_id: int, slug: str, names: dict[str, str]
) -> tuple[Topic, Outcome]:
    values = _name_fields(names)
    query = select(Topic).where(Topic.municipality_id == municipality_id, Topic.slug == slug)
    row = (await session.exec(query)).first()
    if row is None:
        row = Topic(municipality_id=municipality_id, slug=slug, **values)
        session.add(row)
        await session.flush()
        return row, "created"
    changed = _apply(row, values)
    session.add(row)
    await session.flush()
    return row, "updated" if changed else "unchanged"


async def list_municipalities(session: AsyncSession) -> list[Municipality]:
    return list((await session.exec(select(Municipality).order_by(Municipality.slug))).all())


async def get_municipality(session: AsyncSession, *, slug: str) -> Municipality | None:
    return (await session.exec(select(Municipality).where(Municipality.slug == slug))).first()


async def list_topics(session: AsyncSession, *, municipality_id: int) -> list[Topic]:
    query = select(Topic).where(Topic.municipality_id == municipality_id).order_by(Topic.id)
    return list((await session.exec(query)).all())


async def mark_channel_lost(
    session: AsyncSession, *, chat_id: int, reason: str, now: datetime
) -> list[int]:
    """Mark `chat_id` as no longer usable wherever it is a municipality's channel not already
    marked; returns those municipalities' ids (so a second report of the same loss finds none).
    Does not commit."""
    marked = await session.exec(
        update(Municipality)
        .where(
            Municipality.channel_chat_id == chat_id,
            Municipality.channel_lost_at.is_(None),  # type: ignore[union-attr]
        )
        .values(channel_lost_at=now, channel_lost_reason=reason)
        .returning(Municipality.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(marked.scalars().all())


async def lost_channel_ids(session: AsyncSession, *, chat_ids: list[int]) -> set[int]:
    """Those of `chat_ids` that are a municipality's channel marked as lost."""
    if not chat_ids:
        return set()
    query = select(Municipality.channel_chat_id).where(
        Municipality.channel_chat_id.in_(chat_ids),  # type: ignore[union-attr]
        Municipality.channel_lost_at.is_not(None),  # type: ignore[union-attr]
    )
    return set((await session.exec(query)).all())
