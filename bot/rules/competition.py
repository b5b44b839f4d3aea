"""Rules for calls for proposals (competitions): what staff may type in the wizard, the templates
that follow social-procurement practice, and when a draft is complete enough to publish.

Plain functions of data and a clock; the wizard handlers only render and pass answers in."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.rules.validation import Invalid, clean_text

TITLE_MIN, TITLE_MAX = 5, 150
DESCRIPTION_MIN, DESCRIPTION_MAX = 20, 3000
BUDGET_MAX = 1_000_000_000  # soms; far above any municipal budget, catches typos
PROJECTS_MAX = 100
# A deadline typed without a time closes at the end of the working day.
DEFAULT_DEADLINE_TIME = time(18, 0)
QUICK_DEADLINE_DAYS = (7, 14, 30)

# -- templates: (key, weight for criteria) ----------------------------------------------------
ELIGIBILITY_TEMPLATES = (
    "registered_nco",
    "charter_matches",
    "no_tax_arrears",
    "no_social_fund_arrears",
    "experience_year",
)
DOCUMENT_TEMPLATES = (
    "application_form",
    "project_proposal",
    "budget",
    "registration_certificate",
    "charter",
    "support_letters",
)
CRITERIA_TEMPLATES = {
    "relevance": 30,
    "approach": 25,
    "capacity": 20,
    "budget_quality": 15,
    "sustainability": 10,
}
REPORTING_KINDS = ("monthly", "quarterly", "dates")
# The final report: how many days after the implementation period ends (buttons; or typed).
FINAL_DAYS_CHOICES = (15, 30, 60)
FINAL_DAYS_MAX = 365

_DATE_FORMATS = ("%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%y", "%d-%m-%Y")
_TIME = re.compile(r"^(?P<h>[01]?\d|2[0-3])[:.](?P<m>[0-5]\d)$")


def title(text: str | None) -> str:
    return clean_text(text, minimum=TITLE_MIN, maximum=TITLE_MAX)


def description(text: str | None) -> str:
    return clean_text(text, minimum=DESCRIPTION_MIN, maximum=DESCRIPTION_MAX)


def amount(text: str | None) -> int:
    """Soms, as people type them: "400 000", "400000", "400,000", "400 000 сом"."""
    raw = (text or "").strip().lower()
    raw = re.sub(r"\s*(сом|som|soms|kgs)\.?$", "", raw)
    digits = re.sub(r"[\s,'\u00a0\u202f]", "", raw)
    if digits.startswith("-"):
        raise Invalid("invalid-amount-negative")
    if not digits.isdigit() or not digits.isascii():
        raise Invalid("invalid-amount")
    value = int(digits)
    if value <= 0:
        raise Invalid("invalid-amount-negative")
    if value > BUDGET_MAX:
        raise Invalid("invalid-amount-too-large", {"maximum": BUDGET_MAX})
    return value


def max_per_project(text: str | None, *, budget_total: int) -> int:
    value = amount(text)
    if value > budget_total:
        raise Invalid("invalid-max-above-total", {"total": budget_total})
    return value


def projects_count(text: str | None) -> int:
    raw = (text or "").strip()
    if not raw.isdigit() or not raw.isascii():
        raise Invalid("invalid-count")
    value = int(raw)
    if not 1 <= value <= PROJECTS_MAX:
        raise Invalid("invalid-count-range", {"maximum": PROJECTS_MAX})
    return value


def parse_date(text: str) -> date:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise Invalid("invalid-date")


def deadline(text: str | None, *, zone: ZoneInfo, now: datetime) -> datetime:
    """A date and optional time in the municipality's zone -> aware UTC; past moments refused."""
    parts = (text or "").strip().split()
    if not parts or len(parts) > 2:
        raise Invalid("invalid-date")
    day = parse_date(parts[0])
    moment = DEFAULT_DEADLINE_TIME
    if len(parts) == 2:
        match = _TIME.match(parts[1])
        if not match:
            raise Invalid("invalid-time")
        moment = time(int(match["h"]), int(match["m"]))
    local = datetime.combine(day, moment, tzinfo=zone)
    if local <= now.astimezone(zone):
        raise Invalid("invalid-date-past")
    return local.astimezone(UTC)


def quick_deadline(days: int, *, zone: ZoneInfo, now: datetime) -> datetime:
    """ "In N days" buttons: that day at the end of the working day, in the municipality's zone."""
    day = now.astimezone(zone).date() + timedelta(days=days)
    return datetime.combine(day, DEFAULT_DEADLINE_TIME, tzinfo=zone).astimezone(UTC)


def period(text: str | None, *, deadline_at: datetime, zone: ZoneInfo) -> tuple[date, date]:
    """ "01.02.2027 - 31.12.2027": the implementation period, starting after the deadline."""
    parts = [
        part.strip()
        for part in re.split(r"\s*(?:-|–|—|\.\.)\s+|\s+(?:-|–|—)\s*", (text or "").strip())
        if part.strip()
    ]
    if len(parts) != 2:
        raise Invalid("invalid-period")
    start, end = parse_date(parts[0]), parse_date(parts[1])
    if end <= start:
        raise Invalid("invalid-period-order")
    if start < deadline_at.astimezone(zone).date():
        raise Invalid("invalid-period-before-deadline")
    return start, end


def report_dates(text: str | None, *, start: date, end: date) -> list[date]:
    """Given reporting dates, comma or space separated, each within the implementation period."""
    items = [item for item in re.split(r"[,;\s]+", (text or "").strip()) if item]
    if not items:
        raise Invalid("invalid-date")
    dates = sorted({parse_date(item) for item in items})
    if dates[0] < start or dates[-1] > end + timedelta(days=31):
        raise Invalid("invalid-report-dates-outside")
    return dates


def final_days(text: str | None) -> int:
    """Days after the period's end the final report is due: a whole number, 0 to 365."""
    raw = (text or "").strip()
    if not raw.isdigit() or not raw.isascii() or int(raw) > FINAL_DAYS_MAX:
        raise Invalid("wz-invalid-final-days", {"maximum": FINAL_DAYS_MAX})
    return int(raw)


def criterion(text: str | None) -> tuple[str, int]:
    """A custom criterion typed as "Name: weight" (weight 1-100)."""
    match = re.match(r"^(?P<name>.+?)\s*[:—–-]\s*(?P<weight>\d{1,3})\s*%?$", (text or "").strip())
    if not match:
        raise Invalid("invalid-criterion")
    weight = int(match["weight"])
    if not 1 <= weight <= 100:
        raise Invalid("invalid-criterion")
    return clean_text(match["name"], minimum=3, maximum=100), weight


REQUIRED = (
    "title",
    "description",
    "topic",
    "budget_total",
    "max_per_project",
    "projects_count",
    "deadline_at",
    "period",
    "documents",
    "criteria",
    "reporting",
)


def missing_for_publication(draft: object, *, now: datetime) -> list[str]:
    """The fields a draft (a Competition) lacks, or has gone stale like a deadline now past."""
    values = {
        "title": draft.title,
        "description": draft.description,
        "topic": draft.topic_id,
        "budget_total": draft.budget_total,
        "max_per_project": draft.max_per_project,
        "projects_count": draft.projects_count,
        "deadline_at": draft.deadline_at and draft.deadline_at > now,
        "period": draft.period_start and draft.period_end,
        "documents": draft.documents,
        "criteria": draft.criteria,
        "reporting": draft.reporting.get("kind"),
    }
    return [field for field in REQUIRED if not values[field]]
