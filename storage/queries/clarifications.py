"""Queries on clarifications: questions about a call and their answers."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Clarification, Competition, Member, Submission, User


async def ask(
    session: AsyncSession, *, competition_id: int, user_id: int, question: str
) -> Clarification:
    """Record a question. Does not commit (the staff notices go in the same transaction)."""
    clarification = Clarification(
        competition_id=competition_id, asked_by_user_id=user_id, question=question
    )
    session.add(clarification)
    await session.flush()
    return clarification


async def answer(
    session: AsyncSession, *, clarification_id: int, text: str, user_id: int, now: datetime
) -> bool:
    """Record the answer once; False if it was already answered (a double tap). No commit."""
    result = await session.exec(
        update(Clarification)
        .where(Clarification.id == clarification_id, Clarification.answer.is_(None))
        .values(answer=text, answered_by_user_id=user_id, answered_at=now)
    )
    return result.rowcount == 1


async def unanswered(session: AsyncSession, *, municipality_ids: set[int]) -> list[Clarification]:
    query = (
        select(Clarification)
        .join(Competition, Competition.id == Clarification.competition_id)
        .where(
            Clarification.answer.is_(None),
            Competition.municipality_id.in_(municipality_ids),
        )
        .order_by(Clarification.id)
    )
    return list((await session.exec(query)).all())


async def answered_for(session: AsyncSession, *, competition_id: int) -> list[Clarification]:
    query = (
        select(Clarification)
        .where(Clarification.competition_id == competition_id, Clarification.answer.is_not(None))
        .order_by(Clarification.answered_at)
    )
    return list((await session.exec(query)).all())


async def applicants_of(
    session: AsyncSession, *, competition_id: int
) -> list[tuple[int, int, str | None]]:
    """(user id, chat id, language) of every member of an organization that started an
    application to the call."""
    query = (
        select(User.id, User.telegram_id, User.language)
        .join(Member, Member.user_id == User.id)
        .join(Submission, Submission.organization_id == Member.organization_id)
        .where(Submission.competition_id == competition_id, User.is_active.is_(True))
        .distinct()
    )
    return list((await session.exec(query)).all())
