"""Replies survive a flaky network: Bot API calls made while an update is handled are retried.

Telegram (or the network to it) sometimes answers 5xx, times out, drops the connection or says
"429 retry after N". A reply that fails that way is tried again, after `retry_after` for a 429
and with a growing pause otherwise, for about `budget` seconds in all; the user's answer was
committed before the reply (one session per update), so nothing is lost meanwhile. Refusals
(400 Bad Request, 403 Forbidden) are never retried: they will not change.

Only calls made while handling an update are retried here: the outbox sender has its own
pacing and retries (bot/outbox.py), and getUpdates is retried by python-telegram-bot. If the
retries run out, the handler fails and the error handler queues its apology in the outbox, so
the user is told to try again once the network is back (handlers/errors.py).

A retried request that had in fact reached Telegram (a time-out after delivery) can show a
message twice; losing it would be worse.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter

log = logging.getLogger(__name__)

T = TypeVar("T")

FIRST_PAUSE = 0.25
MAX_PAUSE = 4.0
LONGEST_RETRY_AFTER = 30.0  # a longer 429 pause is not waited for while a user waits


def _retry_after(error: RetryAfter) -> float:
    value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def retrying(call: Callable[[], Awaitable[T]], what: str, *, budget: float = 15.0) -> T:
    """Run `call`, again after transient failures, until it succeeds or `budget` seconds of
    pauses are spent; then the last error is raised."""
    pause, spent, attempt = FIRST_PAUSE, 0.0, 0
    while True:
        attempt += 1
        try:
            return await call()
        except RetryAfter as error:
            wait = _retry_after(error)
            if wait > LONGEST_RETRY_AFTER or spent + wait > budget:
                raise
        except (BadRequest, Forbidden, InvalidToken):
            raise
        except NetworkError as error:  # 5xx, time-outs, dropped connections
            if spent + pause > budget:
                raise
            wait, pause = pause, min(pause * 2, MAX_PAUSE)
            log.info("%s failed (%s), attempt %d; retrying in %.2f s", what, error, attempt, wait)
        spent += wait
        await asyncio.sleep(wait)


def retry_post(
    post: Callable[..., Awaitable[Any]], endpoint: str, *, budget: float
) -> Callable[..., Awaitable[Any]]:
    """`post` wrapped for one endpoint (used by SSPBot while an update is handled)."""

    async def post_with_retries(*args: Any, **kwargs: Any) -> Any:
        return await retrying(lambda: post(*args, **kwargs), endpoint, budget=budget)

    return post_with_retries
