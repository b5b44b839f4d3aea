"""Shared fixtures: a database on each backend, the stand-in, and the real bot running against it.

Every test that asks for `database_url` runs on SQLite and, when TEST_DATABASE_URL names a
PostgreSQL database, on PostgreSQL too (skipped with a reason otherwise)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.settings import Settings
from sandbox import SandboxClient, StandIn
from storage.db import Database, sync_database_url

TEST_TOKEN = "123456789:TEST-token_for-the-local-stand-in"
WEBHOOK_SECRET = "hook-Secret_123456"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    """A database of this test run's own, created beside TEST_DATABASE_URL and dropped after,
    so two runs on one server (a developer's and CI's) never touch each other's tables."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield None
        return
    name = f"ssp_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(sync_database_url(base), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _reset_postgres(url: str) -> None:
    """Drop everything in the public schema so each test starts from an empty database."""
    engine = create_engine(sync_database_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/test.sqlite3"
    url = request.getfixturevalue("postgres_url")
    if url is None:
        pytest.skip("TEST_DATABASE_URL is not set, so the PostgreSQL run is skipped")
    _reset_postgres(url)
    return url


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    from storage.migrate import upgrade_database

    db = Database(database_url)
    await upgrade_database(db)
    yield db
    await db.dispose()


@pytest.fixture
def make_settings(tmp_path: Path, database_url: str):
    """Settings for a bot under test; keyword arguments override any field."""

    def make(**overrides: object) -> Settings:
        values: dict[str, object] = {
            "bot_token": TEST_TOKEN,
            "database_url": database_url,
            "file_store_dir": tmp_path / "files",
            "polling_timeout": 1,
            # Tests click far faster than people; the limits have their own tests.
            "flood_burst": 10_000,
            "uploads_per_hour": 10_000,
            "_env_file": None,
        }
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture
def webhook_settings(standin: StandIn, make_settings):
    """Settings for the bot in webhook mode on a free local port, against the stand-in."""
    from tests.test_e2e_modes import free_port

    def make(**overrides: object) -> Settings:
        port = free_port()
        return make_settings(
            bot_api_base_url=standin.url,
            webhook_url=f"http://127.0.0.1:{port}/tg/hook",
            webhook_secret=WEBHOOK_SECRET,
            webhook_listen="127.0.0.1",
            webhook_port=port,
            **overrides,
        )

    return make


@pytest.fixture
async def seeded_database(database: Database) -> Database:
    """The migrated database with the shipped municipalities and topics."""
    from bot.seed import DEFAULT_SEED_FILE, apply_seed, read_seed_file

    async with database.session() as session:
        await apply_seed(session, read_seed_file(DEFAULT_SEED_FILE))
    return database


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    async with StandIn() as server:
        yield server


@pytest.fixture
async def sandbox(standin: StandIn) -> AsyncIterator[SandboxClient]:
    async with SandboxClient(standin.url) as client:
        yield client


@pytest.fixture
async def bot(standin: StandIn, seeded_database: Database, make_settings) -> AsyncIterator:
    """The real application, polling the stand-in over HTTP, on a seeded database."""
    from bot.runner import running_bot

    async with running_bot(make_settings(bot_api_base_url=standin.url)) as application:
        yield application
    # Every call the bot made must exist in the published Bot API, with its required fields.
    problems = [
        {"method": call["method"], "problems": call["spec_problems"]}
        for call in standin.world.calls
        if call.get("spec_problems")
    ]
    assert problems == [], problems
