"""Reporting after an award: the report-due rows an award's schedule creates, and (below) the
steps of the reporting cycle. Each step checks the state it needs, changes the rows, writes its
audit event and queues its messages (through the outbox) in one transaction.

Access (who may take a step at all) is checked by the handlers on the record's municipality or
organization; what is checked here is what the data allows. Refusals are `Invalid` with a
translation key. The rules themselves are in bot/rules/reporting.py."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.formatting import localized, moment
from bot.i18n import t
from bot.rules import reporting as rules
from bot.rules.validation import Invalid
from storage.models import Award, Competition, Municipality, ReportDue, User
from storage.queries import reporting as queries
from storage.queries.audit import record
from storage.queries.outbox import enqueue_many
from storage.queries.selection import people_of_organization


def reports_for(award: Award, zone: ZoneInfo, *, now: datetime) -> list[ReportDue]:
    """The report-due rows of an award (not yet added to a session)."""
    return [
        ReportDue(
            award_id=award.id,
            competition_id=award.competition_id,
            number=slot.number,
            kind=slot.kind,
            period_start=slot.period_start,
            period_end=slot.period_end,
            due_at=rules.due_moment(slot.due_on, zone),
            status=rules.DUE,
            created_at=now,
            updated_at=now,
        )
        for slot in rules.schedule(
            award.reporting, start=award.contract_start, end=award.contract_end
        )
    ]


async def create_reports(
    session: AsyncSession, *, award: Award, zone: ZoneInfo, now: datetime
) -> list[ReportDue]:
    """Add the award's report-due rows, and their reminders, to the caller's transaction (the
    award's own, so an award never exists without its schedule). The award must have its id
    (flushed). Does not commit."""
    rows = reports_for(award, zone, now=now)
    session.add_all(rows)
    await session.flush()
    for row in rows:
        await _replan(session, row, now)
    return rows


# -- names and messages -----------------------------------------------------------------------


def report_name(language: str, report: ReportDue) -> str:
    """ "Interim report 2" or "Final report", in the reader's language."""
    if report.kind == rules.FINAL:
        return t(language, "rep-name-final")
    return t(language, "rep-name-periodic", number=report.number)


def _keyboard(rows: list[list[tuple[str, str]]]) -> dict | None:
    if not rows:
        return None
    return {
        "inline_keyboard": [
            [{"text": label, "callback_data": data} for label, data in row] for row in rows
        ]
    }


async def _tell(
    session: AsyncSession,
    *,
    people: list[User],
    key: str,
    dedupe: str,
    default_language: str,
    buttons: list[tuple[str, str]] = (),
    **args: object,
) -> int:
    """One outbox message per person in their language; `args` values may be functions of the
    language, `buttons` are (label key, callback data). Does not commit."""
    rows = []
    for person in people:
        language = person.language or default_language
        values = {
            name: (value(language) if callable(value) else value) for name, value in args.items()
        }
        rows.append(
            {
                "chat_id": person.telegram_id,
                "user_id": person.id,
                "dedupe_key": f"{dedupe}:u{person.id}"[:64],
                "text": t(language, key, **values),
                "reply_markup": _keyboard(
                    [[(t(language, label), data)] for label, data in buttons]
                ),
            }
        )
    return await enqueue_many(session, rows)


def _named(line: queries.ReportLine) -> dict[str, object]:
    """The arguments every reporting message names the report by."""
    return {
        "report": lambda language: report_name(language, line.report),
        "title": lambda language: localized(line.call.title, language),
        "organization": line.organization.name,
    }


async def _zone(session: AsyncSession, call: Competition) -> ZoneInfo:
    place = await session.get(Municipality, call.municipality_id)
    return ZoneInfo(place.timezone)


async def _replan(session: AsyncSession, report: ReportDue, now: datetime) -> None:
    """Re-derive the report's reminders from its new facts (in the same transaction)."""
    from bot.reminders import replan_report

    await replan_report(session, report, now=now)


# -- the NCO files a report ----------------------------------------------------------------


async def own_report(session: AsyncSession, *, report_id: int, user_id: int) -> queries.ReportLine:
    """The report if the user's organization holds its award; Invalid("button-stale") for any
    other (a forged or stale button names a report that is not theirs)."""
    line = await queries.own_report(session, report_id=report_id, user_id=user_id)
    if line is None:
        raise Invalid("button-stale")
    return line


async def file_report(
    session: AsyncSession,
    *,
    line: queries.ReportLine,
    user_id: int,
    revision: int,
    done_text: str,
    beneficiaries: int,
    spent: int,
    now: datetime,
    default_language: str,
) -> ReportDue:
    """File (or re-file) the report with these answers, as prepared on `revision`; the
    municipality's staff are told. A report filed or accepted meanwhile is refused. Commits."""
    report = line.report
    rules.may_file(report.status)
    elsewhere = await queries.spent_elsewhere(session, award_id=line.award.id, report_id=report.id)
    rules.spent(str(spent), award_amount=line.award.amount, spent_elsewhere=elsewhere)
    # Filed once: only the request that finds the report still owed, at the revision the NCO
    # prepared, moves it on (a double tap, or a second member filing at the same moment, not).
    moved = await session.exec(
        update(ReportDue)
        .where(
            ReportDue.id == report.id,
            ReportDue.status.in_(rules.OWED),
            ReportDue.revision == revision,
        )
        .values(
            status=rules.FILED,
            revision=revision + 1,
            done_text=done_text,
            beneficiaries=beneficiaries,
            spent=spent,
            filed_at=now,
            filed_by_user_id=user_id,
            updated_at=now,
        )
    )
    if moved.rowcount != 1:
        await session.rollback()
        fresh = await session.get(ReportDue, report.id, populate_existing=True)
        rules.may_file(fresh.status)
        raise Invalid("rep-changed-meanwhile")
    report = await session.get(ReportDue, report.id, populate_existing=True)
    event = record(
        session,
        action="report.file",
        actor_user_id=user_id,
        municipality_id=line.call.municipality_id,
        competition_id=line.call.id,
        subject=f"report:{report.id}",
        details={
            "revision": report.revision,
            "beneficiaries": beneficiaries,
            "spent": spent,
            "organization_id": line.organization.id,
        },
        at=now,
    )
    await session.flush()
    staff = await queries.staff_of_municipality(session, municipality_id=line.call.municipality_id)
    await _tell(
        session,
        people=staff,
        key="rep-staff-filed",
        dedupe=f"repf:e{event.id}",
        default_language=default_language,
        buttons=[("rep-open", f"rp:view:{report.id}")],
        revision=report.revision,
        **_named(line),
    )
    await _replan(session, report, now)
    await session.commit()
    return report


# -- staff review --------------------------------------------------------------------------


async def _reviewed(
    session: AsyncSession,
    *,
    line: queries.ReportLine,
    status: str,
    comment: str | None,
    by_user_id: int,
    now: datetime,
) -> ReportDue:
    report = line.report
    rules.may_review(report.status)
    moved = await session.exec(
        update(ReportDue)
        .where(
            ReportDue.id == report.id,
            ReportDue.status == rules.FILED,
            ReportDue.revision == report.revision,
        )
        .values(
            status=status,
            review_comment=comment,
            reviewed_at=now,
            reviewed_by_user_id=by_user_id,
            updated_at=now,
        )
    )
    if moved.rowcount != 1:  # reviewed by someone else meanwhile (or a double tap)
        await session.rollback()
        fresh = await session.get(ReportDue, report.id, populate_existing=True)
        rules.may_review(fresh.status)
        raise Invalid("rep-changed-meanwhile")
    return await session.get(ReportDue, report.id, populate_existing=True)


async def accept(
    session: AsyncSession,
    *,
    line: queries.ReportLine,
    by_user_id: int,
    now: datetime,
    default_language: str,
) -> ReportDue:
    """Accept a filed report; the NCO is told. Commits."""
    report = await _reviewed(
        session, line=line, status=rules.ACCEPTED, comment=None, by_user_id=by_user_id, now=now
    )
    event = record(
        session,
        action="report.accept",
        actor_user_id=by_user_id,
        municipality_id=line.call.municipality_id,
        competition_id=line.call.id,
        subject=f"report:{report.id}",
        details={"revision": report.revision, "organization_id": line.organization.id},
        at=now,
    )
    await session.flush()
    await _tell(
        session,
        people=await people_of_organization(session, organization_id=line.organization.id),
        key="rep-nco-accepted",
        dedupe=f"repa:e{event.id}",
        default_language=default_language,
        **_named(line),
    )
    await _replan(session, report, now)
    await session.commit()
    return report


async def request_changes(
    session: AsyncSession,
    *,
    line: queries.ReportLine,
    comment: str,
    by_user_id: int,
    now: datetime,
    default_language: str,
) -> ReportDue:
    """Send a filed report back with the staff's comment; the NCO is told and can file it
    again. Commits."""
    report = await _reviewed(
        session,
        line=line,
        status=rules.CHANGES_REQUESTED,
        comment=comment,
        by_user_id=by_user_id,
        now=now,
    )
    event = record(
        session,
        action="report.changes",
        actor_user_id=by_user_id,
        municipality_id=line.call.municipality_id,
        competition_id=line.call.id,
        subject=f"report:{report.id}",
        details={
            "revision": report.revision,
            "comment": comment,
            "organization_id": line.organization.id,
        },
        at=now,
    )
    await session.flush()
    await _tell(
        session,
        people=await people_of_organization(session, organization_id=line.organization.id),
        key="rep-nco-changes",
        dedupe=f"repc:e{event.id}",
        default_language=default_language,
        buttons=[("rep-revise", f"rp:file:{report.id}")],
        comment=comment,
        **_named(line),
    )
    await _replan(session, report, now)
    await session.commit()
    return report


async def extend(
    session: AsyncSession,
    *,
    line: queries.ReportLine,
    new_due_at: datetime,
    reason: str,
    by_user_id: int,
    now: datetime,
    default_language: str,
) -> ReportDue:
    """Move the report's due date to a later moment in the future, with the reason (kept on the
    report and in the audit log); the NCO is told. Commits."""
    report = await session.get(ReportDue, line.report.id, populate_existing=True)
    rules.check_extension(new_due_at, current_due_at=report.due_at, status=report.status, now=now)
    old = report.due_at
    report.extensions = [
        *report.extensions,
        {
            "from": old.isoformat(),
            "to": new_due_at.isoformat(),
            "reason": reason,
            "by": by_user_id,
            "at": now.isoformat(),
        },
    ]
    report.due_at, report.updated_at = new_due_at, now
    session.add(report)
    event = record(
        session,
        action="report.extend",
        actor_user_id=by_user_id,
        municipality_id=line.call.municipality_id,
        competition_id=line.call.id,
        subject=f"report:{report.id}",
        details={
            "from": old.isoformat(),
            "to": new_due_at.isoformat(),
            "reason": reason,
            "organization_id": line.organization.id,
        },
        at=now,
    )
    await session.flush()
    zone = await _zone(session, line.call)
    await _tell(
        session,
        people=await people_of_organization(session, organization_id=line.organization.id),
        key="rep-nco-extended",
        dedupe=f"repx:e{event.id}",
        default_language=default_language,
        buttons=[("rep-open", f"rp:open:{report.id}")],
        when=moment(new_due_at, zone),
        zone=zone.key,
        reason=reason,
        **_named(line),
    )
    await _replan(session, report, now)
    await session.commit()
    return report


# -- the table per call ----------------------------------------------------------------------


@dataclass(frozen=True)
class TableRow:
    line: queries.ReportLine
    state: str  # due, overdue, filed, changes_requested, accepted


async def call_table(
    session: AsyncSession, *, call: Competition, now: datetime
) -> tuple[list[TableRow], Counter[str]]:
    """Every report of the call's awards with its state, and the count of each state."""
    rows = [
        TableRow(line, rules.state(line.report.status, line.report.due_at, now))
        for line in await queries.reports_of_call(session, competition_id=call.id)
    ]
    return rows, Counter(row.state for row in rows)


TABLE_STATES = ("due", "overdue", "filed", "changes_requested", "accepted")
