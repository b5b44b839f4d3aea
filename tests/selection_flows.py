"""Setting the scene for selection tests: a call whose deadline has passed, NCOs that applied to
it (with documents), commission members. Made directly in the database; the application flow
has its own end-to-end tests."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from storage.db import Database
from storage.files import FileStore
from storage.models import (
    Competition,
    Member,
    Organization,
    StaffRole,
    Submission,
    SubmissionDocument,
    User,
)
from storage.queries.places import get_municipality, list_topics
from storage.types import utcnow
from tests import samples

CRITERIA = [
    {"key": "relevance", "name": {"en": "Relevance", "ru": "Актуальность"}, "weight": 60},
    {"key": "capacity", "name": {"en": "Capacity", "ru": "Потенциал"}, "weight": 40, "max": 5},
]
DOCUMENTS = [
    {"key": "application_form", "name": {"en": "Application form"}, "required": True},
    {"key": "budget", "name": {"en": "Project budget"}, "required": True},
]


async def closed_call(
    db: Database, slug: str = "karakol", *, budget: int = 400_000, title: str = "Youth centres"
) -> Competition:
    """A published call whose deadline passed yesterday."""
    async with db.session() as session:
        place = await get_municipality(session, slug=slug)
        topic = (await list_topics(session, municipality_id=place.id))[0]
        start = (utcnow() + timedelta(days=20)).date()
        call = Competition(
            municipality_id=place.id,
            topic_id=topic.id,
            status="published",
            title={"en": title, "ru": title + " (ru)", "ky": title + " (ky)"},
            description={"en": "Youth centres in every district of the town."},
            budget_total=budget,
            max_per_project=250_000,
            projects_count=2,
            deadline_at=utcnow() - timedelta(days=1),
            period_start=start,
            period_end=start + timedelta(days=180),
            reporting={"kind": "quarterly"},
            eligibility=[],
            documents=DOCUMENTS,
            criteria=CRITERIA,
            published_at=utcnow() - timedelta(days=20),
        )
        session.add(call)
        await session.commit()
        await session.refresh(call)
        return call


@dataclass
class Applicant:
    telegram_id: int
    language: str
    submission_id: int
    reference: str
    organization_id: int


async def applicant(
    db: Database,
    call: Competition,
    *,
    telegram_id: int,
    language: str,
    number: int,
    requested: int,
    documents: list[tuple[str, str, bytes]] | None = None,
    name: str | None = None,
) -> Applicant:
    """An NCO (organization, leader, submitted application). `documents`: (requirement,
    Telegram file id, bytes); the bytes also go to the file store when `store` is given."""
    async with db.session() as session:
        user = User(telegram_id=telegram_id, language=language, consent_at=utcnow())
        session.add(user)
        await session.flush()
        organization = Organization(
            name=name or f"NCO number {number}",
            legal_form="public_foundation",
            inn=f"{number:014d}",
            municipality_id=call.municipality_id,
            phone=f"+99670000{number:04d}",
            email=f"nco{number}@example.org",
            description="An organization working with young people.",
        )
        session.add(organization)
        await session.flush()
        session.add(Member(user_id=user.id, organization_id=organization.id))
        reference = f"KRK-{utcnow().year}-{number:04d}"
        submission = Submission(
            competition_id=call.id,
            organization_id=organization.id,
            status="submitted",
            answers={
                "project_title": f"Youth centre {number}",
                "summary": "A youth centre with clubs, sports and support for teenagers." * 2,
                "target_group": "Teenagers aged 12-18",
                "beneficiaries": 100 + number,
                "requested_amount": requested,
                "duration_months": 6,
                "co_financing": 0,
            },
            reference=reference,
            submitted_at=utcnow() - timedelta(days=2),
            created_by_user_id=user.id,
        )
        session.add(submission)
        await session.flush()
        for position, (requirement, file_id, data) in enumerate(documents or [], start=1):
            session.add(
                SubmissionDocument(
                    submission_id=submission.id,
                    requirement=requirement,
                    position=position,
                    telegram_file_id=file_id,
                    telegram_file_unique_id=f"u{number}-{position}",
                    file_name=f"{requirement}-{number}.pdf",
                    kind="pdf",
                    mime_type="application/pdf",
                    size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(),
                    uploaded_by_user_id=user.id,
                )
            )
        await session.commit()
        return Applicant(telegram_id, language, submission.id, reference, organization.id)


def pdf(number: int) -> bytes:
    """A distinct small PDF."""
    return samples.PDF + f"\n% document {number}\n".encode()


def store_file(root: Path, data: bytes) -> None:
    FileStore(root).save(data, hashlib.sha256(data).hexdigest(), "pdf")


async def role(db: Database, telegram_id: int, slug: str, name: str, language: str = "en") -> int:
    """A user with a role in a municipality; returns the user's id."""
    from storage.queries.users import get_or_create_user, set_language

    async with db.session() as session:
        user, _ = await get_or_create_user(session, telegram_id=telegram_id)
        await set_language(session, telegram_id=telegram_id, language=language)
        place = await get_municipality(session, slug=slug)
        session.add(StaffRole(user_id=user.id, municipality_id=place.id, role=name))
        await session.commit()
        return user.id
