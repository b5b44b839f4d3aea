"""Exactly one send: two real worker processes (`python -m bot.reminders`: the reminder worker
and the outbox sender, as a second machine would run them) share one PostgreSQL database and
hand the same due reminders to the stand-in; every user gets exactly one message."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlmodel import func, select

from sandbox import StandIn
from storage.db import Database, is_sqlite
from storage.models import Competition, Municipality, OutboxMessage, Reminder, User
from storage.types import utcnow
from tests.conftest import TEST_TOKEN

USERS = 200
FIRST_CHAT_ID = 900_000_000
ROOT = Path(__file__).resolve().parent.parent


async def _ready(process: asyncio.subprocess.Process, lines: list[str]) -> None:
    """Read the process's log until it says it is ready (then keep collecting lines)."""
    while True:
        raw = await process.stderr.readline()
        if not raw:
            raise AssertionError("the worker process ended early:\n" + "".join(lines))
        lines.append(raw.decode(errors="replace"))
        if "worker process ready" in lines[-1]:
            return


async def _drain(process: asyncio.subprocess.Process, lines: list[str]) -> None:
    while raw := await process.stderr.readline():
        lines.append(raw.decode(errors="replace"))


async def test_two_worker_processes_send_each_reminder_once(
    database_url: str, database: Database, standin: StandIn
) -> None:
    if is_sqlite(database_url):
        pytest.skip("two processes share reminders through PostgreSQL row locks")
    db = database
    now = utcnow()
    async with db.session() as session:
        place = Municipality(slug="twin", name_ky="T", name_ru="T", name_en="Twin", code="TWN")
        session.add(place)
        await session.flush()
        call = Competition(
            municipality_id=place.id,
            status="published",
            title={"en": "Twin call"},
            deadline_at=now + timedelta(days=30),
            published_at=now,
        )
        session.add(call)
        users = [
            {
                "telegram_id": FIRST_CHAT_ID + i,
                "language": "en",
                "created_at": now,
                "last_seen_at": now,
                "is_active": True,
                "notifications_paused": False,
            }
            for i in range(USERS)
        ]
        await session.exec(insert(User).values(users))
        await session.commit()
        user_ids = (await session.exec(select(User.id).order_by(User.id))).all()
        deadline, call_id = call.deadline_at, call.id
    for i in range(USERS):
        standin.world.user(FIRST_CHAT_ID + i, first_name=f"User {i}")

    environment = {
        **os.environ,
        "BOT_TOKEN": TEST_TOKEN,
        "DATABASE_URL": database_url,
        "BOT_API_BASE_URL": standin.url,
        "SEND_RATE_PER_SECOND": "200",
        "LOG_LEVEL": "INFO",
    }
    processes, logs = [], []
    try:
        for _ in range(2):
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot.reminders",
                "--interval",
                "0.1",
                "--batch",
                "10",
                cwd=ROOT,
                env=environment,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
            )
            processes.append(process)
            logs.append([])
        await asyncio.wait_for(
            asyncio.gather(*(_ready(p, lines) for p, lines in zip(processes, logs, strict=True))),
            60,
        )
        drains = [
            asyncio.create_task(_drain(p, lines)) for p, lines in zip(processes, logs, strict=True)
        ]
        # Both workers are polling; now the reminders fall due, all at once.
        async with db.session() as session:
            due = [
                {
                    "key": f"twin:{user_id}",
                    "kind": "deadline-subscriber",
                    "user_id": user_id,
                    "competition_id": call_id,
                    "event_at": deadline,
                    "due_at": utcnow(),
                    "is_last": True,
                    "status": "pending",
                    "attempts": 0,
                    "created_at": now,
                    "updated_at": now,
                }
                for user_id in user_ids
            ]
            await session.exec(insert(Reminder).values(due))
            await session.commit()

        async def delivered() -> int:
            async with db.session() as session:
                query = select(func.count()).where(OutboxMessage.status == "sent")
                return (await session.exec(query)).one()

        async def all_delivered() -> None:
            while await delivered() < USERS:
                await asyncio.sleep(0.2)

        await asyncio.wait_for(all_delivered(), 90)
    finally:
        for process in processes:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            await asyncio.wait_for(process.wait(), 30)
    await asyncio.gather(*drains)
    assert [process.returncode for process in processes] == [0, 0], logs

    received = Counter(
        chat_id
        for chat_id, chat in standin.world.messages.items()
        for message in chat
        if message.sender == "bot"
    )
    assert sorted(received) == [FIRST_CHAT_ID + i for i in range(USERS)]
    assert set(received.values()) == {1}, "a reminder arrived twice"
    async with db.session() as session:
        statuses = Counter((await session.exec(select(Reminder.status))).all())
    assert statuses == {"sent": USERS}
    # Which process handed how many batches to the outbox (usually both; not asserted, as a
    # busy machine may let one process take them all, which is no less correct).
    batches = [sum("reminders: {" in line for line in lines) for lines in logs]
    print("batches handled per process:", batches)
