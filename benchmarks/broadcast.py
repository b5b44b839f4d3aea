"""How fast a broadcast goes out, and whether it stays within Telegram's limits.

    python -m benchmarks.broadcast --recipients 3000 --ceiling 300 --latency-ms 50

Starts the Bot API stand-in, answering 429 above `--ceiling` messages a second and waiting
`--latency-ms` before every answer; makes a fresh SQLite database in a temporary directory;
creates the recipients (in the stand-in's world directly, and as users rows); enqueues one
broadcast; runs the real OutboxSender at rate_per_second=ceiling until every row is settled;
and reads the stand-in's call record. Then a naive sender (one `await bot.send_message` after
another) on at most `--naive-cap` recipients, for comparison. The last line printed is one JSON
object.

`--blocked N` makes every N-th recipient one who has blocked the bot (403), and `--open-calls M`
adds M published calls all recipients subscribe to, with their deadline reminders planned: the
sender then follows up each blocked user (their reminders re-planned, bot/refusals.py) while it
sends, and `followed_up` counts the reminders it cancelled.

`--standin inprocess` (the default) runs the stand-in on the benchmark's own event loop;
`--standin process` runs it in a child process, as Telegram is a different machine: the fake
Telegram then does not take CPU time from the sender (see docs/benchmarks.md for why that
matters at 300 a second on two cores).

Figures, all from the stand-in's side (its call record), not the sender's:
- achieved_per_s: (accepted sends - 1) / seconds from the first to the last accepted send;
- ratio: achieved_per_s / ceiling_per_s (one run, so a slow machine affects both alike);
- max_in_any_second: the most sendMessage calls (accepted or not) in any sliding 1 s window;
- max_per_chat_per_s: the same, per chat;
- http_429: calls the stand-in refused for exceeding the ceiling;
- lost: recipients without the message; duplicates: messages beyond one per recipient.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import gc
import json
import logging
import multiprocessing
import os
import platform
import tempfile
import time
from collections import defaultdict
from datetime import timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sqlmodel import func, select
from telegram import Bot
from telegram.request import BaseRequest, HTTPXRequest

from bot.outbox import OutboxSender
from bot.outbox_request import AiohttpRequest
from sandbox import StandIn
from sandbox.world import Faults
from storage.db import Database
from storage.migrate import upgrade_database
from storage.models import (
    Broadcast,
    Competition,
    Municipality,
    Reminder,
    Subscription,
    Topic,
    User,
)
from storage.queries.outbox import broadcast_counts, enqueue_many
from storage.types import utcnow

TOKEN = "123456789:BENCH-token_for-the-local-stand-in"  # noqa: S105 (the stand-in takes any)
FIRST_CHAT_ID = 700_000_000
TEXT = "<b>New call for proposals</b>: support for children of labour migrants. Deadline 1 March."
POOL = int(os.environ.get("BENCH_POOL", "24"))
MARKUP = {"inline_keyboard": [[{"text": "Open the call", "callback_data": "call:1"}]]}


# -- the stand-in, here or in a child process ---------------------------------------------------
def _setup_world(
    standin: StandIn, chat_ids: list[int], ceiling: float, latency_ms: float, blocked: int = 0
):
    world = standin.world
    world.faults = Faults(latency_ms=latency_ms, max_messages_per_second=ceiling)
    world.send_times.clear()
    for i, chat_id in enumerate(chat_ids):
        world.user(chat_id, first_name=f"Recipient {i}").blocked = _is_blocked(i, blocked)


def _is_blocked(index: int, every: int) -> bool:
    """Every `every`-th recipient has blocked the bot (0: nobody)."""
    return every > 0 and index % every == every - 1


def _record(standin: StandIn, chat_ids: list[int]) -> dict[str, Any]:
    """What the measurement needs: sendMessage calls and bot messages per chat."""
    world = standin.world
    calls = [
        {
            "t_mono": c["t_mono"],
            "status": c.get("status"),
            "ok": c.get("ok"),
            "chat_id": c["params"].get("chat_id"),
        }
        for c in world.calls
        if c["method"] == "sendMessage"
    ]
    received = {
        chat_id: sum(m.sender == "bot" for m in world.messages.get(chat_id, []))
        for chat_id in chat_ids
    }
    return {"calls": calls, "received": received}


def _forget(standin: StandIn, chat_ids: list[int]) -> None:
    """Clear the call record and the recipients' chats (between the outbox and naive runs)."""
    world = standin.world
    world.calls.clear()
    world.send_times.clear()
    for chat_id in chat_ids:
        world.messages[chat_id] = []


class LocalStandIn:
    """The stand-in on this event loop."""

    def __init__(
        self, chat_ids: list[int], ceiling: float, latency_ms: float, blocked: int = 0
    ) -> None:
        self.args = (chat_ids, ceiling, latency_ms, blocked)
        self.standin = StandIn()

    async def __aenter__(self) -> LocalStandIn:
        await self.standin.start()
        _setup_world(self.standin, *self.args)
        self.bot_base_url = self.standin.bot_base_url
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.standin.stop()

    async def forget(self, chat_ids: list[int]) -> None:
        _forget(self.standin, chat_ids)

    async def record(self, chat_ids: list[int]) -> dict[str, Any]:
        return _record(self.standin, chat_ids)


def _child(
    conn: Connection, chat_ids: list[int], ceiling: float, latency_ms: float, blocked: int
) -> None:
    async def serve() -> None:
        async with StandIn() as standin:
            _setup_world(standin, chat_ids, ceiling, latency_ms, blocked)
            conn.send(standin.bot_base_url)
            loop = asyncio.get_running_loop()
            while True:
                command, ids = await loop.run_in_executor(None, conn.recv)
                if command == "forget":
                    _forget(standin, ids)
                    conn.send(None)
                elif command == "record":
                    conn.send(_record(standin, ids))
                else:
                    return

    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    asyncio.run(serve())


class ChildStandIn:
    """The stand-in in a child process; its world is still used directly (in that process)."""

    def __init__(
        self, chat_ids: list[int], ceiling: float, latency_ms: float, blocked: int = 0
    ) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child_conn = context.Pipe()
        self.process = context.Process(
            target=_child, args=(child_conn, chat_ids, ceiling, latency_ms, blocked), daemon=True
        )

    async def _ask(self, command: str, ids: list[int] | None = None) -> Any:
        self.conn.send((command, ids))
        return await asyncio.get_running_loop().run_in_executor(None, self.conn.recv)

    async def __aenter__(self) -> ChildStandIn:
        self.process.start()
        loop = asyncio.get_running_loop()
        self.bot_base_url = await loop.run_in_executor(None, self.conn.recv)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.conn.send(("stop", None))
        await asyncio.get_running_loop().run_in_executor(None, self.process.join, 10)

    async def forget(self, chat_ids: list[int]) -> None:
        await self._ask("forget", chat_ids)

    async def record(self, chat_ids: list[int]) -> dict[str, Any]:
        return await self._ask("record", chat_ids)


# -- measuring ------------------------------------------------------------------------------
def max_in_window(times: list[float], window: float = 1.0) -> int:
    """The most events in any half-open window [t, t + window) of sorted `times`."""
    best = 0
    for i, start in enumerate(times):
        best = max(best, bisect.bisect_left(times, start + window, lo=i) - i)
    return best


def measure(record: dict[str, Any]) -> dict[str, Any]:
    calls = record["calls"]
    accepted = sorted(c["t_mono"] for c in calls if c["ok"])
    per_chat: dict[Any, list[float]] = defaultdict(list)
    for c in calls:
        if c["ok"]:
            per_chat[c["chat_id"]].append(c["t_mono"])
    span = accepted[-1] - accepted[0] if len(accepted) > 1 else 0.0
    received = list(record["received"].values())
    return {
        "sent": len(accepted),
        "seconds": round(span, 3),
        "achieved_per_s": round((len(accepted) - 1) / span, 2) if span else 0.0,
        "max_in_any_second": max_in_window(sorted(c["t_mono"] for c in calls)),
        "max_per_chat_per_s": max(
            (max_in_window(sorted(times)) for times in per_chat.values()), default=0
        ),
        "http_429": sum(c["status"] == 429 for c in calls),
        "other_errors": sum(c["status"] not in (200, 429) for c in calls),
        "lost": sum(n == 0 for n in received),
        "duplicates": sum(max(n - 1, 0) for n in received),
    }


# -- the two senders ----------------------------------------------------------------------------
async def prepare(db: Database, chat_ids: list[int], open_calls: int = 0) -> int:
    """Users rows, a municipality and a broadcast with one outbox row per recipient; with
    `open_calls`, that many published calls every recipient subscribes to, their reminders
    planned."""
    await upgrade_database(db)
    async with db.session() as session:
        town = Municipality(slug="bench", name_ky="Бенч", name_ru="Бенч", name_en="Bench")
        session.add(town)
        users = [User(telegram_id=chat_id) for chat_id in chat_ids]
        session.add_all(users)
        await session.flush()
        if open_calls:
            await _open_calls(session, town, users, open_calls)
        broadcast = Broadcast(municipality_id=town.id, kind="announcement")
        session.add(broadcast)
        await session.flush()
        rows = [
            {
                "chat_id": user.telegram_id,
                "user_id": user.id,
                "broadcast_id": broadcast.id,
                "dedupe_key": f"b{broadcast.id}:u{user.id}",
                "text": TEXT,
                "reply_markup": MARKUP,
            }
            for user in users
        ]
        added = await enqueue_many(session, rows)
        await session.commit()
        if added != len(rows):
            raise RuntimeError(f"enqueued {added} of {len(rows)} rows")
        return broadcast.id


async def _open_calls(session, town: Municipality, users: list[User], count: int) -> None:
    """`count` published calls closing in 14 days, every user subscribed: a deadline reminder
    each, planned as publishing plans them."""
    from bot.reminders import replan_call

    topic = Topic(municipality_id=town.id, slug="bench", name_ky="Б", name_ru="Б", name_en="B")
    session.add(topic)
    session.add_all(Subscription(user_id=user.id, municipality_id=town.id) for user in users)
    await session.flush()
    now = utcnow()
    start = (now + timedelta(days=40)).date()
    calls = [
        Competition(
            municipality_id=town.id,
            topic_id=topic.id,
            status="published",
            title={"en": f"Call {n}"},
            description={"en": "A call."},
            budget_total=400_000,
            max_per_project=200_000,
            projects_count=2,
            deadline_at=now + timedelta(days=14),
            period_start=start,
            period_end=start + timedelta(days=200),
            published_at=now,
        )
        for n in range(count)
    ]
    session.add_all(calls)
    await session.flush()
    for call in calls:
        await replan_call(session, call, now=now)


async def cancelled_reminders(db: Database, user_ids: list[int]) -> int:
    """Reminders of these users cancelled so far (the follow-up of their 403)."""
    async with db.session() as session:
        query = select(func.count()).where(
            Reminder.user_id.in_(user_ids), Reminder.status == "cancelled"
        )
        return (await session.exec(query)).one()


async def run_outbox(
    bot_base_url: str,
    db: Database,
    broadcast_id: int,
    ceiling: float,
    *,
    batch: int,
    transport: str,
) -> dict[str, Any]:
    if transport == "httpx":
        request: BaseRequest = HTTPXRequest(connection_pool_size=POOL, pool_timeout=10)
    else:
        request = AiohttpRequest(connection_pool_size=POOL, pool_timeout=10)
    async with Bot(TOKEN, base_url=bot_base_url, request=request) as bot:
        sender = OutboxSender(bot, db, rate_per_second=ceiling, batch=batch, max_in_flight=POOL)
        started, cpu = time.monotonic(), time.process_time()
        sender.start()
        try:
            while True:
                await asyncio.sleep(0.5)
                async with db.session() as session:
                    counts = await broadcast_counts(session, broadcast_id=broadcast_id)
                if counts["queued"] == 0 and counts["sending"] == 0:
                    break
        finally:
            await sender.stop()
        wall = time.monotonic() - started
        return {
            "wall_seconds": round(wall, 2),
            "cpu_share": round((time.process_time() - cpu) / wall, 2),
            "counts": counts,
            "sender_stats": dict(sender.stats),
        }


async def run_naive(bot_base_url: str, chat_ids: list[int]) -> None:
    """One message after another, each awaited: what a simple loop over the recipients does."""
    async with Bot(TOKEN, base_url=bot_base_url) as bot:
        for chat_id in chat_ids:
            try:
                await bot.send_message(chat_id, TEXT, parse_mode="HTML")
            except Exception as error:  # a naive loop would stop; we count and go on
                logging.getLogger(__name__).debug("naive send failed: %s", error)


async def main(
    recipients: int,
    ceiling: float,
    latency_ms: float,
    *,
    naive_cap: int = 300,
    batch: int = 100,
    standin_mode: str = "inprocess",
    transport: str = "aiohttp",
    blocked: int = 0,
    open_calls: int = 0,
) -> dict[str, Any]:
    chat_ids = [FIRST_CHAT_ID + i for i in range(recipients)]
    reachable = [c for i, c in enumerate(chat_ids) if not _is_blocked(i, blocked)]
    naive_ids = reachable[:naive_cap]
    kind = ChildStandIn if standin_mode == "process" else LocalStandIn
    with tempfile.TemporaryDirectory() as tmp:
        async with kind(chat_ids, ceiling, latency_ms, blocked) as standin:
            db = Database(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
            try:
                broadcast_id = await prepare(db, chat_ids, open_calls)
                async with db.session() as session:
                    ids = dict((await session.exec(select(User.telegram_id, User.id))).all())
                blocked_users = [ids[c] for c in chat_ids if c not in set(reachable)]
                # Objects made so far live to the end: keep them out of the collector's way.
                gc.collect()
                gc.freeze()
                print(f"outbox: {recipients} recipients, ceiling {ceiling:g}/s, {latency_ms:g} ms")
                await standin.forget([])
                run = await run_outbox(
                    standin.bot_base_url,
                    db,
                    broadcast_id,
                    ceiling,
                    batch=batch,
                    transport=transport,
                )
                outbox = measure(await standin.record(reachable))
                # The sender has stopped: every follow-up it started is done.
                followed_up = await cancelled_reminders(db, blocked_users) if blocked_users else 0
                print(json.dumps({"outbox": outbox, **run}), flush=True)
            finally:
                await db.dispose()
            print(f"naive: {len(naive_ids)} recipients, one send after another")
            await standin.forget(naive_ids)
            await run_naive(standin.bot_base_url, naive_ids)
            naive = measure(await standin.record(naive_ids))
            print(json.dumps({"naive": naive}), flush=True)
    return {
        "recipients": recipients,
        "ceiling_per_s": ceiling,
        "latency_ms": latency_ms,
        "standin": standin_mode,
        "transport": transport,
        "achieved_per_s": outbox["achieved_per_s"],
        "ratio": round(outbox["achieved_per_s"] / ceiling, 3),
        "max_in_any_second": outbox["max_in_any_second"],
        "max_per_chat_per_s": outbox["max_per_chat_per_s"],
        "http_429": outbox["http_429"],
        "lost": outbox["lost"],
        "duplicates": outbox["duplicates"],
        "final_counts": run["counts"],
        "blocked_users": len(chat_ids) - len(reachable),
        "open_calls": open_calls,
        "followed_up": followed_up,
        "sender_cpu_share": run["cpu_share"],
        "naive_per_s": naive["achieved_per_s"],
        "naive_recipients": len(naive_ids),
        "naive_http_429": naive["http_429"],
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        # Other processes' load when the run ended: the machine is shared.
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=3000)
    parser.add_argument("--ceiling", type=float, default=30.0, help="messages per second")
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--naive-cap", type=int, default=300, help="recipients for the naive run")
    parser.add_argument("--batch", type=int, default=100, help="rows the sender claims at a time")
    parser.add_argument("--standin", choices=["inprocess", "process"], default="inprocess")
    parser.add_argument(
        "--transport",
        choices=["aiohttp", "httpx"],
        default="aiohttp",
        help="the sender bot's HTTP transport (bot/outbox_request.py, or PTB's default)",
    )
    parser.add_argument(
        "--blocked", type=int, default=0, help="every N-th recipient has blocked the bot"
    )
    parser.add_argument(
        "--open-calls", type=int, default=0, help="published calls all recipients subscribe to"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    result = asyncio.run(
        main(
            args.recipients,
            args.ceiling,
            args.latency_ms,
            naive_cap=args.naive_cap,
            batch=args.batch,
            standin_mode=args.standin,
            transport=args.transport,
            blocked=args.blocked,
            open_calls=args.open_calls,
        )
    )
    print(json.dumps(result))


if __name__ == "__main__":
    cli()
