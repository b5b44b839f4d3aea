"""Figures for the monitoring overview: per municipality and per call. Read-only, grouped
queries (one per figure, not one per row), so the overview stays cheap with many calls."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    Admissibility,
    Award,
    Broadcast,
    Competition,
    DigestPreference,
    OutboxMessage,
    ReportDue,
    Submission,
    Subscription,
    User,
)

# Submissions that reached the municipality (not drafts, not withdrawn).
FILED = ("submitted", "under_review", "shortlisted", "awarded", "rejected", "admitted")
# Report statuses (bot/rules/reporting.py): owed by the NCO (due, or sent back for changes),
# filed and awaiting the staff's review, accepted. Owed after the due moment is overdue.
REPORT_OWED = ("due", "changes_requested")


@dataclass
class Delivery:
    sent: int = 0
    blocked: int = 0
    failed: int = 0
    waiting: int = 0


@dataclass
class Reports:
    due: int = 0  # owed, due moment still ahead
    overdue: int = 0  # owed, due moment passed
    filed: int = 0  # awaiting the staff's review
    accepted: int = 0

    @property
    def total(self) -> int:
        return self.due + self.overdue + self.filed + self.accepted


@dataclass
class PlaceFigures:
    municipality_id: int
    subscribers: int = 0
    calls_open: int = 0
    calls_total: int = 0
    budget_open: int = 0
    budget_total: int = 0  # of every call that is not a draft or cancelled
    submissions: int = 0
    admitted: int = 0
    awards: int = 0
    awarded: int = 0  # soms
    delivery: Delivery = field(default_factory=Delivery)
    reports: Reports = field(default_factory=Reports)


@dataclass
class CallFigures:
    competition_id: int
    municipality_id: int
    title: dict
    status: str
    deadline_at: datetime | None
    budget_total: int | None
    submissions: int = 0
    drafts: int = 0
    admitted: int = 0
    awards: int = 0
    awarded: int = 0
    delivery: Delivery = field(default_factory=Delivery)
    reports: Reports = field(default_factory=Reports)


def _is_open(now: datetime):
    return (Competition.status == "published") & (Competition.deadline_at > now)


def _report_columns(now: datetime) -> tuple:
    """SUMs of report states, one grouped query (the states as in bot/rules/reporting.py)."""
    owed = ReportDue.status.in_(REPORT_OWED)

    def count(condition) -> object:
        return func.sum(case((condition, 1), else_=0))

    return (
        count(and_(owed, ReportDue.due_at >= now)),
        count(and_(owed, ReportDue.due_at < now)),
        count(ReportDue.status == "filed"),
        count(ReportDue.status == "accepted"),
    )


def _reports(due, overdue, filed, accepted) -> Reports:
    return Reports(*(int(value or 0) for value in (due, overdue, filed, accepted)))


async def place_figures(
    session: AsyncSession, *, municipality_ids: list[int], now: datetime
) -> dict[int, PlaceFigures]:
    figures = {place: PlaceFigures(place) for place in municipality_ids}
    if not figures:
        return figures
    ids = list(figures)
    subscribers = (
        select(Subscription.municipality_id, func.count(func.distinct(Subscription.user_id)))
        .join(User, User.id == Subscription.user_id)
        .where(Subscription.municipality_id.in_(ids), User.is_active.is_(True))
        .group_by(Subscription.municipality_id)
    )
    for place, count in (await session.exec(subscribers)).all():
        figures[place].subscribers = count
    is_open = _is_open(now)
    calls = (
        select(
            Competition.municipality_id,
            func.count(),
            func.sum(case((is_open, 1), else_=0)),
            func.sum(case((is_open, Competition.budget_total), else_=0)),
            func.sum(case((Competition.status != "cancelled", Competition.budget_total), else_=0)),
        )
        .where(Competition.municipality_id.in_(ids), Competition.status != "draft")
        .group_by(Competition.municipality_id)
    )
    for place, total, open_count, budget, budget_total in (await session.exec(calls)).all():
        figures[place].calls_total = total
        figures[place].calls_open = int(open_count or 0)
        figures[place].budget_open = int(budget or 0)
        figures[place].budget_total = int(budget_total or 0)
    filed = (
        select(Competition.municipality_id, func.count())
        .join(Submission, Submission.competition_id == Competition.id)
        .where(Competition.municipality_id.in_(ids), Submission.status.in_(FILED))
        .group_by(Competition.municipality_id)
    )
    for place, count in (await session.exec(filed)).all():
        figures[place].submissions = count
    admitted = (
        select(Competition.municipality_id, func.count())
        .join(Submission, Submission.competition_id == Competition.id)
        .join(Admissibility, Admissibility.submission_id == Submission.id)
        .where(Competition.municipality_id.in_(ids), Admissibility.admitted.is_(True))
        .group_by(Competition.municipality_id)
    )
    for place, count in (await session.exec(admitted)).all():
        figures[place].admitted = count
    awarded = (
        select(Competition.municipality_id, func.count(), func.sum(Award.amount))
        .join(Award, Award.competition_id == Competition.id)
        .where(Competition.municipality_id.in_(ids))
        .group_by(Competition.municipality_id)
    )
    for place, count, amount in (await session.exec(awarded)).all():
        figures[place].awards, figures[place].awarded = count, int(amount or 0)
    delivery = (
        select(Broadcast.municipality_id, OutboxMessage.status, func.count())
        .join(OutboxMessage, OutboxMessage.broadcast_id == Broadcast.id)
        .where(Broadcast.municipality_id.in_(ids))
        .group_by(Broadcast.municipality_id, OutboxMessage.status)
    )
    for place, status, count in (await session.exec(delivery)).all():
        _count_delivery(figures[place].delivery, status, count)
    reports = (
        select(Competition.municipality_id, *_report_columns(now))
        .join(ReportDue, ReportDue.competition_id == Competition.id)
        .where(Competition.municipality_id.in_(ids))
        .group_by(Competition.municipality_id)
    )
    for place, *states in (await session.exec(reports)).all():
        figures[place].reports = _reports(*states)
    return figures


def _count_delivery(delivery: Delivery, status: str, count: int) -> None:
    if status in ("sent", "blocked", "failed"):
        setattr(delivery, status, getattr(delivery, status) + count)
    else:
        delivery.waiting += count


async def call_figures(
    session: AsyncSession,
    *,
    municipality_id: int,
    now: datetime,
    competition_id: int | None = None,
) -> list[CallFigures]:
    """Every call of the municipality that is not a draft (or just one), newest first."""
    query = select(Competition).where(
        Competition.municipality_id == municipality_id, Competition.status != "draft"
    )
    if competition_id is not None:
        query = query.where(Competition.id == competition_id)
    calls = (await session.exec(query.order_by(Competition.id.desc()))).all()
    figures = {
        call.id: CallFigures(
            call.id,
            call.municipality_id,
            call.title,
            call.status,
            call.deadline_at,
            call.budget_total,
        )
        for call in calls
    }
    if not figures:
        return []
    ids = list(figures)
    submissions = (
        select(Submission.competition_id, Submission.status, func.count())
        .where(Submission.competition_id.in_(ids))
        .group_by(Submission.competition_id, Submission.status)
    )
    for call, status, count in (await session.exec(submissions)).all():
        if status in FILED:
            figures[call].submissions += count
        elif status in ("draft", "withdrawn"):
            figures[call].drafts += count
    admitted = (
        select(Submission.competition_id, func.count())
        .join(Admissibility, Admissibility.submission_id == Submission.id)
        .where(Submission.competition_id.in_(ids), Admissibility.admitted.is_(True))
        .group_by(Submission.competition_id)
    )
    for call, count in (await session.exec(admitted)).all():
        figures[call].admitted = count
    awarded = (
        select(Award.competition_id, func.count(), func.sum(Award.amount))
        .where(Award.competition_id.in_(ids))
        .group_by(Award.competition_id)
    )
    for call, count, amount in (await session.exec(awarded)).all():
        figures[call].awards, figures[call].awarded = count, int(amount or 0)
    delivery = (
        select(Broadcast.competition_id, OutboxMessage.status, func.count())
        .join(OutboxMessage, OutboxMessage.broadcast_id == Broadcast.id)
        .where(Broadcast.competition_id.in_(ids))
        .group_by(Broadcast.competition_id, OutboxMessage.status)
    )
    for call, status, count in (await session.exec(delivery)).all():
        _count_delivery(figures[call].delivery, status, count)
    reports = (
        select(ReportDue.competition_id, *_report_columns(now))
        .where(ReportDue.competition_id.in_(ids))
        .group_by(ReportDue.competition_id)
    )
    for call, *states in (await session.exec(reports)).all():
        figures[call].reports = _reports(*states)
    return list(figures.values())


async def digest_preference(session: AsyncSession, *, user_id: int) -> DigestPreference | None:
    query = select(DigestPreference).where(DigestPreference.user_id == user_id)
    return (await session.exec(query)).first()


async def set_digest(
    session: AsyncSession, *, user_id: int, weekday: int | None, hour: int | None
) -> DigestPreference:
    """Choose the digest's day and hour (weekday None: no digest). Commits."""
    row = await digest_preference(session, user_id=user_id)
    if row is None:
        row = DigestPreference(user_id=user_id)
    row.weekday, row.hour = weekday, hour
    session.add(row)
    await session.commit()
    await session.refresh(row)
    return row


async def digest_preferences(session: AsyncSession) -> list[tuple[DigestPreference, User]]:
    query = (
        select(DigestPreference, User)
        .join(User, User.id == DigestPreference.user_id)
        .where(DigestPreference.weekday.is_not(None), User.is_active.is_(True))
    )
    return [(pref, user) for pref, user in (await session.exec(query)).all()]
