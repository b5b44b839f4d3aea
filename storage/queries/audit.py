"""The audit log: every decision step writes one row here, in the transaction of the change it
records, so the log and the data never disagree. Rows are only ever added."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import AuditEvent
from storage.types import utcnow


def record(
    session: AsyncSession,
    *,
    action: str,
    actor_user_id: int | None,
    municipality_id: int | None,
    competition_id: int | None = None,
    subject: str | None = None,
    details: dict | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Add one audit event to the session (the caller commits with its change).

    `action` names the step ("selection.admit", "commission.assign", "decision.publish", ...);
    `subject` what it acted on ("submission:12", "user:7"); `details` its values (JSON)."""
    event = AuditEvent(
        at=at or utcnow(),
        actor_user_id=actor_user_id,
        municipality_id=municipality_id,
        competition_id=competition_id,
        action=action,
        subject=subject,
        details=dict(details or {}),
    )
    session.add(event)
    return event


async def events_of(
    session: AsyncSession,
    *,
    municipality_id: int | None = None,
    competition_id: int | None = None,
    action: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[AuditEvent]:
    """Events, oldest first, optionally of one municipality, call or action; a page of them
    with `offset` and `limit`."""
    query = select(AuditEvent)
    if municipality_id is not None:
        query = query.where(AuditEvent.municipality_id == municipality_id)
    if competition_id is not None:
        query = query.where(AuditEvent.competition_id == competition_id)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    query = query.order_by(AuditEvent.at, AuditEvent.id)
    if offset:
        query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list((await session.exec(query)).all())
