"""Queries on reports: an organization's reports, a report its member may open, a call's
reports for staff, and a report's files. Nothing here commits unless it says so."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    Award,
    Competition,
    Member,
    Organization,
    ReportDue,
    ReportFile,
    StaffRole,
    User,
)


@dataclass(frozen=True)
class ReportLine:
    """A report with its award, call and organization."""

    report: ReportDue
    award: Award
    call: Competition
    organization: Organization


def _lines(query) -> object:
    return (
        query.join(Award, Award.id == ReportDue.award_id)
        .join(Competition, Competition.id == Award.competition_id)
        .join(Organization, Organization.id == Award.organization_id)
    )


async def reports_of_organization(
    session: AsyncSession, *, organization_id: int
) -> list[ReportLine]:
    """Every report the organization owes or filed, by due date."""
    query = _lines(select(ReportDue, Award, Competition, Organization)).where(
        Award.organization_id == organization_id
    )
    rows = await session.exec(query.order_by(ReportDue.due_at, ReportDue.id))
    return [ReportLine(*row) for row in rows.all()]


async def own_report(session: AsyncSession, *, report_id: int, user_id: int) -> ReportLine | None:
    """The report if its award is the organization of which `user_id` is a member, else None:
    the ownership check on every step of filing."""
    query = (
        _lines(select(ReportDue, Award, Competition, Organization))
        .join(Member, Member.organization_id == Award.organization_id)
        .where(ReportDue.id == report_id, Member.user_id == user_id)
    )
    row = (await session.exec(query)).first()
    return ReportLine(*row) if row is not None else None


async def report_line(session: AsyncSession, *, report_id: int) -> ReportLine | None:
    """The report with its award, call and organization (for staff, who check the call's
    municipality themselves)."""
    query = _lines(select(ReportDue, Award, Competition, Organization)).where(
        ReportDue.id == report_id
    )
    row = (await session.exec(query)).first()
    return ReportLine(*row) if row is not None else None


async def reports_of_call(session: AsyncSession, *, competition_id: int) -> list[ReportLine]:
    query = _lines(select(ReportDue, Award, Competition, Organization)).where(
        ReportDue.competition_id == competition_id
    )
    rows = await session.exec(query.order_by(Organization.name, ReportDue.number))
    return [ReportLine(*row) for row in rows.all()]


async def spent_elsewhere(session: AsyncSession, *, award_id: int, report_id: int) -> int:
    """The money the award's other reports declare spent."""
    query = select(func.coalesce(func.sum(ReportDue.spent), 0)).where(
        ReportDue.award_id == award_id, ReportDue.id != report_id
    )
    return int((await session.exec(query)).one())


async def files_of(
    session: AsyncSession, *, report_id: int, revision: int | None = None
) -> list[ReportFile]:
    query = select(ReportFile).where(ReportFile.report_due_id == report_id)
    if revision is not None:
        query = query.where(ReportFile.revision == revision)
    rows = await session.exec(query.order_by(ReportFile.revision, ReportFile.position))
    return list(rows.all())


async def add_file(session: AsyncSession, *, file: ReportFile) -> ReportFile:
    """Attach a file at the end of its filing's list. Commits."""
    last = await session.exec(
        select(func.max(ReportFile.position)).where(
            ReportFile.report_due_id == file.report_due_id, ReportFile.revision == file.revision
        )
    )
    file.position = (last.one() or 0) + 1
    session.add(file)
    await session.commit()
    await session.refresh(file)
    return file


async def locate_photos(
    session: AsyncSession, *, report_id: int, revision: int, latitude: float, longitude: float
) -> int:
    """Give the filing's photos that have no location yet this one. Commits."""
    photos = await session.exec(
        select(ReportFile).where(
            ReportFile.report_due_id == report_id,
            ReportFile.revision == revision,
            ReportFile.category == "photo",
            ReportFile.latitude.is_(None),
        )
    )
    found = list(photos.all())
    for photo in found:
        photo.latitude, photo.longitude = latitude, longitude
        session.add(photo)
    await session.commit()
    return len(found)


async def staff_of_municipality(session: AsyncSession, *, municipality_id: int) -> list[User]:
    """The municipality's staff and admins who can still be written to."""
    query = (
        select(User)
        .join(StaffRole, StaffRole.user_id == User.id)
        .where(
            StaffRole.municipality_id == municipality_id,
            StaffRole.role.in_(("municipal_admin", "staff")),
            User.is_active.is_(True),
        )
        .distinct()
        .order_by(User.id)
    )
    return list((await session.exec(query)).all())


async def decided_calls(session: AsyncSession, *, municipality_ids: Iterable[int]) -> list:
    """Calls with awards in these municipalities, newest first."""
    ids = list(municipality_ids)
    if not ids:
        return []
    query = (
        select(Competition)
        .where(
            Competition.municipality_id.in_(ids),
            Competition.id.in_(select(Award.competition_id)),
        )
        .order_by(Competition.id.desc())
    )
    return list((await session.exec(query)).all())
