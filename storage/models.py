"""SQLModel tables. Telegram ids are 64-bit (BigInteger); times are aware UTC (UTCDateTime).

Tables arrive with the features that need them; Alembic migrations in storage/migrations
create them. Keep this module free of queries: those live in storage/queries/.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class User(SQLModel, table=True):
    """A Telegram user who has talked to the bot."""

    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int = Field(sa_column=Column(BigInteger, unique=True, nullable=False, index=True))
    # Chosen in /start or /language; None until the user picks one.
    language: str | None = Field(default=None, sa_column=Column(String(2), nullable=True))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    last_seen_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    # When the user agreed to the processing of personal data; nothing personal is kept before.
    consent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    # False once Telegram says the user blocked the bot: no broadcast or reminder targets them.
    is_active: bool = Field(
        default=True, sa_column=Column(Boolean, nullable=False, server_default=true())
    )
    # /stop: no calls or reminders until the user resumes.
    notifications_paused: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )


class Municipality(SQLModel, table=True):
    """A mayor's office or aiyl okmotu that buys social services; the tenant boundary."""

    __tablename__ = "municipalities"

    id: int | None = Field(default=None, primary_key=True)
    # Short stable name used in deep links and commands, e.g. "karakol".
    slug: str = Field(max_length=32, unique=True, index=True)
    name_ky: str = Field(max_length=200)
    name_ru: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    timezone: str = Field(default="Asia/Bishkek", max_length=64)
    # Three letters that start its receipt numbers, e.g. KRK-2026-0007 for Karakol.
    code: str = Field(default="SSP", max_length=8)
    # Its public Telegram channel, where published calls and priority polls are also posted
    # (set by staff with /channel once the bot is an administrator there). The id is what
    # counts; title and username are for showing it; posts are written in channel_language.
    channel_chat_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    channel_title: str | None = Field(default=None, max_length=128)
    channel_username: str | None = Field(default=None, max_length=32)
    channel_language: str | None = Field(default=None, max_length=2)
    # Set when Telegram says the bot may no longer post there (removed, demoted): nothing more
    # is queued for the channel until staff connect it again; the rest is kept to show them
    # what happened. The reason is a code, shown through "channel-lost-<reason>".
    channel_lost_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True)
    )
    channel_lost_reason: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )

    def name(self, language: str) -> str:
        return getattr(self, f"name_{language}", None) or self.name_en


class Topic(SQLModel, table=True):
    """A priority issue a municipality funds, such as waste or children with disabilities."""

    __tablename__ = "topics"
    __table_args__ = (UniqueConstraint("municipality_id", "slug"),)

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipalities.id", index=True)
    slug: str = Field(max_length=48)
    name_ky: str = Field(max_length=200)
    name_ru: str = Field(max_length=200)
    name_en: str = Field(max_length=200)

    def name(self, language: str) -> str:
        return getattr(self, f"name_{language}", None) or self.name_en


class Organization(SQLModel, table=True):
    """A non-commercial organization (NCO) that applies for social procurement."""

    __tablename__ = "organizations"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    # public_foundation, public_union, association or other (see bot/rules/profile.py)
    legal_form: str = Field(max_length=24)
    # Kyrgyz taxpayer number: 14 digits; one organization per number.
    inn: str = Field(max_length=14, unique=True, index=True)
    municipality_id: int = Field(foreign_key="municipalities.id", index=True)
    phone: str = Field(max_length=16)
    email: str | None = Field(default=None, max_length=254)
    description: str = Field(max_length=1000)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class Member(SQLModel, table=True):
    """A Telegram user acting for an organization; a user acts for at most one, an organization
    may have several (the one who registered it, and colleagues who joined by an invitation)."""

    __tablename__ = "members"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("users.id", ondelete="CASCADE"), unique=True, nullable=False
        )
    )
    organization_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("organizations.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    # The member's name in Telegram, shown to the organization's other members (members list).
    display_name: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class MemberInvitation(SQLModel, table=True):
    """A one-time link a member sends a colleague to join the organization (bot/members.py)."""

    __tablename__ = "member_invitations"

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(max_length=40, unique=True, index=True)
    organization_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("organizations.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    invited_by_user_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    used_by_user_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )


class Subscription(SQLModel, table=True):
    """Calls a user wants to hear about: a municipality, and one topic or (topic None) all."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("user_id", "municipality_id", "topic_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    municipality_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("municipalities.id", ondelete="CASCADE"), nullable=False
        )
    )
    topic_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("topics.id", ondelete="CASCADE"), nullable=True),
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class Dialogue(SQLModel, table=True):
    """Where a user is in a guided dialogue, committed at every step so a restart resumes it."""

    __tablename__ = "dialogues"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("users.id", ondelete="CASCADE"), unique=True, nullable=False
        )
    )
    name: str = Field(max_length=32)
    step: str = Field(max_length=32)
    # Answers given so far. Always assign a new dict: in-place changes are not tracked.
    data: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class StaffRole(SQLModel, table=True):
    """A user's role in one municipality: municipal_admin, staff or commission.

    Platform admins are not rows: they are listed in settings (PLATFORM_ADMIN_IDS)."""

    __tablename__ = "staff_roles"
    __table_args__ = (UniqueConstraint("user_id", "municipality_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    municipality_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("municipalities.id", ondelete="CASCADE"), nullable=False
        )
    )
    role: str = Field(max_length=24)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class Invitation(SQLModel, table=True):
    """A one-time link that makes whoever opens it staff of a municipality."""

    __tablename__ = "invitations"

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(max_length=40, unique=True, index=True)
    municipality_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("municipalities.id", ondelete="CASCADE"), nullable=False
        )
    )
    role: str = Field(max_length=24)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    used_by_user_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )


class Competition(SQLModel, table=True):
    """A call for proposals: draft -> published -> closed -> decided, or cancelled.

    Texts that staff write (title, description) are {language: text} for the languages given;
    the structured parts (questions, documents, criteria, reporting) are JSON documents whose
    shape bot/rules/competition.py defines and validates."""

    __tablename__ = "competitions"

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(
        sa_column=Column(Integer, ForeignKey("municipalities.id"), index=True, nullable=False)
    )
    topic_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("topics.id"), nullable=True)
    )
    status: str = Field(default="draft", max_length=16, index=True)
    title: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    description: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    budget_total: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    max_per_project: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    projects_count: int | None = None
    deadline_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    period_start: date | None = None
    period_end: date | None = None
    eligibility: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    documents: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    criteria: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    reporting: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Bumped by every amendment after publication; shown on the card.
    version: int = 1
    created_by_user_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    # Set by every write through SQLAlchemy (onupdate), even one that forgets it: the process's
    # cache of calls (storage/call_cache.py) knows a call has changed by it.
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(UTCDateTime, nullable=False, onupdate=utcnow),
    )
    published_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True)
    )
    cancelled_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True)
    )


class CompetitionAmendment(SQLModel, table=True):
    """One published change to a competition (a new deadline, a cancellation), kept for the card."""

    __tablename__ = "competition_amendments"

    id: int | None = Field(default=None, primary_key=True)
    competition_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("competitions.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    version: int
    kind: str = Field(max_length=24)  # deadline, cancellation
    # What changed, e.g. {"deadline_at": [old ISO, new ISO]} or {"reason": "..."}.
    changes: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_by_user_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class Broadcast(SQLModel, table=True):
    """One message to many: a published call, an amendment, a cancellation, an announcement.
    Its deliveries are outbox rows; counts are derived from their statuses."""

    __tablename__ = "broadcasts"

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(
        sa_column=Column(Integer, ForeignKey("municipalities.id"), index=True, nullable=False)
    )
    competition_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("competitions.id", ondelete="SET NULL"), nullable=True
        ),
    )
    kind: str = Field(max_length=24)
    # The staff member to tell the final counts to (their Telegram chat).
    report_chat_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    created_by_user_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class OutboxMessage(SQLModel, table=True):
    """One message to one chat, waiting to be sent by the outbox sender.

    queued -> sending (claimed) -> sent | failed | blocked. A row left in "sending" by a crash
    goes back to queued after a while: at most the messages in flight can arrive twice."""

    __tablename__ = "outbox"
    __table_args__ = (UniqueConstraint("dedupe_key"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    user_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )
    broadcast_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("broadcasts.id", ondelete="CASCADE"), index=True, nullable=True
        ),
    )
    # Enqueuing the same key twice is a no-op (e.g. "b12:u345": broadcast 12 to user 345).
    dedupe_key: str | None = Field(default=None, max_length=64)
    text: str = Field(sa_column=Column(Text, nullable=False))
    # Telegram reply_markup as JSON (inline keyboard), or None.
    reply_markup: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    status: str = Field(default="queued", max_length=12, index=True)
    attempts: int = 0
    next_attempt_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False, index=True)
    )
    claimed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    telegram_message_id: int | None = Field(
        default=None, sa_column=Column(BigInteger, nullable=True)
    )
    last_error: str | None = Field(default=None, max_length=300)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class Submission(SQLModel, table=True):
    """An NCO's application to one competition: draft -> submitted (-> withdrawn -> submitted
    again) -> under review -> shortlisted / awarded / rejected.

    `revision` grows with every saved change; a save that names an older revision is refused, so
    two members of one NCO editing at once never silently erase each other's answers."""

    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("competition_id", "organization_id"),)

    id: int | None = Field(default=None, primary_key=True)
    competition_id: int = Field(
        sa_column=Column(Integer, ForeignKey("competitions.id"), index=True, nullable=False)
    )
    organization_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False
        )
    )
    status: str = Field(default="draft", max_length=16, index=True)
    # {question key: "yes" | "no"} for the call's eligibility questions.
    eligibility: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # {form field: value}: project title, summary, target group, beneficiaries, amount, ...
    answers: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    revision: int = 1
    # Started, submitted or withdrawn since its organization's reminders were last planned: the
    # reminder worker re-plans them (bot/reminders.replan_changed_applications) and clears it.
    reminders_stale: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    # Receipt number such as KRK-2026-0007, given at the first submission.
    reference: str | None = Field(default=None, max_length=24, unique=True)
    created_by_user_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    submitted_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True)
    )
    withdrawn_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True)
    )


# The reminder worker looks for marked applications every few seconds: a partial index holds
# only those, so the look costs nothing however many applications there are.
Index(
    "ix_submissions_reminders_stale",
    Submission.__table__.c.reminders_stale,
    postgresql_where=Submission.__table__.c.reminders_stale,
    sqlite_where=Submission.__table__.c.reminders_stale,
)


class SubmissionDocument(SQLModel, table=True):
    """A file attached to a submission, for one of the call's required documents. Several photos
    of one paper document share a requirement and keep their order (`position`)."""

    __tablename__ = "submission_documents"

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("submissions.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    requirement: str = Field(max_length=48)
    position: int = 1
    telegram_file_id: str = Field(max_length=255)
    telegram_file_unique_id: str = Field(max_length=64)
    file_name: str = Field(default="", max_length=255)
    kind: str = Field(max_length=8)  # pdf, docx, xlsx, odt, jpeg, png
    mime_type: str = Field(max_length=100)
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    sha256: str = Field(max_length=64, index=True)
    uploaded_by_user_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class Clarification(SQLModel, table=True):
    """A question an NCO asked about a call, and the staff's answer. Answered questions form the
    call's public Q&A, without the asker's name."""

    __tablename__ = "clarifications"

    id: int | None = Field(default=None, primary_key=True)
    competition_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("competitions.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    asked_by_user_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )
    question: str = Field(sa_column=Column(Text, nullable=False))
    answer: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    answered_by_user_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    answered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


# -- selection: audit log, admissibility, commission reviews, outcomes and awards -------------


class AuditEvent(SQLModel, table=True):
    """Who did what, when: one row per decision step (append-only; never updated or deleted).

    `subject` names what the step acted on, e.g. "submission:12" or "user:7"; `details` holds
    the step's values (a reason, an amount, a score sheet)."""

    __tablename__ = "audit_events"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False, index=True)
    )
    actor_user_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )
    municipality_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("municipalities.id"), index=True, nullable=True),
    )
    competition_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("competitions.id", ondelete="SET NULL"), index=True, nullable=True
        ),
    )
    action: str = Field(max_length=48)
    subject: str | None = Field(default=None, max_length=64)
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Admissibility(SQLModel, table=True):
    """Staff's admissibility decision on a submission after the deadline: admitted or not, and
    why. Changing it rewrites the row (the audit log keeps the history)."""

    __tablename__ = "admissibility"

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("submissions.id", ondelete="CASCADE"), unique=True, nullable=False
        )
    )
    admitted: bool = Field(sa_column=Column(Boolean, nullable=False))
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    decided_by_user_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )
    decided_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class CommissionAssignment(SQLModel, table=True):
    """A commission member assigned to score a call; `sheet_submitted_at` locks their scores."""

    __tablename__ = "commission_assignments"
    __table_args__ = (UniqueConstraint("competition_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    competition_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("competitions.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    assigned_by_user_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )
    assigned_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    sheet_submitted_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True)
    )


class Review(SQLModel, table=True):
    """One commission member's review of one submission: the conflict-of-interest declaration
    ("none" or "recused") and, unless recused, a score and optional comment per criterion."""

    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("submission_id", "member_user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    competition_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("competitions.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    submission_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("submissions.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    member_user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    )
    conflict: str = Field(max_length=12)  # none, recused
    # {criterion key: score}, {criterion key: comment}. Always assign new dicts.
    scores: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    comments: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    declared_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class Outcome(SQLModel, table=True):
    """Staff's decision on an admitted submission before publication: winner (with the awarded
    amount), reserve or rejected, with the commission's reason."""

    __tablename__ = "outcomes"

    id: int | None = Field(default=None, primary_key=True)
    competition_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("competitions.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    submission_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("submissions.id", ondelete="CASCADE"), unique=True, nullable=False
        )
    )
    outcome: str = Field(max_length=12)  # winner, reserve, rejected
    amount: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    decided_by_user_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )
    decided_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class Award(SQLModel, table=True):
    """The decision to fund a submission, made when the decision is published: the amount, the
    contract period and the reporting schedule's definition copied from the call (`reporting`,
    e.g. {"kind": "quarterly"}); its report-due rows (bot/reporting.py) are created with it."""

    __tablename__ = "awards"

    id: int | None = Field(default=None, primary_key=True)
    competition_id: int = Field(
        sa_column=Column(Integer, ForeignKey("competitions.id"), index=True, nullable=False)
    )
    submission_id: int = Field(
        sa_column=Column(Integer, ForeignKey("submissions.id"), unique=True, nullable=False)
    )
    organization_id: int = Field(
        sa_column=Column(Integer, ForeignKey("organizations.id"), index=True, nullable=False)
    )
    amount: int = Field(sa_column=Column(BigInteger, nullable=False))
    contract_start: date
    contract_end: date
    reporting: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_by_user_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class Poll(SQLModel, table=True):
    """A priority poll: a municipality asks its subscribers which problems matter most.

    kind "choose": tick several options; "rank": put options in order of priority.
    open -> closed (at `closes_at`, by the poll job); results go to the participants once."""

    __tablename__ = "polls"

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("municipalities.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    kind: str = Field(max_length=8)
    question: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="open", max_length=8, index=True)
    closes_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    # The broadcast that carried the poll: its outbox rows say who received it.
    broadcast_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("broadcasts.id", ondelete="SET NULL"), nullable=True),
    )
    # The channel the poll was also posted to: its readers may answer through the bot.
    channel_chat_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    created_by_user_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class PollOption(SQLModel, table=True):
    """One option of a poll: one of the municipality's topics, or a new issue staff proposed
    (text; it becomes a topic when staff create one from the results)."""

    __tablename__ = "poll_options"

    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("polls.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    position: int = 0
    topic_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("topics.id", ondelete="SET NULL"), nullable=True),
    )
    text: str | None = Field(default=None, max_length=200)


class PollAnswer(SQLModel, table=True):
    """One user's answer to one poll: option ids (in order of priority for a ranking).

    A draft (submitted_at None) while the user ticks; once submitted it is final."""

    __tablename__ = "poll_answers"
    __table_args__ = (UniqueConstraint("poll_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("polls.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    )
    choices: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    submitted_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True)
    )


class DigestPreference(SQLModel, table=True):
    """When a consultant wants the weekly monitoring digest: a weekday (0 Monday) and an hour
    in the platform's time zone; weekday None: no digest. `last_sent_for` is the local date of
    the last digest queued, so a digest goes out once a week however often the job runs."""

    __tablename__ = "digest_preferences"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("users.id", ondelete="CASCADE"), unique=True, nullable=False
        )
    )
    weekday: int | None = None
    hour: int | None = None
    last_sent_for: date | None = None


class ReceiptCounter(SQLModel, table=True):
    """The last receipt number given per prefix ("KRK-2026-"): the next Submit takes
    `last + 1` by one atomic UPDATE, so NCOs submitting at the same moment never race."""

    __tablename__ = "receipt_counters"

    prefix: str = Field(primary_key=True, max_length=16)
    last: int = Field(default=0, sa_column=Column(Integer, nullable=False))


class Reminder(SQLModel, table=True):
    """A message due at a moment for one user, derived from the facts (bot/rules/reminders.py)
    and re-derived when they change; sent by the reminder worker through the outbox.

    pending -> claimed (a worker holds it until `lease_until`) -> sent | missed | cancelled.
    `key` is unique: deriving the same reminder twice, or two workers handling it, can never
    make two rows (nor, as the outbox row reuses the key, two messages)."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("key"),)

    id: int | None = Field(default=None, primary_key=True)
    # e.g. "dl:c12:v2:u34:draft-7d": call 12 at version 2, user 34, the 7-day draft reminder.
    key: str = Field(max_length=64)
    # deadline-draft, deadline-subscriber, report-due, report-overdue, report-escalation
    kind: str = Field(max_length=24)
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    competition_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("competitions.id", ondelete="CASCADE"), index=True, nullable=True
        ),
    )
    submission_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("submissions.id", ondelete="CASCADE"), nullable=True),
    )
    # For report reminders: the report they are about.
    report_due_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("report_dues.id", ondelete="CASCADE"), index=True, nullable=True
        ),
    )
    # The moment the reminder is about (the deadline, a report's due date).
    event_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    due_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    # The last reminder before the event: never moved by quiet hours.
    is_last: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    status: str = Field(default="pending", max_length=12)
    # Claims so far; also the claim's token: a worker settles only the claim it made.
    attempts: int = 0
    lease_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    claimed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    # Why it ended as it did: sent, deadline-passed, daily-cap, muted, paused, stale, ...
    note: str | None = Field(default=None, max_length=32)
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


# The worker's claim reads "pending and due by now" in due order: this index makes its cost
# grow with the number due, not the number pending.
Index("ix_reminders_status_due_at", Reminder.__table__.c.status, Reminder.__table__.c.due_at)


class ReminderMute(SQLModel, table=True):
    """A user who asked for no more reminders about one call."""

    __tablename__ = "reminder_mutes"
    __table_args__ = (UniqueConstraint("user_id", "competition_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    )
    competition_id: int = Field(
        sa_column=Column(Integer, ForeignKey("competitions.id", ondelete="CASCADE"), nullable=False)
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class ReminderSettings(SQLModel, table=True):
    """A municipality's own reminder rules, overriding the defaults of bot/rules/reminders.py
    (e.g. {"draft_offsets_hours": [168, 48, 3], "quiet_start": "21:00"})."""

    __tablename__ = "reminder_settings"

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("municipalities.id", ondelete="CASCADE"),
            unique=True,
            nullable=False,
        )
    )
    rules: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


# -- reporting: what an award owes, and what the NCO filed --------------------------------------


class ReportDue(SQLModel, table=True):
    """One report an award owes (bot/rules/reporting.py derives the schedule), with what the NCO
    filed for it and the staff's review.

    due -> filed -> accepted, or filed -> changes_requested -> filed again. "Overdue" is not
    stored: a report due (or sent back) after `due_at` is overdue. An extension moves `due_at`
    and appends {"from", "to", "reason", "by", "at"} to `extensions` (also in the audit log).
    `revision` counts the filings; the files of each filing keep its number."""

    __tablename__ = "report_dues"
    __table_args__ = (UniqueConstraint("award_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    award_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("awards.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    # The award's call, kept here for the per-call table and the reminders.
    competition_id: int = Field(
        sa_column=Column(Integer, ForeignKey("competitions.id"), index=True, nullable=False)
    )
    number: int
    kind: str = Field(max_length=12)  # periodic, final
    period_start: date
    period_end: date
    due_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    status: str = Field(default="due", max_length=20, index=True)
    # Always assign a new list: in-place changes are not tracked.
    extensions: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # What the NCO filed (the latest filing).
    done_text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    beneficiaries: int | None = None
    spent: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    revision: int = 0
    filed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    filed_by_user_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )
    # The staff's last review: their comment when they asked for changes.
    review_comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    reviewed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    reviewed_by_user_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class ReportFile(SQLModel, table=True):
    """A document or photo attached to a report, checked like application documents (by its
    bytes). Photos may carry the location the NCO shared with them."""

    __tablename__ = "report_files"

    id: int | None = Field(default=None, primary_key=True)
    report_due_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("report_dues.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    # The filing (ReportDue.revision + 1 while it is being prepared) it was sent with.
    revision: int = 1
    category: str = Field(max_length=8)  # document, photo
    position: int = 1
    telegram_file_id: str = Field(max_length=255)
    telegram_file_unique_id: str = Field(max_length=64)
    file_name: str = Field(default="", max_length=255)
    kind: str = Field(max_length=8)  # pdf, docx, xlsx, odt, jpeg, png
    mime_type: str = Field(max_length=100)
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    sha256: str = Field(max_length=64, index=True)
    latitude: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    longitude: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    uploaded_by_user_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
