"""The demo's cast and its story so far, written straight into the demo database.

`ssp-bot demo` opens a chat page on the local stand-in; this module fills `data/demo.sqlite3` so
the page starts in the middle of a season rather than in an empty town: the seeded municipalities
and topics, a staff member and a commission member in Karakol, three NCOs with their leaders and
subscriptions, one open call, one closed call with two submitted applications, and one decided
call with two awards and their reports (bot/demo_story.py).

The cast and the open and closed calls are written directly with SQLModel (the bot's dialogues
have their own end-to-end tests); the closed call's receipt numbers come from the bot's counter,
so an application submitted in the demo gets the next one. The decided call is taken through
the bot's own selection and reporting functions (bot/demo_story.py). Running it again over the
same database changes nothing: the cast is only written once, keyed by the staff member's role.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.demo_story import write_decided_call
from bot.seed import DEFAULT_SEED_FILE, SeedFile, apply_seed, read_seed_file
from storage.db import Database
from storage.models import (
    Competition,
    Member,
    Municipality,
    Organization,
    StaffRole,
    Submission,
    Subscription,
    User,
)
from storage.queries.places import get_municipality, list_topics
from storage.queries.submissions import next_reference_number
from storage.types import utcnow

MUNICIPALITY = "karakol"


@dataclass(frozen=True)
class Persona:
    """Somebody the page lets you be: a Telegram user of the demo."""

    telegram_id: int
    first_name: str
    language: str  # the bot's language for them (and their Telegram app's)
    role: str  # shown under the name on the page
    organization: str | None = None
    inn: str | None = None
    topics: tuple[str, ...] | None = None  # subscribed Karakol topics; () = all topics


PERSONAS = (
    Persona(
        2001,
        "Aigerim",
        "ru",
        "NCO leader · ОФ «Мээрим»",
        organization="ОФ «Мээрим»",
        inn="02345678901234",
        topics=(),
    ),
    Persona(
        2002,
        "Bakyt",
        "ky",
        "NCO leader · ОБ «Жашыл Каракол»",
        organization="ОБ «Жашыл Каракол»",
        inn="03456789012345",
        topics=("homeless", "women"),
    ),
    Persona(
        2003,
        "Dinara",
        "en",
        "NCO leader · Association «Bright Future»",
        organization="Association «Bright Future»",
        inn="04567890123456",
        topics=("migrant-children",),
    ),
    Persona(2101, "Gulmira", "en", "Staff · Karakol Mayor's Office"),
    Persona(2102, "Azamat", "ru", "Commission member · Karakol"),
)
STAFF = {2101: "staff", 2102: "commission"}
STAFF_ID, COMMISSION_ID = 2101, 2102
OPEN_CALL_TITLE = {
    "en": "After-school support for children of labour migrants",
    "ru": "Продлёнка для детей трудовых мигрантов",
    "ky": "Эмгек мигранттарынын балдары үчүн продлёнка",
}
CLOSED_CALL_TITLE = {
    "en": "A shelter for women in difficult situations",
    "ru": "Приют для женщин в трудной ситуации",
    "ky": "Оор абалдагы аялдар үчүн баш калкалоочу жай",
}


@dataclass
class DemoDatabase:
    """What `prepare_demo_database` found or made."""

    seed: SeedFile
    created: bool  # the cast was written now (False: it was there from an earlier run)


@dataclass
class Cast:
    """What `_write_cast` wrote: ids by the personas' Telegram ids, topics by slug."""

    municipality_id: int
    topics: dict[str, int] = field(default_factory=dict)
    users: dict[int, int] = field(default_factory=dict)
    organizations: dict[int, int] = field(default_factory=dict)
    closed_call_id: int | None = None


async def prepare_demo_database(db: Database) -> DemoDatabase:
    """Seed municipalities and topics, then write the cast and the calls once."""
    seed = read_seed_file(DEFAULT_SEED_FILE)
    async with db.session() as session:
        await apply_seed(session, seed)
    async with db.session() as session:
        place = await get_municipality(session, slug=MUNICIPALITY)
        if place is None:
            raise LookupError(f"the seed file has no municipality {MUNICIPALITY!r}")
        existing = await session.exec(
            select(StaffRole).where(StaffRole.municipality_id == place.id)
        )
        if existing.first() is not None:
            return DemoDatabase(seed, created=False)
        now = utcnow()
        cast = await _write_cast(session, place.id, now)
    # In the order things happened: the decided call's applications came first.
    await write_decided_call(
        db,
        municipality_id=cast.municipality_id,
        topic_id=cast.topics["migrant-children"],
        users=cast.users,
        organizations=cast.organizations,
        staff=STAFF_ID,
        commission=COMMISSION_ID,
        now=now,
    )
    async with db.session() as session:
        await _closed_call_applications(session, cast, now)
    return DemoDatabase(seed, created=True)


async def _write_cast(session: AsyncSession, municipality_id: int, now: datetime) -> Cast:
    listed = await list_topics(session, municipality_id=municipality_id)
    topics = {topic.slug: topic.id for topic in listed}
    users: dict[int, User] = {}
    organizations: dict[int, Organization] = {}
    for persona in PERSONAS:
        user = User(telegram_id=persona.telegram_id, language=persona.language, consent_at=now)
        session.add(user)
        await session.flush()
        users[persona.telegram_id] = user
        if persona.telegram_id in STAFF:
            session.add(
                StaffRole(
                    user_id=user.id,
                    municipality_id=municipality_id,
                    role=STAFF[persona.telegram_id],
                )
            )
        if persona.organization:
            organization = Organization(
                name=persona.organization,
                legal_form="association"
                if persona.organization.startswith("Association")
                else "public_foundation",
                inn=persona.inn or "",
                municipality_id=municipality_id,
                phone=f"+99670{persona.telegram_id:07d}",
                description="Works with families in Karakol: day care, counselling, outreach.",
            )
            session.add(organization)
            await session.flush()
            organizations[persona.telegram_id] = organization
            session.add(
                Member(
                    user_id=user.id,
                    organization_id=organization.id,
                    display_name=persona.first_name,  # as in the members list (/profile)
                )
            )
        if persona.topics is not None:
            wanted = [None] if not persona.topics else [topics[slug] for slug in persona.topics]
            for topic_id in wanted:
                session.add(
                    Subscription(
                        user_id=user.id, municipality_id=municipality_id, topic_id=topic_id
                    )
                )

    staff_user = users[2101].id
    start = (now + timedelta(days=40)).date()
    open_call = Competition(
        municipality_id=municipality_id,
        topic_id=topics["migrant-children"],
        status="published",
        title=OPEN_CALL_TITLE,
        description={
            "en": "After-school groups, clubs and a psychologist for children whose parents "
            "work abroad.",
            "ru": "Продлёнка, кружки и психолог для детей, чьи родители работают за рубежом.",
            "ky": "Ата-энеси чет өлкөдө иштеген балдар үчүн продлёнка, ийримдер жана психолог.",
        },
        budget_total=600_000,
        max_per_project=300_000,
        projects_count=2,
        deadline_at=now + timedelta(days=14),
        period_start=start,
        period_end=start + timedelta(days=240),
        reporting={"kind": "quarterly"},
        eligibility=[
            {
                "key": "registered_nco",
                "text": {
                    "en": "Is your organization a registered NCO?",
                    "ru": "Ваша организация — зарегистрированная НКО?",
                    "ky": "Уюмуңуз катталган КЭУбу?",
                },
                "knockout": "no",
                "reason": {
                    "en": "Only registered NCOs may apply.",
                    "ru": "Подать заявку могут только зарегистрированные НКО.",
                    "ky": "Катталган КЭУлар гана арыз бере алат.",
                },
            }
        ],
        documents=[
            {
                "key": "application_form",
                "name": {"en": "Application form", "ru": "Заявка", "ky": "Арыз"},
                "required": True,
            },
            {
                "key": "budget",
                "name": {
                    "en": "Project budget",
                    "ru": "Бюджет проекта",
                    "ky": "Долбоордун бюджети",
                },
                "required": True,
            },
        ],
        criteria=[
            {"key": "relevance", "name": {"en": "Relevance", "ru": "Актуальность"}, "weight": 60},
            {"key": "budget", "name": {"en": "Budget", "ru": "Бюджет"}, "weight": 40},
        ],
        created_by_user_id=staff_user,
        published_at=now - timedelta(days=2),
    )
    closed_call = Competition(
        municipality_id=municipality_id,
        topic_id=topics["women"],
        status="closed",
        title=CLOSED_CALL_TITLE,
        description={
            "en": "Temporary shelter, legal and psychological help for women.",
            "ru": "Временный приют, юридическая и психологическая помощь женщинам.",
        },
        budget_total=500_000,
        max_per_project=250_000,
        projects_count=2,
        deadline_at=now - timedelta(days=3),
        period_start=start,
        period_end=start + timedelta(days=180),
        reporting={"kind": "final"},
        documents=[
            {"key": "application_form", "name": {"en": "Application form"}, "required": True}
        ],
        criteria=[{"key": "relevance", "name": {"en": "Relevance"}, "weight": 100}],
        created_by_user_id=staff_user,
        published_at=now - timedelta(days=30),
    )
    session.add(open_call)
    session.add(closed_call)
    await session.commit()
    return Cast(
        municipality_id,
        topics,
        {telegram_id: user.id for telegram_id, user in users.items()},
        {telegram_id: organization.id for telegram_id, organization in organizations.items()},
        closed_call.id,
    )


async def _closed_call_applications(session: AsyncSession, cast: Cast, now: datetime) -> None:
    """Aigerim's and Bakyt's applications to the closed call, numbered by the bot's receipt
    counter (what a submission in the demo takes its number from)."""
    place = await session.get(Municipality, cast.municipality_id)
    for number, leader in enumerate((2001, 2002), start=1):
        submitted_at = now - timedelta(days=7 - number)
        prefix = f"{place.code}-{submitted_at.year}-"
        receipt = await next_reference_number(session, prefix=prefix)
        session.add(
            Submission(
                competition_id=cast.closed_call_id,
                organization_id=cast.organizations[leader],
                status="submitted",
                eligibility={},
                answers={
                    "project_title": f"Safe place {number}",
                    "summary": "A safe place to stay for up to three months, with a lawyer and "
                    "a psychologist, for women leaving violence.",
                    "target_group": "Women victims of domestic violence",
                    "beneficiaries": 40 * number,
                    "requested_amount": 200_000 + 25_000 * number,
                    "duration_months": 6,
                    "co_financing": 10_000,
                },
                revision=3,
                reference=f"{prefix}{receipt:04d}",
                created_by_user_id=cast.users[leader],
                submitted_at=submitted_at,
            )
        )
    await session.commit()
