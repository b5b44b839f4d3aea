"""The SQLite driver that runs statements in the event loop's thread (storage/sqlite_driver.py):
it must behave as SQLAlchemy's aiosqlite adapter does, and a locked database must make a
writer wait without stopping the event loop."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import select, update

from storage import sqlite_driver
from storage.db import Database
from storage.migrate import upgrade_database
from storage.models import User


@pytest.fixture
async def sqlite_db(tmp_path: Path):
    db = Database(f"sqlite:///{tmp_path}/driver.sqlite3")
    await upgrade_database(db)
    yield db
    await db.dispose()


def _path(db: Database) -> str:
    return db.engine.url.database


async def test_rows_ids_and_rowcounts_come_back(sqlite_db: Database) -> None:
    async with sqlite_db.session() as session:
        session.add_all([User(telegram_id=n) for n in (11, 12, 13)])  # one statement, RETURNING
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


async def test_streamed_results_come_in_batches(sqlite_db: Database) -> None:
    async with sqlite_db.session() as session:
        session.add_all([User(telegram_id=n) for n in range(100, 130)])
        await session.commit()
    async with sqlite_db.engine.connect() as connection:  # a server-side cursor, as copy-db
        result = await connection.stream(select(User.telegram_id).order_by(User.telegram_id))
        batches = [list(batch) async for batch in result.partitions(7)]
    assert [len(batch) for batch in batches] == [7, 7, 7, 7, 2]
    assert [row[0] for batch in batches for row in batch] == list(range(100, 130))


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


async def test_statements_run_in_the_loops_thread(sqlite_db: Database) -> None:
    threads_before = threading.active_count()
    async with sqlite_db.session() as session:
        connection = await session.connection()
        raw = (await connection.get_raw_connection()).driver_connection
        seen = []
        raw._conn.create_function("whose_thread", 0, lambda: seen.append(threading.get_ident()))
        await session.exec(text("SELECT whose_thread()"))
    assert seen == [threading.get_ident()]
    assert threading.active_count() == threads_before  # no worker thread per connection


async def test_a_writer_waits_for_the_lock_without_stopping_the_loop(sqlite_db: Database) -> None:
    """One session of this process holds the write lock while it waits for something else (a
    reply over HTTP, say); another session's write must wait for it, and the loop must go on
    meanwhile, or the first could never commit."""
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.005)
            ticks += 1

    clock = asyncio.create_task(ticker())
    try:
        async with sqlite_db.session() as first, sqlite_db.session() as second:
            first.add(User(telegram_id=31))
            await first.flush()  # the INSERT: first now holds the write lock

            async def write_second() -> None:
                second.add(User(telegram_id=32))
                await second.commit()

            waiting = asyncio.create_task(write_second())
            await asyncio.sleep(0.2)  # "waiting for a reply": the loop must keep running
            assert not waiting.done()  # second waits for the lock ...
            ticks_while_locked = ticks
            await first.commit()
            await asyncio.wait_for(waiting, 5)  # ... and gets it once first commits
    finally:
        clock.cancel()
    assert ticks_while_locked >= 10  # the loop ran while second waited (0.2 s / 5 ms ticks)
    async with sqlite_db.session() as session:
        ids = sorted((await session.exec(select(User.telegram_id))).all())
    assert ids == [31, 32]


@pytest.mark.bad_input
async def test_a_lock_held_too_long_fails_the_writer_cleanly(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holds the write lock past the wait: the writer gets SQLAlchemy's
    OperationalError (as with busy_timeout before) and nothing is written."""
    monkeypatch.setattr(sqlite_driver, "BUSY_WAIT_SECONDS", 0.2)
    other = sqlite3.connect(_path(sqlite_db), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        async with sqlite_db.session() as session:
            session.add(User(telegram_id=41))
            with pytest.raises(OperationalError, match="locked"):
                await session.commit()
        other.execute("ROLLBACK")
    finally:
        other.close()
    async with sqlite_db.session() as session:
        assert (await session.exec(select(User))).all() == []
