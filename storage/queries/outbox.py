"""Queries on the outbox: one row per message to one chat, sent later by bot/outbox.py.

A row's life: queued -> sending (claimed by a sender) -> sent | failed | blocked, or back to
queued for a retry. Enqueuing never commits, so a caller can add its messages in the same
transaction as the change they announce (publishing a call, say): both or neither.
The rest commit unless told not to.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, null, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import OutboxMessage, User
from storage.types import utcnow

log = logging.getLogger(__name__)

STATUSES = ("queued", "sending", "sent", "failed", "blocked")
# Rows per INSERT in enqueue_many: 8 columns x 500 stays far below SQLite's 32766 parameters.
INSERT_BATCH = 500
ERROR_LENGTH = 300  # OutboxMessage.last_error

_outbox = OutboxMessage.__table__  # type: ignore[attr-defined]


def _insert(dialect: str) -> Any:
    if dialect == "postgresql":
        return postgresql.insert(_outbox)
    if dialect == "sqlite":
        return sqlite.insert(_outbox)
    raise NotImplementedError(f"the outbox supports SQLite and PostgreSQL, not {dialect}")


def _row(
    *,
    chat_id: int,
    text: str,
    user_id: int | None = None,
    broadcast_id: int | None = None,
    dedupe_key: str | None = None,
    reply_markup: dict | None = None,
    not_before: datetime | None = None,
    now: datetime,
) -> dict[str, Any]:
    return {
        "chat_id": chat_id,
        "text": text,
        "user_id": user_id,
        "broadcast_id": broadcast_id,
        "dedupe_key": dedupe_key,
        # SQL NULL rather than the JSON value null, so "reply_markup IS NULL" means none.
        "reply_markup": null() if reply_markup is None else reply_markup,
        "status": "queued",
        "attempts": 0,
        "next_attempt_at": not_before or now,
        "created_at": now,
    }


async def _dialect(session: AsyncSession) -> str:
    return (await session.connection()).dialect.name


async def enqueue(
    session: AsyncSession,
    *,
    chat_id: int,
    text: str,
    user_id: int | None = None,
    broadcast_id: int | None = None,
    dedupe_key: str | None = None,
    reply_markup: dict | None = None,
    not_before: datetime | None = None,
) -> bool:
    """Add one message; False (and nothing added) if `dedupe_key` is already in the outbox.

    Does not commit: the row joins the caller's transaction."""
    values = _row(
        chat_id=chat_id,
        text=text,
        user_id=user_id,
        broadcast_id=broadcast_id,
        dedupe_key=dedupe_key,
        reply_markup=reply_markup,
        not_before=not_before,
        now=utcnow(),
    )
    statement = (
        _insert(await _dialect(session))
        .values(values)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(_outbox.c.id)
    )
    return len((await session.exec(statement)).all()) == 1


async def queued_keys(session: AsyncSession, keys: Iterable[str]) -> set[str]:
    """Which of these dedupe keys are in the outbox already. Checking first spares a rush of
    the same notice (one per staff member per five minutes) from inserting a key another
    transaction has just inserted: that insert would wait for the other's commit."""
    keys = list(keys)
    if not keys:
        return set()
    query = select(_outbox.c.dedupe_key).where(_outbox.c.dedupe_key.in_(keys))
    return set((await session.exec(query)).scalars().all())


async def enqueue_many(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> int:
    """Add many messages (a broadcast), a few hundred per INSERT; rows whose `dedupe_key` is
    already there are skipped. Each row: chat_id, text and optionally user_id, broadcast_id,
    dedupe_key, reply_markup, not_before. Returns how many were added. Does not commit."""
    if not rows:
        return 0
    insert = _insert(await _dialect(session))
    now = utcnow()
    added = 0
    for start in range(0, len(rows), INSERT_BATCH):
        values = [_row(**row, now=now) for row in rows[start : start + INSERT_BATCH]]
        statement = (
            insert.values(values)
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(_outbox.c.id)
        )
        # RETURNING lists only the rows inserted: rowcount is not reliable for this everywhere.
        added += len((await session.exec(statement)).all())
    return added


def _seconds(value: timedelta | float) -> timedelta:
    return value if isinstance(value, timedelta) else timedelta(seconds=value)


async def claim_due(
    session: AsyncSession, *, limit: int, now: datetime, stale_after: timedelta | float
) -> list[OutboxMessage]:
    """Claim up to `limit` due rows for sending (status "sending", claimed_at now), by id.

    First, rows left in "sending" for longer than `stale_after` go back to the queue: their
    sender died. Whatever it had sent but not yet recorded is sent again, so after a crash each
    message in flight may arrive twice, never more. On PostgreSQL the claim skips rows another
    sender has locked (FOR UPDATE SKIP LOCKED), so several senders can share the outbox; SQLite
    has one writer at a time, and one sender is enough. Commits."""
    stale = await session.exec(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == "sending",
            OutboxMessage.claimed_at < now - _seconds(stale_after),  # type: ignore[operator]
        )
        .values(status="queued", claimed_at=None, next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    due = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)  # SQLite: not rendered, the one writer suffices
    )
    claimed = await session.exec(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(due.scalar_subquery()))  # type: ignore[union-attr]
        .values(status="sending", claimed_at=now)
        .returning(OutboxMessage)
        .execution_options(synchronize_session=False)
    )
    rows = list(claimed.scalars().all())
    await session.commit()
    rows.sort(key=lambda row: row.id)
    if stale.rowcount:
        log.warning(
            "outbox: %d rows left in sending by a stopped sender are queued again", stale.rowcount
        )
    return rows


@dataclass(frozen=True)
class Settlement:
    """What became of one claimed row: the outcome a sender records."""

    message_id: int
    status: str  # sent, failed, blocked, or queued (retry later)
    # 1 when a send was attempted; 0 when the row is only put back (429, busy chat, pause).
    attempts: int = 1
    error: str | None = None
    next_attempt_at: datetime | None = None  # for status queued
    telegram_message_id: int | None = None  # for status sent
    sent_at: datetime | None = None  # for status sent


# Not settled by someone else meanwhile (spelt out: IN (...) cannot go in an executemany).
_STILL_OURS = or_(_outbox.c.status == "sending", _outbox.c.status == "queued")
_BY_ID = _outbox.c.id == bindparam("b_id")
_SET_SENT = (
    update(_outbox)
    .where(_BY_ID, _STILL_OURS)
    .values(
        status="sent",
        attempts=_outbox.c.attempts + 1,
        sent_at=bindparam("b_sent_at"),
        telegram_message_id=bindparam("b_telegram_message_id"),
        claimed_at=None,
    )
)
_SET_QUEUED = (
    update(_outbox)
    .where(_BY_ID, _STILL_OURS)
    .values(
        status="queued",
        attempts=_outbox.c.attempts + bindparam("b_attempts"),
        next_attempt_at=bindparam("b_next_attempt_at"),
        last_error=func.coalesce(
            bindparam("b_error", type_=_outbox.c.last_error.type), _outbox.c.last_error
        ),
        claimed_at=None,
    )
)
_SET_FINAL = (
    update(_outbox)
    .where(_BY_ID, _STILL_OURS)
    .values(
        status=bindparam("b_status"),
        attempts=_outbox.c.attempts + bindparam("b_attempts"),
        last_error=bindparam("b_error"),
        claimed_at=None,
    )
)


def _error(text: str | None) -> str | None:
    return None if text is None else text[:ERROR_LENGTH]


async def settle(
    session: AsyncSession, *, settlements: Iterable[Settlement], commit: bool = True
) -> None:
    """Record outcomes, a statement per kind of outcome (executemany). A row another sender has
    already settled is left alone. A blocked row's user (if any) becomes inactive."""
    sent: list[dict[str, Any]] = []
    queued: list[dict[str, Any]] = []
    final: list[dict[str, Any]] = []
    blocked_ids: list[int] = []
    for s in settlements:
        if s.status == "sent":
            sent.append(
                {
                    "b_id": s.message_id,
                    "b_sent_at": s.sent_at or utcnow(),
                    "b_telegram_message_id": s.telegram_message_id,
                }
            )
        elif s.status == "queued":
            queued.append(
                {
                    "b_id": s.message_id,
                    "b_attempts": s.attempts,
                    "b_next_attempt_at": s.next_attempt_at or utcnow(),
                    "b_error": _error(s.error),
                }
            )
        elif s.status in ("failed", "blocked"):
            final.append(
                {
                    "b_id": s.message_id,
                    "b_status": s.status,
                    "b_attempts": s.attempts,
                    "b_error": _error(s.error),
                }
            )
            if s.status == "blocked":
                blocked_ids.append(s.message_id)
        else:
            raise ValueError(f"cannot settle an outbox row as {s.status!r}")
    for statement, params in ((_SET_SENT, sent), (_SET_QUEUED, queued), (_SET_FINAL, final)):
        if params:
            await session.exec(statement, params=params)
    if blocked_ids:
        users_of_rows = select(OutboxMessage.user_id).where(
            OutboxMessage.id.in_(blocked_ids),  # type: ignore[union-attr]
            OutboxMessage.user_id.is_not(None),  # type: ignore[union-attr]
        )
        await session.exec(
            update(User)
            .where(User.id.in_(users_of_rows.scalar_subquery()))  # type: ignore[union-attr]
            .values(is_active=False)
            .execution_options(synchronize_session=False)
        )
    if commit:
        await session.commit()


async def mark_sent(
    session: AsyncSession,
    *,
    message_id: int,
    telegram_message_id: int | None,
    now: datetime,
    commit: bool = True,
) -> None:
    """Telegram accepted the message. Commits unless `commit=False`."""
    settlement = Settlement(
        message_id, "sent", telegram_message_id=telegram_message_id, sent_at=now
    )
    await settle(session, settlements=[settlement], commit=commit)


async def mark_retry(
    session: AsyncSession,
    *,
    message_id: int,
    error: str | None,
    next_attempt_at: datetime,
    count_attempt: bool = True,
    commit: bool = True,
) -> None:
    """Back to the queue until `next_attempt_at`; `count_attempt=False` when no real attempt
    was made (Telegram's 429 flood control, a busy chat). Commits unless `commit=False`."""
    settlement = Settlement(
        message_id,
        "queued",
        attempts=1 if count_attempt else 0,
        error=error,
        next_attempt_at=next_attempt_at,
    )
    await settle(session, settlements=[settlement], commit=commit)


async def mark_failed(
    session: AsyncSession, *, message_id: int, error: str, commit: bool = True
) -> None:
    """Given up: Telegram refused the message (400) or it failed too often. Commits."""
    await settle(
        session, settlements=[Settlement(message_id, "failed", error=error)], commit=commit
    )


async def mark_blocked(
    session: AsyncSession,
    *,
    message_id: int,
    error: str = "Forbidden: bot was blocked by the user",
    commit: bool = True,
) -> None:
    """The user blocked the bot (403): the row is "blocked" and its user inactive. Commits."""
    await settle(
        session, settlements=[Settlement(message_id, "blocked", error=error)], commit=commit
    )


async def end_channel_posts(session: AsyncSession, *, chat_id: int, error: str) -> int:
    """The posts still queued for a channel that refuses the bot end as "blocked" with
    `error`, instead of being tried and refused one by one. Rows being sent are left to their
    sender (Telegram refuses them too). Returns how many ended. Does not commit."""
    ended = await session.exec(
        update(OutboxMessage)
        .where(
            OutboxMessage.chat_id == chat_id,
            OutboxMessage.user_id.is_(None),  # type: ignore[union-attr]
            OutboxMessage.status == "queued",
        )
        .values(status="blocked", last_error=_error(error), claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    return ended.rowcount


async def next_due_at(session: AsyncSession) -> datetime | None:
    """When the earliest queued row becomes due (None: nothing queued)."""
    query = select(func.min(OutboxMessage.next_attempt_at)).where(OutboxMessage.status == "queued")
    return (await session.exec(query)).one()[0]


async def broadcast_counts(session: AsyncSession, *, broadcast_id: int) -> dict[str, int]:
    """How a broadcast's deliveries stand: queued, sending, sent, failed, blocked and total."""
    query = (
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.broadcast_id == broadcast_id)
        .group_by(OutboxMessage.status)
    )
    counts = dict.fromkeys(STATUSES, 0)
    for status, number in (await session.exec(query)).all():
        counts[status] = counts.get(status, 0) + number
    counts["total"] = sum(counts[status] for status in STATUSES)
    return counts


async def outbox_counts(session: AsyncSession) -> dict[str, int]:
    """Rows per status over the whole outbox (for the health endpoint and operators)."""
    query = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    counts = dict.fromkeys(STATUSES, 0)
    for status, number in (await session.exec(query)).all():
        counts[status] = counts.get(status, 0) + number
    return counts
