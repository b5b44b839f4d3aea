"""Per-user limits: a flood gets one polite "slow down" and then silence, uploads are capped
per hour, and other users are served meanwhile."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from bot.i18n import t
from bot.ratelimit import Buckets, Verdict
from sandbox import SandboxClient, StandIn
from storage.db import Database
from tests import samples
from tests.flows import messages, settle

pytestmark = pytest.mark.bad_input


@pytest.fixture
async def limited_bot(standin: StandIn, seeded_database: Database, make_settings) -> AsyncIterator:
    """The real bot with small limits: 5 updates at once (refilled far slower than a test
    runs) and 2 uploads an hour."""
    from bot.runner import running_bot

    settings = make_settings(
        bot_api_base_url=standin.url,
        flood_burst=5,
        flood_rate_per_second=0.001,
        uploads_per_hour=2,
    )
    async with running_bot(settings) as application:
        yield application


async def wait_until(condition: Callable[[], bool], timeout: float = 15) -> None:
    """Wait for a state the bot reaches, however slow the machine (not a timed sleep)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


async def test_a_flood_gets_one_slow_down_then_silence_and_others_are_served(
    sandbox: SandboxClient, limited_bot
) -> None:
    limits = limited_bot.bot_data["user_limits"]
    flooder = sandbox.user(71_001, first_name="Flood", language_code="ru")
    victim = sandbox.user(71_002, first_name="Victim", language_code="en")
    await asyncio.gather(*(flooder.send("/help") for _ in range(30)))
    await victim.send("/help")
    victim_replies = messages(await settle(victim))
    replies = messages(await settle(flooder, messages=6))
    await wait_until(lambda: limits.dropped == 25)
    await flooder.expect_no_reply(within=0.3)
    texts = [reply.text for reply in replies]
    slow_down = t("ru", "flood-slow-down")
    assert texts.count(slow_down) == 1
    assert len(texts) == 6  # five answered, one told to slow down, the rest ignored
    # The other user was answered normally, flood or not.
    assert len(victim_replies) == 1 and victim_replies[0].text != t("en", "flood-slow-down")


async def test_uploads_beyond_the_hourly_limit_are_refused_once_then_ignored(
    sandbox: SandboxClient, limited_bot
) -> None:
    user = sandbox.user(71_003, first_name="Files", language_code="en")
    answered = []
    for number in range(2):
        await user.upload_document(f"f{number}.pdf", samples.PDF, "application/pdf")
        answered += messages(await settle(user))
    assert all(reply.text != t("en", "flood-uploads", limit=2) for reply in answered)
    await user.upload_document("f2.pdf", samples.PDF, "application/pdf")
    refused = messages(await settle(user))
    assert [reply.text for reply in refused] == [t("en", "flood-uploads", limit=2)]
    await user.upload_photo("p.png", samples.png(), mime_type="image/png")
    limits = limited_bot.bot_data["user_limits"]
    await wait_until(lambda: limits.dropped == 2)
    await user.expect_no_reply(within=0.3)


def test_a_bucket_passes_a_burst_warns_once_drops_and_refills() -> None:
    """The verdicts in order, on an event loop whose clock the test moves."""
    loop = asyncio.new_event_loop()
    now = [1000.0]
    loop.time = lambda: now[0]  # type: ignore[method-assign]
    try:
        buckets = Buckets(3, 3.0)  # three at once, then one a second
        verdicts = [loop.run_until_complete(buckets.admit(7)) for _ in range(5)]
        assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.WARN, Verdict.DROP]
        # Another user has a bucket of their own.
        assert loop.run_until_complete(buckets.admit(8)) is Verdict.ALLOW
        now[0] += 1.0  # one place has leaked out
        assert loop.run_until_complete(buckets.admit(7)) is Verdict.ALLOW
        assert loop.run_until_complete(buckets.admit(7)) is Verdict.WARN  # warned again
    finally:
        loop.close()
