"""A call's selection as plain data, read from the database once (async), so that the export
builders (XLSX, ZIP, OCDS, CSV) can run in a thread without touching the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import selection
from storage.models import Competition, Municipality, Topic, User
from storage.queries import selection as queries


@dataclass(frozen=True)
class DocumentRow:
    requirement: str
    position: int
    file_name: str
    kind: str
    mime_type: str
    size: int
    sha256: str


@dataclass
class SubmissionRow:
    id: int
    reference: str
    organization: str
    organization_inn: str
    submitted_at: datetime | None
    answers: dict
    problems: list[str]
    admitted: bool | None  # None: not decided
    admissibility_reason: str | None
    documents: list[DocumentRow]
    # {member label: {criterion key: score}}; recused members are listed apart
    scores: dict[str, dict[str, int]] = field(default_factory=dict)
    comments: dict[str, dict[str, str]] = field(default_factory=dict)
    recused: list[str] = field(default_factory=list)
    score: float | None = None
    position: int | None = None
    cumulative: int | None = None
    within_budget: bool | None = None
    outcome: str | None = None  # winner, reserve, rejected
    amount: int | None = None
    reason: str | None = None

    @property
    def requested(self) -> int:
        return int(self.answers.get("requested_amount") or 0)


@dataclass(frozen=True)
class AwardRow:
    id: int
    submission_id: int
    reference: str
    organization: str
    organization_inn: str
    amount: int
    contract_start: date
    contract_end: date
    created_at: datetime
    project_title: str


@dataclass
class CallExport:
    id: int
    status: str
    title: dict[str, str]
    description: dict[str, str]
    municipality_slug: str
    municipality_names: dict[str, str]
    municipality_code: str
    timezone: str
    topic: dict[str, str]
    budget_total: int
    max_per_project: int | None
    deadline_at: datetime | None
    published_at: datetime | None
    period_start: date | None
    period_end: date | None
    criteria: list[dict]
    documents_required: list[dict]
    submissions: list[SubmissionRow]
    awards: list[AwardRow]
    decided_at: datetime | None


def member_label(user: User) -> str:
    """How a commission member is named in exports for staff (never in open data)."""
    return f"#{user.telegram_id}"


async def gather(session: AsyncSession, *, call: Competition) -> CallExport:
    """Everything the exports show, in a handful of queries."""
    place = await session.get(Municipality, call.municipality_id)
    topic = await session.get(Topic, call.topic_id) if call.topic_id else None
    screened = await selection.screening(session, call=call)
    ids = [item.submission.id for item in screened]
    documents = await queries.documents_of_many(session, submission_ids=ids)
    rows: dict[int, SubmissionRow] = {}
    for item in screened:
        submission = item.submission
        rows[submission.id] = SubmissionRow(
            id=submission.id,
            reference=submission.reference or "",
            organization=item.organization.name,
            organization_inn=item.organization.inn,
            submitted_at=submission.submitted_at,
            answers=dict(submission.answers),
            problems=list(item.problems),
            admitted=None if item.admissibility is None else item.admissibility.admitted,
            admissibility_reason=item.admissibility.reason if item.admissibility else None,
            documents=[
                DocumentRow(
                    d.requirement, d.position, d.file_name, d.kind, d.mime_type, d.size, d.sha256
                )
                for d in documents[submission.id]
            ],
        )
    users = {}
    submitted = {
        a.user_id
        for a in await queries.assignments_of(session, competition_id=call.id)
        if a.sheet_submitted_at is not None
    }
    for review in await queries.reviews_of(session, competition_id=call.id):
        row = rows.get(review.submission_id)
        if row is None:
            continue
        if review.member_user_id not in users:
            users[review.member_user_id] = await session.get(User, review.member_user_id)
        label = member_label(users[review.member_user_id])
        if review.conflict == "recused":
            row.recused.append(label)
        elif review.member_user_id in submitted:
            row.scores[label] = dict(review.scores)
            row.comments[label] = dict(review.comments)
    for ranked in await selection.ranking(session, call=call):
        row = rows[ranked.submission_id]
        row.score, row.position = ranked.score, ranked.position
        row.cumulative, row.within_budget = ranked.cumulative, ranked.within_budget
    for submission_id, outcome in (
        await queries.outcomes_of(session, competition_id=call.id)
    ).items():
        if submission_id in rows:
            row = rows[submission_id]
            row.outcome, row.amount, row.reason = outcome.outcome, outcome.amount, outcome.reason
    awards = [
        AwardRow(
            award.id,
            award.submission_id,
            rows[award.submission_id].reference if award.submission_id in rows else "",
            rows[award.submission_id].organization if award.submission_id in rows else "",
            rows[award.submission_id].organization_inn if award.submission_id in rows else "",
            award.amount,
            award.contract_start,
            award.contract_end,
            award.created_at,
            str(rows[award.submission_id].answers.get("project_title", ""))
            if award.submission_id in rows
            else "",
        )
        for award in await queries.awards_of(session, competition_id=call.id)
    ]
    return CallExport(
        id=call.id,
        status=call.status,
        title=dict(call.title),
        description=dict(call.description),
        municipality_slug=place.slug,
        municipality_names={"ky": place.name_ky, "ru": place.name_ru, "en": place.name_en},
        municipality_code=place.code,
        timezone=place.timezone,
        topic=({"ky": topic.name_ky, "ru": topic.name_ru, "en": topic.name_en} if topic else {}),
        budget_total=call.budget_total or 0,
        max_per_project=call.max_per_project,
        deadline_at=call.deadline_at,
        published_at=call.published_at,
        period_start=call.period_start,
        period_end=call.period_end,
        criteria=[dict(item) for item in call.criteria],
        documents_required=[dict(item) for item in call.documents],
        submissions=sorted(
            rows.values(), key=lambda r: (r.position is None, r.position or 0, r.reference)
        ),
        awards=awards,
        decided_at=max((a.created_at for a in awards), default=None)
        if call.status == "decided"
        else None,
    )
