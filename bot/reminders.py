"""The reminder engine: re-planning reminders when facts change, and the worker that sends them.

- `replan_call` (called where a call is published, its deadline moved or it is cancelled, in the
  same transaction) and `replan_changed_applications` (drafts started, submitted or withdrawn
  since the worker's last run, batched per call) store exactly the reminders the rules in
  bot/rules/reminders.py plan for the facts as they are now.
- `replan_sheets` does the same for commission members' score sheets (called by bot/selection.py
  where a member is assigned, applications are admitted, a member recuses or submits, and the
  decision is published), and `on_user_changed` for everything of one user who paused, resumed,
  blocked the bot or came back (/stop, /subscriptions, handlers/leaving.py); `on_users_changed`
  for the users the outbox found blocked (bot/refusals.py).
- `ReminderWorker.run_once` claims due rows (a lease, and FOR UPDATE SKIP LOCKED on PostgreSQL),
  checks each against the facts once more (a reminder whose call closed, whose draft was
  submitted or that was muted is cancelled, never sent), lets `triage` decide, and writes each
  message to the outbox in the same transaction that marks its row sent. The outbox row's key is
  the reminder's key, so however many workers handle a row, there is one message.
- `schedule_on` runs the worker from the application's JobQueue; `python -m bot.reminders` runs
  a worker process (reminders and the outbox, no updates) beside the bot, e.g. a second machine
  on the same PostgreSQL database.

The clock is injectable (`now`), for tests and the demo's "as if N hours had passed".
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram.ext import Application, ContextTypes

from bot.formatting import localized, moment
from bot.i18n import t
from bot.rules import application as application_rules
from bot.rules import reminders as rules
from bot.rules import selection as selection_rules
from bot.rules.reminders import (
    Assessor,
    CallFacts,
    Due,
    Person,
    ReminderRules,
    ReportFacts,
    ReviewFacts,
)
from storage.db import Database
from storage.models import (
    Award,
    CommissionAssignment,
    Competition,
    Member,
    Municipality,
    Reminder,
    ReminderMute,
    ReportDue,
    StaffRole,
    Submission,
    SubmissionDocument,
    User,
)
from storage.queries import reminders as queries
from storage.queries import selection as selection_queries
from storage.queries.outbox import enqueue_many
from storage.queries.reporting import reports_of_call, staff_of_municipality
from storage.queries.selection import people_of_organization
from storage.types import utcnow

log = logging.getLogger(__name__)

INTERVAL = 2.0  # seconds between the JobQueue's worker runs
BATCH = 500
# Applications re-planned per run: a rush of Submit marks hundreds at once; 170 in one go took
# about 150 ms, and the replies to every chat slowed meanwhile.
REPLAN_BATCH = 100
LEASE = timedelta(minutes=2)


# -- planning -----------------------------------------------------------------------------------


async def _call_facts(session: AsyncSession, competition: Competition) -> CallFacts:
    municipality = await session.get(Municipality, competition.municipality_id)
    raw = await queries.rules_of(session, municipality_id=competition.municipality_id)
    try:
        call_rules = ReminderRules.from_settings(raw)
    except Exception:
        log.warning("reminders: municipality %s has invalid rules; defaults used", municipality.id)
        call_rules = rules.DEFAULT_RULES
    return CallFacts(
        competition_id=competition.id,
        version=competition.version,
        status=competition.status,
        deadline_at=competition.deadline_at,
        zone=ZoneInfo(municipality.timezone),
        rules=call_rules,
    )


async def replan_call(
    session: AsyncSession,
    competition: Competition,
    *,
    now: datetime,
    organization_ids: set[int] | None = None,
    user_ids: set[int] | None = None,
) -> dict[str, int]:
    """Store the reminders the call's facts call for now: for everyone, or only the members of
    `organization_ids` (their applications changed), or only `user_ids` (their subscriptions
    changed). Does not commit."""
    facts = await _call_facts(session, competition)
    found = await queries.applicants(
        session, competition_id=competition.id, organization_ids=organization_ids
    )
    scope: set[int] | None = None
    if organization_ids is not None:
        members = await session.exec(
            select(Member.user_id).where(Member.organization_id.in_(list(organization_ids)))
        )
        scope = set(members.all())
    elif user_ids is not None:
        scope = set(user_ids)
        found = [applicant for applicant in found if applicant.user_id in scope]
    subscribed = await queries.subscriber_ids(
        session,
        municipality_id=competition.municipality_id,
        topic_id=competition.topic_id,
        user_ids=scope,
    )
    muted = await queries.muted_ids(session, competition_id=competition.id)
    people: dict[int, Person] = {
        user_id: Person(user_id, subscribed=True, muted=user_id in muted) for user_id in subscribed
    }
    for applicant in found:
        people[applicant.user_id] = Person(
            applicant.user_id,
            submission_id=applicant.submission_id,
            submission_status=applicant.status,
            muted=applicant.user_id in muted,
            reachable=applicant.reachable,
        )
    planned = rules.plan_call(facts, people.values(), now=now)
    return await queries.replace_planned(
        session,
        planned=planned,
        competition_id=competition.id,
        user_ids=scope,
        kinds=rules.DEADLINE_KINDS,
        now=now,
    )


@dataclass(frozen=True)
class Sheet:
    """A member's assignment to a call and how far their score sheet is."""

    assignment: CommissionAssignment
    progress: selection_rules.SheetProgress

    @property
    def submitted(self) -> bool:
        return self.assignment.sheet_submitted_at is not None


async def _sheets(session: AsyncSession, competition: Competition) -> dict[int, Sheet]:
    """Every assigned member's sheet on the call, by user id."""
    admitted = [
        row.id
        for row in await selection_queries.admitted_of(session, competition_id=competition.id)
    ]
    reviews = await selection_queries.reviews_of(session, competition_id=competition.id)
    sheets = {}
    for assignment in await selection_queries.assignments_of(
        session, competition_id=competition.id
    ):
        own = {r.submission_id: r for r in reviews if r.member_user_id == assignment.user_id}
        sheets[assignment.user_id] = Sheet(
            assignment, selection_rules.sheet_progress(competition.criteria, admitted, own)
        )
    return sheets


async def replan_sheets(
    session: AsyncSession,
    competition: Competition,
    *,
    now: datetime,
    user_ids: set[int] | None = None,
) -> dict[str, int]:
    """Store the score-sheet reminders the call's facts call for now, for every assigned member
    or only `user_ids`. Does not commit."""
    facts = await _call_facts(session, competition)
    review = ReviewFacts(
        competition_id=competition.id,
        in_review=selection_rules.in_review(competition, now),
        closed_at=competition.deadline_at or now,
        zone=facts.zone,
        rules=facts.rules,
    )
    sheets = await _sheets(session, competition)
    if user_ids is not None:
        sheets = {user_id: sheet for user_id, sheet in sheets.items() if user_id in user_ids}
    muted = await queries.muted_ids(session, competition_id=competition.id)
    users = {}
    if sheets:
        found = await session.exec(select(User).where(User.id.in_(list(sheets))))
        users = {user.id: user for user in found}
    members = [
        Assessor(
            user_id,
            assigned_at=sheet.assignment.assigned_at,
            submitted=sheet.submitted,
            to_score=sheet.progress.to_score,
            muted=user_id in muted,
            reachable=user_id in users
            and users[user_id].is_active
            and not users[user_id].notifications_paused,
        )
        for user_id, sheet in sheets.items()
    ]
    planned = rules.plan_sheets(review, members, now=now)
    return await queries.replace_planned(
        session,
        planned=planned,
        competition_id=competition.id,
        user_ids=user_ids,
        kinds=(rules.SHEET,),
        now=now,
    )


async def _rules_of(session: AsyncSession, municipality_id: int) -> ReminderRules:
    raw = await queries.rules_of(session, municipality_id=municipality_id)
    try:
        return ReminderRules.from_settings(raw)
    except Exception:
        log.warning("reminders: municipality %s has invalid rules; defaults used", municipality_id)
        return rules.DEFAULT_RULES


async def replan_report(session: AsyncSession, report: ReportDue, *, now: datetime) -> dict:
    """Store the reminders the report's facts call for now (its status, due moment, the
    organization's members, the municipality's staff). Called in the transaction that creates,
    files, reviews or extends the report. Does not commit."""
    award = await session.get(Award, report.award_id)
    competition = await session.get(Competition, report.competition_id)
    municipality = await session.get(Municipality, competition.municipality_id)
    facts = ReportFacts(
        report_id=report.id,
        competition_id=competition.id,
        status=report.status,
        due_at=report.due_at,
        extensions=len(report.extensions or []),
        zone=ZoneInfo(municipality.timezone),
        rules=await _rules_of(session, municipality.id),
    )
    muted = await queries.muted_ids(session, competition_id=competition.id)
    members = [
        Person(user.id, muted=user.id in muted, reachable=not user.notifications_paused)
        for user in await people_of_organization(session, organization_id=award.organization_id)
    ]
    staff = [
        Person(user.id, muted=user.id in muted, reachable=not user.notifications_paused)
        for user in await staff_of_municipality(session, municipality_id=municipality.id)
    ]
    planned = rules.plan_report(facts, members, staff, now=now)
    return await queries.replace_planned(session, planned=planned, report_due_id=report.id, now=now)


async def replan_reports_of(
    session: AsyncSession, *, user_ids: Iterable[int], now: datetime
) -> None:
    """Re-plan the reports still owed by the users' organizations, and those of the calls of
    the municipalities where they are staff (they paused, resumed, blocked the bot or came
    back). Does not commit."""
    ids = list(user_ids)
    owed = select(ReportDue).where(ReportDue.status.in_(rules.OWED))
    mine = owed.join(Award, Award.id == ReportDue.award_id).join(
        Member, Member.organization_id == Award.organization_id
    )
    reports = list((await session.exec(mine.where(Member.user_id.in_(ids)))).all())
    places = select(StaffRole.municipality_id).where(StaffRole.user_id.in_(ids))
    theirs = owed.join(Competition, Competition.id == ReportDue.competition_id).where(
        Competition.municipality_id.in_(places)
    )
    reports += list((await session.exec(theirs)).all())
    for report in {report.id: report for report in reports}.values():
        await replan_report(session, report, now=now)


async def on_application_changed(db: Database, *, submission_id: int) -> None:
    """A draft was started, submitted or withdrawn: re-plan its organization's reminders now.
    (The bot's handlers leave this to `replan_changed_applications` instead, which the worker
    runs every few seconds.) Never raises: the user's action is done; a failure is logged."""
    try:
        async with db.session() as session:
            submission = await session.get(Submission, submission_id)
            competition = await session.get(Competition, submission.competition_id)
            await replan_call(
                session,
                competition,
                now=utcnow(),
                organization_ids={submission.organization_id},
            )
            await session.commit()
    except Exception:
        log.exception("reminders: could not re-plan after submission %s changed", submission_id)


async def replan_changed_applications(db: Database, *, limit: int = BATCH) -> int:
    """Re-plan the reminders of every organization whose application was started, submitted
    or withdrawn since the last run (storage/queries/submissions.py marks it in the same
    statement that makes the change), one call at a time, then clear the marks. A deadline
    rush then costs one re-planning per call per run instead of one per tap, and the mark
    survives a restart: nothing is lost if the bot stops in between. A mark whose application
    changed again meanwhile stays for the next run. Returns how many were re-planned."""
    async with db.session() as session:
        changed = await queries.changed_applications(session, limit=limit)
        if not changed:
            return 0
        organizations: dict[int, set[int]] = {}
        for row in changed:
            organizations.setdefault(row.competition_id, set()).add(row.organization_id)
        now = utcnow()  # the plan is made as of the change, not of an injected worker clock
        for call_id, organization_ids in organizations.items():
            competition = await session.get(Competition, call_id)
            await replan_call(session, competition, now=now, organization_ids=organization_ids)
        await queries.mark_replanned(session, changed)
        await session.commit()
    return len(changed)


async def on_user_changed(db: Database, *, user_id: int) -> None:
    """The user subscribed or unsubscribed, paused or resumed everything (/stop), blocked the
    bot or came back: re-plan their reminders — deadlines of the open calls, score sheets of the
    calls under review — so that someone who left has none pending. Never raises (logged)."""
    await on_users_changed(db, user_ids={user_id})


async def on_users_changed(db: Database, *, user_ids: Iterable[int]) -> None:
    """`on_user_changed` for several users at once (the outbox found them blocked during a
    broadcast): each open call is re-planned once for all of them. Never raises (logged)."""
    ids = set(user_ids)
    if not ids:
        return
    try:
        async with db.session() as session:
            now = utcnow()
            calls = await session.exec(
                select(Competition).where(
                    Competition.status == "published", Competition.deadline_at > now
                )
            )
            for call in calls.all():
                await replan_call(session, call, now=now, user_ids=ids)
            assessed: dict[int, tuple[Competition, set[int]]] = {}
            for call, user_id in await selection_queries.assignments_of_users(
                session, user_ids=ids, statuses=selection_rules.REVIEW_STATUSES
            ):
                assessed.setdefault(call.id, (call, set()))[1].add(user_id)
            for call, members in assessed.values():
                await replan_sheets(session, call, now=now, user_ids=members)
            await replan_reports_of(session, user_ids=ids, now=now)
            await session.commit()
    except Exception:
        log.exception("reminders: could not re-plan after %d user(s) changed", len(ids))


# Subscribing, unsubscribing, pausing and resuming are changes of the user like any other.
on_subscriptions_changed = on_user_changed


# -- sending ------------------------------------------------------------------------------------


class ReminderWorker:
    """Claims due reminders and hands them to the outbox (see the module)."""

    def __init__(
        self,
        db: Database,
        *,
        default_language: str = "ru",
        now: Callable[[], datetime] = utcnow,
        batch: int = BATCH,
        lease: timedelta = LEASE,
    ) -> None:
        self.db = db
        self.default_language = default_language
        self.now = now
        self.batch = batch
        self.lease = lease
        self.stats: Counter[str] = Counter()
        self._lock = asyncio.Lock()

    @property
    def busy(self) -> bool:
        return self._lock.locked()

    async def run_until_idle(self, *, now: datetime | None = None) -> Counter[str]:
        """Batches until nothing more is due at `now` (default: the worker's clock)."""
        total: Counter[str] = Counter()
        async with self._lock:
            while True:
                done = await self._run(now or self.now())
                total.update(done)
                if sum(done.values()) < self.batch:
                    return total

    async def run_once(self, *, now: datetime | None = None) -> Counter[str]:
        """One batch: claim, decide, write. Returns how many rows ended in each status."""
        async with self._lock:
            return await self._run(now or self.now())

    async def _run(self, now: datetime) -> Counter[str]:
        # Applications changed since the last run first, so that what is claimed below was
        # planned from the facts as they are.
        try:
            await replan_changed_applications(self.db, limit=REPLAN_BATCH)
        except Exception:
            log.exception("reminders: could not re-plan the changed applications")
        async with self.db.session() as session:
            claimed = await queries.claim_due(session, now=now, limit=self.batch, lease=self.lease)
        if not claimed:
            return Counter()
        async with self.db.session() as session:
            facts = await _Facts.load(session, claimed, now=now)
            rows = [facts.due(row) for row in claimed]
            decided = rules.triage(rows, now=now, reminded_on=facts.reminded_on)
            outcomes = []
            for row in claimed:
                decision = decided.of(row.id)
                outcomes.append(
                    queries.Outcome(
                        row.id, row.attempts, decision.status, decision.note, decision.due_at
                    )
                )
            recorded = await queries.settle_many(session, outcomes=outcomes, now=now)
            messages = []
            outcome_counts: Counter[str] = Counter()
            for row in claimed:
                if row.id not in recorded:  # the lease ran out and another worker has it
                    outcome_counts["lost-claim"] += 1
                    continue
                decision = decided.of(row.id)
                outcome_counts[decision.status] += 1
                if decision.status == "sent":
                    messages.append(facts.message(row, now=now, language=self.default_language))
            await enqueue_many(session, messages)
            await session.commit()
        self.stats.update(outcome_counts)
        log.info("reminders: %s", dict(outcome_counts))
        return outcome_counts


class _Facts:
    """Everything the worker checks a batch of claimed rows against, read in a few queries."""

    def __init__(self) -> None:
        self.calls: dict[int, Competition] = {}
        self.call_facts: dict[int, CallFacts] = {}
        self.users: dict[int, User] = {}
        self.submissions: dict[int, Submission] = {}
        self.started: set[tuple[int, int]] = set()  # (user, call) with an application
        self.muted: set[tuple[int, int]] = set()
        self.uploaded: dict[int, dict[str, int]] = {}
        self.reminded_on: set = set()
        self.sheets: dict[tuple[int, int], Sheet] = {}  # (user, call) of score-sheet reminders
        self.now: datetime | None = None
        # Report reminders: the reports, their awards, who may still hear of them, and for
        # escalations each call's reports overdue long enough.
        self.reports: dict[int, ReportDue] = {}
        self.awards: dict[int, Award] = {}
        self.memberships: set[tuple[int, int]] = set()  # (user, organization)
        self.staff_roles: set[tuple[int, int]] = set()  # (user, municipality)
        self.overdue: dict[int, list] = {}  # call -> [ReportLine] overdue past the escalation

    @classmethod
    async def load(cls, session: AsyncSession, claimed: Sequence[Reminder], *, now: datetime):
        facts = cls()
        facts.now = now
        call_ids = {row.competition_id for row in claimed if row.competition_id}
        user_ids = {row.user_id for row in claimed}
        if call_ids:
            for call in await session.exec(select(Competition).where(Competition.id.in_(call_ids))):
                facts.calls[call.id] = call
                facts.call_facts[call.id] = await _call_facts(session, call)
        for user in await session.exec(select(User).where(User.id.in_(user_ids))):
            facts.users[user.id] = user
        submission_ids = {row.submission_id for row in claimed if row.submission_id}
        if submission_ids:
            for submission in await session.exec(
                select(Submission).where(Submission.id.in_(submission_ids))
            ):
                facts.submissions[submission.id] = submission
            counted = await session.exec(
                select(
                    SubmissionDocument.submission_id, SubmissionDocument.requirement, func.count()
                )
                .where(SubmissionDocument.submission_id.in_(submission_ids))
                .group_by(SubmissionDocument.submission_id, SubmissionDocument.requirement)
            )
            for submission_id, requirement, number in counted:
                facts.uploaded.setdefault(submission_id, {})[requirement] = number
        if call_ids:
            started = await session.exec(
                select(Member.user_id, Submission.competition_id)
                .join(Submission, Submission.organization_id == Member.organization_id)
                .where(Member.user_id.in_(user_ids), Submission.competition_id.in_(call_ids))
            )
            facts.started = set(started.all())
            muted = await session.exec(
                select(ReminderMute.user_id, ReminderMute.competition_id).where(
                    ReminderMute.user_id.in_(user_ids),
                    ReminderMute.competition_id.in_(call_ids),
                )
            )
            facts.muted = set(muted.all())
        await facts._load_reports(session, claimed, user_ids, now=now)
        sent = await queries.reminded_on(
            session,
            pairs=[(row.user_id, row.competition_id) for row in claimed],
            since=now - timedelta(days=2),
        )
        for user_id, call_id, sent_at in sent:
            zone = facts._zone(call_id)
            facts.reminded_on.add((user_id, call_id, rules.local_day(sent_at, zone)))
        for call_id in {row.competition_id for row in claimed if row.kind == rules.SHEET}:
            if call_id in facts.calls:
                for user_id, sheet in (await _sheets(session, facts.calls[call_id])).items():
                    facts.sheets[(user_id, call_id)] = sheet
        return facts

    async def _load_reports(
        self, session: AsyncSession, claimed: Sequence[Reminder], user_ids: set[int], *, now
    ) -> None:
        report_ids = {row.report_due_id for row in claimed if row.report_due_id}
        if not report_ids:
            return
        for report in await session.exec(select(ReportDue).where(ReportDue.id.in_(report_ids))):
            self.reports[report.id] = report
        award_ids = {report.award_id for report in self.reports.values()}
        for award in await session.exec(select(Award).where(Award.id.in_(award_ids))):
            self.awards[award.id] = award
        members = await session.exec(
            select(Member.user_id, Member.organization_id).where(Member.user_id.in_(user_ids))
        )
        self.memberships = set(members.all())
        roles = await session.exec(
            select(StaffRole.user_id, StaffRole.municipality_id).where(
                StaffRole.user_id.in_(user_ids), StaffRole.role.in_(("municipal_admin", "staff"))
            )
        )
        self.staff_roles = set(roles.all())
        escalated = {row.competition_id for row in claimed if row.kind == rules.REPORT_ESCALATION}
        for call_id in escalated:
            call_rules = self.call_facts[call_id].rules if call_id in self.call_facts else None
            after = min((call_rules or rules.DEFAULT_RULES).escalation_offsets, default=None)
            lines = await reports_of_call(session, competition_id=call_id)
            self.overdue[call_id] = [
                line
                for line in lines
                if line.report.status in rules.OWED
                and after is not None
                and now >= line.report.due_at + after
            ]

    def _void_report(self, row: Reminder, call: Competition | None) -> str | None:
        report = self.reports.get(row.report_due_id)
        award = self.awards.get(report.award_id) if report else None
        if report is None or award is None or call is None:
            return "stale"
        if report.status not in rules.OWED:
            return "report-settled"
        if report.due_at != row.event_at:
            return "stale"
        if (row.user_id, row.competition_id) in self.muted:
            return "muted"
        if row.kind == rules.REPORT_ESCALATION:
            if (row.user_id, call.municipality_id) not in self.staff_roles:
                return "not-staff"
        elif (row.user_id, award.organization_id) not in self.memberships:
            return "not-member"
        return None

    def _zone(self, call_id: int | None) -> ZoneInfo:
        facts = self.call_facts.get(call_id)
        return facts.zone if facts else ZoneInfo("Asia/Bishkek")

    def void(self, row: Reminder) -> str | None:
        """Why the row must not be sent whatever the time, or None."""
        user = self.users.get(row.user_id)
        call = self.calls.get(row.competition_id)
        if user is None or not user.is_active:
            return "unreachable"
        if user.notifications_paused:
            return "paused"
        if row.kind == rules.SHEET:
            return self._sheet_void(row, call)
        if row.kind in rules.REPORT_KINDS:
            return self._void_report(row, call)
        if call is None or call.status != "published":
            return "call-closed"
        if call.deadline_at != row.event_at:
            return "stale"
        if (row.user_id, row.competition_id) in self.muted:
            return "muted"
        if row.kind == rules.DRAFT:
            submission = self.submissions.get(row.submission_id)
            if submission is None or submission.status not in rules.UNFINISHED:
                return "stale"
        elif row.kind == rules.SUBSCRIBER:
            if (row.user_id, row.competition_id) in self.started:
                return "stale"
        else:
            return "unknown-kind"
        return None

    def _sheet_void(self, row: Reminder, call: Competition | None) -> str | None:
        if call is None or not selection_rules.in_review(call, self.now):
            return "call-closed"  # decided or cancelled
        if (row.user_id, row.competition_id) in self.muted:
            return "muted"
        sheet = self.sheets.get((row.user_id, row.competition_id))
        if sheet is None or sheet.submitted or sheet.progress.to_score <= 0:
            return "stale"  # unassigned, submitted, or nothing (left) to judge
        return None

    def due(self, row: Reminder) -> Due:
        facts = self.call_facts.get(row.competition_id)
        return Due(
            id=row.id,
            user_id=row.user_id,
            competition_id=row.competition_id,
            kind=row.kind,
            event_at=row.event_at,
            due_at=row.due_at,
            is_last=row.is_last,
            zone=self._zone(row.competition_id),
            rules=facts.rules if facts else rules.DEFAULT_RULES,
            void=self.void(row),
        )

    def message(self, row: Reminder, *, now: datetime, language: str) -> dict:
        """The outbox row for a reminder: text, buttons, and the reminder's key."""
        user = self.users[row.user_id]
        language = user.language or language
        call = self.calls[row.competition_id]
        zone = self._zone(row.competition_id)
        if row.kind == rules.SHEET:
            text, buttons = self._sheet_message(call, row, zone, language)
            return self._outbox_row(row, user, text, buttons, language)
        unit, amount = rules.time_left(row.event_at, now)
        left = t(language, f"reminder-left-{unit}", count=amount)
        title = localized(call.title, language)  # t() escapes arguments for Telegram's HTML
        when = moment(row.event_at, zone)
        buttons = []
        if row.kind in rules.REPORT_KINDS:
            text, buttons = self.report_message(row, call, zone, now=now, language=language)
        elif row.kind == rules.DRAFT:
            submission = self.submissions[row.submission_id]
            text = t(language, "reminder-draft", left=left, title=title, when=when, zone=zone.key)
            missing = self.missing(call, submission, language)
            if missing:
                items = "\n".join(f"• {item}" for item in missing)
                text += "\n\n" + t(language, "reminder-missing", items=items)
            buttons.append([(t(language, "reminder-continue"), f"ap:apply:{call.id}")])
        else:
            text = t(
                language, "reminder-subscriber", left=left, title=title, when=when, zone=zone.key
            )
            buttons.append([(t(language, "reminder-open"), f"ap:open:{call.id}")])
        if row.kind not in rules.REPORT_KINDS:  # a report's buttons carry its own calendar
            buttons.append([(t(language, "calendar-button"), f"cal:c:{call.id}")])
        return self._outbox_row(row, user, text, buttons, language)

    def _sheet_message(
        self, call: Competition, row: Reminder, zone: ZoneInfo, language: str
    ) -> tuple[str, list]:
        """How far the sheet is, and a button that opens it (handlers/commission.py)."""
        progress = self.sheets[(row.user_id, call.id)].progress
        text = t(
            language,
            "reminder-sheet",
            title=localized(call.title, language),
            when=moment(call.deadline_at, zone),
            zone=zone.key,
            done=progress.done,
            total=progress.total,
        )
        return text, [[(t(language, "reminder-sheet-open"), f"cm:call:{call.id}")]]

    def _outbox_row(
        self, row: Reminder, user: User, text: str, buttons: list, language: str
    ) -> dict:
        """The outbox row: the text, its buttons and "no more reminders for this call", under
        the reminder's key."""
        buttons = [*buttons, [(t(language, "reminder-mute"), f"rm:mute:{row.id}")]]
        return {
            "chat_id": user.telegram_id,
            "user_id": user.id,
            "dedupe_key": f"rem:{row.key}"[:64],
            "text": text,
            "reply_markup": {
                "inline_keyboard": [
                    [{"text": label, "callback_data": data} for label, data in line]
                    for line in buttons
                ]
            },
        }

    def report_message(
        self, row: Reminder, call: Competition, zone: ZoneInfo, *, now: datetime, language: str
    ) -> tuple[str, list[list[tuple[str, str]]]]:
        """The text and buttons of a report reminder (before, after, or the escalation)."""
        from bot.reporting import report_name

        report = self.reports[row.report_due_id]
        title = localized(call.title, language)
        when = moment(report.due_at, zone)
        name = report_name(language, report)
        if row.kind == rules.REPORT_ESCALATION:
            items = "\n".join(
                t(
                    language,
                    "reminder-escalation-line",
                    organization=line.organization.name,
                    report=report_name(language, line.report),
                    when=moment(line.report.due_at, zone),
                    days=(now - line.report.due_at).days,
                )
                for line in self.overdue.get(call.id, [])
            )
            text = t(language, "reminder-escalation", title=title, items=items)
            return text, [[(t(language, "rep-table-button"), f"rp:call:{call.id}")]]
        if row.kind == rules.REPORT_OVERDUE:
            days = max(1, (now - report.due_at).days)
            text = t(
                language,
                "reminder-report-overdue",
                report=name,
                title=title,
                when=when,
                zone=zone.key,
                days=days,
            )
        else:
            unit, amount = rules.time_left(report.due_at, now)
            left = t(language, f"reminder-left-{unit}", count=amount)
            text = t(
                language,
                "reminder-report-due",
                left=left,
                report=name,
                title=title,
                when=when,
                zone=zone.key,
            )
        if report.status == "changes_requested":
            text += "\n\n" + t(language, "reminder-report-changes")
        buttons = [
            [(t(language, "rep-file-button"), f"rp:file:{report.id}")],
            [(t(language, "calendar-button"), f"rp:cal:{report.id}")],
        ]
        return text, buttons

    def missing(self, call: Competition, submission: Submission, language: str) -> list[str]:
        """What the draft still lacks, in the user's language."""
        items = []
        if not application_rules.is_eligible(call.eligibility, submission.eligibility):
            items.append(t(language, "reminder-missing-eligibility"))
        items += [
            t(language, f"apply-field-{name}")
            for name in application_rules.missing_fields(submission.answers)
        ]
        uploaded = self.uploaded.get(submission.id, {})
        items += [
            localized(item.name, language)
            for item in application_rules.checklist(call.documents, uploaded)
            if item.required and not item.files
        ]
        return items


def schedule_on(application: Application, worker: ReminderWorker, interval: float = INTERVAL):
    """Run the worker from the application's JobQueue every `interval` seconds."""

    async def send_reminders(context: ContextTypes.DEFAULT_TYPE) -> None:
        """Hand due reminders to the outbox."""
        if worker.busy:
            return
        try:
            await worker.run_until_idle()
        except Exception:
            log.exception("reminders: the worker run failed; the next run tries again")

    # The first run soon after start-up: it catches up with what fell due while the bot was down.
    application.job_queue.run_repeating(
        send_reminders, interval, first=0.5, name="reminders", job_kwargs={"max_instances": 2}
    )


# -- a worker process -------------------------------------------------------------------------


async def run_worker_process(
    settings, *, stop: asyncio.Event, interval: float = INTERVAL, batch: int = BATCH
) -> None:
    """Reminders and the outbox, without receiving updates, until `stop` is set."""
    from telegram import Bot
    from telegram.request import HTTPXRequest

    from bot.outbox import OutboxSender

    settings.require_token()
    db = Database(settings.database_url)
    bot = Bot(
        settings.bot_token,
        base_url=settings.bot_api_url,
        base_file_url=settings.bot_file_url,
        request=HTTPXRequest(connection_pool_size=64),
    )
    worker = ReminderWorker(db, default_language=settings.default_language, batch=batch)
    sender = OutboxSender(
        bot,
        db,
        rate_per_second=settings.send_rate_per_second,
        default_language=settings.default_language,
    )
    try:
        async with bot:
            sender.start()
            log.info("reminders: worker process ready")
            while not stop.is_set():
                try:
                    await worker.run_until_idle()
                except Exception:
                    log.exception("reminders: the worker run failed; trying again")
                try:
                    await asyncio.wait_for(stop.wait(), interval)
                except TimeoutError:
                    pass
            await sender.stop()
    finally:
        await db.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bot.reminders`: a worker process beside the bot (SIGTERM stops it cleanly)."""
    from bot.logging_setup import configure_logging
    from bot.settings import load_settings
    from storage.migrate import upgrade_database

    parser = argparse.ArgumentParser(prog="python -m bot.reminders", description=main.__doc__)
    parser.add_argument("--interval", type=float, default=INTERVAL, help="seconds between runs")
    parser.add_argument("--batch", type=int, default=BATCH, help="rows claimed at a time")
    args = parser.parse_args(argv)
    settings = load_settings()
    configure_logging(settings.log_level, settings.bot_token, settings.webhook_secret)

    async def run() -> None:
        db = Database(settings.database_url)
        await upgrade_database(db)
        await db.dispose()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await run_worker_process(settings, stop=stop, interval=args.interval, batch=args.batch)

    asyncio.run(run())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
