"""The demo database's decided call (bot/demo_story.py), on each backend: made by the bot's own
selection and reporting functions (their audit trail shows it), with awards to two demo NCOs,
one report overdue, one due soon and one filed for review; receipt numbers from the bot's
counter, so the next application in the demo gets a fresh one; no reminder of the story's past
due at the start, and the reports' reminders due within days when the helpers run them."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot import reporting
from bot.demo_data import COMMISSION_ID, STAFF_ID, prepare_demo_database
from bot.demo_story import DECIDED_CALL_TITLE
from bot.i18n import t
from bot.reminders import ReminderWorker
from bot.rules import reporting as report_rules
from storage.db import Database
from storage.models import (
    AuditEvent,
    Award,
    Competition,
    Organization,
    OutboxMessage,
    Reminder,
    ReportDue,
    Submission,
    User,
)
from storage.queries.submissions import next_reference_number
from storage.types import utcnow

DINARA, AIGERIM = 2003, 2001


async def _decided(db: Database) -> Competition:
    async with db.session() as session:
        return (
            await session.exec(select(Competition).where(Competition.status == "decided"))
        ).one()


async def _telegram_ids(db: Database) -> dict[int, int]:
    """User id -> Telegram id."""
    async with db.session() as session:
        return {user.id: user.telegram_id for user in (await session.exec(select(User))).all()}


async def test_the_decided_call_has_awards_and_reports_made_by_the_bot_functions(
    database: Database,
) -> None:
    made = await prepare_demo_database(database)
    assert made.created
    call = await _decided(database)
    assert call.title == DECIDED_CALL_TITLE
    now = utcnow()
    async with database.session() as session:
        awards = (await session.exec(select(Award).where(Award.competition_id == call.id))).all()
        organizations = {
            award.organization_id: (await session.get(Organization, award.organization_id)).name
            for award in awards
        }
        actions = Counter(
            event.action
            for event in (
                await session.exec(select(AuditEvent).where(AuditEvent.competition_id == call.id))
            ).all()
        )
        rows, counts = await reporting.call_table(session, call=call, now=now)
    assert sorted(organizations.values()) == ["Association «Bright Future»", "ОФ «Мээрим»"]
    assert sorted(award.amount for award in awards) == [250_000, 280_000]
    # Every step went through its function, which records it.
    assert actions == {
        "selection.admit": 2,
        "commission.assign": 1,
        "commission.declare": 2,
        "commission.score": 4,
        "commission.submit": 1,
        "decision.record": 2,
        "decision.publish": 1,
        "report.file": 1,
    }
    # The staff's table: Dinara's first report overdue, Aigerim's filed, the rest due.
    assert counts == {"overdue": 1, "filed": 1, "due": 4}
    states = {(row.line.organization.name, row.line.report.number): row.state for row in rows}
    assert states[("Association «Bright Future»", 1)] == "overdue"
    assert states[("ОФ «Мээрим»", 1)] == "filed"
    by_number = {row.line.report.number: row.line.report for row in rows}
    assert now - timedelta(days=5) < by_number[1].due_at < now - timedelta(days=3)
    assert now + timedelta(days=5) < by_number[2].due_at < now + timedelta(days=7)
    assert by_number[3].kind == report_rules.FINAL and by_number[3].due_at > by_number[2].due_at

    # Running it again over the same database changes nothing.
    again = await prepare_demo_database(database)
    assert not again.created
    async with database.session() as session:
        assert len((await session.exec(select(Competition))).all()) == 3
        assert len((await session.exec(select(ReportDue))).all()) == 6


async def test_the_story_messages_wait_in_the_outbox_and_no_past_reminder_is_due(
    database: Database,
) -> None:
    await prepare_demo_database(database)
    telegram = await _telegram_ids(database)
    now = utcnow()
    async with database.session() as session:
        queued = (await session.exec(select(OutboxMessage))).all()
        due = (
            await session.exec(
                select(Reminder).where(Reminder.status == "pending", Reminder.due_at <= now)
            )
        ).all()
    assert {row.status for row in queued} == {"queued"}
    # Admitted and the decision to each winner; "a report was filed" to the staff member.
    assert Counter(row.chat_id for row in queued) == {DINARA: 2, AIGERIM: 2, STAFF_ID: 1}
    decision = next(row.text for row in queued if row.chat_id == DINARA and "🏆" in row.text)
    assert "/reports" in decision
    assert due == [], [(telegram[row.user_id], row.key, row.due_at) for row in due]
    assert COMMISSION_ID not in {row.chat_id for row in queued}  # his sheet is submitted


async def test_receipt_numbers_come_from_the_counter_so_the_next_is_new(
    database: Database,
) -> None:
    """A demo application submitted now takes the counter's next number: it must not be one
    the demo data already uses (the receipt number is unique)."""
    await prepare_demo_database(database)
    async with database.session() as session:
        references = [row.reference for row in (await session.exec(select(Submission))).all()]
        year = utcnow().year
        following = await next_reference_number(session, prefix=f"KRK-{year}-")
        await session.rollback()
    assert len(references) == len(set(references)) == 4
    assert f"KRK-{year}-{following:04d}" not in references


def first_midday_after(moment: datetime, zone: str = "Asia/Bishkek") -> datetime:
    """12:00 local on the day of `moment`, or of the next day if that has passed: a time outside
    the quiet hours (21:00-08:00), whatever the time of day the test runs at."""
    local = moment.astimezone(ZoneInfo(zone))
    midday = local.replace(hour=12, minute=0, second=0, microsecond=0)
    return midday if midday >= local else midday + timedelta(days=1)


async def test_the_reports_reminders_fall_due_within_days(database: Database) -> None:
    """What the helpers' "Run due reminders now" shows: within 96 hours (run at the midday
    after, since in the quiet hours nothing is sent), Dinara's second overdue reminder and the
    escalation to the staff; nothing for Aigerim yet (her report is due in 6 days)."""
    await prepare_demo_database(database)
    async with database.session() as session:
        before = {row.id for row in (await session.exec(select(OutboxMessage))).all()}
    worker = ReminderWorker(database, default_language="en")
    done = await worker.run_until_idle(now=first_midday_after(utcnow() + timedelta(hours=96)))
    assert done["sent"] == 2, done
    async with database.session() as session:
        new = [
            row for row in (await session.exec(select(OutboxMessage))).all() if row.id not in before
        ]
    texts = {row.chat_id: row.text for row in new}
    assert set(texts) == {DINARA, STAFF_ID}
    title = DECIDED_CALL_TITLE["en"]
    overdue_report = t("en", "rep-name-periodic", number=1)
    assert texts[DINARA].startswith(f"⚠️ {overdue_report} on “{title}” was due")
    assert texts[STAFF_ID].startswith(f"⚠️ <b>Overdue reports</b> on “{title}”")
    assert f"• Association «Bright Future» · {overdue_report} · was due" in texts[STAFF_ID]
