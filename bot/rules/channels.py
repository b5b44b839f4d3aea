"""A municipality's public Telegram channel: which references staff may type, and whether the
bot's place in the channel lets it post there.

Staff name the channel by its @username, a t.me link or its numeric id (-100...), or forward one
of its posts (for a private channel, which has no username). The bot must be an administrator
allowed to post: Telegram refuses posts otherwise, so it is checked when the channel is set
rather than discovered at the first broadcast."""

from __future__ import annotations

import re

from bot.rules.validation import Invalid

# Telegram usernames: 5-32 characters, letters, digits and underscores, starting with a letter.
_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{4,31}$")
_LINK = re.compile(r"^(?:https?://)?(?:t\.me|telegram\.me)/(?P<name>[A-Za-z0-9_]+)/?$")
_CHANNEL_ID = re.compile(r"^-100\d{5,13}$")
# Statuses of getChatMember that leave the bot unable to post, and why (translation keys).
_REFUSALS = {
    "left": "channel-bot-not-member",
    "kicked": "channel-bot-kicked",
    "member": "channel-bot-not-admin",
    "restricted": "channel-bot-not-admin",
}


def channel_reference(text: str | None) -> str | int:
    """ "@name", "t.me/name" or "-100…" typed by staff, as a chat_id for the Bot API."""
    value = (text or "").strip()
    if _CHANNEL_ID.match(value):
        return int(value)
    if match := _LINK.match(value):
        value = match["name"]
    value = value.removeprefix("@")
    if not _USERNAME.match(value):
        raise Invalid("channel-invalid-reference")
    return f"@{value}"


def check_bot_rights(*, chat_type: str, status: str, can_post_messages: bool | None) -> None:
    """Invalid with the reason unless the bot may post to this chat as a channel admin."""
    if chat_type != "channel":
        raise Invalid("channel-not-a-channel")
    if status in _REFUSALS:
        raise Invalid(_REFUSALS[status])
    if status == "administrator" and not can_post_messages:
        raise Invalid("channel-bot-cannot-post")
    if status not in ("administrator", "creator"):
        raise Invalid("channel-bot-not-admin")


def check_user_runs_channel(*, status: str) -> None:
    """Invalid unless the staff member naming the channel is its creator or an administrator
    (getChatMember's status for them)."""
    if status not in ("administrator", "creator"):
        raise Invalid("channel-user-not-admin")


# Why the bot can no longer post to a channel it was connected to; each code is shown to staff
# through the text "channel-lost-<code>".
LOST_REASONS = ("left", "kicked", "not-admin", "cannot-post", "not-found", "refused")
_LOST_BY_STATUS = {
    "left": "left",
    "kicked": "kicked",
    "member": "not-admin",
    "restricted": "not-admin",
}


def lost_by_status(*, status: str, can_post_messages: bool | None) -> str | None:
    """What the bot's new place in a channel (Telegram's my_chat_member update) means: None
    while it may still post there, otherwise why not."""
    if status == "creator" or (status == "administrator" and can_post_messages):
        return None
    if status == "administrator":
        return "cannot-post"
    return _LOST_BY_STATUS.get(status, "not-admin")


def lost_by_refusal(*, forbidden: bool, description: str) -> str | None:
    """Whether Telegram's refusal of a post to a channel means the bot may not post there any
    more, and why; None for a refusal of that one message (bad HTML, too long). A 403 always
    means the chat refuses the bot; of the 400s only a missing chat or missing rights do."""
    text = description.lower()
    if forbidden:
        if "kicked" in text:
            return "kicked"
        if "not a member" in text:
            return "left"
        return "refused"
    if "chat not found" in text:
        return "not-found"
    if "not enough rights" in text or "administrator rights" in text:
        return "cannot-post"
    return None
