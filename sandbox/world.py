"""In-memory state of the stand-in: users, private chats, messages, updates, files, faults.

Why one object: the bot side (botapi.py) and the control side (control.py) are two views of the
same little Telegram; keeping all state here (with no HTTP in it) lets tests inspect it in-process
and keeps the handlers thin. Everything runs on one event loop, so no locks are needed; waiters
(long polls, event streams) are woken through a "changed" asyncio.Event that is swapped on every
change, which lets plain synchronous methods notify.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

# Update types Telegram sends when allowed_updates is empty/unset.
DEFAULT_UPDATE_TYPES = frozenset(
    {"message", "edited_message", "callback_query", "my_chat_member", "inline_query",
     "chosen_inline_result", "channel_post", "edited_channel_post", "shipping_query",
     "pre_checkout_query", "poll", "poll_answer", "chat_join_request"}
)  # fmt: skip


@dataclass
class UserRec:
    id: int
    first_name: str = "User"
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    blocked: bool = False

    def api(self) -> dict[str, Any]:
        """The Bot API ``User`` object."""
        d: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key):
                d[key] = getattr(self, key)
        return d

    def chat(self) -> dict[str, Any]:
        """The Bot API ``Chat`` object of the private chat with this user (chat id == user id)."""
        d: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        for key in ("last_name", "username"):
            if getattr(self, key):
                d[key] = getattr(self, key)
        return d


# What the bot is in a channel, as getChatMember names it.
CHANNEL_BOT_STATUSES = ("administrator", "member", "left", "kicked")


@dataclass
class ChannelRec:
    """A channel the bot may post to (id -100...); the bot's place in it is set by the test."""

    id: int
    title: str = "Channel"
    username: str | None = None
    bot_status: str = "administrator"  # one of CHANNEL_BOT_STATUSES
    can_post_messages: bool = True
    # The people who run the channel (user ids): the first is its creator, the rest its
    # administrators; getChatMember answers "left" for everyone else.
    admins: list[int] = field(default_factory=list)

    def chat(self) -> dict[str, Any]:
        """The Bot API ``Chat`` object of the channel."""
        d: dict[str, Any] = {"id": self.id, "type": "channel", "title": self.title}
        if self.username:
            d["username"] = self.username
        return d

    @property
    def may_post(self) -> bool:
        return self.bot_status == "administrator" and self.can_post_messages

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.chat(),
            "bot_status": self.bot_status,
            "can_post_messages": self.can_post_messages,
            "admins": list(self.admins),
        }


@dataclass
class ChatMessage:
    """One message in a private chat, from the user or from the bot."""

    chat_id: int
    message_id: int
    sender: str  # "user" | "bot"
    api: dict[str, Any]  # the Bot API Message object as the bot would see it now
    raw_text: str | None = None  # text/caption as the bot sent it (before HTML parsing)
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None  # any markup kind, as sent
    edited: bool = False
    deleted: bool = False
    versions: list[dict[str, Any]] = field(default_factory=list)  # earlier api snapshots


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    kind: str  # "document" | "photo"
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class Faults:
    latency_ms: float = 0.0
    error_rate: float = 0.0
    max_messages_per_second: float | None = None
    retry_after: int | None = None
    seed: int | None = None
    # methods answered 404 "Not Found", like a Bot API server that lacks them
    unsupported_methods: list[str] = field(default_factory=list)
    # that share of calls hangs for hang_ms and is then dropped unprocessed (a client time-out)
    timeout_rate: float = 0.0
    hang_ms: float = 30_000.0
    # that share of calls has its connection closed without an answer, unprocessed
    drop_rate: float = 0.0
    # that share of send*/edit* calls is answered 429 with retry_after (default 1 s): a storm
    flood_rate: float = 0.0
    # which methods the random faults above (and error_rate) hit; empty: all
    fault_methods: list[str] = field(default_factory=list)

    def hits(self, method_name: str) -> bool:
        """Whether the random faults apply to this method."""
        if self.fault_methods:
            return method_name.lower() in {m.lower() for m in self.fault_methods}
        return True

    def as_dict(self) -> dict[str, Any]:
        return {
            "timeout_rate": self.timeout_rate,
            "hang_ms": self.hang_ms,
            "drop_rate": self.drop_rate,
            "flood_rate": self.flood_rate,
            "fault_methods": list(self.fault_methods),
            "unsupported_methods": list(self.unsupported_methods),
            "latency_ms": self.latency_ms,
            "error_rate": self.error_rate,
            "max_messages_per_second": self.max_messages_per_second,
            "retry_after": self.retry_after,
            "seed": self.seed,
        }


@dataclass
class Webhook:
    url: str = ""
    secret_token: str | None = None
    allowed_updates: list[str] | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class CallbackRec:
    id: str
    chat_id: int
    message_id: int
    user_id: int
    data: str | None
    answered: bool = False


class World:
    """All state of one little Telegram with one bot."""

    def __init__(self, bot_username: str = "ssp_test_bot", seed: int | None = None) -> None:
        self.bot_username = bot_username
        self.bot_first_name = "SSP Test Bot"
        self.bot_id = 0  # learned from the token of the bot's calls
        self.rng = random.Random(seed)
        self._changed = asyncio.Event()
        self.closing = False
        self.strict = True  # record spec problems of every bot call
        self.public_url = ""  # set by the server once it listens
        self.poll_generation = 0  # bumped by each getUpdates; survives reset() so polls go on
        self.reset()

    # -- lifecycle -------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget everything except the bot's identity; wakes all waiters."""
        self.users: dict[int, UserRec] = {}
        self.channels: dict[int, ChannelRec] = {}
        self.messages: dict[int, list[ChatMessage]] = {}
        self._next_message_id: dict[int, int] = {}
        self.updates: deque[dict[str, Any]] = deque()
        self._update_ids = itertools.count(100_000_001)
        self.allowed_updates: list[str] | None = None
        self.events: list[dict[str, Any]] = []
        self._seq = itertools.count(1)
        self.files: dict[str, StoredFile] = {}
        self._file_counter = itertools.count(1)
        self.callbacks: dict[str, CallbackRec] = {}
        self._callback_ids = itertools.count(1)
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.bot_settings: dict[str, Any] = {}
        self.webhook = Webhook()
        self.faults = Faults()
        self.calls: list[dict[str, Any]] = []
        self.send_times: deque[float] = deque()
        self.chat_actions: dict[int, str] = {}
        self.reply_keyboards: dict[int, dict[str, Any] | None] = {}
        self.notify()

    def notify(self) -> None:
        """Wake everybody waiting for a change."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for(self, predicate: Callable[[], Any], seconds: float) -> Any:
        """Wait until ``predicate()`` is truthy or ``seconds`` pass; return its value."""
        deadline = time.monotonic() + max(seconds, 0.0)
        while True:
            value = predicate()
            remaining = deadline - time.monotonic()
            if value or remaining <= 0 or self.closing:
                return value
            changed = self._changed
            try:
                await asyncio.wait_for(changed.wait(), remaining)
            except TimeoutError:
                return predicate()

    # -- bot identity ----------------------------------------------------------------------
    def bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    # -- users -----------------------------------------------------------------------------
    def user(self, user_id: int, **profile: Any) -> UserRec:
        """Get or create a user; non-None profile fields update it."""
        rec = self.users.get(user_id)
        if rec is None:
            rec = UserRec(id=user_id)
            self.users[user_id] = rec
            self.messages[user_id] = []
            self._next_message_id[user_id] = 1
        for key in ("first_name", "last_name", "username", "language_code"):
            if profile.get(key) is not None:
                setattr(rec, key, profile[key])
        return rec

    def channel(self, channel_id: int, **fields: Any) -> ChannelRec:
        """Get or create a channel; non-None fields update it."""
        if channel_id >= 0:
            raise ValueError("a channel id is negative (-100...)")
        rec = self.channels.get(channel_id)
        if rec is None:
            rec = ChannelRec(id=channel_id)
            self.channels[channel_id] = rec
            self.messages[channel_id] = []
            self._next_message_id[channel_id] = 1
        for key in ("title", "username", "bot_status", "can_post_messages"):
            if fields.get(key) is not None:
                setattr(rec, key, fields[key])
        if fields.get("admins") is not None:
            rec.admins = [int(user_id) for user_id in fields["admins"]]
        if rec.bot_status not in CHANNEL_BOT_STATUSES:
            raise ValueError(f"bot_status must be one of {CHANNEL_BOT_STATUSES}")
        self.notify()
        return rec

    def find_channel(self, chat_id: int | str) -> ChannelRec | None:
        """Resolve a chat_id (int or "@username") to a known channel."""
        if isinstance(chat_id, str):
            if chat_id.startswith("@"):
                name = chat_id[1:].lower()
                return next(
                    (c for c in self.channels.values() if (c.username or "").lower() == name),
                    None,
                )
            try:
                chat_id = int(chat_id)
            except ValueError:
                return None
        return self.channels.get(chat_id)

    def find_chat(self, chat_id: int | str) -> UserRec | None:
        """Resolve a chat_id (int or "@username") to a known private chat."""
        if isinstance(chat_id, str):
            if chat_id.startswith("@"):
                name = chat_id[1:].lower()
                return next(
                    (u for u in self.users.values() if (u.username or "").lower() == name), None
                )
            try:
                chat_id = int(chat_id)
            except ValueError:
                return None
        return self.users.get(chat_id)

    # -- messages --------------------------------------------------------------------------
    def new_message(
        self, chat_id: int, sender: str, api: dict[str, Any], **meta: Any
    ) -> ChatMessage:
        """Store a message; fills message_id, date, from (or sender_chat) and chat in ``api``."""
        mid = self._next_message_id[chat_id]
        self._next_message_id[chat_id] = mid + 1
        channel = self.channels.get(chat_id)
        if channel is not None:
            # A channel post has no "from"; it is sent on behalf of the channel.
            head = {"message_id": mid, "sender_chat": channel.chat(), "chat": channel.chat()}
        else:
            user = self.users[chat_id]
            head = {
                "message_id": mid,
                "from": self.bot_user() if sender == "bot" else user.api(),
                "chat": user.chat(),
            }
        head["date"] = int(time.time())
        msg = ChatMessage(
            chat_id=chat_id, message_id=mid, sender=sender, api={**head, **api}, **meta
        )
        self.messages[chat_id].append(msg)
        self.notify()
        return msg

    def get_message(self, chat_id: int, message_id: int) -> ChatMessage | None:
        for msg in self.messages.get(chat_id, []):
            if msg.message_id == message_id:
                return msg
        return None

    # -- updates ---------------------------------------------------------------------------
    def allowed(self, kind: str) -> bool:
        allowed = self.webhook.allowed_updates if self.webhook.url else self.allowed_updates
        return kind in (set(allowed) if allowed else DEFAULT_UPDATE_TYPES)

    def push_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        """Queue an update for the bot (dropped if the bot excluded this kind)."""
        if not self.allowed(kind):
            return None
        update = {"update_id": next(self._update_ids), kind: payload}
        self.updates.append(update)
        self.notify()
        return update

    def confirm_updates(self, offset: int) -> None:
        """getUpdates offset semantics: drop ids < offset; negative = keep only the last -offset."""
        if offset < 0:
            while len(self.updates) > -offset:
                self.updates.popleft()
        else:
            while self.updates and self.updates[0]["update_id"] < offset:
                self.updates.popleft()

    # -- events (bot actions, for the control side) ----------------------------------------
    def add_event(self, chat_id: int, kind: str, **data: Any) -> dict[str, Any]:
        event = {
            "seq": next(self._seq),
            "chat_id": chat_id,
            "kind": kind,
            "time": time.time(),
            **data,
        }
        self.events.append(event)
        self.notify()
        return event

    def events_after(self, after: int, chat_id: int | None = None) -> list[dict[str, Any]]:
        return [
            e
            for e in self.events
            if e["seq"] > after and (chat_id is None or e["chat_id"] == chat_id)
        ]

    @property
    def last_seq(self) -> int:
        return self.events[-1]["seq"] if self.events else 0

    # -- files -----------------------------------------------------------------------------
    def add_file(
        self,
        data: bytes,
        kind: str,
        file_name: str | None = None,
        mime_type: str | None = None,
        width: int | None = None,
        height: int | None = None,
    ) -> StoredFile:
        n = next(self._file_counter)
        prefix = "BQACAgIAAxkB" if kind == "document" else "AgACAgIAAxkB"
        ext = (file_name.rsplit(".", 1)[-1] if file_name and "." in file_name else "") or (
            "jpg" if kind == "photo" else "bin"
        )
        folder = "photos" if kind == "photo" else "documents"
        stored = StoredFile(
            file_id=f"{prefix}{n:06d}{secrets.token_urlsafe(18)}",
            file_unique_id=f"AgAD{n:04d}{secrets.token_urlsafe(6)}",
            data=data,
            kind=kind,
            file_path=f"{folder}/file_{n}.{ext.lower()}",
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
        )
        self.files[stored.file_id] = stored
        return stored

    def file_by_path(self, file_path: str) -> StoredFile | None:
        return next((f for f in self.files.values() if f.file_path == file_path), None)

    # -- callback queries ------------------------------------------------------------------
    def new_callback(
        self, chat_id: int, message_id: int, user_id: int, data: str | None
    ) -> CallbackRec:
        cid = str(4_611_686_018_427_387_904 + next(self._callback_ids) * 1_000_003)
        rec = CallbackRec(
            id=cid, chat_id=chat_id, message_id=message_id, user_id=user_id, data=data
        )
        self.callbacks[cid] = rec
        return rec

    def chat_instance(self, chat_id: int) -> str:
        # Stable per (bot, chat) like Telegram's, and opaque.
        return str(-((chat_id * 2_654_435_761 + self.bot_id) % 9_000_000_000_000_000_000))


def json_response(data: Any, status: int = 200) -> web.Response:
    """A JSON answer with UTF-8 text as is (Cyrillic stays readable in curl and logs)."""
    return web.json_response(data, status=status, dumps=_dumps)


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


def file_url(world: World, file_id: str) -> str:
    """Token-free download URL of a stored file, served by the control side."""
    return f"{world.public_url}/sandbox/files/{file_id}"


def message_view(world: World, msg: ChatMessage) -> dict[str, Any]:
    """A message as a test/transcript reader wants it (flattened; the raw API object included)."""
    api = msg.api
    markup = msg.reply_markup or {}
    inline = None
    if "inline_keyboard" in markup:
        inline = [
            [{k: v for k, v in b.items() if k in ("text", "callback_data", "url")} for b in row]
            for row in markup["inline_keyboard"]
        ]
    reply_kb = None
    if "keyboard" in markup:
        reply_kb = {
            "rows": [
                [
                    {"text": b, "request_contact": False}
                    if isinstance(b, str)
                    else {
                        "text": b.get("text", ""),
                        "request_contact": bool(b.get("request_contact")),
                    }
                    for b in row
                ]
                for row in markup["keyboard"]
            ],
            **{
                k: markup[k]
                for k in (
                    "resize_keyboard",
                    "one_time_keyboard",
                    "is_persistent",
                    "input_field_placeholder",
                )
                if k in markup
            },
        }
    document = None
    if "document" in api:
        document = {**api["document"], "url": file_url(world, api["document"]["file_id"])}
    photo = None
    if api.get("photo"):
        largest = api["photo"][-1]
        photo = {**largest, "url": file_url(world, largest["file_id"])}
    return {
        "chat_id": msg.chat_id,
        "message_id": msg.message_id,
        "from": msg.sender,
        "date": api.get("date"),
        "text": api.get("text", api.get("caption")),
        "caption": api.get("caption"),
        "raw_text": msg.raw_text
        if msg.raw_text is not None
        else api.get("text", api.get("caption")),
        "parse_mode": msg.parse_mode,
        "entities": api.get("entities", api.get("caption_entities", [])),
        "inline_keyboard": inline,
        "reply_keyboard": reply_kb,
        "remove_keyboard": bool(markup.get("remove_keyboard")),
        "force_reply": bool(markup.get("force_reply")),
        "document": document,
        "photo": photo,
        "contact": api.get("contact"),
        "location": api.get("location"),
        "reply_to_message_id": (api.get("reply_to_message") or {}).get("message_id"),
        "edited": msg.edited,
        "deleted": msg.deleted,
        "api": api,
    }
