"""What follows once Telegram refuses outbox messages for good, off the sender's hot path.

The outbox sender (bot/outbox.py) notes these refusals while it sends and hands them here once
their outcomes are written, from a task of its own, so no send waits for them:

- a user who blocked the bot (403 on a message to them; `settle` has made them inactive): their
  reminders are re-planned at once, so none stays pending for someone who left
  (`bot.reminders.on_users_changed`, one pass for all the users found in a while);
- a channel that refuses the bot's posts (403, or 400 "chat not found" / "not enough rights"):
  lost for the municipality whose channel it is (`bot.channels.channel_lost`, once).

If the process stops before this runs, nothing is lost that matters: the reminder worker cancels
a blocked user's reminders when they come due, and the channel's next post is refused again."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.channels import channel_lost
from bot.reminders import on_users_changed
from storage.db import Database
from storage.types import utcnow

log = logging.getLogger(__name__)


@dataclass
class Refusals:
    """Refusals seen by the sender and not yet followed up."""

    blocked_users: set[int] = field(default_factory=set)  # users.id
    lost_channels: dict[int, str] = field(default_factory=dict)  # chat id -> reason code

    def __bool__(self) -> bool:
        return bool(self.blocked_users or self.lost_channels)


async def follow_up(db: Database, refusals: Refusals, *, default_language: str) -> None:
    """Re-plan the blocked users' reminders and mark the refusing channels lost. Never raises
    (logged): the messages' outcomes are already written."""
    if refusals.blocked_users:
        await on_users_changed(db, user_ids=refusals.blocked_users)
    for chat_id, reason in refusals.lost_channels.items():
        try:
            async with db.session() as session:
                await channel_lost(
                    session,
                    chat_id=chat_id,
                    reason=reason,
                    source="send",
                    now=utcnow(),
                    default_language=default_language,
                )
        except Exception:
            log.exception("outbox: could not mark channel %s as lost", chat_id)
