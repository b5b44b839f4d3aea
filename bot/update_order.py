"""Updates from different chats are handled at once; one chat's updates strictly in order.

A busy chat (a flood, a slow upload) then cannot hold up everyone else, while a user's own
messages and taps are still seen in the order they were made — the dialogues depend on that.

An optional `screen` (the per-user limits, bot/ratelimit.py) sees each update as it arrives,
before it waits for its chat's turn: what it drops never queues, never takes a slot and never
builds a context, so a flood costs almost nothing and other chats do not wait behind it."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.logging_setup import bind_update, current_update, unbind_update

log = logging.getLogger("bot.updates")


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
    def __init__(self, max_concurrent_updates: int = 64, screen: Screen | None = None) -> None:
        super().__init__(max_concurrent_updates)
        self.screen = screen
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
            await super().process_update(update, coroutine)
            return
        # The chat's lock is taken before a concurrency slot: asyncio locks are first come,
        # first served, so a chat's updates enter in the order the application received them.
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await super().process_update(update, coroutine)
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:  # forget idle chats: the dict must not grow forever
                del self._waiting[key]
                del self._locks[key]

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
