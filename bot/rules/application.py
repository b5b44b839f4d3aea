"""Rules for an NCO's application: eligibility, the form, the documents checklist, the deadline
and the receipt number. Plain functions of data and a clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from bot.rules import competition as call_rules
from bot.rules.validation import Invalid, clean_text

FORM_FIELDS = (
    "project_title",
    "summary",
    "target_group",
    "beneficiaries",
    "requested_amount",
    "duration_months",
    "co_financing",
)
TEXT_LIMITS = {"project_title": (5, 150), "summary": (50, 2000), "target_group": (5, 300)}
BENEFICIARIES_MAX = 1_000_000
DURATION_MAX = 36
# "The last minute counts": a deadline of 18:00 accepts a submission at 18:00:59.
GRACE = timedelta(minutes=1)


def is_open(competition: object, now: datetime) -> bool:
    """Whether applications may still be started, changed and submitted."""
    return (
        competition.status == "published"
        and competition.deadline_at is not None
        and now < competition.deadline_at + GRACE
    )


def next_question(questions: list[dict], answers: dict[str, str]) -> dict | None:
    """The first eligibility question not yet answered."""
    return next((q for q in questions if q["key"] not in answers), None)


def knock_out(questions: list[dict], answers: dict[str, str]) -> dict | None:
    """The first answered question whose answer excludes the applicant, if any."""
    return next((q for q in questions if answers.get(q["key"]) == q.get("knockout", "no")), None)


def is_eligible(questions: list[dict], answers: dict[str, str]) -> bool:
    return next_question(questions, answers) is None and knock_out(questions, answers) is None


def _whole_number(text: str | None, *, minimum: int, maximum: int) -> int:
    raw = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if raw.startswith("-"):
        raise Invalid("invalid-number-negative")
    if not raw.isascii() or not raw.isdigit():
        raise Invalid("invalid-number")
    value = int(raw)
    if not minimum <= value <= maximum:
        raise Invalid("invalid-number-range", {"minimum": minimum, "maximum": maximum})
    return value


def accept(field: str, text: str | None, *, competition: object) -> str | int:
    """The value to store for a form field, or Invalid with the reason."""
    if field in TEXT_LIMITS:
        minimum, maximum = TEXT_LIMITS[field]
        return clean_text(text, minimum=minimum, maximum=maximum)
    if field == "beneficiaries":
        return _whole_number(text, minimum=1, maximum=BENEFICIARIES_MAX)
    if field == "duration_months":
        return _whole_number(text, minimum=1, maximum=DURATION_MAX)
    if field == "requested_amount":
        amount = call_rules.amount(text)
        if competition.max_per_project and amount > competition.max_per_project:
            raise Invalid("invalid-above-max", {"maximum": competition.max_per_project})
        return amount
    if field == "co_financing":
        if (text or "").strip() == "0":
            return 0
        return call_rules.amount(text)
    raise KeyError(field)


def missing_fields(answers: dict) -> list[str]:
    return [field for field in FORM_FIELDS if field not in answers]


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    name: dict[str, str]
    required: bool
    files: int


def checklist(documents: list[dict], uploaded: dict[str, int]) -> list[ChecklistItem]:
    """The call's documents with how many files are attached to each."""
    return [
        ChecklistItem(
            doc["key"], doc["name"], doc.get("required", True), uploaded.get(doc["key"], 0)
        )
        for doc in documents
    ]


def submission_problems(
    *,
    competition: object,
    eligibility: dict,
    answers: dict,
    uploaded: dict[str, int],
    now: datetime,
) -> list[str]:
    """Why the application cannot be submitted now (translation keys); empty when it can."""
    problems = []
    if not is_open(competition, now):
        problems.append("apply-closed")
    if not is_eligible(competition.eligibility, eligibility):
        problems.append("apply-not-eligible")
    if missing_fields(answers):
        problems.append("apply-form-incomplete")
    if any(item.required and not item.files for item in checklist(competition.documents, uploaded)):
        problems.append("apply-documents-missing")
    return problems


def reference(code: str, year: int, number: int) -> str:
    return f"{code}-{year}-{number:04d}"


def reference_prefix(code: str, at: datetime, zone: tzinfo) -> str:
    """The receipt numbers' prefix for a submission at `at`: the municipality's code and the
    year of its calendar (UTC's is still last year's until 6 a.m. of 1 January in Bishkek)."""
    return f"{code}-{at.astimezone(zone).year}-"


# -- several members of one organization on one application ---------------------------------

# An application can be changed while it is a draft or withdrawn; a submitted one is what the
# municipality received (the receipt lists it): withdraw it first to change anything.
EDITABLE_STATUSES = frozenset({"draft", "withdrawn"})


def is_editable(submission: object) -> bool:
    return submission.status in EDITABLE_STATUSES


# What becomes of a typed answer when the application changed since its question was asked.
SAVE = "save"  # nobody touched this answer: saving it loses nothing of anyone's
CONFLICT = "conflict"  # another member changed this very answer meanwhile: show it, ask again
SUBMITTED = "submitted"  # the application was submitted meanwhile: nothing may change


def answer_outcome(
    submission: object, field: str, *, asked_revision: int, seen: object, seen_known: bool
) -> str:
    """Whether an answer to `field`, asked when the application was at `asked_revision` and the
    field held `seen` (`seen_known` False: asked before the bot kept it), may be saved now.

    Other members' changes to other answers do not block it: the save writes on top of the
    application as read now, so their answers stay. Only a change of this same answer does:
    the last write must not silently erase theirs."""
    if not is_editable(submission):
        return SUBMITTED
    if submission.revision == asked_revision:
        return SAVE
    current = submission.answers.get(field)
    if seen_known and current == seen:
        return SAVE
    return CONFLICT
