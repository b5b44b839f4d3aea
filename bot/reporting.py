"""Reporting after an award: the report-due rows an award's schedule creates, and (below) the
steps of the reporting cycle. Each step checks the state it needs, changes the rows, writes its
audit event and queues its messages (through the outbox) in one transaction.

Access (who may take a step at all) is checked by the handlers on the record's municipality or
organization; what is checked here is what the data allows. Refusals are `Invalid` with a
translation key. The rules themselves are in bot/rules/reporting.py."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.rules import reporting as rules
from storage.models import Award, ReportDue


def reports_for(award: Award, zone: ZoneInfo, *, now: datetime) -> list[ReportDue]:
    """The report-due rows of an award (not yet added to a session)."""
    return [
        ReportDue(
            award_id=award.id,
            competition_id=award.competition_id,
            number=slot.number,
            kind=slot.kind,
            period_start=slot.period_start,
            period_end=slot.period_end,
            due_at=rules.due_moment(slot.due_on, zone),
            status=rules.DUE,
            created_at=now,
            updated_at=now,
        )
        for slot in rules.schedule(
            award.reporting, start=award.contract_start, end=award.contract_end
        )
    ]


async def create_reports(
    session: AsyncSession, *, award: Award, zone: ZoneInfo, now: datetime
) -> list[ReportDue]:
    """Add the award's report-due rows to the caller's transaction (the award's own, so an award
    never exists without its schedule). The award must have its id (flushed). Does not commit."""
    rows = reports_for(award, zone, now=now)
    session.add_all(rows)
    await session.flush()
    return rows
