"""Queries for selection: admissibility, commission assignments, reviews, outcomes, awards."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    Admissibility,
    Award,
    CommissionAssignment,
    Competition,
    Member,
    Organization,
    Outcome,
    Review,
    StaffRole,
    Submission,
    SubmissionDocument,
    User,
)


async def submitted_of(session: AsyncSession, *, competition_id: int) -> list[Submission]:
    """The call's submitted applications (not drafts, not withdrawn), by reference."""
    query = (
        select(Submission)
        .where(Submission.competition_id == competition_id, Submission.status == "submitted")
        .order_by(Submission.reference, Submission.id)
    )
    return list((await session.exec(query)).all())


async def organizations_by_id(session: AsyncSession, ids: set[int]) -> dict[int, Organization]:
    if not ids:
        return {}
    rows = (await session.exec(select(Organization).where(Organization.id.in_(ids)))).all()
    return {row.id: row for row in rows}


async def uploaded_counts_of(
    session: AsyncSession, *, submission_ids: list[int]
) -> dict[int, dict[str, int]]:
    """{submission id: {requirement: number of files}} for many submissions in one query."""
    result: dict[int, dict[str, int]] = {sid: {} for sid in submission_ids}
    if not submission_ids:
        return result
    query = (
        select(SubmissionDocument.submission_id, SubmissionDocument.requirement, func.count())
        .where(SubmissionDocument.submission_id.in_(submission_ids))
        .group_by(SubmissionDocument.submission_id, SubmissionDocument.requirement)
    )
    for submission_id, requirement, count in (await session.exec(query)).all():
        result[submission_id][requirement] = count
    return result


async def documents_of_many(
    session: AsyncSession, *, submission_ids: list[int]
) -> dict[int, list[SubmissionDocument]]:
    result: dict[int, list[SubmissionDocument]] = {sid: [] for sid in submission_ids}
    if not submission_ids:
        return result
    query = (
        select(SubmissionDocument)
        .where(SubmissionDocument.submission_id.in_(submission_ids))
        .order_by(
            SubmissionDocument.submission_id,
            SubmissionDocument.requirement,
            SubmissionDocument.position,
        )
    )
    for document in (await session.exec(query)).all():
        result[document.submission_id].append(document)
    return result


async def admissibility_of(
    session: AsyncSession, *, submission_ids: list[int]
) -> dict[int, Admissibility]:
    if not submission_ids:
        return {}
    query = select(Admissibility).where(Admissibility.submission_id.in_(submission_ids))
    return {row.submission_id: row for row in (await session.exec(query)).all()}


async def admitted_of(session: AsyncSession, *, competition_id: int) -> list[Submission]:
    query = (
        select(Submission)
        .join(Admissibility, Admissibility.submission_id == Submission.id)
        .where(
            Submission.competition_id == competition_id,
            Submission.status == "submitted",
            Admissibility.admitted.is_(True),
        )
        .order_by(Submission.reference, Submission.id)
    )
    return list((await session.exec(query)).all())


async def people_of_organization(session: AsyncSession, *, organization_id: int) -> list[User]:
    """The organization's members who can still be written to."""
    query = (
        select(User)
        .join(Member, Member.user_id == User.id)
        .where(Member.organization_id == organization_id, User.is_active.is_(True))
        .order_by(User.id)
    )
    return list((await session.exec(query)).all())


async def commission_of_municipality(session: AsyncSession, *, municipality_id: int) -> list[User]:
    """Users holding the commission role in the municipality."""
    query = (
        select(User)
        .join(StaffRole, StaffRole.user_id == User.id)
        .where(StaffRole.municipality_id == municipality_id, StaffRole.role == "commission")
        .order_by(User.id)
    )
    return list((await session.exec(query)).all())


async def assignments_of(
    session: AsyncSession, *, competition_id: int
) -> list[CommissionAssignment]:
    query = (
        select(CommissionAssignment)
        .where(CommissionAssignment.competition_id == competition_id)
        .order_by(CommissionAssignment.id)
    )
    return list((await session.exec(query)).all())


async def assignment_for(
    session: AsyncSession, *, competition_id: int, user_id: int
) -> CommissionAssignment | None:
    query = select(CommissionAssignment).where(
        CommissionAssignment.competition_id == competition_id,
        CommissionAssignment.user_id == user_id,
    )
    return (await session.exec(query)).first()


async def calls_assigned_to(session: AsyncSession, *, user_id: int) -> list[Competition]:
    query = (
        select(Competition)
        .join(CommissionAssignment, CommissionAssignment.competition_id == Competition.id)
        .where(CommissionAssignment.user_id == user_id)
        .order_by(Competition.id.desc())
    )
    return list((await session.exec(query)).all())


async def assignments_of_users(
    session: AsyncSession, *, user_ids: Iterable[int], statuses: Iterable[str]
) -> list[tuple[Competition, int]]:
    """(call, member's user id) for every assignment of these users to a call in `statuses`."""
    query = (
        select(Competition, CommissionAssignment.user_id)
        .join(CommissionAssignment, CommissionAssignment.competition_id == Competition.id)
        .where(
            CommissionAssignment.user_id.in_(list(user_ids)),
            Competition.status.in_(list(statuses)),
        )
        .order_by(Competition.id, CommissionAssignment.user_id)
    )
    return [tuple(row) for row in (await session.exec(query)).all()]  # type: ignore[misc]


async def reviews_of(session: AsyncSession, *, competition_id: int) -> list[Review]:
    query = select(Review).where(Review.competition_id == competition_id).order_by(Review.id)
    return list((await session.exec(query)).all())


async def review_for(
    session: AsyncSession, *, submission_id: int, member_user_id: int
) -> Review | None:
    query = select(Review).where(
        Review.submission_id == submission_id, Review.member_user_id == member_user_id
    )
    return (await session.exec(query)).first()


async def outcomes_of(session: AsyncSession, *, competition_id: int) -> dict[int, Outcome]:
    query = select(Outcome).where(Outcome.competition_id == competition_id)
    return {row.submission_id: row for row in (await session.exec(query)).all()}


async def awards_of(session: AsyncSession, *, competition_id: int) -> list[Award]:
    query = select(Award).where(Award.competition_id == competition_id).order_by(Award.id)
    return list((await session.exec(query)).all())
