"""``SandboxClient``: drive simulated users of a running stand-in over its control API.

Why a client with per-user handles: tests read like conversations (send, read the next reply,
press a button), and each handle keeps its own cursor into the bot's event stream so replies are
consumed in order and none is missed or read twice.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import aiohttp


class SandboxError(RuntimeError):
    """The control API refused an action (e.g. no such button); ``details`` has its answer."""

    def __init__(self, status: int, details: dict[str, Any]) -> None:
        super().__init__(f"sandbox control API {status}: {details.get('error', details)}")
        self.status = status
        self.details = details


@dataclass
class BotEvent:
    """One bot action in a chat: a message sent, edited or deleted, or a callback answered."""

    seq: int
    kind: str  # "message" | "edit" | "delete" | "callback_answer"
    chat_id: int
    message_id: int | None
    text: str | None = None  # plain text (or caption); the alert/toast text for callback_answer
    raw_text: str | None = None  # as the bot sent it (HTML source when parse_mode=HTML)
    parse_mode: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    buttons: list[list[str]] = field(default_factory=list)  # inline keyboard texts, by row
    button_data: dict[str, str] = field(default_factory=dict)  # text -> callback_data or url
    reply_keyboard: list[list[dict[str, Any]]] | None = None  # rows of {text, request_contact}
    remove_keyboard: bool = False
    document: dict[str, Any] | None = None  # Document fields + "url" to download
    photo: dict[str, Any] | None = None  # largest PhotoSize + "url"
    show_alert: bool = False
    callback_query_id: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)  # the event as the control API gave it

    @property
    def html(self) -> str | None:
        return self.raw_text

    @property
    def reply_keyboard_texts(self) -> list[list[str]]:
        return [[b["text"] for b in row] for row in (self.reply_keyboard or [])]

    @classmethod
    def from_event(cls, event: dict[str, Any]) -> BotEvent:
        base = {
            "seq": event["seq"],
            "kind": event["kind"],
            "chat_id": event["chat_id"],
            "message_id": event.get("message_id"),
            "raw": event,
        }
        if event["kind"] == "callback_answer":
            return cls(
                **base,
                text=event.get("text"),
                raw_text=event.get("text"),
                show_alert=bool(event.get("show_alert")),
                callback_query_id=event.get("callback_query_id"),
            )
        msg = event.get("message") or {}
        inline = msg.get("inline_keyboard") or []
        reply_kb = msg.get("reply_keyboard")
        return cls(
            **base,
            text=msg.get("text"),
            raw_text=msg.get("raw_text"),
            parse_mode=msg.get("parse_mode"),
            entities=msg.get("entities") or [],
            buttons=[[b["text"] for b in row] for row in inline],
            button_data={
                b["text"]: b.get("callback_data", b.get("url", "")) for row in inline for b in row
            },
            reply_keyboard=reply_kb["rows"] if reply_kb else None,
            remove_keyboard=bool(msg.get("remove_keyboard")),
            document=msg.get("document"),
            photo=msg.get("photo"),
        )


class SandboxClient:
    """Async client of a stand-in's control API (``/sandbox/``)."""

    def __init__(self, url: str, *, session: aiohttp.ClientSession | None = None) -> None:
        self.url = url.rstrip("/")
        self._session = session
        self._own_session = session is None

    async def __aenter__(self) -> SandboxClient:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None and self._own_session:
            await self._session.close()
        self._session = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
            self._own_session = True
        return self._session

    async def request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        """Call the control API; raise SandboxError unless it answers ok."""
        async with self.session.request(method, f"{self.url}/sandbox/{path}", **kwargs) as resp:
            body = await resp.json(content_type=None)
            if resp.status >= 400 or not body.get("ok", False):
                raise SandboxError(resp.status, body)
            return body

    def user(
        self,
        user_id: int,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> SandboxUser:
        """A handle acting as this user (created on first action)."""
        profile = {
            "first_name": first_name,
            "last_name": last_name,
            "username": username,
            "language_code": language_code,
        }
        return SandboxUser(self, user_id, {k: v for k, v in profile.items() if v is not None})

    # -- world-wide ------------------------------------------------------------------------
    async def reset(self) -> None:
        await self.request("POST", "reset")

    async def set_faults(self, **faults: Any) -> dict[str, Any]:
        """latency_ms, error_rate (0..1), max_messages_per_second, retry_after, seed."""
        return (await self.request("POST", "faults", json=faults))["faults"]

    async def reset_faults(self) -> dict[str, Any]:
        return (await self.request("DELETE", "faults"))["faults"]

    async def faults(self) -> dict[str, Any]:
        return (await self.request("GET", "faults"))["faults"]

    async def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        params = {"method": method} if method else {}
        return (await self.request("GET", "calls", params=params))["calls"]

    async def clear_calls(self) -> None:
        await self.request("DELETE", "calls")

    async def spec_problems(self) -> list[dict[str, Any]]:
        return (await self.request("GET", "spec-problems"))["problems"]

    async def pending_updates(self) -> list[dict[str, Any]]:
        return (await self.request("GET", "updates"))["updates"]

    async def transcript(self, chat_id: int) -> list[dict[str, Any]]:
        return (await self.request("GET", f"chats/{chat_id}/messages"))["messages"]

    async def set_channel(
        self,
        chat_id: int,
        *,
        title: str | None = None,
        username: str | None = None,
        bot_status: str | None = None,
        can_post_messages: bool | None = None,
        admins: list[int] | None = None,
    ) -> dict[str, Any]:
        """Create or change a channel (id -100...), the bot's place in it and who runs it
        (`admins`: user ids, the first its creator)."""
        body = {
            "title": title,
            "username": username,
            "bot_status": bot_status,
            "can_post_messages": can_post_messages,
            "admins": admins,
        }
        fields = {k: v for k, v in body.items() if v is not None}
        return (await self.request("PUT", f"channels/{chat_id}", json=fields))["channel"]

    async def channel_posts(self, chat_id: int) -> list[dict[str, Any]]:
        """The bot's posts in a channel, in order (transcript entries)."""
        return await self.transcript(chat_id)

    async def events(
        self, chat_id: int | None = None, after: int = 0, wait: float = 0
    ) -> list[dict[str, Any]]:
        path = f"chats/{chat_id}/events" if chat_id is not None else "events"
        body = await self.request("GET", path, params={"after": str(after), "wait": str(wait)})
        return body["events"]

    async def last_seq(self) -> int:
        return (await self.request("GET", ""))["last_seq"]

    async def download(self, url_or_file_id: str) -> bytes:
        url = url_or_file_id
        if "://" not in url:
            url = f"{self.url}/sandbox/files/{url_or_file_id}"
        async with self.session.get(url) as resp:
            resp.raise_for_status()
            return await resp.read()


class SandboxUser:
    """One simulated user; keeps its own cursor into the bot's events in its chat."""

    def __init__(self, client: SandboxClient, user_id: int, profile: dict[str, Any]) -> None:
        self.client = client
        self.id = user_id
        self.profile = profile
        self.cursor = 0  # seq of the last event consumed by next_reply & co.

    @property
    def chat_id(self) -> int:
        return self.id

    async def _act(self, action: str, **body: Any) -> dict[str, Any]:
        payload = {**self.profile, **{k: v for k, v in body.items() if v is not None}}
        return await self.client.request("POST", f"users/{self.id}/{action}", json=payload)

    async def send(self, text: str, reply_to_message_id: int | None = None) -> dict[str, Any]:
        """Send a text (``/start payload`` becomes a command); returns the message view."""
        body = await self._act("send", text=text, reply_to_message_id=reply_to_message_id)
        return body["message"]

    async def click(self, text: str, message_id: int | None = None) -> dict[str, Any]:
        """Press the inline button with this text (on message_id, or the latest bot message)."""
        return await self._act("click", text=text, message_id=message_id)

    async def click_data(self, message_id: int, data: str) -> dict[str, Any]:
        """Send a callback query with arbitrary (possibly forged) data for a message."""
        return await self._act("click", message_id=message_id, data=data)

    async def share_contact(
        self,
        phone_number: str,
        first_name: str | None = None,
        last_name: str | None = None,
        user_id: int | None = None,
    ) -> dict[str, Any]:
        body = await self._act(
            "contact",
            phone_number=phone_number,
            contact_first_name=first_name,
            contact_last_name=last_name,
            user_id=user_id,
        )
        return body["message"]

    async def share_location(self, latitude: float, longitude: float) -> dict[str, Any]:
        """Share a location (📎 -> Location in the Telegram app)."""
        body = await self._act("location", latitude=latitude, longitude=longitude)
        return body["message"]

    async def upload_document(
        self,
        file_name: str,
        data: bytes,
        mime_type: str = "application/octet-stream",
        caption: str | None = None,
    ) -> dict[str, Any]:
        return await self._upload("document", file_name, data, mime_type, caption)

    async def upload_photo(
        self, file_name: str, data: bytes, caption: str | None = None, mime_type: str = "image/jpeg"
    ) -> dict[str, Any]:
        return await self._upload("photo", file_name, data, mime_type, caption)

    async def _upload(
        self, kind: str, file_name: str, data: bytes, mime_type: str, caption: str | None
    ) -> dict[str, Any]:
        form = aiohttp.FormData()
        form.add_field("file", data, filename=file_name, content_type=mime_type)
        form.add_field("mime_type", mime_type)
        if caption is not None:
            form.add_field("caption", caption)
        for key, value in self.profile.items():
            form.add_field(key, str(value))
        body = await self.client.request("POST", f"users/{self.id}/{kind}", data=form)
        return body["message"]

    async def forward_channel_post(self, channel_id: int, text: str = "") -> dict[str, Any]:
        """Forward a post of the channel to the bot."""
        return await self._act("forward", channel_id=channel_id, text=text)

    async def block(self) -> None:
        await self._act("block")

    async def set_bot_in_channel(
        self, channel_id: int, status: str, can_post_messages: bool | None = None
    ) -> int | None:
        """As the channel's administrator, change the bot's place there ("administrator",
        "member", "left", "kicked"); the bot gets my_chat_member. Returns its update_id (None:
        nothing changed, or the bot excluded the update)."""
        body = await self._act(
            "channel-bot",
            channel_id=channel_id,
            status=status,
            can_post_messages=can_post_messages,
        )
        return body["update_id"]

    async def remove_bot_from_channel(self, channel_id: int, *, ban: bool = False) -> int | None:
        """Remove the bot from the channel (or ban it there)."""
        return await self.set_bot_in_channel(channel_id, "kicked" if ban else "left")

    async def demote_bot_in_channel(self, channel_id: int) -> int | None:
        """Keep the bot an administrator of the channel but take its right to post."""
        return await self.set_bot_in_channel(channel_id, "administrator", can_post_messages=False)

    async def unblock(self) -> None:
        await self._act("unblock")

    async def transcript(self) -> list[dict[str, Any]]:
        return await self.client.transcript(self.id)

    async def skip_replies(self) -> None:
        """Move the cursor past every event so far (ignore what the bot already did)."""
        self.cursor = await self.client.last_seq()

    async def next_reply(self, timeout: float = 5.0) -> BotEvent:  # noqa: ASYNC109
        """The next bot event in this chat after the cursor; AssertionError if none in time."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            events = await self.client.events(
                self.id, after=self.cursor, wait=max(min(remaining, 30.0), 0.0)
            )
            if events:
                self.cursor = events[0]["seq"]
                return BotEvent.from_event(events[0])
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"no reply from the bot to user {self.id} within {timeout}s.\n"
                    + await self.format_transcript()
                )

    async def replies_until_quiet(
        self,
        quiet: float = 0.3,
        timeout: float = 5.0,  # noqa: ASYNC109
        allow_empty: bool = False,
    ) -> list[BotEvent]:
        """All events until none arrives for ``quiet`` seconds (the first may take ``timeout``)."""
        deadline = time.monotonic() + timeout
        got: list[BotEvent] = []
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            wait = min(remaining, quiet) if got else remaining
            events = await self.client.events(self.id, after=self.cursor, wait=wait)
            if not events:
                if got or time.monotonic() >= deadline:
                    break
                continue
            self.cursor = events[-1]["seq"]
            got.extend(BotEvent.from_event(e) for e in events)
        if not got and not allow_empty:
            raise AssertionError(
                f"no reply from the bot to user {self.id} within {timeout}s.\n"
                + await self.format_transcript()
            )
        return got

    async def expect_no_reply(self, within: float = 0.5) -> None:
        """Assert that the bot does nothing in this chat for ``within`` seconds."""
        events = await self.client.events(self.id, after=self.cursor, wait=within)
        if events:
            raise AssertionError(
                f"expected no reply to user {self.id}, got {BotEvent.from_event(events[0])!r}\n"
                + await self.format_transcript()
            )

    async def format_transcript(self) -> str:
        """The chat so far, one line per message, for assertion messages."""
        try:
            messages = await self.transcript()
        except SandboxError:
            return "(no transcript: unknown chat)"
        lines = [f"transcript of chat {self.id}:"]
        for m in messages:
            flags = "".join(
                [" (edited)" if m["edited"] else "", " (deleted)" if m["deleted"] else ""]
            )
            body = m["text"] or ""
            if m["document"]:
                body = f"[document {m['document'].get('file_name')}] {body}"
            if m["photo"]:
                body = f"[photo] {body}"
            if m["contact"]:
                body = f"[contact {m['contact']['phone_number']}]"
            if m["inline_keyboard"]:
                body += "  buttons: " + " | ".join(
                    b["text"] for row in m["inline_keyboard"] for b in row
                )
            if m["reply_keyboard"]:
                body += "  keyboard: " + " | ".join(
                    b["text"] for row in m["reply_keyboard"]["rows"] for b in row
                )
            lines.append(f"  #{m['message_id']} {m['from']}{flags}: {body}")
        return "\n".join(lines)
