"""The outbox sender: sends queued outbox rows within Telegram's limits.

Everything the bot says to many people, and everything it says later, is first a row in the
outbox (storage/queries/outbox.py); `OutboxSender` sends those rows:

- at most `rate_per_second` sends in any sliding one-second window as Telegram counts them
  (Telegram: about 30 messages a second per bot), evenly spread, never in bursts (`SendPacer`);
- at most one message per `per_chat_interval` to one chat (Telegram: one a second); a row for a
  busy chat goes back to the queue until the chat is free and does not hold up the others;
- sends run concurrently: with 100 ms round trips a one-at-a-time loop would manage ten a
  second; here the rate, not the latency, sets the pace;
- 429 (flood control): every send pauses for `retry_after` seconds and the row is queued again,
  without counting as an attempt; 403: the row is "blocked" and its user inactive; 400: "failed"
  with Telegram's description; network errors, timeouts and 5xx: retried with exponential backoff,
  then "failed" after `max_attempts` attempts.
- refusals that outlast the message (a user who blocked the bot, a channel that removed it or
  took its right to post) are followed up once their outcomes are written, by a task beside the
  sends (bot/refusals.py): the user's reminders are re-planned, the channel marked lost.

Outcomes are written a few at a time while a batch is sent (one transaction for whatever has
finished), not at the end of the batch.

Crashes. A claimed row is in "sending" until its outcome is written. If the process dies, its
rows stay there until `stale_after` has passed; the next claim puts them back in the queue and
they are sent again. So after a crash each message that was in flight (its send started, its
outcome not yet written) may arrive twice, and no other: at most `max_in_flight` plus the outcomes
waiting for their write (tens of milliseconds' worth). `stale_after` must be longer than a sender
keeps a claim, so claims are capped at what the rate sends in half of `stale_after`. A request
that times out may also have been delivered; it is retried, as Telegram gives no way to tell.

Cancelling `run_once` or `run_forever` behaves like a crash (sends in flight are abandoned and
nothing more is written); `stop()` is the clean way: the sends in flight finish and are recorded,
and the rows of the batch not yet started go back to the queue for the next start.

Logs show row ids, chat ids, statuses and Telegram's error descriptions, never message texts or
the token.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import math
import warnings
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, ContextTypes

from bot.refusals import Refusals, follow_up
from bot.rules.channels import lost_by_refusal
from storage.db import Database
from storage.models import OutboxMessage
from storage.queries.outbox import Settlement, claim_due, next_due_at, settle
from storage.types import utcnow

log = logging.getLogger(__name__)

# The pacer's window is this much longer than a second: Telegram measures on its clock, we on
# ours, and the estimate below of when a request reached Telegram is good to a few milliseconds.
WINDOW_MARGIN = 0.01
# The fastest round trip is trusted once this many were seen (the first ones open connections
# and are slow; trusting them would count those sends from too early a moment).
TRUSTED_AFTER = 10
# Sends that may follow one another at once to catch up with the even schedule.
BURST = 4
# Outcomes are written at most this often while a batch runs (each write is one transaction).
FLUSH_INTERVAL = 0.05
# Refusals are followed up at most this often while sends go on: re-planning the reminders of
# the users found blocked in a second at once costs about what one of them alone does.
FOLLOW_UP_INTERVAL = 1.0


class Slot:
    """One send's place in the pacer's window, from its start until it has been answered."""

    __slots__ = ("answered_by", "granted")

    def __init__(self, granted: float) -> None:
        self.granted = granted
        # The latest moment the request can have reached Telegram; None while in flight.
        self.answered_by: float | None = None


class SendPacer:
    """At most `rate` sends in any sliding window of one second (plus `WINDOW_MARGIN`) as
    Telegram counts them, started on an even schedule.

    What Telegram counts is when a request reaches it, later than when we start it by a delay
    that varies: a garbage collection or a busy event loop can hold one request back by 100 ms
    while the one 30 places later goes straight through, and Telegram then sees 31 in a second
    and answers 429. So a send keeps its place in the window until it is answered, and from then
    on counts from the latest moment it can have arrived: its start, or its answer less the
    fastest round trip seen, whichever is later. A request held back by a pause thus counts from
    after the pause; one still in flight holds its place.

    Why not a leaky or token bucket (aiolimiter): a bucket of capacity N lets N sends go at once
    after a quiet spell and refills continuously, so some one-second window holds close to 2N
    sends; with capacity 1 it never bursts, but it counts our starts, not Telegram's arrivals,
    and it cannot make up for a stall (a claim, a database write, a busy loop), so a broadcast
    falls short of the rate. Here the even schedule (a quarter faster than the window allows, and
    able to catch up by `BURST` starts) keeps sends apart, and the window, counting what
    Telegram counts, sets the pace."""

    def __init__(self, rate: float, *, margin: float = WINDOW_MARGIN) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        # Below one a second: one send per 1/rate seconds.
        self.capacity = max(1, math.floor(rate))
        self.window = max(1.0, 1.0 / rate) * (1.0 + margin)
        # Starts follow an even schedule a quarter faster than the window allows: no bursts,
        # room to make up for a stall, and the window, not the schedule, sets the pace.
        self.gap = self.window / self.capacity * 0.8
        self.fastest_round_trip = math.inf
        self._round_trips = 0
        self._in_flight = 0  # sends started and not answered: they hold their place
        self._expiries: list[float] = []  # heap: when answered sends leave the window
        self._next_start = -math.inf  # on the even schedule
        self._lock = asyncio.Lock()
        self._answered = asyncio.Event()

    def _delay(self, now: float) -> float:
        """Seconds until a send may start (inf: until a send in flight is answered)."""
        expiries = self._expiries
        while expiries and expiries[0] <= now:
            heapq.heappop(expiries)
        delay = self._next_start - now
        excess = self._in_flight + len(expiries) - self.capacity + 1
        if excess > 0:
            if excess > len(expiries):
                return math.inf
            delay = max(delay, heapq.nsmallest(excess, expiries)[-1] - now)
        return delay

    async def acquire(self) -> Slot:
        """Wait for a free place and take it; give it back with `release` once answered."""
        loop = asyncio.get_running_loop()
        async with self._lock:  # first come, first served
            while (delay := self._delay(loop.time())) > 0:
                if delay < math.inf:
                    await asyncio.sleep(delay)
                else:  # every place is held by a send in flight
                    self._answered.clear()
                    await self._answered.wait()
            now = loop.time()
            self._in_flight += 1
            # A start that came late (a busy loop) lets up to BURST more follow sooner.
            self._next_start = max(self._next_start, now - self.gap * BURST) + self.gap
            return Slot(now)

    def release(self, slot: Slot, *, answered: bool) -> float:
        """The send is over; `answered`: Telegram replied, which also measures a round trip.
        Returns the moment the send counts from."""
        if slot.answered_by is not None:
            return slot.answered_by
        now = asyncio.get_running_loop().time()
        if answered:
            self.fastest_round_trip = min(self.fastest_round_trip, now - slot.granted)
            self._round_trips += 1
        if answered and self._round_trips > TRUSTED_AFTER:
            slot.answered_by = max(slot.granted, now - self.fastest_round_trip)
        else:  # a timeout, a broken connection, or too few round trips seen to judge
            slot.answered_by = now
        self._in_flight -= 1
        heapq.heappush(self._expiries, slot.answered_by + self.window)
        self._answered.set()
        return slot.answered_by


def _retry_after_seconds(error: RetryAfter) -> float:
    # python-telegram-bot 22 warns that retry_after will become a timedelta; accept both.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value: Any = error.retry_after
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)


class OutboxSender:
    """Sends due outbox rows through `bot`, honouring Telegram's limits (see the module)."""

    def __init__(
        self,
        bot: Bot,
        db: Database,
        *,
        rate_per_second: float = 30,
        per_chat_interval: float = 1.0,
        max_attempts: int = 5,
        batch: int = 100,
        stale_after: float = 60,
        clock: Callable[[], datetime] = utcnow,
        backoff: float = 2.0,
        max_backoff: float = 600.0,
        max_in_flight: int = 64,
        idle_interval: float = 1.0,
        default_language: str = "ru",
    ) -> None:
        """`rate_per_second`: sends in any one second (as Telegram counts them), all chats.
        `per_chat_interval`: seconds between two sends to one chat.
        `max_attempts`: attempts before a row that keeps failing (network, 5xx) is "failed".
        `batch`: rows claimed at a time; `stale_after`: seconds after which another sender
        takes over a claim left in "sending" (a crash).
        `clock`: the time stored and compared in the database (aware UTC); waits use the event
        loop's monotonic clock.
        `backoff`: first retry delay in seconds, doubled per attempt up to `max_backoff`.
        `max_in_flight`: concurrent requests; the bot's connection pool must allow as many
        (python-telegram-bot's ApplicationBuilder gives 256; a bare `telegram.Bot()` has 1: pass
        `request=HTTPXRequest(connection_pool_size=...)`).
        `idle_interval`: seconds `run_forever` waits when nothing is due.
        `default_language`: of staff told that their channel refuses the bot, if they chose none."""
        self.bot = bot
        self.db = db
        self.rate_per_second = rate_per_second
        self.per_chat_interval = per_chat_interval
        self.max_attempts = max_attempts
        self.stale_after = stale_after
        # A claim must be sent long before it counts as stale.
        self.batch = max(1, min(batch, math.floor(rate_per_second * stale_after / 2)))
        self.clock = clock
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.idle_interval = idle_interval
        self.default_language = default_language
        self.stats: Counter[str] = Counter()
        self._pacer = SendPacer(rate_per_second)
        self._chat_gap = per_chat_interval * (1 + WINDOW_MARGIN)
        self._slots = asyncio.Semaphore(max_in_flight)
        self._run_lock = asyncio.Lock()
        self._chat_free_at: dict[int, float] = {}  # loop time when a chat may get the next one
        self._paused_until = 0.0  # loop time; set by a 429
        self._pending: list[Settlement] = []  # outcomes not yet written
        self._wake = asyncio.Event()
        self._unsettled: set[int] = set()  # started sends whose outcome is not yet written
        # Refusals to follow up once their row's outcome is written: row id -> users.id of a
        # user who blocked the bot, or (chat id, reason) of a channel that refuses it.
        self._blocked_by_row: dict[int, int] = {}
        self._lost_by_row: dict[int, tuple[int, str]] = {}
        self._refusals = Refusals()  # written, waiting for `_follow_up`
        self._refused = asyncio.Event()
        self._stop = asyncio.Event()
        self._stopped = False
        self._task: asyncio.Task[None] | None = None

    # -- state for callers and tests ----------------------------------------------------------
    @property
    def busy(self) -> bool:
        """True while a batch is being sent."""
        return self._run_lock.locked()

    @property
    def unsettled(self) -> int:
        """Sends started whose outcome is not written yet: what a crash now could duplicate."""
        return len(self._unsettled)

    def _loop_time(self) -> float:
        return asyncio.get_running_loop().time()

    def _pause_left(self) -> float:
        return self._paused_until - self._loop_time()

    def _later(self, seconds: float) -> datetime:
        return self.clock() + timedelta(seconds=max(seconds, 0.0))

    # -- running ---------------------------------------------------------------------------
    async def run_once(self) -> int:
        """Claim one batch of due rows and send it; returns how many sends were made (sent,
        failed, blocked or to be retried), once all are answered and recorded. Returns 0 at once
        if the sender is already running, is stopped, or sending is paused by a 429."""
        if self._stopped or self._run_lock.locked() or self._pause_left() > 0:
            return 0
        async with self._run_lock:
            return await self._run(None)

    async def run_forever(self, stop_event: asyncio.Event) -> None:
        """Send batch after batch until `stop_event` is set, then finish the sends in flight
        and record them. The next batch is claimed as soon as the last one has started, so
        the pace never waits for the database or for the last answers of a batch."""
        async with self._run_lock:
            await self._run(stop_event)

    async def _run(self, stop_event: asyncio.Event | None) -> int:
        started = 0
        sends_done = asyncio.Event()
        writes_done = asyncio.Event()
        async with asyncio.TaskGroup() as group:
            group.create_task(self._write_outcomes(sends_done, writes_done))
            group.create_task(self._follow_up(writes_done))
            try:
                async with asyncio.TaskGroup() as sends:
                    while True:
                        rows = await self._claim(raise_errors=stop_event is None)
                        if rows:
                            started += await self._dispatch(rows, sends)
                        if stop_event is None or stop_event.is_set():
                            break
                        if not rows:
                            with contextlib.suppress(TimeoutError):
                                await asyncio.wait_for(stop_event.wait(), await self._idle_wait())
            finally:
                sends_done.set()
                self._wake.set()
        return started

    async def _claim(self, *, raise_errors: bool) -> list[OutboxMessage]:
        self._prune_chats()
        if self._pause_left() > 0:
            return []
        try:
            async with self.db.session() as session:
                rows = await claim_due(
                    session, limit=self.batch, now=self.clock(), stale_after=self.stale_after
                )
        except Exception:
            if raise_errors:
                raise
            log.exception("outbox: could not claim rows; trying again shortly")
            return []
        if rows:
            log.debug("outbox: claimed %d rows (%d..%d)", len(rows), rows[0].id, rows[-1].id)
        return rows

    async def _dispatch(self, rows: list[OutboxMessage], sends: asyncio.TaskGroup) -> int:
        """Start a send per row, in id order, as the pacer, the chats and a 429 allow; rows
        that cannot go now are put back in the queue. Returns how many sends were started."""
        started = 0
        for index, row in enumerate(rows):
            if self._stopped:  # stopping: what has not started waits for the next start
                self._put_back(rows[index:], 0.0, None)
                break
            if self._pause_left() > 0:
                self._put_back(rows[index:], self._pause_left(), "paused by flood control")
                break
            chat_wait = self._chat_free_at.get(row.chat_id, 0.0) - self._loop_time()
            if chat_wait > 0:
                self._put_back([row], chat_wait, None)
                continue
            await self._slots.acquire()
            try:
                slot = await self._pacer.acquire()
            except BaseException:
                self._slots.release()
                raise
            if self._pause_left() > 0 or self._stopped:  # a 429 or a stop came meanwhile
                self._pacer.release(slot, answered=False)
                self._slots.release()
                if self._stopped:
                    self._put_back(rows[index:], 0.0, None)
                else:
                    self._put_back(rows[index:], self._pause_left(), "paused by flood control")
                break
            self._chat_free_at[row.chat_id] = slot.granted + self._chat_gap
            self._unsettled.add(row.id)
            sends.create_task(self._deliver(row, slot), name=f"outbox-{row.id}")
            started += 1
        return started

    def _put_back(self, rows: list[OutboxMessage], seconds: float, reason: str | None) -> None:
        # A little after the moment, so the row is not claimed a hair too early and put back again.
        when = self._later(seconds + 0.01)
        for row in rows:
            self.stats["deferred"] += 1
            self._record(
                Settlement(row.id, "queued", attempts=0, error=reason, next_attempt_at=when)
            )

    async def _deliver(self, row: OutboxMessage, slot: Slot) -> None:
        """Send one row and note its outcome (written by `_write_outcomes`)."""
        answered = False
        try:
            try:
                message = await self.bot.send_message(
                    chat_id=row.chat_id,
                    text=row.text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=_markup(row.reply_markup),
                )
                answered = True
            except TelegramError as error:
                # Telegram answered, unless the request failed on the way (5xx count as that).
                answered = isinstance(error, BadRequest) or not isinstance(error, NetworkError)
                raise
            finally:
                counts_from = self._pacer.release(slot, answered=answered)
                free_at = counts_from + self._chat_gap
                self._chat_free_at[row.chat_id] = max(
                    free_at, self._chat_free_at.get(row.chat_id, free_at)
                )
                self._slots.release()
        except RetryAfter as error:
            seconds = _retry_after_seconds(error)
            self._paused_until = max(self._paused_until, self._loop_time() + seconds)
            log.warning("outbox: 429 on row %s; all sending paused for %s s", row.id, seconds)
            self.stats["rate_limited"] += 1
            outcome = Settlement(
                row.id,
                "queued",
                attempts=0,
                error=f"429 Too Many Requests: retry after {seconds:g}",
                next_attempt_at=self._later(seconds),
            )
        except Forbidden as error:
            log.info("outbox: row %s to chat %s blocked: %s", row.id, row.chat_id, error.message)
            self.stats["blocked"] += 1
            self._note_refusal(row, forbidden=True, description=error.message)
            outcome = Settlement(row.id, "blocked", error=self._redact(error.message))
        except BadRequest as error:  # before NetworkError: BadRequest is one of its subclasses
            log.warning("outbox: row %s to chat %s refused: %s", row.id, row.chat_id, error.message)
            self.stats["failed"] += 1
            self._note_refusal(row, forbidden=False, description=error.message)
            outcome = Settlement(row.id, "failed", error=self._redact(error.message))
        except (NetworkError, TelegramError) as error:  # TimedOut, 5xx, and anything unexpected
            outcome = self._retry_or_fail(row, f"{type(error).__name__}: {error.message}")
        except Exception as error:  # a bug must not leave the row in "sending"
            log.exception("outbox: row %s failed unexpectedly", row.id)
            outcome = self._retry_or_fail(row, f"{type(error).__name__}")
        else:
            self.stats["sent"] += 1
            outcome = Settlement(
                row.id, "sent", telegram_message_id=message.message_id, sent_at=self.clock()
            )
        self._record(outcome)

    def _note_refusal(self, row: OutboxMessage, *, forbidden: bool, description: str) -> None:
        """Remember a refusal that outlasts this message, to follow up once it is written: a
        user who blocked the bot (403), or a channel post (no user) refused for good."""
        if row.user_id is not None:
            if forbidden:
                self._blocked_by_row[row.id] = row.user_id
        elif (reason := lost_by_refusal(forbidden=forbidden, description=description)) is not None:
            self._lost_by_row[row.id] = (row.chat_id, reason)

    def _retry_or_fail(self, row: OutboxMessage, error: str) -> Settlement:
        error = self._redact(error)
        attempts = row.attempts + 1
        if attempts >= self.max_attempts:
            log.warning("outbox: row %s failed after %d attempts: %s", row.id, attempts, error)
            self.stats["failed"] += 1
            return Settlement(row.id, "failed", error=error)
        delay = min(self.backoff * 2 ** (attempts - 1), self.max_backoff)
        log.info(
            "outbox: row %s attempt %d failed (%s); retry in %g s", row.id, attempts, error, delay
        )
        self.stats["retried"] += 1
        return Settlement(row.id, "queued", error=error, next_attempt_at=self._later(delay))

    def _redact(self, text: str) -> str:
        token = getattr(self.bot, "token", None)
        return text.replace(token, "<token>") if token else text

    # -- writing outcomes ------------------------------------------------------------------
    def _record(self, outcome: Settlement) -> None:
        self._pending.append(outcome)
        self._wake.set()

    async def _write_outcomes(self, sends_done: asyncio.Event, writes_done: asyncio.Event) -> None:
        """Write outcomes as they come, a transaction per group, until the batch is done."""
        try:
            while True:
                if self._pending:
                    outcomes, self._pending = self._pending, []
                    await self._write(outcomes)
                    if not sends_done.is_set():
                        await asyncio.sleep(FLUSH_INTERVAL)
                elif sends_done.is_set():
                    return
                else:
                    await self._wake.wait()
                    self._wake.clear()
        finally:
            writes_done.set()
            self._refused.set()

    async def _write(self, outcomes: list[Settlement]) -> None:
        for attempt in range(5):
            try:
                async with self.db.session() as session:
                    await settle(session, settlements=outcomes)
            except Exception:
                log.warning("outbox: recording outcomes failed; retrying", exc_info=True)
                await asyncio.sleep(0.5 * 2**attempt)
                continue
            for outcome in outcomes:
                self._unsettled.discard(outcome.message_id)
            self._refusals_written(outcomes, written=True)
            return
        # The rows stay in "sending" and are sent again once their claim is stale.
        log.error("outbox: could not record %d outcomes", len(outcomes))
        self._refusals_written(outcomes, written=False)

    def _refusals_written(self, outcomes: list[Settlement], *, written: bool) -> None:
        """The refusals among `outcomes` go to `_follow_up` once written (forgotten if not:
        their rows are sent again later and refused again)."""
        for outcome in outcomes:
            user_id = self._blocked_by_row.pop(outcome.message_id, None)
            lost = self._lost_by_row.pop(outcome.message_id, None)
            if not written:
                continue
            if user_id is not None:
                self._refusals.blocked_users.add(user_id)
            if lost is not None:
                self._refusals.lost_channels.setdefault(*lost)
        if self._refusals:
            self._refused.set()

    async def _follow_up(self, writes_done: asyncio.Event) -> None:
        """Hand the written refusals to bot/refusals.py, all those gathered meanwhile at a time
        (at most once per FOLLOW_UP_INTERVAL), beside the sends (which never wait for it),
        until the run's last outcome is written."""
        while True:
            if self._refusals:
                with contextlib.suppress(TimeoutError):  # gather more, unless the run is over
                    await asyncio.wait_for(writes_done.wait(), FOLLOW_UP_INTERVAL)
                refusals, self._refusals = self._refusals, Refusals()
                try:
                    await follow_up(self.db, refusals, default_language=self.default_language)
                except Exception:  # a bug here must not cancel the sends
                    log.exception("outbox: following up refusals failed")
            elif writes_done.is_set():
                return
            else:
                await self._refused.wait()
                self._refused.clear()

    def _prune_chats(self) -> None:
        if len(self._chat_free_at) > 10_000:
            now = self._loop_time()
            self._chat_free_at = {c: t for c, t in self._chat_free_at.items() if t > now}

    async def _idle_wait(self) -> float:
        """Seconds until something may be due: a 429 pause, the next queued row, or a poll."""
        if (pause := self._pause_left()) > 0:
            return pause
        try:
            async with self.db.session() as session:
                due = await next_due_at(session)
        except Exception:
            log.warning("outbox: could not read the queue", exc_info=True)
            return self.idle_interval
        if due is None:
            return self.idle_interval
        return min(max((due - self.clock()).total_seconds(), 0.01), self.idle_interval)

    def start(self) -> asyncio.Task[None]:
        """Run in the background until `stop()`."""
        self._stopped = False
        if self._task is None or self._task.done():
            self._stop = asyncio.Event()
            self._task = asyncio.get_running_loop().create_task(
                self.run_forever(self._stop), name="outbox-sender"
            )
        return self._task

    async def stop(self) -> None:
        """Stop sending: the sends in flight finish and are recorded, whether they were
        started by `start()` or by a `run_once` in progress (the JobQueue's); later calls of
        `run_once` do nothing. Call it before the bot's HTTP client is closed."""
        self._stopped = True
        if self._task is not None:
            self._stop.set()
            await self._task
            self._task = None
        async with self._run_lock:  # a run_once in progress has finished
            pass


def _markup(raw: dict | None) -> Any:
    if not raw:
        return None
    if "inline_keyboard" in raw:
        return InlineKeyboardMarkup.de_json(raw, None)
    return raw  # other keyboards go as stored; python-telegram-bot sends a dict as JSON


def schedule_on(application: Application, sender: OutboxSender, interval: float = 1.0) -> None:
    """Let the application's JobQueue run `sender` every `interval` seconds, from start-up.

    Each run sends batch after batch until nothing is due. A tick that comes while a run is
    still going returns at once (runs never overlap; APScheduler is allowed a second instance
    so that it does not log a warning for every such tick)."""

    async def send_outbox(context: ContextTypes.DEFAULT_TYPE) -> None:
        """Send what is due in the outbox."""
        if sender.busy:
            return
        while await sender.run_once():
            pass

    application.job_queue.run_repeating(
        send_outbox, interval, first=0, name="outbox", job_kwargs={"max_instances": 2}
    )
