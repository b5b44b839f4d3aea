"""Publishing a call, amending or cancelling it, and announcements: each changes the records and
writes one outbox row per recipient in the same transaction, so a broadcast is never half-made.
The outbox sender (bot/outbox.py) delivers the rows at Telegram's limits.

A municipality with a channel (bot/channels.py) also gets the published call posted there, with
a button that opens it in the bot, and the call's later changes posted to the same channel."""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import channels
from bot.cards import competition_card
from bot.formatting import localized, moment
from bot.i18n import Markup, t
from bot.reminders import replan_call
from bot.rules.competition import missing_for_publication
from bot.rules.deeplinks import competition_payload, link
from bot.rules.validation import Invalid
from bot.settings import LANGUAGES
from storage.models import Broadcast, Competition, CompetitionAmendment, Municipality, Topic
from storage.queries.audience import Recipient, received_competition, subscribers
from storage.queries.clarifications import applicants_of
from storage.queries.competitions import amendments_of
from storage.queries.outbox import enqueue_many


async def _start_broadcast(
    session: AsyncSession,
    *,
    kind: str,
    municipality_id: int,
    competition_id: int | None,
    by_user_id: int | None,
    report_chat_id: int | None,
    recipients: list[Recipient],
    texts: dict[str, str],
    default_language: str,
) -> Broadcast:
    broadcast = Broadcast(
        municipality_id=municipality_id,
        competition_id=competition_id,
        kind=kind,
        report_chat_id=report_chat_id,
        created_by_user_id=by_user_id,
    )
    session.add(broadcast)
    await session.flush()
    rows = [
        {
            "chat_id": recipient.chat_id,
            "user_id": recipient.user_id,
            "broadcast_id": broadcast.id,
            "dedupe_key": f"b{broadcast.id}:u{recipient.user_id}",
            "text": texts[recipient.language or default_language],
        }
        for recipient in recipients
    ]
    await enqueue_many(session, rows)
    return broadcast


async def card_texts(session: AsyncSession, competition: Competition) -> dict[str, str]:
    municipality = await session.get(Municipality, competition.municipality_id)
    topic = await session.get(Topic, competition.topic_id) if competition.topic_id else None
    amendments = await amendments_of(session, competition_id=competition.id)
    return {
        language: competition_card(
            competition,
            municipality=municipality,
            topic=topic,
            language=language,
            amendments=amendments,
        )
        for language in LANGUAGES
    }


async def publish(
    session: AsyncSession,
    *,
    competition: Competition,
    by_user_id: int,
    report_chat_id: int,
    now: datetime,
    default_language: str,
    bot_username: str | None = None,
) -> Broadcast:
    """Draft -> published, and the call to every matching subscriber (and to the
    municipality's channel, with an "open in the bot" button when `bot_username` is known).
    Commits."""
    if competition.status != "draft":
        raise Invalid("publish-not-draft")
    missing = missing_for_publication(competition, now=now)
    if missing:
        raise Invalid("publish-missing", {"fields": ", ".join(missing)})
    competition.status = "published"
    competition.published_at = competition.updated_at = now
    session.add(competition)
    recipients = await subscribers(
        session, municipality_id=competition.municipality_id, topic_id=competition.topic_id
    )
    texts = await card_texts(session, competition)
    broadcast = await _start_broadcast(
        session,
        kind="call",
        municipality_id=competition.municipality_id,
        competition_id=competition.id,
        by_user_id=by_user_id,
        report_chat_id=report_chat_id,
        recipients=recipients,
        texts=texts,
        default_language=default_language,
    )
    await _post_call_to_channel(session, competition, texts, default_language, bot_username)
    await replan_call(session, competition, now=now)
    await session.commit()
    return broadcast


async def _post_call_to_channel(
    session: AsyncSession,
    competition: Competition,
    texts: dict[str, str],
    default_language: str,
    bot_username: str | None,
) -> None:
    place = await session.get(Municipality, competition.municipality_id)
    channel = channels.usable_channel(place)
    if channel is None:
        return
    language = channels.post_language(place, default_language)
    markup = None
    if bot_username:
        url = link(bot_username, competition_payload(competition.id))
        markup = channels.link_button(channels.open_label(language), url)
    await enqueue_many(
        session,
        [
            channels.post_row(
                chat_id=channel,
                dedupe_key=channels.call_key(competition.id),
                text=texts[language],
                reply_markup=markup,
            )
        ],
    )


async def move_deadline(
    session: AsyncSession,
    *,
    competition: Competition,
    new_deadline: datetime,
    by_user_id: int,
    report_chat_id: int,
    now: datetime,
    default_language: str,
) -> Broadcast:
    """A new deadline for a published call: versioned, and told to everyone who got the call."""
    if competition.status != "published":
        raise Invalid("amend-not-published")
    if new_deadline <= now:
        raise Invalid("invalid-date-past")
    municipality = await session.get(Municipality, competition.municipality_id)
    zone = ZoneInfo(municipality.timezone)
    old = competition.deadline_at
    competition.deadline_at = new_deadline
    competition.version += 1
    competition.updated_at = now
    session.add(competition)
    session.add(
        CompetitionAmendment(
            competition_id=competition.id,
            version=competition.version,
            kind="deadline",
            changes={"deadline_at": [old.isoformat(), new_deadline.isoformat()]},
            created_by_user_id=by_user_id,
        )
    )
    texts = {
        language: t(
            language,
            "amendment-deadline",
            title=localized(competition.title, language),
            old=moment(old, zone),
            new=moment(new_deadline, zone),
            zone=zone.key,
        )
        for language in LANGUAGES
    }
    broadcast = await _tell_of_change(
        session, competition, "amendment", texts, by_user_id, report_chat_id, default_language
    )
    await replan_call(session, competition, now=now)
    await session.commit()
    return broadcast


async def _tell_of_change(
    session: AsyncSession,
    competition: Competition,
    kind: str,
    texts: dict[str, str],
    by_user_id: int | None,
    report_chat_id: int | None,
    default_language: str,
) -> Broadcast:
    """Broadcast a change of a published call to everyone it concerns, and to the channel the
    call was posted to."""
    channel = await channels.channel_of_call(session, competition.id)
    if channel is not None and await channels.may_post(session, channel):
        place = await session.get(Municipality, competition.municipality_id)
        language = channels.post_language(place, default_language)
        key = channels.call_key(competition.id, kind, competition.version)
        row = channels.post_row(chat_id=channel, dedupe_key=key, text=texts[language])
        await enqueue_many(session, [row])
    return await _start_broadcast(
        session,
        kind=kind,
        municipality_id=competition.municipality_id,
        competition_id=competition.id,
        by_user_id=by_user_id,
        report_chat_id=report_chat_id,
        recipients=await told_of_changes(session, competition.id),
        texts=texts,
        default_language=default_language,
    )


async def told_of_changes(session: AsyncSession, competition_id: int) -> list[Recipient]:
    """Everyone who received the call or has started an application to it, once each."""
    recipients = {
        r.user_id: r for r in await received_competition(session, competition_id=competition_id)
    }
    for user_id, chat_id, language in await applicants_of(session, competition_id=competition_id):
        recipients.setdefault(user_id, Recipient(user_id, chat_id, language))
    return list(recipients.values())


async def cancel(
    session: AsyncSession,
    *,
    competition: Competition,
    reason: str,
    by_user_id: int,
    report_chat_id: int,
    now: datetime,
    default_language: str,
) -> Broadcast | None:
    """Cancel a draft (nothing to tell) or a published call (everyone who got it is told why)."""
    if competition.status not in ("draft", "published"):
        raise Invalid("cancel-not-open")
    was_published = competition.status == "published"
    competition.status = "cancelled"
    competition.cancelled_at = competition.updated_at = now
    competition.version += 1
    session.add(competition)
    session.add(
        CompetitionAmendment(
            competition_id=competition.id,
            version=competition.version,
            kind="cancellation",
            changes={"reason": reason},
            created_by_user_id=by_user_id,
        )
    )
    broadcast = None
    if was_published:
        texts = {
            language: t(
                language,
                "amendment-cancelled",
                title=localized(competition.title, language),
                reason=reason,
            )
            for language in LANGUAGES
        }
        broadcast = await _tell_of_change(
            session,
            competition,
            "cancellation",
            texts,
            by_user_id,
            report_chat_id,
            default_language,
        )
    await replan_call(session, competition, now=now)
    await session.commit()
    return broadcast


async def announce(
    session: AsyncSession,
    *,
    municipality: Municipality,
    text: str,
    by_user_id: int,
    report_chat_id: int,
    default_language: str,
) -> Broadcast:
    """A free announcement to every subscriber of the municipality. Commits."""
    body = Markup(html.escape(text, quote=False))
    texts = {
        language: t(
            language, "announcement-message", municipality=municipality.name(language), text=body
        )
        for language in LANGUAGES
    }
    broadcast = await _start_broadcast(
        session,
        kind="announcement",
        municipality_id=municipality.id,
        competition_id=None,
        by_user_id=by_user_id,
        report_chat_id=report_chat_id,
        recipients=await subscribers(session, municipality_id=municipality.id, topic_id=None),
        texts=texts,
        default_language=default_language,
    )
    await session.commit()
    return broadcast
