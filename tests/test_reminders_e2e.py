"""End to end over the stand-in: a reminder arrives through the outbox with its buttons, the mute
button works for its owner only, and calendar files (.ics) parse with the right local times."""

from __future__ import annotations

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlmodel import select

from bot.i18n import t
from sandbox import SandboxClient
from storage.db import Database
from storage.models import Reminder, ReminderMute
from tests.flows import messages, settle, subscribe
from tests.test_reminders import open_call

BISHKEK = ZoneInfo("Asia/Bishkek")
FAN, OTHER = 601, 602


async def reminder_rows(db: Database, **where) -> list[Reminder]:
    async with db.session() as session:
        query = select(Reminder).order_by(Reminder.id)
        for name, value in where.items():
            query = query.where(getattr(Reminder, name) == value)
        return list((await session.exec(query)).all())


def parse_ics(data: bytes) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Bishkek"]
    return list(calendar.walk("VEVENT"))


@pytest.mark.bad_input
async def test_a_reminder_arrives_and_its_owner_can_mute_the_call(
    bot, sandbox: SandboxClient, seeded_database: Database
) -> None:
    db = seeded_database
    await subscribe(db, FAN, "karakol", language="en")
    await subscribe(db, OTHER, "karakol", language="ru")
    fan, other = sandbox.user(FAN, first_name="Fan"), sandbox.user(OTHER, first_name="Other")
    for user in (fan, other):  # the chats exist
        await user.send("/start")
        await settle(user)
    call = await open_call(db)
    await settle(fan)  # the call itself (the publication's broadcast)
    await settle(other)
    mine = (await reminder_rows(db))[0]
    worker = bot.bot_data["reminders"]
    assert await worker.run_until_idle(now=mine.due_at) == {"sent": 2}

    [reminder] = messages(await settle(fan))
    assert "2 days" in reminder.text and "Club" in reminder.text
    assert "You have not started an application yet" in reminder.text
    assert reminder.buttons == [
        [t("en", "reminder-open")],
        [t("en", "calendar-button")],
        [t("en", "reminder-mute")],
    ]
    [others] = messages(await settle(other))
    their_mute = others.button_data[t("ru", "reminder-mute")]

    # Another user's reminder id in forged data: refused politely, nothing muted.
    await fan.click_data(reminder.message_id, their_mute)
    [refusal] = await settle(fan, messages=0, answers=1)
    assert refusal.show_alert and refusal.text == t("en", "reminder-mute-refused")
    await fan.click_data(reminder.message_id, "rm:mute:99999")
    [refusal] = await settle(fan, messages=0, answers=1)
    assert refusal.text == t("en", "reminder-mute-refused")
    async with db.session() as session:
        assert (await session.exec(select(ReminderMute))).all() == []

    # The owner mutes: told so, the mute button goes, the call's other reminders are cancelled.
    await fan.click(t("en", "reminder-mute"), message_id=reminder.message_id)
    events = await settle(fan, messages=1, answers=1, edits=1)
    [told] = messages(events)
    assert told.text == t("en", "reminder-muted", title="Club")
    [edit] = [e for e in events if e.kind == "edit"]
    assert edit.buttons == [[t("en", "reminder-open")], [t("en", "calendar-button")]]
    async with db.session() as session:
        [muted] = (await session.exec(select(ReminderMute))).all()
    assert muted.competition_id == call.id


async def test_the_deadline_as_a_calendar_file(
    bot, sandbox: SandboxClient, seeded_database: Database
) -> None:
    db = seeded_database
    await subscribe(db, FAN, "karakol", language="ru")
    fan = sandbox.user(FAN, first_name="Fan")
    await fan.send("/start")
    await settle(fan)
    call = await open_call(db)
    await settle(fan)  # the call's broadcast
    # The call's card (as a deep link or /calls shows it) has the calendar button.
    await fan.click_data((await fan.transcript())[-1]["message_id"], f"ap:open:{call.id}")
    [card] = messages(await settle(fan, answers=1))
    assert card.button_data[t("ru", "calendar-button")] == f"cal:c:{call.id}"

    await fan.click(t("ru", "calendar-button"), message_id=card.message_id)
    [sent] = messages(await settle(fan, answers=1))
    assert sent.document["file_name"] == f"deadline-{call.id}.ics"
    assert "Club (ru)" in sent.text
    [event] = parse_ics(await sandbox.download(sent.document["url"]))
    start = event.decoded("dtstart")
    assert event["dtstart"].params["TZID"] == "Asia/Bishkek"
    assert (start.hour, start.minute) == (18, 0)  # the deadline in Karakol's time
    assert start.astimezone(UTC) == call.deadline_at
    assert str(event["summary"]) == "Срок: Club (ru)"
    [alarm] = event.walk("VALARM")
    assert alarm.decoded("trigger") == -timedelta(days=1)

    # A forged or draft call: refused.
    await fan.click_data(card.message_id, "cal:c:99999")
    [refusal] = await settle(fan, messages=0, answers=1)
    assert refusal.show_alert


async def test_calendar_command_lists_the_upcoming_dates(
    bot, sandbox: SandboxClient, seeded_database: Database
) -> None:
    db = seeded_database
    fan = sandbox.user(FAN, first_name="Fan")
    await subscribe(db, FAN, "karakol", language="en")
    await fan.send("/start")
    await settle(fan)
    await fan.send("/calendar")
    [none] = messages(await settle(fan))
    assert none.text == t("en", "calendar-none")

    first = await open_call(db, days=10)
    second = await open_call(db, days=20)
    await settle(fan, messages=2)  # the two calls' broadcasts
    await fan.send("/calendar")
    [sent] = messages(await settle(fan))
    assert sent.document["file_name"] == "ssp-calendar.ics"
    events = parse_ics(await sandbox.download(sent.document["url"]))
    starts = [event.decoded("dtstart") for event in events]
    assert [s.astimezone(UTC) for s in starts] == [first.deadline_at, second.deadline_at]
    assert {s.astimezone(BISHKEK).hour for s in starts} == {18}
    assert [str(e["uid"]) for e in events] == [
        f"deadline-{first.id}@ssp-bot",
        f"deadline-{second.id}@ssp-bot",
    ]


pytestmark = pytest.mark.usefixtures("bot")


@pytest.mark.bad_input
async def test_ids_too_large_for_the_database_are_refused_politely(
    bot, sandbox: SandboxClient, seeded_database: Database
) -> None:
    """Ten digits pass for a number but not for PostgreSQL's integer: refused like any forged
    button, never "something went wrong" (ids are at most nine digits in every button)."""
    fan = sandbox.user(FAN, first_name="Fan")
    await fan.send("/start")
    [welcome] = messages(await settle(fan))
    for data in ("rm:mute:9999999999", "cal:c:9999999999", "rm:mute:2147483648"):
        await fan.click_data(welcome.message_id, data)
        events = await settle(fan, messages=0, answers=1)
        assert [(e.kind, e.show_alert) for e in events] == [("callback_answer", True)], data
        assert events[0].text != t("en", "error-generic"), data
