"""End to end: a priority poll from the staff's /poll to the results published to participants;
and the bad inputs: answering twice, after closing, without having received it, with another
poll's option, a poll on another municipality's topics, another municipality's staff."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.i18n import t
from bot.polls import CSV_COLUMNS, close_due_polls, start_poll
from bot.rules.validation import Invalid
from sandbox import SandboxClient, SandboxUser
from storage.db import Database
from storage.models import OutboxMessage, Poll, PollAnswer, PollOption, Topic
from storage.queries.places import get_municipality, list_topics
from storage.types import utcnow
from tests.flows import make_staff, messages, plain, settle, subscribe

pytestmark = pytest.mark.usefixtures("bot")

QUESTION = "Which problems should Karakol fund first next year?"
LIGHTING = "Street lighting"
HOMELESS = {"en": "Homeless citizens", "ru": "Граждане без определённого места жительства"}
MIGRANTS = "Children of labour migrants"


async def wait_for_outbox(db: Database, *, settled: int, timeout: float = 20) -> None:
    """Until `settled` outbox rows are no longer queued or sending."""
    for _ in range(int(timeout / 0.1)):
        async with db.session() as session:
            rows = (await session.exec(select(OutboxMessage))).all()
        if sum(row.status not in ("queued", "sending") for row in rows) >= settled:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"outbox not delivered: {[row.status for row in rows]}")


async def the_poll(db: Database) -> Poll:
    async with db.session() as session:
        return (await session.exec(select(Poll))).one()


async def tap(user: SandboxUser, label: str, message_id: int) -> list:
    """Press a button that edits its message: one callback answer and one edit."""
    await user.click(label, message_id=message_id)
    return await settle(user, messages=0, answers=1, edits=1)


async def alert_for(user: SandboxUser, message_id: int, data: str) -> str:
    """Send callback data (possibly forged) and return the alert the bot answers with."""
    await user.click_data(message_id, data)
    events = await settle(user, messages=0, answers=1)
    answers = [event for event in events if event.kind == "callback_answer"]
    assert answers[0].show_alert, answers
    assert messages(events) == []
    return answers[0].text


async def test_a_poll_from_creation_to_published_results(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    db = seeded_database
    await make_staff(db, 43_001, "karakol")
    staff = sandbox.user(43_001, first_name="Staff", language_code="en")
    english = sandbox.user(43_010, first_name="En", language_code="en")
    russian = sandbox.user(43_011, first_name="Ru", language_code="ru")
    silent = sandbox.user(43_012, first_name="Ky", language_code="ky")
    elsewhere = sandbox.user(43_013, first_name="Batken", language_code="en")
    await subscribe(db, english.id, "karakol")
    await subscribe(db, russian.id, "karakol", "women", language="ru")
    await subscribe(db, silent.id, "karakol", language="ky")
    await subscribe(db, elsewhere.id, "batken")
    for person in (english, russian, silent, elsewhere):
        await person.send("/help")  # they have chats with the bot
        await person.next_reply()

    # Staff create the poll.
    await staff.send("/poll")
    asked = messages(await settle(staff))
    assert asked[0].text == plain(
        t("en", "poll-ask-question", municipality="Karakol Mayor's Office")
    )
    await staff.send("?!")
    assert messages(await settle(staff))[0].text == t("en", "invalid-no-letters")
    await staff.send(QUESTION)
    screen = messages(await settle(staff))[0]
    assert screen.text == t("en", "poll-ask-options")
    await tap(staff, f"▫️ {MIGRANTS}", screen.message_id)
    await tap(staff, f"▫️ {HOMELESS['en']}", screen.message_id)
    await tap(staff, f"✅ {MIGRANTS}", screen.message_id)  # untick
    await tap(staff, f"▫️ {MIGRANTS}", screen.message_id)  # and tick again
    await staff.send(LIGHTING)
    screen = messages(await settle(staff))[0]
    assert screen.text.endswith(t("en", "poll-new-options", options=LIGHTING))
    assert f"✅ {MIGRANTS}" in screen.buttons[1][0]
    await staff.click(t("en", "poll-options-done"), message_id=screen.message_id)
    assert messages(await settle(staff))[0].text == t("en", "poll-ask-kind")
    await staff.click(t("en", "poll-kind-choose"))
    assert messages(await settle(staff))[0].text.startswith("When does the poll close?")
    for bad, key in (("31.02.2027", "invalid-date"), ("01.01.2020", "invalid-date-past")):
        await staff.send(bad)
        assert messages(await settle(staff))[0].text == t("en", key)
    zone = ZoneInfo("Asia/Bishkek")
    closing = (
        (utcnow() + timedelta(days=10))
        .astimezone(zone)
        .replace(hour=17, minute=30, second=0, microsecond=0)
    )
    await staff.send(closing.strftime("%d.%m.%Y %H:%M"))
    preview = messages(await settle(staff))[0]
    assert f"Closes: {closing.strftime('%d.%m.%Y %H:%M')} (Asia/Bishkek time)" in preview.text
    await staff.click(t("en", "wz-send"), message_id=preview.message_id)
    started = messages(await settle(staff, messages=2))
    assert started[0].text == t("en", "poll-started")
    live = started[1]
    assert "0 participants so far" in live.text

    poll = await the_poll(db)
    assert poll.closes_at == closing
    assert (poll.kind, poll.status) == ("choose", "open")

    # The subscribers of Karakol (each in their language), and nobody else, receive it.
    await wait_for_outbox(db, settled=3)
    received = {}
    for person in (english, russian, silent):
        event = await person.next_reply()
        received[person.id] = event
        assert event.buttons[-1] == [t(person.profile["language_code"], "poll-send-answer")]
        assert len(event.buttons) == 4
        assert QUESTION in event.text
    assert received[russian.id].text.startswith("🗳 Мэрия города Каракол спрашивает")
    await elsewhere.expect_no_reply()
    report = messages(await settle(staff, messages=1, timeout=15))
    assert report[0].text.startswith("✅ The poll delivered: 3 sent")

    # Answers: ticks are edits of the poll message; Send counts the answer once.
    mine = received[english.id].message_id
    edit = await tap(english, f"▫️ {HOMELESS['en']}", mine)
    assert next(e for e in edit if e.kind == "edit").buttons[0] == [f"✅ {HOMELESS['en']}"]
    await tap(english, f"▫️ {LIGHTING}", mine)
    await english.click(t("en", "poll-send-answer"), message_id=mine)
    thanks = messages(await settle(english, answers=1))
    assert thanks[0].text == t(
        "en", "poll-thanks-choose", choices=f"1. {HOMELESS['en']}\n2. {LIGHTING}"
    )
    theirs = received[russian.id].message_id
    await tap(russian, f"▫️ {HOMELESS['ru']}", theirs)
    await russian.click(t("ru", "poll-send-answer"), message_id=theirs)
    await settle(russian, answers=1)

    # Answering twice is refused, and the first answer stands.
    async with db.session() as session:
        options = {
            option.text or option.topic_id: option.id
            for option in (await session.exec(select(PollOption))).all()
        }
    lighting = options[LIGHTING]
    assert await alert_for(russian, theirs, f"pl:a:{poll.id}:{lighting}") == t(
        "ru", "poll-already-answered"
    )
    assert await alert_for(russian, theirs, f"pl:s:{poll.id}") == t("ru", "poll-already-answered")
    # Sending with nothing ticked is refused politely.
    assert await alert_for(silent, received[silent.id].message_id, f"pl:s:{poll.id}") == t(
        "ky", "poll-choose-first"
    )

    # Staff see live counts and shares.
    await staff.click(t("en", "broadcast-refresh"), message_id=live.message_id)
    refreshed = [e for e in await settle(staff, messages=0, answers=1, edits=1) if e.kind == "edit"]
    lines = refreshed[0].text.split("\n")
    assert lines[2] == "2 participants so far"
    assert lines[3:6] == [
        f"1. {HOMELESS['en']}: 2 votes (100%)",
        f"2. {LIGHTING}: 1 vote (50%)",
        f"3. {MIGRANTS}: 0 votes (0%)",
    ]

    # The CSV export.
    await staff.click(t("en", "poll-csv"), message_id=live.message_id)
    document = messages(await settle(staff, answers=1))[0]
    assert document.document["file_name"] == f"poll-{poll.id}-results.csv"
    content = (await sandbox.download(document.document["url"])).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert list(rows[0]) == [t("en", f"poll-csv-col-{c}") for c in CSV_COLUMNS]

    def column(row: dict, name: str) -> str:
        return row[t("en", f"poll-csv-col-{name}")]

    assert [
        (column(row, "option"), column(row, "count"), column(row, "share")) for row in rows
    ] == [
        (HOMELESS["en"], "2", "1.0000"),
        (LIGHTING, "1", "0.5000"),
        (MIGRANTS, "0", "0.0000"),
    ]
    assert column(rows[1], "topic-id") == ""
    assert {column(row, "kind") for row in rows} == {t("en", f"poll-kind-{poll.kind}")}

    # The poll closes (an injected clock past its closing moment): participants get results.
    assert await close_due_polls(db, now=poll.closes_at, default_language="ru") == 1
    assert await close_due_polls(db, now=poll.closes_at, default_language="ru") == 0
    final_en = await english.next_reply(timeout=10)
    assert final_en.text.split("\n")[:3] == [
        "📊 Poll results · Karakol Mayor's Office",
        QUESTION,
        "2 participants",
    ]
    assert f"1. {HOMELESS['en']}: 2 votes (100%)" in final_en.text
    final_ru = await russian.next_reply(timeout=10)
    assert "2 участника" in final_ru.text
    assert f"1. {HOMELESS['ru']}: 2 голоса (100 %)" in final_ru.text.replace("\xa0", " ")
    staff_final = messages(await settle(staff, messages=1))
    assert staff_final[0].text.startswith("📊 Poll results")
    await silent.expect_no_reply()  # no answer, no results message
    # Answering a closed poll is refused.
    migrants = options[next(key for key in options if isinstance(key, int))]
    assert await alert_for(
        silent, received[silent.id].message_id, f"pl:a:{poll.id}:{migrants}"
    ) == t("ky", "poll-closed")

    # Staff make the proposed issue a topic of Karakol.
    await staff.click(t("en", "poll-make-topic", option=LIGHTING), message_id=live.message_id)
    made = messages(await settle(staff, messages=2, answers=1))
    assert made[0].text == t("en", "poll-topic-created", topic=LIGHTING)
    async with db.session() as session:
        place = await get_municipality(session, slug="karakol")
        topic = (await session.exec(select(Topic).where(Topic.name_en == LIGHTING))).one()
        option = await session.get(PollOption, lighting)
    assert topic.municipality_id == place.id
    assert option.topic_id == topic.id
    # A second press (an old button) does not make a second topic.
    assert await alert_for(staff, live.message_id, f"pl:mk:{lighting}") == t(
        "en", "poll-topic-exists"
    )


async def _poll_in_karakol(db: Database, *, closes_in: timedelta = timedelta(days=5)) -> Poll:
    async with db.session() as session:
        place = await get_municipality(session, slug="karakol")
        topics = await list_topics(session, municipality_id=place.id)
        return await start_poll(
            session,
            place=place,
            kind="rank",
            question=QUESTION,
            topic_ids=[topics[0].id, topics[1].id],
            new_options=[],
            closes_at=utcnow() + closes_in,
            by_user_id=None,
            report_chat_id=None,
            now=utcnow(),
            default_language="en",
        )


async def _a_message_of(user: SandboxUser) -> int:
    await user.send("/help")
    return messages(await settle(user))[0].message_id


@pytest.mark.bad_input
async def test_forged_foreign_and_late_poll_buttons_change_nothing(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    db = seeded_database
    await make_staff(db, 44_001, "karakol")
    await make_staff(db, 44_002, "batken")
    karakol_staff = sandbox.user(44_001, first_name="K", language_code="en")
    batken_staff = sandbox.user(44_002, first_name="B", language_code="en")
    subscriber = sandbox.user(44_010, first_name="Sub", language_code="en")
    stranger = sandbox.user(44_011, first_name="Stranger", language_code="en")
    await subscribe(db, subscriber.id, "karakol")
    await subscribe(db, stranger.id, "batken")
    mine = await _a_message_of(subscriber)
    theirs = await _a_message_of(stranger)
    poll = await _poll_in_karakol(db)
    other = await _poll_in_karakol(db)
    async with db.session() as session:
        batken = await get_municipality(session, slug="batken")
        batken_topic = (await list_topics(session, municipality_id=batken.id))[0]
        karakol = await get_municipality(session, slug="karakol")
        with pytest.raises(Invalid) as refused:  # a poll on another municipality's topics
            await start_poll(
                session,
                place=karakol,
                kind="choose",
                question=QUESTION,
                topic_ids=[batken_topic.id],
                new_options=["Street lighting"],
                closes_at=utcnow() + timedelta(days=3),
                by_user_id=None,
                report_chat_id=None,
                now=utcnow(),
                default_language="en",
            )
        assert refused.value.key == "poll-invalid-topic"
        option = (
            await session.exec(select(PollOption).where(PollOption.poll_id == poll.id))
        ).first()
        other_option = (
            await session.exec(select(PollOption).where(PollOption.poll_id == other.id))
        ).first()
    stale = t("en", "button-stale")

    # Someone who neither received the poll nor subscribes to Karakol.
    assert await alert_for(stranger, theirs, f"pl:a:{poll.id}:{option.id}") == stale
    # A subscriber (who received both polls) with another poll's option, an unknown poll,
    # malformed data.
    received = messages(await settle(subscriber, messages=2, timeout=15))
    assert [event.text.split("\n")[1] for event in received] == [QUESTION, QUESTION]
    assert await alert_for(subscriber, mine, f"pl:a:{poll.id}:{other_option.id}") == stale
    assert await alert_for(subscriber, mine, f"pl:a:99999:{option.id}") == stale
    assert await alert_for(subscriber, mine, f"pl:a:{poll.id}:x") == stale
    # Staff of another municipality: no results, no CSV, no closing, no topics.
    theirs = await _a_message_of(batken_staff)
    for action in ("r", "c", "x"):
        assert await alert_for(batken_staff, theirs, f"pl:{action}:{poll.id}") == stale
    assert await alert_for(batken_staff, theirs, f"pl:m:{karakol.id}") == stale
    # In the creation dialogue, another municipality's topic cannot be ticked.
    await karakol_staff.send("/poll")
    await settle(karakol_staff)
    await karakol_staff.send(QUESTION)
    screen = messages(await settle(karakol_staff))[0]
    assert await alert_for(karakol_staff, screen.message_id, f"pl:t:{batken_topic.id}") == stale
    # Too few options: "Next" is refused with the reason, the dialogue stays.
    await karakol_staff.click(t("en", "poll-options-done"), message_id=screen.message_id)
    refused_next = messages(await settle(karakol_staff, messages=2))
    assert refused_next[0].text == t("en", "poll-invalid-too-few-options", minimum=2)
    async with db.session() as session:
        answers = (await session.exec(select(PollAnswer))).all()
        assert answers == []
        assert (await session.exec(select(Topic).where(Topic.slug.startswith("poll-")))).all() == []
        row = await session.get(Poll, poll.id)
        assert row.status == "open"

    # A poll past its closing moment refuses answers even before the closing job has run.
    async with db.session() as session:
        row = await session.get(Poll, poll.id)
        row.closes_at = utcnow() - timedelta(seconds=1)
        session.add(row)
        await session.commit()
    assert await alert_for(subscriber, mine, f"pl:a:{poll.id}:{option.id}") == t(
        "en", "poll-closed"
    )
