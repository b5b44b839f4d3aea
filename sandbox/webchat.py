"""The chat page: a browser window onto the stand-in, to use the real bot as its users would.

`GET /` serves `sandbox/static/index.html` (plain HTML, CSS and JavaScript: no build step and
nothing from the network); the page acts through the control API (`/sandbox/...`) like tests do
and long-polls `/sandbox/events` for what the bot sends. This module adds what only the page
needs:

- `GET /webchat/personas`: the people to act as: the ones registered with `add_persona` (the demo
  registers its cast, with a role line), then any other user the stand-in knows;
- `POST /webchat/personas` `{"first_name", "language_code"}`: a new blank user, to experience
  onboarding;
- `GET /webchat/status`: whether the bot is polling now, and the page's extra panels (the demo
  registers its outbox view; the stand-in itself knows nothing of the bot's database).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from aiohttp import web

from sandbox.world import World, json_response

STATIC = Path(__file__).parent / "static"
CONTENT_TYPES = {".html": "text/html", ".css": "text/css", ".js": "text/javascript"}
NEW_USER_IDS = 5001  # new blank users get ids from here on
NAME_LIMIT = 64
# A bot that long-polls with timeout T calls getUpdates at least every T seconds; this much
# slack on top before the page says the bot is not running.
POLL_SLACK = 4.0


@dataclass
class Persona:
    id: int
    first_name: str
    language_code: str | None = None
    role: str = ""


@dataclass
class Panel:
    """An extra view the page shows in its side panel (e.g. the demo's outbox), read as JSON."""

    key: str
    title: str
    url: str


class WebChat:
    """The page's routes; personas and panels are registered in-process before (or after)
    the server starts."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.personas: dict[int, Persona] = {}
        self.panels: list[Panel] = []
        self.notes: list[str] = []  # shown in the helpers panel, e.g. what is not implemented
        self.instance = uuid.uuid4().hex  # the page reloads everything when this changes

    def add_persona(
        self, user_id: int, first_name: str, language_code: str | None = None, role: str = ""
    ) -> Persona:
        persona = Persona(user_id, first_name, language_code, role)
        self.personas[user_id] = persona
        self.world.user(user_id, first_name=first_name, language_code=language_code)
        return persona

    def add_panel(self, key: str, title: str, url: str) -> None:
        self.panels.append(Panel(key, title, url))

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/", self.index),
            web.get("/static/{name}", self.static),
            web.get("/webchat/personas", self.list_personas),
            web.post("/webchat/personas", self.new_persona),
            web.get("/webchat/status", self.status),
        ]

    async def index(self, request: web.Request) -> web.StreamResponse:
        return self._file("index.html")

    async def static(self, request: web.Request) -> web.StreamResponse:
        return self._file(request.match_info["name"])

    def _file(self, name: str) -> web.StreamResponse:
        path = STATIC / name
        if "/" in name or name.startswith(".") or not path.is_file():
            raise web.HTTPNotFound()
        return web.Response(
            body=path.read_bytes(),
            content_type=CONTENT_TYPES.get(path.suffix, "application/octet-stream"),
            charset="utf-8",
            headers={
                "Cache-Control": "no-cache",
                # Nothing from elsewhere, no inline script: a name with HTML in it stays text.
                "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; "
                "style-src 'self'; script-src 'self'; connect-src 'self'",
            },
        )

    async def list_personas(self, request: web.Request) -> web.Response:
        listed = []
        for user_id, persona in self.personas.items():
            user = self.world.users.get(user_id)
            listed.append(
                {**asdict(persona), "first_name": user.first_name if user else persona.first_name}
            )
        for user_id, user in self.world.users.items():
            if user_id not in self.personas:
                listed.append(asdict(Persona(user_id, user.first_name, user.language_code)))
        return json_response({"ok": True, "personas": listed})

    async def new_persona(self, request: web.Request) -> web.Response:
        try:
            body = await request.json() if request.body_exists else {}
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return json_response({"ok": False, "error": "body must be a JSON object"}, status=400)
        name = " ".join(str(body.get("first_name") or "").split())[:NAME_LIMIT] or "New user"
        language = str(body.get("language_code") or "") or None
        if language is not None and language not in ("ky", "ru", "en"):
            language = None
        user_id = max([NEW_USER_IDS - 1, *self.world.users, *self.personas]) + 1
        persona = self.add_persona(user_id, name, language, "New user")
        return json_response({"ok": True, "persona": asdict(persona)})

    async def status(self, request: web.Request) -> web.Response:
        polled_ago, timeout = self._last_poll()
        if self.world.webhook.url:
            bot_online = True  # updates are pushed; nothing to watch here
        else:
            bot_online = polled_ago is not None and polled_ago <= timeout + POLL_SLACK
        return json_response(
            {
                "ok": True,
                "bot": self.world.bot_user(),
                "instance": self.instance,
                "bot_online": bot_online,
                "polled_seconds_ago": None if polled_ago is None else round(polled_ago, 1),
                "last_seq": self.world.last_seq,
                "panels": [asdict(panel) for panel in self.panels],
                "notes": list(self.notes),
            }
        )

    def _last_poll(self) -> tuple[float | None, float]:
        """Seconds since the bot's last getUpdates ended, and the timeout it asked for."""
        for call in reversed(self.world.calls):
            if call.get("method") == "getUpdates":
                timeout = call.get("params", {}).get("timeout") or 0
                try:
                    timeout = float(timeout)
                except (TypeError, ValueError):
                    timeout = 0.0
                ended = call.get("t_wall", 0) + (call.get("duration_ms") or 0) / 1000
                return max(time.time() - ended, 0.0), timeout
        return None, 0.0
