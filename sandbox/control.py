"""Control side of the stand-in (``/sandbox/...``, JSON): act as users, read transcripts and
events, set faults, read the call record.

Why over HTTP (and not only in-process): a demo script or a bot running in another process can
be driven the same way as tests are; ``SandboxClient`` is a thin wrapper over these routes.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import random
from typing import Any

from aiohttp import web

from sandbox import users
from sandbox.world import Faults, World, json_response, message_view

log = logging.getLogger(__name__)

PROFILE_KEYS = ("first_name", "last_name", "username", "language_code")
MAX_WAIT = 60.0


def _error(status: int, message: str, **details: Any) -> web.Response:
    return json_response({"ok": False, "error": message, **details}, status=status)


def _int_arg(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise web.HTTPBadRequest(
            text=f'{{"ok": false, "error": "{name} must be an integer"}}',
            content_type="application/json",
        ) from None


def _float_arg(value: Any, default: float) -> float:
    try:
        return float(value) if value not in (None, "") else default
    except ValueError:
        return default


async def _json_body(request: web.Request) -> dict[str, Any]:
    if not request.body_exists:
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(
            text='{"ok": false, "error": "body must be JSON"}', content_type="application/json"
        ) from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(
            text='{"ok": false, "error": "body must be a JSON object"}',
            content_type="application/json",
        )
    return body


def _profile(body: dict[str, Any]) -> dict[str, Any]:
    return {k: body[k] for k in PROFILE_KEYS if body.get(k) is not None}


@web.middleware
async def json_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    """Control-side failures answer JSON too (bot-side routes handle their own errors)."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.content_type == "application/json" or not request.path.startswith("/sandbox"):
            raise
        return _error(exc.status, exc.reason)
    except Exception as exc:
        if not request.path.startswith("/sandbox"):
            raise
        log.exception("sandbox control API failed on %s", request.path)
        return _error(500, f"sandbox bug: {type(exc).__name__}: {exc}")


class Control:
    """aiohttp handlers for ``/sandbox/``; all state lives in ``world``."""

    def __init__(self, world: World) -> None:
        self.world = world

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/sandbox", self.summary),
            web.get("/sandbox/", self.summary),
            web.post("/sandbox/reset", self.reset),
            web.get("/sandbox/users", self.list_users),
            web.get("/sandbox/users/{user_id}", self.get_user),
            web.put("/sandbox/users/{user_id}", self.put_user),
            web.post("/sandbox/users/{user_id}/send", self.send),
            web.post("/sandbox/users/{user_id}/click", self.click),
            web.post("/sandbox/users/{user_id}/contact", self.contact),
            web.post("/sandbox/users/{user_id}/location", self.location),
            web.post("/sandbox/users/{user_id}/document", self.upload_document),
            web.post("/sandbox/users/{user_id}/photo", self.upload_photo),
            web.post("/sandbox/users/{user_id}/forward", self.forward),
            web.post("/sandbox/users/{user_id}/block", self.block),
            web.post("/sandbox/users/{user_id}/unblock", self.unblock),
            web.post("/sandbox/users/{user_id}/channel-bot", self.channel_bot),
            web.get("/sandbox/channels", self.list_channels),
            web.put("/sandbox/channels/{chat_id}", self.put_channel),
            web.get("/sandbox/chats/{chat_id}", self.chat_state),
            web.get("/sandbox/chats/{chat_id}/messages", self.transcript),
            web.get("/sandbox/chats/{chat_id}/events", self.chat_events),
            web.get("/sandbox/events", self.all_events),
            web.get("/sandbox/faults", self.get_faults),
            web.post("/sandbox/faults", self.set_faults),
            web.delete("/sandbox/faults", self.reset_faults),
            web.get("/sandbox/calls", self.get_calls),
            web.delete("/sandbox/calls", self.clear_calls),
            web.get("/sandbox/spec-problems", self.spec_problems),
            web.get("/sandbox/updates", self.pending_updates),
            web.get("/sandbox/commands", self.commands),
            web.get("/sandbox/files/{file_id}", self.download),
        ]

    # -- overview --------------------------------------------------------------------------
    async def summary(self, request: web.Request) -> web.Response:
        w = self.world
        return json_response(
            {
                "ok": True,
                "bot": w.bot_user(),
                "users": len(w.users),
                "pending_updates": len(w.updates),
                "webhook": {"url": w.webhook.url, "has_secret": bool(w.webhook.secret_token)},
                "last_seq": w.last_seq,
                "calls": len(w.calls),
                "faults": w.faults.as_dict(),
            }
        )

    async def reset(self, request: web.Request) -> web.Response:
        self.world.reset()
        return json_response({"ok": True})

    # -- users -----------------------------------------------------------------------------
    async def list_users(self, request: web.Request) -> web.Response:
        return json_response(
            {
                "ok": True,
                "users": [{**u.api(), "blocked": u.blocked} for u in self.world.users.values()],
            }
        )

    async def get_user(self, request: web.Request) -> web.Response:
        user = self.world.users.get(_int_arg(request.match_info["user_id"], "user_id"))
        if user is None:
            return _error(404, "no such user")
        return json_response({"ok": True, "user": {**user.api(), "blocked": user.blocked}})

    async def put_user(self, request: web.Request) -> web.Response:
        uid = _int_arg(request.match_info["user_id"], "user_id")
        user = self.world.user(uid, **_profile(await _json_body(request)))
        return json_response({"ok": True, "user": {**user.api(), "blocked": user.blocked}})

    def _action_result(self, msg: Any, update: dict | None) -> web.Response:
        return json_response(
            {
                "ok": True,
                "message": message_view(self.world, msg),
                "update_id": update["update_id"] if update else None,
            }
        )

    async def send(self, request: web.Request) -> web.Response:
        uid = _int_arg(request.match_info["user_id"], "user_id")
        body = await _json_body(request)
        reply_to = body.get("reply_to_message_id")
        try:
            msg, update = users.send_text(
                self.world,
                uid,
                str(body.get("text") or ""),
                None if reply_to is None else _int_arg(reply_to, "reply_to_message_id"),
                **_profile(body),
            )
        except users.ActionError as err:
            return _error(err.status, str(err), **err.details)
        return self._action_result(msg, update)

    async def click(self, request: web.Request) -> web.Response:
        uid = _int_arg(request.match_info["user_id"], "user_id")
        body = await _json_body(request)
        mid = body.get("message_id")
        try:
            query, update = users.click(
                self.world,
                uid,
                text=body.get("text"),
                message_id=None if mid is None else _int_arg(mid, "message_id"),
                data=None if body.get("data") is None else str(body["data"]),
                **_profile(body),
            )
        except users.ActionError as err:
            return _error(err.status, str(err), **err.details)
        return json_response(
            {
                "ok": True,
                "callback_query_id": query["id"],
                "message_id": query["message"]["message_id"],
                "data": query.get("data"),
                "update_id": update["update_id"] if update else None,
            }
        )

    async def contact(self, request: web.Request) -> web.Response:
        uid = _int_arg(request.match_info["user_id"], "user_id")
        body = await _json_body(request)
        if not body.get("phone_number"):
            return _error(400, "phone_number is required")
        cuid = body.get("user_id")
        try:
            msg, update = users.share_contact(
                self.world,
                uid,
                str(body["phone_number"]),
                contact_first_name=body.get("contact_first_name"),
                contact_last_name=body.get("contact_last_name"),
                contact_user_id=None if cuid is None else _int_arg(cuid, "user_id"),
                **_profile(body),
            )
        except users.ActionError as err:
            return _error(err.status, str(err), **err.details)
        return self._action_result(msg, update)

    async def location(self, request: web.Request) -> web.Response:
        uid = _int_arg(request.match_info["user_id"], "user_id")
        body = await _json_body(request)
        try:
            latitude, longitude = float(body["latitude"]), float(body["longitude"])
        except (KeyError, TypeError, ValueError):
            return _error(400, "latitude and longitude (numbers) are required")
        try:
            msg, update = users.share_location(
                self.world, uid, latitude, longitude, **_profile(body)
            )
        except users.ActionError as err:
            return _error(err.status, str(err), **err.details)
        return self._action_result(msg, update)

    async def upload_document(self, request: web.Request) -> web.Response:
        return await self._upload(request, "document")

    async def upload_photo(self, request: web.Request) -> web.Response:
        return await self._upload(request, "photo")

    async def _upload(self, request: web.Request, kind: str) -> web.Response:
        """multipart: part "file" (+ fields caption, mime_type, profile) or JSON with
        content_base64, file_name, mime_type, caption."""
        uid = _int_arg(request.match_info["user_id"], "user_id")
        fields: dict[str, Any]
        if request.content_type == "multipart/form-data":
            form = await request.post()
            part = form.get("file")
            if not isinstance(part, web.FileField):
                return _error(400, 'multipart part "file" with a file name is required')
            data = part.file.read()
            fields = {k: v for k, v in form.items() if isinstance(v, str)}
            fields.setdefault("file_name", part.filename)
            if part.content_type and part.content_type != "application/octet-stream":
                fields.setdefault("mime_type", part.content_type)
        else:
            fields = await _json_body(request)
            try:
                data = base64.b64decode(str(fields.get("content_base64", "")), validate=True)
            except (binascii.Error, ValueError):
                return _error(400, "content_base64 is not valid base64")
        if not data:
            return _error(400, "file content is empty")
        try:
            msg, update = users.upload(
                self.world,
                uid,
                kind,
                data,
                fields.get("file_name"),
                fields.get("mime_type"),
                fields.get("caption"),
                **_profile(fields),
            )
        except users.ActionError as err:
            return _error(err.status, str(err), **err.details)
        return self._action_result(msg, update)

    async def forward(self, request: web.Request) -> web.Response:
        uid = _int_arg(request.match_info["user_id"], "user_id")
        body = await _json_body(request)
        try:
            msg, update = users.forward_channel_post(
                self.world,
                uid,
                _int_arg(body.get("channel_id"), "channel_id"),
                str(body.get("text") or ""),
                **_profile(body),
            )
        except users.ActionError as err:
            return _error(err.status, str(err), **err.details)
        return self._action_result(msg, update)

    async def block(self, request: web.Request) -> web.Response:
        return await self._set_blocked(request, True)

    async def unblock(self, request: web.Request) -> web.Response:
        return await self._set_blocked(request, False)

    async def _set_blocked(self, request: web.Request, blocked: bool) -> web.Response:
        uid = _int_arg(request.match_info["user_id"], "user_id")
        update = users.set_blocked(self.world, uid, blocked, **_profile(await _json_body(request)))
        return json_response({"ok": True, "update_id": update["update_id"] if update else None})

    async def channel_bot(self, request: web.Request) -> web.Response:
        """The user, as the channel's administrator, changes the bot's place in it."""
        uid = _int_arg(request.match_info["user_id"], "user_id")
        body = await _json_body(request)
        can_post = body.get("can_post_messages")
        try:
            update = users.set_bot_in_channel(
                self.world,
                uid,
                _int_arg(body.get("channel_id"), "channel_id"),
                str(body.get("status") or ""),
                None if can_post is None else bool(can_post),
                **_profile(body),
            )
        except users.ActionError as err:
            return _error(err.status, str(err), **err.details)
        channel = self.world.channels[_int_arg(body.get("channel_id"), "channel_id")]
        return json_response(
            {
                "ok": True,
                "channel": channel.as_dict(),
                "update_id": update["update_id"] if update else None,
            }
        )

    # -- channels --------------------------------------------------------------------------
    async def list_channels(self, request: web.Request) -> web.Response:
        channels = [c.as_dict() for c in self.world.channels.values()]
        return json_response({"ok": True, "channels": channels})

    async def put_channel(self, request: web.Request) -> web.Response:
        """Create or change a channel: title, username, the bot's status in it
        (administrator, member, left, kicked), whether it may post, and who runs it (admins:
        user ids, the first its creator)."""
        cid = self._chat_id(request)
        body = await _json_body(request)
        fields = {
            key: body.get(key)
            for key in ("title", "username", "bot_status", "can_post_messages", "admins")
        }
        try:
            channel = self.world.channel(cid, **fields)
        except ValueError as err:
            return _error(400, str(err))
        return json_response({"ok": True, "channel": channel.as_dict()})

    # -- chats -----------------------------------------------------------------------------
    def _chat_id(self, request: web.Request) -> int:
        return _int_arg(request.match_info["chat_id"], "chat_id")

    async def chat_state(self, request: web.Request) -> web.Response:
        cid = self._chat_id(request)
        user = self.world.users.get(cid)
        if user is None:
            return _error(404, "no such chat")
        return json_response(
            {
                "ok": True,
                "user": {**user.api(), "blocked": user.blocked},
                "reply_keyboard": self.world.reply_keyboards.get(cid),
                "chat_action": self.world.chat_actions.get(cid),
                "message_count": len(self.world.messages.get(cid, [])),
            }
        )

    async def transcript(self, request: web.Request) -> web.Response:
        cid = self._chat_id(request)
        msgs = [message_view(self.world, m) for m in self.world.messages.get(cid, [])]
        return json_response({"ok": True, "chat_id": cid, "messages": msgs})

    async def chat_events(self, request: web.Request) -> web.Response:
        return await self._events(request, self._chat_id(request))

    async def all_events(self, request: web.Request) -> web.Response:
        return await self._events(request, None)

    async def _events(self, request: web.Request, chat_id: int | None) -> web.Response:
        after = _int_arg(request.query.get("after", "0"), "after")
        wait = min(max(_float_arg(request.query.get("wait"), 0.0), 0.0), MAX_WAIT)
        events = await self.world.wait_for(lambda: self.world.events_after(after, chat_id), wait)
        return json_response({"ok": True, "events": events, "last_seq": self.world.last_seq})

    # -- faults ----------------------------------------------------------------------------
    async def get_faults(self, request: web.Request) -> web.Response:
        return json_response({"ok": True, "faults": self.world.faults.as_dict()})

    async def set_faults(self, request: web.Request) -> web.Response:
        body = await _json_body(request)
        known = set(Faults().as_dict())
        unknown = set(body) - known
        if unknown:
            return _error(400, f"unknown fault fields: {sorted(unknown)}", known=sorted(known))
        try:
            faults = Faults(
                latency_ms=float(body.get("latency_ms") or 0),
                error_rate=float(body.get("error_rate") or 0),
                max_messages_per_second=(
                    float(body["max_messages_per_second"])
                    if body.get("max_messages_per_second")
                    else None
                ),
                retry_after=int(body["retry_after"]) if body.get("retry_after") else None,
                seed=None if body.get("seed") is None else int(body["seed"]),
                unsupported_methods=[str(m) for m in body.get("unsupported_methods") or []],
                timeout_rate=float(body.get("timeout_rate") or 0),
                hang_ms=float(body.get("hang_ms") or 30_000),
                drop_rate=float(body.get("drop_rate") or 0),
                flood_rate=float(body.get("flood_rate") or 0),
                fault_methods=[str(m) for m in body.get("fault_methods") or []],
            )
        except (TypeError, ValueError) as err:
            return _error(400, f"bad fault value: {err}")
        rates = (faults.error_rate, faults.timeout_rate, faults.drop_rate, faults.flood_rate)
        if not all(0 <= rate <= 1 for rate in rates) or faults.latency_ms < 0:
            return _error(400, "rates must be within 0..1 and latency_ms >= 0")
        self.world.faults = faults
        self.world.send_times.clear()
        if faults.seed is not None:
            self.world.rng = random.Random(faults.seed)
        return json_response({"ok": True, "faults": faults.as_dict()})

    async def reset_faults(self, request: web.Request) -> web.Response:
        self.world.faults = Faults()
        self.world.send_times.clear()
        return json_response({"ok": True, "faults": self.world.faults.as_dict()})

    # -- call record -----------------------------------------------------------------------
    async def get_calls(self, request: web.Request) -> web.Response:
        calls = self.world.calls
        method = request.query.get("method")
        if method:
            calls = [c for c in calls if c["method"].lower() == method.lower()]
        return json_response({"ok": True, "calls": calls})

    async def clear_calls(self, request: web.Request) -> web.Response:
        self.world.calls.clear()
        return json_response({"ok": True})

    async def spec_problems(self, request: web.Request) -> web.Response:
        problems = [
            {"call_id": c["id"], "method": c["method"], "problem": p}
            for c in self.world.calls
            for p in c.get("spec_problems", [])
        ]
        return json_response({"ok": True, "problems": problems})

    async def pending_updates(self, request: web.Request) -> web.Response:
        return json_response({"ok": True, "updates": list(self.world.updates)})

    async def commands(self, request: web.Request) -> web.Response:
        items = [
            {"scope": json.loads(scope), "language_code": lang, "commands": cmds}
            for (scope, lang), cmds in self.world.commands.items()
        ]
        return json_response({"ok": True, "commands": items})

    async def download(self, request: web.Request) -> web.StreamResponse:
        stored = self.world.files.get(request.match_info["file_id"])
        if stored is None:
            return _error(404, "no such file")
        headers = {}
        if stored.file_name:
            headers["Content-Disposition"] = f'attachment; filename="{stored.file_name}"'
        return web.Response(
            body=stored.data,
            content_type=stored.mime_type or "application/octet-stream",
            headers=headers,
        )
