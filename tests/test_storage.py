"""Migrations and column types, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from storage.db import Database, async_database_url, sync_database_url
from storage.migrate import head_revision, upgrade_database
from storage.models import Organization, User
from storage.queries.organizations import InnTaken, create_organization, organization_of
from storage.queries.places import get_municipality
from storage.queries.users import get_or_create_user, get_user, set_language


async def test_migrations_upgrade_an_empty_database(database_url: str) -> None:
    db = Database(database_url)
    try:
        assert await upgrade_database(db) == head_revision()
        # Running again is a no-op, as at every start.
        assert await upgrade_database(db) == head_revision()

        def differences(connection):
            return compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)

        async with db.engine.connect() as connection:
            assert await connection.run_sync(differences) == []
    finally:
        await db.dispose()


async def test_telegram_ids_are_64_bit_and_times_utc(database: Database) -> None:
    big_id = 2**62 + 12345
    async with database.session() as session:
        _, created = await get_or_create_user(session, telegram_id=big_id)
        assert created
    async with database.session() as session:
        stored = await get_user(session, telegram_id=big_id)
    assert stored is not None and stored.telegram_id == big_id
    assert stored.created_at.tzinfo is not None
    assert stored.created_at.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - stored.created_at) < timedelta(minutes=1)


async def test_times_in_other_zones_are_stored_as_the_same_moment(database: Database) -> None:
    bishkek_noon = datetime(2026, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=6)))
    async with database.session() as session:
        session.add(User(telegram_id=7, created_at=bishkek_noon, last_seen_at=bishkek_noon))
        await session.commit()
    async with database.session() as session:
        stored = await get_user(session, telegram_id=7)
    assert stored.created_at == datetime(2026, 3, 1, 6, 0, tzinfo=UTC)


@pytest.mark.bad_input
async def test_naive_times_are_refused(database: Database) -> None:
    async with database.session() as session:
        session.add(User(telegram_id=8, created_at=datetime(2026, 1, 1)))
        with pytest.raises(Exception, match="naive datetime"):
            await session.commit()


async def test_language_choice_is_stored(database: Database) -> None:
    async with database.session() as session:
        await set_language(session, telegram_id=99, language="ky")
    async with database.session() as session:
        assert (await get_user(session, telegram_id=99)).language == "ky"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///data/x.sqlite3", "sqlite+aiosqlite:///data/x.sqlite3"),
        ("postgres://u:p@h/db", "postgresql+asyncpg://u:p@h/db"),
        ("postgresql://u@h:5432/db", "postgresql+asyncpg://u@h:5432/db"),
    ],
)
def test_database_urls_get_async_drivers(given: str, expected: str) -> None:
    assert async_database_url(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///data/x.sqlite3", "sqlite:///data/x.sqlite3"),
        ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgresql+asyncpg://u@h:5432/db", "postgresql+psycopg://u@h:5432/db"),
    ],
)
def test_administrative_urls_get_blocking_drivers(given: str, expected: str) -> None:
    assert sync_database_url(given) == expected


async def test_warming_up_opens_the_connections_before_the_first_update(
    database: Database,
) -> None:
    """PostgreSQL: the connections the first updates will use are open (and back in the pool)
    once the bot has started; SQLite opens its files as it goes."""
    await database.dispose()  # the migration's connection is not counted
    await database.warm_up(5)
    pool = database.engine.pool
    if database.engine.dialect.name == "postgresql":
        assert pool.checkedin() == 5 and pool.checkedout() == 0
    else:  # nothing opened in advance
        assert pool.checkedin() == 0 and pool.checkedout() == 0


def test_the_pools_outlast_the_update_slots() -> None:
    """Every update handled (or away from its slot during a download) may hold two connections
    at once, and the jobs need some: if a pool ran out first, updates in the slots would wait
    for a connection while those holding one wait for a slot (bot/update_order.py)."""
    from bot.update_order import MAX_AWAY, MAX_CONCURRENT_UPDATES
    from storage.db import POOL_OVERFLOW, POOL_SIZE, SQLITE_POOL_OVERFLOW, SQLITE_POOL_SIZE

    needed = (MAX_CONCURRENT_UPDATES + MAX_AWAY) * 2 + 8
    assert POOL_SIZE + POOL_OVERFLOW >= needed
    assert SQLITE_POOL_SIZE + SQLITE_POOL_OVERFLOW >= needed


async def test_an_inn_taken_in_a_race_is_refused_and_errors_name_no_values(
    seeded_database: Database,
) -> None:
    """Two NCOs save the same INN at once: both passed the check, the second save becomes
    InnTaken and keeps nothing; and a database error's text names no value a user typed."""
    db = seeded_database
    inn = "02345678901234"
    async with db.session() as session:
        place = await get_municipality(session, slug="karakol")
        first, _ = await get_or_create_user(session, telegram_id=70_001)
        second, _ = await get_or_create_user(session, telegram_id=70_002)
    values = {
        "name": "Тирек",
        "legal_form": "public_foundation",
        "inn": inn,
        "municipality_id": place.id,
        "phone": "+996700123456",
        "description": "We help the children of labour migrants.",
    }
    async with db.session() as session:
        await create_organization(session, user_id=first.id, values=values)
    async with db.session() as session:
        with pytest.raises(InnTaken):
            await create_organization(session, user_id=second.id, values={**values, "name": "B"})
        assert await organization_of(session, user_id=second.id) is None

    async with db.session() as session:
        session.add(Organization(**{**values, "name": "Secret name"}))
        with pytest.raises(IntegrityError) as raised:
            await session.flush()
    assert inn not in str(raised.value) and "Secret name" not in str(raised.value)
