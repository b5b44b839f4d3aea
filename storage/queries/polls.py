"""Queries on priority polls, their options and answers."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import OutboxMessage, Poll, PollAnswer, PollOption, Subscription, User
from storage.types import utcnow


async def options_of(session: AsyncSession, *, poll_id: int) -> list[PollOption]:
    query = (
        select(PollOption)
        .where(PollOption.poll_id == poll_id)
        .order_by(PollOption.position, PollOption.id)
    )
    return list((await session.exec(query)).all())


async def polls_of(session: AsyncSession, *, municipality_ids: list[int], limit: int = 10):
    """The latest polls of these municipalities, newest first."""
    query = (
        select(Poll)
        .where(Poll.municipality_id.in_(municipality_ids))  # type: ignore[union-attr]
        .order_by(Poll.id.desc())  # type: ignore[union-attr]
        .limit(limit)
    )
    return list((await session.exec(query)).all())


async def answer_of(session: AsyncSession, *, poll_id: int, user_id: int) -> PollAnswer | None:
    query = select(PollAnswer).where(PollAnswer.poll_id == poll_id, PollAnswer.user_id == user_id)
    return (await session.exec(query)).first()


async def save_draft_answer(
    session: AsyncSession, *, poll_id: int, user_id: int, choices: list[int]
) -> PollAnswer | None:
    """Store the ticks of an answer not yet sent; None if it was sent meanwhile. Commits."""
    answer = await answer_of(session, poll_id=poll_id, user_id=user_id)
    if answer is None:
        answer = PollAnswer(poll_id=poll_id, user_id=user_id, choices=list(choices))
    elif answer.submitted_at is not None:
        return None
    else:
        answer.choices = list(choices)
        answer.updated_at = utcnow()
    session.add(answer)
    await session.commit()
    return answer


async def submit_answer(
    session: AsyncSession, *, poll_id: int, user_id: int, now: datetime
) -> bool:
    """Send the drafted answer, once: False if there is no draft or it was already sent.

    The conditional UPDATE makes two simultaneous taps on Send count once. Commits."""
    result = await session.exec(
        update(PollAnswer)
        .where(
            PollAnswer.poll_id == poll_id,
            PollAnswer.user_id == user_id,
            PollAnswer.submitted_at.is_(None),  # type: ignore[union-attr]
        )
        .values(submitted_at=now, updated_at=now)
    )
    await session.commit()
    return result.rowcount == 1


async def submitted_choices(session: AsyncSession, *, poll_id: int) -> list[list[int]]:
    query = select(PollAnswer.choices).where(
        PollAnswer.poll_id == poll_id,
        PollAnswer.submitted_at.is_not(None),  # type: ignore[union-attr]
    )
    return [list(choices) for choices in (await session.exec(query)).all()]


async def participants(session: AsyncSession, *, poll_id: int) -> list[tuple[int, int, str | None]]:
    """(user id, chat id, language) of everyone who sent an answer and can still be reached."""
    query = (
        select(User.id, User.telegram_id, User.language)
        .join(PollAnswer, PollAnswer.user_id == User.id)
        .where(
            PollAnswer.poll_id == poll_id,
            PollAnswer.submitted_at.is_not(None),  # type: ignore[union-attr]
            User.is_active.is_(True),  # type: ignore[attr-defined]
        )
        .order_by(User.id)
    )
    return [tuple(row) for row in (await session.exec(query)).all()]  # type: ignore[misc]


async def may_answer(session: AsyncSession, *, poll: Poll, user_id: int) -> bool:
    """The poll was sent to this user, they subscribe to its municipality, or it was posted to
    the municipality's public channel (whose readers answer through the bot's deep link)."""
    if poll.channel_chat_id is not None:
        return True
    if poll.broadcast_id is not None:
        received = select(OutboxMessage.id).where(
            OutboxMessage.broadcast_id == poll.broadcast_id, OutboxMessage.user_id == user_id
        )
        if (await session.exec(received)).first() is not None:
            return True
    subscribed = select(Subscription.id).where(
        Subscription.user_id == user_id, Subscription.municipality_id == poll.municipality_id
    )
    return (await session.exec(subscribed)).first() is not None


async def due_polls(session: AsyncSession, *, now: datetime) -> list[Poll]:
    query = select(Poll).where(Poll.status == "open", Poll.closes_at <= now)  # type: ignore[operator]
    return list((await session.exec(query)).all())


async def close_poll(session: AsyncSession, *, poll_id: int, now: datetime) -> bool:
    """open -> closed, once (a second closer gets False). Does not commit."""
    result = await session.exec(
        update(Poll)
        .where(Poll.id == poll_id, Poll.status == "open")
        .values(status="closed", closed_at=now)
    )
    return result.rowcount == 1
