"""Reporting rules: an award's schedule of reports, what an NCO may type into a report, and which
step a report may take in its state. Plain functions of data and a clock; bot/reporting.py
applies them to the database.

The schedule. A call defines it (the wizard's `reporting`, copied to each Award):
{"kind": "monthly" | "quarterly" | "dates" | "final", "dates": [ISO dates], "final_days": N}.

- monthly / quarterly: one interim ("periodic") report per month or quarter of the contract,
  due on the period's last day. Quarters count from the contract's first month. The period that
  reaches the contract's end has no interim report: the final report covers it. A first period
  shorter than `SHORT_PERIOD_DAYS` (a contract starting on the 25th) joins the next one, so no
  NCO owes a report a few days after signing.
- dates: an interim report on each given date that falls inside the contract (after its first
  day and before its last); the others are dropped (the call's period and the contract's may
  differ, and the final report covers the end).
- final (or no kind): only the final report.
- Always a final report, covering the whole contract, due `final_days` (default 30) after the
  contract's last day.

Each report is due at the end of the working day (18:00) in the municipality's time zone.

The life of a report: due -> filed -> accepted, or filed -> changes_requested -> filed again.
"Overdue" is not a status: a report that is due (or sent back) after its due moment is overdue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.rules.validation import Invalid, clean_text

PERIODIC, FINAL = "periodic", "final"
KINDS = (PERIODIC, FINAL)
SCHEDULE_KINDS = ("monthly", "quarterly", "dates", "final")
DEFAULT_FINAL_DAYS = 30
FINAL_DAYS_MAX = 365
SHORT_PERIOD_DAYS = 14
DUE_TIME = time(18, 0)

# Statuses of a report, and which of them still owe the municipality something.
DUE, FILED, CHANGES_REQUESTED, ACCEPTED = "due", "filed", "changes_requested", "accepted"
STATUSES = (DUE, FILED, CHANGES_REQUESTED, ACCEPTED)
OWED = (DUE, CHANGES_REQUESTED)

TEXT_MIN, TEXT_MAX = 20, 3000
BENEFICIARIES_MAX = 1_000_000
COMMENT_MIN, COMMENT_MAX = 5, 1000
REASON_MIN, REASON_MAX = 5, 500


@dataclass(frozen=True)
class Slot:
    """One report an award owes: its number (1, 2, ... in due order), kind, the period it covers
    and the day it is due."""

    number: int
    kind: str
    period_start: date
    period_end: date
    due_on: date


def _month_end(year: int, month: int) -> date:
    """The last day of the month `month` of `year` (months past 12 roll into later years)."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def final_days(reporting: dict) -> int:
    value = reporting.get("final_days", DEFAULT_FINAL_DAYS)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= FINAL_DAYS_MAX:
        return DEFAULT_FINAL_DAYS
    return value


def _periodic_ends(kind: str, start: date, end: date, given: list[date]) -> list[date]:
    """The last days of the interim periods, strictly between the contract's first and last."""
    if kind == "dates":
        return sorted({day for day in given if start < day < end})
    if kind not in ("monthly", "quarterly"):
        return []
    step = 1 if kind == "monthly" else 3
    ends = []
    offset = step
    while True:
        period_end = _month_end(start.year, start.month + offset - 1)
        if period_end >= end:
            break
        ends.append(period_end)
        offset += step
    if ends and (ends[0] - start).days + 1 < SHORT_PERIOD_DAYS:
        ends = ends[1:]  # a stub of a first period joins the next one
    return ends


def _given_dates(reporting: dict) -> list[date]:
    days = []
    for value in reporting.get("dates") or []:
        try:
            days.append(date.fromisoformat(str(value)))
        except ValueError:
            continue  # a malformed stored date is no report date
    return days


def schedule(reporting: dict | None, *, start: date, end: date) -> list[Slot]:
    """The reports an award with this `reporting` definition and contract period owes."""
    reporting = reporting or {}
    kind = reporting.get("kind") or "final"
    slots = []
    period_start = start
    for number, period_end in enumerate(
        _periodic_ends(kind, start, end, _given_dates(reporting)), start=1
    ):
        slots.append(Slot(number, PERIODIC, period_start, period_end, period_end))
        period_start = period_end + timedelta(days=1)
    slots.append(
        Slot(len(slots) + 1, FINAL, start, end, end + timedelta(days=final_days(reporting)))
    )
    return slots


def due_moment(day: date, zone: ZoneInfo) -> datetime:
    """The end of the working day `day` in the municipality's zone, in UTC."""
    return datetime.combine(day, DUE_TIME, tzinfo=zone).astimezone(UTC)


def is_overdue(status: str, due_at: datetime, now: datetime) -> bool:
    return status in OWED and now > due_at


def state(status: str, due_at: datetime, now: datetime) -> str:
    """For tables and lists: due, overdue, filed, changes_requested or accepted."""
    if status == DUE and now > due_at:
        return "overdue"
    return status


# -- what the NCO types -----------------------------------------------------------------------


def done_text(text: str | None) -> str:
    """What was done in the period, in the NCO's words."""
    return clean_text(text, minimum=TEXT_MIN, maximum=TEXT_MAX)


def beneficiaries(text: str | None) -> int:
    """People reached: a whole number, 0 or more ("1 200" and "1,200" are fine)."""
    raw = re.sub(r"[\s,'\u00a0\u202f]", "", (text or "").strip())
    if raw.startswith("-"):
        raise Invalid("rep-invalid-negative")
    if not raw.isascii() or not raw.isdigit():
        raise Invalid("rep-invalid-whole-number")
    value = int(raw)
    if value > BENEFICIARIES_MAX:
        raise Invalid("rep-invalid-too-many", {"maximum": BENEFICIARIES_MAX})
    return value


def spent(text: str | None, *, award_amount: int, spent_elsewhere: int) -> int:
    """Money spent in the period, in soms (0 allowed): not more than what the award leaves
    after the amounts the organization's other reports declare."""
    raw = (text or "").strip().lower()
    raw = re.sub(r"\s*(сом|som|soms|kgs)\.?$", "", raw)
    digits = re.sub(r"[\s,'\u00a0\u202f]", "", raw)
    if digits.startswith("-"):
        raise Invalid("rep-invalid-negative")
    if not digits.isascii() or not digits.isdigit():
        raise Invalid("invalid-amount")
    value = int(digits)
    remaining = max(award_amount - spent_elsewhere, 0)
    if value > remaining:
        raise Invalid("rep-spent-above-award", {"remaining": remaining})
    return value


def comment(text: str | None) -> str:
    """Staff's comment when they ask for changes."""
    return clean_text(text, minimum=COMMENT_MIN, maximum=COMMENT_MAX)


def reason(text: str | None) -> str:
    """Staff's reason for an extension."""
    return clean_text(text, minimum=REASON_MIN, maximum=REASON_MAX)


# -- which step a report may take ---------------------------------------------------------------


def may_file(status: str) -> None:
    """An NCO files a report that is due or was sent back; never one filed or accepted."""
    if status == ACCEPTED:
        raise Invalid("rep-already-accepted")
    if status == FILED:
        raise Invalid("rep-already-filed")


def may_review(status: str) -> None:
    """Staff accept or send back a filed report only."""
    if status == ACCEPTED:
        raise Invalid("rep-already-accepted")
    if status != FILED:
        raise Invalid("rep-not-filed")


def extension(
    text: str | None, *, current_due_at: datetime, status: str, zone: ZoneInfo, now: datetime
) -> datetime:
    """A new due date typed by staff ("15.04.2027"): in the future and later than the current
    one, for a report not yet accepted. Returns the new due moment (18:00 local, UTC)."""
    from bot.rules.competition import parse_date

    if status == ACCEPTED:
        raise Invalid("rep-already-accepted")
    raw = (text or "").strip()
    if not raw:
        raise Invalid("invalid-date")
    moment = due_moment(parse_date(raw), zone)
    check_extension(moment, current_due_at=current_due_at, status=status, now=now)
    return moment


def check_extension(
    new_due_at: datetime, *, current_due_at: datetime, status: str, now: datetime
) -> None:
    """The checks of `extension` on a moment (again when the extension is recorded: the report
    may have changed while staff typed the reason)."""
    if status == ACCEPTED:
        raise Invalid("rep-already-accepted")
    if new_due_at <= now:
        raise Invalid("rep-extension-past")
    if new_due_at <= current_due_at:
        raise Invalid("rep-extension-not-later")
