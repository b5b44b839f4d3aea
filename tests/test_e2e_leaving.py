"""End to end: /stop, /forget and a user who blocks and unblocks the bot."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import func, select

from bot.i18n import t
from sandbox import SandboxClient
from storage.db import Database
from storage.models import Organization, Subscription
from tests.flows import (
    choose,
    fill_profile,
    messages,
    onboard,
    organization_row,
    save_profile,
    settle,
    user_row,
)

pytestmark = pytest.mark.usefixtures("bot")


async def count(db: Database, model: type) -> int:
    async with db.session() as session:
        return (await session.exec(select(func.count()).select_from(model))).one()


async def test_stop_pauses_and_start_reminds(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    user = sandbox.user(31_001, first_name="Aigul", language_code="ru")
    await onboard(user, "ru")
    await user.send("/stop")
    assert (await user.next_reply()).text == t("ru", "stop-done")
    assert (await user_row(seeded_database, user.id)).notifications_paused
    await user.send("/start")
    welcome = await user.next_reply()
    assert welcome.text.endswith(t("ru", "start-paused-note"))


async def test_forget_deletes_personal_data_after_confirmation(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    user = sandbox.user(31_002, first_name="Dina", language_code="en")
    await onboard(user, "en")
    await fill_profile(user, "en")
    await save_profile(user, "en")
    await user.send("/start m-karakol")
    await user.next_reply()
    await choose(user, t("en", "municipality-subscribe"))
    assert await count(seeded_database, Subscription) == 1

    await user.send("/forget")
    question = await user.next_reply()
    assert "Kept: applications and reports already submitted" in question.text
    kept = await choose(user, t("en", "forget-no"))
    assert kept[0].text == t("en", "forget-kept")
    assert await organization_row(seeded_database, user.id) is not None

    await user.send("/forget")
    await user.next_reply()
    done = await choose(user, t("en", "forget-yes"))
    assert done[0].text == t("en", "forget-done")
    assert done[0].remove_keyboard
    assert await user_row(seeded_database, user.id) is None
    assert await count(seeded_database, Organization) == 0
    assert await count(seeded_database, Subscription) == 0

    # /start begins afresh, as for someone new.
    await user.send("/start")
    fresh = messages(await settle(user))
    assert fresh[0].html.startswith(t("en", "start-welcome", name="Dina"))


async def test_blocking_marks_the_user_inactive_and_start_restores(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    user = sandbox.user(31_003, first_name="Bakyt", language_code="ky")
    await onboard(user, "ky")
    await user.block()
    for _ in range(100):  # the my_chat_member update is handled asynchronously
        if not (await user_row(seeded_database, user.id)).is_active:
            break
        await asyncio.sleep(0.05)
    assert not (await user_row(seeded_database, user.id)).is_active
    await user.unblock()
    await user.send("/start")
    await settle(user)
    assert (await user_row(seeded_database, user.id)).is_active


async def test_a_403_on_send_marks_the_user_inactive(
    standin, sandbox: SandboxClient, seeded_database: Database
) -> None:
    """Telegram answers 403 when the user blocked the bot after writing to it."""
    from sandbox.users import send_text

    user = sandbox.user(31_004, first_name="Marat", language_code="en")
    await onboard(user, "en")
    # In one step, with no chance for the bot to answer in between: the user writes, then
    # blocks the bot (without the my_chat_member update, which Telegram may not deliver).
    send_text(standin.world, user.id, "/help")
    standin.world.users[user.id].blocked = True
    for _ in range(100):
        if not (await user_row(seeded_database, user.id)).is_active:
            break
        await asyncio.sleep(0.05)
    assert not (await user_row(seeded_database, user.id)).is_active
    refused = [call for call in await sandbox.calls("sendMessage") if call["status"] == 403]
    assert len(refused) == 1
