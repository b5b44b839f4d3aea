"""Rules for selecting the winners of a call: when review may start, a submission's completeness,
scores within a criterion's range, the weighted average and the ranking, and the limits on an
award. Plain functions of data; bot/selection.py applies them to the database."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bot.rules import application as application_rules
from bot.rules.validation import Invalid, clean_text

# A criterion is scored from 0 to its "max" (10 unless the call says otherwise).
DEFAULT_SCORE_MAX = 10
COMMENT_MAX = 500
REASON_MIN, REASON_MAX = 3, 1000
OUTCOMES = ("winner", "reserve", "rejected")
# Call statuses in which the review may run (after the deadline); "decided" ends it.
REVIEW_STATUSES = ("published", "closed")

_SCORE = re.compile(r"^(?P<score>[+-]?\d{1,4}(?:[.,]\d+)?)(?:\s+(?P<comment>.*))?$", re.S)


def in_review(call: object, now: datetime) -> bool:
    """Whether the call's submissions may be screened, scored and decided now: its deadline has
    passed (the last minute counting for the NCOs) and no decision is published yet."""
    return (
        call.status in REVIEW_STATUSES
        and call.deadline_at is not None
        and not application_rules.is_open(call, now)
    )


def completeness(
    call: object, *, eligibility: dict, answers: dict, uploaded: dict[str, int]
) -> list[str]:
    """What the automatic checklist finds missing (translation keys); empty when complete."""
    problems = []
    if not application_rules.is_eligible(call.eligibility, eligibility):
        problems.append("apply-not-eligible")
    if application_rules.missing_fields(answers):
        problems.append("apply-form-incomplete")
    items = application_rules.checklist(call.documents, uploaded)
    if any(item.required and not item.files for item in items):
        problems.append("apply-documents-missing")
    return problems


def reason(text: str | None) -> str:
    """A reason staff type for a decision (not admitted, rejected, reserve)."""
    return clean_text(text, minimum=REASON_MIN, maximum=REASON_MAX)


# -- scores ----------------------------------------------------------------------------------


def criterion_range(criterion: dict) -> tuple[int, int]:
    return 0, int(criterion.get("max", DEFAULT_SCORE_MAX))


def criterion_by_key(criteria: list[dict], key: str | None) -> dict | None:
    return next((item for item in criteria if item.get("key") == key), None)


def parse_score(text: str | None, criterion: dict) -> tuple[int, str | None]:
    """ "7" or "7 Strong team": a whole score within the criterion's range, and a comment."""
    match = _SCORE.match((text or "").strip())
    low, high = criterion_range(criterion)
    if not match:
        raise Invalid("sel-score-not-number", {"minimum": low, "maximum": high})
    raw = match["score"].replace(",", ".")
    if not raw.lstrip("+-").isdigit():
        raise Invalid("sel-score-whole", {"minimum": low, "maximum": high})
    score = int(raw)
    if not low <= score <= high:
        raise Invalid("sel-score-range", {"minimum": low, "maximum": high})
    comment = " ".join((match["comment"] or "").split()) or None
    if comment is not None and len(comment) > COMMENT_MAX:
        raise Invalid("invalid-too-long", {"maximum": COMMENT_MAX, "length": len(comment)})
    return score, comment


def unscored(criteria: list[dict], scores: dict) -> list[str]:
    """Keys of the criteria a review has no score for yet."""
    return [item["key"] for item in criteria if item["key"] not in scores]


@dataclass(frozen=True)
class SheetProgress:
    """One member's score sheet: of `total` admitted applications, `done` are scored in full or
    recused from, `recused` of them recused from."""

    total: int
    done: int
    recused: int

    @property
    def to_score(self) -> int:
        """Applications the member has to judge (not recused from): none means nothing to do."""
        return self.total - self.recused


def sheet_progress(criteria: list[dict], admitted_ids: list[int], reviews: dict) -> SheetProgress:
    """`reviews`: the member's own reviews by submission id."""
    recused = sum(
        1 for sid in admitted_ids if sid in reviews and reviews[sid].conflict == "recused"
    )
    scored = sum(
        1
        for sid in admitted_ids
        if sid in reviews
        and reviews[sid].conflict != "recused"
        and not unscored(criteria, reviews[sid].scores)
    )
    return SheetProgress(len(admitted_ids), scored + recused, recused)


def weighted_score(criteria: list[dict], sheets: list[dict]) -> float | None:
    """The submission's score out of 100: each criterion's average over the members' sheets,
    as a share of its maximum, weighted by the criterion's weight. None without any sheet."""
    sheets = [sheet for sheet in sheets if not unscored(criteria, sheet)]
    total_weight = sum(int(item.get("weight", 1)) for item in criteria)
    if not sheets or not criteria or total_weight <= 0:
        return None
    value = 0.0
    for item in criteria:
        _, high = criterion_range(item)
        average = sum(sheet[item["key"]] for sheet in sheets) / len(sheets)
        value += int(item.get("weight", 1)) * (average / high if high else 0.0)
    return round(100 * value / total_weight, 2)


# -- ranking and awards -----------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    submission_id: int
    reference: str
    score: float | None
    requested: int


@dataclass(frozen=True)
class Ranked:
    position: int
    submission_id: int
    reference: str
    score: float | None
    requested: int
    # The requests of this one and all ranked above it, and whether that still fits the budget.
    cumulative: int
    within_budget: bool


def ranking(candidates: list[Candidate], budget: int) -> list[Ranked]:
    """Highest score first (unscored last, ties by reference), with the budget the top ones use:
    a candidate is within the budget while the requests down to it fit the call's total."""
    ordered = sorted(
        candidates,
        key=lambda c: (c.score is None, -(c.score or 0.0), c.reference, c.submission_id),
    )
    result, cumulative, fits = [], 0, True
    for position, candidate in enumerate(ordered, start=1):
        cumulative += candidate.requested
        fits = fits and candidate.score is not None and cumulative <= budget
        result.append(
            Ranked(
                position,
                candidate.submission_id,
                candidate.reference,
                candidate.score,
                candidate.requested,
                cumulative,
                fits,
            )
        )
    return result


def award_amount(text: str | None, *, requested: int, remaining: int) -> int:
    """An awarded amount: positive, not above the request nor what remains of the budget."""
    from bot.rules.competition import amount

    value = amount(text)
    if value > requested:
        raise Invalid("sel-award-above-request", {"requested": requested})
    if value > remaining:
        raise Invalid("sel-award-above-budget", {"remaining": max(remaining, 0)})
    return value


def remaining_budget(budget: int, awarded: dict[int, int], *, excluding: int | None = None) -> int:
    """The call's budget less the amounts already given to winners (other than `excluding`)."""
    return budget - sum(value for key, value in awarded.items() if key != excluding)
