"""How the bot connects: webhook mode with the secret-token header, and start-up that survives
a Bot API server without the optional calls."""

from __future__ import annotations

import socket

import aiohttp
import pytest

from bot.i18n import t
from bot.runner import running_bot
from sandbox import SandboxClient, StandIn
from storage.db import Database


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.usefixtures("seeded_database")
@pytest.mark.bad_input
async def test_webhook_mode_receives_updates_and_refuses_requests_without_the_secret(
    standin: StandIn, sandbox: SandboxClient, make_settings
) -> None:
    port = free_port()
    hook = f"http://127.0.0.1:{port}/telegram-hook"
    settings = make_settings(
        bot_api_base_url=standin.url,
        webhook_url=hook,
        webhook_secret="s3cret-Token_1",
        webhook_listen="127.0.0.1",
        webhook_port=port,
    )
    async with running_bot(settings):
        assert standin.world.webhook.url == hook
        assert standin.world.webhook.secret_token == "s3cret-Token_1"

        user = sandbox.user(9101, first_name="Gulnara", language_code="ru")
        await user.send("/help")
        assert (await user.next_reply()).html == t("ru", "help-text")

        forged_update = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 9102, "type": "private"},
                "from": {"id": 9102, "is_bot": False, "first_name": "Mallory"},
                "text": "/help",
            },
        }
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with http.post(hook, json=forged_update, headers=headers) as response:
                    assert response.status == 403
        assert await sandbox.transcript(9102) == []


async def test_an_unsupported_optional_call_at_start_only_warns(
    standin: StandIn,
    sandbox: SandboxClient,
    seeded_database: Database,
    make_settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await sandbox.set_faults(unsupported_methods=["setMyCommands"])
    async with running_bot(make_settings(bot_api_base_url=standin.url)):
        user = sandbox.user(9201, first_name="Aibek", language_code="en")
        await user.send("/help")
        assert (await user.next_reply()).html == t("en", "help-text")
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any("setMyCommands" in message and "runs without it" in message for message in warnings)


async def test_command_menu_is_published_in_each_language(
    standin: StandIn, sandbox: SandboxClient, seeded_database: Database, make_settings
) -> None:
    async with running_bot(make_settings(bot_api_base_url=standin.url, default_language="ky")):
        calls = await sandbox.calls("setMyCommands")
    by_language = {
        call["params"].get("language_code"): call["params"]["commands"] for call in calls
    }
    assert set(by_language) == {"ky", "ru", "en", None}
    assert by_language["ru"][3] == {
        "command": "language",
        "description": t("ru", "command-language"),
    }
    assert by_language[None] == by_language["ky"]
