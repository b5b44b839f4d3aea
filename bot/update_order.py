"""Updates from different chats are handled at once; one chat's updates strictly in order.

A busy chat (a flood, a slow upload) then cannot hold up everyone else, while a user's own
messages and taps are still seen in the order they were made — the dialogues depend on that.

An optional `screen` (the per-user limits, bot/ratelimit.py) sees each update as it arrives,
before it waits for its chat's turn: what it drops never queues, never takes a slot and never
builds a context, so a flood costs almost nothing and other chats do not wait behind it.

At most MAX_CONCURRENT_UPDATES updates are handled at once, the rest wait their turn in order
of arrival. Handling an update is mostly CPU in this one process: with 64 at once, a burst
made every one of them wait for all the others (the deadline rush's p99 was 0.4-2 s on
PostgreSQL); with 16 the first come are answered first, and the CPU is still kept busy while
some wait for the database or Telegram (p99 120-145 ms, and more updates per second;
docs/benchmarks.md). A long wait that needs no CPU, such as downloading a file from Telegram
or an export in its own process, gives its slot to the next update meanwhile
(`slot_released`)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.logging_setup import bind_update, current_update, unbind_update

log = logging.getLogger("bot.updates")

MAX_CONCURRENT_UPDATES = 16
# Updates that may be away from their slots at once (`slot_released`); beyond that a long wait
# keeps its slot. Each update away still holds its database connection: without a bound, a rush
# of uploads took every connection of the pool, the updates in the slots waited for one, and
# those away waited for a slot: nothing moved. The pools (storage/db.py) hold more connections
# than (MAX_CONCURRENT_UPDATES + MAX_AWAY) x 2 (an update may use two at once) plus the jobs'.
MAX_AWAY = 8


class _Slots:
    """How many updates may be handled at once, and how many are (and how many have given
    their slot away for a while). asyncio's semaphore serves its waiters first come."""

    def __init__(self, size: int, away_limit: int) -> None:
        self._free = asyncio.Semaphore(size)
        self.taken = 0
        self.away = 0
        self.away_limit = away_limit

    async def acquire(self) -> None:
        await self._free.acquire()
        self.taken += 1

    def release(self) -> None:
        self.taken -= 1
        self._free.release()


class _Slot:
    """One update's place among those handled at once; given back at most once per taking."""

    def __init__(self, slots: _Slots) -> None:
        self.slots = slots
        self.held = False

    async def take(self) -> None:
        await self.slots.acquire()
        self.held = True

    def give(self) -> None:
        if self.held:
            self.held = False
            self.slots.release()


_current_slot: ContextVar[_Slot | None] = ContextVar("update_slot", default=None)


@asynccontextmanager
async def slot_released() -> AsyncIterator[None]:
    """Around a long wait that needs no CPU: the update being handled lets the next one have
    its slot meanwhile, and waits for a slot again afterwards. Outside an update (tests that
    call handlers' functions directly, the CLI) it does nothing."""
    slot = _current_slot.get()
    if slot is None or not slot.held or slot.slots.away >= slot.slots.away_limit:
        yield  # outside an update, or enough are away already: wait in the slot
        return
    slot.give()
    slot.slots.away += 1
    try:
        yield
    finally:
        try:
            await slot.take()
        finally:
            # Only now: while it waits for a slot again it still holds its connection.
            slot.slots.away -= 1


def chat_key(update: object) -> int | None:
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return None


# Given an arriving update and the coroutine that would handle it: the coroutine to run (that
# one, or another in its place), or None to drop the update.
Screen = Callable[[object, Coroutine[Any, Any, Any]], Coroutine[Any, Any, Any] | None]


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(
        self,
        max_concurrent_updates: int = MAX_CONCURRENT_UPDATES,
        screen: Screen | None = None,
        max_away: int = MAX_AWAY,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self.screen = screen
        # Our own slots rather than the base class's: an update can give its slot back for a
        # while (`slot_released`).
        self._slots = _Slots(max_concurrent_updates, max_away)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        self.handled = 0  # updates whose handling has finished (tests wait on it)

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if self.screen is not None:
            screened = self.screen(update, coroutine)
            if screened is None:
                return
            coroutine = screened
        key = chat_key(update)
        if key is None:
            await self._in_a_slot(update, coroutine)
            return
        # The chat's lock is taken before a concurrency slot: asyncio locks are first come,
        # first served, so a chat's updates enter in the order the application received them.
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await self._in_a_slot(update, coroutine)
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:  # forget idle chats: the dict must not grow forever
                del self._waiting[key]
                del self._locks[key]

    async def _in_a_slot(self, update: object, coroutine: Awaitable[Any]) -> None:
        slot = _Slot(self._slots)
        await slot.take()
        token = _current_slot.set(slot)
        try:
            await self.do_process_update(update, coroutine)
        finally:
            _current_slot.reset(token)
            slot.give()

    @property
    def current_concurrent_updates(self) -> int:
        return self._slots.taken

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        # Every record logged while handling the update carries its id and its user's id.
        token = bind_update(update)
        started = time.perf_counter()
        try:
            await coroutine
        finally:
            kind = info.kind if (info := current_update()) else "update"
            log.info("handled %s in %.0f ms", kind, (time.perf_counter() - started) * 1e3)
            unbind_update(token)
            self.handled += 1

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
