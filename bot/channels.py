"""A municipality's public channel: checking that the bot may post there (getChat and
getChatMember), recording it, and the outbox rows that post to it.

Posts go through the outbox like every broadcast (bot/outbox.py), one row per post with a
dedupe key, so a restart neither loses nor repeats one. They are not part of the subscribers'
broadcast: the staff's delivery counts stay "people reached".

A channel can be lost: an administrator removes the bot or takes its right to post. Telegram
says so in a my_chat_member update (handlers/channels.py), or by refusing a post (the outbox
sender, through bot/refusals.py). Either way `channel_lost` marks the channel lost (kept, to
show staff what happened), ends its queued posts, and tells the municipality's staff how to
connect it again with /channel; nothing more is queued for it until they do. The subscribers'
broadcast is never affected."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, MessageOriginChannel
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.formatting import moment
from bot.i18n import Markup, t
from bot.rules.channels import (
    LOST_REASONS,
    channel_reference,
    check_bot_rights,
    check_user_runs_channel,
)
from bot.rules.validation import Invalid
from storage.models import Municipality, OutboxMessage
from storage.queries.audit import record
from storage.queries.outbox import end_channel_posts, enqueue_many
from storage.queries.places import lost_channel_ids, mark_channel_lost
from storage.queries.reporting import staff_of_municipality

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChannelInfo:
    chat_id: int
    title: str
    username: str | None

    @property
    def shown(self) -> str:
        return f"{self.title} (@{self.username})" if self.username else self.title


async def verify_channel(bot: Bot, reference: str | int, *, by_telegram_id: int) -> ChannelInfo:
    """The channel behind a reference, once Telegram confirms the bot may post there and that
    the staff member naming it runs it (its creator or an administrator): the bot posting
    somewhere proves nothing about who may choose it, and another municipality's channel, or
    anyone's, must not be taken over by naming it. Invalid (a translation key) for every
    refusal: unknown chat, not a channel, the bot not an administrator or without the right to
    post, the staff member not an administrator, Telegram unreachable."""
    try:
        chat = await bot.get_chat(reference)
        member = await bot.get_chat_member(chat.id, bot.id)
    except Forbidden as error:
        raise Invalid("channel-bot-not-member") from error
    except BadRequest as error:
        if "not found" in error.message.lower():
            raise Invalid("channel-not-found") from error
        raise Invalid("channel-bot-not-admin") from error
    except TelegramError as error:  # network, 5xx: the staff member may simply try again
        log.warning("channel check failed: %s", type(error).__name__)
        raise Invalid("channel-check-failed") from error
    check_bot_rights(
        chat_type=chat.type,
        status=member.status,
        can_post_messages=getattr(member, "can_post_messages", None),
    )
    try:
        staff_member = await bot.get_chat_member(chat.id, by_telegram_id)
    except BadRequest as error:  # "user not found": not in the channel at all
        raise Invalid("channel-user-not-admin") from error
    except TelegramError as error:
        log.warning("channel check failed: %s", type(error).__name__)
        raise Invalid("channel-check-failed") from error
    check_user_runs_channel(status=staff_member.status)
    return ChannelInfo(chat_id=chat.id, title=chat.title or str(chat.id), username=chat.username)


def reference_from(text: str | None, forward_origin: object | None) -> str | int:
    """What staff sent to name the channel: a forwarded post of it, or its name typed."""
    if isinstance(forward_origin, MessageOriginChannel):
        return forward_origin.chat.id
    if forward_origin is not None:  # forwarded from a person or a group: not a channel
        raise Invalid("channel-not-a-channel")
    return channel_reference(text)


async def set_channel(
    session: AsyncSession,
    *,
    place: Municipality,
    channel: ChannelInfo,
    language: str,
    by_user_id: int,
) -> None:
    """Make `channel` the municipality's channel, posts in `language`. Audited. Commits."""
    place.channel_chat_id = channel.chat_id
    place.channel_title = channel.title[:128]
    place.channel_username = channel.username
    place.channel_language = language
    place.channel_lost_at = place.channel_lost_reason = None
    session.add(place)
    record(
        session,
        action="channel.set",
        actor_user_id=by_user_id,
        municipality_id=place.id,
        subject=f"channel:{channel.chat_id}",
        details={"title": channel.title, "username": channel.username, "language": language},
    )
    await session.commit()


async def clear_channel(session: AsyncSession, *, place: Municipality, by_user_id: int) -> bool:
    """Stop posting to the municipality's channel. Audited. Commits. False if it had none."""
    if place.channel_chat_id is None:
        return False
    record(
        session,
        action="channel.clear",
        actor_user_id=by_user_id,
        municipality_id=place.id,
        subject=f"channel:{place.channel_chat_id}",
    )
    place.channel_chat_id = place.channel_title = place.channel_username = None
    place.channel_language = place.channel_lost_at = place.channel_lost_reason = None
    session.add(place)
    await session.commit()
    return True


def usable_channel(place: Municipality) -> int | None:
    """The chat to post the municipality's news to: None without a channel, or once the bot
    may no longer post there."""
    return None if place.channel_lost_at is not None else place.channel_chat_id


async def may_post(session: AsyncSession, chat_id: int) -> bool:
    """False for a channel known to refuse the bot (a call's change or a poll's results go to
    the channel the call or poll was posted to, which may have been lost since)."""
    return chat_id not in await lost_channel_ids(session, chat_ids=[chat_id])


async def channel_lost(
    session: AsyncSession,
    *,
    chat_id: int,
    reason: str,
    source: str,
    now: datetime,
    default_language: str,
) -> list[int]:
    """Telegram says the bot may no longer post to `chat_id` (`source`: "update" for its
    my_chat_member update, "send" for a refused post). Wherever it is a municipality's
    channel: marked lost with `reason` (one of LOST_REASONS), its queued posts end, the change
    is audited and the municipality's staff are told in their language how to reconnect. Only
    the chat id Telegram reported counts; a second report of the same loss changes nothing.
    Returns the municipalities' ids. Commits."""
    if reason not in LOST_REASONS:
        raise ValueError(f"unknown reason {reason!r}")
    place_ids = await mark_channel_lost(session, chat_id=chat_id, reason=reason, now=now)
    if not place_ids:
        await session.rollback()
        return []
    ended = await end_channel_posts(session, chat_id=chat_id, error=f"channel lost: {reason}")
    for place_id in place_ids:
        place = await session.get(Municipality, place_id, populate_existing=True)
        event = record(
            session,
            action="channel.lost",
            actor_user_id=None,
            municipality_id=place_id,
            subject=f"channel:{chat_id}",
            details={"reason": reason, "source": source, "posts_ended": ended},
            at=now,
        )
        await session.flush()
        rows = []
        for person in await staff_of_municipality(session, municipality_id=place_id):
            language = person.language or default_language
            rows.append(
                {
                    "chat_id": person.telegram_id,
                    "user_id": person.id,
                    "dedupe_key": f"chlost:e{event.id}:u{person.id}",
                    "text": lost_text(place, language),
                }
            )
        await enqueue_many(session, rows)
    await session.commit()
    log.info(
        "channel %s lost (%s, from the %s) for municipalities %s",
        chat_id,
        reason,
        source,
        place_ids,
    )
    return place_ids


def lost_text(place: Municipality, language: str) -> str:
    """What staff are told once the bot may no longer post to their channel."""
    return t(
        language,
        "channel-lost",
        channel=channel_name(place),
        municipality=place.name(language),
        reason=Markup(t(language, f"channel-lost-{place.channel_lost_reason}")),
    )


def lost_status(place: Municipality, language: str) -> str:
    """The /channel screen's line for a lost channel: which, since when, why."""
    return t(
        language,
        "channel-current-lost",
        channel=channel_name(place),
        since=moment(place.channel_lost_at, ZoneInfo(place.timezone)),
        reason=Markup(t(language, f"channel-lost-{place.channel_lost_reason}")),
    )


def channel_name(place: Municipality) -> str:
    if place.channel_username:
        return f"{place.channel_title} (@{place.channel_username})"
    return place.channel_title or str(place.channel_chat_id)


def link_button(label: str, url: str) -> dict:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, url=url)]]).to_dict()


def post_row(
    *,
    chat_id: int,
    dedupe_key: str,
    text: str,
    reply_markup: dict | None = None,
) -> dict:
    """An outbox row for one channel post (no user: a channel is nobody's private chat)."""
    return {
        "chat_id": chat_id,
        "user_id": None,
        "broadcast_id": None,
        "dedupe_key": dedupe_key,
        "text": text,
        "reply_markup": reply_markup,
    }


def post_language(place: Municipality, default_language: str) -> str:
    return place.channel_language or default_language


def call_key(competition_id: int, what: str = "call", version: int = 1) -> str:
    """Dedupe key of a call's post: the call itself, or a change (its version)."""
    suffix = "" if what == "call" else f":v{version}"
    return f"ch:{what}:{competition_id}{suffix}"


async def channel_of_call(session: AsyncSession, competition_id: int) -> int | None:
    """The channel a published call was posted to, if any (changes go to the same one)."""
    query = select(OutboxMessage.chat_id).where(
        OutboxMessage.dedupe_key == call_key(competition_id)
    )
    return (await session.exec(query)).first()


def open_label(language: str) -> str:
    return t(language, "channel-open-in-bot")
