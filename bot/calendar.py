"""Calendar files (.ics) for deadlines, built with the icalendar package: each event in the
municipality's time zone (a VTIMEZONE and TZID, so a phone shows the local time wherever it is)
with an alarm a day before; report due dates are events of the same shape."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from bot.formatting import localized
from bot.i18n import t
from storage.models import Competition, Municipality

PRODUCT = "-//SSP Bot//Calendar//EN"
ALARM_BEFORE = timedelta(days=1)
DOMAIN = "ssp-bot"


@dataclass(frozen=True)
class Dated:
    """One date for the calendar: a stable uid, what it is, and when, in which zone."""

    uid: str
    summary: str
    description: str
    starts_at: datetime  # aware
    zone: ZoneInfo
    alarm: str


def deadline_event(competition: Competition, municipality: Municipality, language: str) -> Dated:
    title = localized(competition.title, language)
    return Dated(
        uid=f"deadline-{competition.id}@{DOMAIN}",
        summary=t(language, "calendar-event-deadline", title=title),
        description=t(
            language,
            "calendar-event-description",
            title=title,
            municipality=municipality.name(language),
        ),
        starts_at=competition.deadline_at,
        zone=ZoneInfo(municipality.timezone),
        alarm=t(language, "calendar-alarm", title=title),
    )


def ics(events: Iterable[Dated], *, now: datetime) -> bytes:
    """One VCALENDAR with the events, their zones' VTIMEZONEs and an alarm for each."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    for item in events:
        event = icalendar.Event()
        event.add("uid", item.uid)
        event.add("dtstamp", now)
        event.add("summary", _plain(item.summary))
        event.add("description", _plain(item.description))
        local = item.starts_at.astimezone(item.zone)
        event.add("dtstart", local)
        event.add("dtend", local)
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _plain(item.alarm))
        alarm.add("trigger", -ALARM_BEFORE)
        event.add_component(alarm)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _plain(text: str) -> str:
    """Texts from t() are Telegram HTML; a calendar wants plain text."""
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", text))


def report_event(report, competition: Competition, municipality: Municipality, language: str):
    """A report's due moment as a calendar event (its uid changes with nothing but the report)."""
    from bot.reporting import report_name

    title = localized(competition.title, language)
    name = report_name(language, report)
    return Dated(
        uid=f"report-{report.id}@{DOMAIN}",
        summary=t(language, "calendar-event-report", report=name, title=title),
        description=t(
            language,
            "calendar-event-report-description",
            report=name,
            title=title,
            municipality=municipality.name(language),
        ),
        starts_at=report.due_at,
        zone=ZoneInfo(municipality.timezone),
        alarm=t(language, "calendar-alarm-report", report=name, title=title),
    )
