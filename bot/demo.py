"""`ssp-bot demo`: the real bot at work on this machine, no Telegram account or token needed.

The bot (the same code as `ssp-bot run`) polls a local stand-in for the Telegram Bot API over
HTTP. Two ways to watch it:

- **The chat page** (the default): the stand-in also serves a Telegram-like page at
  http://127.0.0.1:8080 where you act as the demo's people (NCO leaders, municipal staff, a
  commission member, or a new blank user) and see what the bot sends each of them. The demo
  database `data/demo.sqlite3` starts with the cast and their calls (`bot/demo_data.py`); it is
  kept between runs, `--reset` starts afresh. Ctrl-C stops everything. See docs/webchat.md.
- **The scripted transcript** (`run_demo(..., script=True)`): two simulated users talk to the
  bot through the stand-in's control API and the conversation is printed. It keeps its own
  database, `data/demo-script.sqlite3`, so the page's open calls do not change the story. The
  script's users have fixed ids, so on a reused database they first send /forget (and confirm):
  the organization's INN is unique, so a second "ОФ Балдарга Тирек" would be refused.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import math
import shutil
import signal
import sys
import textwrap
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from aiohttp import web
from sqlalchemy import func, not_
from sqlmodel import select
from telegram.ext import Application

from bot.demo_data import PERSONAS, prepare_demo_database
from bot.demo_story import replan_reports
from bot.i18n import t, translator
from bot.reminders import replan_call
from bot.runner import running_bot
from bot.seed import DEFAULT_SEED_FILE, SeedFile, apply_seed, read_seed_file
from bot.settings import Settings
from sandbox import BotEvent, SandboxClient, SandboxError, SandboxUser, StandIn
from storage.db import Database
from storage.migrate import upgrade_database
from storage.models import Broadcast, Competition, OutboxMessage
from storage.queries.users import get_user
from storage.types import utcnow

DEMO_DATABASE = Path("data") / "demo.sqlite3"
SCRIPT_DATABASE = Path("data") / "demo-script.sqlite3"
DEMO_HOST = "127.0.0.1"
DEMO_PORT = 8080
DEMO_TOKEN = "123456789:DEMO-local-stand-in"  # noqa: S105 (the stand-in accepts any token)
BOT_USERNAME = "ssp_demo_bot"
# Logged at INFO on every start and stop (and, for aiohttp, on every long poll of the page);
# the transcript or the page is the point here, not the logs.
QUIET_LOGGERS = ("telegram", "alembic", "httpx", "bot.runner", "aiohttp.access")
OUTBOX_ROUTE = "/demo/outbox"
OUTBOX_ROWS = 20  # the latest broadcasts shown
REMINDERS_ROUTE = "/demo/reminders"
MAX_HOURS = 24 * 120  # "as if N hours had passed": up to 120 days ahead
STORY_TIMEOUT = 30.0  # seconds to wait for the story's messages before opening the page
# What to try, in the helpers panel (the page's own texts are in English; the bot speaks each
# persona's language).
GUIDE = (
    "What to try: Dinara (NCO) sends /reports: her first report on the decided call is "
    "overdue, the next one is due in a few days. File the overdue one: the answers, a photo "
    "(📎 → File or photo → Send as photo), then 📎 → Location, Done and Send.",
    "Gulmira (staff) sends /reports: the decided call's table of reports. Open Aigerim's filed "
    "report (or the message about it) to accept it or ask for changes, or extend a due date. "
    "/staff → 🗳 Selection on the closed call starts its selection; Azamat (commission) scores "
    "with /review.",
    "Reminders: 96 hours reach the overdue report's second reminder to Dinara and the "
    "escalation to Gulmira; 144 hours the next report's reminder; 300 hours the open call's.",
)

AIGUL_ID = 1001  # leads an NCO in Karakol; her Telegram app is in Kyrgyz, she picks Russian
EMIL_ID = 1002  # opens the municipality's deep link; his Telegram app is in English

ORGANIZATION_NAME = "ОФ Балдарга Тирек"
BAD_INN = "0123456789012"  # 13 digits: refused politely
INN = "01234567890123"
PHONE = "+996700123456"
DESCRIPTION = (
    "Помогаем детям трудовых мигрантов в Караколе: продлёнка, кружки, поддержка психолога."
)
MUNICIPALITY = "karakol"

STEP_TIMEOUT = 10.0  # seconds to wait for the bot's answer to one action
DRAIN = 0.1  # then this long for anything more the bot still sends in the same breath
MAX_WIDTH = 100
NEXT_STEPS = (
    ("ssp-bot demo", "the same bot in a chat page at http://127.0.0.1:8080"),
    ("make test", "ruff and the whole test suite"),
    ("ssp-bot run", "on real Telegram: `cp .env.example .env`, set BOT_TOKEN there"),
    ("ssp-bot sandbox --port 8081", "the stand-in alone, to poke with curl: docs/sandbox.md"),
)
REPEAT_RUN = 4  # this many lines the user has just seen are not printed again


class DemoFailed(Exception):
    """The bot did not answer as the script expects, or the page cannot start; says why."""


async def run_demo(
    settings: Settings,
    *,
    reset: bool = False,
    out: TextIO = sys.stdout,
    script: bool = False,
    host: str = DEMO_HOST,
    port: int = DEMO_PORT,
    stop: asyncio.Event | None = None,
) -> None:
    """The chat page until Ctrl-C (or `stop` is set); with `script`, the printed conversation."""
    _tolerate_narrow_encodings(out)
    levels = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        if script:
            await _run_script(settings, reset=reset, out=out)
        else:
            await _serve_page(settings, reset=reset, out=out, host=host, port=port, stop=stop)
    except DemoFailed as error:
        # Everything has been stopped by now (the context managers unwound); say what happened
        # in one sentence and exit 1, without a traceback.
        out.flush()
        raise SystemExit(f"ssp-bot demo: {error}") from None
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


# -- the chat page ----------------------------------------------------------------------------


@dataclass
class DemoPage:
    """A running demo: the page at `url`, the stand-in, the bot, and the demo database."""

    url: str
    standin: StandIn
    application: Application
    database: Path
    reused: bool  # the database was there before this run


@asynccontextmanager
async def demo_page(
    settings: Settings,
    *,
    reset: bool = False,
    host: str = DEMO_HOST,
    port: int = DEMO_PORT,
    database: Path = DEMO_DATABASE,
) -> AsyncIterator[DemoPage]:
    """Prepare the demo database, start the stand-in with the page and the bot against it;
    everything stops when the block ends (the tests use this with port 0)."""
    path, reused = _demo_database(database, reset=reset)
    db = Database(f"sqlite:///{path}")
    try:
        await upgrade_database(db)
        try:
            await prepare_demo_database(db)
        except LookupError as error:
            raise DemoFailed(str(error)) from None
        standin = StandIn(host, port, bot_username=BOT_USERNAME)
        standin.world.bot_first_name = "SSP Bot"
        for persona in PERSONAS:
            standin.webchat.add_persona(
                persona.telegram_id, persona.first_name, persona.language, persona.role
            )
        await _plan_reminders(db)
        standin.webchat.notes.extend(GUIDE)
        standin.webchat.add_panel("outbox", "Outbox", OUTBOX_ROUTE)
        standin.webchat.add_panel("reminders", "Reminders", REMINDERS_ROUTE)
        standin.extra_routes.append(web.get(OUTBOX_ROUTE, _outbox_view(db)))
        running: dict[str, Application] = {}
        standin.extra_routes.append(web.post(REMINDERS_ROUTE, _reminders_control(running)))
        try:
            await standin.start()
        except OSError as error:
            raise DemoFailed(
                f"cannot listen on {host}:{port} ({error.strerror or error}); "
                "is another demo running? Choose another port."
            ) from None
        try:
            demo_settings = settings.model_copy(
                update={
                    "bot_token": DEMO_TOKEN,
                    "bot_api_base_url": standin.url,
                    "database_url": f"sqlite:///{path}",
                    "webhook_url": "",
                    "polling_timeout": 1,
                }
            )
            async with running_bot(demo_settings) as application:
                running["application"] = application
                await _story_delivered(db)
                yield DemoPage(standin.url, standin, application, path, reused)
        finally:
            await standin.stop()
    finally:
        await db.dispose()


async def _serve_page(
    settings: Settings,
    *,
    reset: bool,
    out: TextIO,
    host: str,
    port: int,
    stop: asyncio.Event | None,
) -> None:
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    handled = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, stop.set)
            handled.append(signum)
    try:
        async with demo_page(settings, reset=reset, host=host, port=port) as page:
            state = "reused from the last run" if page.reused else "new"
            print("SSP Bot demo: the real bot and a local stand-in for Telegram.", file=out)
            print(f"  database:  {DEMO_DATABASE} ({state}; --reset starts afresh)", file=out)
            print(f"  stand-in:  {page.url}/bot… (Bot API) and {page.url}/sandbox/", file=out)
            print(f"\n  Open {page.url}/ in a browser.  Ctrl-C stops.\n", file=out, flush=True)
            await stop.wait()
    finally:
        for signum in handled:
            loop.remove_signal_handler(signum)
    print("Demo stopped.", file=out, flush=True)


async def _plan_reminders(db: Database) -> None:
    """The demo's open calls were written directly: plan their reminders; the decided call's
    reports were made with the clock set back: plan theirs from now on, so no reminder of the
    story's past goes out at the start (safe to repeat)."""
    now = utcnow()
    async with db.session() as session:
        calls = await session.exec(select(Competition).where(Competition.status == "published"))
        for call in calls.all():
            await replan_call(session, call, now=now)
        await session.commit()
    await replan_reports(db, now=now)


async def _story_delivered(db: Database) -> bool:
    """Wait until the outbox has nothing waiting: the story's messages (admissions, the
    decision, a filed report) reach the chats before the page opens, so its unread counts show
    only what happens next. False if that took longer than STORY_TIMEOUT (the demo goes on)."""
    deadline = time.monotonic() + STORY_TIMEOUT
    while time.monotonic() < deadline:
        async with db.session() as session:
            waiting = await session.exec(
                select(func.count()).where(OutboxMessage.status.in_(("queued", "sending")))
            )
            if waiting.one() == 0:
                return True
        await asyncio.sleep(0.2)
    return False


def _reminders_control(
    running: dict[str, Application],
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """`POST /demo/reminders {"hours": N}`: run the reminder worker now as if N hours had
    passed, on the demo database only (this route exists only in the demo). What falls due by
    then goes through the outbox at once, as it would at that time."""

    async def run(request: web.Request) -> web.Response:
        try:
            body = await request.json()
            hours = float(body["hours"])
        except (ValueError, KeyError, TypeError):
            hours = math.nan
        if not 0 <= hours <= MAX_HOURS:  # NaN fails too
            return web.json_response(
                {"ok": False, "error": f"hours must be a number from 0 to {MAX_HOURS}"},
                status=400,
            )
        application = running.get("application")
        if application is None:
            return web.json_response({"ok": False, "error": "the bot is not running"}, status=503)
        worker = application.bot_data["reminders"]
        done = await worker.run_until_idle(now=utcnow() + timedelta(hours=hours))
        return web.json_response({"ok": True, "hours": hours, "counts": dict(done)})

    return run


# Reminders are outbox rows keyed "rem:<reminder key>" (bot/reminders.py).
_REMINDER_ROWS = func.coalesce(OutboxMessage.dedupe_key, "").like("rem:%")


def _outbox_view(db: Database) -> Callable[[web.Request], Awaitable[web.Response]]:
    """`GET /demo/outbox`: the latest broadcasts and their deliveries by status."""

    async def outbox(request: web.Request) -> web.Response:
        async with db.session() as session:
            broadcasts = (
                await session.exec(
                    select(Broadcast).order_by(Broadcast.id.desc()).limit(OUTBOX_ROWS)
                )
            ).all()
            counted = (
                await session.exec(
                    select(OutboxMessage.broadcast_id, OutboxMessage.status, func.count())
                    .where(not_(_REMINDER_ROWS))
                    .group_by(OutboxMessage.broadcast_id, OutboxMessage.status)
                )
            ).all()
            reminders = (
                await session.exec(
                    select(OutboxMessage.status, func.count())
                    .where(_REMINDER_ROWS)
                    .group_by(OutboxMessage.status)
                )
            ).all()
            titles = {}
            ids = {b.competition_id for b in broadcasts if b.competition_id}
            if ids:
                calls = await session.exec(select(Competition).where(Competition.id.in_(ids)))
                titles = {
                    c.id: c.title.get("en") or next(iter(c.title.values()), "") for c in calls
                }
        counts: dict[int | None, dict[str, int]] = {}
        for broadcast_id, status, number in counted:
            counts.setdefault(broadcast_id, {})[status] = number
        rows = [
            {
                "id": b.id,
                "kind": b.kind,
                "label": f"#{b.id} {b.kind}"
                + (f": {titles[b.competition_id]}" if b.competition_id in titles else ""),
                "created_at": b.created_at.isoformat(),
                "finished": b.finished_at is not None,
                "counts": counts.get(b.id, {}),
            }
            for b in broadcasts
        ]
        if reminders:
            rows.append(
                {
                    "id": "reminders",
                    "kind": "reminders",
                    "label": "reminders",
                    "counts": dict(reminders),
                }
            )
        if None in counts:
            rows.append(
                {"id": None, "kind": "single", "label": "single messages", "counts": counts[None]}
            )
        return web.json_response({"ok": True, "broadcasts": rows})

    return outbox


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bot.demo [--reset] [--script] [--port N]` (what `ssp-bot demo` runs)."""
    from bot.logging_setup import configure_logging
    from bot.settings import load_settings

    parser = argparse.ArgumentParser(prog="python -m bot.demo", description=__doc__.split("\n")[0])
    parser.add_argument("--reset", action="store_true", help="start from an empty demo database")
    parser.add_argument("--script", action="store_true", help="print the scripted conversation")
    parser.add_argument("--host", default=DEMO_HOST)
    parser.add_argument("--port", type=int, default=DEMO_PORT, help="the page's port (8080)")
    args = parser.parse_args(argv)
    settings = load_settings()
    configure_logging(
        settings.log_level, settings.bot_token, settings.webhook_secret, fmt=settings.log_format
    )
    try:
        asyncio.run(
            run_demo(settings, reset=args.reset, script=args.script, host=args.host, port=args.port)
        )
    except KeyboardInterrupt:
        return 130
    return 0


# -- the scripted transcript ------------------------------------------------------------------


async def _run_script(settings: Settings, *, reset: bool, out: TextIO) -> None:
    database_path, reused = _demo_database(SCRIPT_DATABASE, reset=reset)
    seed, returning = await _prepare_database(database_path)
    places = {item.slug: item for item in seed.municipalities}
    if MUNICIPALITY not in places:
        raise DemoFailed(f"the seed file has no municipality {MUNICIPALITY!r}")
    karakol = places[MUNICIPALITY].name

    show = Transcript(out, _width(out))
    show.line("SSP Bot demo: the real bot and a local stand-in for Telegram (no account or token).")

    async with StandIn() as standin:
        demo_settings = settings.model_copy(
            update={
                "bot_token": DEMO_TOKEN,
                "bot_api_base_url": standin.url,
                "database_url": f"sqlite:///{database_path}",
                "webhook_url": "",
                "polling_timeout": 1,
                # The script acts faster than any person; the flood limit is not for it.
                "flood_burst": 10_000,
                "uploads_per_hour": 10_000,
            }
        )
        async with running_bot(demo_settings) as application, SandboxClient(standin.url) as sb:
            topics = sum(len(item.topics) for item in seed.municipalities)
            state = "reused from the last run" if reused else "new"
            show.line(f"  stand-in:  {standin.url} (Bot API + control API)")
            show.line(
                f"  database:  {SCRIPT_DATABASE} ({state}; {len(places)} municipalities, "
                f"{topics} topics)"
            )
            aigul = Chat(sb.user(AIGUL_ID, first_name="Aigul", language_code="ky"), "Aigul", show)
            emil = Chat(sb.user(EMIL_ID, first_name="Emil", language_code="en"), "Emil", show)
            try:
                await _forget_earlier_run(
                    [chat for chat in (aigul, emil) if chat.user.id in returning], show
                )
                await _aigul_registers(aigul, show, karakol.ru)
                await _emil_follows_the_link(emil, show, application.bot.username)
            except (AssertionError, SandboxError) as error:
                raise DemoFailed(f"the conversation went off script: {error}") from None
            calls = [call for call in standin.world.calls if call.get("method") != "getUpdates"]
            problems = sum(1 for call in standin.world.calls if call.get("spec_problems"))
    checked = (
        "all as the published Bot API defines them"
        if not problems
        else f"{problems} of them not as the published Bot API defines them"
    )

    show.heading("What you saw")
    show.wrapped(
        "Language choice, consent, the organization profile (with a polite refusal), "
        f"subscriptions and a deep link, answered by the bot's own code in {len(calls)} Bot API "
        f"calls besides polling, {checked}."
    )
    show.wrapped(f"Demo database: {database_path} (kept; --reset empties it)")
    show.line("Next steps:")
    for command, what in NEXT_STEPS:
        show.line(f"  {command:<29} {what}")


def _demo_database(relative: Path, *, reset: bool) -> tuple[Path, bool]:
    """A demo database's absolute path (deleted first on reset), and whether it exists."""
    path = relative.resolve()
    if reset:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path, path.exists()


async def _prepare_database(path: Path) -> tuple[SeedFile, set[int]]:
    """Migrate and seed the demo database; which demo users it already knows."""
    seed = read_seed_file(DEFAULT_SEED_FILE)
    db = Database(f"sqlite:///{path}")
    try:
        await upgrade_database(db)
        async with db.session() as session:
            await apply_seed(session, seed)
        returning = set()
        async with db.session() as session:
            for user_id in (AIGUL_ID, EMIL_ID):
                if await get_user(session, telegram_id=user_id) is not None:
                    returning.add(user_id)
    finally:
        await db.dispose()
    return seed, returning


# -- the script -----------------------------------------------------------------------------


async def _forget_earlier_run(chats: list[Chat], show: Transcript) -> None:
    if not chats:
        return
    names = " and ".join(chat.name for chat in chats)
    show.blank()
    show.note(
        f"(The demo database is from an earlier run: {names} first send /forget and confirm, "
        "so the story starts afresh. Not shown.)"
    )
    for chat in chats:
        await chat.send("/forget", quiet=True)
        confirm = chat.button_among(translator().all_texts("forget-yes"))
        await chat.click(confirm, expect=2, quiet=True)


async def _aigul_registers(aigul: Chat, show: Transcript, karakol: str) -> None:
    ru = "ru"
    show.heading("1. Aigul leads a public foundation in Karakol; her Telegram is in Kyrgyz")
    await aigul.send("/start")
    await aigul.click(t(ru, "language-name"), expect=2)

    show.heading("2. She describes her organization once")
    await aigul.send(t(ru, "menu-profile"))
    await aigul.click(t(ru, "consent-yes"), expect=3)
    await aigul.send(ORGANIZATION_NAME)
    await aigul.click(t(ru, "legal-form-public_foundation"), expect=2)
    await aigul.send(BAD_INN, expect=2, aside="one digit short")
    await aigul.send(INN)
    await aigul.click(karakol, expect=2)
    await aigul.share_contact(PHONE)
    await aigul.send(t(ru, "dialogue-skip"))
    await aigul.send(DESCRIPTION)
    await aigul.click(t(ru, "profile-save"), expect=3)

    show.heading("3. She subscribes to Karakol's calls for proposals")
    await aigul.send("/subscriptions")
    await aigul.click(aigul.button_with(karakol))
    await aigul.click(aigul.button_with(t(ru, "subs-all-topics-button")))
    await aigul.click(t(ru, "subs-back"))
    await aigul.click(t(ru, "subs-done"))


async def _emil_follows_the_link(emil: Chat, show: Transcript, bot_username: str) -> None:
    en = "en"
    show.heading(f"4. Emil opens a poster's link t.me/{bot_username}?start=m-karakol")
    await emil.send(f"/start m-{MUNICIPALITY}")
    await emil.click(t(en, "municipality-subscribe"))
    await emil.click(t(en, "consent-yes"), expect=3)


# -- talking and printing -------------------------------------------------------------------


class Chat:
    """One simulated user: acts, waits for the bot's answer, and prints both."""

    def __init__(self, user: SandboxUser, name: str, show: Transcript) -> None:
        self.user = user
        self.name = name
        self.show = show
        self.texts: dict[int, str | None] = {}  # message id -> its text, to spot edits
        self.keyboard: list[list[str]] = []  # the reply keyboard the user sees now
        self.last_buttons: list[list[str]] = []
        self.shown: set[str] = set()  # lines of the bot's texts printed so far in this chat

    async def send(
        self, text: str, *, expect: int = 1, aside: str = "", quiet: bool = False
    ) -> None:
        if not quiet:
            self.show.says(self.name, text + (f"   ({aside})" if aside else ""))
        await self.user.send(text)
        await self._answer(expect, quiet)

    async def click(self, label: str, *, expect: int = 1, quiet: bool = False) -> None:
        if not quiet:
            self.show.says(self.name, f"taps [ {label} ]")
        await self.user.click(label)
        await self._answer(expect, quiet)

    async def share_contact(self, phone: str, *, expect: int = 1) -> None:
        button = t("ru", "dialogue-share-phone")
        self.show.says(self.name, f"taps ({button}): shares the contact {phone}")
        await self.user.share_contact(phone)
        await self._answer(expect, quiet=False)

    def button_with(self, text: str) -> str:
        """The full label of a button on the last screen that ends with `text` (e.g. "✅ …")."""
        for row in self.last_buttons:
            for label in row:
                if label.endswith(text):
                    return label
        raise DemoFailed(f"no button {text!r} on the bot's last message to {self.name}")

    def button_among(self, labels: set[str]) -> str:
        """The button on the last screen whose label is one of `labels` (any language)."""
        for row in self.last_buttons:
            for label in row:
                if label in labels:
                    return label
        raise DemoFailed(f"none of {sorted(labels)} on the bot's last message to {self.name}")

    async def _answer(self, expect: int, quiet: bool) -> None:
        """Wait for `expect` messages/edits from the bot, then a moment for any more."""
        events = await self._collect(expect)
        for event in events:
            if event.buttons:
                self.last_buttons = event.buttons
            if not quiet:
                self._print(event)
            if event.message_id is not None and event.kind in ("message", "edit"):
                self.texts[event.message_id] = event.text

    async def _collect(self, expect: int) -> list[BotEvent]:
        client, user = self.user.client, self.user
        got: list[BotEvent] = []
        seen = 0
        deadline = time.monotonic() + STEP_TIMEOUT
        while seen < expect:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            events = await client.events(user.id, after=user.cursor, wait=min(remaining, 30.0))
            for raw in events:
                user.cursor = raw["seq"]
                event = BotEvent.from_event(raw)
                got.append(event)
                seen += event.kind != "callback_answer"
        while events := await client.events(user.id, after=user.cursor, wait=DRAIN):
            user.cursor = events[-1]["seq"]
            got.extend(BotEvent.from_event(raw) for raw in events)
        if not got:
            raise DemoFailed(f"the bot did not answer {self.name} within {STEP_TIMEOUT:g} s")
        return got

    def _print(self, event: BotEvent) -> None:
        show = self.show
        if event.kind == "callback_answer":
            if event.text:
                show.says("bot", f"({'alert' if event.show_alert else 'toast'}) {event.text}")
            return
        if event.kind == "delete":
            show.says("bot", "(deletes a message)")
            return
        text = event.text if event.text is not None else ""
        if event.kind == "edit":
            if text == self.texts.get(event.message_id) and not event.buttons:
                return  # only the answered question's buttons were removed
            text = "✎ " + text
        show.says("bot", self._elide_repeats(text))
        if event.buttons:
            show.buttons(event.buttons)
        if event.reply_keyboard is not None:
            texts = event.reply_keyboard_texts
            if texts != self.keyboard:
                show.keyboard(texts)
            self.keyboard = texts
        elif event.remove_keyboard:
            self.keyboard = []
            show.continued("(keyboard removed)")

    def _elide_repeats(self, text: str) -> str:
        """Shorten a run of REPEAT_RUN or more lines this chat has already shown (the saved
        card repeats the summary) to one line saying so."""
        lines = text.split("\n")
        kept: list[str] = []
        run: list[str] = []
        for line in [*lines, None]:
            if line is not None and line.strip() and line in self.shown:
                run.append(line)
                continue
            if len(run) >= REPEAT_RUN:
                kept.append(f"⋮ ({len(run)} lines as above)")
            else:
                kept.extend(run)
            run = []
            if line is not None:
                kept.append(line)
        self.shown.update(lines)
        return "\n".join(kept)


class Transcript:
    """Chat-transcript lines: `  who › text`, wrapped, continuation lines aligned."""

    SPEAKER = 6

    def __init__(self, out: TextIO, width: int) -> None:
        self.out = out
        self.width = width
        self.indent = " " * (self.SPEAKER + 3)

    def line(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def blank(self) -> None:
        self.line()

    def heading(self, text: str) -> None:
        self.line()
        self.line(f"── {text} " + "─" * max(3, self.width - len(text) - 4))

    def note(self, text: str) -> None:
        self.wrapped(text)

    def wrapped(self, text: str) -> None:
        for line in textwrap.wrap(text, self.width, break_on_hyphens=False):
            self.line(line)

    def says(self, who: str, text: str) -> None:
        lines = self._wrap(text)
        self.line(f"{who:>{self.SPEAKER}} › {lines[0]}")
        for line in lines[1:]:
            self.line(f"{self.indent}{line}" if line else "")

    def continued(self, text: str) -> None:
        for line in self._wrap(text):
            self.line(f"{self.indent}{line}")

    def buttons(self, rows: list[list[str]]) -> None:
        """Inline buttons, `[ A ] [ B ]`; rows are packed onto one line while they fit."""
        cells = [" ".join(f"[ {label} ]" for label in row) for row in rows]
        self._packed(cells, "   ")

    def keyboard(self, rows: list[list[str]]) -> None:
        cells = ["keyboard:"] + [" ".join(f"({label})" for label in row) for row in rows]
        self._packed(cells, " ")

    def _packed(self, cells: list[str], separator: str) -> None:
        room = self.width - len(self.indent)
        line = ""
        for cell in cells:
            if line and len(line) + len(separator) + len(cell) > room:
                self.line(self.indent + line)
                line = cell
            else:
                line = f"{line}{separator}{cell}" if line else cell
        if line:
            self.line(self.indent + line)

    def _wrap(self, text: str) -> list[str]:
        room = self.width - len(self.indent)
        lines: list[str] = []
        for paragraph in text.split("\n"):
            lines.extend(textwrap.wrap(paragraph, room, break_on_hyphens=False) or [""])
        return lines or [""]


def _width(out: TextIO) -> int:
    if getattr(out, "isatty", lambda: False)():
        return max(60, min(MAX_WIDTH, shutil.get_terminal_size().columns))
    return MAX_WIDTH


def _tolerate_narrow_encodings(out: TextIO) -> None:
    """On a terminal that cannot show Cyrillic or emoji, print "?" rather than crash."""
    encoding = (getattr(out, "encoding", None) or "utf-8").lower().replace("-", "")
    reconfigure = getattr(out, "reconfigure", None)
    if encoding != "utf8" and reconfigure is not None:
        reconfigure(errors="replace")


if __name__ == "__main__":
    raise SystemExit(main())
