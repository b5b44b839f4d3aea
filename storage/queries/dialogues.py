"""Dialogue state: one row per user in a guided dialogue, committed at every step."""

from __future__ import annotations

from sqlalchemy import bindparam
from sqlmodel import delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Dialogue, User
from storage.types import utcnow


async def get_dialogue(session: AsyncSession, *, user_id: int) -> Dialogue | None:
    return (await session.exec(select(Dialogue).where(Dialogue.user_id == user_id))).first()


async def save_dialogue(
    session: AsyncSession, *, user_id: int, name: str, step: str, data: dict
) -> Dialogue:
    """Create or move the user's dialogue to `step` with `data`. Commits."""
    dialogue = await get_dialogue(session, user_id=user_id)
    if dialogue is None:
        dialogue = Dialogue(user_id=user_id, name=name, step=step, data=dict(data))
    else:
        dialogue.name, dialogue.step, dialogue.data = name, step, dict(data)
        dialogue.updated_at = utcnow()
    session.add(dialogue)
    await session.commit()
    return dialogue


async def end_dialogue(session: AsyncSession, *, user_id: int) -> None:
    """Forget the user's dialogue. Commits."""
    await session.exec(delete(Dialogue).where(Dialogue.user_id == user_id))
    await session.commit()


# The two statements of nearly every update, built once: building a statement (and its cache
# key) per call cost SQLAlchemy as much as running it (docs/benchmarks.md, "Deadline rush").
_USER_AND_DIALOGUE = (
    select(User, Dialogue)
    .outerjoin(Dialogue, Dialogue.user_id == User.id)
    .where(User.telegram_id == bindparam("telegram_id"))
)
_MOVE_DIALOGUE = (
    update(Dialogue)
    .where(Dialogue.user_id == bindparam("for_user_id"))
    .values(
        name=bindparam("new_name"),
        step=bindparam("new_step"),
        data=bindparam("new_data"),
        updated_at=bindparam("now"),
    )
)


async def user_and_dialogue(
    session: AsyncSession, *, telegram_id: int
) -> tuple[User | None, Dialogue | None]:
    """The user's row and open dialogue (either may be None) in one query."""
    result = await session.exec(_USER_AND_DIALOGUE, params={"telegram_id": telegram_id})
    row = result.first()
    return (row[0], row[1]) if row is not None else (None, None)


async def move_dialogue(
    session: AsyncSession, *, user_id: int, name: str, step: str, data: dict
) -> None:
    """`save_dialogue` in one statement when the user has a dialogue row (the usual case: a
    step of a dialogue already under way), else an INSERT. Commits."""
    moved = await session.exec(
        _MOVE_DIALOGUE,
        params={
            "for_user_id": user_id,
            "new_name": name,
            "new_step": step,
            "new_data": dict(data),
            "now": utcnow(),
        },
    )
    if moved.rowcount == 0:
        session.add(Dialogue(user_id=user_id, name=name, step=step, data=dict(data)))
    await session.commit()
