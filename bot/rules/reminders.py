"""Reminder rules: which reminders the facts call for, and what to do with one that fell due.
Plain functions of data and a clock; storage/queries/reminders.py stores what they plan and
bot/reminders.py sends it.

Deriving. Each kind of fact has a planning function that turns it into `Planned` reminders, each
with a unique key. The engine stores exactly the planned set: a new key is inserted, a key still
planned keeps its row (with the new due time), a pending key no longer planned is cancelled. So
when a fact changes (a deadline moved, a draft submitted, a call cancelled) re-planning is all it
takes, and a stale reminder is never sent. Today's facts:

- a published call's deadline: members of an organization with an unfinished application
  (draft or withdrawn) get `draft_offsets` before it (7 days, 2 days, 3 hours), subscribers of
  the call's municipality and topic who have not started one get `subscriber_offsets` (2 days);
- a call under review: each assigned commission member whose score sheet is unfinished (not
  submitted, with admitted applications not recused from to judge) gets one reminder `sheet_after`
  (2 days) after the call closed, or after their assignment if that came later still
  (`plan_sheets`);
- a report an award owes (due or sent back for changes): the organization's members get
  `report_offsets` before its due moment (7 days, 1 day, and the morning of the day: 9 hours
  before 18:00), then `overdue_offsets` after it (1 and 7 days) while it is still owed; the
  municipality's staff get `escalation_offsets` after it (7 days): one message listing the
  call's reports overdue that long. Keys carry the number of extensions, so an extension plans
  afresh; filing, acceptance or an extension re-plans the report (bot/reminders.py).

Humane hours. A reminder due in the municipality's quiet hours (21:00-08:00 by default) moves to
the end of them, except the last one before the event, which goes when it must. At most one
reminder per user per call per local day: of two that fall on one day, the later (closer to the
deadline) is kept. Muted calls, users who blocked the bot or paused everything get none.

Sending. When rows fall due (`triage`): one whose event has passed is missed (not the overdue
and escalation reminders, which are about a moment already passed); of several due for
one user and call (the bot was down), only the latest is sent and the others are missed; one for
a user and call that already had a reminder that local day is missed (the daily cap); one due in
quiet hours is postponed to the morning unless it is the last or the morning is too late.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.rules.validation import Invalid

DRAFT = "deadline-draft"
SUBSCRIBER = "deadline-subscriber"
DEADLINE_KINDS = (DRAFT, SUBSCRIBER)  # what `plan_call` plans
SHEET = "sheet-unfinished"  # what `plan_sheets` plans
# How long after its due moment a score-sheet reminder still makes sense (after a long downtime,
# or for a member who paused and came back); later, staff chase the member with "Remind".
SHEET_RELEVANT_FOR = timedelta(days=14)
KINDS = (*DEADLINE_KINDS, SHEET)  # about a call
REPORT_DUE = "report-due"
REPORT_OVERDUE = "report-overdue"
REPORT_ESCALATION = "report-escalation"
REPORT_KINDS = (REPORT_DUE, REPORT_OVERDUE, REPORT_ESCALATION)
# Reminders about a moment already passed: they do not lapse when it passes.
AFTER_KINDS = (REPORT_OVERDUE, REPORT_ESCALATION)
# Report statuses that still owe the municipality something (bot/rules/reporting.py).
OWED = ("due", "changes_requested")
OFFSET_SETTINGS = (
    "draft_offsets",
    "subscriber_offsets",
    "report_offsets",
    "overdue_offsets",
    "escalation_offsets",
)
# Submission statuses that count as "not finished": the NCO still has something to do.
UNFINISHED = ("draft", "withdrawn")


@dataclass(frozen=True)
class ReminderRules:
    """A municipality's reminder rules; `from_settings` reads its stored overrides."""

    draft_offsets: tuple[timedelta, ...] = (
        timedelta(days=7),
        timedelta(days=2),
        timedelta(hours=3),
    )
    subscriber_offsets: tuple[timedelta, ...] = (timedelta(days=2),)
    sheet_after: timedelta = timedelta(days=2)  # after the call closed: unfinished score sheets
    # Before a report's due moment (18:00): a week, a day, and that morning at 09:00.
    report_offsets: tuple[timedelta, ...] = (
        timedelta(days=7),
        timedelta(days=1),
        timedelta(hours=9),
    )
    # After it, while the report is still owed: to the NCO, and (escalation) to the staff.
    overdue_offsets: tuple[timedelta, ...] = (timedelta(days=1), timedelta(days=7))
    escalation_offsets: tuple[timedelta, ...] = (timedelta(days=7),)
    quiet_start: time = time(21, 0)
    quiet_end: time = time(8, 0)

    @classmethod
    def from_settings(cls, raw: dict | None) -> ReminderRules:
        """Overrides such as {"draft_offsets_hours": [168, 48, 3], "subscriber_offsets_hours":
        [48], "sheet_after_hours": 48, "report_offsets_hours": [168, 24, 9],
        "overdue_offsets_hours": [24, 168], "escalation_offsets_hours": [168],
        "quiet_start": "21:00", "quiet_end": "08:00"};
        Invalid("reminder-rules-invalid") for anything else."""
        rules = cls()
        if not raw:
            return rules
        values: dict[str, object] = {}
        for name in OFFSET_SETTINGS:
            hours = raw.get(f"{name}_hours")
            if hours is None:
                continue
            if not isinstance(hours, list) or not all(
                isinstance(h, int | float) and 0 < h <= 24 * 90 for h in hours
            ):
                raise Invalid("reminder-rules-invalid", {"field": f"{name}_hours"})
            values[name] = tuple(sorted((timedelta(hours=h) for h in hours), reverse=True))
        hours = raw.get("sheet_after_hours")
        if hours is not None:
            if (
                isinstance(hours, bool)
                or not isinstance(hours, int | float)
                or not 0 < hours <= 24 * 90
            ):
                raise Invalid("reminder-rules-invalid", {"field": "sheet_after_hours"})
            values["sheet_after"] = timedelta(hours=hours)
        for name in ("quiet_start", "quiet_end"):
            text = raw.get(name)
            if text is None:
                continue
            try:
                values[name] = time.fromisoformat(str(text))
            except ValueError:
                raise Invalid("reminder-rules-invalid", {"field": name}) from None
        unknown = (
            set(raw)
            - {f"{name}_hours" for name in OFFSET_SETTINGS}
            - {
                "sheet_after_hours",
                "quiet_start",
                "quiet_end",
            }
        )
        if unknown:
            raise Invalid("reminder-rules-invalid", {"field": ", ".join(sorted(unknown))})
        return ReminderRules(**{**rules.__dict__, **values})


DEFAULT_RULES = ReminderRules()


@dataclass(frozen=True)
class Planned:
    """One reminder the facts call for."""

    key: str
    kind: str
    user_id: int
    competition_id: int | None
    submission_id: int | None
    event_at: datetime
    due_at: datetime
    is_last: bool
    report_due_id: int | None = None


@dataclass(frozen=True)
class CallFacts:
    """What planning a call's deadline reminders needs to know of the call."""

    competition_id: int
    version: int
    status: str
    deadline_at: datetime | None
    zone: ZoneInfo
    rules: ReminderRules = DEFAULT_RULES


@dataclass(frozen=True)
class Person:
    """A user the call may concern: an applicant (their submission's status) or a subscriber."""

    user_id: int
    submission_id: int | None = None
    submission_status: str | None = None  # None: no application started
    subscribed: bool = False
    muted: bool = False
    reachable: bool = True  # active and not paused


def label(offset: timedelta) -> str:
    """7d, 2d, 3h, 90m: part of a reminder's key."""
    seconds = int(offset.total_seconds())
    if seconds % 86400 == 0:
        return f"{seconds // 86400}d"
    if seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    return f"{seconds // 60}m"


def in_quiet_hours(moment: datetime, zone: ZoneInfo, rules: ReminderRules = DEFAULT_RULES) -> bool:
    local = moment.astimezone(zone).time()
    start, end = rules.quiet_start, rules.quiet_end
    if start == end:
        return False
    if start > end:  # over midnight, e.g. 21:00-08:00
        return local >= start or local < end
    return start <= local < end


def out_of_quiet_hours(
    moment: datetime, zone: ZoneInfo, rules: ReminderRules = DEFAULT_RULES
) -> datetime:
    """The moment itself, or the end of the quiet hours it falls in (in UTC)."""
    if not in_quiet_hours(moment, zone, rules):
        return moment
    local = moment.astimezone(zone)
    day = local.date()
    if rules.quiet_start > rules.quiet_end and local.time() >= rules.quiet_start:
        day += timedelta(days=1)
    return datetime.combine(day, rules.quiet_end, tzinfo=zone).astimezone(moment.tzinfo)


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def schedule(
    *,
    event_at: datetime,
    offsets: Iterable[timedelta],
    zone: ZoneInfo,
    rules: ReminderRules,
    now: datetime,
) -> list[tuple[timedelta, datetime, bool]]:
    """(offset, due moment, is last) for each offset still ahead of `now`: quiet hours applied
    (not to the last), then at most one per local day (the later one is kept)."""
    ahead = sorted(
        ((offset, event_at - offset) for offset in offsets if event_at - offset > now),
        key=lambda item: item[1],
    )
    if not ahead:
        return []
    moved = []
    for index, (offset, due) in enumerate(ahead):
        last = index == len(ahead) - 1
        if not last:
            later = out_of_quiet_hours(due, zone, rules)
            # Moved past the event (or the last reminder), it would come too late: keep it.
            due = later if later < ahead[-1][1] else due
        moved.append((offset, due, last))
    by_day: dict[date, tuple[timedelta, datetime, bool]] = {}
    for item in moved:
        by_day[local_day(item[1], zone)] = item  # the later one of a day wins
    return sorted(by_day.values(), key=lambda item: item[1])


def deadline_key(call: CallFacts, user_id: int, kind: str, offset: timedelta) -> str:
    short = "draft" if kind == DRAFT else "sub"
    return f"dl:c{call.competition_id}:v{call.version}:u{user_id}:{short}-{label(offset)}"


def plan_call(call: CallFacts, people: Iterable[Person], *, now: datetime) -> list[Planned]:
    """Deadline reminders for everyone a published call concerns."""
    if call.status != "published" or call.deadline_at is None or call.deadline_at <= now:
        return []
    planned = []
    for person in people:
        if person.muted or not person.reachable:
            continue
        if person.submission_status in UNFINISHED:
            kind, offsets = DRAFT, call.rules.draft_offsets
        elif person.submission_status is None and person.subscribed:
            kind, offsets = SUBSCRIBER, call.rules.subscriber_offsets
        else:
            continue  # submitted (or further along): nothing to remind of
        for offset, due, last in schedule(
            event_at=call.deadline_at, offsets=offsets, zone=call.zone, rules=call.rules, now=now
        ):
            planned.append(
                Planned(
                    key=deadline_key(call, person.user_id, kind, offset),
                    kind=kind,
                    user_id=person.user_id,
                    competition_id=call.competition_id,
                    submission_id=person.submission_id,
                    event_at=call.deadline_at,
                    due_at=due,
                    is_last=last,
                )
            )
    return planned


# -- commission members' score sheets ----------------------------------------------------------


@dataclass(frozen=True)
class ReviewFacts:
    """What planning a call's score-sheet reminders needs to know of the call."""

    competition_id: int
    in_review: bool  # the deadline has passed and no decision is published
    closed_at: datetime  # the deadline
    zone: ZoneInfo
    rules: ReminderRules = DEFAULT_RULES


@dataclass(frozen=True)
class ReportFacts:
    """What planning a report's reminders needs to know of the report."""

    report_id: int
    competition_id: int
    status: str
    due_at: datetime
    extensions: int  # how many times the due date moved: part of the keys
    zone: ZoneInfo
    rules: ReminderRules = DEFAULT_RULES


@dataclass(frozen=True)
class Assessor:
    """A commission member assigned to the call, and where their sheet stands."""

    user_id: int
    assigned_at: datetime
    submitted: bool = False
    # Admitted applications not recused from: none (nothing admitted yet, or recused from all)
    # means nothing to do.
    to_score: int = 1
    muted: bool = False
    reachable: bool = True  # active and not paused


def sheet_key(call: ReviewFacts, user_id: int) -> str:
    return f"sheet:c{call.competition_id}:u{user_id}:{label(call.rules.sheet_after)}"


def plan_sheets(call: ReviewFacts, members: Iterable[Assessor], *, now: datetime) -> list[Planned]:
    """One reminder to each assigned member whose sheet is unfinished, `sheet_after` after the
    call closed (a member assigned after that moment: `sheet_after` after the assignment), moved
    out of quiet hours. A reminder whose moment has passed is still planned (it goes at once)
    while it makes sense."""
    if not call.in_review:
        return []
    planned = []
    for member in members:
        if member.submitted or member.to_score <= 0 or member.muted or not member.reachable:
            continue
        due = call.closed_at + call.rules.sheet_after
        if member.assigned_at > due:  # assigned since: they get the same time to score
            due = member.assigned_at + call.rules.sheet_after
        due = out_of_quiet_hours(due, call.zone, call.rules)
        relevant_until = due + SHEET_RELEVANT_FOR
        if relevant_until <= now:
            continue
        planned.append(
            Planned(
                key=sheet_key(call, member.user_id),
                kind=SHEET,
                user_id=member.user_id,
                competition_id=call.competition_id,
                submission_id=None,
                event_at=relevant_until,
                due_at=due,
                is_last=False,
            )
        )
    return planned


# -- reports an award owes ---------------------------------------------------------------------


def report_key(report: ReportFacts, user_id: int, short: str, offset: timedelta) -> str:
    return f"rp:r{report.report_id}:x{report.extensions}:u{user_id}:{short}-{label(offset)}"


def _humane(moment: datetime, report: ReportFacts) -> datetime:
    return out_of_quiet_hours(moment, report.zone, report.rules)


def plan_report(
    report: ReportFacts,
    members: Iterable[Person],
    staff: Iterable[Person],
    *,
    now: datetime,
) -> list[Planned]:
    """Reminders of one report: before and after its due moment to the organization's members,
    the escalation to the municipality's staff; none once it is filed or accepted."""
    if report.status not in OWED:
        return []

    def planned(kind: str, user_id: int, short: str, offset: timedelta, due, last=False):
        return Planned(
            key=report_key(report, user_id, short, offset),
            kind=kind,
            user_id=user_id,
            competition_id=report.competition_id,
            submission_id=None,
            event_at=report.due_at,
            due_at=due,
            is_last=last,
            report_due_id=report.report_id,
        )

    result = []
    for person in members:
        if person.muted or not person.reachable:
            continue
        mine = [
            planned(REPORT_DUE, person.user_id, "due", offset, due, last)
            for offset, due, last in schedule(
                event_at=report.due_at,
                offsets=report.rules.report_offsets,
                zone=report.zone,
                rules=report.rules,
                now=now,
            )
        ]
        mine += [
            planned(REPORT_OVERDUE, person.user_id, "late", offset, due)
            for offset in report.rules.overdue_offsets
            if (due := _humane(report.due_at + offset, report)) > now
        ]
        by_day: dict[date, Planned] = {}
        for item in sorted(mine, key=lambda item: item.due_at):
            by_day[local_day(item.due_at, report.zone)] = item  # the later one of a day wins
        result += by_day.values()
    for person in staff:
        if person.muted or not person.reachable:
            continue
        result += [
            planned(REPORT_ESCALATION, person.user_id, "esc", offset, due)
            for offset in report.rules.escalation_offsets
            if (due := _humane(report.due_at + offset, report)) > now
        ]
    return sorted(result, key=lambda item: (item.due_at, item.key))


# -- when rows fall due -------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """A claimed reminder and what the worker found out about it just now."""

    id: int
    user_id: int
    competition_id: int | None
    kind: str
    event_at: datetime
    due_at: datetime
    is_last: bool
    zone: ZoneInfo
    rules: ReminderRules = DEFAULT_RULES
    # Why it must not go at all (stale facts, muted, paused...), or None if it still applies.
    void: str | None = None


@dataclass(frozen=True)
class Decision:
    status: str  # sent, missed, cancelled, pending (postponed)
    note: str
    due_at: datetime | None = None  # for pending: the new due moment


@dataclass
class Triage:
    decisions: dict[int, Decision] = field(default_factory=dict)

    def of(self, reminder_id: int) -> Decision:
        return self.decisions[reminder_id]


def triage(
    rows: Iterable[Due], *, now: datetime, reminded_on: set[tuple[int, int | None, date]]
) -> Triage:
    """What to do with each claimed row at `now`. `reminded_on`: (user, call, local day) of
    reminders already sent; the rows sent here are added to it."""
    result = Triage()
    groups: dict[tuple[int, int | None], list[Due]] = {}
    for row in rows:
        if now >= row.event_at and row.kind not in AFTER_KINDS:
            result.decisions[row.id] = Decision("missed", "event-passed")
        elif row.void is not None:
            result.decisions[row.id] = Decision("cancelled", row.void)
        else:
            groups.setdefault((row.user_id, row.competition_id), []).append(row)
    for (user_id, competition_id), group in groups.items():
        group.sort(key=lambda row: (row.due_at, row.id))
        *older, latest = group
        for row in older:
            result.decisions[row.id] = Decision("missed", "superseded")
        morning = out_of_quiet_hours(now, latest.zone, latest.rules)
        in_time = morning < latest.event_at or latest.kind in AFTER_KINDS
        if morning != now and not latest.is_last and in_time:
            result.decisions[latest.id] = Decision("pending", "quiet-hours", morning)
            continue
        today = (user_id, competition_id, local_day(now, latest.zone))
        if today in reminded_on:
            result.decisions[latest.id] = Decision("missed", "daily-cap")
            continue
        reminded_on.add(today)
        result.decisions[latest.id] = Decision("sent", "sent")
    return result


def time_left(event_at: datetime, now: datetime) -> tuple[str, int]:
    """("days", n) when a day or more is left, else ("hours", n >= 1); rounded, so a reminder
    sent a few seconds after its moment still says "7 days"."""
    hours = (event_at - now).total_seconds() / 3600
    if hours >= 24:
        return "days", max(1, round(hours / 24))
    return "hours", max(1, round(hours))
