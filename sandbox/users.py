"""What a user can do in the sandbox: write, press buttons, share a contact, upload, block, and
change the bot's place in a channel as its administrator.

Why separate from the HTTP layer: each action builds the message/update exactly as Telegram would
deliver it to the bot, and tests may call these in-process on ``StandIn.world`` as well as over
the control API.
"""

from __future__ import annotations

import time
from typing import Any

from sandbox.botapi import chat_member, document_obj, photo_sizes
from sandbox.html_text import detect_bot_commands
from sandbox.images import image_size
from sandbox.world import CHANNEL_BOT_STATUSES, ChatMessage, UserRec, World


class ActionError(Exception):
    """A user action that cannot happen (HTTP status + message for the control API)."""

    def __init__(self, status: int, message: str, **details: Any) -> None:
        super().__init__(message)
        self.status = status
        self.details = details


def _active_user(world: World, user_id: int, profile: dict[str, Any]) -> UserRec:
    user = world.user(user_id, **profile)
    if user.blocked:
        raise ActionError(409, f"user {user_id} has blocked the bot; unblock first")
    return user


def _reply_part(world: World, chat_id: int, reply_to: int | None) -> dict[str, Any]:
    if reply_to is None:
        return {}
    target = world.get_message(chat_id, int(reply_to))
    if target is None or target.deleted:
        raise ActionError(404, f"message {reply_to} not found in chat {chat_id}")
    return {"reply_to_message": {k: v for k, v in target.api.items() if k != "reply_to_message"}}


def _deliver(world: World, user: UserRec, api: dict[str, Any]) -> tuple[ChatMessage, dict | None]:
    msg = world.new_message(user.id, "user", api)
    update = world.push_update("message", msg.api)
    _hide_one_time_keyboard(world, user.id)
    return msg, update


def _hide_one_time_keyboard(world: World, chat_id: int) -> None:
    kb = world.reply_keyboards.get(chat_id)
    if kb and kb.get("one_time_keyboard"):
        world.reply_keyboards[chat_id] = None


def send_text(
    world: World, user_id: int, text: str, reply_to_message_id: int | None = None, **profile: Any
) -> tuple[ChatMessage, dict | None]:
    """A user's text message; commands get bot_command entities as Telegram adds them."""
    user = _active_user(world, user_id, profile)
    if not text:
        raise ActionError(400, "text must not be empty")
    api: dict[str, Any] = {"text": text}
    entities = detect_bot_commands(text)
    if entities:
        api["entities"] = entities
    api.update(_reply_part(world, user.id, reply_to_message_id))
    return _deliver(world, user, api)


def share_contact(
    world: World,
    user_id: int,
    phone_number: str,
    contact_first_name: str | None = None,
    contact_last_name: str | None = None,
    contact_user_id: int | None = None,
    **profile: Any,
) -> tuple[ChatMessage, dict | None]:
    """The message Telegram sends when the user presses a request_contact reply button
    (contact_* default to the user's own name and id)."""
    user = _active_user(world, user_id, profile)
    contact: dict[str, Any] = {
        "phone_number": phone_number,
        "first_name": contact_first_name or user.first_name,
    }
    last = contact_last_name if contact_last_name is not None else user.last_name
    if last:
        contact["last_name"] = last
    contact["user_id"] = user.id if contact_user_id is None else contact_user_id
    return _deliver(world, user, {"contact": contact})


def forward_channel_post(
    world: World, user_id: int, channel_id: int, text: str, **profile: Any
) -> tuple[ChatMessage, dict | None]:
    """The user forwards a post of a channel to the bot: a message with a channel
    ``forward_origin`` (how a bot learns a private channel's id)."""
    user = _active_user(world, user_id, profile)
    channel = world.channels.get(channel_id)
    if channel is None:
        raise ActionError(404, f"no channel {channel_id}")
    posts = [m for m in world.messages.get(channel_id, []) if not m.deleted]
    origin: dict[str, Any] = {
        "type": "channel",
        "chat": channel.chat(),
        "message_id": posts[-1].message_id if posts else 1,
        "date": int(time.time()),
    }
    return _deliver(world, user, {"text": text or "…", "forward_origin": origin})


def share_location(
    world: World, user_id: int, latitude: float, longitude: float, **profile: Any
) -> tuple[ChatMessage, dict | None]:
    """The message Telegram sends when the user shares a location (📎 -> Location)."""
    user = _active_user(world, user_id, profile)
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ActionError(400, "latitude or longitude out of range")
    return _deliver(
        world, user, {"location": {"latitude": float(latitude), "longitude": float(longitude)}}
    )


def upload(
    world: World,
    user_id: int,
    kind: str,
    data: bytes,
    file_name: str | None,
    mime_type: str | None = None,
    caption: str | None = None,
    **profile: Any,
) -> tuple[ChatMessage, dict | None]:
    """A user's document or photo message (kind = "document" | "photo")."""
    user = _active_user(world, user_id, profile)
    if kind == "photo":
        size = image_size(data) or (0, 0)
        stored = world.add_file(data, "photo", file_name, mime_type or "image/jpeg", *size)
        api: dict[str, Any] = {"photo": photo_sizes(stored)}
    else:
        stored = world.add_file(
            data, "document", file_name, mime_type or "application/octet-stream"
        )
        api = {"document": document_obj(stored)}
    if caption:
        api["caption"] = caption
    return _deliver(world, user, api)


def click(
    world: World,
    user_id: int,
    *,
    text: str | None = None,
    message_id: int | None = None,
    data: str | None = None,
    **profile: Any,
) -> tuple[dict[str, Any], dict | None]:
    """Press an inline button: by text (on ``message_id`` or the latest bot message having it),
    or with arbitrary (possibly forged) ``data`` on ``message_id``.

    Returns (callback_query, update).
    """
    user = _active_user(world, user_id, profile)
    chat = world.messages.get(user.id, [])
    msg: ChatMessage | None = None
    if data is None:
        if text is None:
            raise ActionError(400, "give a button text, or message_id and data")
        candidates = (
            [world.get_message(user.id, message_id)] if message_id is not None else reversed(chat)
        )
        for cand in candidates:
            if cand is None or cand.deleted or cand.sender != "bot":
                continue
            button = _find_button(cand, text)
            if button is not None:
                msg = cand
                if "callback_data" not in button:
                    raise ActionError(400, f"button {text!r} has no callback_data", button=button)
                data = button["callback_data"]
                break
        if msg is None:
            raise ActionError(
                404,
                f"no inline button {text!r} on "
                + (f"message {message_id}" if message_id is not None else "any bot message"),
                available=_available_buttons(chat, message_id),
            )
    else:
        if message_id is None:
            raise ActionError(400, "message_id is required with data")
        msg = world.get_message(user.id, message_id)
    cb = world.new_callback(user.id, message_id if msg is None else msg.message_id, user.id, data)
    query: dict[str, Any] = {
        "id": cb.id,
        "from": user.api(),
        "chat_instance": world.chat_instance(user.id),
    }
    if msg is not None and not msg.deleted:
        query["message"] = msg.api
    else:  # unknown/deleted message: Telegram sends an InaccessibleMessage
        query["message"] = {"chat": user.chat(), "message_id": int(message_id or 0), "date": 0}
    if data is not None:
        query["data"] = data
    return query, world.push_update("callback_query", query)


def _find_button(msg: ChatMessage, text: str) -> dict[str, Any] | None:
    for row in (msg.reply_markup or {}).get("inline_keyboard", []):
        for button in row:
            if button.get("text") == text:
                return button
    return None


def _available_buttons(chat: list[ChatMessage], message_id: int | None) -> list[dict[str, Any]]:
    out = []
    for msg in chat:
        if (
            msg.sender != "bot"
            or msg.deleted
            or (message_id is not None and msg.message_id != message_id)
        ):
            continue
        texts = [
            b.get("text")
            for row in (msg.reply_markup or {}).get("inline_keyboard", [])
            for b in row
        ]
        if texts:
            out.append({"message_id": msg.message_id, "buttons": texts})
    return out[-5:]


def set_blocked(world: World, user_id: int, blocked: bool, **profile: Any) -> dict | None:
    """Block/unblock the bot; emits the my_chat_member update Telegram sends."""
    user = world.user(user_id, **profile)
    if user.blocked == blocked:
        return None
    user.blocked = blocked
    member = {"status": "member", "user": world.bot_user()}
    kicked = {"status": "kicked", "user": world.bot_user(), "until_date": 0}
    payload = {
        "chat": user.chat(),
        "from": user.api(),
        "date": int(time.time()),
        "old_chat_member": member if blocked else kicked,
        "new_chat_member": kicked if blocked else member,
    }
    world.notify()
    return world.push_update("my_chat_member", payload)


def set_bot_in_channel(
    world: World,
    user_id: int,
    channel_id: int,
    status: str,
    can_post_messages: bool | None = None,
    **profile: Any,
) -> dict | None:
    """The user, as an administrator of the channel, changes the bot's place there: removes it
    ("left"), bans it ("kicked"), makes it a plain "member", or an "administrator" with or without
    the right to post (`can_post_messages`, default: allowed). Emits the my_chat_member update
    Telegram sends the bot for the channel (from: this user); None if nothing changed. The
    stand-in does not model who administers a channel: any user may."""
    channel = world.channels.get(channel_id)
    if channel is None:
        raise ActionError(404, f"no channel {channel_id}")
    if status not in CHANNEL_BOT_STATUSES:
        raise ActionError(400, f"status must be one of {CHANNEL_BOT_STATUSES}")
    admin = world.user(user_id, **profile)
    bot = world.bot_user()
    old = chat_member(channel.bot_status, bot, channel)
    channel.bot_status = status
    if status == "administrator":
        channel.can_post_messages = True if can_post_messages is None else bool(can_post_messages)
    new = chat_member(channel.bot_status, bot, channel)
    world.notify()
    if new == old:
        return None
    payload = {
        "chat": channel.chat(),
        "from": admin.api(),
        "date": int(time.time()),
        "old_chat_member": old,
        "new_chat_member": new,
    }
    return world.push_update("my_chat_member", payload)
