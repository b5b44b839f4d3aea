"""Receipt numbers from the counter (migration 0009) and one database session per update."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event
from sqlmodel import select

from bot.seed import DEFAULT_SEED_FILE, apply_seed, read_seed_file
from storage.db import Database
from storage.migrate import downgrade_database, head_revision, upgrade_database
from storage.models import Organization, ReceiptCounter, Submission, User
from storage.queries.submissions import (
    Submitted,
    create_draft,
    start_submission,
    submit_with_reference,
)
from storage.types import utcnow
from tests.flows import published_call

PREFIX = "KRK-2026-"


async def _organization(session, municipality_id: int, number: int) -> Organization:
    organization = Organization(
        name=f"PF {number}",
        legal_form="public_foundation",
        inn=f"0223456789{number:04d}",
        municipality_id=municipality_id,
        phone="+996700123456",
        description="We help women who need shelter and support.",
    )
    session.add(organization)
    await session.commit()
    return organization


async def _drafts(db: Database, call_id: int, municipality_id: int, count: int) -> list:
    drafts = []
    async with db.session() as session:
        for number in range(count):
            organization = await _organization(session, municipality_id, number)
            drafts.append(
                await start_submission(
                    session, competition_id=call_id, organization_id=organization.id, user_id=None
                )
            )
    return drafts


async def _submit(db: Database, submission: Submission) -> Submitted | None:
    async with db.session() as session:
        return await submit_with_reference(
            session, submission=submission, prefix=PREFIX, now=utcnow()
        )


async def test_numbers_continue_after_receipts_given_before_the_counters(
    database_url: str,
) -> None:
    db = Database(database_url)
    try:
        # The data is written with today's models, then the schema is taken back to 0008 (which
        # drops the counters): the state of a database whose receipts were given before 0009.
        assert await upgrade_database(db) == head_revision()
        async with db.session() as session:
            await apply_seed(session, read_seed_file(DEFAULT_SEED_FILE))
        call = await published_call(db, "karakol", "women", "Shelter")
        old, new = await _drafts(db, call.id, call.municipality_id, 2)
        async with db.session() as session:  # a receipt given by the bot before 0009
            old = await session.get(Submission, old.id)
            old.status, old.reference, old.submitted_at = "submitted", f"{PREFIX}0041", utcnow()
            session.add(old)
            await session.commit()
        assert await downgrade_database(db, "0008_monitoring") == "0008_monitoring"

        assert await upgrade_database(db) == head_revision()
        async with db.session() as session:
            counters = (await session.exec(select(ReceiptCounter))).all()
        assert [(c.prefix, c.last) for c in counters] == [(PREFIX, 41)]

        assert await _submit(db, new)
        async with db.session() as session:
            assert (await session.get(Submission, new.id)).reference == f"{PREFIX}0042"
    finally:
        await db.dispose()


@pytest.mark.bad_input
async def test_a_second_tap_on_submit_uses_up_no_number(seeded_database: Database) -> None:
    call = await published_call(seeded_database, "karakol", "women", "Shelter")
    first, second = await _drafts(seeded_database, call.id, call.municipality_id, 2)
    assert await _submit(seeded_database, first)
    assert not await _submit(seeded_database, first)  # the double tap: nothing changes
    assert await _submit(seeded_database, second)
    async with seeded_database.session() as session:
        references = sorted((await session.exec(select(Submission.reference))).all())
    assert references == [f"{PREFIX}0001", f"{PREFIX}0002"]


async def test_an_update_session_is_shared_and_keeps_what_it_loaded(database: Database) -> None:
    async with database.session() as session:
        session.add(User(telegram_id=42))
        await session.commit()
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(database.engine.sync_engine, "before_cursor_execute", count)
    try:
        async with database.update_session() as shared:
            async with database.session() as inner:
                assert inner is shared
                user = (await inner.exec(select(User).where(User.telegram_id == 42))).one()
            loaded = len(statements)
            async with database.session() as again:
                assert await again.get(User, user.id) is user
            assert len(statements) == loaded  # from the session's identity map: no query
        async with database.session() as separate:
            assert separate is not shared
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", count)


async def test_simultaneous_submissions_get_consecutive_numbers(
    seeded_database: Database,
) -> None:
    """Nine NCOs press Submit at the same moment: nine distinct numbers, none skipped."""
    call = await published_call(seeded_database, "karakol", "women", "Shelter")
    drafts = await _drafts(seeded_database, call.id, call.municipality_id, 9)
    results = await asyncio.gather(*(_submit(seeded_database, draft) for draft in drafts))
    assert all(results)
    async with seeded_database.session() as session:
        references = sorted((await session.exec(select(Submission.reference))).all())
        counters = (await session.exec(select(ReceiptCounter))).all()
    assert references == [f"{PREFIX}{n:04d}" for n in range(1, 10)]
    # Each receipt shows the number its own statements wrote.
    assert sorted(result.reference for result in results) == references
    assert [(c.prefix, c.last) for c in counters] == [(PREFIX, 9)]


async def test_numbers_past_9999_keep_every_digit(seeded_database: Database) -> None:
    call = await published_call(seeded_database, "karakol", "women", "Shelter")
    (draft,) = await _drafts(seeded_database, call.id, call.municipality_id, 1)
    async with seeded_database.session() as session:
        session.add(ReceiptCounter(prefix=PREFIX, last=9999))
        await session.commit()
    submitted = await _submit(seeded_database, draft)
    assert submitted is not None and submitted.reference == f"{PREFIX}10000"
    async with seeded_database.session() as session:
        assert (await session.get(Submission, draft.id)).reference == f"{PREFIX}10000"


async def test_two_members_starting_at_once_get_the_one_draft(seeded_database: Database) -> None:
    """Both saw no application and create one at the same moment: the second gets the first's
    draft (an organization has one application per call), and nothing fails."""
    call = await published_call(seeded_database, "karakol", "women", "Shelter")
    async with seeded_database.session() as session:
        organization_id = (await _organization(session, call.municipality_id, 99)).id

    async def create() -> Submission:
        async with seeded_database.session() as session:
            return await create_draft(
                session, competition_id=call.id, organization_id=organization_id, user_id=None
            )

    first, second = await asyncio.gather(create(), create())
    assert first.id == second.id and first.status == "draft" and first.reminders_stale
    async with seeded_database.session() as session:
        rows = (await session.exec(select(Submission))).all()
    assert [row.id for row in rows] == [first.id]
