"""Per-user limits on incoming updates: a flood gets one polite "slow down", then silence.

Each user has two token buckets:

- updates: `burst` at once, then `rate` a second. The first update over the limit is answered
  with a polite "slow down" in the user's language; every further update over the limit is
  dropped unseen, and the warning is not repeated within one window (the time an empty bucket
  takes to refill: `burst / rate`, 20 s by default), however long the flood goes on. Updates
  within the limit are handled as usual.
- uploads (documents and photos): `uploads_per_hour`, the refusal said at most once an hour.

The check runs in the update processor (bot/update_order.py) as an update arrives, before it
waits for its chat's turn, builds a context, reaches a handler or the database: a dropped update
costs a dictionary look-up and a little arithmetic, and a flooding chat's queue holds only what
the limit lets through. Updates about the bot's membership (a user blocking the bot) are never
dropped: they change whom the bot may write to.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.i18n import t
from bot.update_order import PerChatUpdateProcessor

log = logging.getLogger(__name__)

PRUNE_EVERY = 1000  # admissions between sweeps of idle users


class Verdict(enum.Enum):
    ALLOW = "allow"
    WARN = "warn"  # over the limit, not yet told in this window: tell the user once
    DROP = "drop"  # over the limit again: ignore silently


@dataclass
class _Bucket:
    tokens: float
    updated: float
    warned_at: float | None = None


class Buckets:
    """One token bucket per key (a user id): `capacity` at once, refilled over `period`.

    `period` is also the window within which a user is warned at most once."""

    def __init__(
        self, capacity: int, period: float, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if capacity < 1 or period <= 0:
            raise ValueError("capacity must be at least 1 and period positive")
        self.capacity = capacity
        self.period = period
        self.refill_per_second = capacity / period
        self.clock = clock
        self._buckets: dict[int, _Bucket] = {}
        self._admissions = 0

    def admit(self, key: int) -> Verdict:
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(tokens=self.capacity, updated=now)
        else:
            # max(): a clock that steps back must not drain the bucket.
            elapsed = max(0.0, now - bucket.updated)
            bucket.tokens = min(self.capacity, bucket.tokens + elapsed * self.refill_per_second)
            bucket.updated = now
        self._admissions += 1
        if self._admissions % PRUNE_EVERY == 0:
            self._prune(now)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return Verdict.ALLOW
        if bucket.warned_at is not None and now - bucket.warned_at < self.period:
            return Verdict.DROP
        bucket.warned_at = now
        return Verdict.WARN

    def _prune(self, now: float) -> None:
        # A bucket untouched for a whole period is full again and its warning has expired:
        # forgetting it changes nothing, and the dict must not grow with every user ever seen.
        self._buckets = {
            key: bucket
            for key, bucket in self._buckets.items()
            if now - bucket.updated < self.period
        }

    def __len__(self) -> int:
        return len(self._buckets)


class UserLimits:
    """The limits of the whole bot: every user's updates and uploads."""

    def __init__(self, *, burst: int, rate: float, uploads_per_hour: int) -> None:
        self.updates = Buckets(burst, burst / rate)
        self.uploads = Buckets(uploads_per_hour, 3600.0)
        self.uploads_per_hour = uploads_per_hour
        self.dropped = 0  # updates not handled: warned or dropped (benchmarks and tests read it)
        self.warned = 0

    def check(self, update: object) -> tuple[Verdict, str | None]:
        """The verdict on an update and, for a WARN, the key of the text to send."""
        if not isinstance(update, Update):
            return Verdict.ALLOW, None
        if update.my_chat_member is not None or update.chat_member is not None:
            return Verdict.ALLOW, None
        key = _key(update)
        if key is None:
            return Verdict.ALLOW, None
        verdict = self.updates.admit(key)
        if verdict is not Verdict.ALLOW:
            return verdict, "flood-slow-down"
        message = update.message
        if message is not None and (message.document is not None or message.photo):
            verdict = self.uploads.admit(key)
            if verdict is not Verdict.ALLOW:
                return verdict, "flood-uploads"
        return Verdict.ALLOW, None


def _key(update: Update) -> int | None:
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


class FloodScreen:
    """What the update processor runs for an arriving update: its handling, a warning instead,
    or nothing at all."""

    def __init__(self, application: Application, limits: UserLimits) -> None:
        self.application = application
        self.limits = limits

    def __call__(
        self, update: object, handling: Coroutine[Any, Any, Any]
    ) -> Coroutine[Any, Any, Any] | None:
        verdict, text_key = self.limits.check(update)
        if verdict is Verdict.ALLOW:
            return handling
        handling.close()  # never started: no context, no handler, no database
        self.limits.dropped += 1
        if verdict is Verdict.WARN and text_key and update.effective_chat is not None:
            self.limits.warned += 1
            return self._warn(update, text_key)
        return None

    async def _warn(self, update: Update, text_key: str) -> None:
        from handlers.common import language_of

        log.info("user over the %s limit: told once, further updates ignored", text_key)
        context = self.application.context_types.context(self.application)
        language = await language_of(context, update.effective_user)
        try:
            await self.application.bot.send_message(
                update.effective_chat.id,
                t(language, text_key, limit=self.limits.uploads_per_hour),
            )
        except TelegramError as error:  # a lost "slow down" is not worth an error reply
            log.warning("could not tell a user to slow down: %s", error.__class__.__name__)


def install(application: Application, *, burst: int, rate: float, uploads_per_hour: int) -> None:
    """Screen every arriving update against the per-user limits before anything else."""
    processor = application.update_processor
    if not isinstance(processor, PerChatUpdateProcessor):
        raise TypeError("the per-user limits need the PerChatUpdateProcessor (bot/app.py)")
    limits = UserLimits(burst=burst, rate=rate, uploads_per_hour=uploads_per_hour)
    application.bot_data["user_limits"] = limits
    processor.screen = FloodScreen(application, limits)
