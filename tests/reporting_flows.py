"""Setting the scene for reporting tests: a call decided through bot/selection.py (so its awards
and their report-due rows are made as in production), with staff and NCO leaders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import select

from bot import selection
from storage.db import Database
from storage.models import Award, Competition, ReportDue, Submission
from storage.types import utcnow
from tests.selection_flows import Applicant, applicant, closed_call, role

STAFF = 71_100


@dataclass
class Decided:
    call: Competition
    staff_user_id: int
    winners: list[Applicant]
    awards: list[Award]


async def decided_call(
    db: Database,
    *,
    reporting: dict | None = None,
    period: tuple[date, date] | None = None,
    winners: int = 1,
    languages: tuple[str, ...] = ("en", "ru"),
    slug: str = "karakol",
    first_telegram_id: int = 71_001,
    staff_telegram_id: int = STAFF,
    now: datetime | None = None,
) -> Decided:
    """A call whose decision is published with `winners` awards of 100,000 soms each."""
    now = now or utcnow()
    call = await closed_call(db, slug)
    async with db.session() as session:
        call = await session.get(Competition, call.id)
        call.reporting = reporting if reporting is not None else {"kind": "quarterly"}
        if period is not None:
            call.period_start, call.period_end = period
        session.add(call)
        await session.commit()
    people = [
        await applicant(
            db,
            call,
            telegram_id=first_telegram_id + index,
            language=languages[index % len(languages)],
            number=first_telegram_id + index,
            requested=100_000,
        )
        for index in range(winners)
    ]
    staff = await role(db, staff_telegram_id, slug, "staff")
    async with db.session() as session:
        call = await session.get(Competition, call.id)
        for person in people:
            await selection.decide_admissibility(
                session,
                call=call,
                submission=await session.get(Submission, person.submission_id),
                admitted=True,
                reason=None,
                by_user_id=staff,
                now=now,
                default_language="en",
            )
            await selection.record_outcome(
                session,
                call=call,
                submission_id=person.submission_id,
                outcome="winner",
                amount_text="100000",
                by_user_id=staff,
                now=now,
            )
        awards = await selection.publish_decision(
            session, call=call, by_user_id=staff, now=now, default_language="en"
        )
        call = await session.get(Competition, call.id)
    return Decided(call, staff, people, awards)


async def reports_of(db: Database, *, award_id: int | None = None) -> list[ReportDue]:
    async with db.session() as session:
        query = select(ReportDue).order_by(ReportDue.award_id, ReportDue.number)
        if award_id is not None:
            query = query.where(ReportDue.award_id == award_id)
        return list((await session.exec(query)).all())
