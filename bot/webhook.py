"""Receiving updates by webhook: a small aiohttp server in front of the application.

- `POST <path of WEBHOOK_URL>`: Telegram's update. The `X-Telegram-Bot-Api-Secret-Token` header
  must equal `WEBHOOK_SECRET` (compared in constant time); a wrong or missing one gets `403` and
  a log line that says which, never the value. A body that is no update gets `400`.
- `GET /healthz`: `200 {"ok": true, ...}` with the update queue's length and the outbox's rows
  per status while the bot runs and its database answers; `503` otherwise. For the operator's
  monitoring and the reverse proxy's health check; it shows counts only.
- `GET /feed/calls.json` and `GET /feed/calls.atom`: the public feeds of open calls
  (bot/feeds.py, docs/feeds.md), when the server is given a `feeds` configuration. They need no
  secret: they hold only what a published call's card shows.

Stopping (`stop()`): the server stops accepting requests and finishes those it is reading; the
updates already accepted are handled by `Application.stop()` afterwards (runner.py), and the
outbox sender finishes its sends in flight and leaves unsent rows queued for the next start.
The webhook stays registered with Telegram, which keeps new updates until the bot is back.
"""

from __future__ import annotations

import hmac
import json
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.feeds import add_feed_routes
from storage.db import Database
from storage.queries.outbox import outbox_counts

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
HEALTH_PATH = "/healthz"
MAX_BODY = 1024 * 1024  # an update is a few kilobytes; Telegram sends files by reference


@dataclass(frozen=True)
class FeedConfig:
    """What the public feeds need to know: the language without `?lang=` and the public origin
    their self links name (PUBLIC_BASE_URL)."""

    default_language: str
    base_url: str


class WebhookServer:
    def __init__(
        self,
        application: Application,
        db: Database,
        *,
        url: str,
        secret: str,
        listen: str,
        port: int,
        feeds: FeedConfig | None = None,
    ) -> None:
        if not secret:
            raise ValueError("a webhook needs a secret token")
        self.application = application
        self.db = db
        self.url = url
        self.path = urlsplit(url).path or "/"
        self.secret = secret.encode()
        self.listen = listen
        self.port = port
        self.feeds = feeds
        self.accepting = False
        self.refused = 0
        self._runner: web.AppRunner | None = None

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(self.path, self.receive)
        app.router.add_get(HEALTH_PATH, self.health)
        if self.feeds is not None:
            add_feed_routes(
                app,
                self.db,
                default_language=self.feeds.default_language,
                # Known once the application has asked getMe (initialize), before serving.
                bot_username=lambda: self.application.bot.username,
                base_url=self.feeds.base_url,
            )
        return app

    async def start(self) -> None:
        """Listen, then tell Telegram where to send updates."""
        self._runner = web.AppRunner(self.make_app(), access_log=None, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.listen, self.port).start()
        self.accepting = True
        await self.application.bot.set_webhook(
            self.url,
            secret_token=self.secret.decode(),
            allowed_updates=Update.ALL_TYPES,
        )
        log.info("Receiving updates by webhook on %s:%s%s", self.listen, self.port, self.path)

    async def stop(self) -> None:
        """Stop accepting updates; requests being read are finished first."""
        self.accepting = False
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER)
        if given is None or not hmac.compare_digest(given.encode(), self.secret):
            self.refused += 1
            log.warning(
                "webhook: refused a request from %s: %s secret token",
                request.remote,
                "missing" if given is None else "wrong",
            )
            return web.Response(status=403, text="Forbidden")
        if not self.accepting or not self.application.running:
            # Telegram retries later; nothing is lost.
            return web.Response(status=503, text="Stopping")
        try:
            data = await request.json()
            update = Update.de_json(data, self.application.bot)
        except Exception:  # any JSON that is no update
            log.warning("webhook: a request body that is no update was refused")
            return web.Response(status=400, text="Bad Request")
        if update is None:
            return web.Response(status=400, text="Bad Request")
        await self.application.update_queue.put(update)
        return web.Response(status=200)

    async def health(self, request: web.Request) -> web.Response:
        body: dict[str, object] = {
            "ok": False,
            "running": self.application.running,
            "update_queue": self.application.update_queue.qsize(),
        }
        try:
            async with self.db.session() as session:
                body["outbox"] = await outbox_counts(session)
            body["database"] = "ok"
        except Exception as error:  # the operator needs to know, not a traceback
            body["database"] = type(error).__name__
        body["ok"] = body["running"] is True and body["database"] == "ok"
        return web.Response(
            status=200 if body["ok"] else 503,
            text=json.dumps(body),
            content_type="application/json",
        )
