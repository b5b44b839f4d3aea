"""Queries on users. Keyword-only arguments: calls read like sentences."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import User
from storage.types import utcnow

LAST_SEEN_EVERY = timedelta(minutes=5)


async def get_user(session: AsyncSession, *, telegram_id: int) -> User | None:
    result = await session.exec(select(User).where(User.telegram_id == telegram_id))
    return result.first()


async def get_or_create_user(session: AsyncSession, *, telegram_id: int) -> tuple[User, bool]:
    """The user's row, created on first contact; returns (user, created). Commits."""
    user = await get_user(session, telegram_id=telegram_id)
    if user is not None:
        # A write per update would contend for nothing: refresh "last seen" every few minutes.
        if utcnow() - user.last_seen_at > LAST_SEEN_EVERY:
            user.last_seen_at = utcnow()
            session.add(user)
            await session.commit()
        return user, False
    user = User(telegram_id=telegram_id)
    session.add(user)
    await session.commit()
    await session.refresh(user)
    return user, True


async def set_language(session: AsyncSession, *, telegram_id: int, language: str) -> User:
    """Store the chosen language. Commits."""
    user, _ = await get_or_create_user(session, telegram_id=telegram_id)
    user.language = language
    session.add(user)
    await session.commit()
    return user


async def record_consent(session: AsyncSession, *, user: User) -> User:
    user.consent_at = utcnow()
    session.add(user)
    await session.commit()
    return user


async def set_flags(
    session: AsyncSession,
    *,
    telegram_id: int,
    is_active: bool | None = None,
    notifications_paused: bool | None = None,
) -> User | None:
    """Mark a user (in)active or (un)paused; None if the bot never stored them. Commits."""
    user = await get_user(session, telegram_id=telegram_id)
    if user is None:
        return None
    if is_active is not None:
        user.is_active = is_active
    if notifications_paused is not None:
        user.notifications_paused = notifications_paused
    session.add(user)
    await session.commit()
    return user


async def delete_user(session: AsyncSession, *, user: User) -> None:
    """Delete the user; members, subscriptions and dialogue rows go with it. Commits."""
    await session.delete(user)
    await session.commit()
