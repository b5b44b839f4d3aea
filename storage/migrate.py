"""Apply Alembic migrations programmatically: `ssp-bot migrate`, bot start-up and tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from storage.db import Database

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


async def upgrade_database(db: Database, revision: str = "head") -> str | None:
    """Bring the schema to `revision`; returns the revision the database is at afterwards."""
    return await _migrate(db, command.upgrade, revision)


async def downgrade_database(db: Database, revision: str) -> str | None:
    """Take the schema back to `revision` (tests of data migrations; rolling back a release)."""
    return await _migrate(db, command.downgrade, revision)


async def _migrate(db: Database, step: Callable[[Config, str], None], revision: str) -> str | None:
    config = alembic_config()

    def _run(connection: Connection) -> str | None:
        config.attributes["connection"] = connection
        step(config, revision)
        return MigrationContext.configure(connection).get_current_revision()

    async with db.engine.begin() as connection:
        reached = await connection.run_sync(_run)
    if db.engine.dialect.name == "sqlite":
        # The migration ran with foreign keys off (storage/migrations/env.py): close the pooled
        # connections so every later one is opened anew with them on.
        await db.engine.dispose()
    return reached


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
