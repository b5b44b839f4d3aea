"""A municipality's public channel: checking that the bot may post there (getChat and
getChatMember), recording it, and the outbox rows that post to it.

Posts go through the outbox like every broadcast (bot/outbox.py), one row per post with a
dedupe key, so a restart neither loses nor repeats one. They are not part of the subscribers'
broadcast: the staff's delivery counts stay "people reached". A channel that refuses a post
(the bot was removed meanwhile) leaves a "failed" or "blocked" row with Telegram's reason; the
subscribers' broadcast is not affected."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, MessageOriginChannel
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.i18n import t
from bot.rules.channels import channel_reference, check_bot_rights
from bot.rules.validation import Invalid
from storage.models import Municipality, OutboxMessage
from storage.queries.audit import record

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChannelInfo:
    chat_id: int
    title: str
    username: str | None

    @property
    def shown(self) -> str:
        return f"{self.title} (@{self.username})" if self.username else self.title


async def verify_channel(bot: Bot, reference: str | int) -> ChannelInfo:
    """The channel behind a reference, once Telegram confirms the bot may post there.
    Invalid (a translation key) for every refusal: unknown chat, not a channel, the bot not an
    administrator or without the right to post, Telegram unreachable."""
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
    place.channel_language = None
    session.add(place)
    await session.commit()
    return True


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
