"""End to end: a municipality's Telegram channel. Staff connect it with /channel (the bot asks
Telegram whether it may post there, and every refusal is explained and changes nothing); a
published call, its amendment and a priority poll are posted to it; the channel's readers answer
the poll in the bot, once; the results are posted there at closing. A channel that removes the
bot or takes its right to post (Telegram's my_chat_member update, or a refused post) is lost:
staff are told once, in their language, how to reconnect; nothing more is queued for it; the
subscribers are not held up; only the chat id Telegram names counts."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.formatting import moment
from bot.i18n import t
from bot.polls import close_due_polls
from bot.publishing import move_deadline
from sandbox import SandboxClient, SandboxUser, StandIn
from sandbox.botapi import chat_member
from storage.db import Database
from storage.models import AuditEvent, Competition, Municipality, OutboxMessage, Poll, PollAnswer
from storage.queries.dialogues import save_dialogue
from storage.queries.outbox import enqueue
from storage.queries.places import get_municipality
from storage.queries.users import get_or_create_user, set_language
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
BATKEN_CHANNEL = -1003333333333
BISHKEK = ZoneInfo("Asia/Bishkek")
OWNER = 45_599  # an administrator of the channels in the stand-in
BOT = "ssp_test_bot"
KARAKOL_EN = "Karakol Mayor's Office"
KARAKOL_RU = "Мэрия города Каракол"
BATKEN_EN = "Batken Mayor's Office"
WOMEN = {
    "en": "Women without support and victims of domestic violence",
    "ru": "Женщины без поддержки и жертвы домашнего насилия",
}


async def karakol(db: Database) -> Municipality:
    async with db.session() as session:
        return await get_municipality(session, slug="karakol")


async def connect(
    db: Database,
    chat_id: int,
    language: str = "ru",
    slug: str = "karakol",
    title: str = "Каракол ГСЗ",
    username: str | None = "karakol_ssp",
) -> None:
    """Karakol's channel (or another's) set directly (the dialogue has its own test)."""
    async with db.session() as session:
        place = await get_municipality(session, slug=slug)
        place.channel_chat_id = chat_id
        place.channel_title = title
        place.channel_username = username
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

    # The bot may post there now, but the staff member does not run the channel: naming a
    # channel is no right to it (another municipality's, or anyone's).
    await sandbox.set_channel(PUBLIC, bot_status="administrator", can_post_messages=True)
    assert await reply_to(staff, "@karakol_ssp") == t("en", "channel-user-not-admin")
    assert (await karakol(db)).channel_chat_id is None

    # Their own channel (they created it): the link is accepted, the posts' language chosen.
    await sandbox.set_channel(PUBLIC, admins=[staff.id])
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
    await sandbox.set_channel(PRIVATE, bot_status="administrator", admins=[45_999, staff.id])
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


# -- a channel lost -------------------------------------------------------------------------


async def place_row(db: Database, slug: str) -> Municipality:
    async with db.session() as session:
        return await get_municipality(session, slug=slug)


async def channel_rows(db: Database, chat_id: int) -> list[OutboxMessage]:
    async with db.session() as session:
        query = select(OutboxMessage).where(OutboxMessage.chat_id == chat_id)
        return list((await session.exec(query.order_by(OutboxMessage.id))).all())


async def told_lost(db: Database) -> list[tuple[int, str]]:
    """Who was told that a channel was lost: (telegram id, text)."""
    async with db.session() as session:
        query = select(OutboxMessage).where(OutboxMessage.dedupe_key.like("chlost:%"))
        rows = (await session.exec(query.order_by(OutboxMessage.chat_id))).all()
    return [(row.chat_id, row.text) for row in rows]


async def lost_events(db: Database) -> list[AuditEvent]:
    async with db.session() as session:
        query = select(AuditEvent).where(AuditEvent.action == "channel.lost")
        return list((await session.exec(query.order_by(AuditEvent.id))).all())


async def eventually(check, timeout: float = 30):
    """`check()`'s value once truthy: what the bot does in the background (the outbox sender,
    an update from a channel) is waited for, however slow the machine."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not (value := await check()) and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.1)
    return value


def lost_text(language: str, reason: str, municipality: str = KARAKOL_EN) -> str:
    return plain(
        t(
            language,
            "channel-lost",
            channel="Каракол ГСЗ (@karakol_ssp)",
            municipality=municipality,
            reason=t(language, f"channel-lost-{reason}"),
        )
    )


async def test_a_channel_that_removes_the_bot_is_lost_and_staff_are_told_how_to_reconnect(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    db = seeded_database
    # OWNER created the channel; the staff member who reconnects it runs it with them.
    await sandbox.set_channel(
        PUBLIC, title="Каракол ГСЗ", username="karakol_ssp", admins=[OWNER, 45_501]
    )
    await connect(db, PUBLIC)
    await make_staff(db, 45_501, "karakol")
    await make_staff(db, 45_502, "karakol", role="municipal_admin")
    await make_staff(db, 45_503, "karakol", role="commission")  # not told: cannot reconnect
    await make_staff(db, 45_504, "batken")  # not told: not theirs
    async with db.session() as session:
        await set_language(session, telegram_id=45_502, language="ru")
    staff = sandbox.user(45_501, first_name="Staff", language_code="en")
    admin = sandbox.user(45_502, first_name="Admin", language_code="ru")
    subscriber = sandbox.user(45_505, first_name="Sub", language_code="en")
    await subscribe(db, subscriber.id, "karakol")
    for person in (staff, admin, subscriber):
        await person.send("/help")
        await settle(person)
    # A post waiting for its retry (Telegram did not answer a while ago).
    async with db.session() as session:
        later = utcnow() + timedelta(hours=1)
        await enqueue(session, chat_id=PUBLIC, text="later", dedupe_key="ch:t", not_before=later)
        await session.commit()

    # The channel's administrator removes the bot: Telegram sends my_chat_member.
    await sandbox.user(OWNER, first_name="Owner").remove_bot_from_channel(PUBLIC)
    [told] = messages(await settle(staff, timeout=30))
    assert told.text == lost_text("en", "left")
    [told_ru] = messages(await settle(admin, timeout=30))
    assert told_ru.text == lost_text("ru", "left", KARAKOL_RU)
    assert "/channel" in told_ru.text
    assert sorted(chat for chat, _ in await told_lost(db)) == [staff.id, admin.id]
    place = await karakol(db)
    assert (place.channel_chat_id, place.channel_title, place.channel_lost_reason) == (
        PUBLIC,
        "Каракол ГСЗ",
        "left",
    )
    [waiting] = await channel_rows(db, PUBLIC)
    assert (waiting.status, waiting.last_error) == ("blocked", "channel lost: left")
    [event] = await lost_events(db)
    assert (event.actor_user_id, event.municipality_id, event.subject) == (
        None,
        place.id,
        f"channel:{PUBLIC}",
    )
    assert event.details["source"] == "update" and event.details["posts_ended"] == 1

    # Nothing more is queued for it: a new call and its change reach the subscriber only.
    call = await published_call(db, "karakol", "women", "Safe homes", status="draft")
    await _publish_as_staff(db, staff, call)
    assert (await subscriber.next_reply(timeout=15)).text.startswith("Safe homes\n")
    report = messages(await settle(staff, timeout=15))[0]  # people reached: the subscriber
    assert report.text.endswith("(of 1).")
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
    assert "Safe homes" in (await subscriber.next_reply(timeout=15)).text
    assert [row.dedupe_key for row in await channel_rows(db, PUBLIC)] == ["ch:t"]
    assert await sandbox.channel_posts(PUBLIC) == []

    # /channel says what happened and when; connecting the channel again clears it.
    await staff.send("/channel")
    screen = messages(await settle(staff))[0]
    since = moment(place.channel_lost_at, BISHKEK)
    current = t(
        "en",
        "channel-current-lost",
        channel="Каракол ГСЗ (@karakol_ssp)",
        since=since,
        reason=t("en", "channel-lost-left"),
    )
    assert screen.text == plain(t("en", "channel-screen", municipality=KARAKOL_EN, current=current))
    assert screen.buttons == [[t("en", "channel-remove")], [t("en", "dialogue-cancel")]]
    await sandbox.user(OWNER).set_bot_in_channel(PUBLIC, "administrator")
    await staff.send("@karakol_ssp")
    ask = messages(await settle(staff))[0]
    await staff.click("Русский", message_id=ask.message_id)
    await settle(staff, answers=1)
    place = await karakol(db)
    assert (place.channel_lost_at, place.channel_lost_reason) == (None, None)
    again = await published_call(db, "karakol", "women", "Warm homes", status="draft")
    await _publish_as_staff(db, staff, again)
    [post] = await posts(sandbox, PUBLIC, 1)
    assert post["text"].startswith("Warm homes (ru)")
    assert len(await told_lost(db)) == 2  # nobody was told twice


@pytest.mark.bad_input
async def test_only_the_channel_telegram_names_is_touched(
    bot, standin: StandIn, sandbox: SandboxClient, seeded_database: Database
) -> None:
    """Updates that name another chat, or Karakol's id as a group, change nothing for Karakol;
    Batken's staff removing the bot from Batken's channel loses Batken's only."""
    db = seeded_database
    await sandbox.set_channel(PUBLIC, title="Каракол ГСЗ", username="karakol_ssp")
    await sandbox.set_channel(BATKEN_CHANNEL, title="Баткен ССП")
    await connect(db, PUBLIC)
    await connect(db, BATKEN_CHANNEL, slug="batken", title="Баткен ССП", username=None)
    await make_staff(db, 45_601, "karakol")
    await make_staff(db, 45_602, "batken")
    batken_staff = sandbox.user(45_602, first_name="Batken", language_code="en")
    await batken_staff.send("/help")
    await settle(batken_staff)

    world = standin.world
    admin = chat_member("administrator", world.bot_user(), world.channels[PUBLIC])
    left = chat_member("left", world.bot_user())
    forged = [
        # Karakol's title and username, another chat id.
        {
            "id": -1004444444444,
            "type": "channel",
            "title": "Каракол ГСЗ",
            "username": "karakol_ssp",
        },
        # Karakol's id, but not a channel.
        {"id": PUBLIC, "type": "supergroup", "title": "Каракол ГСЗ"},
    ]
    handled = bot.update_processor.handled
    for chat in forged:
        world.push_update(
            "my_chat_member",
            {
                "chat": chat,
                "from": world.user(45_602).api(),
                "date": 0,
                "old_chat_member": admin,
                "new_chat_member": left,
            },
        )

    async def both_handled() -> bool:
        return bot.update_processor.handled >= handled + 2

    assert await eventually(both_handled)
    assert (await karakol(db)).channel_lost_at is None
    assert await told_lost(db) == [] and await lost_events(db) == []

    # Batken's own channel: demoted there by Batken's staff member.
    await batken_staff.demote_bot_in_channel(BATKEN_CHANNEL)
    [told] = messages(await settle(batken_staff, timeout=30))
    assert told.text == plain(
        t(
            "en",
            "channel-lost",
            channel="Баткен ССП",
            municipality=BATKEN_EN,
            reason=t("en", "channel-lost-cannot-post"),
        )
    )
    assert (await place_row(db, "batken")).channel_lost_reason == "cannot-post"
    assert (await karakol(db)).channel_lost_at is None
    assert [chat for chat, _ in await told_lost(db)] == [batken_staff.id]


@pytest.mark.bad_input
@pytest.mark.parametrize(
    ("bot_status", "can_post", "reason", "refusal"),
    [
        ("kicked", True, "kicked", "Forbidden: bot was kicked from the channel chat"),
        ("administrator", False, "cannot-post", "need administrator rights in the channel chat"),
    ],
)
async def test_a_refused_post_loses_the_channel_once_and_does_not_hold_up_the_subscribers(
    standin: StandIn,
    sandbox: SandboxClient,
    seeded_database: Database,
    bot_status: str,
    can_post: bool,
    reason: str,
    refusal: str,
) -> None:
    """The bot was removed or demoted while it was not listening (no my_chat_member came):
    Telegram's refusal of a post has the same outcome, once."""
    db = seeded_database
    await sandbox.set_channel(PUBLIC, title="Каракол ГСЗ", username="karakol_ssp")
    await connect(db, PUBLIC)
    await sandbox.set_channel(PUBLIC, bot_status=bot_status, can_post_messages=can_post)
    await make_staff(db, 45_401, "karakol")
    staff = sandbox.user(45_401, first_name="Staff", language_code="en")
    subscriber = sandbox.user(45_402, first_name="Sub", language_code="en")
    await subscribe(db, subscriber.id, "karakol")
    await subscriber.send("/help")
    await subscriber.next_reply()
    # Posts for the channel: two waiting, then a call (queued too if the channel is not yet
    # known to be lost when it is published).
    async with db.session() as session:
        for key in ("ch:a", "ch:b"):
            await enqueue(session, chat_id=PUBLIC, text="an earlier post", dedupe_key=key)
        await session.commit()
    call = await published_call(db, "karakol", "women", "Safe homes", status="draft")
    await _publish_as_staff(db, staff, call)
    assert (await subscriber.next_reply(timeout=15)).text.startswith("Safe homes\n")

    async def lost_and_settled() -> bool:
        rows = await channel_rows(db, PUBLIC)
        place = await karakol(db)
        return place.channel_lost_at is not None and all(
            row.status in ("blocked", "failed") for row in rows
        )

    assert await eventually(lost_and_settled)
    place = await karakol(db)
    assert place.channel_lost_reason == reason
    rows = await channel_rows(db, PUBLIC)
    assert len(rows) >= 2
    # Each post was either refused by Telegram or ended once the channel was known to be lost.
    ended = [row for row in rows if row.last_error == f"channel lost: {reason}"]
    refused = [row for row in rows if row not in ended]
    assert refused and all(refusal.lower() in row.last_error.lower() for row in refused)
    assert all(row.status == "blocked" for row in ended)
    assert await sandbox.channel_posts(PUBLIC) == []
    assert standin.world.channels[PUBLIC].bot_status == bot_status
    # Told once, however many posts were refused.
    assert [chat for chat, _ in await told_lost(db)] == [staff.id]
    [event] = await lost_events(db)
    assert event.details["source"] == "send"
    lost_message = lost_text("en", reason)

    async def told_in_the_chat() -> list[str]:
        texts = [m.get("text") for m in await staff.transcript()]
        return [text for text in texts if text == lost_message]

    assert await eventually(told_in_the_chat) == [lost_message]


@pytest.mark.bad_input
async def test_staff_of_one_municipality_cannot_take_another_municipalitys_channel(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    """Karakol's channel, where the bot is an administrator: Batken's staff name it and are
    refused (they do not run it), so Batken's calls are never posted there."""
    db = seeded_database
    await sandbox.set_channel(PUBLIC, title="Каракол ГСЗ", username="karakol_ssp", admins=[45_700])
    await connect(db, PUBLIC)
    await make_staff(db, 45_701, "batken")
    intruder = sandbox.user(45_701, first_name="Batken", language_code="en")
    await intruder.send("/channel")
    await settle(intruder)
    assert await reply_to(intruder, "@karakol_ssp") == t("en", "channel-user-not-admin")
    assert (await place_row(db, "batken")).channel_chat_id is None
    assert (await karakol(db)).channel_chat_id == PUBLIC
