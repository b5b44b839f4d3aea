"""The reporting cycle on a real database (SQLite and PostgreSQL) with an injected clock: the
report-due rows an award creates, filing, review, extensions and their audit trail."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot import reporting, selection
from bot.reminders import ReminderWorker
from bot.rules import reporting as rules
from bot.rules.validation import Invalid
from storage.db import Database
from storage.models import AuditEvent, Award, Competition, OutboxMessage, Reminder, ReportDue
from storage.queries import reporting as queries
from storage.queries.users import get_user
from storage.types import utcnow
from tests.reporting_flows import STAFF, decided_call, reports_of

BISHKEK = ZoneInfo("Asia/Bishkek")


def local(moment: datetime) -> datetime:
    return moment.astimezone(BISHKEK)


async def test_an_award_creates_its_reports_with_it(seeded_database: Database) -> None:
    db = seeded_database
    start = date.today() + timedelta(days=20)
    start = date(start.year + 1, 1, 1)  # a whole year ahead: month ends are predictable
    scene = await decided_call(
        db,
        reporting={"kind": "quarterly", "final_days": 15},
        period=(start, date(start.year, 9, 30)),
        winners=2,
    )
    assert len(scene.awards) == 2
    for award in scene.awards:
        found = await reports_of(db, award_id=award.id)
        assert [(r.number, r.kind, local(r.due_at).date()) for r in found] == [
            (1, "periodic", date(start.year, 3, 31)),
            (2, "periodic", date(start.year, 6, 30)),
            (3, "final", date(start.year, 10, 15)),
        ]
        assert {local(r.due_at).hour for r in found} == {18}
        assert {r.status for r in found} == {"due"}
        assert {r.competition_id for r in found} == {scene.call.id}
        assert found[-1].period_start == award.contract_start == start
        assert found[-1].period_end == award.contract_end == date(start.year, 9, 30)


async def test_a_refused_second_publication_leaves_no_extra_reports(
    seeded_database: Database,
) -> None:
    db = seeded_database
    scene = await decided_call(db, reporting={"kind": "monthly"})
    before = await reports_of(db)
    assert len(before) >= 2
    async with db.session() as session:
        call = await session.get(Competition, scene.call.id)
        with pytest.raises(Invalid) as refused:
            await selection.publish_decision(
                session,
                call=call,
                by_user_id=scene.staff_user_id,
                now=datetime.now(UTC),
                default_language="en",
            )
    assert refused.value.key == "sel-already-decided"
    assert [r.id for r in await reports_of(db)] == [r.id for r in before]
    async with db.session() as session:
        assert len((await session.exec(select(Award))).all()) == 1
        assert len((await session.exec(select(ReportDue))).all()) == len(before)


# -- the cycle, with an injected clock ----------------------------------------------------------


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def user_id_of(db: Database, telegram_id: int) -> int:
    async with db.session() as session:
        return (await get_user(session, telegram_id=telegram_id)).id


async def reminders_of(db: Database, report_id: int, **where) -> list[Reminder]:
    async with db.session() as session:
        query = select(Reminder).where(Reminder.report_due_id == report_id)
        for name, value in where.items():
            query = query.where(getattr(Reminder, name) == value)
        return list((await session.exec(query.order_by(Reminder.due_at, Reminder.id))).all())


async def outbox_to(db: Database, chat_id: int) -> list[OutboxMessage]:
    async with db.session() as session:
        query = select(OutboxMessage).where(OutboxMessage.chat_id == chat_id)
        return list((await session.exec(query.order_by(OutboxMessage.id))).all())


def callbacks(message: OutboxMessage) -> list[str]:
    markup = message.reply_markup or {"inline_keyboard": []}
    return [button["callback_data"] for row in markup["inline_keyboard"] for button in row]


async def audit_actions(db: Database) -> list[str]:
    async with db.session() as session:
        rows = await session.exec(
            select(AuditEvent).where(AuditEvent.action.like("report.%")).order_by(AuditEvent.id)
        )
        return [row.action for row in rows.all()]


def contract(today: date) -> tuple[date, date]:
    """Three whole months starting on the first of a month at least a week ahead."""
    start = date(today.year + (today.month + 1) // 12, (today.month + 1) % 12 + 1, 1)
    end = date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1)
    return start, end - timedelta(days=1)


async def test_file_request_changes_resubmit_accept(seeded_database: Database) -> None:
    db = seeded_database
    scene = await decided_call(db, reporting={"kind": "monthly"}, period=contract(date.today()))
    nco = scene.winners[0]
    nco_user = await user_id_of(db, nco.telegram_id)
    first = (await reports_of(db, award_id=scene.awards[0].id))[0]

    # Planned at the award: 7 days, 1 day and the morning before; 1 and 7 days after; the
    # staff's escalation a week after.
    planned = await reminders_of(db, first.id, status="pending")
    mine = [r.key.split(":", 3)[3] for r in planned if r.user_id == nco_user]
    assert mine == [
        f"u{nco_user}:due-7d",
        f"u{nco_user}:due-1d",
        f"u{nco_user}:due-9h",
        f"u{nco_user}:late-1d",
        f"u{nco_user}:late-7d",
    ]
    assert [r.kind for r in planned if r.user_id == scene.staff_user_id] == ["report-escalation"]
    assert local(planned[2].due_at).hour == 9  # the morning of the due day

    # A week before: the reminder goes to the NCO with the button to file.
    clock = Clock(first.due_at - timedelta(days=7))
    worker = ReminderWorker(db, default_language="en", now=clock)
    assert (await worker.run_until_idle())["sent"] == 1
    [reminder] = [
        m for m in await outbox_to(db, nco.telegram_id) if m.dedupe_key.startswith("rem:")
    ]
    assert "Interim report 1" in reminder.text and "7 days" in reminder.text
    assert callbacks(reminder)[:2] == [f"rp:file:{first.id}", f"rp:cal:{first.id}"]

    # Filed two days before the due date: staff are told, the reminders stop.
    clock.now = first.due_at - timedelta(days=2)
    async with db.session() as session:
        line = await reporting.own_report(session, report_id=first.id, user_id=nco_user)
        report = await reporting.file_report(
            session,
            line=line,
            user_id=nco_user,
            revision=0,
            done_text="Opened the youth centre; 3 clubs meet twice a week.",
            beneficiaries=85,
            spent=30_000,
            now=clock.now,
            default_language="en",
        )
    assert (report.status, report.revision, report.spent) == ("filed", 1, 30_000)
    [notice] = await outbox_to(db, STAFF)
    assert "has filed Interim report 1" in notice.text
    assert callbacks(notice) == [f"rp:view:{first.id}"]
    assert await reminders_of(db, first.id, status="pending") == []

    # A double tap on Send: refused, nothing changes.
    with pytest.raises(Invalid) as refused:
        async with db.session() as session:
            line = await reporting.own_report(session, report_id=first.id, user_id=nco_user)
            await reporting.file_report(
                session,
                line=line,
                user_id=nco_user,
                revision=0,
                done_text="Opened the youth centre; 3 clubs meet twice a week.",
                beneficiaries=85,
                spent=30_000,
                now=clock.now,
                default_language="en",
            )
    assert refused.value.key == "rep-already-filed"

    # Changes requested: the NCO hears the comment with a button to revise; reminders return.
    async with db.session() as session:
        line = await queries.report_line(session, report_id=first.id)
        await reporting.request_changes(
            session,
            line=line,
            comment="Please attach the attendance lists.",
            by_user_id=scene.staff_user_id,
            now=clock.now,
            default_language="en",
        )
    told = (await outbox_to(db, nco.telegram_id))[-1]
    assert "Please attach the attendance lists." in told.text
    assert callbacks(told) == [f"rp:file:{first.id}"]
    pending = await reminders_of(db, first.id, status="pending", user_id=nco_user)
    assert [r.key.rsplit(":", 1)[1] for r in pending] == ["due-1d", "due-9h", "late-1d", "late-7d"]

    # Resubmitted, then accepted: told, and nothing more to remind of.
    async with db.session() as session:
        line = await reporting.own_report(session, report_id=first.id, user_id=nco_user)
        await reporting.file_report(
            session,
            line=line,
            user_id=nco_user,
            revision=1,
            done_text="Opened the youth centre; attendance lists attached.",
            beneficiaries=85,
            spent=30_000,
            now=clock.now,
            default_language="en",
        )
    async with db.session() as session:
        line = await queries.report_line(session, report_id=first.id)
        accepted = await reporting.accept(
            session,
            line=line,
            by_user_id=scene.staff_user_id,
            now=clock.now,
            default_language="en",
        )
    assert (accepted.status, accepted.revision) == ("accepted", 2)
    assert "has accepted Interim report 1" in (await outbox_to(db, nco.telegram_id))[-1].text
    assert await reminders_of(db, first.id, status="pending") == []
    assert await audit_actions(db) == [
        "report.file",
        "report.changes",
        "report.file",
        "report.accept",
    ]


@pytest.mark.bad_input
async def test_an_accepted_report_cannot_be_filed_reviewed_or_extended(
    seeded_database: Database,
) -> None:
    db = seeded_database
    scene = await decided_call(db, reporting={"kind": "final"})
    nco_user = await user_id_of(db, scene.winners[0].telegram_id)
    [report] = await reports_of(db)
    now = datetime.now(UTC)
    async with db.session() as session:
        line = await reporting.own_report(session, report_id=report.id, user_id=nco_user)
        await reporting.file_report(
            session,
            line=line,
            user_id=nco_user,
            revision=0,
            done_text="Everything planned was done, see the attached documents.",
            beneficiaries=40,
            spent=100_000,
            now=now,
            default_language="en",
        )
        line = await queries.report_line(session, report_id=report.id)
        await reporting.accept(
            session, line=line, by_user_id=scene.staff_user_id, now=now, default_language="en"
        )
    async with db.session() as session:
        line = await queries.report_line(session, report_id=report.id)
        attempts = {
            "file": reporting.file_report(
                session,
                line=line,
                user_id=nco_user,
                revision=1,
                done_text="Another version of the report, sent after acceptance.",
                beneficiaries=1,
                spent=0,
                now=now,
                default_language="en",
            ),
            "accept": reporting.accept(
                session, line=line, by_user_id=scene.staff_user_id, now=now, default_language="en"
            ),
            "extend": reporting.extend(
                session,
                line=line,
                new_due_at=now + timedelta(days=30),
                reason="Asked by phone",
                by_user_id=scene.staff_user_id,
                now=now,
                default_language="en",
            ),
        }
        for name, attempt in attempts.items():
            with pytest.raises(Invalid) as refused:
                await attempt
            assert refused.value.key == "rep-already-accepted", name
    [after] = await reports_of(db)
    assert (after.status, after.revision, after.extensions) == ("accepted", 1, [])


@pytest.mark.bad_input
async def test_another_ncos_report_is_refused(seeded_database: Database) -> None:
    db = seeded_database
    scene = await decided_call(db, reporting={"kind": "final"}, winners=2)
    first = scene.winners[0]
    theirs = (await reports_of(db, award_id=scene.awards[1].id))[0]
    mine = await user_id_of(db, first.telegram_id)
    async with db.session() as session:
        with pytest.raises(Invalid) as refused:
            await reporting.own_report(session, report_id=theirs.id, user_id=mine)
        assert refused.value.key == "button-stale"
        with pytest.raises(Invalid):  # staff are no member of any organization either
            await reporting.own_report(session, report_id=theirs.id, user_id=scene.staff_user_id)
    assert (await reports_of(db, award_id=scene.awards[1].id))[0].status == "due"


@pytest.mark.bad_input
async def test_money_spent_beyond_the_award_is_refused_when_filing(
    seeded_database: Database,
) -> None:
    db = seeded_database
    scene = await decided_call(db, reporting={"kind": "monthly"}, period=contract(date.today()))
    nco_user = await user_id_of(db, scene.winners[0].telegram_id)
    first, second = (await reports_of(db))[:2]
    now = datetime.now(UTC)

    async def file(report: ReportDue, spent: int) -> None:
        async with db.session() as session:
            line = await reporting.own_report(session, report_id=report.id, user_id=nco_user)
            await reporting.file_report(
                session,
                line=line,
                user_id=nco_user,
                revision=0,
                done_text="Activities of the month as planned, with the lists attached.",
                beneficiaries=10,
                spent=spent,
                now=now,
                default_language="en",
            )

    await file(first, 70_000)
    with pytest.raises(Invalid) as refused:
        await file(second, 40_000)  # 70,000 + 40,000 > the award of 100,000
    assert (refused.value.key, refused.value.params) == (
        "rep-spent-above-award",
        {"remaining": 30_000},
    )
    assert (await reports_of(db))[1].status == "due"


async def test_overdue_reminders_escalate_and_an_extension_replans(
    seeded_database: Database,
) -> None:
    db = seeded_database
    scene = await decided_call(db, reporting={"kind": "final"}, winners=2)
    first = scene.winners[0]
    reports = await reports_of(db)
    due_at = reports[0].due_at
    assert {r.due_at for r in reports} == {due_at}
    clock = Clock(due_at + timedelta(days=1, minutes=1))
    worker = ReminderWorker(db, default_language="en", now=clock)

    # A day late: each NCO is reminded that its report is overdue.
    assert (await worker.run_until_idle())["sent"] == 2
    late = (await outbox_to(db, first.telegram_id))[-1]
    assert "was due" in late.text and "1 day ago" in late.text
    assert "Final report" in late.text

    # A week late: the NCOs again, and the staff once, with both overdue reports listed.
    clock.now = due_at + timedelta(days=7, minutes=1)
    done = await worker.run_until_idle()
    assert done["sent"] == 3
    [escalation] = [m for m in await outbox_to(db, STAFF) if m.dedupe_key.startswith("rem:")]
    assert "Overdue reports" in escalation.text
    assert escalation.text.count("7 days ago") == 2
    assert callbacks(escalation)[0] == f"rp:call:{scene.call.id}"

    # An extension to a date already past is refused; a future one re-plans the reminders.
    zone = BISHKEK
    past = local(clock.now - timedelta(days=1)).strftime("%d.%m.%Y")
    with pytest.raises(Invalid) as refused:
        rules.extension(past, current_due_at=due_at, status="due", zone=zone, now=clock.now)
    assert refused.value.key == "rep-extension-past"
    new_day = local(clock.now + timedelta(days=10)).strftime("%d.%m.%Y")
    new_due = rules.extension(
        new_day, current_due_at=due_at, status="due", zone=zone, now=clock.now
    )
    async with db.session() as session:
        line = await queries.report_line(session, report_id=reports[0].id)
        extended = await reporting.extend(
            session,
            line=line,
            new_due_at=new_due,
            reason="The NCO's accountant was ill",
            by_user_id=scene.staff_user_id,
            now=clock.now,
            default_language="en",
        )
    assert extended.due_at == new_due
    assert [(e["reason"], e["by"]) for e in extended.extensions] == [
        ("The NCO's accountant was ill", scene.staff_user_id)
    ]
    told = (await outbox_to(db, first.telegram_id))[-1]
    assert "The NCO's accountant was ill" in told.text
    pending = await reminders_of(db, reports[0].id, status="pending")
    assert pending and all(":x1:" in r.key for r in pending)
    assert {r.event_at for r in pending} == {new_due}
    assert await audit_actions(db) == ["report.extend"]
    # The other report is still overdue: its escalation rows were settled, none pending twice.
    assert await reminders_of(db, reports[1].id, status="claimed") == []


async def test_a_contract_started_at_night_starts_on_the_municipalitys_day(
    seeded_database: Database,
) -> None:
    """A decision published at 02:30 in Bishkek (20:30 UTC the evening before) on a call whose
    period has begun: the contract starts on Bishkek's day, not UTC's."""
    evening = (utcnow() + timedelta(days=1)).replace(hour=20, minute=30, second=0, microsecond=0)
    bishkek_day = evening.astimezone(ZoneInfo("Asia/Bishkek")).date()
    assert bishkek_day == evening.date() + timedelta(days=1)
    period = (bishkek_day - timedelta(days=30), bishkek_day + timedelta(days=150))
    decided = await decided_call(seeded_database, period=period, now=evening)
    [award] = decided.awards
    assert award.contract_start == bishkek_day
