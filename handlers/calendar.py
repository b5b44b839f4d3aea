"""Calendars: a call's deadline as an .ics file (the button on the call card and on reminders),
and /calendar with all of the user's upcoming dates in one file (report due dates included;
a single report's .ics is the "rp:cal" button, handlers/reports.py)."""

from __future__ import annotations

import re

from sqlmodel import select
from telegram import Update

from bot.calendar import deadline_event, ics, report_event
from bot.context import BotContext
from bot.formatting import localized, moment
from bot.i18n import t
from bot.rules.reporting import OWED
from handlers.common import current_user, refuse_button
from storage.models import Competition, Municipality, Reminder, Submission
from storage.queries.organizations import organization_of
from storage.queries.reporting import reports_of_organization
from storage.types import utcnow

_DEADLINE = re.compile(r"^cal:c:(?P<id>\d{1,9})$")
SHOWN = ("published", "closed", "decided")  # calls whose card anyone may see


def deadline_data(competition_id: int) -> str:
    return f"cal:c:{competition_id}"


def card_buttons(language: str, call: Competition) -> list[list[tuple[str, str]]]:
    """The "add to calendar" row for a call card, while its deadline is ahead."""
    if call.status != "published" or call.deadline_at is None or call.deadline_at <= utcnow():
        return []
    return [[(t(language, "calendar-button"), deadline_data(call.id))]]


async def on_button(update: Update, context: BotContext) -> None:
    """ "cal:c:<call id>": the call's deadline as an .ics file (calls by id are public)."""
    query = update.callback_query
    _, language = await current_user(update, context)
    match = _DEADLINE.match(query.data or "")
    call = place = None
    if match:
        async with context.db.session() as session:
            call = await session.get(Competition, int(match["id"]))
            if call is not None:
                place = await session.get(Municipality, call.municipality_id)
    if call is None or call.status not in SHOWN or call.deadline_at is None:
        await refuse_button(query, language)
        return
    await query.answer()
    event = deadline_event(call, place, language)
    await query.message.reply_document(
        document=ics([event], now=utcnow()),
        filename=f"deadline-{call.id}.ics",
        caption=t(
            language,
            "calendar-caption",
            title=localized(call.title, language),
            when=moment(call.deadline_at, event.zone),
            zone=event.zone.key,
        ),
    )


async def calendar_command(update: Update, context: BotContext) -> None:
    """/calendar: every upcoming date of the user in one .ics file: deadlines of the calls
    their organization applies to and of those they are being reminded of, and the due dates of
    the reports their organization still owes."""
    user, language = await current_user(update, context)
    now = utcnow()
    async with context.db.session() as session:
        call_ids: set[int] = set()
        organization = await organization_of(session, user_id=user.id)
        if organization is not None:
            applied = await session.exec(
                select(Submission.competition_id).where(
                    Submission.organization_id == organization.id
                )
            )
            call_ids |= set(applied.all())
        reminded = await session.exec(
            select(Reminder.competition_id).where(
                Reminder.user_id == user.id,
                Reminder.status == "pending",
                Reminder.competition_id.is_not(None),
            )
        )
        call_ids |= set(reminded.all())
        events = []
        if call_ids:
            calls = await session.exec(
                select(Competition)
                .where(
                    Competition.id.in_(call_ids),
                    Competition.status == "published",
                    Competition.deadline_at > now,
                )
                .order_by(Competition.deadline_at)
            )
            for call in calls.all():
                place = await session.get(Municipality, call.municipality_id)
                events.append(deadline_event(call, place, language))
        if organization is not None:
            for line in await reports_of_organization(session, organization_id=organization.id):
                if line.report.status in OWED and line.report.due_at > now:
                    place = await session.get(Municipality, line.call.municipality_id)
                    events.append(report_event(line.report, line.call, place, language))
        events.sort(key=lambda event: event.starts_at)
    message = update.effective_message
    if not events:
        await message.reply_text(t(language, "calendar-none"))
        return
    await message.reply_document(
        document=ics(events, now=now),
        filename="ssp-calendar.ics",
        caption=t(language, "calendar-all-caption", count=len(events)),
    )
