"""The process's cache of calls (storage/call_cache.py): no query while a call is unchanged,
the fresh row as soon as anything changed it, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from storage import call_cache
from storage.db import Database
from storage.models import Competition
from storage.queries.submissions import own_submission_and_call_version, start_submission
from storage.types import utcnow
from tests.flows import published_call


class Statements:
    """Counts the SQL statements an engine runs."""

    def __init__(self, db: Database) -> None:
        self.count = 0
        event.listen(db.engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: object) -> None:
        self.count += 1


async def _version(db: Database, call_id: int):
    async with db.session() as session:
        return (await session.get(Competition, call_id, populate_existing=True)).updated_at


async def test_an_unchanged_call_costs_no_query(seeded_database: Database) -> None:
    call = await published_call(seeded_database, "karakol", "women", "Shelter")
    version = await _version(seeded_database, call.id)
    async with seeded_database.session() as session:
        first = await seeded_database.calls.attach(session, call.id, version)
        assert first.title["en"] == "Shelter"
    statements = Statements(seeded_database)
    async with seeded_database.update_session() as session:
        again = await seeded_database.calls.attach(session, call.id, version)
        # In the session now: a get is answered from it while the row is held.
        assert await session.get(Competition, call.id) is again
    assert statements.count == 0
    assert again.deadline_at == call.deadline_at and again.documents == call.documents


async def test_a_change_by_anyone_is_seen_at_the_next_read(seeded_database: Database) -> None:
    """Even a write that does not set updated_at itself (a script, another process) changes
    the version the cache is keyed by."""
    call = await published_call(seeded_database, "karakol", "women", "Shelter")
    async with seeded_database.session() as session:
        kept = await seeded_database.calls.attach(
            session, call.id, await _version(seeded_database, call.id)
        )
    moved = utcnow() - timedelta(minutes=2)
    async with seeded_database.session() as session:
        stored = await session.get(Competition, call.id)
        stored.deadline_at = moved  # updated_at left alone on purpose
        session.add(stored)
        await session.commit()
    new_version = await _version(seeded_database, call.id)
    assert new_version != kept.updated_at
    async with seeded_database.session() as session:
        fresh = await seeded_database.calls.attach(session, call.id, new_version)
        assert fresh.deadline_at == moved


async def test_the_version_comes_with_the_submission(seeded_database: Database) -> None:
    from storage.models import Member, Organization, User

    call = await published_call(seeded_database, "karakol", "women", "Shelter")
    async with seeded_database.session() as session:
        leader = User(telegram_id=61_001)
        organization = Organization(
            name="PF",
            legal_form="public_foundation",
            inn="02234567890101",
            municipality_id=call.municipality_id,
            phone="+996700123456",
            description="We help women who need shelter and support.",
        )
        session.add_all([leader, organization])
        await session.flush()
        session.add(Member(user_id=leader.id, organization_id=organization.id))
        await session.commit()
        draft = await start_submission(
            session, competition_id=call.id, organization_id=organization.id, user_id=leader.id
        )
        found = await own_submission_and_call_version(
            session, submission_id=draft.id, user_id=leader.id
        )
        assert found is not None and found[0].id == draft.id
        assert found[1] == await _version(seeded_database, call.id)
        # Someone else's submission (a forged button): nothing, as own_submission.
        stranger = User(telegram_id=61_002)
        session.add(stranger)
        await session.commit()
        assert (
            await own_submission_and_call_version(
                session, submission_id=draft.id, user_id=stranger.id
            )
            is None
        )


async def test_texts_are_built_once_per_version_and_for_a_limited_time(
    seeded_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    call = await published_call(seeded_database, "karakol", "women", "Shelter")
    builds = []

    async def build() -> str:
        builds.append(1)
        return f"card {len(builds)}"

    cache = seeded_database.calls
    assert await cache.text(call, "card", build) == "card 1"
    assert await cache.text(call, "card", build) == "card 1"
    call.updated_at = utcnow()  # another version of the call
    assert await cache.text(call, "card", build) == "card 2"
    monkeypatch.setattr(call_cache, "TEXT_SECONDS", 0.0)  # a municipality renamed meanwhile
    assert await cache.text(call, "card", build) == "card 3"


async def test_a_buttons_user_dialogue_and_submission_come_in_one_query(
    seeded_database: Database,
) -> None:
    from storage.models import Member, Organization, User
    from storage.queries.dialogues import move_dialogue
    from storage.queries.submissions import user_dialogue_and_own_submission

    call = await published_call(seeded_database, "karakol", "women", "Shelter")
    async with seeded_database.session() as session:
        leader, other = User(telegram_id=62_001), User(telegram_id=62_002)
        ours, theirs = (
            Organization(
                name=f"PF {n}",
                legal_form="public_foundation",
                inn=f"0223456789020{n}",
                municipality_id=call.municipality_id,
                phone="+996700123456",
                description="We help women who need shelter and support.",
            )
            for n in (1, 2)
        )
        session.add_all([leader, other, ours, theirs])
        await session.flush()
        session.add_all(
            [
                Member(user_id=leader.id, organization_id=ours.id),
                Member(user_id=other.id, organization_id=theirs.id),
            ]
        )
        await session.commit()
        mine = await start_submission(
            session, competition_id=call.id, organization_id=ours.id, user_id=leader.id
        )
        foreign = await start_submission(
            session, competition_id=call.id, organization_id=theirs.id, user_id=other.id
        )
        await move_dialogue(session, user_id=leader.id, name="apply", step="overview", data={})
    statements = Statements(seeded_database)
    async with seeded_database.session() as session:
        user, dialogue, found = await user_dialogue_and_own_submission(
            session, telegram_id=62_001, submission_id=mine.id
        )
        assert user.id == leader.id and dialogue.step == "overview"
        assert found[0].id == mine.id and found[1] == await _version(seeded_database, call.id)
    assert statements.count == 2  # the query, and _version's
    async with seeded_database.session() as session:
        # Another NCO's submission (a forged button), no submission, an unknown user.
        user, dialogue, found = await user_dialogue_and_own_submission(
            session, telegram_id=62_001, submission_id=foreign.id
        )
        assert user.id == leader.id and dialogue is not None and found is None
        assert (
            await user_dialogue_and_own_submission(session, telegram_id=62_001, submission_id=None)
        )[2] is None
        assert await user_dialogue_and_own_submission(
            session, telegram_id=1, submission_id=mine.id
        ) == (None, None, None)
