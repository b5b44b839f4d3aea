"""Steps that many end-to-end tests share, written as a user would take them."""

from __future__ import annotations

import asyncio

from bot.i18n import t
from sandbox import BotEvent, SandboxUser
from storage.db import Database
from storage.models import Dialogue, Organization, Subscription, User
from storage.queries.dialogues import get_dialogue
from storage.queries.organizations import organization_of
from storage.queries.subscriptions import subscriptions_of
from storage.queries.users import get_user

# How long the bot must stay silent before a step counts as answered in full.
QUIET = 0.3

DESCRIPTION = "Помогаем детям трудовых мигрантов в Караколе учиться, заниматься спортом и отдыхать."


async def settle(
    user: SandboxUser, *, messages: int = 1, answers: int = 0, edits: int = 0, timeout: float = 10
) -> list[BotEvent]:
    """The bot's events after an action: wait until at least the expected messages, callback
    answers and edits have arrived (however slow the machine), then until it falls quiet."""
    wanted = {"message": messages, "callback_answer": answers, "edit": edits}
    events: list[BotEvent] = []
    deadline = asyncio.get_running_loop().time() + timeout

    def missing() -> bool:
        return any(sum(e.kind == kind for e in events) < n for kind, n in wanted.items())

    while missing():
        remaining = deadline - asyncio.get_running_loop().time()
        events.append(await user.next_reply(timeout=max(remaining, 0.01)))
    events += await user.replies_until_quiet(quiet=QUIET, timeout=QUIET, allow_empty=True)
    return events


def messages(events: list[BotEvent]) -> list[BotEvent]:
    """Only the new messages among the bot's events (not edits or callback answers)."""
    return [event for event in events if event.kind == "message"]


async def onboard(user: SandboxUser, language: str) -> None:
    """/start and pick `language`."""
    await user.send("/start")
    picker = await user.next_reply()
    await user.click_data(picker.message_id, f"lang:{language}")
    await settle(user)


async def agree_to_consent(user: SandboxUser, language: str) -> list[BotEvent]:
    consent = await user.next_reply()
    assert consent.text == _plain(t(language, "consent-text"))
    await user.click(t(language, "consent-yes"), message_id=consent.message_id)
    # The consent is confirmed, then what it unlocked follows: at least two messages.
    return messages(await settle(user, messages=2))


async def answer(user: SandboxUser, text: str) -> list[BotEvent]:
    await user.send(text)
    return messages(await settle(user))


async def choose(user: SandboxUser, label: str) -> list[BotEvent]:
    await user.click(label)
    return messages(await settle(user))


async def save_profile(user: SandboxUser, language: str) -> list[BotEvent]:
    """Press Save on the summary; waits for both replies ("saved" and the organization card)."""
    await user.click(t(language, "profile-save"))
    return messages(await settle(user, messages=2))


async def fill_profile(
    user: SandboxUser, language: str, *, inn: str = "01234567890123"
) -> list[BotEvent]:
    """From the menu button to the summary; returns the summary's events."""
    await user.send(t(language, "menu-profile"))
    await agree_to_consent(user, language)
    await answer(user, "ОФ «Балдарга Тирек»")
    await choose(user, t(language, "legal-form-public_foundation"))
    await answer(user, inn)
    await choose(user, _karakol(language))
    await user.share_contact("996700123456")
    await settle(user)
    await answer(user, t(language, "dialogue-skip"))
    return await answer(user, DESCRIPTION)


def _karakol(language: str) -> str:
    return {"ky": "Каракол шаарынын мэриясы", "ru": "Мэрия города Каракол"}.get(
        language, "Karakol Mayor's Office"
    )


def _plain(html: str) -> str:
    import re

    return re.sub(r"<[^>]+>", "", html)


async def user_row(db: Database, telegram_id: int) -> User | None:
    async with db.session() as session:
        return await get_user(session, telegram_id=telegram_id)


async def dialogue_of(db: Database, telegram_id: int) -> Dialogue | None:
    async with db.session() as session:
        user = await get_user(session, telegram_id=telegram_id)
        return await get_dialogue(session, user_id=user.id) if user else None


async def organization_row(db: Database, telegram_id: int) -> Organization | None:
    async with db.session() as session:
        user = await get_user(session, telegram_id=telegram_id)
        return await organization_of(session, user_id=user.id) if user else None


async def subscription_rows(db: Database, telegram_id: int) -> list[Subscription]:
    async with db.session() as session:
        user = await get_user(session, telegram_id=telegram_id)
        return await subscriptions_of(session, user_id=user.id) if user else []


karakol_name = _karakol
plain = _plain


async def make_staff(db: Database, telegram_id: int, slug: str, role: str = "staff") -> None:
    """Give a user a role directly (the invitation flow has its own tests)."""
    from storage.models import StaffRole
    from storage.queries.places import get_municipality
    from storage.queries.users import get_or_create_user, set_language

    async with db.session() as session:
        user, _ = await get_or_create_user(session, telegram_id=telegram_id)
        await set_language(session, telegram_id=telegram_id, language="en")
        place = await get_municipality(session, slug=slug)
        session.add(StaffRole(user_id=user.id, municipality_id=place.id, role=role))
        await session.commit()


async def subscribe(
    db: Database, telegram_id: int, slug: str, topic_slug: str | None = None, language: str = "en"
) -> None:
    """A consenting subscriber of a municipality (all topics, or one), made directly."""
    from storage.queries.places import get_municipality, list_topics
    from storage.queries.subscriptions import set_all_topics, set_topics
    from storage.queries.users import get_or_create_user, record_consent, set_language

    async with db.session() as session:
        user, _ = await get_or_create_user(session, telegram_id=telegram_id)
        await set_language(session, telegram_id=telegram_id, language=language)
        await record_consent(session, user=user)
        place = await get_municipality(session, slug=slug)
        if topic_slug is None:
            await set_all_topics(session, user_id=user.id, municipality_id=place.id)
        else:
            topics = {t.slug: t.id for t in await list_topics(session, municipality_id=place.id)}
            await set_topics(
                session, user_id=user.id, municipality_id=place.id, topic_ids={topics[topic_slug]}
            )


async def published_call(
    db: Database, slug: str, topic_slug: str, title: str, *, status: str = "published"
):
    """A complete call made directly in the database (the wizard has its own tests)."""
    from datetime import timedelta

    from storage.models import Competition
    from storage.queries.places import get_municipality, list_topics
    from storage.types import utcnow

    async with db.session() as session:
        place = await get_municipality(session, slug=slug)
        topics = {t.slug: t.id for t in await list_topics(session, municipality_id=place.id)}
        start = (utcnow() + timedelta(days=40)).date()
        call = Competition(
            municipality_id=place.id,
            topic_id=topics[topic_slug],
            status=status,
            title={"en": title, "ru": title + " (ru)", "ky": title + " (ky)"},
            description={"en": "A description long enough for the card."},
            budget_total=400_000,
            max_per_project=200_000,
            projects_count=2,
            deadline_at=utcnow() + timedelta(days=14),
            period_start=start,
            period_end=start + timedelta(days=200),
            reporting={"kind": "quarterly"},
            documents=[{"key": "charter", "name": {"en": "Charter"}, "required": True}],
            criteria=[{"key": "relevance", "name": {"en": "Relevance"}, "weight": 100}],
            published_at=utcnow() if status != "draft" else None,
        )
        session.add(call)
        await session.commit()
        await session.refresh(call)
        return call


async def add_member(db: Database, telegram_id: int, organization_id: int, language: str) -> None:
    """A consenting user made a member of an organization directly (joining by an invitation
    link has its own tests, tests/test_e2e_members.py)."""
    from storage.models import Member
    from storage.queries.users import get_or_create_user, record_consent, set_language

    async with db.session() as session:
        user, _ = await get_or_create_user(session, telegram_id=telegram_id)
        await set_language(session, telegram_id=telegram_id, language=language)
        await record_consent(session, user=user)
        session.add(Member(user_id=user.id, organization_id=organization_id))
        await session.commit()
