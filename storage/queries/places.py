"""Queries on municipalities and topics."""

from __future__ import annotations

from typing import Literal

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
