"""The database engine and sessions: SQLite by default, PostgreSQL for larger deployments."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.call_cache import CallCache
from storage.sqlite_driver import loop_dbapi

# Updates are handled up to 16 at a time (bot/update_order.py), each holding a connection while
# it works (one session per update, see Database.update_session), and up to 8 more that gave
# their slot away during a download keep theirs; an update may briefly use two (the call cache
# reads in its own session), and the reminder worker, the outbox sender and other jobs need
# theirs too. So the pool must not be the bottleneck (SQLAlchemy's default is
# 5 + 10). All 64 are kept once opened: "overflow" connections are closed when returned, and
# under a rush PostgreSQL then starts a backend process for nearly every update (20 + 44 cost
# about 6% more CPU per update than 64 + 0). The pool hands out the connection used last
# (LIFO): the same few stay busy, with their prepared statements, and the rest stay idle.
POOL_SIZE, POOL_OVERFLOW = 64, 0
# SQLite keeps 20 and may open 40 more for a moment (updates away from their slots during a
# download, bot/update_order.py); the pools must never run out before the update slots do.
SQLITE_POOL_SIZE, SQLITE_POOL_OVERFLOW = 20, 40
# PostgreSQL closes idle connections on its side eventually; replace them before that instead
# of pinging before every checkout (pool_pre_ping costs a round trip per session).
POOL_RECYCLE_SECONDS = 1800

# The session of the update being handled, if its handler opened one (Database.update_session).
_update_session: ContextVar[AsyncSession | None] = ContextVar("update_session", default=None)


def async_database_url(url: str) -> str:
    """Accept the URLs people write and pick the async driver the bot uses for each.

    PostgreSQL goes through asyncpg: its protocol is compiled, and a statement costs the bot
    about a fifth less CPU than through psycopg's async mode (docs/benchmarks.md)."""
    return _with_driver(url, sqlite="sqlite+aiosqlite", postgresql="postgresql+asyncpg")


def sync_database_url(url: str) -> str:
    """The same database for a blocking engine (`sqlalchemy.create_engine`): administrative
    work outside the bot, such as creating and dropping databases in tests and benchmarks."""
    return _with_driver(url, sqlite="sqlite", postgresql="postgresql+psycopg")


def _with_driver(url: str, *, sqlite: str, postgresql: str) -> str:
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        parsed = parsed.set(drivername=sqlite)
    elif parsed.get_backend_name() == "postgresql":
        parsed = parsed.set(drivername=postgresql)
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(async_database_url(url)).get_backend_name() == "sqlite"


def _prepare_sqlite_file(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    # WAL lets readers work while the one writer commits.
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    # With WAL, NORMAL syncs at checkpoints instead of at every commit: a commit survives a crash
    # of the bot, only a power cut may lose the last few (SQLite's advice for WAL).
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # A writer waits its turn rather than fail, but not inside SQLite: that would stop the event
    # loop. storage/sqlite_driver.py waits asynchronously instead (up to 30 s).
    cursor.execute("PRAGMA busy_timeout=0")
    cursor.close()


def create_engine(url: str) -> AsyncEngine:
    # hide_parameters: a database error's text (which the error handler logs) names the
    # statement but not its values, which may be what a user typed (names, INNs, answers).
    url = async_database_url(url)
    if is_sqlite(url):
        _prepare_sqlite_file(url)
        # Statements run in the event loop's thread, not in a thread per connection, and wait
        # for SQLite's one write lock asynchronously (storage/sqlite_driver.py). The pool keeps
        # a connection for each update handled at once and the jobs beside them: with
        # SQLAlchemy's default (5 kept + 10 closed when returned) a rush opened and closed a
        # connection, with its PRAGMAs, for most updates (the start of a 300-NCO rush: /start's
        # p99 289 ms with it, 96-131 ms with this).
        engine = create_async_engine(
            url,
            hide_parameters=True,
            module=loop_dbapi(),
            pool_size=SQLITE_POOL_SIZE,
            max_overflow=SQLITE_POOL_OVERFLOW,
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(
        url,
        hide_parameters=True,
        pool_size=POOL_SIZE,
        max_overflow=POOL_OVERFLOW,
        pool_recycle=POOL_RECYCLE_SECONDS,
        pool_use_lifo=True,
    )


class Database:
    """One engine per process; one session per update (`async with db.session() as s`).

    A handler that wraps its work in `async with db.update_session():` makes every
    `db.session()` inside it (in any function it calls) the same session: the rows it loaded
    stay in that session's identity map (`session.get` of a loaded row costs no query) and the
    update checks out one connection instead of one per query. Queries still commit where they
    always did, so every answer is committed before the next question is shown."""

    def __init__(self, url: str) -> None:
        self.url = async_database_url(url)
        self.engine = create_engine(self.url)
        self._sessions = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False
        )
        self.calls = CallCache(self._sessions)  # calls read on the application path

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        shared = _update_session.get()
        if shared is not None:
            yield shared  # the update's own session: closed by update_session, not here
            return
        async with self._sessions() as session:
            yield session

    def in_update_session(self) -> bool:
        return _update_session.get() is not None

    @asynccontextmanager
    async def update_session(self) -> AsyncIterator[AsyncSession]:
        """One session for everything the enclosed code does; closed (uncommitted work
        discarded, as when any session closes) when the block ends. Nested use reuses it."""
        shared = _update_session.get()
        if shared is not None:
            yield shared
            return
        async with self._sessions() as session:
            token = _update_session.set(session)
            try:
                yield session
            finally:
                _update_session.reset(token)

    async def warm_up(self, connections: int) -> None:
        """Open this many pooled connections now (PostgreSQL), rather than on the first
        updates after a start: connecting and the driver's setup of a new connection take a
        few round trips each, which would fall on the first people to write, all at once."""
        if self.engine.dialect.name != "postgresql":
            return

        async def connect() -> None:
            async with self.engine.connect() as connection:
                await connection.exec_driver_sql("SELECT 1")

        await asyncio.gather(*(connect() for _ in range(connections)))

    async def dispose(self) -> None:
        await self.engine.dispose()
