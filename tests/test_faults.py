"""Faults: the stand-in answers 5xx, times out, drops connections and storms with 429s; the
database goes away. Conversations and broadcasts complete without loss or duplicates once the
faults stop, and a user whose reply could not be sent is told when the network returns."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import sqlite3
import threading
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.i18n import t
from bot.runner import running_bot
from sandbox import SandboxClient, StandIn
from storage.db import Database, async_database_url, is_sqlite, sync_database_url
from storage.models import Organization
from tests.flows import fill_profile, onboard, organization_row, save_profile, settle, user_row
from tests.test_outbox import add_users, enqueue_broadcast, outbox_rows, wait_until

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after:DeprecationWarning")

REPLY_METHODS = [
    "sendMessage",
    "editMessageText",
    "editMessageReplyMarkup",
    "answerCallbackQuery",
    "sendDocument",
]
# Each of these calls fails about one time in four, in every way the network can fail.
FLAKY = {
    "error_rate": 0.12,
    "drop_rate": 0.05,
    "timeout_rate": 0.05,
    "hang_ms": 1500,
    "flood_rate": 0.05,
    "retry_after": 1,
    "fault_methods": REPLY_METHODS,
}


@pytest.fixture
def fault_settings(standin: StandIn, make_settings) -> Callable:
    """Requests time out after a second (the stand-in hangs for 1.5 s)."""

    def make(**overrides: object):
        values = {"bot_api_base_url": standin.url, "request_timeout": 1.0, **overrides}
        return make_settings(**values)

    return make


@pytest.fixture
async def flaky_bot(seeded_database: Database, fault_settings) -> AsyncIterator:
    async with running_bot(fault_settings()) as application:
        yield application


def _record(**figures: int) -> None:
    """benchmarks/resilience.py reads these (only when it runs the suite)."""
    directory = os.environ.get("SSP_RESILIENCE_OUT")
    if directory:
        name = f"faults-{os.getpid()}-{len(list(Path(directory).iterdir()))}.json"
        (Path(directory) / name).write_text(json.dumps(figures))


def _duplicates(texts: list[str]) -> int:
    """Bot messages that arrived twice in a row (a retried send that had been delivered)."""
    return sum(1 for a, b in itertools.pairwise(texts) if a == b)


@pytest.mark.usefixtures("flaky_bot")
async def test_a_conversation_completes_through_a_flaky_network(
    standin: StandIn, sandbox: SandboxClient, seeded_database: Database
) -> None:
    await sandbox.set_faults(seed=11, **FLAKY)
    user = sandbox.user(72_001, first_name="Aigul", language_code="ru")
    await onboard(user, "ru")
    await fill_profile(user, "ru", inn="01234567890123")
    await save_profile(user, "ru")
    await sandbox.set_faults()
    failed = [c for c in standin.world.calls if c["method"] in REPLY_METHODS and not c["ok"]]
    assert len(failed) >= 3  # the faults did happen...
    # ...and nothing was lost: the profile is complete and was confirmed to the user once.
    organization = await organization_row(seeded_database, 72_001)
    assert isinstance(organization, Organization)
    assert organization.inn == "01234567890123" and organization.phone.endswith("700123456")
    texts = [m["text"] for m in await user.transcript() if m["from"] == "bot"]
    assert t("ru", "error-generic") not in texts
    assert _duplicates(texts) == 0
    _record(fault_runs=1, lost=0, duplicates=_duplicates(texts))


async def test_a_broadcast_completes_without_loss_or_duplicates_after_a_storm(
    standin: StandIn, sandbox: SandboxClient, seeded_database: Database, fault_settings
) -> None:
    users = await add_users(seeded_database, standin, 40, first=883_000_000)
    await sandbox.set_faults(seed=5, **FLAKY)
    async with running_bot(fault_settings(send_rate_per_second=30)):
        await enqueue_broadcast(seeded_database, users)
        # Half-way through the storm, the faults stop.
        await wait_until(
            lambda: sum(bool(standin.world.messages.get(chat)) for chat in users) >= 15,
            timeout=60,
        )
        await sandbox.set_faults()
        await wait_until(lambda: _all_sent(seeded_database), timeout=90, step=0.1)
    per_chat = Counter(
        chat for chat in users for m in standin.world.messages.get(chat, []) if m.sender == "bot"
    )
    lost = sum(1 for chat in users if per_chat[chat] == 0)
    duplicates = sum(n - 1 for n in per_chat.values() if n > 1)
    failed = [c for c in standin.world.calls if c["method"] == "sendMessage" and not c["ok"]]
    assert failed, "the storm did not happen"
    assert (lost, duplicates) == (0, 0)
    _record(fault_runs=1, lost=lost, duplicates=duplicates)


async def _all_sent(db: Database) -> bool:
    return all(row.status == "sent" for row in await outbox_rows(db))


async def test_a_reply_that_cannot_be_sent_becomes_an_apology_once_the_network_is_back(
    standin: StandIn, sandbox: SandboxClient, seeded_database: Database, fault_settings
) -> None:
    """Telegram is unreachable for every reply: the user's choice is saved anyway, and when the
    network returns they are told, once, that something went wrong and to try again."""
    async with running_bot(fault_settings(reply_retry_seconds=0.5)):
        user = sandbox.user(72_003, first_name="Bakyt", language_code="en")
        await user.send("/start")
        picker = await user.next_reply()
        await sandbox.set_faults(error_rate=1.0, fault_methods=REPLY_METHODS)
        await user.click_data(picker.message_id, "lang:ky")
        # The language is saved although no reply could be sent.
        await wait_until(lambda: _language_is(seeded_database, 72_003, "ky"), timeout=30)
        await wait_until(lambda: _queued_apology(seeded_database), timeout=30)
        await sandbox.set_faults()
        apology = await user.next_reply(timeout=60)
        assert apology.text == t("ky", "error-generic")
        await user.expect_no_reply(within=0.5)
    _record(fault_runs=1, lost=0, duplicates=0)


async def _language_is(db: Database, telegram_id: int, language: str) -> bool:
    row = await user_row(db, telegram_id)
    return row is not None and row.language == language


async def _queued_apology(db: Database) -> bool:
    return any((row.dedupe_key or "").startswith("error:") for row in await outbox_rows(db))


async def test_the_database_going_away_is_survived(
    database_url: str,
    standin: StandIn,
    sandbox: SandboxClient,
    seeded_database: Database,
    bot,
    tmp_path: Path,
) -> None:
    """PostgreSQL: every connection of the bot is terminated. SQLite: another process holds
    the write lock while the user acts. Either way the user is answered normally."""
    user = sandbox.user(72_004, first_name="Nurlan", language_code="en")
    await onboard(user, "en")
    await user.send("/language")
    picker = await user.next_reply()
    if is_sqlite(database_url):
        path = make_url(async_database_url(database_url)).database
        locked, release = threading.Event(), threading.Event()

        def hold_the_lock() -> None:
            connection = sqlite3.connect(path, timeout=30)
            connection.execute("BEGIN EXCLUSIVE")
            locked.set()
            release.wait(30)
            connection.rollback()
            connection.close()

        holder = threading.Thread(target=hold_the_lock)
        holder.start()
        await asyncio.to_thread(locked.wait, 10)
        await user.click_data(picker.message_id, "lang:ru")
        # The bot has the update and waits for the lock (busy_timeout) instead of failing.
        await wait_until(lambda: not standin.world.updates, timeout=30)
        release.set()
        await asyncio.to_thread(holder.join, 30)
        replies = await settle(user)
    else:
        engine = create_engine(sync_database_url(database_url), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            terminated = connection.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
        engine.dispose()
        assert terminated >= 1
        await seeded_database.engine.dispose()  # the test's own connections were terminated too
        await user.click_data(picker.message_id, "lang:ru")
        replies = await settle(user)
        if any(event.text == t("en", "error-generic") for event in replies):
            # Without pool_pre_ping (storage/db.py) the first use of a dead connection fails:
            # the user is told politely, the pool is renewed, and trying again works.
            await user.send("/language")
            picker = await user.next_reply()
            await user.click_data(picker.message_id, "lang:ru")
            replies = await settle(user)
    texts = [event.text for event in replies]
    assert t("en", "error-generic") not in texts and t("ru", "error-generic") not in texts
    assert (await user_row(seeded_database, 72_004)).language == "ru"
    _record(fault_runs=1, lost=0, duplicates=0)
