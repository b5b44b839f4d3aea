"""Bot side of the stand-in: ``/bot{token}/{method}`` and ``/file/bot{token}/{path}``.

Why: the bot under test must talk to this exactly as to api.telegram.org, so requests are parsed
the way Telegram parses them (query, urlencoded, JSON, multipart with JSON-in-strings) and
answers/errors use Telegram's shapes and wording.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from sandbox import html_text, spec
from sandbox.images import image_size
from sandbox.world import (
    ChannelRec,
    ChatMessage,
    StoredFile,
    UserRec,
    World,
    json_response,
    message_view,
)

log = logging.getLogger(__name__)

TOKEN_RE = re.compile(r"^(\d+):[A-Za-z0-9_-]+$")
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
GET_FILE_LIMIT = 20 * 1024 * 1024
CHAT_ACTIONS = frozenset(
    {"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
     "upload_document", "choose_sticker", "find_location", "record_video_note",
     "upload_video_note"}
)  # fmt: skip
BOT_COMMAND_SCOPES = frozenset(
    {"default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat",
     "chat_administrators", "chat_member"}
)  # fmt: skip
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
# Telegram's wording for some missing required parameters; others get a generic message.
MISSING = {
    "chat_id": "Bad Request: chat_id is empty",
    "text": "Bad Request: message text is empty",
    "message_id": "Bad Request: message identifier is not specified",
    "callback_query_id": (
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    ),
    "document": "Bad Request: there is no document in the request",
    "photo": "Bad Request: there is no photo in the request",
    "file_id": "Bad Request: invalid file_id",
    "action": "Bad Request: wrong parameter action in request",
    "url": "Bad Request: bad webhook: An HTTPS URL must be provided for webhook",
    "commands": 'Bad Request: parameter "commands" is required',
}


class ApiError(Exception):
    """An error answer: ``{"ok": false, "error_code": code, "description": ...}``."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


@dataclass
class Upload:
    """A file part of a multipart request."""

    file_name: str
    data: bytes
    mime_type: str | None


@dataclass
class Described:
    """A result that Telegram accompanies with a ``description`` (e.g. setWebhook)."""

    result: Any
    description: str


Handler = Callable[[dict[str, Any]], Awaitable[Any]]


class BotApi:
    """aiohttp handlers for the bot side; all state lives in ``world``."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.methods: dict[str, Handler] = {
            name[3:].lower(): getattr(self, name) for name in dir(self) if name.startswith("m__")
        }

    # -- HTTP entry points -----------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.Response:
        started = time.monotonic()
        method_name = request.match_info["method"]
        call: dict[str, Any] = {
            "id": len(self.world.calls) + 1,
            "method": spec.canonical_method(method_name) or method_name,
            "http_method": request.method,
            "params": {},
            "t_mono": started,
            "t_wall": time.time(),
        }
        try:
            self._auth(request.match_info["token"])
            params = await read_params(request)
            canon = spec.canonical_method(method_name)
            if canon:
                params = {k: spec.coerce_param(canon, k, v) for k, v in params.items()}
            call["params"] = sanitize(params)
            if self.world.strict:
                call["spec_problems"] = spec.check_call(method_name, dropped_none(params))
            if await self._transport_faults(method_name):
                # The connection is closed without an answer; nothing was processed.
                call.update(status=0, ok=False, error="connection dropped (fault)")
                call["duration_ms"] = round((time.monotonic() - started) * 1000, 3)
                self.world.calls.append(call)
                if request.transport is not None:
                    request.transport.abort()
                return web.Response(status=500)
            await self._faults(method_name)
            handler = self.methods.get(method_name.lower())
            if canon is None:
                raise ApiError(404, "Not Found")
            if handler is None:
                raise bad(f"method {canon} is not implemented by the sandbox")
            self._check_required(canon, params)
            result = await handler(params)
            body: dict[str, Any] = {"ok": True}
            if isinstance(result, Described):
                body["result"] = result.result
                body["description"] = result.description
            else:
                body["result"] = result
            status = 200
        except ApiError as err:
            body, status = err.body(), err.code
            call["error"] = err.description
        except asyncio.CancelledError:
            # The client hung up (typically a long poll being stopped): record and give up.
            call.update(status=499, ok=False, error="client closed the request", cancelled=True)
            call["duration_ms"] = round((time.monotonic() - started) * 1000, 3)
            self.world.calls.append(call)
            raise
        except Exception as err:  # a sandbox bug: answer like a Telegram 500, keep serving
            log.exception("sandbox failed on %s", method_name)
            description = f"Internal Server Error: sandbox bug: {type(err).__name__}: {err}"
            body, status = ApiError(500, description).body(), 500
            call["error"] = description
        call["status"] = status
        call["ok"] = status == 200
        call["duration_ms"] = round((time.monotonic() - started) * 1000, 3)
        self.world.calls.append(call)
        return json_response(body, status=status)

    async def handle_file(self, request: web.Request) -> web.StreamResponse:
        file_path = request.match_info["file_path"]
        call: dict[str, Any] = {
            "id": len(self.world.calls) + 1,
            "method": "(file download)",
            "http_method": request.method,
            "params": {"file_path": file_path},
            "t_mono": time.monotonic(),
            "t_wall": time.time(),
        }
        try:
            self._auth(request.match_info["token"])
            stored = self.world.file_by_path(file_path)
            if stored is None:
                raise ApiError(404, "Not Found")
        except ApiError as err:
            call.update(status=err.code, ok=False, error=err.description)
            self.world.calls.append(call)
            return json_response(err.body(), status=err.code)
        call.update(status=200, ok=True)
        self.world.calls.append(call)
        return web.Response(body=stored.data, content_type="application/octet-stream")

    def _auth(self, token: str) -> None:
        m = TOKEN_RE.match(token)
        if not m:
            raise ApiError(401, "Unauthorized")
        self.world.bot_id = int(m.group(1))

    async def _transport_faults(self, method_name: str) -> bool:
        """Time-outs (hang, then the client gives up: the call is cancelled unprocessed) and
        dropped connections (True: close it without an answer)."""
        faults = self.world.faults
        if not faults.hits(method_name):
            return False
        if faults.timeout_rate > 0 and self.world.rng.random() < faults.timeout_rate:
            await asyncio.sleep(faults.hang_ms / 1000)
            raise ApiError(504, "Gateway Timeout")  # only if the client waited that long
        return faults.drop_rate > 0 and self.world.rng.random() < faults.drop_rate

    async def _faults(self, method_name: str) -> None:
        faults = self.world.faults
        if faults.latency_ms > 0:
            await asyncio.sleep(faults.latency_ms / 1000)
        if method_name.lower() in {m.lower() for m in faults.unsupported_methods}:
            raise ApiError(404, "Not Found")
        lower = method_name.lower()
        storm = lower.startswith(("send", "edit")) and lower != "sendchataction"
        if (
            storm
            and faults.hits(method_name)
            and faults.flood_rate > 0
            and self.world.rng.random() < faults.flood_rate
        ):
            wait = faults.retry_after or 1
            raise ApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
        if (
            faults.error_rate > 0
            and faults.hits(method_name)
            and self.world.rng.random() < faults.error_rate
        ):
            code, text = self.world.rng.choice(
                [(502, "Bad Gateway"), (500, "Internal Server Error")]
            )
            raise ApiError(code, text)
        lower = method_name.lower()
        limited = lower.startswith(("send", "edit")) and lower != "sendchataction"
        if limited and faults.max_messages_per_second:
            now = time.monotonic()
            times = self.world.send_times
            while times and now - times[0] >= 1.0:
                times.popleft()
            if len(times) >= faults.max_messages_per_second:
                wait = faults.retry_after or max(1, math.ceil(1.0 - (now - times[0])))
                raise ApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
            times.append(now)

    def _check_required(self, canon: str, params: dict[str, Any]) -> None:
        for name, field in spec.method_fields(canon).items():
            if field["required"] and params.get(name) in (None, ""):
                raise ApiError(
                    400, MISSING.get(name, f'Bad Request: parameter "{name}" is required')
                )

    # -- shared helpers --------------------------------------------------------------------
    def _chat(self, params: dict[str, Any], sending: bool = True) -> UserRec:
        user = self.world.find_chat(params.get("chat_id", ""))
        if user is None:
            raise bad("chat not found")
        if sending and user.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return user

    def _recipient(self, params: dict[str, Any]) -> UserRec | ChannelRec:
        """The chat a message goes to: a user's private chat, or a channel where the bot is an
        administrator allowed to post (Telegram's refusals otherwise)."""
        channel = self.world.find_channel(params.get("chat_id", ""))
        if channel is None:
            return self._chat(params)
        if channel.bot_status == "kicked":
            raise ApiError(403, "Forbidden: bot was kicked from the channel chat")
        if channel.bot_status == "left":
            raise ApiError(403, "Forbidden: bot is not a member of the channel chat")
        if not channel.may_post:
            raise bad("need administrator rights in the channel chat")
        return channel

    def _format(
        self, params: dict[str, Any], key: str, entities_key: str, limit: int, too_long: str
    ) -> tuple[str, list[dict[str, Any]], str | None, str | None]:
        """(plain text, entities, raw text, parse_mode) of a text or caption parameter."""
        raw = params.get(key)
        raw = None if raw is None else str(raw)
        mode = params.get("parse_mode") or None
        if raw is None:
            return "", [], None, mode
        entities: list[dict[str, Any]] = []
        text = raw
        if mode and str(mode).lower() == "html":
            try:
                text, entities = html_text.parse_html(raw)
            except html_text.EntityParseError as err:
                raise bad(str(err)) from None
        elif not mode and isinstance(params.get(entities_key), list):
            entities = [e for e in params[entities_key] if isinstance(e, dict)]
        text, entities = html_text.strip_text(text, entities)
        if html_text.plain_length(text) > limit:
            raise bad(too_long)
        return text, entities, raw, mode

    def _markup(self, raw: Any, inline_only: bool = False) -> dict[str, Any] | None:
        if raw is None:
            return None
        if not isinstance(raw, dict):
            raise bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in raw:
            rows = raw["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
            for row in rows:
                for button in row:
                    self._check_inline_button(button)
            return raw
        if inline_only:
            raise bad("inline keyboard expected")
        if "keyboard" in raw:
            rows = raw["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad('field "keyboard" of the ReplyKeyboardMarkup must be an Array')
            return raw
        if raw.get("remove_keyboard") or raw.get("force_reply"):
            return raw
        raise bad("can't parse reply keyboard markup JSON object")

    @staticmethod
    def _check_inline_button(button: Any) -> None:
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            raise bad("can't parse inline keyboard button: Text must be a String")
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                raise bad("BUTTON_DATA_INVALID")
        elif "url" in button:
            if not re.match(r"^(https?|tg)://\S+$", str(button["url"])):
                raise bad("BUTTON_URL_INVALID")
        elif not any(
            k in button
            for k in ("web_app", "login_url", "switch_inline_query",
                      "switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
                      "copy_text", "callback_game", "pay")
        ):  # fmt: skip
            raise bad(
                "can't parse inline keyboard button: "
                "Text buttons are unallowed in the inline keyboard"
            )

    def _reply_to(self, params: dict[str, Any], chat_id: int) -> dict[str, Any] | None:
        rp = params.get("reply_parameters")
        mid: Any = None
        allow_missing = bool(params.get("allow_sending_without_reply"))
        if isinstance(rp, dict):
            mid = rp.get("message_id")
            allow_missing = allow_missing or bool(rp.get("allow_sending_without_reply"))
        elif params.get("reply_to_message_id") is not None:
            mid = params["reply_to_message_id"]
        if mid is None:
            return None
        target = self.world.get_message(chat_id, int(mid))
        if target is None or target.deleted:
            if allow_missing:
                return None
            raise bad("message to be replied not found")
        return {k: v for k, v in target.api.items() if k != "reply_to_message"}

    def _send(
        self,
        user: UserRec | ChannelRec,
        params: dict[str, Any],
        api: dict[str, Any],
        raw: str | None,
        mode: str | None,
        markup: dict[str, Any] | None,
    ) -> ChatMessage:
        """Store a bot message, emit its event and return it."""
        reply = self._reply_to(params, user.id)
        if reply:
            api["reply_to_message"] = reply
        if markup and "inline_keyboard" in markup:
            api["reply_markup"] = markup  # only inline keyboards are part of a Message
        if params.get("protect_content"):
            api["has_protected_content"] = True
        msg = self.world.new_message(
            user.id, "bot", api, raw_text=raw, parse_mode=mode, reply_markup=markup
        )
        if markup and ("keyboard" in markup or markup.get("remove_keyboard")):
            self.world.reply_keyboards[user.id] = markup if "keyboard" in markup else None
        self.world.chat_actions.pop(user.id, None)
        self.world.add_event(
            user.id, "message", message_id=msg.message_id, message=message_view(self.world, msg)
        )
        return msg

    def _target(self, params: dict[str, Any], not_found: str) -> ChatMessage:
        if params.get("inline_message_id"):
            raise bad(not_found)  # inline messages are not modelled
        if params.get("chat_id") in (None, ""):
            raise ApiError(400, MISSING["chat_id"])
        if params.get("message_id") in (None, ""):
            raise ApiError(400, MISSING["message_id"])
        user = self._chat(params, sending=False)
        try:
            msg = self.world.get_message(user.id, int(params["message_id"]))
        except (TypeError, ValueError):
            msg = None
        if msg is None or msg.deleted:
            raise bad(not_found)
        return msg

    def _edit(self, msg: ChatMessage, new_api: dict[str, Any], **meta: Any) -> dict[str, Any]:
        same = all(
            msg.api.get(k) == new_api.get(k)
            for k in ("text", "entities", "caption", "caption_entities", "reply_markup")
        )
        if same:
            raise bad(NOT_MODIFIED[len("Bad Request: ") :])
        msg.versions.append(msg.api)
        new_api["edit_date"] = int(time.time())
        msg.api = new_api
        msg.edited = True
        for key, value in meta.items():
            setattr(msg, key, value)
        self.world.add_event(
            msg.chat_id, "edit", message_id=msg.message_id, message=message_view(self.world, msg)
        )
        return new_api

    def _file_param(self, params: dict[str, Any], key: str, kind: str) -> StoredFile:
        value = params.get(key)
        if isinstance(value, Upload):
            width = height = None
            if kind == "photo":
                size = image_size(value.data)
                if size is None:
                    raise bad("IMAGE_PROCESS_FAILED")
                width, height = size
            return self.world.add_file(
                value.data, kind, value.file_name, value.mime_type, width, height
            )
        if isinstance(value, str):
            stored = self.world.files.get(value)
            if stored is not None:
                if stored.kind != kind:
                    raise bad(
                        f"wrong file identifier: can't use file of type {stored.kind.title()} "
                        f"as {kind.title()}"
                    )
                return stored
            if value.startswith(("http://", "https://")):
                raise bad("failed to get HTTP URL content")
        raise bad("wrong file identifier/HTTP URL specified")

    # -- methods (m__<name>; the dispatcher matches names case-insensitively) ------------------
    async def m__getMe(self, p: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.world.bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def m__getUpdates(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        world = self.world
        if world.webhook.url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = _int(p.get("offset"), 0)
        if offset:
            world.confirm_updates(offset)
        limit = min(max(_int(p.get("limit"), 100), 1), 100)
        timeout = max(_float(p.get("timeout"), 0.0), 0.0)
        if "allowed_updates" in p and isinstance(p["allowed_updates"], list):
            world.allowed_updates = p["allowed_updates"] or None
        world.poll_generation += 1
        generation = world.poll_generation
        world.notify()  # an older long poll learns it was superseded

        def ready() -> bool:
            return (
                bool(world.updates)
                or world.poll_generation != generation
                or bool(world.webhook.url)
            )

        await world.wait_for(ready, timeout)
        if world.poll_generation != generation:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        if world.webhook.url:
            return []
        return list(world.updates)[:limit]

    async def m__setWebhook(self, p: dict[str, Any]) -> Described:
        url = str(p.get("url") or "")
        if not re.match(r"^https?://[^/\s]+", url):
            raise bad("bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise bad("secret token contains unallowed characters")
        allowed = p.get("allowed_updates")
        wh = self.world.webhook
        wh.url = url
        wh.secret_token = str(secret) if secret else None
        if isinstance(allowed, list):
            wh.allowed_updates = allowed or None
        wh.max_connections = _int(p.get("max_connections"), 40)
        wh.last_error_date = wh.last_error_message = None
        if p.get("drop_pending_updates"):
            self.world.updates.clear()
        self.world.notify()
        return Described(True, "Webhook was set")

    async def m__deleteWebhook(self, p: dict[str, Any]) -> Described:
        had = bool(self.world.webhook.url)
        self.world.webhook.url = ""
        self.world.webhook.secret_token = None
        if p.get("drop_pending_updates"):
            self.world.updates.clear()
        self.world.notify()
        return Described(True, "Webhook was deleted" if had else "Webhook is already deleted")

    async def m__getWebhookInfo(self, p: dict[str, Any]) -> dict[str, Any]:
        wh = self.world.webhook
        info: dict[str, Any] = {
            "url": wh.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.world.updates),
        }
        if wh.url:
            info["ip_address"] = "127.0.0.1"
            info["max_connections"] = wh.max_connections
            if wh.allowed_updates:
                info["allowed_updates"] = list(wh.allowed_updates)
            if wh.last_error_date:
                info["last_error_date"] = wh.last_error_date
                info["last_error_message"] = wh.last_error_message or ""
        return info

    async def m__sendMessage(self, p: dict[str, Any]) -> dict[str, Any]:
        user = self._recipient(p)
        text, entities, raw, mode = self._format(
            p, "text", "entities", TEXT_LIMIT, "message is too long"
        )
        if not text:
            raise ApiError(400, MISSING["text"])
        markup = self._markup(p.get("reply_markup"))
        api: dict[str, Any] = {"text": text}
        if entities:
            api["entities"] = entities
        lpo = p.get("link_preview_options")
        if isinstance(lpo, dict) and lpo.get("is_disabled"):
            api["link_preview_options"] = {"is_disabled": True}
        return self._send(user, p, api, raw, mode, markup).api

    async def m__sendDocument(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._send_media(p, "document")

    async def m__sendPhoto(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._send_media(p, "photo")

    def _send_media(self, p: dict[str, Any], kind: str) -> dict[str, Any]:
        user = self._recipient(p)
        caption, entities, raw, mode = self._format(
            p, "caption", "caption_entities", CAPTION_LIMIT, "message caption is too long"
        )
        markup = self._markup(p.get("reply_markup"))
        stored = self._file_param(p, kind, kind)
        api: dict[str, Any] = {
            kind: document_obj(stored) if kind == "document" else photo_sizes(stored)
        }
        if caption:
            api["caption"] = caption
            if entities:
                api["caption_entities"] = entities
        return self._send(user, p, api, raw, mode, markup).api

    async def m__editMessageText(self, p: dict[str, Any]) -> dict[str, Any]:
        msg = self._target(p, "message to edit not found")
        if msg.sender != "bot":
            raise bad("message can't be edited")
        if "text" not in msg.api:
            raise bad("there is no text in the message to edit")
        text, entities, raw, mode = self._format(
            p, "text", "entities", TEXT_LIMIT, "message is too long"
        )
        if not text:
            raise ApiError(400, MISSING["text"])
        markup = self._markup(p.get("reply_markup"), inline_only=True)
        new = {
            k: v for k, v in msg.api.items() if k not in ("entities", "reply_markup", "edit_date")
        }
        new["text"] = text
        if entities:
            new["entities"] = entities
        if markup:
            new["reply_markup"] = markup
        return self._edit(msg, new, raw_text=raw, parse_mode=mode, reply_markup=markup)

    async def m__editMessageCaption(self, p: dict[str, Any]) -> dict[str, Any]:
        msg = self._target(p, "message to edit not found")
        if msg.sender != "bot" or not ({"document", "photo"} & msg.api.keys()):
            raise bad("message can't be edited")
        caption, entities, raw, mode = self._format(
            p, "caption", "caption_entities", CAPTION_LIMIT, "message caption is too long"
        )
        markup = self._markup(p.get("reply_markup"), inline_only=True)
        drop = ("caption", "caption_entities", "reply_markup", "edit_date")
        new = {k: v for k, v in msg.api.items() if k not in drop}
        if caption:
            new["caption"] = caption
            if entities:
                new["caption_entities"] = entities
        if markup:
            new["reply_markup"] = markup
        return self._edit(msg, new, raw_text=raw, parse_mode=mode, reply_markup=markup)

    async def m__editMessageReplyMarkup(self, p: dict[str, Any]) -> dict[str, Any]:
        msg = self._target(p, "message to edit not found")
        if msg.sender != "bot":
            raise bad("message can't be edited")
        markup = self._markup(p.get("reply_markup"), inline_only=True)
        new = {k: v for k, v in msg.api.items() if k not in ("reply_markup", "edit_date")}
        if markup:
            new["reply_markup"] = markup
        return self._edit(msg, new, reply_markup=markup)

    async def m__deleteMessage(self, p: dict[str, Any]) -> bool:
        msg = self._target(p, "message to delete not found")
        msg.deleted = True
        self.world.add_event(
            msg.chat_id, "delete", message_id=msg.message_id, message=message_view(self.world, msg)
        )
        return True

    async def m__answerCallbackQuery(self, p: dict[str, Any]) -> bool:
        rec = self.world.callbacks.get(str(p.get("callback_query_id")))
        if rec is None or rec.answered:
            raise bad("query is too old and response timeout expired or query ID is invalid")
        text = p.get("text")
        if text is not None and len(str(text)) > 200:
            raise bad("MESSAGE_TOO_LONG")
        rec.answered = True
        self.world.add_event(
            rec.chat_id,
            "callback_answer",
            message_id=rec.message_id,
            callback_query_id=rec.id,
            text=None if text is None else str(text),
            show_alert=bool(p.get("show_alert")),
            url=p.get("url"),
        )
        return True

    async def m__getFile(self, p: dict[str, Any]) -> dict[str, Any]:
        stored = self.world.files.get(str(p.get("file_id")))
        if stored is None:
            raise bad("invalid file_id")
        if stored.size > GET_FILE_LIMIT:
            raise bad("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    async def m__getChat(self, p: dict[str, Any]) -> dict[str, Any]:
        """ChatFullInfo of a channel or a user's private chat. A channel without a username
        (private) is found only while the bot is in it, as on Telegram."""
        channel = self.world.find_channel(p.get("chat_id", ""))
        if channel is not None:
            if not channel.username and channel.bot_status in ("left", "kicked"):
                raise bad("chat not found")
            return {**channel.chat(), **FULL_INFO_DEFAULTS}
        user = self._chat(p, sending=False)
        return {**user.chat(), **FULL_INFO_DEFAULTS}

    async def m__getChatMember(self, p: dict[str, Any]) -> dict[str, Any]:
        """The bot's own place in a channel, or a user in their private chat with the bot."""
        user_id = _int(p.get("user_id"), 0)
        channel = self.world.find_channel(p.get("chat_id", ""))
        if channel is None:
            chat = self._chat(p, sending=False)
            if user_id == self.world.bot_id:
                return {"status": "member", "user": self.world.bot_user()}
            if user_id != chat.id:
                raise bad("user not found")
            status = "kicked" if chat.blocked else "member"
            return chat_member(status, chat.api())
        if not channel.username and channel.bot_status in ("left", "kicked"):
            raise bad("chat not found")
        if user_id == self.world.bot_id:
            return chat_member(channel.bot_status, self.world.bot_user(), channel)
        if channel.bot_status != "administrator":
            raise bad("member list is inaccessible")
        user = self.world.users.get(user_id)
        if user is None:
            raise bad("user not found")
        if user_id in channel.admins:
            status = "creator" if channel.admins[0] == user_id else "administrator"
            return chat_member(status, user.api(), channel)
        return chat_member("left", user.api())

    async def m__sendChatAction(self, p: dict[str, Any]) -> bool:
        user = self._chat(p)
        if p.get("action") not in CHAT_ACTIONS:
            raise ApiError(400, MISSING["action"])
        self.world.chat_actions[user.id] = str(p["action"])
        self.world.notify()
        return True

    def _scope_key(self, p: dict[str, Any]) -> tuple[str, str]:
        scope = p.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in BOT_COMMAND_SCOPES:
            raise bad("can't parse BotCommandScope JSON object")
        if scope["type"] in ("chat", "chat_administrators", "chat_member"):
            if self.world.find_chat(scope.get("chat_id", "")) is None:
                raise bad("chat not found")
        return json.dumps(scope, sort_keys=True), str(p.get("language_code") or "")

    async def m__setMyCommands(self, p: dict[str, Any]) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad("can't parse commands JSON object")
        clean = []
        for c in commands:
            if not isinstance(c, dict):
                raise bad("can't parse BotCommand JSON object")
            command, description = str(c.get("command", "")), str(c.get("description", ""))
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command):
                raise bad("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise bad("BOT_COMMAND_DESCRIPTION_INVALID")
            clean.append({"command": command, "description": description})
        key = self._scope_key(p)
        if clean:
            self.world.commands[key] = clean
        else:
            self.world.commands.pop(key, None)
        return True

    async def m__getMyCommands(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        return [dict(c) for c in self.world.commands.get(self._scope_key(p), [])]

    async def m__deleteMyCommands(self, p: dict[str, Any]) -> bool:
        self.world.commands.pop(self._scope_key(p), None)
        return True

    # Profile texts (stored per language; getters answer what was set).
    async def m__setMyDescription(self, p: dict[str, Any]) -> bool:
        return self._set_setting("description", p)

    async def m__getMyDescription(self, p: dict[str, Any]) -> dict[str, Any]:
        return {"description": self._get_setting("description", p)}

    async def m__setMyShortDescription(self, p: dict[str, Any]) -> bool:
        return self._set_setting("short_description", p)

    async def m__getMyShortDescription(self, p: dict[str, Any]) -> dict[str, Any]:
        return {"short_description": self._get_setting("short_description", p)}

    async def m__setMyName(self, p: dict[str, Any]) -> bool:
        return self._set_setting("name", p)

    async def m__getMyName(self, p: dict[str, Any]) -> dict[str, Any]:
        return {"name": self._get_setting("name", p) or self.world.bot_first_name}

    def _set_setting(self, key: str, p: dict[str, Any]) -> bool:
        self.world.bot_settings[(key, str(p.get("language_code") or ""))] = str(p.get(key) or "")
        return True

    def _get_setting(self, key: str, p: dict[str, Any]) -> str:
        return self.world.bot_settings.get((key, str(p.get("language_code") or "")), "")

    async def m__setChatMenuButton(self, p: dict[str, Any]) -> bool:
        button = p.get("menu_button") or {"type": "default"}
        self.world.bot_settings[("menu_button", str(p.get("chat_id") or ""))] = button
        return True

    async def m__getChatMenuButton(self, p: dict[str, Any]) -> dict[str, Any]:
        stored = self.world.bot_settings.get(("menu_button", str(p.get("chat_id") or "")))
        return stored or {"type": "default"}

    async def m__close(self, p: dict[str, Any]) -> bool:
        return True

    async def m__logOut(self, p: dict[str, Any]) -> bool:
        return True


# -- chats and members ---------------------------------------------------------------------
# ChatFullInfo fields every chat has (values of a chat without customisation).
FULL_INFO_DEFAULTS: dict[str, Any] = {
    "accent_color_id": 0,
    "max_reaction_count": 11,
    "accepted_gift_types": {
        "unlimited_gifts": False,
        "limited_gifts": False,
        "unique_gifts": False,
        "premium_subscription": False,
        "gifts_from_channels": False,
    },
}
# The rights of a channel administrator other than posting (the stand-in grants them all).
ADMIN_RIGHTS = (
    "can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_restrict_members",
    "can_promote_members", "can_change_info", "can_invite_users", "can_post_stories",
    "can_edit_stories", "can_delete_stories",
)  # fmt: skip


def chat_member(status: str, user: dict[str, Any], channel: ChannelRec | None = None) -> dict:
    """A ChatMember object of the given status."""
    member: dict[str, Any] = {"status": status, "user": user}
    if status == "kicked":
        member["until_date"] = 0
    elif status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(can_be_edited=False, is_anonymous=False, **dict.fromkeys(ADMIN_RIGHTS, True))
        member["can_post_messages"] = bool(channel and channel.can_post_messages)
        member["can_edit_messages"] = True
    return member


# -- request parsing -----------------------------------------------------------------------
async def read_params(request: web.Request) -> dict[str, Any]:
    """All parameters of a call: query string plus the body (JSON, urlencoded or multipart).

    File parts become ``Upload``; ``attach://name`` values are resolved to the named part.
    """
    params: dict[str, Any] = dict(request.query)
    if request.method == "POST" and request.body_exists:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad("can't parse JSON object") from None
            if isinstance(body, dict):
                params.update(body)
        else:
            try:
                form = await request.post()
            except web.HTTPRequestEntityTooLarge:
                raise ApiError(413, "Request Entity Too Large") from None
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    params[key] = Upload(value.filename, value.file.read(), value.content_type)
                else:
                    params[key] = value
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            part = params.get(value[len("attach://") :])
            if isinstance(part, Upload):
                params[key] = part
    return params


def sanitize(params: dict[str, Any]) -> dict[str, Any]:
    """Params for the call record: file bytes replaced by name and size."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, Upload):
            out[key] = {"upload": True, "file_name": value.file_name, "size": len(value.data),
                        "mime_type": value.mime_type}  # fmt: skip
        else:
            out[key] = value
    return out


def dropped_none(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v is not None}


def document_obj(stored: StoredFile) -> dict[str, Any]:
    doc: dict[str, Any] = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
    if stored.file_name:
        doc["file_name"] = stored.file_name
    if stored.mime_type:
        doc["mime_type"] = stored.mime_type
    doc["file_size"] = stored.size
    return doc


def photo_sizes(stored: StoredFile) -> list[dict[str, Any]]:
    return [
        {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "width": stored.width or 0,
            "height": stored.height or 0,
            "file_size": stored.size,
        }
    ]


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _float(value: Any, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default
