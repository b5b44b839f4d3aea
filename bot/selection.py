"""Selection after a call's deadline: admissibility, the commission's scores, the ranking, the
decision and the awards. Each step checks the state it needs, changes the records, writes its
audit event and queues its messages (through the outbox) in one transaction.

Access (who may take the step at all) is checked by the handlers with bot/rules/access.py on
the record's municipality; what is checked here is what the data allows: a member scoring must
be assigned and must not have recused, a sheet once submitted is final, an award fits the
budget, a decision is published once. Refusals are `Invalid` with a translation key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.formatting import localized, number, score_text
from bot.i18n import t
from bot.reminders import replan_sheets
from bot.reporting import create_reports
from bot.rules import selection as rules
from bot.rules.validation import Invalid
from storage.models import (
    Admissibility,
    Award,
    CommissionAssignment,
    Competition,
    Municipality,
    Organization,
    Outcome,
    Review,
    Submission,
    User,
)
from storage.queries import selection as queries
from storage.queries.audit import record
from storage.queries.outbox import enqueue_many

# -- who is told: the organization's members, each in their language --------------------------


async def _tell_organization(
    session: AsyncSession,
    *,
    organization_id: int,
    key: str,
    dedupe: str,
    default_language: str,
    **args: object,
) -> int:
    """Queue one message per member of the organization. Does not commit."""
    people = await queries.people_of_organization(session, organization_id=organization_id)
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
            }
        )
    return await enqueue_many(session, rows)


def _title(call: Competition):
    return lambda language: localized(call.title, language)


def _require_review(call: Competition, now: datetime) -> None:
    if call.status == "decided":
        raise Invalid("sel-already-decided")
    if not rules.in_review(call, now):
        raise Invalid("sel-not-in-review")


# -- admissibility ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Screened:
    submission: Submission
    organization: Organization
    problems: list[str]  # what the automatic checklist finds missing
    admissibility: Admissibility | None


async def screening(session: AsyncSession, *, call: Competition) -> list[Screened]:
    """The call's submitted applications with their completeness and admissibility."""
    submissions = await queries.submitted_of(session, competition_id=call.id)
    ids = [row.id for row in submissions]
    organizations = await queries.organizations_by_id(
        session, {row.organization_id for row in submissions}
    )
    uploaded = await queries.uploaded_counts_of(session, submission_ids=ids)
    decided = await queries.admissibility_of(session, submission_ids=ids)
    return [
        Screened(
            row,
            organizations[row.organization_id],
            rules.completeness(
                call, eligibility=row.eligibility, answers=row.answers, uploaded=uploaded[row.id]
            ),
            decided.get(row.id),
        )
        for row in submissions
    ]


async def decide_admissibility(
    session: AsyncSession,
    *,
    call: Competition,
    submission: Submission,
    admitted: bool,
    reason: str | None,
    by_user_id: int,
    now: datetime,
    default_language: str,
) -> Admissibility:
    """Admit or not (with a reason); the NCO is told. Commits."""
    _require_review(call, now)
    if submission.competition_id != call.id or submission.status != "submitted":
        raise Invalid("button-stale")
    if not admitted and not reason:
        raise Invalid("sel-reason-needed")
    if not admitted:  # no outcome stays for an application no longer admitted
        stale = (await queries.outcomes_of(session, competition_id=call.id)).get(submission.id)
        if stale is not None:
            await session.delete(stale)
    row = (await queries.admissibility_of(session, submission_ids=[submission.id])).get(
        submission.id
    )
    if row is None:
        row = Admissibility(submission_id=submission.id, admitted=admitted)
    row.admitted, row.reason = admitted, reason
    row.decided_by_user_id, row.decided_at = by_user_id, now
    session.add(row)
    if call.status == "published":
        call.status = "closed"  # the deadline has passed: the review has begun
        call.updated_at = now
        session.add(call)
    event = record(
        session,
        action="selection.admit",
        actor_user_id=by_user_id,
        municipality_id=call.municipality_id,
        competition_id=call.id,
        subject=f"submission:{submission.id}",
        details={"admitted": admitted, "reason": reason, "reference": submission.reference},
        at=now,
    )
    await session.flush()
    await _tell_organization(
        session,
        organization_id=submission.organization_id,
        key="sel-nco-admitted" if admitted else "sel-nco-not-admitted",
        dedupe=f"adm:e{event.id}",
        default_language=default_language,
        title=_title(call),
        reference=submission.reference or "",
        reason=reason or "",
    )
    # What there is to score changed: members' score-sheet reminders follow.
    await replan_sheets(session, call, now=now)
    await session.commit()
    return row


# -- the commission --------------------------------------------------------------------------


async def toggle_member(
    session: AsyncSession, *, call: Competition, member_user_id: int, by_user_id: int, now: datetime
) -> bool:
    """Assign a commission member of the call's municipality, or unassign one who has not yet
    submitted a sheet. Returns whether they are assigned afterwards. Commits."""
    _require_review(call, now)
    members = await queries.commission_of_municipality(
        session, municipality_id=call.municipality_id
    )
    if member_user_id not in {user.id for user in members}:
        raise Invalid("sel-not-commission")
    existing = await queries.assignment_for(session, competition_id=call.id, user_id=member_user_id)
    if existing is not None and existing.sheet_submitted_at is not None:
        raise Invalid("sel-sheet-already-submitted")
    if existing is None:
        session.add(
            CommissionAssignment(
                competition_id=call.id,
                user_id=member_user_id,
                assigned_by_user_id=by_user_id,
                assigned_at=now,
            )
        )
    else:
        await session.delete(existing)
    record(
        session,
        action="commission.assign" if existing is None else "commission.unassign",
        actor_user_id=by_user_id,
        municipality_id=call.municipality_id,
        competition_id=call.id,
        subject=f"user:{member_user_id}",
        at=now,
    )
    await session.flush()
    await replan_sheets(session, call, now=now, user_ids={member_user_id})
    await session.commit()
    return existing is None


async def member_assignment(
    session: AsyncSession, *, call: Competition, user_id: int
) -> CommissionAssignment:
    """The member's assignment to the call, or Invalid: only assigned members see anything."""
    assignment = await queries.assignment_for(session, competition_id=call.id, user_id=user_id)
    if assignment is None:
        raise Invalid("button-stale")
    return assignment


@dataclass(frozen=True)
class SheetLine:
    submission: Submission
    review: Review | None  # None: no declaration yet


async def member_sheet(
    session: AsyncSession, *, call: Competition, user_id: int
) -> list[SheetLine]:
    """The admitted submissions as one member sees them (recused ones left out)."""
    admitted = await queries.admitted_of(session, competition_id=call.id)
    reviews = {
        review.submission_id: review
        for review in await queries.reviews_of(session, competition_id=call.id)
        if review.member_user_id == user_id
    }
    return [
        SheetLine(row, reviews.get(row.id))
        for row in admitted
        if not (reviews.get(row.id) and reviews[row.id].conflict == "recused")
    ]


async def _admitted_submission(
    session: AsyncSession, call: Competition, submission_id: int
) -> Submission:
    admitted = {row.id: row for row in await queries.admitted_of(session, competition_id=call.id)}
    if submission_id not in admitted:
        raise Invalid("button-stale")
    return admitted[submission_id]


async def open_for_member(
    session: AsyncSession, *, call: Competition, submission_id: int, user_id: int
) -> tuple[Submission, Review | None]:
    """A submission a member may open: assigned to its call, admitted, not recused."""
    await member_assignment(session, call=call, user_id=user_id)
    submission = await _admitted_submission(session, call, submission_id)
    review = await queries.review_for(session, submission_id=submission.id, member_user_id=user_id)
    if review is not None and review.conflict == "recused":
        raise Invalid("sel-recused")
    return submission, review


async def declare(
    session: AsyncSession,
    *,
    call: Competition,
    submission_id: int,
    user_id: int,
    recuse: bool,
    now: datetime,
) -> Review:
    """The conflict-of-interest declaration, once per submission. Commits."""
    _require_review(call, now)
    assignment = await member_assignment(session, call=call, user_id=user_id)
    if assignment.sheet_submitted_at is not None:
        raise Invalid("sel-sheet-already-submitted")
    submission, review = await open_for_member(
        session, call=call, submission_id=submission_id, user_id=user_id
    )
    if review is not None:
        return review  # already declared (a double tap)
    review = Review(
        competition_id=call.id,
        submission_id=submission.id,
        member_user_id=user_id,
        conflict="recused" if recuse else "none",
        declared_at=now,
        updated_at=now,
    )
    session.add(review)
    record(
        session,
        action="commission.recuse" if recuse else "commission.declare",
        actor_user_id=user_id,
        municipality_id=call.municipality_id,
        competition_id=call.id,
        subject=f"submission:{submission.id}",
        at=now,
    )
    if recuse:  # one application fewer to judge; perhaps none left
        await session.flush()
        await replan_sheets(session, call, now=now, user_ids={user_id})
    await session.commit()
    await session.refresh(review)
    return review


async def score(
    session: AsyncSession,
    *,
    call: Competition,
    submission_id: int,
    user_id: int,
    criterion_key: str,
    text: str | None,
    now: datetime,
) -> Review:
    """One criterion's score (and comment) from what the member typed. Commits."""
    _require_review(call, now)
    assignment = await member_assignment(session, call=call, user_id=user_id)
    if assignment.sheet_submitted_at is not None:
        raise Invalid("sel-sheet-already-submitted")
    criterion = rules.criterion_by_key(call.criteria, criterion_key)
    if criterion is None:
        raise Invalid("sel-no-such-criterion")
    _, review = await open_for_member(
        session, call=call, submission_id=submission_id, user_id=user_id
    )
    if review is None:
        raise Invalid("sel-declare-first")
    value, comment = rules.parse_score(text, criterion)
    review.scores = {**review.scores, criterion_key: value}
    comments = {key: note for key, note in review.comments.items() if key != criterion_key}
    if comment:
        comments[criterion_key] = comment
    review.comments = comments
    review.updated_at = now
    session.add(review)
    record(
        session,
        action="commission.score",
        actor_user_id=user_id,
        municipality_id=call.municipality_id,
        competition_id=call.id,
        subject=f"submission:{submission_id}",
        details={"criterion": criterion_key, "score": value},
        at=now,
    )
    await session.commit()
    await session.refresh(review)
    return review


async def submit_sheet(
    session: AsyncSession, *, call: Competition, user_id: int, now: datetime
) -> CommissionAssignment:
    """Lock the member's scores: every admitted submission declared, and scored unless recused."""
    _require_review(call, now)
    assignment = await member_assignment(session, call=call, user_id=user_id)
    if assignment.sheet_submitted_at is not None:
        raise Invalid("sel-sheet-already-submitted")
    lines = await member_sheet(session, call=call, user_id=user_id)
    if not lines and not await queries.admitted_of(session, competition_id=call.id):
        raise Invalid("sel-nothing-to-score")
    incomplete = [
        line.submission.reference
        for line in lines
        if line.review is None or rules.unscored(call.criteria, line.review.scores)
    ]
    if incomplete:
        raise Invalid("sel-sheet-incomplete", {"references": ", ".join(map(str, incomplete))})
    assignment.sheet_submitted_at = now
    session.add(assignment)
    record(
        session,
        action="commission.submit",
        actor_user_id=user_id,
        municipality_id=call.municipality_id,
        competition_id=call.id,
        subject=f"user:{user_id}",
        details={
            "sheet": {str(line.submission.id): line.review.scores for line in lines},
        },
        at=now,
    )
    await session.flush()
    await replan_sheets(session, call, now=now, user_ids={user_id})
    await session.commit()
    return assignment


@dataclass(frozen=True)
class MemberProgress:
    user: User
    scored: int  # submissions fully scored (or recused)
    total: int
    submitted: bool


async def progress(session: AsyncSession, *, call: Competition) -> list[MemberProgress]:
    """Who has scored what, for staff (counts only: never the scores themselves)."""
    admitted = await queries.admitted_of(session, competition_id=call.id)
    reviews = await queries.reviews_of(session, competition_id=call.id)
    result = []
    for assignment in await queries.assignments_of(session, competition_id=call.id):
        user = await session.get(User, assignment.user_id)
        own = {r.submission_id: r for r in reviews if r.member_user_id == assignment.user_id}
        sheet = rules.sheet_progress(call.criteria, [row.id for row in admitted], own)
        result.append(
            MemberProgress(user, sheet.done, sheet.total, assignment.sheet_submitted_at is not None)
        )
    return result


async def remind(
    session: AsyncSession,
    *,
    call: Competition,
    by_user_id: int,
    now: datetime,
    default_language: str,
) -> int:
    """A reminder (through the outbox) to each assigned member who has not submitted. Commits."""
    _require_review(call, now)
    pending = [item for item in await progress(session, call=call) if not item.submitted]
    event = record(
        session,
        action="commission.remind",
        actor_user_id=by_user_id,
        municipality_id=call.municipality_id,
        competition_id=call.id,
        details={"members": [item.user.id for item in pending]},
        at=now,
    )
    await session.flush()
    rows = []
    for item in pending:
        language = item.user.language or default_language
        rows.append(
            {
                "chat_id": item.user.telegram_id,
                "user_id": item.user.id,
                "dedupe_key": f"rmd:e{event.id}:u{item.user.id}",
                "text": t(
                    language,
                    "sel-member-reminder",
                    title=localized(call.title, language),
                    scored=item.scored,
                    total=item.total,
                ),
            }
        )
    added = await enqueue_many(session, rows)
    await session.commit()
    return added


# -- ranking and the decision ----------------------------------------------------------------


async def ranking(session: AsyncSession, *, call: Competition) -> list[rules.Ranked]:
    """The admitted submissions by weighted average of the submitted sheets."""
    admitted = await queries.admitted_of(session, competition_id=call.id)
    submitted_members = {
        a.user_id
        for a in await queries.assignments_of(session, competition_id=call.id)
        if a.sheet_submitted_at is not None
    }
    sheets: dict[int, list[dict]] = {row.id: [] for row in admitted}
    for review in await queries.reviews_of(session, competition_id=call.id):
        if (
            review.member_user_id in submitted_members
            and review.conflict == "none"
            and review.submission_id in sheets
        ):
            sheets[review.submission_id].append(review.scores)
    candidates = [
        rules.Candidate(
            row.id,
            row.reference or "",
            rules.weighted_score(call.criteria, sheets[row.id]),
            int(row.answers.get("requested_amount") or 0),
        )
        for row in admitted
    ]
    return rules.ranking(candidates, call.budget_total or 0)


async def awarded_amounts(session: AsyncSession, *, call: Competition) -> dict[int, int]:
    outcomes = await queries.outcomes_of(session, competition_id=call.id)
    return {sid: row.amount or 0 for sid, row in outcomes.items() if row.outcome == "winner"}


async def record_outcome(
    session: AsyncSession,
    *,
    call: Competition,
    submission_id: int,
    outcome: str,
    amount_text: str | None = None,
    reason: str | None = None,
    by_user_id: int,
    now: datetime,
) -> Outcome:
    """Winner (with an amount within the request and the remaining budget), reserve or
    rejected, before the decision is published. Commits."""
    _require_review(call, now)
    if outcome not in rules.OUTCOMES:
        raise Invalid("button-stale")
    submission = await _admitted_submission(session, call, submission_id)
    amount = None
    if outcome == "winner":
        requested = int(submission.answers.get("requested_amount") or 0)
        remaining = rules.remaining_budget(
            call.budget_total or 0,
            await awarded_amounts(session, call=call),
            excluding=submission.id,
        )
        amount = rules.award_amount(amount_text, requested=requested, remaining=remaining)
    existing = (await queries.outcomes_of(session, competition_id=call.id)).get(submission.id)
    row = existing or Outcome(competition_id=call.id, submission_id=submission.id, outcome=outcome)
    row.outcome, row.amount, row.reason = outcome, amount, reason
    row.decided_by_user_id, row.decided_at = by_user_id, now
    session.add(row)
    record(
        session,
        action="decision.record",
        actor_user_id=by_user_id,
        municipality_id=call.municipality_id,
        competition_id=call.id,
        subject=f"submission:{submission.id}",
        details={"outcome": outcome, "amount": amount, "reason": reason},
        at=now,
    )
    await session.commit()
    await session.refresh(row)
    return row


def _contract_period(call: Competition, submission: Submission, today: date) -> tuple[date, date]:
    start = max(call.period_start or today, today)
    if call.period_end and call.period_end > start:
        return start, call.period_end
    months = int(submission.answers.get("duration_months") or 12)
    return start, start + timedelta(days=30 * months)


async def publish_decision(
    session: AsyncSession,
    *,
    call: Competition,
    by_user_id: int,
    now: datetime,
    default_language: str,
) -> list[Award]:
    """Publish the decision once: the call becomes "decided", winners get awards (the contract
    period and the call's reporting schedule, whose report-due rows are created with them),
    every applicant is told the outcome, its score and
    the reason in their language. A second publication is refused. Commits."""
    if call.status == "decided":
        raise Invalid("sel-already-decided")
    _require_review(call, now)
    admitted = await queries.admitted_of(session, competition_id=call.id)
    outcomes = await queries.outcomes_of(session, competition_id=call.id)
    undecided = [row.reference for row in admitted if row.id not in outcomes]
    if not admitted:
        raise Invalid("sel-nothing-to-decide")
    unscreened = [
        item.submission.reference
        for item in await screening(session, call=call)
        if item.admissibility is None
    ]
    if unscreened:
        raise Invalid("sel-unscreened", {"references": ", ".join(map(str, unscreened))})
    if undecided:
        raise Invalid("sel-undecided", {"references": ", ".join(map(str, undecided))})
    # Published once: only the request that moves the status on goes further.
    moved = await session.exec(
        update(Competition)
        .where(Competition.id == call.id, Competition.status.in_(rules.REVIEW_STATUSES))
        .values(status="decided", updated_at=now)
    )
    if moved.rowcount != 1:
        await session.rollback()
        raise Invalid("sel-already-decided")
    ranked = {row.submission_id: row for row in await ranking(session, call=call)}
    awards = []
    place = await session.get(Municipality, call.municipality_id)
    today = now.astimezone(ZoneInfo(place.timezone)).date()  # the municipality's calendar day
    for submission in admitted:
        outcome = outcomes[submission.id]
        if outcome.outcome != "winner":
            continue
        start, end = _contract_period(call, submission, today)
        award = Award(
            competition_id=call.id,
            submission_id=submission.id,
            organization_id=submission.organization_id,
            amount=outcome.amount or 0,
            contract_start=start,
            contract_end=end,
            reporting=dict(call.reporting or {}),
            created_by_user_id=by_user_id,
            created_at=now,
        )
        session.add(award)
        awards.append(award)
    await session.flush()  # the awards' ids, for their reports
    for award in awards:
        await create_reports(session, award=award, zone=ZoneInfo(place.timezone), now=now)
    event = record(
        session,
        action="decision.publish",
        actor_user_id=by_user_id,
        municipality_id=call.municipality_id,
        competition_id=call.id,
        details={
            "winners": {str(a.submission_id): a.amount for a in awards},
            "reserve": [sid for sid, o in outcomes.items() if o.outcome == "reserve"],
            "rejected": [sid for sid, o in outcomes.items() if o.outcome == "rejected"],
        },
        at=now,
    )
    await session.flush()
    for submission in admitted:
        outcome = outcomes[submission.id]
        value = ranked[submission.id].score if submission.id in ranked else None

        def score_in(language: str, value: float | None = value) -> str:
            return t(language, "sel-no-score") if value is None else score_text(value, language)

        def amount_text(language: str, outcome: Outcome = outcome) -> str:
            return number(outcome.amount or 0, language)

        await _tell_organization(
            session,
            organization_id=submission.organization_id,
            key=f"sel-nco-decision-{outcome.outcome}",
            dedupe=f"dec:e{event.id}:s{submission.id}",
            default_language=default_language,
            title=_title(call),
            reference=submission.reference or "",
            score=score_in,
            amount=amount_text,
            reason=outcome.reason or "—",
        )
    # Applications not admitted hear the decision too, with the admissibility reason.
    screened = await screening(session, call=call)
    for item in screened:
        if item.admissibility is not None and not item.admissibility.admitted:
            await _tell_organization(
                session,
                organization_id=item.submission.organization_id,
                key="sel-nco-decision-not-admitted",
                dedupe=f"dec:e{event.id}:s{item.submission.id}",
                default_language=default_language,
                title=_title(call),
                reference=item.submission.reference or "",
                reason=item.admissibility.reason or "—",
            )
    await replan_sheets(session, call, now=now)  # decided: no sheet is awaited any more
    await session.commit()
    return awards
