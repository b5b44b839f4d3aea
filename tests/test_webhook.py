"""Webhook mode for real over HTTP: the secret token is required (403, logged without it), the
health endpoint reports, and stopping finishes what is in flight and keeps the rest queued."""

from __future__ import annotations

import logging

import aiohttp
import pytest

from bot.i18n import t
from bot.runner import running_bot
from sandbox import SandboxClient, StandIn
from storage.db import Database
from tests.conftest import WEBHOOK_SECRET as SECRET
from tests.test_outbox import add_users, enqueue_broadcast, outbox_rows, wait_until

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after:DeprecationWarning")


def forged(user_id: int) -> dict:
    return {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": user_id, "type": "private"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Mallory"},
            "text": "/start",
        },
    }


@pytest.mark.bad_input
async def test_requests_without_the_right_secret_get_403_and_are_logged_without_it(
    seeded_database: Database,
    sandbox: SandboxClient,
    webhook_settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    settings = webhook_settings()
    hook = settings.webhook_url
    async with running_bot(settings) as application:
        async with aiohttp.ClientSession() as http:
            for headers in (
                {},
                {"X-Telegram-Bot-Api-Secret-Token": "guess-" + SECRET[:5]},
                {"X-Telegram-Bot-Api-Secret-Token": SECRET + "x"},
            ):
                async with http.post(hook, json=forged(9301), headers=headers) as response:
                    assert response.status == 403
            # The right secret with a body that is no update: 400, nothing handled.
            right = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            async with http.post(hook, data=b"not json", headers=right) as response:
                assert response.status == 400
        assert application.bot_data["webhook"].refused == 3
    assert await sandbox.transcript(9301) == []
    refusals = [r.getMessage() for r in caplog.records if "refused a request" in r.getMessage()]
    assert len(refusals) == 3
    assert any("missing secret token" in m for m in refusals)
    assert sum("wrong secret token" in m for m in refusals) == 2
    assert SECRET not in caplog.text and "guess-" not in caplog.text


async def test_the_health_endpoint_reports_the_queues(
    seeded_database: Database, sandbox: SandboxClient, webhook_settings
) -> None:
    settings = webhook_settings()
    health = f"http://127.0.0.1:{settings.webhook_port}/healthz"
    async with running_bot(settings):
        user = sandbox.user(9302, first_name="Gulnara", language_code="ru")
        await user.send("/help")
        assert (await user.next_reply()).html == t("ru", "help-text")
        async with aiohttp.ClientSession() as http, http.get(health) as response:
            assert response.status == 200
            body = await response.json()
    assert body["ok"] is True and body["running"] is True and body["database"] == "ok"
    assert set(body["outbox"]) == {"queued", "sending", "sent", "failed", "blocked"}
    assert SECRET not in str(body)


async def test_stopping_finishes_sends_in_flight_and_keeps_the_rest_queued(
    standin: StandIn, seeded_database: Database, sandbox: SandboxClient, webhook_settings
) -> None:
    """A broadcast is stopped half-way, and a user's message arrives just before the stop: the
    reply goes out, no row is left "sending", and after a restart every recipient has exactly
    one message."""
    users = await add_users(seeded_database, standin, 30, first=882_000_000)
    await sandbox.set_faults(latency_ms=150)
    settings = webhook_settings(send_rate_per_second=5)

    def delivered() -> dict[int, int]:
        return {
            chat: sum(m.sender == "bot" for m in standin.world.messages.get(chat, []))
            for chat in users
        }

    async with running_bot(settings):
        await enqueue_broadcast(seeded_database, users)
        await wait_until(lambda: sum(delivered().values()) >= 5, timeout=60)
        user = sandbox.user(9303, first_name="Late", language_code="en")
        await user.send("/help")
        # The update has been handed to the bot (the stand-in's queue is empty again).
        await wait_until(lambda: not standin.world.updates, timeout=30)
    # Stopped: the late user was answered, and no send was cut off.
    assert (await user.next_reply()).html == t("en", "help-text")
    rows = await outbox_rows(seeded_database)
    by_status = {row.chat_id: row.status for row in rows}
    assert "sending" not in by_status.values()
    counts = delivered()
    assert all(n <= 1 for n in counts.values())
    assert {chat for chat, n in counts.items() if n} == {
        chat for chat, status in by_status.items() if status == "sent"
    }
    assert "queued" in by_status.values()  # the rest waits for the next start

    await sandbox.set_faults()
    async with running_bot(webhook_settings(send_rate_per_second=30)):
        await wait_until(lambda: all(n == 1 for n in delivered().values()), timeout=60)
    assert all(row.status == "sent" for row in await outbox_rows(seeded_database))
    assert set(delivered().values()) == {1}
