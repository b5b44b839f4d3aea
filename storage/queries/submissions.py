"""Queries on submissions (applications) and their documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Text, and_, bindparam, cast, literal
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import delete, func, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    Competition,
    Dialogue,
    Member,
    Organization,
    ReceiptCounter,
    Submission,
    SubmissionDocument,
    User,
)
from storage.types import utcnow


class StaleRevision(Exception):
    """Someone else saved this submission since it was read: nothing was written."""


# Statements of the busiest updates (an answer, a button of an application), built once:
# building a statement (and its cache key) per call cost SQLAlchemy as much as running it
# (docs/benchmarks.md, "Deadline rush").
_OWN_SUBMISSION_AND_CALL_VERSION = (
    select(Submission, Competition.updated_at)
    .join(Member, Member.organization_id == Submission.organization_id)
    .join(Competition, Competition.id == Submission.competition_id)
    .where(Submission.id == bindparam("submission_id"), Member.user_id == bindparam("user_id"))
)
_USER_DIALOGUE_AND_OWN_SUBMISSION = (
    select(User, Dialogue, Submission, Competition.updated_at)
    .select_from(User)
    .outerjoin(Dialogue, Dialogue.user_id == User.id)
    .outerjoin(Member, Member.user_id == User.id)  # at most one: members.user_id is unique
    .outerjoin(
        Submission,
        and_(
            Submission.id == bindparam("submission_id"),
            Submission.organization_id == Member.organization_id,
        ),
    )
    .outerjoin(Competition, Competition.id == Submission.competition_id)
    .where(User.telegram_id == bindparam("telegram_id"))
)
_ORGANIZATION_AND_SUBMISSION = (
    select(Organization, Submission)
    .select_from(Member)
    .join(Organization, Organization.id == Member.organization_id)
    .outerjoin(
        Submission,
        and_(
            Submission.organization_id == Organization.id,
            Submission.competition_id == bindparam("competition_id"),
        ),
    )
    .where(Member.user_id == bindparam("user_id"))
)
_UPLOADED_COUNTS = (
    select(SubmissionDocument.requirement, func.count())
    .where(SubmissionDocument.submission_id == bindparam("submission_id"))
    .group_by(SubmissionDocument.requirement)
)
_SAVES: dict[frozenset[str], object] = {}  # save_submission's UPDATE, per set of columns


def _save_statement(columns: frozenset[str]):
    statement = _SAVES.get(columns)
    if statement is None:
        statement = _SAVES[columns] = (
            update(Submission)
            .where(Submission.id == bindparam("for_id"), Submission.revision == bindparam("read"))
            .values(
                **{name: bindparam(f"new_{name}") for name in columns},
                revision=bindparam("new_revision"),
                updated_at=bindparam("now"),
            )
            .returning(Submission)
            # The row as saved, also into a copy the session already holds: no SELECT afterwards.
            .execution_options(populate_existing=True)
        )
    return statement


async def submission_for(
    session: AsyncSession, *, competition_id: int, organization_id: int
) -> Submission | None:
    query = select(Submission).where(
        Submission.competition_id == competition_id,
        Submission.organization_id == organization_id,
    )
    return (await session.exec(query)).first()


async def submissions_of_organization(
    session: AsyncSession, *, organization_id: int
) -> dict[int, Submission]:
    """The organization's applications, by call id (a call has at most one per organization)."""
    query = select(Submission).where(Submission.organization_id == organization_id)
    return {row.competition_id: row for row in (await session.exec(query)).all()}


async def own_submission(
    session: AsyncSession, *, submission_id: int, user_id: int
) -> Submission | None:
    """The submission if it belongs to an organization the user is a member of, else None
    (unknown, or another NCO's: a forged or stale button)."""
    query = (
        select(Submission)
        .join(Member, Member.organization_id == Submission.organization_id)
        .where(Submission.id == submission_id, Member.user_id == user_id)
    )
    return (await session.exec(query)).first()


async def own_submission_and_call_version(
    session: AsyncSession, *, submission_id: int, user_id: int
) -> tuple[Submission, datetime] | None:
    """`own_submission`, with its call's `updated_at` from the same statement (the version
    storage/call_cache.py keeps calls by)."""
    result = await session.exec(
        _OWN_SUBMISSION_AND_CALL_VERSION,
        params={"submission_id": submission_id, "user_id": user_id},
    )
    row = result.first()
    return (row[0], row[1]) if row is not None else None


async def user_dialogue_and_own_submission(
    session: AsyncSession, *, telegram_id: int, submission_id: int | None
) -> tuple[User | None, Dialogue | None, tuple[Submission, datetime] | None]:
    """`user_and_dialogue` and `own_submission_and_call_version` in one statement (a button of
    an application names its submission): the user (None if unknown), the open dialogue, and
    the submission with its call's `updated_at` if it is the user's organization's."""
    result = await session.exec(
        _USER_DIALOGUE_AND_OWN_SUBMISSION,
        params={"telegram_id": telegram_id, "submission_id": submission_id},
    )
    row = result.first()
    if row is None:
        return None, None, None
    user, dialogue, submission, call_version = row
    return user, dialogue, (submission, call_version) if submission is not None else None


async def organization_and_submission(
    session: AsyncSession, *, user_id: int, competition_id: int
) -> tuple[Organization | None, Submission | None]:
    """The user's organization and its application to the call (either may be None), in one
    statement."""
    result = await session.exec(
        _ORGANIZATION_AND_SUBMISSION, params={"user_id": user_id, "competition_id": competition_id}
    )
    row = result.first()
    return (row[0], row[1]) if row is not None else (None, None)


async def start_submission(
    session: AsyncSession, *, competition_id: int, organization_id: int, user_id: int
) -> Submission:
    """The organization's application to the call, created as a draft on first use. Commits."""
    existing = await submission_for(
        session, competition_id=competition_id, organization_id=organization_id
    )
    if existing is not None:
        return existing
    return await create_draft(
        session, competition_id=competition_id, organization_id=organization_id, user_id=user_id
    )


async def create_draft(
    session: AsyncSession, *, competition_id: int, organization_id: int, user_id: int
) -> Submission:
    """A new draft, for a caller that has just seen there is none. If another member created
    one in the meantime, that one (an organization has one application per call). Commits."""
    insert = sqlite_insert if session.bind.dialect.name == "sqlite" else postgresql_insert
    now = utcnow()
    statement = (
        insert(Submission)
        .values(
            competition_id=competition_id,
            organization_id=organization_id,
            created_by_user_id=user_id,
            status="draft",
            eligibility={},
            answers={},
            revision=1,
            reminders_stale=True,  # a draft now: its reminders differ (bot/reminders.py)
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["competition_id", "organization_id"])
        .returning(Submission)
    )
    created = (await session.exec(statement)).first()
    await session.commit()
    if created is not None:
        return created[0]
    return await submission_for(
        session, competition_id=competition_id, organization_id=organization_id
    )


async def save_submission(
    session: AsyncSession, *, submission_id: int, revision: int, values: dict, commit: bool = True
) -> Submission:
    """Write `values` only if nobody saved since `revision` was read; raises StaleRevision.
    Commits, unless `commit` is False: then the caller commits (with the dialogue's next step,
    in one transaction)."""
    result = await session.exec(
        _save_statement(frozenset(values)),
        params={
            **{f"new_{name}": value for name, value in values.items()},
            "for_id": submission_id,
            "read": revision,
            "new_revision": revision + 1,
            "now": utcnow(),
        },
    )
    saved = result.first()
    if saved is None:
        # Nothing was written. End the transaction (SQLite holds its write lock from the UPDATE
        # on) by a commit, not a rollback, which would expire every row loaded in the update's
        # session (storage/db.py).
        await session.commit()
        raise StaleRevision
    if commit:
        await session.commit()
    return saved[0]


async def documents_of(session: AsyncSession, *, submission_id: int) -> list[SubmissionDocument]:
    query = (
        select(SubmissionDocument)
        .where(SubmissionDocument.submission_id == submission_id)
        .order_by(SubmissionDocument.requirement, SubmissionDocument.position)
    )
    return list((await session.exec(query)).all())


async def uploaded_counts(session: AsyncSession, *, submission_id: int) -> dict[str, int]:
    result = await session.exec(_UPLOADED_COUNTS, params={"submission_id": submission_id})
    return dict(result.all())


async def add_document(
    session: AsyncSession, *, document: SubmissionDocument
) -> SubmissionDocument:
    """Attach a file after the others of its requirement. Commits."""
    query = select(func.max(SubmissionDocument.position)).where(
        SubmissionDocument.submission_id == document.submission_id,
        SubmissionDocument.requirement == document.requirement,
    )
    document.position = ((await session.exec(query)).one() or 0) + 1
    session.add(document)
    await session.commit()  # every column is set here (the id by the INSERT): no refresh
    return document


async def remove_documents(session: AsyncSession, *, submission_id: int, requirement: str) -> int:
    result = await session.exec(
        delete(SubmissionDocument).where(
            SubmissionDocument.submission_id == submission_id,
            SubmissionDocument.requirement == requirement,
        )
    )
    await session.commit()
    return result.rowcount


async def withdraw(session: AsyncSession, *, submission: Submission, now: datetime) -> bool:
    result = await session.exec(
        update(Submission)
        .where(Submission.id == submission.id, Submission.status == "submitted")
        .values(
            status="withdrawn",
            withdrawn_at=now,
            revision=Submission.revision + 1,
            updated_at=now,
            reminders_stale=True,
        )
    )
    await session.commit()
    return result.rowcount == 1


async def next_reference_number(session: AsyncSession, *, prefix: str) -> int:
    """Take the next receipt number for `prefix`, atomically, in the session's transaction.

    One statement increments the prefix's counter row and returns the new value; the row stays
    locked (PostgreSQL) or the database stays reserved (SQLite's one writer) until the caller
    commits, so two NCOs submitting at the same moment get consecutive numbers. (Receipts given
    before the counters existed were counted by migration 0009.)"""
    insert = sqlite_insert if session.bind.dialect.name == "sqlite" else postgresql_insert
    counter = ReceiptCounter.__table__
    statement = (
        insert(counter)
        .values(prefix=prefix, last=1)
        .on_conflict_do_update(index_elements=[counter.c.prefix], set_={"last": counter.c.last + 1})
        .returning(counter.c.last)
    )
    return (await session.exec(statement)).scalar_one()


@dataclass(frozen=True)
class Submitted:
    """What a submission's receipt shows, as the submitting statements wrote it."""

    reference: str
    submitted_at: datetime


async def submit_with_reference(
    session: AsyncSession,
    *,
    submission: Submission,
    prefix: str,
    now: datetime,
    revision: int | None = None,
) -> Submitted | None:
    """Draft or withdrawn -> submitted, once, in one transaction. Commits.

    The first submission takes the next receipt number (`prefix` + 4 digits); a resubmission
    after withdrawing keeps its number. A second tap finds it submitted and changes nothing
    (no number is used up): None. With `revision`, only the application as read at that
    revision is submitted: if another member saved a change meanwhile, nothing happens either.
    The statements return what they wrote, so the receipt needs no further read."""
    condition = [Submission.id == submission.id, Submission.status.in_(("draft", "withdrawn"))]
    if revision is not None:
        condition.append(Submission.revision == revision)
    result = await session.exec(
        update(Submission)
        .where(*condition)
        .values(
            status="submitted",
            submitted_at=now,
            revision=Submission.revision + 1,
            updated_at=now,
            reminders_stale=True,
        )
        .returning(Submission.reference)
    )
    row = result.first()
    if row is None:
        await session.commit()
        return None
    reference = row.reference
    if reference is None:
        reference = await _take_reference(session, submission_id=submission.id, prefix=prefix)
    await session.commit()
    return Submitted(reference=reference, submitted_at=now)


async def _take_reference(session: AsyncSession, *, submission_id: int, prefix: str) -> str:
    """The next number for `prefix` onto the submission, as the last statement before the commit.

    From the counter's increment to the commit, the counter row is locked (PostgreSQL) and every
    other submission of the same municipality waits: at a deadline rush that wait was the
    queue (each statement's round trip also waits for the busy event loop). On PostgreSQL the
    increment and the reference are therefore one statement, so the lock is held only for the
    commit's round trip. (SQLite has one writer anyway, and its statements run at once.)"""
    if session.bind.dialect.name != "postgresql":
        number = await next_reference_number(session, prefix=prefix)
        reference = f"{prefix}{number:04d}"
        await session.exec(
            update(Submission).where(Submission.id == submission_id).values(reference=reference)
        )
        return reference
    counter = ReceiptCounter.__table__
    taken = (
        postgresql_insert(counter)
        .values(prefix=prefix, last=1)
        .on_conflict_do_update(index_elements=[counter.c.prefix], set_={"last": counter.c.last + 1})
        .returning(counter.c.last)
        .cte("taken")
    )
    digits = cast(taken.c.last, Text)
    # As f"{prefix}{number:04d}": at least four digits, more when the number needs them.
    width = func.greatest(4, func.length(digits))
    reference = literal(prefix, Text) + func.lpad(digits, width, "0")
    result = await session.exec(
        update(Submission)
        .where(Submission.id == submission_id)
        .values(reference=select(reference).scalar_subquery())
        .add_cte(taken)
        .returning(Submission.reference)
    )
    return result.one().reference


async def submissions_of_competition(
    session: AsyncSession, *, competition_id: int
) -> list[Submission]:
    query = (
        select(Submission)
        .where(Submission.competition_id == competition_id, Submission.status != "draft")
        .order_by(Submission.submitted_at)
    )
    return list((await session.exec(query)).all())
