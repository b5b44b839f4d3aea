"""The SQLite driver that makes one trip to aiosqlite's thread per statement
(storage/sqlite_driver.py): it must behave as SQLAlchemy's own aiosqlite adapter does."""

from __future__ import annotations

from pathlib import Path

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select, update

from storage.db import Database
from storage.migrate import upgrade_database
from storage.models import User


@pytest.fixture
async def sqlite_db(tmp_path: Path):
    db = Database(f"sqlite:///{tmp_path}/driver.sqlite3")
    await upgrade_database(db)
    yield db
    await db.dispose()


async def test_rows_ids_and_rowcounts_come_back(sqlite_db: Database) -> None:
    async with sqlite_db.session() as session:
        session.add_all([User(telegram_id=n) for n in (11, 12, 13)])  # one executemany/RETURNING
        session.add(User(telegram_id=14))
        await session.commit()
        ids = (await session.exec(select(User.id).order_by(User.telegram_id))).all()
        assert len(ids) == 4 and len(set(ids)) == 4 and all(isinstance(i, int) for i in ids)
        result = await session.exec(update(User).where(User.telegram_id > 11).values(language="ky"))
        assert result.rowcount == 3
        await session.commit()
    async with sqlite_db.session() as session:
        rows = (await session.exec(select(User.telegram_id, User.language))).all()
        assert sorted(rows) == [(11, None), (12, "ky"), (13, "ky"), (14, "ky")]
        assert (await session.exec(select(User).where(User.telegram_id == 99))).first() is None
        pragma = (await session.exec(text("PRAGMA journal_mode"))).scalar_one()
        assert pragma == "wal"  # the connect-time pragmas went through the same cursor


@pytest.mark.bad_input
async def test_constraint_errors_are_sqlalchemys_and_leave_nothing(sqlite_db: Database) -> None:
    async with sqlite_db.session() as session:
        session.add(User(telegram_id=21))
        await session.commit()
    async with sqlite_db.session() as session:
        session.add(User(telegram_id=21))
        with pytest.raises(IntegrityError):
            await session.commit()
    async with sqlite_db.session() as session:
        assert len((await session.exec(select(User))).all()) == 1


async def test_a_select_is_one_trip_to_the_thread(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    trips = []
    original = aiosqlite.Connection._execute

    async def counted(self, fn, *args, **kwargs):
        trips.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    async with sqlite_db.session() as session:
        await session.exec(select(User.id))  # connect and begin before counting
        monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
        await session.exec(select(User).where(User.telegram_id == 5))
        assert trips == ["_run"]  # SQLAlchemy's own adapter makes four
