"""SQLite for the async engine, run in the event loop's own thread.

SQLAlchemy's async SQLite driver, aiosqlite, runs every sqlite3 call in a worker thread and hands
the result back to the event loop: four such trips per SELECT (open a cursor, execute, fetch,
close), three per write, one per commit or rollback. Each trip wakes the worker and then the
loop, and with two threads wanting the GIL the loop waits for it to come back. A statement of
this bot (a primary-key lookup, a one-row UPDATE) takes SQLite tens of microseconds; the trips
cost far more: at a deadline rush, running statements here instead took a third off the
bot's CPU per update (docs/benchmarks.md). Here each statement runs where it is awaited,
executed, fetched and closed in one go.

The one thing a worker thread did well is waiting: a writer that finds the database locked (by
another process, or by a transaction of this process that is waiting for something else) must
not stop the event loop, or the lock's holder could never finish. So SQLite's own busy wait is
off (`busy_timeout=0`, see storage.db) and a statement that finds the database busy is retried
here after an asynchronous sleep (1 ms, doubling to 50 ms) for up to BUSY_WAIT_SECONDS. Python's
sqlite3 starts a transaction only at the first INSERT/UPDATE/DELETE, so the statement that meets
the lock is the one that starts the transaction, and retrying it alone is safe.

Used by storage.db.create_engine for every SQLite URL (`module=` of create_async_engine); the
dialect stays SQLAlchemy's aiosqlite one."""

from __future__ import annotations

import asyncio
import collections
import sqlite3
import time
from collections.abc import Callable
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT

BUSY_WAIT_SECONDS = 30.0  # as long as SQLite's busy_timeout used to wait
SQLITE_BUSY = 5


def _is_busy(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF == SQLITE_BUSY  # SQLITE_BUSY and its extended codes
    return "database is locked" in str(error)


class LoopConnection:
    """A sqlite3 connection with the async surface of aiosqlite's Connection that SQLAlchemy's
    adapter uses, each call done at once in the calling (event loop) thread."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn: sqlite3.Connection | None = connection
        self._connection = connection  # SQLAlchemy's adapter checks this before commit/rollback

    async def _execute(self, function: Callable[..., Any], *args: Any) -> Any:
        waited, delay = 0.0, 0.001
        while True:
            if self._conn is None:
                raise ValueError("Connection closed")
            started = time.monotonic()
            try:
                return function(*args)
            except sqlite3.OperationalError as error:
                if not _is_busy(error) or waited >= BUSY_WAIT_SECONDS:
                    raise
            await asyncio.sleep(delay)  # let the lock's holder, or anyone else, go on
            waited += time.monotonic() - started
            delay = min(delay * 2, 0.05)

    def cursor(self) -> LoopServerSideCursor:
        """For SQLAlchemy's server-side cursors (`stream()`: copy-db). SQLAlchemy enters it with
        `async with`, as aiosqlite's."""
        return LoopServerSideCursor(self, self._conn.cursor())

    async def commit(self) -> None:
        await self._execute(self._conn.commit)

    async def rollback(self) -> None:
        await self._execute(self._conn.rollback)

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = self._connection = None

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._conn.isolation_level = value


class LoopServerSideCursor:
    """aiosqlite's Cursor surface over a sqlite3 cursor, for results read in batches."""

    def __init__(self, connection: LoopConnection, cursor: sqlite3.Cursor) -> None:
        self._connection = connection
        self._cursor = cursor

    async def __aenter__(self) -> LoopServerSideCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def execute(self, operation: str, parameters: Any = ()) -> LoopServerSideCursor:
        await self._connection._execute(self._cursor.execute, operation, parameters)
        return self

    async def executemany(self, operation: str, parameters: Any) -> LoopServerSideCursor:
        await self._connection._execute(self._cursor.executemany, operation, parameters)
        return self

    async def fetchone(self) -> Any:
        return await self._connection._execute(self._cursor.fetchone)

    async def fetchmany(self, size: int | None = None) -> list:
        size = self._cursor.arraysize if size is None else size
        return await self._connection._execute(self._cursor.fetchmany, size)

    async def fetchall(self) -> list:
        return await self._connection._execute(self._cursor.fetchall)

    async def close(self) -> None:
        self._cursor.close()

    def __aiter__(self) -> LoopServerSideCursor:
        return self

    async def __anext__(self) -> Any:
        row = await self.fetchone()
        if row is None:
            raise StopAsyncIteration
        return row

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> Any:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


def _run(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> tuple:
    """Execute, fetch everything, close; return what SQLAlchemy reads afterwards."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else ()
        return description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class OneStepCursor(AsyncAdapt_aiosqlite_cursor):
    """SQLAlchemy's cursor, each statement done by `_run` in one call."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        # No cursor stays open between statements: _run opens and closes its own.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description = None
        self._rowcount = -1
        self._lastrowid = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> Any:
        return self._lastrowid

    @property
    def arraysize(self) -> int:
        return 1

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        pass

    async def _async_soft_close(self) -> None:
        pass  # nothing is open between statements

    def close(self) -> None:
        self._rows.clear()

    async def _execute_async(self, operation: Any, parameters: Any) -> None:
        await self._step(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> None:
        await self._step(operation, seq_of_parameters, many=True)

    async def _step(self, operation: Any, parameters: Any, *, many: bool) -> None:
        connection = self._connection
        async with self._adapt_connection._execute_mutex:  # as SQLAlchemy's own adapter does
            description, rowcount, lastrowid, rows = await connection._execute(
                _run, connection._conn, operation, parameters, many
            )
        self._description, self._rowcount, self._lastrowid = description, rowcount, lastrowid
        self._rows = collections.deque(rows)

    def nextset(self) -> None:
        return None

    def setinputsizes(self, *inputsizes: Any) -> None:
        return None


class LoopAdaptedConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneStepCursor

    @property
    def isolation_level(self) -> str | None:
        return self._connection.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        # aiosqlite's adapter queues this for its thread; here there is no thread.
        self._connection.isolation_level = value


class LoopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *args: Any, **kwargs: Any) -> LoopAdaptedConnection:
        if kwargs.pop("async_creator_fn", None) is not None:
            raise NotImplementedError("async_creator is not supported by the loop driver")
        # SQLite must not wait for locks itself (that would stop the event loop): see above.
        kwargs["timeout"] = 0
        # The pool may close a connection from the garbage collector in any thread.
        kwargs["check_same_thread"] = False
        connection = LoopConnection(self.sqlite.connect(*args, **kwargs))
        return LoopAdaptedConnection(self, connection)


def loop_dbapi() -> LoopDBAPI:
    return LoopDBAPI(aiosqlite, sqlite3)
