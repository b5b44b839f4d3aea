"""Reminders at scale: many pending, some due now, the real bot sending them.

    python -m benchmarks.reminders --pending 100000
    python -m benchmarks.reminders --pending 100000 --database postgresql://postgres@127.0.0.1/bench

Makes a fresh database (SQLite in a temporary directory, or the PostgreSQL database given, whose
tables are dropped first), one published call with a deadline 120 days ahead, and
`--pending` reminders spread over the next 90 days plus `--due` reminders due now (one per
user, so the daily cap does not apply). Starts the Bot API stand-in in a child process (Telegram
is another machine), then the real bot (`running_bot`: migrate, build, start, poll, the
JobQueue's reminder worker and outbox sender at `--rate` messages a second), and waits until
every due reminder has been delivered or `--timeout` passes. The last line printed is one JSON
object:

- startup_s: seconds to start the bot (running_bot until it yields);
- rss_mb: the process's resident memory with the bot running, after the sends (the stand-in is
  elsewhere); peak_rss_mb: the peak, which includes building the rows to insert;
- due, sent: reminders due, and reminder messages the stand-in received;
- dispatch_lag_p99_s: p99 of (handed to the outbox - due), the reminder engine's own delay;
- delivery_lag_p99_s: p99 of (delivered - due), which includes the pacing at `--rate`;
- beyond_pacing_p99_s: p99 of the delivery lag less the pacing each message had to wait for
  (the i-th message cannot leave before i / rate seconds);
- duplicates, lost: from the stand-in's record (messages beyond one per user; users without);
- idle_run_ms: one worker run with nothing due and all the pending rows still there (its cost
  should follow the number due, not the number pending).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import random
import resource
import tempfile
import time
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, select, text, update
from sqlalchemy.engine import make_url

from benchmarks.broadcast import ChildStandIn
from bot.runner import running_bot
from bot.settings import Settings
from storage.db import Database, async_database_url, sync_database_url
from storage.migrate import upgrade_database
from storage.models import Competition, Municipality, OutboxMessage, Reminder, User

TOKEN = "123456789:BENCH-token_for-the-local-stand-in"  # noqa: S105 (the stand-in takes any)
FIRST_CHAT_ID = 800_000_000
PENDING_USERS = 10_000  # the pending reminders are spread over this many users
BATCH = 2_000


def _reset_postgres(url: str) -> None:
    engine = create_engine(sync_database_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


async def prepare(db: Database, *, pending: int, due: int, now: datetime) -> tuple[int, int]:
    """The call, the users and the reminders; returns (call id, municipality id)."""
    rng = random.Random(7)
    deadline = now + timedelta(days=120)
    async with db.session() as session:
        place = Municipality(slug="bench", name_ky="B", name_ru="B", name_en="Bench", code="BEN")
        session.add(place)
        await session.flush()
        call = Competition(
            municipality_id=place.id,
            status="published",
            title={"en": "Bench call", "ru": "Конкурс", "ky": "Сынак"},
            deadline_at=deadline,
            published_at=now,
        )
        session.add(call)
        await session.commit()
        call_id, place_id = call.id, place.id
    users = due + min(PENDING_USERS, max(pending, 1))
    async with db.session() as session:
        for start in range(0, users, BATCH):
            await session.execute(
                insert(User),
                [
                    {
                        "telegram_id": FIRST_CHAT_ID + i,
                        "language": ("ky", "ru", "en")[i % 3],
                        "created_at": now,
                        "last_seen_at": now,
                        "is_active": True,
                        "notifications_paused": False,
                    }
                    for i in range(start, min(start + BATCH, users))
                ],
            )
        await session.commit()
        ids = (await session.execute(select(User.id).order_by(User.id))).scalars().all()
    due_ids, pending_ids = ids[:due], ids[due:]

    def row(key: str, user_id: int, due_at: datetime) -> dict[str, Any]:
        return {
            "key": key,
            "kind": "deadline-subscriber",
            "user_id": user_id,
            "competition_id": call_id,
            "event_at": deadline,
            "due_at": due_at,
            "is_last": True,
            "status": "pending",
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
        }

    rows = [row(f"bench:due:{i}", user_id, now) for i, user_id in enumerate(due_ids)]
    rows += [
        row(
            f"bench:later:{i}",
            pending_ids[i % len(pending_ids)],
            now + timedelta(seconds=rng.uniform(600, 90 * 86400)),
        )
        for i in range(pending)
    ]
    async with db.session() as session:
        for start in range(0, len(rows), BATCH):
            await session.execute(insert(Reminder), rows[start : start + BATCH])
        await session.commit()
    return call_id, place_id


def _rss_mb() -> float:
    """The process's resident memory now (the bot running; the setup's lists are gone)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def p99(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 3)


async def main(
    *, pending: int, due: int, rate: float, database: str | None, wait_limit: float
) -> dict[str, Any]:
    chat_ids = [FIRST_CHAT_ID + i for i in range(due)]
    with tempfile.TemporaryDirectory() as tmp:
        url = database or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        if make_url(async_database_url(url)).get_backend_name() == "postgresql":
            _reset_postgres(url)
        db = Database(url)
        await upgrade_database(db)
        now = datetime.now(UTC)
        t0 = time.perf_counter()
        await prepare(db, pending=pending, due=due, now=now)
        print(f"prepared {pending} pending and {due} due in {time.perf_counter() - t0:.1f} s")
        async with ChildStandIn(chat_ids, ceiling=rate, latency_ms=20) as standin:
            settings = Settings(
                bot_token=TOKEN,
                database_url=url,
                bot_api_base_url=standin.bot_base_url.removesuffix("/bot"),
                polling_timeout=1,
                send_rate_per_second=rate,
                file_store_dir=Path(tmp) / "files",
                _env_file=None,
            )
            # The due rows fall due now, as the bot starts.
            async with db.session() as session:
                await session.execute(
                    update(Reminder)
                    .where(Reminder.key.like("bench:due:%"))
                    .values(due_at=datetime.now(UTC))
                )
                await session.commit()
            due_moment = datetime.now(UTC)
            started = time.perf_counter()
            async with running_bot(settings):
                startup_s = time.perf_counter() - started
                deadline = time.monotonic() + wait_limit
                while time.monotonic() < deadline:
                    async with db.session() as session:
                        waiting = (
                            await session.execute(
                                select(OutboxMessage.id)
                                .where(
                                    OutboxMessage.dedupe_key.like("rem:bench:due:%"),
                                    OutboxMessage.status == "sent",
                                )
                                .limit(due + 1)
                            )
                        ).all()
                    if len(waiting) >= due:
                        break
                    await asyncio.sleep(0.5)
                # Nothing due now, every pending row still there: what one run costs.
                from bot.reminders import ReminderWorker

                worker = ReminderWorker(db)
                t1 = time.perf_counter()
                idle = await worker.run_once()
                idle_run_ms = (time.perf_counter() - t1) * 1000
                rss_now = _rss_mb()
                assert sum(idle.values()) == 0, idle
            record = await standin.record(chat_ids)
        async with db.session() as session:
            handed = (
                await session.execute(
                    select(Reminder.due_at, Reminder.sent_at).where(
                        Reminder.key.like("bench:due:%"), Reminder.status == "sent"
                    )
                )
            ).all()
            delivered = sorted(
                (
                    await session.execute(
                        select(OutboxMessage.sent_at).where(
                            OutboxMessage.dedupe_key.like("rem:bench:due:%"),
                            OutboxMessage.status == "sent",
                        )
                    )
                )
                .scalars()
                .all()
            )
            still_pending = (
                await session.execute(
                    select(Reminder.id).where(Reminder.status == "pending").limit(pending + 1)
                )
            ).all()
        await db.dispose()
    received = [record["received"][chat_id] for chat_id in chat_ids]
    dispatch = [(sent - due_at).total_seconds() for due_at, sent in handed]
    delivery = [(at - due_moment).total_seconds() for at in delivered]
    beyond = [lag - i / rate for i, lag in enumerate(delivery)]
    return {
        "database": make_url(async_database_url(url)).get_backend_name(),
        "pending": pending,
        "pending_left": len(still_pending),
        "rate_per_s": rate,
        "startup_s": round(startup_s, 2),
        "rss_mb": rss_now,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "due": due,
        "sent": sum(min(n, 1) for n in received),
        "dispatch_lag_p99_s": p99(dispatch),
        "delivery_lag_p99_s": p99(delivery),
        "beyond_pacing_p99_s": p99(beyond),
        "duplicates": sum(max(n - 1, 0) for n in received),
        "lost": sum(n == 0 for n in received),
        "idle_run_ms": round(idle_run_ms, 1),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }


def cli() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.reminders", description=__doc__)
    parser.add_argument("--pending", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--rate", type=float, default=30.0, help="outbox messages a second")
    parser.add_argument("--database", default=None, help="a PostgreSQL URL (default: SQLite)")
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    result = asyncio.run(
        main(
            pending=args.pending,
            due=args.due,
            rate=args.rate,
            database=args.database,
            wait_limit=args.timeout,
        )
    )
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    cli()
