"""Crashes while sending: a broadcast and a batch of reminders go out while the bot is killed with
SIGKILL at random moments and started again.

    python -m benchmarks.chaos --kills 20
    python -m benchmarks.chaos --kills 20 --processes 2 \\
        --database postgresql://postgres@127.0.0.1/bench

Makes a fresh database (SQLite in a temporary directory, or the PostgreSQL database given, whose
tables are dropped first) with `--recipients` users, one broadcast to all of them (outbox rows)
and one reminder due now for each. The Bot API stand-in runs in this process and records what
arrives. The bot runs as real child processes: `ssp-bot run` (polling, the JobQueue's outbox
sender and reminder worker), and with `--processes 2` also `python -m bot.reminders` (a second
sender and reminder worker on the same database). `--kills` times, a random process is killed
with SIGKILL after a random 1-4 s and started again; then the bot runs until everything has
arrived (rows a killed process had claimed come back after the outbox's `stale_after`, 60 s, or
the reminders' lease, 2 min). The last line printed is one JSON object: kills, expected, lost,
duplicates, max_duplicates_per_kill (duplicates that appeared after one kill), in_flight_bound
(the outbox sender's max_in_flight: at most the sends in flight can arrive twice per kill).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import logging
import os
import platform
import random
import signal
import sys
import tempfile
import time
import warnings
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url

from sandbox import StandIn
from storage.db import Database, async_database_url, sync_database_url
from storage.migrate import upgrade_database
from storage.models import Broadcast, Competition, Municipality, Reminder, User
from storage.queries.outbox import enqueue_many

TOKEN = "123456789:CHAOS-token_for-the-local-stand-in"  # noqa: S105 (the stand-in takes any)
FIRST_CHAT_ID = 810_000_000
BROADCAST_TEXT = "Chaos broadcast: a new call for proposals."
IN_FLIGHT_BOUND = 64  # OutboxSender's default max_in_flight
ROOT = Path(__file__).resolve().parent.parent
BOT = "from bot.cli import main; raise SystemExit(main(['run']))"


def _reset_postgres(url: str) -> None:
    engine = create_engine(sync_database_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


async def prepare(db: Database, recipients: int) -> None:
    now = datetime.now(UTC)
    async with db.session() as session:
        place = Municipality(slug="chaos", name_ky="C", name_ru="C", name_en="Chaos", code="CHS")
        session.add(place)
        await session.flush()
        call = Competition(
            municipality_id=place.id,
            status="published",
            title={"en": "Chaos call", "ru": "Конкурс", "ky": "Сынак"},
            deadline_at=now + timedelta(days=30),
            published_at=now,
        )
        session.add(call)
        await session.flush()
        broadcast = Broadcast(municipality_id=place.id, competition_id=call.id, kind="call")
        session.add(broadcast)
        await session.flush()
        await session.execute(
            insert(User),
            [
                {
                    "telegram_id": FIRST_CHAT_ID + i,
                    "language": "en",
                    "created_at": now,
                    "last_seen_at": now,
                    "is_active": True,
                    "notifications_paused": False,
                }
                for i in range(recipients)
            ],
        )
        users = (await session.execute(select(User.id, User.telegram_id))).all()
        await enqueue_many(
            session,
            [
                {
                    "chat_id": chat_id,
                    "user_id": user_id,
                    "broadcast_id": broadcast.id,
                    "dedupe_key": f"b{broadcast.id}:u{user_id}",
                    "text": BROADCAST_TEXT,
                }
                for user_id, chat_id in users
            ],
        )
        await session.execute(
            insert(Reminder),
            [
                {
                    "key": f"chaos:{user_id}",
                    "kind": "deadline-subscriber",
                    "user_id": user_id,
                    "competition_id": call.id,
                    "event_at": call.deadline_at,
                    "due_at": now,
                    "is_last": True,
                    "status": "pending",
                    "attempts": 0,
                    "created_at": now,
                    "updated_at": now,
                }
                for user_id, _ in users
            ],
        )
        await session.commit()


def arrived(standin: StandIn, chat_ids: list[int]) -> Counter[tuple[int, str]]:
    """(chat, broadcast|reminder) -> messages the bot sent there."""
    found: Counter[tuple[int, str]] = Counter()
    for chat_id in chat_ids:
        for message in standin.world.messages.get(chat_id, []):
            if message.sender != "bot":
                continue
            kind = "broadcast" if (message.raw_text or "").startswith("Chaos") else "reminder"
            found[(chat_id, kind)] += 1
    return found


def duplicates(found: Counter) -> int:
    return sum(max(n - 1, 0) for n in found.values())


async def start(kind: str, environment: dict[str, str]) -> asyncio.subprocess.Process:
    command = ["-c", BOT] if kind == "bot" else ["-m", "bot.reminders", "--interval", "0.5"]
    return await asyncio.create_subprocess_exec(
        sys.executable,
        *command,
        cwd=ROOT,
        env=environment,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def main(
    *, kills: int, recipients: int, database: str | None, processes: int, rate: float, seed: int
) -> dict[str, Any]:
    rng = random.Random(seed)
    chat_ids = [FIRST_CHAT_ID + i for i in range(recipients)]
    expected = 2 * recipients
    with tempfile.TemporaryDirectory() as tmp:
        url = database or f"sqlite:///{Path(tmp) / 'chaos.sqlite3'}"
        backend = make_url(async_database_url(url)).get_backend_name()
        if backend == "postgresql":
            _reset_postgres(url)
        db = Database(url)
        await upgrade_database(db)
        await prepare(db, recipients)
        await db.dispose()
        async with StandIn() as standin:
            for chat_id in chat_ids:
                standin.world.user(chat_id, first_name=f"User {chat_id}")
            environment = {
                **os.environ,
                "BOT_TOKEN": TOKEN,
                "DATABASE_URL": url,
                "BOT_API_BASE_URL": standin.url,
                "SEND_RATE_PER_SECOND": str(rate),
                "POLLING_TIMEOUT": "1",
                "LOG_LEVEL": "WARNING",
                "FILE_STORE_DIR": str(Path(tmp) / "files"),
            }
            kinds = ["bot", "worker"][:processes]
            running = {kind: await start(kind, environment) for kind in kinds}
            per_kill = []
            started = time.monotonic()
            for _ in range(kills):
                await asyncio.sleep(rng.uniform(1.0, 4.0))
                before = duplicates(arrived(standin, chat_ids))
                victim = rng.choice(kinds)
                running[victim].send_signal(signal.SIGKILL)
                await running[victim].wait()
                running[victim] = await start(victim, environment)
                # Duplicates caused by this kill appear once the restarted process resends.
                per_kill.append(before)
            # Let it finish: wait for everything (stale claims come back after their lease).
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline:
                if len(arrived(standin, chat_ids)) >= expected:
                    break
                await asyncio.sleep(0.5)
            await asyncio.sleep(2)  # late duplicates, if any, would show now
            for process in running.values():
                process.send_signal(signal.SIGTERM)
            for process in running.values():
                try:
                    await asyncio.wait_for(process.wait(), 30)
                except TimeoutError:
                    process.kill()
            found = arrived(standin, chat_ids)
    total_duplicates = duplicates(found)
    # Duplicates seen between one kill and the next, attributed to the earlier kill.
    marks = [*per_kill, total_duplicates]
    steps = [later - earlier for earlier, later in itertools.pairwise(marks)]
    return {
        "database": backend,
        "processes": processes,
        "kills": kills,
        "recipients": recipients,
        "expected": expected,
        "arrived": sum(min(n, 1) for n in found.values()),
        "lost": expected - len(found),
        "duplicates": total_duplicates,
        "reminder_duplicates": sum(
            max(n - 1, 0) for (_, kind), n in found.items() if kind == "reminder"
        ),
        "max_duplicates_per_kill": max(steps, default=0),
        "in_flight_bound": IN_FLIGHT_BOUND,
        "seconds": round(time.monotonic() - started, 1),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }


def cli() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.chaos", description=__doc__)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--recipients", type=int, default=600)
    parser.add_argument("--database", default=None, help="a PostgreSQL URL (default: SQLite)")
    parser.add_argument("--processes", type=int, choices=(1, 2), default=1)
    parser.add_argument("--rate", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    result = asyncio.run(
        main(
            kills=args.kills,
            recipients=args.recipients,
            database=args.database,
            processes=args.processes,
            rate=args.rate,
            seed=args.seed,
        )
    )
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    cli()
