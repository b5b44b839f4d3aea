"""The .ics builder on its own: the municipality's zone as VTIMEZONE/TZID, local times, an alarm,
plain text (no Telegram HTML), and several events in one file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from bot.calendar import Dated, deadline_event, ics
from storage.models import Competition, Municipality

NOW = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)


def test_a_deadline_in_the_municipality_zone_with_an_alarm() -> None:
    place = Municipality(
        id=3,
        slug="x",
        name_ky="Ш",
        name_ru="Мэрия",
        name_en="Mayor's Office",
        timezone="Asia/Bangkok",
    )
    call = Competition(
        id=12,
        municipality_id=3,
        title={"en": "Waste <sorting> & co", "ru": "Мусор"},
        deadline_at=datetime(2026, 3, 20, 11, 0, tzinfo=UTC),  # 18:00 in Bangkok (UTC+7)
    )
    data = ics([deadline_event(call, place, "en")], now=NOW)
    calendar = icalendar.Calendar.from_ical(data)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Bangkok"]
    [event] = calendar.walk("VEVENT")
    assert event["dtstart"].params["TZID"] == "Asia/Bangkok"
    start = event.decoded("dtstart")
    assert (start.hour, start.minute) == (18, 0) and start.utcoffset() == timedelta(hours=7)
    assert str(event["summary"]) == "Deadline: Waste <sorting> & co"  # plain text, unescaped
    assert "Mayor's Office" in str(event["description"])
    assert str(event["uid"]) == "deadline-12@ssp-bot"
    [alarm] = event.walk("VALARM")
    assert str(alarm["action"]) == "DISPLAY"
    assert alarm.decoded("trigger") == -timedelta(days=1)


def test_several_dates_in_one_file_share_one_zone_definition() -> None:
    zone = ZoneInfo("Asia/Bishkek")
    events = [
        Dated(f"e{n}@t", f"Event {n}", "d", NOW + timedelta(days=n), zone, "soon")
        for n in (1, 2, 3)
    ]
    calendar = icalendar.Calendar.from_ical(ics(events, now=NOW))
    assert len(calendar.walk("VTIMEZONE")) == 1
    starts = [event.decoded("dtstart") for event in calendar.walk("VEVENT")]
    assert [s.astimezone(UTC) for s in starts] == [e.starts_at for e in events]
    assert {(s.hour, s.minute) for s in starts} == {(12, 0)}  # 06:00 UTC is 12:00 in Bishkek
