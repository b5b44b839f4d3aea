"""Queries on reminders: storing what the rules planned, claiming due rows, recording outcomes.

A row's life: pending -> claimed (by one worker, until `lease_until`) -> sent | missed |
cancelled, or back to pending (postponed out of quiet hours, or its claimer died).
`replace_planned` and `settle` do not commit (they join the caller's transaction, e.g. the one
that publishes a call); `claim_due` commits.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, or_, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    Member,
    Reminder,
    ReminderMute,
    ReminderSettings,
    Submission,
    Subscription,
    User,
)

log = logging.getLogger(__name__)

STATUSES = ("pending", "claimed", "sent", "missed", "cancelled")
INSERT_BATCH = 500
# A claim made "in the future" means the clock went back since: it is treated as expired, or
# the row would wait for the clock to catch up.
CLOCK_SLACK = timedelta(seconds=60)

_reminders = Reminder.__table__  # type: ignore[attr-defined]


def _insert(dialect: str) -> Any:
    if dialect == "postgresql":
        return postgresql.insert(_reminders)
    if dialect == "sqlite":
        return sqlite.insert(_reminders)
    raise NotImplementedError(f"reminders support SQLite and PostgreSQL, not {dialect}")


# -- the facts planning reads -------------------------------------------------------------------


async def rules_of(session: AsyncSession, *, municipality_id: int) -> dict | None:
    query = select(ReminderSettings.rules).where(
        ReminderSettings.municipality_id == municipality_id
    )
    return (await session.exec(query)).scalars().first()


@dataclass(frozen=True)
class Applicant:
    user_id: int
    submission_id: int
    status: str
    reachable: bool


async def applicants(
    session: AsyncSession, *, competition_id: int, organization_ids: Iterable[int] | None = None
) -> list[Applicant]:
    """Members of the organizations that started an application to the call (of
    `organization_ids` only, if given)."""
    query = (
        select(User.id, Submission.id, Submission.status, User.is_active, User.notifications_paused)
        .join(Member, Member.organization_id == Submission.organization_id)
        .join(User, User.id == Member.user_id)
        .where(Submission.competition_id == competition_id)
    )
    if organization_ids is not None:
        query = query.where(Submission.organization_id.in_(list(organization_ids)))
    return [
        Applicant(user_id, submission_id, status, active and not paused)
        for user_id, submission_id, status, active, paused in (await session.exec(query)).all()
    ]


async def subscriber_ids(
    session: AsyncSession, *, municipality_id: int, topic_id: int | None, user_ids=None
) -> set[int]:
    """Active, unpaused subscribers of the municipality (all topics, or this one)."""
    query = (
        select(User.id)
        .join(Subscription, Subscription.user_id == User.id)
        .where(
            Subscription.municipality_id == municipality_id,
            User.is_active.is_(True),
            User.notifications_paused.is_(False),
        )
    )
    if topic_id is not None:
        query = query.where(or_(Subscription.topic_id.is_(None), Subscription.topic_id == topic_id))
    if user_ids is not None:
        query = query.where(User.id.in_(list(user_ids)))
    return set((await session.exec(query)).scalars().all())


async def muted_ids(session: AsyncSession, *, competition_id: int) -> set[int]:
    query = select(ReminderMute.user_id).where(ReminderMute.competition_id == competition_id)
    return set((await session.exec(query)).scalars().all())


async def is_muted(session: AsyncSession, *, user_id: int, competition_id: int) -> bool:
    query = select(ReminderMute.id).where(
        ReminderMute.user_id == user_id, ReminderMute.competition_id == competition_id
    )
    return (await session.exec(query)).first() is not None


# -- applications whose reminders wait to be re-planned -----------------------------------------


@dataclass(frozen=True)
class ChangedApplication:
    id: int
    competition_id: int
    organization_id: int
    revision: int  # as read: the mark is cleared only if the application is still at it


async def changed_applications(session: AsyncSession, *, limit: int) -> list[ChangedApplication]:
    """Applications marked `reminders_stale` (started, submitted or withdrawn since their
    organization's reminders were last planned), oldest first."""
    query = (
        select(
            Submission.id,
            Submission.competition_id,
            Submission.organization_id,
            Submission.revision,
        )
        .where(Submission.reminders_stale.is_(True))
        .order_by(Submission.id)
        .limit(limit)
    )
    return [ChangedApplication(*row) for row in (await session.exec(query)).all()]


_submissions = Submission.__table__  # type: ignore[attr-defined]
# A Core statement: run with many parameter sets it is one executemany, not the ORM's bulk mode.
_CLEAR_STALE = (
    update(_submissions)
    .where(_submissions.c.id == bindparam("for_id"), _submissions.c.revision == bindparam("read"))
    .values(reminders_stale=False)
)


async def mark_replanned(session: AsyncSession, changed: Sequence[ChangedApplication]) -> None:
    """Clear the marks of `changed`, except where the application has changed since it was
    read (its revision moved on): that one is re-planned again next time. Does not commit."""
    if changed:
        await session.exec(
            _CLEAR_STALE, params=[{"for_id": row.id, "read": row.revision} for row in changed]
        )


# -- storing the plan ---------------------------------------------------------------------------


async def replace_planned(
    session: AsyncSession,
    *,
    planned: Sequence[Any],  # bot.rules.reminders.Planned
    competition_id: int | None = None,
    report_due_id: int | None = None,
    kinds: Iterable[str] | None = None,
    user_ids: Iterable[int] | None = None,
    now: datetime,
) -> dict[str, int]:
    """Make the reminders in scope exactly `planned`: a call's (`competition_id`) or a report's
    (`report_due_id`), of `kinds` or every kind, for `user_ids` or everyone. New keys are added,
    planned keys that are pending or were cancelled get the planned due time, pending rows no
    longer planned are cancelled. Sent, missed and claimed rows are left alone.
    Returns counts (added, updated, cancelled). Does not commit."""
    if competition_id is None and report_due_id is None:
        raise ValueError("replace_planned needs a call or a report as its scope")
    scope = []
    if competition_id is not None:
        scope.append(_reminders.c.competition_id == competition_id)
    if report_due_id is not None:
        scope.append(_reminders.c.report_due_id == report_due_id)
    if user_ids is not None:
        scope.append(_reminders.c.user_id.in_(list(user_ids)))
    if kinds is not None:
        # Each planner owns its kinds: re-planning the deadline reminders of a call under review
        # must not cancel its score-sheet reminders, nor the other way round.
        scope.append(_reminders.c.kind.in_(list(kinds)))
    existing = {
        key: (row_id, status, due_at)
        for key, row_id, status, due_at in (
            await session.exec(
                select(
                    _reminders.c.key, _reminders.c.id, _reminders.c.status, _reminders.c.due_at
                ).where(*scope)
            )
        ).all()
    }
    wanted = {plan.key: plan for plan in planned}
    fresh = [plan for key, plan in wanted.items() if key not in existing]
    revived = [
        {"b_id": existing[key][0], "b_due_at": plan.due_at, "b_event_at": plan.event_at,
         "b_is_last": plan.is_last, "b_now": now}
        for key, plan in wanted.items()
        if key in existing
        and (
            existing[key][1] == "cancelled"
            or (existing[key][1] == "pending" and existing[key][2] != plan.due_at)
        )
    ]  # fmt: skip
    stale = [
        row_id
        for key, (row_id, status, _) in existing.items()
        if status == "pending" and key not in wanted
    ]
    if fresh:
        insert = _insert((await session.connection()).dialect.name)
        for start in range(0, len(fresh), INSERT_BATCH):
            values = [
                {
                    "key": plan.key,
                    "kind": plan.kind,
                    "user_id": plan.user_id,
                    "competition_id": plan.competition_id,
                    "submission_id": plan.submission_id,
                    "report_due_id": plan.report_due_id,
                    "event_at": plan.event_at,
                    "due_at": plan.due_at,
                    "is_last": plan.is_last,
                    "status": "pending",
                    "attempts": 0,
                    "created_at": now,
                    "updated_at": now,
                }
                for plan in fresh[start : start + INSERT_BATCH]
            ]
            await session.exec(insert.values(values).on_conflict_do_nothing())
    if revived:
        await session.exec(
            update(_reminders)
            .where(
                _reminders.c.id == bindparam("b_id"),
                # Spelt out: IN (...) cannot go in an executemany.
                or_(_reminders.c.status == "pending", _reminders.c.status == "cancelled"),
            )
            .values(
                status="pending",
                due_at=bindparam("b_due_at"),
                event_at=bindparam("b_event_at"),
                is_last=bindparam("b_is_last"),
                note=None,
                updated_at=bindparam("b_now"),
            ),
            params=revived,
        )
    if stale:
        for start in range(0, len(stale), INSERT_BATCH):
            await session.exec(
                update(_reminders)
                .where(
                    _reminders.c.id.in_(stale[start : start + INSERT_BATCH]),
                    _reminders.c.status == "pending",
                )
                .values(status="cancelled", note="stale", updated_at=now)
            )
    return {"added": len(fresh), "updated": len(revived), "cancelled": len(stale)}


async def cancel_for(
    session: AsyncSession, *, user_id: int, competition_id: int, note: str, now: datetime
) -> int:
    """Cancel the user's pending reminders about a call. Does not commit."""
    result = await session.exec(
        update(_reminders)
        .where(
            _reminders.c.user_id == user_id,
            _reminders.c.competition_id == competition_id,
            _reminders.c.status == "pending",
        )
        .values(status="cancelled", note=note, updated_at=now)
    )
    return result.rowcount


async def mute(session: AsyncSession, *, user_id: int, competition_id: int, now: datetime) -> bool:
    """No more reminders about the call for the user; False if it was muted already. Commits."""
    dialect = (await session.connection()).dialect.name
    table = ReminderMute.__table__  # type: ignore[attr-defined]
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    added = await session.exec(
        insert.values(user_id=user_id, competition_id=competition_id, created_at=now)
        .on_conflict_do_nothing()
        .returning(table.c.id)
    )
    new = len(added.all()) == 1
    await cancel_for(session, user_id=user_id, competition_id=competition_id, note="muted", now=now)
    await session.commit()
    return new


# -- the worker's side --------------------------------------------------------------------------


async def claim_due(
    session: AsyncSession, *, now: datetime, limit: int, lease: timedelta
) -> list[Reminder]:
    """Claim up to `limit` pending rows due by `now`, earliest first, until `now + lease`.

    First, claims whose lease has run out (their worker died) or that were made "in the future"
    (the clock went back) return to pending. On PostgreSQL the claim skips rows another worker
    has locked (FOR UPDATE SKIP LOCKED), so several workers can share the table; on SQLite one
    writer at a time makes the claim atomic. Each claim adds one to `attempts`, which is the
    claim's token for `settle`. Commits."""
    released = await session.exec(
        update(_reminders)
        .where(
            _reminders.c.status == "claimed",
            or_(_reminders.c.lease_until < now, _reminders.c.claimed_at > now + CLOCK_SLACK),
        )
        .values(status="pending", lease_until=None, claimed_at=None)
    )
    due = (
        select(_reminders.c.id)
        .where(_reminders.c.status == "pending", _reminders.c.due_at <= now)
        .order_by(_reminders.c.due_at, _reminders.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = await session.exec(
        update(Reminder)
        .where(Reminder.id.in_(due.scalar_subquery()))  # type: ignore[union-attr]
        .values(
            status="claimed",
            claimed_at=now,
            lease_until=now + lease,
            attempts=Reminder.attempts + 1,
        )
        .returning(Reminder)
        .execution_options(synchronize_session=False)
    )
    rows = sorted(claimed.scalars().all(), key=lambda row: (row.due_at, row.id))
    await session.commit()
    if released.rowcount:
        log.warning("reminders: %d claims of a stopped worker returned", released.rowcount)
    return rows


async def reminded_on(
    session: AsyncSession, *, pairs: Iterable[tuple[int, int | None]], since: datetime
) -> list[tuple[int, int | None, datetime]]:
    """(user, call, sent_at) of reminders sent since `since` for these (user, call) pairs."""
    pairs = list(set(pairs))
    if not pairs:
        return []
    rows = []
    for start in range(0, len(pairs), INSERT_BATCH):
        chunk = pairs[start : start + INSERT_BATCH]
        query = select(
            _reminders.c.user_id, _reminders.c.competition_id, _reminders.c.sent_at
        ).where(
            _reminders.c.status == "sent",
            _reminders.c.sent_at >= since,
            or_(
                *(
                    and_(_reminders.c.user_id == u, _reminders.c.competition_id == c)
                    for u, c in chunk
                )
            ),
        )
        rows += (await session.exec(query)).all()
    return [tuple(row) for row in rows]


@dataclass(frozen=True)
class Outcome:
    reminder_id: int
    token: int  # the attempts value of the claim
    status: str  # sent, missed, cancelled, pending
    note: str
    due_at: datetime | None = None  # pending: postponed to


async def settle(session: AsyncSession, *, outcome: Outcome, now: datetime) -> bool:
    """Record one outcome if the row is still claimed by this claim (its lease may have run out
    and another worker may have taken it). True if recorded. Does not commit."""
    values: dict[str, Any] = {
        "status": outcome.status,
        "note": outcome.note,
        "lease_until": None,
        "updated_at": now,
    }
    if outcome.status == "sent":
        values["sent_at"] = now
    if outcome.status == "pending":
        values["due_at"] = outcome.due_at
        values["claimed_at"] = None
    result = await session.exec(
        update(_reminders)
        .where(
            _reminders.c.id == outcome.reminder_id,
            _reminders.c.status == "claimed",
            _reminders.c.attempts == outcome.token,
        )
        .values(**values)
    )
    return result.rowcount == 1


async def settle_many(
    session: AsyncSession, *, outcomes: Sequence[Outcome], now: datetime
) -> set[int]:
    """Record many outcomes at once, each only if its row is still claimed by that claim (id and
    token match): one UPDATE per kind of outcome, not one per row. Returns the ids recorded.
    Does not commit."""
    groups: dict[tuple[str, str, datetime | None], list[Outcome]] = {}
    for outcome in outcomes:
        groups.setdefault((outcome.status, outcome.note, outcome.due_at), []).append(outcome)
    recorded: set[int] = set()
    for (status, note, due_at), items in groups.items():
        values: dict[str, Any] = {
            "status": status,
            "note": note,
            "lease_until": None,
            "updated_at": now,
        }
        if status == "sent":
            values["sent_at"] = now
        if status == "pending":
            values["due_at"] = due_at
            values["claimed_at"] = None
        for start in range(0, len(items), INSERT_BATCH):
            chunk = items[start : start + INSERT_BATCH]
            result = await session.exec(
                update(_reminders)
                .where(
                    _reminders.c.status == "claimed",
                    tuple_(_reminders.c.id, _reminders.c.attempts).in_(
                        [(item.reminder_id, item.token) for item in chunk]
                    ),
                )
                .values(**values)
                .returning(_reminders.c.id)
            )
            recorded.update(result.scalars().all())
    return recorded


async def counts(session: AsyncSession) -> dict[str, int]:
    from sqlalchemy import func

    query = select(_reminders.c.status, func.count()).group_by(_reminders.c.status)
    found = dict.fromkeys(STATUSES, 0)
    found.update(dict((await session.exec(query)).all()))
    return found


async def upcoming_for(session: AsyncSession, *, user_id: int, now: datetime) -> list[Reminder]:
    query = (
        select(Reminder)
        .where(Reminder.user_id == user_id, Reminder.status == "pending", Reminder.due_at > now)
        .order_by(Reminder.due_at)
    )
    return list((await session.exec(query)).all())
