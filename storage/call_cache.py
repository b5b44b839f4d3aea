"""Calls (competitions) kept per process for the application path, which reads one on nearly
every update of an NCO's application.

A call changes rarely (amended, cancelled, closed, decided, or a draft edited) and every change
sets its `updated_at` (the column's `onupdate` sets it for any write through SQLAlchemy). The
cache is keyed by id and `updated_at`: a caller reads the call's `updated_at` along with
something it reads anyway (`own_submission_and_call_version`: the same statement as the
submission), and gets the kept row when it is the same, or a fresh read when it is not. So a
change made by any process is seen at the next update, as without the cache.

Texts derived from a call (its card) are kept by the same key but for at most TEXT_SECONDS,
because they also show the municipality's and topic's names, which change without touching the
call (rarely: the seed file, by hand).

One cache per Database (storage/db.py), so tests with many databases never share rows."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Competition

T = TypeVar("T")
MAX_CALLS = 512  # far more than a municipality has open at once; beyond it, start again
TEXT_SECONDS = 60.0


class CallCache:
    def __init__(self, sessions: async_sessionmaker) -> None:
        self._sessions = sessions
        self._calls: dict[int, Competition] = {}
        self._texts: dict[tuple[int, datetime, str], tuple[float, Any]] = {}

    async def attach(
        self, session: AsyncSession, competition_id: int, updated_at: datetime
    ) -> Competition | None:
        """The call in `session` without a query when the kept copy has this `updated_at`. While
        the caller holds the returned row, `session.get(Competition, id)` finds it in the
        session (whose identity map holds rows only as long as someone else does)."""
        kept = self._calls.get(competition_id)
        if kept is None or kept.updated_at != updated_at:
            kept = await self._read(competition_id)
            if kept is None:
                return None
        # A copy for this session; the kept one stays detached and shared between updates.
        return await session.merge(kept, load=False)

    async def _read(self, competition_id: int) -> Competition | None:
        # Its own session, so the row kept is attached to no update's session.
        async with self._sessions() as session:
            call = await session.get(Competition, competition_id)
        if call is None:
            return None
        if len(self._calls) >= MAX_CALLS:
            self._calls.clear()
        self._calls[competition_id] = call
        return call

    async def text(self, call: Competition, kind: str, build: Callable[[], Awaitable[T]]) -> T:
        """`build()`'s result for this version of the call, kept for up to TEXT_SECONDS."""
        key = (call.id, call.updated_at, kind)
        kept = self._texts.get(key)
        moment = time.monotonic()
        if kept is not None and moment - kept[0] < TEXT_SECONDS:
            return kept[1]
        value = await build()
        if len(self._texts) >= MAX_CALLS:
            self._texts.clear()
        self._texts[key] = (moment, value)
        return value
