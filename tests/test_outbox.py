"""The outbox: queries on SQLite and PostgreSQL, and the sender against the Bot API stand-in.

Every assertion is about what reached the stand-in (its call record and chats) or what the
database says, never about how fast the machine is; waits are generous."""

from __future__ import annotations

import asyncio
import bisect
import itertools
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select
from telegram import Bot
from telegram.ext import Application
from telegram.request import HTTPXRequest

from bot.outbox import OutboxSender, SendPacer, schedule_on
from bot.outbox_request import AiohttpRequest
from sandbox import SandboxClient, StandIn
from storage.db import Database
from storage.models import Broadcast, Municipality, OutboxMessage, User
from storage.queries.outbox import (
    broadcast_counts,
    claim_due,
    enqueue,
    enqueue_many,
    mark_blocked,
    mark_failed,
    mark_retry,
    mark_sent,
)
from storage.types import utcnow
from tests.conftest import TEST_TOKEN

# python-telegram-bot itself warns when it builds a RetryAfter (retry_after becomes a timedelta).
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after:DeprecationWarning")

FIRST_CHAT = 880_000_000
TEXT = "<b>New call</b>: support for children of labour migrants"
MARKUP = {"inline_keyboard": [[{"text": "Open the call", "callback_data": "call:7"}]]}


# -- helpers -----------------------------------------------------------------------------------
@pytest.fixture
async def sender_bot(standin: StandIn) -> AsyncIterator[Bot]:
    """A plain python-telegram-bot Bot on the stand-in, with room for concurrent sends."""
    request = HTTPXRequest(connection_pool_size=32)
    async with Bot(TEST_TOKEN, base_url=standin.bot_base_url, request=request) as client:
        yield client


async def add_users(db: Database, standin: StandIn, count: int, first: int = FIRST_CHAT):
    """`count` users who have started the bot: in the stand-in and as users rows."""
    chat_ids = [first + i for i in range(count)]
    for i, chat_id in enumerate(chat_ids):
        standin.world.user(chat_id, first_name=f"Recipient {i}")
    async with db.session() as session:
        users = [User(telegram_id=chat_id) for chat_id in chat_ids]
        session.add_all(users)
        await session.commit()
        return {user.telegram_id: user.id for user in users}


async def new_broadcast(db: Database) -> int:
    async with db.session() as session:
        town = (await session.exec(select(Municipality))).first()
        if town is None:
            town = Municipality(slug="osh", name_ky="Ош", name_ru="Ош", name_en="Osh")
            session.add(town)
            await session.flush()
        broadcast = Broadcast(municipality_id=town.id, kind="announcement")
        session.add(broadcast)
        await session.commit()
        return broadcast.id


async def enqueue_broadcast(db: Database, users: dict[int, int], text: str = TEXT) -> int:
    broadcast_id = await new_broadcast(db)
    rows = [
        {
            "chat_id": chat_id,
            "user_id": user_id,
            "broadcast_id": broadcast_id,
            "dedupe_key": f"b{broadcast_id}:u{user_id}",
            "text": text,
            "reply_markup": MARKUP,
        }
        for chat_id, user_id in users.items()
    ]
    async with db.session() as session:
        assert await enqueue_many(session, rows) == len(rows)
        await session.commit()
    return broadcast_id


async def outbox_rows(db: Database) -> list[OutboxMessage]:
    async with db.session() as session:
        return list((await session.exec(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def wait_until(predicate: Callable[[], Any], timeout: float = 60, step: float = 0.05) -> Any:
    """Poll `predicate` (sync or async) until it is truthy; fail after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = predicate()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"still not true after {timeout} s")
        await asyncio.sleep(step)


async def all_settled(db: Database) -> bool:
    return all(row.status not in ("queued", "sending") for row in await outbox_rows(db))


async def drain(sender: OutboxSender, db: Database, timeout: float = 60) -> None:
    """Run the sender until no row is queued or sending, then stop it cleanly."""
    sender.start()
    try:
        await wait_until(lambda: all_settled(db), timeout=timeout, step=0.1)
    finally:
        await sender.stop()


def bot_messages(standin: StandIn, chat_id: int) -> list[Any]:
    return [m for m in standin.world.messages.get(chat_id, []) if m.sender == "bot"]


def send_calls(standin: StandIn) -> list[dict[str, Any]]:
    return [c for c in standin.world.calls if c["method"] == "sendMessage"]


def most_in_one_second(times: list[float]) -> int:
    times = sorted(times)
    return max(
        (bisect.bisect_left(times, t + 1.0, lo=i) - i for i, t in enumerate(times)), default=0
    )


# -- queries -------------------------------------------------------------------------------
async def test_a_dedupe_key_is_enqueued_once(database: Database) -> None:
    async with database.session() as session:
        assert await enqueue(session, chat_id=1, text="a", dedupe_key="call:7:u1")
        assert not await enqueue(session, chat_id=1, text="again", dedupe_key="call:7:u1")
        # Without a key nothing is deduplicated.
        assert await enqueue(session, chat_id=1, text="b")
        assert await enqueue(session, chat_id=1, text="b")
        many = [{"chat_id": 2, "text": "c", "dedupe_key": f"k{i % 3}"} for i in range(6)]
        assert await enqueue_many(session, many) == 3
        assert await enqueue_many(session, many) == 0
        await session.commit()
    rows = await outbox_rows(database)
    assert [row.text for row in rows] == ["a", "b", "b", "c", "c", "c"]
    assert all(row.status == "queued" and row.attempts == 0 for row in rows)


async def test_enqueuing_joins_the_callers_transaction(database: Database) -> None:
    async with database.session() as session:
        await enqueue(session, chat_id=1, text="announced", dedupe_key="x")
        await session.rollback()  # the caller's change failed: its messages go too
    assert await outbox_rows(database) == []


async def test_claims_are_disjoint_and_stale_claims_come_back(database: Database) -> None:
    async with database.session() as session:
        await enqueue_many(session, [{"chat_id": i, "text": "t"} for i in range(50)])
        await session.commit()
    now = utcnow()

    async def claim(limit: int) -> list[int]:
        async with database.session() as session:
            rows = await claim_due(session, limit=limit, now=now, stale_after=60)
            return [row.id for row in rows]

    # Two senders at once (on PostgreSQL: SKIP LOCKED; on SQLite: one writer at a time).
    first, second = await asyncio.gather(claim(30), claim(30))
    assert not set(first) & set(second)
    assert sorted(first + second) == [row.id for row in await outbox_rows(database)]
    assert first == sorted(first) and second == sorted(second)
    assert await claim(10) == []  # everything is claimed

    # The senders "die": a minute later their claims are stale and are claimed again.
    async with database.session() as session:
        later = await claim_due(session, limit=100, now=now + timedelta(seconds=61), stale_after=60)
    assert len(later) == 50


async def test_a_future_row_waits_for_its_moment(database: Database) -> None:
    now = utcnow()
    async with database.session() as session:
        await enqueue(session, chat_id=1, text="later", not_before=now + timedelta(hours=1))
        await session.commit()
        assert await claim_due(session, limit=10, now=now, stale_after=60) == []
        due = await claim_due(session, limit=10, now=now + timedelta(hours=1), stale_after=60)
    assert [row.text for row in due] == ["later"]


async def test_marks_and_broadcast_counts(database: Database, standin: StandIn) -> None:
    users = await add_users(database, standin, 5)
    broadcast_id = await enqueue_broadcast(database, users)
    now = utcnow()
    async with database.session() as session:
        rows = await claim_due(session, limit=10, now=now, stale_after=60)
        assert await broadcast_counts(session, broadcast_id=broadcast_id) == {
            "queued": 0,
            "sending": 5,
            "sent": 0,
            "failed": 0,
            "blocked": 0,
            "total": 5,
        }
        await mark_sent(session, message_id=rows[0].id, telegram_message_id=11, now=now)
        await mark_sent(session, message_id=rows[1].id, telegram_message_id=12, now=now)
        await mark_failed(session, message_id=rows[2].id, error="Bad Request: chat not found")
        await mark_blocked(session, message_id=rows[3].id)
        await mark_retry(
            session, message_id=rows[4].id, error="TimedOut", next_attempt_at=now, commit=False
        )
        await session.commit()
        counts = await broadcast_counts(session, broadcast_id=broadcast_id)
    assert counts == {"queued": 1, "sending": 0, "sent": 2, "failed": 1, "blocked": 1, "total": 5}
    stored = {row.id: row for row in await outbox_rows(database)}
    assert stored[rows[0].id].telegram_message_id == 11 and stored[rows[0].id].sent_at
    assert stored[rows[2].id].last_error == "Bad Request: chat not found"
    assert stored[rows[4].id].attempts == 1 and stored[rows[4].id].claimed_at is None
    async with database.session() as session:
        active = dict((await session.exec(select(User.id, User.is_active))).all())
    assert active[rows[3].user_id] is False
    assert sum(active.values()) == 4


# -- the sender ------------------------------------------------------------------------------
@pytest.mark.parametrize("transport", ["httpx", "aiohttp"])
async def test_every_row_is_delivered_exactly_once(
    database: Database, standin: StandIn, transport: str
) -> None:
    users = await add_users(database, standin, 40)
    broadcast_id = await enqueue_broadcast(database, users)
    request = (
        HTTPXRequest(connection_pool_size=32)
        if transport == "httpx"
        else AiohttpRequest(connection_pool_size=32)
    )
    async with Bot(TEST_TOKEN, base_url=standin.bot_base_url, request=request) as bot:
        await drain(OutboxSender(bot, database, rate_per_second=100), database)

    for chat_id in users:
        [message] = bot_messages(standin, chat_id)
        assert message.api["text"].startswith("New call: support")  # HTML parsed
        assert message.api["entities"][0]["type"] == "bold"
        assert message.reply_markup == MARKUP
    rows = await outbox_rows(database)
    assert {row.status for row in rows} == {"sent"}
    assert all(row.attempts == 1 and row.telegram_message_id == 1 for row in rows)
    async with database.session() as session:
        counts = await broadcast_counts(session, broadcast_id=broadcast_id)
    assert counts["sent"] == counts["total"] == 40
    assert [c for c in send_calls(standin) if c.get("spec_problems")] == []


async def test_a_busy_chat_waits_without_holding_up_others(
    database: Database, standin: StandIn, sender_bot: Bot
) -> None:
    users = await add_users(database, standin, 2)
    busy, other = users
    async with database.session() as session:
        for n in range(3):
            await enqueue(session, chat_id=busy, text=f"busy {n}")
        await enqueue(session, chat_id=other, text="other")
        await session.commit()
    await drain(OutboxSender(sender_bot, database, rate_per_second=30), database)

    assert [m.api["text"] for m in bot_messages(standin, busy)] == ["busy 0", "busy 1", "busy 2"]
    calls = send_calls(standin)
    busy_times = [c["t_mono"] for c in calls if c["params"]["chat_id"] == busy]
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(busy_times))
    [other_time] = [c["t_mono"] for c in calls if c["params"]["chat_id"] == other]
    assert other_time < busy_times[1]  # not queued behind the busy chat's second message


async def test_the_global_ceiling_is_never_exceeded(
    database: Database, standin: StandIn, sandbox: SandboxClient, sender_bot: Bot
) -> None:
    await sandbox.set_faults(max_messages_per_second=10)
    users = await add_users(database, standin, 35)
    await enqueue_broadcast(database, users)
    await drain(OutboxSender(sender_bot, database, rate_per_second=10), database)

    calls = send_calls(standin)
    assert [c["status"] for c in calls] == [200] * 35  # not a single 429
    assert most_in_one_second([c["t_mono"] for c in calls]) <= 10


async def test_a_429_storm_pauses_everything_and_loses_nothing(
    database: Database, standin: StandIn, sandbox: SandboxClient, sender_bot: Bot
) -> None:
    # The sender believes in 25 a second; the "server" allows 5 and says: retry after 1 s.
    await sandbox.set_faults(max_messages_per_second=5, retry_after=1)
    users = await add_users(database, standin, 20)
    await enqueue_broadcast(database, users)
    sender = OutboxSender(sender_bot, database, rate_per_second=25)
    await drain(sender, database, timeout=90)

    calls = send_calls(standin)
    refused = [c for c in calls if c["status"] == 429]
    assert refused and sender.stats["rate_limited"] == len(refused)
    assert all(len(bot_messages(standin, chat_id)) == 1 for chat_id in users)
    # No attempt was counted for a 429: each row took exactly one real attempt.
    assert all(row.status == "sent" and row.attempts == 1 for row in await outbox_rows(database))
    # retry_after honoured: after a 429 answer nothing new starts for a second (sends already
    # on their way when it came may still arrive a few milliseconds later).
    starts = sorted(c["t_mono"] for c in calls)
    for answer in (c["t_mono"] + c["duration_ms"] / 1000 for c in refused):
        assert not [t for t in starts if answer + 0.1 < t < answer + 0.95]


async def test_a_user_who_blocked_the_bot_is_marked_and_skipped(
    database: Database, standin: StandIn, sandbox: SandboxClient, sender_bot: Bot
) -> None:
    users = await add_users(database, standin, 3)
    blocker, *others = users
    await sandbox.user(blocker, first_name="Bakyt").block()
    await enqueue_broadcast(database, users)
    await drain(OutboxSender(sender_bot, database), database)

    rows = {row.chat_id: row for row in await outbox_rows(database)}
    assert rows[blocker].status == "blocked"
    assert "blocked" in rows[blocker].last_error
    assert all(rows[chat_id].status == "sent" for chat_id in others)
    async with database.session() as session:
        user = (await session.exec(select(User).where(User.telegram_id == blocker))).one()
    assert user.is_active is False


async def test_server_errors_are_retried_until_delivered(
    database: Database, standin: StandIn, sandbox: SandboxClient, sender_bot: Bot
) -> None:
    await sandbox.set_faults(error_rate=0.3, seed=7)
    users = await add_users(database, standin, 25)
    await enqueue_broadcast(database, users)
    sender = OutboxSender(sender_bot, database, rate_per_second=50, max_attempts=20, backoff=0.05)
    await drain(sender, database)

    calls = send_calls(standin)
    statuses = {c["status"] for c in calls}
    assert 200 in statuses and statuses - {200} and statuses <= {200, 500, 502}
    assert all(len(bot_messages(standin, chat_id)) == 1 for chat_id in users)
    rows = await outbox_rows(database)
    assert {row.status for row in rows} == {"sent"}
    assert sum(row.attempts for row in rows) == len(calls)  # every call was a counted attempt
    assert max(row.attempts for row in rows) > 1


async def test_a_row_that_keeps_failing_is_given_up(
    database: Database, standin: StandIn, sandbox: SandboxClient, sender_bot: Bot
) -> None:
    await sandbox.set_faults(error_rate=1.0)
    await add_users(database, standin, 1)
    async with database.session() as session:
        await enqueue(session, chat_id=FIRST_CHAT, text="hello")
        await session.commit()
    await drain(OutboxSender(sender_bot, database, max_attempts=3, backoff=0.05), database)

    [row] = await outbox_rows(database)
    assert row.status == "failed" and row.attempts == 3
    assert "Internal Server Error" in row.last_error or "Bad Gateway" in row.last_error
    assert len(send_calls(standin)) == 3


async def test_telegram_refusals_fail_with_the_description(
    database: Database, standin: StandIn, sender_bot: Bot
) -> None:
    await add_users(database, standin, 1)
    async with database.session() as session:
        await enqueue(session, chat_id=FIRST_CHAT, text="<b>unclosed")
        await enqueue(session, chat_id=FIRST_CHAT - 1, text="nobody is here")
        await session.commit()
    await drain(OutboxSender(sender_bot, database), database)

    bad_html, no_chat = await outbox_rows(database)
    assert bad_html.status == "failed" and bad_html.last_error.startswith("Can't parse entities")
    assert no_chat.status == "failed" and no_chat.last_error == "Chat not found"
    assert len(send_calls(standin)) == 2  # a refusal is not retried


async def test_a_sender_killed_mid_broadcast_is_replaced_without_loss(
    database: Database, standin: StandIn, sandbox: SandboxClient, sender_bot: Bot
) -> None:
    await sandbox.set_faults(latency_ms=300)
    users = await add_users(database, standin, 60)
    await enqueue_broadcast(database, users)

    first = OutboxSender(sender_bot, database, rate_per_second=20)
    task = asyncio.create_task(first.run_forever(asyncio.Event()))
    # Kill it while sends are on their way: some delivered, some in flight, most not begun.
    await wait_until(
        lambda: first.unsettled >= 3 and first.stats["sent"] >= 10, timeout=60, step=0.01
    )
    in_flight = first.unsettled
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    delivered_before = sum(len(bot_messages(standin, chat_id)) for chat_id in users)
    assert 10 <= delivered_before < 60

    # A new sender takes over the dead one's claims once they are stale (2 s here).
    await drain(OutboxSender(sender_bot, database, rate_per_second=20, stale_after=2), database)

    received = [len(bot_messages(standin, chat_id)) for chat_id in users]
    assert min(received) == 1  # everyone got the message
    duplicates = sum(received) - len(received)
    assert duplicates <= in_flight
    assert {row.status for row in await outbox_rows(database)} == {"sent"}


async def test_the_job_queue_runs_the_sender(
    database: Database, standin: StandIn, sandbox: SandboxClient, sender_bot: Bot
) -> None:
    users = await add_users(database, standin, 5)
    [last] = await add_users(database, standin, 1, first=FIRST_CHAT + 100)
    application = Application.builder().bot(sender_bot).build()
    sender = OutboxSender(sender_bot, database)
    schedule_on(application, sender, interval=0.2)
    assert [job.name for job in application.job_queue.jobs()] == ["outbox"]
    async with application:
        await application.start()
        try:
            # Rows written while the bot runs go out on the next tick.
            await enqueue_broadcast(database, users)
            await wait_until(lambda: all_settled(database), timeout=30)
            assert all(len(bot_messages(standin, chat_id)) == 1 for chat_id in users)

            # Shutting down: stop() lets a batch in flight finish and be recorded.
            await sandbox.set_faults(latency_ms=300)
            async with database.session() as session:
                await enqueue(session, chat_id=last, text="last words")
                await session.commit()

            async def claimed() -> bool:
                return [row.status for row in await outbox_rows(database)][-1] == "sending"

            await wait_until(claimed, timeout=30, step=0.01)
            await sender.stop()
            assert await all_settled(database)
            assert await sender.run_once() == 0  # stopped: later ticks do nothing
        finally:
            await application.stop()
    assert [m.api["text"] for m in bot_messages(standin, last)] == ["last words"]


async def test_the_pacer_keeps_any_second_within_the_rate() -> None:
    pacer = SendPacer(40)
    counted_from = []
    for _ in range(100):
        slot = await pacer.acquire()
        await asyncio.sleep(0)
        counted_from.append((slot.granted, pacer.release(slot, answered=True)))
    # Each start leaves at least a second (and the margin) after the one 40 places before it.
    for (_, earlier), (later, _) in zip(counted_from, counted_from[40:], strict=False):
        assert later - earlier >= 1.0


async def test_refusals_that_outlast_the_message_are_followed_up_beside_the_sends(
    database: Database,
    standin: StandIn,
    sandbox: SandboxClient,
    sender_bot: Bot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Users who blocked the bot (403) and a channel that refuses the bot's posts are handed to
    bot/refusals.py once their outcomes are written; a refusal of one message (bad HTML) is
    not. The sends never wait for it: here the follow-up is held until every row has settled."""
    import bot.outbox

    users = await add_users(database, standin, 12)
    blocked = list(users)[::4]  # three of them
    for chat_id in blocked:
        standin.world.users[chat_id].blocked = True
    channel = -1001111111111
    await sandbox.set_channel(channel, title="Karakol SSP", bot_status="kicked")
    await enqueue_broadcast(database, users)
    async with database.session() as session:
        await enqueue(session, chat_id=channel, text="a post")
        await enqueue(session, chat_id=channel, text="another post")
        await enqueue(session, chat_id=FIRST_CHAT + 1, text="<b>unclosed")  # 400, one message
        await session.commit()
    followed: list = []
    release = asyncio.Event()

    async def held_follow_up(db, refusals, *, default_language) -> None:
        followed.append((refusals, default_language))
        await release.wait()

    monkeypatch.setattr(bot.outbox, "follow_up", held_follow_up)
    sender = OutboxSender(sender_bot, database, rate_per_second=100, default_language="ky")
    sender.start()
    try:
        await wait_until(lambda: all_settled(database))
        await wait_until(lambda: followed)  # the first follow-up is under way (and held)
    finally:
        release.set()
        await sender.stop()

    assert {language for _, language in followed} == {"ky"}
    seen_users = [user for refusals, _ in followed for user in refusals.blocked_users]
    assert sorted(seen_users) == sorted(users[chat_id] for chat_id in blocked)
    seen_channels = [item for refusals, _ in followed for item in refusals.lost_channels.items()]
    # Two refused posts: handed over together or one after the other (bot.channels marks the
    # channel lost once either way).
    assert set(seen_channels) == {(channel, "kicked")}
    statuses = [row.status for row in await outbox_rows(database)]
    assert statuses.count("blocked") == 5 and statuses.count("failed") == 1
