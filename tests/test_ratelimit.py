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
    processor = limited_bot.update_processor
    handled_before = processor.handled
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
    # The dropped updates never took a turn: five handled, one warning, the victim's /help.
    assert processor.handled == handled_before + 7


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


def test_a_bucket_passes_a_burst_warns_once_a_window_and_refills() -> None:
    """The verdicts in order, on a clock the test moves."""
    now = [1000.0]
    buckets = Buckets(3, 3.0, clock=lambda: now[0])  # three at once, then one a second
    verdicts = [buckets.admit(7) for _ in range(5)]
    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.WARN, Verdict.DROP]
    # Another user has a bucket of their own.
    assert buckets.admit(8) is Verdict.ALLOW
    now[0] += 1.0  # one place has been refilled
    assert buckets.admit(7) is Verdict.ALLOW
    # Still within the window of the warning: the flood is not answered again.
    assert [buckets.admit(7) for _ in range(10)] == [Verdict.DROP] * 10
    now[0] += 2.5  # the window (3 s) since the warning has passed; 2.5 places are back
    assert [buckets.admit(7) for _ in range(3)] == [Verdict.ALLOW] * 2 + [Verdict.WARN]
    assert buckets.admit(7) is Verdict.DROP


def test_a_clock_stepping_back_does_not_drain_a_bucket() -> None:
    now = [1000.0]
    buckets = Buckets(2, 2.0, clock=lambda: now[0])
    assert buckets.admit(7) is Verdict.ALLOW
    now[0] -= 3600  # the machine's clock is set back an hour
    assert buckets.admit(7) is Verdict.ALLOW
    assert buckets.admit(7) is Verdict.WARN


async def test_screened_updates_never_reach_the_application() -> None:
    """Over the limit, an update is dropped on arrival: its handling never starts and it
    takes no turn in its chat's queue; within the limit, it is handled as usual."""
    from telegram import Chat, Message, Update, User

    from bot.ratelimit import FloodScreen, UserLimits
    from bot.update_order import PerChatUpdateProcessor

    limits = UserLimits(burst=2, rate=0.001, uploads_per_hour=10)
    screen = FloodScreen(application=None, limits=limits)  # type: ignore[arg-type]
    processor = PerChatUpdateProcessor(screen=screen)
    started: list[int] = []

    async def handling(number: int) -> None:
        started.append(number)

    def update(number: int, user_id: int) -> Update:
        sender = User(user_id, "U", False)
        chat = Chat(user_id, "private")
        message = Message(number, None, chat, from_user=sender)  # type: ignore[arg-type]
        return Update(number, message=message)

    warned: list[object] = []
    screen._warn = lambda update, key: _record(warned, update)  # type: ignore[method-assign]
    for number in range(1, 6):
        await processor.process_update(update(number, 5), handling(number))
    await processor.process_update(update(6, 6), handling(6))
    assert started == [1, 2, 6]  # user 5's burst of two, then user 6
    assert len(warned) == 1 and limits.dropped == 3
    assert processor.handled == 4  # three handled and one warning; the two dropped took no turn
    assert processor._locks == {}


async def _record(log: list[object], item: object) -> None:
    log.append(item)
