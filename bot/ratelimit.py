"""Per-user limits on incoming updates: a flood gets one polite "slow down", then silence.

Each user has two leaky buckets (aiolimiter's `AsyncLimiter`, which python-telegram-bot's own
rate limiter is built on):

- updates: `burst` at once, then `rate` a second. The first update over the limit is answered
  once with a polite "slow down" in the user's language; the next ones are dropped unseen until
  the bucket has room again, when the user is treated normally (and could be warned again).
- uploads (documents and photos): `uploads_per_hour`. The first refused upload says so; further
  refused uploads are dropped silently until one is accepted again.

The check runs first of all handlers (group -1) and touches no database, so a dropped update
costs next to nothing; with `PerChatUpdateProcessor` a flooding chat's updates queue behind each
other and never hold up other chats. Updates about the bot's membership (a user blocking the bot)
are never dropped: they change whom the bot may write to.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from aiolimiter import AsyncLimiter
from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.context import BotContext
from bot.i18n import t

log = logging.getLogger(__name__)

PRUNE_EVERY = 1000  # admissions between sweeps of idle users


class Verdict(enum.Enum):
    ALLOW = "allow"
    WARN = "warn"  # over the limit for the first time in a row: tell the user once
    DROP = "drop"  # over the limit again: ignore silently


@dataclass
class _Bucket:
    limiter: AsyncLimiter
    idle_after: float  # seconds after which an untouched bucket is empty and can be forgotten
    last_seen: float = 0.0
    warned: bool = False


class Buckets:
    """One leaky bucket per key (a user id): `capacity` at once, refilled over `period`."""

    def __init__(
        self, capacity: int, period: float, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if capacity < 1 or period <= 0:
            raise ValueError("capacity must be at least 1 and period positive")
        self.capacity = capacity
        self.period = period
        self.clock = clock
        self._buckets: dict[int, _Bucket] = {}
        self._admissions = 0

    async def admit(self, key: int) -> Verdict:
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = _Bucket(AsyncLimiter(self.capacity, self.period), self.period)
            self._buckets[key] = bucket
        bucket.last_seen = now
        self._admissions += 1
        if self._admissions % PRUNE_EVERY == 0:
            self._prune(now)
        if bucket.limiter.has_capacity():
            await bucket.limiter.acquire()  # immediate: there is room
            bucket.warned = False
            return Verdict.ALLOW
        if bucket.warned:
            return Verdict.DROP
        bucket.warned = True
        return Verdict.WARN

    def _prune(self, now: float) -> None:
        self._buckets = {
            key: bucket
            for key, bucket in self._buckets.items()
            if now - bucket.last_seen < bucket.idle_after
        }

    def __len__(self) -> int:
        return len(self._buckets)


class UserLimits:
    """The limits of the whole bot: every user's updates and uploads."""

    def __init__(self, *, burst: int, rate: float, uploads_per_hour: int) -> None:
        self.updates = Buckets(burst, burst / rate)
        self.uploads = Buckets(uploads_per_hour, 3600.0)
        self.uploads_per_hour = uploads_per_hour
        self.dropped = 0

    async def check(self, update: Update) -> tuple[Verdict, str | None]:
        """The verdict on an update and, for a WARN, the key of the text to send."""
        if update.my_chat_member is not None or update.chat_member is not None:
            return Verdict.ALLOW, None
        key = _key(update)
        if key is None:
            return Verdict.ALLOW, None
        verdict = await self.updates.admit(key)
        if verdict is not Verdict.ALLOW:
            return verdict, "flood-slow-down"
        message = update.message
        if message is not None and (message.document is not None or message.photo):
            verdict = await self.uploads.admit(key)
            if verdict is not Verdict.ALLOW:
                return verdict, "flood-uploads"
        return Verdict.ALLOW, None


def _key(update: Update) -> int | None:
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


async def limit_updates(update: object, context: BotContext) -> None:
    """Group -1: let the update through, or answer a flood once and then drop it."""
    if not isinstance(update, Update):
        return
    limits: UserLimits = context.application.bot_data["user_limits"]
    verdict, text_key = await limits.check(update)
    if verdict is Verdict.ALLOW:
        return
    limits.dropped += 1
    if verdict is Verdict.WARN and update.effective_chat is not None and text_key:
        from handlers.common import language_of

        log.info("user over the %s limit: told once, further updates ignored", text_key)
        language = await language_of(context, update.effective_user)
        await context.bot.send_message(
            update.effective_chat.id,
            t(language, text_key, limit=limits.uploads_per_hour),
        )
    raise ApplicationHandlerStop


def install(application: Application, *, burst: int, rate: float, uploads_per_hour: int) -> None:
    """Check every update against the per-user limits before any other handler sees it."""
    application.bot_data["user_limits"] = UserLimits(
        burst=burst, rate=rate, uploads_per_hour=uploads_per_hour
    )
    application.add_handler(TypeHandler(Update, limit_updates), group=-1)
