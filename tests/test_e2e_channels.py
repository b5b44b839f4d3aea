"""End to end: a municipality's Telegram channel. Staff connect it with /channel (the bot asks
Telegram whether it may post there, and every refusal is explained and changes nothing); a
published call, its amendment and a priority poll are posted to it; the channel's readers answer
the poll in the bot, once; the results are posted there at closing; a channel that removed the
bot does not hold up the subscribers."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.i18n import t
from bot.polls import close_due_polls
from bot.publishing import move_deadline
from sandbox import SandboxClient, SandboxUser, StandIn
from storage.db import Database
from storage.models import AuditEvent, Competition, Municipality, OutboxMessage, Poll, PollAnswer
from storage.queries.dialogues import save_dialogue
from storage.queries.places import get_municipality
from storage.queries.users import get_or_create_user
from storage.types import utcnow
from tests.flows import (
    make_staff,
    messages,
    onboard,
    plain,
    published_call,
    settle,
    subscribe,
)

pytestmark = pytest.mark.usefixtures("bot")

PUBLIC = -1001111111111  # @karakol_ssp
PRIVATE = -1002222222222  # no username: found through a forwarded post
BOT = "ssp_test_bot"
KARAKOL_EN = "Karakol Mayor's Office"
BATKEN_EN = "Batken Mayor's Office"
WOMEN = {
    "en": "Women without support and victims of domestic violence",
    "ru": "Женщины без поддержки и жертвы домашнего насилия",
}


async def karakol(db: Database) -> Municipality:
    async with db.session() as session:
        return await get_municipality(session, slug="karakol")


async def connect(db: Database, chat_id: int, language: str = "ru") -> None:
    """Karakol's channel set directly (the dialogue has its own test)."""
    async with db.session() as session:
        place = await get_municipality(session, slug="karakol")
        place.channel_chat_id = chat_id
        place.channel_title = "Каракол ГСЗ"
        place.channel_username = "karakol_ssp"
        place.channel_language = language
        session.add(place)
        await session.commit()


async def posts(sandbox: SandboxClient, chat_id: int, count: int, timeout: float = 20) -> list:
    """The bot's posts in a channel, once there are at least `count`."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = await sandbox.channel_posts(chat_id)
        if len(found) >= count or asyncio.get_running_loop().time() > deadline:
            return found
        await asyncio.sleep(0.1)


async def reply_to(user: SandboxUser, text: str) -> str:
    await user.send(text)
    return messages(await settle(user))[0].text


async def test_staff_connect_a_channel_and_every_refusal_changes_nothing(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    db = seeded_database
    await make_staff(db, 45_001, "karakol")
    staff = sandbox.user(45_001, first_name="Staff", language_code="en")
    await sandbox.set_channel(PUBLIC, title="Каракол ГСЗ", username="karakol_ssp")

    await staff.send("/channel")
    screen = messages(await settle(staff))[0]
    assert screen.text == plain(
        t(
            "en",
            "channel-screen",
            municipality=KARAKOL_EN,
            current=t("en", "channel-current-none"),
        )
    )
    assert screen.buttons == [[t("en", "dialogue-cancel")]]  # nothing to disconnect yet

    # Each refusal says why; nothing is saved.
    assert await reply_to(staff, "hello world") == t("en", "channel-invalid-reference")
    assert await reply_to(staff, "@no_such_channel") == t("en", "channel-not-found")
    for status, can_post, key in (
        ("left", True, "channel-bot-not-member"),
        ("kicked", True, "channel-bot-kicked"),
        ("member", True, "channel-bot-not-admin"),
        ("administrator", False, "channel-bot-cannot-post"),
    ):
        await sandbox.set_channel(PUBLIC, bot_status=status, can_post_messages=can_post)
        assert await reply_to(staff, "@karakol_ssp") == t("en", key), status
    # A private channel the bot is not in cannot even be found from a forwarded post.
    await sandbox.set_channel(PRIVATE, title="Karakol staff only", bot_status="left")
    await staff.forward_channel_post(PRIVATE, "a post")
    assert messages(await settle(staff))[0].text == t("en", "channel-not-found")
    assert (await karakol(db)).channel_chat_id is None
    # The language buttons mean nothing before a channel is accepted.
    await staff.click_data(screen.message_id, "ch:l:1")
    events = await settle(staff, messages=0, answers=1)
    assert events[0].text == t("en", "button-stale")

    # Allowed to post now: the link is accepted, the posts' language chosen.
    await sandbox.set_channel(PUBLIC, bot_status="administrator", can_post_messages=True)
    await staff.send("https://t.me/karakol_ssp")
    ask = messages(await settle(staff))[0]
    assert ask.text == t("en", "channel-ask-language", channel="Каракол ГСЗ (@karakol_ssp)")
    assert ask.buttons == [["Кыргызча", "Русский", "English"]]
    await staff.click("Русский", message_id=ask.message_id)
    saved = messages(await settle(staff, answers=1))[0]
    assert saved.text == t(
        "en",
        "channel-saved",
        channel="Каракол ГСЗ (@karakol_ssp)",
        municipality=KARAKOL_EN,
        language="Русский",
    )
    place = await karakol(db)
    assert (place.channel_chat_id, place.channel_username, place.channel_language) == (
        PUBLIC,
        "karakol_ssp",
        "ru",
    )
    # A second tap on the old language button (a double tap) changes nothing.
    await staff.click_data(ask.message_id, "ch:l:2")
    assert (await settle(staff, messages=0, answers=1))[0].text == t("en", "button-stale")
    assert (await karakol(db)).channel_language == "ru"

    # Disconnecting, and a repeated tap on the old button.
    await staff.send("/channel")
    screen = messages(await settle(staff))[0]
    assert "Каракол ГСЗ (@karakol_ssp); posts in Русский" in screen.text
    await staff.click(t("en", "channel-remove"), message_id=screen.message_id)
    removed = messages(await settle(staff, answers=1))[0]
    assert removed.text == t("en", "channel-removed", channel="Каракол ГСЗ (@karakol_ssp)")
    assert (await karakol(db)).channel_chat_id is None
    await staff.click_data(screen.message_id, f"ch:off:{place.id}")
    again = messages(await settle(staff, answers=1))[0]
    assert again.text == t("en", "channel-none", municipality=KARAKOL_EN)

    # A private channel, named by forwarding one of its posts once the bot is its admin.
    await sandbox.set_channel(PRIVATE, bot_status="administrator")
    await staff.send("/channel")
    await settle(staff)
    await staff.forward_channel_post(PRIVATE, "a post")
    ask = messages(await settle(staff))[0]
    assert ask.text == t("en", "channel-ask-language", channel="Karakol staff only")
    await staff.click("English", message_id=ask.message_id)
    await settle(staff, answers=1)
    place = await karakol(db)
    assert (place.channel_chat_id, place.channel_username) == (PRIVATE, None)

    # Every change is in the audit log, by whom.
    async with db.session() as session:
        staff_row, _ = await get_or_create_user(session, telegram_id=staff.id)
        events = (await session.exec(select(AuditEvent).order_by(AuditEvent.id))).all()
    assert [(e.action, e.subject, e.actor_user_id) for e in events] == [
        ("channel.set", f"channel:{PUBLIC}", staff_row.id),
        ("channel.clear", f"channel:{PUBLIC}", staff_row.id),
        ("channel.set", f"channel:{PRIVATE}", staff_row.id),
    ]


@pytest.mark.bad_input
async def test_other_municipalities_and_other_users_cannot_touch_the_channel(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    db = seeded_database
    await connect(db, PUBLIC)
    place = await karakol(db)
    await make_staff(db, 45_101, "batken")
    await make_staff(db, 45_102, "karakol", role="commission")
    outsiders = [
        sandbox.user(45_101, first_name="Batken", language_code="en"),
        sandbox.user(45_102, first_name="Commission", language_code="en"),
        sandbox.user(45_103, first_name="NCO", language_code="en"),
    ]
    await subscribe(db, 45_103, "karakol")
    for outsider in outsiders:
        await outsider.send("/help")
        anchor = messages(await settle(outsider))[0].message_id
        for data in (f"ch:m:{place.id}", f"ch:off:{place.id}", "ch:l:0", "ch:zz:1", "ch:m:x"):
            await outsider.click_data(anchor, data)
            answer = (await settle(outsider, messages=0, answers=1))[0]
            assert answer.text == t("en", "button-stale"), (outsider.id, data)
        await outsider.send("/channel")
        replies = messages(await settle(outsider))
        if outsider.id == 45_101:  # Batken staff: their own municipality's screen only
            assert replies[0].text == plain(
                t(
                    "en",
                    "channel-screen",
                    municipality=BATKEN_EN,
                    current=t("en", "channel-current-none"),
                )
            )
        else:
            assert replies[0].text == t("en", "staff-not-allowed")
    # A forged dialogue pointing at Karakol does not help Batken's staff either.
    async with db.session() as session:
        intruder, _ = await get_or_create_user(session, telegram_id=45_101)
        await save_dialogue(
            session,
            user_id=intruder.id,
            name="channel",
            step="language",
            data={"municipality_id": place.id, "chat_id": -1009999999999, "title": "Mine"},
        )
    await outsiders[0].click_data(anchor, "ch:l:0")
    assert (await settle(outsiders[0], messages=0, answers=1))[0].text == t("en", "button-stale")
    assert (await karakol(db)).channel_chat_id == PUBLIC


async def _publish_as_staff(db: Database, staff: SandboxUser, call: Competition) -> None:
    """Press Publish on the call's preview (the wizard has its own tests)."""
    async with db.session() as session:
        user, _ = await get_or_create_user(session, telegram_id=staff.id)
        await save_dialogue(
            session,
            user_id=user.id,
            name="wizard",
            step="preview",
            data={"competition_id": call.id},
        )
    await staff.send("/help")
    anchor = messages(await settle(staff))[0].message_id
    await staff.click_data(anchor, "wz:preview:publish")
    await settle(staff, messages=2, answers=1)


async def test_a_call_its_amendment_and_a_poll_are_posted_to_the_channel(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    db = seeded_database
    await sandbox.set_channel(PUBLIC, title="Каракол ГСЗ", username="karakol_ssp")
    await connect(db, PUBLIC, language="ru")
    await make_staff(db, 45_201, "karakol")
    staff = sandbox.user(45_201, first_name="Staff", language_code="en")
    subscriber = sandbox.user(45_202, first_name="Sub", language_code="en")
    reader = sandbox.user(45_203, first_name="Reader", language_code="ky")  # not subscribed
    await subscribe(db, subscriber.id, "karakol", language="en")
    for person in (subscriber, reader):
        await person.send("/help")  # they have chats with the bot
        await person.next_reply()

    # The published call: to the subscriber, and to the channel in Russian with a deep link.
    call = await published_call(db, "karakol", "women", "Safe homes", status="draft")
    await _publish_as_staff(db, staff, call)
    [post] = await posts(sandbox, PUBLIC, 1)
    assert post["text"].startswith("Safe homes (ru)\nМэрия города Каракол")
    [[button]] = post["inline_keyboard"]
    assert button == {
        "text": t("ru", "channel-open-in-bot"),
        "url": f"https://t.me/{BOT}?start=c-{call.id}",
    }
    card = await subscriber.next_reply(timeout=15)
    assert card.text.startswith("Safe homes\n")
    # The staff's delivery counts are people reached: the channel post is not among them.
    final = messages(await settle(staff, messages=1, timeout=15))[0]
    assert final.text.endswith("(of 1).")

    # A new deadline goes to the channel too.
    async with db.session() as session:
        row = await session.get(Competition, call.id)
        await move_deadline(
            session,
            competition=row,
            new_deadline=row.deadline_at + timedelta(days=7),
            by_user_id=None,
            report_chat_id=None,
            now=utcnow(),
            default_language="en",
        )
    amended = (await posts(sandbox, PUBLIC, 2))[1]
    assert amended["text"].startswith("⏰ Safe homes (ru): срок подачи заявок перенесён")

    # A poll through /poll: posted to the channel with a button to answer in the bot.
    await staff.send("/poll")
    await settle(staff)
    await staff.send("Which problems first?")
    screen = messages(await settle(staff))[0]
    await staff.click(f"▫️ {WOMEN['en']}", message_id=screen.message_id)
    await settle(staff, messages=0, answers=1, edits=1)
    await staff.send("Street lighting")
    await settle(staff)
    await staff.click(t("en", "poll-options-done"))
    await settle(staff, answers=1)
    await staff.click(t("en", "poll-kind-choose"))
    await settle(staff, answers=1)
    await staff.click(t("en", "wz-in-days", days=7))
    await settle(staff, answers=1)
    await staff.click(t("en", "wz-send"))
    started = messages(await settle(staff, messages=2, answers=1))
    assert started[0].text == t("en", "poll-started-channel")
    async with db.session() as session:
        poll = (await session.exec(select(Poll))).one()
    assert poll.channel_chat_id == PUBLIC
    poll_post = (await posts(sandbox, PUBLIC, 3))[2]
    assert poll_post["text"].split("\n")[:4] == [
        "🗳 Мэрия города Каракол спрашивает",
        "Which problems first?",
        f"• {WOMEN['ru']}",
        "• Street lighting",
    ]
    [[answer_button]] = poll_post["inline_keyboard"]
    assert answer_button["url"] == f"https://t.me/{BOT}?start=p-{poll.id}"

    # A reader of the channel (no subscription) opens the link and answers, once.
    await reader.send(f"/start p-{poll.id}")
    [ballot] = messages(await settle(reader))
    assert ballot.buttons[-1] == [t("ky", "poll-send-answer")]
    await reader.click("▫️ Street lighting", message_id=ballot.message_id)
    await settle(reader, messages=0, answers=1, edits=1)
    await reader.click(t("ky", "poll-send-answer"), message_id=ballot.message_id)
    thanks = messages(await settle(reader, answers=1))[0]
    assert thanks.text == t("ky", "poll-thanks-choose", choices="1. Street lighting")
    await reader.send(f"/start p-{poll.id}")
    again = messages(await settle(reader))
    assert again[0].text == t("ky", "poll-already-answered")
    async with db.session() as session:
        answers = (await session.exec(select(PollAnswer))).all()
    assert len(answers) == 1 and answers[0].submitted_at is not None

    # Closing: the results are posted to the channel (Russian) and sent to the participant.
    assert await close_due_polls(db, now=poll.closes_at, default_language="en") == 1
    results = (await posts(sandbox, PUBLIC, 4))[3]
    assert results["text"].split("\n")[:3] == [
        "📊 Результаты опроса · Мэрия города Каракол",
        "Which problems first?",
        "1 участник",
    ]
    assert "Street lighting" in (await reader.next_reply(timeout=15)).text
    # The link of a closed poll says so.
    await reader.send(f"/start p-{poll.id}")
    assert messages(await settle(reader))[0].text == t("ky", "poll-closed")
    # Four posts, no more: nothing was posted twice.
    assert len(await posts(sandbox, PUBLIC, 5, timeout=1)) == 4


@pytest.mark.bad_input
async def test_poll_links_that_lead_nowhere_are_refused_politely(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    """A poll not posted to any channel cannot be opened by a stranger through a link, and
    unknown or malformed poll links are unknown links."""
    from bot.polls import start_poll
    from storage.queries.places import list_topics

    db = seeded_database
    async with db.session() as session:
        batken = await get_municipality(session, slug="batken")
        topics = await list_topics(session, municipality_id=batken.id)
        poll = await start_poll(
            session,
            place=batken,
            kind="choose",
            question="Batken asks its subscribers only",
            topic_ids=[topics[0].id],
            new_options=["Street lighting"],
            closes_at=utcnow() + timedelta(days=3),
            by_user_id=None,
            report_chat_id=None,
            now=utcnow(),
            default_language="en",
            bot_username=BOT,
        )
    assert poll.channel_chat_id is None
    stranger = sandbox.user(45_301, first_name="Stranger", language_code="en")
    await onboard(stranger, "en")
    for payload in (f"p-{poll.id}", "p-99999", "p-0", "p-1x", "p-" + "9" * 12):
        await stranger.send(f"/start {payload}")
        replies = messages(await settle(stranger, messages=2))
        assert replies[0].text == t("en", "link-unknown"), payload
    async with db.session() as session:
        assert (await session.exec(select(PollAnswer))).all() == []


@pytest.mark.bad_input
async def test_a_channel_that_removed_the_bot_does_not_hold_up_the_subscribers(
    standin: StandIn, sandbox: SandboxClient, seeded_database: Database
) -> None:
    db = seeded_database
    await sandbox.set_channel(PUBLIC, title="Каракол ГСЗ", username="karakol_ssp")
    await connect(db, PUBLIC)
    await sandbox.set_channel(PUBLIC, bot_status="kicked")  # removed after it was connected
    await make_staff(db, 45_401, "karakol")
    staff = sandbox.user(45_401, first_name="Staff", language_code="en")
    subscriber = sandbox.user(45_402, first_name="Sub", language_code="en")
    await subscribe(db, subscriber.id, "karakol")
    await subscriber.send("/help")
    await subscriber.next_reply()
    call = await published_call(db, "karakol", "women", "Safe homes", status="draft")
    await _publish_as_staff(db, staff, call)
    assert (await subscriber.next_reply(timeout=15)).text.startswith("Safe homes\n")
    for _ in range(200):
        async with db.session() as session:
            row = (
                await session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == PUBLIC))
            ).one()
        if row.status not in ("queued", "sending"):
            break
        await asyncio.sleep(0.1)
    assert row.status == "blocked"
    assert "kicked" in row.last_error
    assert await sandbox.channel_posts(PUBLIC) == []
    assert standin.world.channels[PUBLIC].bot_status == "kicked"
