"""The last hour before a deadline: many NCOs apply at once (issue 5, "Performance").

    python -m benchmarks.deadline_rush --ncos 300                        # SQLite, think 1-3 s
    python -m benchmarks.deadline_rush --ncos 300 --think-ms 0           # as fast as it goes
    python -m benchmarks.deadline_rush --ncos 300 \\
        --database-url postgresql://postgres@127.0.0.1:5432/test         # PostgreSQL

What runs where (two cores): the real bot (bot.runner.running_bot, unchanged) runs in a child
process, as it would on its own server; this process runs the stand-in (Telegram) and the
simulated people, who act on the stand-in's world in-process (sandbox/users.py, the same code
its control API calls) and hear the bot's replies through a hook on world.add_event, so the
harness does not need hundreds of HTTP long polls on the control API. The bot talks to the
stand-in over HTTP exactly as to Telegram.

The database is prepared here before the bot starts: the shipped municipalities (bot.seed), one
published call in Karakol closing in an hour (two yes/no eligibility questions, three required
documents), and per NCO a user (language, consent given), an organization with its own INN and
the membership. SQLite is a fresh file in a temporary directory; for PostgreSQL a private
database is created beside --database-url and dropped afterwards (like tests/conftest.py).

Each person, concurrently (one asyncio task each), with a random think time before every
action (seedable): /start c-<id> -> Apply -> Yes -> Yes -> the seven form answers -> three
times (Upload documents -> the document -> the file -> Done) -> Submit: 24 updates. A person
waits for exactly the replies each step produces (counted, and checked by a button or text they
must carry) before thinking about the next, so one chat's updates are never in flight together.

Latency of an update = from the end of the getUpdates call that delivered it to the bot (read
from the stand-in's call record: a poll delivers the ids from its offset up to the next poll's
offset) to the last reply the bot made for it (sendMessage, editMessage*, answerCallbackQuery,
by the call record's arrival time). A reply belongs to the latest update of its chat sent
before it. `action_p*_ms` measure from the person's action instead (includes the long poll).

With --think-ms 0 a bare echo bot (benchmarks/echo_bot.py) then runs against a fresh stand-in
with the same number of chats and the same sequence of 24 updates per chat (texts, button
presses, uploads), and the output adds echo_updates_per_s and ratio.

errors = exceptions in simulated people + calls of the bot's error handler + Bot API calls the
stand-in answered with an error (a long poll cancelled at shutdown, 499, does not count).
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import io
import json
import logging
import math
import multiprocessing
import os
import platform
import random
import sys
import tempfile
import time
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import func, select

from bot.i18n import t
from sandbox import StandIn
from sandbox import users as actions
from storage.db import Database, is_sqlite, sync_database_url
from storage.types import utcnow
from tests import samples

TOKEN = "123456789:BENCH-token"  # noqa: S105 (the stand-in takes any token of this shape)
FIRST_NCO = 710_000_000
FIRST_ECHO = 720_000_000
STAFF_ID = 709_999_999
LANGUAGES = ("ru", "ky", "en")
REPLY_METHODS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "deleteMessage",
        "answerCallbackQuery",
    }
)
STEP_TIMEOUT = 120.0  # seconds a person waits for the bot's replies to one action

# Valid form answers, as in tests/test_e2e_applications.py.
FORM = (
    "After-school club",
    "An after-school club where children of labour migrants do homework, play sports"
    " and get support.",
    "Children of labour migrants aged 7-14",
    "120",
    "180 000",
    "8",
    "0",
)
DOCUMENTS = (
    ("application_form", {"en": "Application form", "ru": "Заявка", "ky": "Арыз"}),
    ("budget", {"en": "Project budget", "ru": "Бюджет", "ky": "Бюджет"}),
    ("registration", {"en": "Registration", "ru": "Свидетельство", "ky": "Күбөлүк"}),
)

log = logging.getLogger("deadline_rush")


# -- the files each NCO uploads (distinct bytes per NCO, like real papers) ----------------------
def pdf_of(n: int) -> bytes:
    return samples.PDF + f"% application of NCO {n}\n".encode()


def xlsx_of(n: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        with zipfile.ZipFile(io.BytesIO(samples.XLSX)) as template:
            for item in template.infolist():
                archive.writestr(item.filename, template.read(item.filename))
        archive.writestr("xl/worksheets/sheet1.xml", f"<worksheet><v>{n}</v></worksheet>")
    return buffer.getvalue()


def png_of(n: int) -> bytes:
    return samples.png(3 + n % 97, 3 + n // 97 % 97)


# -- the database ---------------------------------------------------------------------------------
class PrivateDatabase:
    """A fresh SQLite file in `tmp`, or a PostgreSQL database of our own beside `base`."""

    def __init__(self, base: str | None, tmp: Path) -> None:
        self.base = base
        self.name: str | None = None
        if base is None or is_sqlite(base):
            self.url = base or f"sqlite:///{tmp / 'bench.sqlite3'}"
            self.kind = "sqlite"
        else:
            self.name = f"ssp_bench_{uuid.uuid4().hex[:12]}"
            self.url = make_url(base).set(database=self.name).render_as_string(hide_password=False)
            self.kind = "postgresql"

    def __enter__(self) -> PrivateDatabase:
        if self.name:
            self._admin(f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *exc: object) -> None:
        if self.name:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _admin(self, statement: str) -> None:
        engine = create_engine(sync_database_url(self.base), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(statement))
        finally:
            engine.dispose()


async def prepare_database(url: str, ncos: int) -> int:
    """Seed, one published call closing in an hour, NCOs with profiles, one staff member.
    Returns the call's id."""
    from bot.seed import DEFAULT_SEED_FILE, apply_seed, read_seed_file
    from storage.migrate import upgrade_database
    from storage.models import Competition, Member, Organization, StaffRole, User
    from storage.queries.places import get_municipality, list_topics

    db = Database(url)
    try:
        await upgrade_database(db)
        async with db.session() as session:
            await apply_seed(session, read_seed_file(DEFAULT_SEED_FILE))
        async with db.session() as session:
            place = await get_municipality(session, slug="karakol")
            topic = (await list_topics(session, municipality_id=place.id))[0]
            start = (utcnow() + timedelta(days=40)).date()
            call = Competition(
                municipality_id=place.id,
                topic_id=topic.id,
                status="published",
                title={"en": "Children of migrants", "ru": "Дети мигрантов", "ky": "Балдар"},
                description={"en": "Support for children of labour migrants."},
                budget_total=60_000_000,
                max_per_project=200_000,
                projects_count=300,
                deadline_at=utcnow() + timedelta(hours=1),  # the last hour
                period_start=start,
                period_end=start + timedelta(days=200),
                reporting={"kind": "quarterly"},
                eligibility=[
                    {
                        "key": "registered_nco",
                        "text": {"en": "Registered NCO?", "ru": "НКО?", "ky": "КЭУбу?"},
                        "knockout": "no",
                        "reason": {"en": "Only NCOs.", "ru": "Только НКО.", "ky": "КЭУ гана."},
                    },
                    {
                        "key": "no_tax_arrears",
                        "text": {"en": "No arrears?", "ru": "Нет долгов?", "ky": "Карыз жокпу?"},
                        "knockout": "no",
                        "reason": {"en": "No arrears.", "ru": "Без долгов.", "ky": "Карызсыз."},
                    },
                ],
                documents=[{"key": key, "name": name, "required": True} for key, name in DOCUMENTS],
                criteria=[{"key": "relevance", "name": {"en": "Relevance"}, "weight": 100}],
                published_at=utcnow(),
            )
            session.add(call)
            staff = User(telegram_id=STAFF_ID, language="en", consent_at=utcnow())
            session.add(staff)
            await session.flush()
            session.add(StaffRole(user_id=staff.id, municipality_id=place.id, role="staff"))
            people = [
                User(
                    telegram_id=FIRST_NCO + i,
                    language=LANGUAGES[i % len(LANGUAGES)],
                    consent_at=utcnow(),
                )
                for i in range(ncos)
            ]
            session.add_all(people)
            await session.flush()
            organizations = [
                Organization(
                    name=f"Public foundation {i}",
                    legal_form="public_foundation",
                    inn=f"2{i:013d}",
                    municipality_id=place.id,
                    phone=f"996700{i:06d}",
                    description="Helps children of labour migrants in Karakol.",
                )
                for i in range(ncos)
            ]
            session.add_all(organizations)
            await session.flush()
            session.add_all(
                Member(user_id=person.id, organization_id=organization.id)
                for person, organization in zip(people, organizations, strict=True)
            )
            await session.commit()
            return call.id
    finally:
        await db.dispose()


async def count_submitted(url: str) -> dict[str, int]:
    from storage.models import Submission

    db = Database(url)
    try:
        async with db.session() as session:
            rows = await session.exec(
                select(Submission.status, func.count()).group_by(Submission.status)
            )
            return dict(rows.all())
    finally:
        await db.dispose()


# -- the bot (or the echo bot) in a child process -----------------------------------------
class _ErrorLogCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0
        self.first: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if len(self.first) < 5:
            self.first.append(
                f"{record.name}: {record.getMessage()} {record.exc_info and record.exc_info[1]!r}"
            )


_APPLICATION: Any = None
ROOT = str(Path(__file__).resolve().parent.parent)


async def _sample_tasks() -> None:
    """Every 0.2 s, note where each update's task is suspended; print a summary every 10 s."""
    seen: dict[str, int] = defaultdict(int)
    rounds = 0
    while True:
        await asyncio.sleep(0.2)
        rounds += 1
        for task in asyncio.all_tasks():
            chain, awaited = [], task.get_coro()
            while awaited is not None:
                frame = getattr(awaited, "cr_frame", None) or getattr(awaited, "gi_frame", None)
                if frame is None:
                    break
                chain.append(frame)
                awaited = getattr(awaited, "cr_await", None) or getattr(
                    awaited, "gi_yieldfrom", None
                )
            ours = [
                f"{Path(f.f_code.co_filename).name}:{f.f_lineno}"
                for f in chain
                if "/.venv/" not in f.f_code.co_filename and f.f_code.co_filename.startswith(ROOT)
            ]
            if not any(o.startswith(("applications", "router", "start", "common")) for o in ours):
                continue
            deepest = chain[-1]
            where = f"{deepest.f_code.co_name}@{Path(deepest.f_code.co_filename).name}"
            seen[" <- ".join([where, *reversed(ours[-3:])])] += 1
        if rounds % 50 == 0:
            top = sorted(seen.items(), key=lambda kv: -kv[1])[:15]
            services = _APPLICATION.bot_data.get("services") if _APPLICATION else None
            pool = services.db.engine.pool.status() if services else "-"
            print(f"task samples (average tasks suspended there); {pool}", file=sys.stderr)
            for where, n in top:
                print(f"  {n / rounds:6.1f}  {where}", file=sys.stderr)
            seen.clear()
            rounds = 0


def _trace_statements() -> Callable[[], None]:
    """Record each SQL statement and commit with the update it ran for; the returned function
    prints the first NCO's walk, step by step, to stderr (diagnosis: BENCH_STATEMENTS=1)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from bot.logging_setup import current_update

    seen: dict[tuple[int, int], list[str]] = defaultdict(list)

    def note(what: str) -> None:
        info = current_update()
        if info is not None and info.user_id is not None and info.update_id is not None:
            seen[(info.user_id, info.update_id)].append(what)

    @event.listens_for(Engine, "before_cursor_execute")
    def statement(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        note(" ".join(sql.split())[:110])

    @event.listens_for(Engine, "commit")
    def commit(_conn: Any) -> None:
        note("COMMIT")

    def report() -> None:
        walk = sorted(update for user, update in seen if user == FIRST_NCO)
        for step, update in enumerate(walk):
            lines = seen[(FIRST_NCO, update)]
            name = STEP_NAMES[step] if step < len(STEP_NAMES) else "?"
            commits = sum(line == "COMMIT" for line in lines)
            print(
                f"statements: step {step:2d} {name:<12} {len(lines) - commits:2d} statements,"
                f" {commits} commits",
                file=sys.stderr,
            )
            for line in lines:
                print(f"    {line}", file=sys.stderr)

    return report


def _bot_child(conn: Connection, kind: str, options: dict[str, Any]) -> None:
    logging.basicConfig(level=logging.WARNING, format="bot %(levelname)s %(name)s: %(message)s")
    counter = _ErrorLogCounter()
    logging.getLogger().addHandler(counter)

    async def serve() -> None:
        calls = 0

        async def count(update: object, context: Any) -> None:
            nonlocal calls
            calls += 1
            if len(counter.first) < 5:
                counter.first.append(f"error handler: {context.error!r}")

        if kind == "ssp":
            from bot.runner import running_bot
            from bot.settings import Settings

            settings = Settings(
                bot_token=TOKEN,
                bot_api_base_url=options["standin_url"],
                database_url=options["database_url"],
                file_store_dir=options["file_store_dir"],
                polling_timeout=1,
                log_level="WARNING",
                # A simulated person without think time acts faster than any person can; the
                # per-user flood limits (bot/ratelimit.py) would rightly slow them down.
                flood_burst=1000,
                uploads_per_hour=1000,
                _env_file=None,
            )
            running = running_bot(settings)
        else:
            from benchmarks.echo_bot import running_echo_bot

            running = running_echo_bot(
                TOKEN, options["standin_url"], options.get("transport", "httpx")
            )
        loop = asyncio.get_running_loop()
        report_statements = None
        if os.environ.get("BENCH_STATEMENTS") and kind == "ssp":  # statements per update
            report_statements = _trace_statements()
        sampler = None
        if os.environ.get("BENCH_TASK_SAMPLES"):  # where the bot's tasks wait (diagnosis)
            sampler = asyncio.create_task(_sample_tasks())
        async with running as application:
            global _APPLICATION
            _APPLICATION = application
            application.add_error_handler(count)
            conn.send(("ready", time.process_time()))
            await loop.run_in_executor(None, conn.recv)  # "stop"
            cpu = time.process_time()
        if sampler is not None:
            sampler.cancel()
        if report_statements is not None:
            report_statements()
        conn.send(
            {
                "error_handler_calls": calls,
                "logged_errors": counter.count,
                "first_logged_errors": counter.first,
                "cpu_s": cpu,
            }
        )

    profile_path = options.get("profile")
    if profile_path and kind == "ssp":
        import cProfile

        profiler = cProfile.Profile()
        profiler.runcall(asyncio.run, serve())
        profiler.dump_stats(profile_path)
    else:
        asyncio.run(serve())


class BotProcess:
    def __init__(self, kind: str, options: dict[str, Any]) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_bot_child, args=(child, kind, options), daemon=True)
        self.report: dict[str, Any] = {}

    async def __aenter__(self) -> BotProcess:
        self.process.start()
        loop = asyncio.get_running_loop()
        ready = await loop.run_in_executor(None, self._recv, 120)
        if not isinstance(ready, tuple) or ready[0] != "ready":
            raise RuntimeError(f"the bot process did not start: {ready!r}")
        self.cpu_at_start = ready[1]
        return self

    def _recv(self, timeout: float) -> Any:
        if not self.conn.poll(timeout):
            return None
        return self.conn.recv()

    async def __aexit__(self, *exc: object) -> None:
        loop = asyncio.get_running_loop()
        self.conn.send("stop")
        self.report = await loop.run_in_executor(None, self._recv, 60) or {}
        await loop.run_in_executor(None, self.process.join, 30)


# -- the simulated people ---------------------------------------------------------------------
class StepError(RuntimeError):
    pass


class Person:
    """One simulated user: acts on the stand-in's world, waits for the bot's replies."""

    def __init__(
        self,
        world: Any,
        inbox: asyncio.Queue,
        chat_id: int,
        language: str,
        rng: random.Random,
        think: tuple[float, float],
    ) -> None:
        self.world = world
        self.inbox = inbox
        self.id = chat_id
        self.language = language
        self.rng = rng
        self.think = think
        self.steps = 0

    async def pause(self) -> None:
        low, high = self.think
        if high > 0:
            await asyncio.sleep(self.rng.uniform(low, high))

    async def step(
        self,
        act: Callable[[], Any],
        *,
        messages: int = 1,
        answers: int = 0,
        edits: int = 0,
    ) -> dict[str, Any]:
        """Think, act, and wait for exactly these bot events; the last message's view."""
        await self.pause()
        try:
            act()
        except actions.ActionError as error:
            raise StepError(f"step {self.steps}: {error} {error.details}") from error
        self.steps += 1
        wanted = {"message": messages, "callback_answer": answers, "edit": edits}
        got: dict[str, int] = defaultdict(int)
        last: dict[str, Any] = {}
        deadline = time.monotonic() + STEP_TIMEOUT
        while any(got[kind] < n for kind, n in wanted.items()):
            remaining = deadline - time.monotonic()
            try:
                event = await asyncio.wait_for(self.inbox.get(), max(remaining, 0.001))
            except TimeoutError:
                raise StepError(f"step {self.steps}: no reply within {STEP_TIMEOUT}s") from None
            got[event["kind"]] += 1
            if event["kind"] == "message":
                last = event["message"]
            if event["kind"] == "callback_answer" and event.get("show_alert"):
                raise StepError(f"step {self.steps}: alert {event.get('text')!r}")
        extra = {kind: n for kind, n in got.items() if n > wanted.get(kind, 0)}
        if extra:
            raise StepError(f"step {self.steps}: unexpected events {extra}")
        return last

    # actions
    def send(self, text_: str) -> Callable[[], Any]:
        return lambda: actions.send_text(self.world, self.id, text_)

    def click(self, label: str, message: dict[str, Any]) -> Callable[[], Any]:
        return lambda: actions.click(
            self.world, self.id, text=label, message_id=message["message_id"]
        )

    def upload(self, kind: str, name: str, data: bytes, mime: str) -> Callable[[], Any]:
        return lambda: actions.upload(self.world, self.id, kind, data, name, mime)


def buttons_of(message: dict[str, Any]) -> list[list[str]]:
    return [[b["text"] for b in row] for row in (message.get("inline_keyboard") or [])]


def has_button(message: dict[str, Any], label: str, step: str) -> None:
    if not any(label in row for row in buttons_of(message)):
        raise StepError(f"{step}: no button {label!r} in {buttons_of(message)}")


async def apply(person: Person, call_id: int, n: int) -> None:
    """The whole application, as tests/test_e2e_applications.py walks it."""
    lang = person.language
    card = await person.step(person.send(f"/start c-{call_id}"))
    has_button(card, t(lang, "apply-start"), "card")
    question = await person.step(person.click(t(lang, "apply-start"), card), answers=1)
    for _ in range(2):
        has_button(question, t(lang, "apply-yes"), "eligibility")
        question = await person.step(
            person.click(t(lang, "apply-yes"), question), answers=1, edits=1
        )
    overview: dict[str, Any] = {}
    for value in FORM:
        overview = await person.step(person.send(value))
    files = (
        ("document", f"form-{n}.pdf", pdf_of(n), "application/pdf"),
        (
            "document",
            f"budget-{n}.xlsx",
            xlsx_of(n),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("photo", f"certificate-{n}.png", png_of(n), "image/png"),
    )
    for index, file in enumerate(files):
        has_button(overview, t(lang, "apply-upload"), "overview")
        checklist = await person.step(person.click(t(lang, "apply-upload"), overview), answers=1)
        label = buttons_of(checklist)[index][0]
        asked = await person.step(person.click(label, checklist), answers=1)
        accepted = await person.step(person.upload(*file))
        if accepted.get("inline_keyboard"):
            raise StepError(f"upload {index}: refused? {accepted.get('text')!r}")
        overview = await person.step(
            person.click(t(lang, "apply-upload-done"), asked), answers=1, edits=1
        )
    has_button(overview, t(lang, "apply-submit"), "overview before submit")
    receipt = await person.step(person.click(t(lang, "apply-submit"), overview), answers=1, edits=1)
    if "KRK-" not in (receipt.get("text") or ""):
        raise StepError(f"no receipt: {receipt.get('text')!r}")


STEP_NAMES = (
    *["/start c-id", "Apply", "Yes", "Yes"],
    *[f"form {i}" for i in range(1, 8)],
    *["Upload docs", "a document", "the file", "Done"] * 3,
    "Submit",
)
ECHO_STEPS = (
    *["text", "click", "click", "click"],
    *["text"] * 7,
    *["click", "click", "doc", "click"] * 3,
    "click",
)


async def echo_session(person: Person, call_id: int, n: int) -> None:
    """The same 24 updates, in the same kinds, to the echo bot."""
    last: dict[str, Any] = {}
    texts = iter((f"/start c-{call_id}", *FORM))
    for kind in ECHO_STEPS:
        if kind == "text":
            last = await person.step(person.send(next(texts)))
        elif kind == "doc":
            last = await person.step(
                person.upload("document", f"form-{n}.pdf", pdf_of(n), "application/pdf")
            )
        else:
            last = await person.step(person.click("Echo", last), answers=1)


# -- one run: a stand-in, a bot process, the people, the figures ---------------------------------
def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)]


def measure(world: Any, pushes: dict[int, tuple[float, int]]) -> dict[str, Any]:
    """Latencies and counts from the stand-in's call record (see the module docstring)."""
    calls = list(world.calls)
    polls = sorted(
        (c for c in calls if c["method"] == "getUpdates" and c.get("ok")),
        key=lambda c: c["t_mono"],
    )
    # Poll i delivered the ids from its offset up to the next poll's offset.
    delivered: dict[int, float] = {}
    ordered_ids = sorted(pushes)
    for i, poll in enumerate(polls):
        low = int(poll["params"].get("offset") or 0)
        high = int(polls[i + 1]["params"].get("offset") or 0) if i + 1 < len(polls) else None
        end = poll["t_mono"] + poll["duration_ms"] / 1000
        start = bisect.bisect_left(ordered_ids, low)
        stop = len(ordered_ids) if high is None else bisect.bisect_left(ordered_ids, high)
        for update_id in ordered_ids[start:stop]:
            if update_id not in delivered and end >= pushes[update_id][0]:
                delivered[update_id] = end
    by_chat: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for update_id, (moment, chat) in pushes.items():
        by_chat[chat].append((moment, update_id))
    for entries in by_chat.values():
        entries.sort()
    last_reply: dict[int, float] = {}
    http_errors: list[str] = []
    for call in calls:
        if not call.get("ok"):
            if call["method"] == "getUpdates" and call.get("status") == 499:
                continue  # the long poll cancelled at shutdown
            if len(http_errors) < 5:
                http_errors.append(f"{call['method']} {call.get('status')} {call.get('error')}")
            else:
                http_errors.append("")
            continue
        if call["method"] not in REPLY_METHODS:
            continue
        params = call["params"]
        if "callback_query_id" in params:
            record = world.callbacks.get(str(params["callback_query_id"]))
            chat = record.chat_id if record else None
        else:
            chat = params.get("chat_id")
        entries = by_chat.get(int(chat)) if chat is not None else None
        if not entries:
            continue  # e.g. the staff notice
        index = bisect.bisect_right(entries, (call["t_mono"], math.inf)) - 1
        if index < 0:
            continue
        update_id = entries[index][1]
        last_reply[update_id] = max(last_reply.get(update_id, 0.0), call["t_mono"])
    latencies = [
        (last_reply[u] - delivered.get(u, pushes[u][0])) * 1000 for u in pushes if u in last_reply
    ]
    # The same by step of the walk (the n-th update of each chat), for the stderr breakdown.
    by_step: dict[int, list[float]] = defaultdict(list)
    for entries in by_chat.values():
        for step, (_, u) in enumerate(entries):
            if u in last_reply:
                by_step[step].append((last_reply[u] - delivered.get(u, pushes[u][0])) * 1000)
    steps = {
        step: (round(percentile(values, 50), 1), round(percentile(values, 99), 1))
        for step, values in sorted(by_step.items())
    }
    from_action = [(last_reply[u] - pushes[u][0]) * 1000 for u in pushes if u in last_reply]
    first = min((moment for moment, _ in pushes.values()), default=0.0)
    last = max(last_reply.values(), default=first)
    span = last - first
    return {
        "updates": len(pushes),
        "answered": len(last_reply),
        "undelivered": sum(u not in delivered for u in pushes),
        "seconds": round(span, 2),
        "updates_per_s": round(len(pushes) / span, 1) if span > 0 else 0.0,
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "max_ms": round(max(latencies, default=0.0), 1),
        "action_p50_ms": round(percentile(from_action, 50), 1),
        "action_p99_ms": round(percentile(from_action, 99), 1),
        "http_errors": len(http_errors),
        "steps": steps,
        "first_http_errors": [e for e in http_errors if e][:5],
    }


async def run(
    kind: str,
    ncos: int,
    think: tuple[float, float],
    seed: int,
    bot_options: dict[str, Any],
    call_id: int,
) -> dict[str, Any]:
    """One phase: the SSP bot ("ssp") or the echo bot ("echo") with `ncos` people."""
    first_id = FIRST_NCO if kind == "ssp" else FIRST_ECHO
    async with StandIn(strict=False) as standin:
        world = standin.world
        world.user(STAFF_ID, first_name="Staff", language_code="en")
        pushes: dict[int, tuple[float, int]] = {}
        inboxes: dict[int, asyncio.Queue] = defaultdict(asyncio.Queue)
        push_update, add_event = world.push_update, world.add_event

        def hooked_push(update_kind: str, payload: dict[str, Any]) -> dict[str, Any] | None:
            update = push_update(update_kind, payload)
            if update is not None:
                pushes[update["update_id"]] = (time.monotonic(), payload["from"]["id"])
            return update

        def hooked_event(chat_id: int, event_kind: str, **data: Any) -> dict[str, Any]:
            event = add_event(chat_id, event_kind, **data)
            inboxes[chat_id].put_nowait(event)
            return event

        world.push_update = hooked_push
        world.add_event = hooked_event
        people = [
            Person(
                world,
                inboxes[first_id + i],
                first_id + i,
                LANGUAGES[i % len(LANGUAGES)],
                random.Random(f"{seed}:{i}"),
                think,
            )
            for i in range(ncos)
        ]
        for person in people:
            world.user(person.id, first_name=f"Leader {person.id}", language_code=person.language)
        session = apply if kind == "ssp" else echo_session
        failures: list[str] = []

        async def live(person: Person, n: int) -> None:
            try:
                await session(person, call_id, n)
            except Exception as error:  # counted, and the first few shown
                failures.append(f"chat {person.id}: {type(error).__name__}: {error}")

        options = {**bot_options, "standin_url": standin.url}
        async with BotProcess(kind, options) as bot:
            cpu, wall = time.process_time(), time.monotonic()
            await asyncio.gather(*(live(person, i) for i, person in enumerate(people)))
            harness_cpu, wall = time.process_time() - cpu, time.monotonic() - wall
            await asyncio.sleep(1.0)  # let the outbox tell the staff (not measured)
        figures = measure(world, pushes)
    report = bot.report
    for line in failures[:5]:
        print(f"{kind}: person failed: {line}", file=sys.stderr)
    for line in report.get("first_logged_errors", []):
        print(f"{kind}: bot logged: {line}", file=sys.stderr)
    for line in figures["first_http_errors"]:
        print(f"{kind}: Bot API error: {line}", file=sys.stderr)
    names = STEP_NAMES if kind == "ssp" else ECHO_STEPS
    for step, (p50, p99) in figures["steps"].items():
        name = names[step] if step < len(names) else "?"
        print(
            f"{kind}: step {step:2d} {name:<14} p50 {p50:7.1f} ms  p99 {p99:7.1f} ms",
            file=sys.stderr,
        )
    bot_cpu = report["cpu_s"] - bot.cpu_at_start if "cpu_s" in report else None
    return {
        **figures,
        "person_errors": len(failures),
        "error_handler_calls": report.get("error_handler_calls"),
        "bot_logged_errors": report.get("logged_errors"),
        "bot_cpu_share": round(bot_cpu / wall, 2) if bot_cpu is not None else None,
        "harness_cpu_share": round(harness_cpu / wall, 2),
    }


def parse_think(value: str) -> tuple[float, float]:
    low, _, high = value.partition("-")
    low_ms = float(low)
    high_ms = float(high) if high else low_ms
    if low_ms < 0 or high_ms < low_ms:
        raise argparse.ArgumentTypeError("think time: MS or LOW-HIGH (milliseconds)")
    return low_ms / 1000, high_ms / 1000


async def main(
    ncos: int,
    think_text: str,
    database_url: str | None,
    seed: int,
    profile: str | None = None,
    echo_transport: str = "httpx",
) -> dict[str, Any]:
    think = parse_think(think_text)
    with tempfile.TemporaryDirectory() as tmp, PrivateDatabase(database_url, Path(tmp)) as db:
        call_id = await prepare_database(db.url, ncos)
        bot_options = {
            "database_url": db.url,
            "file_store_dir": str(Path(tmp) / "files"),
            "profile": profile,
        }
        print(f"deadline rush: {ncos} NCOs, think {think_text} ms, {db.kind}", file=sys.stderr)
        ssp = await run("ssp", ncos, think, seed, bot_options, call_id)
        statuses = await count_submitted(db.url)
    errors = (ssp["person_errors"] or 0) + (ssp["error_handler_calls"] or 0) + ssp["http_errors"]
    result: dict[str, Any] = {
        "ncos": ncos,
        "think_ms": think_text,
        "database": db.kind,
        "submitted": statuses.get("submitted", 0),
        "errors": errors,
        "updates": ssp["updates"],
        "updates_per_s": ssp["updates_per_s"],
        "p50_ms": ssp["p50_ms"],
        "p95_ms": ssp["p95_ms"],
        "p99_ms": ssp["p99_ms"],
        "max_ms": ssp["max_ms"],
        "action_p50_ms": ssp["action_p50_ms"],
        "action_p99_ms": ssp["action_p99_ms"],
        "seconds": ssp["seconds"],
        "answered": ssp["answered"],
        "error_parts": {
            "people": ssp["person_errors"],
            "bot_error_handler": ssp["error_handler_calls"],
            "bot_api_http": ssp["http_errors"],
            "bot_logged_errors": ssp["bot_logged_errors"],
        },
        "statuses": statuses,
        "bot_cpu_share": ssp["bot_cpu_share"],
        "harness_cpu_share": ssp["harness_cpu_share"],
    }
    if think[1] == 0:
        print(f"echo bot: {ncos} chats, the same 24 updates each", file=sys.stderr)
        echo = await run("echo", ncos, think, seed, {"transport": echo_transport}, call_id)
        result.update(
            {
                "echo_transport": echo_transport,
                "echo_updates_per_s": echo["updates_per_s"],
                "ratio": round(ssp["updates_per_s"] / echo["updates_per_s"], 3)
                if echo["updates_per_s"]
                else None,
                "echo_p99_ms": echo["p99_ms"],
                "echo_errors": echo["person_errors"]
                + (echo["error_handler_calls"] or 0)
                + echo["http_errors"],
                "echo_bot_cpu_share": echo["bot_cpu_share"],
                "echo_harness_cpu_share": echo["harness_cpu_share"],
            }
        )
    result.update({"seed": seed, "python": platform.python_version(), "cpus": os.cpu_count()})
    return result


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ncos", type=int, default=300)
    parser.add_argument(
        "--think-ms", default="1000-3000", help="think time before each action: MS or LOW-HIGH"
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="PostgreSQL server to create a private database on (default: a fresh SQLite file)",
    )
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--profile", help="cProfile the bot process into this file (pstats)")
    parser.add_argument(
        "--echo-transport",
        choices=("httpx", "bot"),
        default="httpx",
        help="the echo bot's HTTP transport for replies: python-telegram-bot's default (httpx),"
        " or the real bot's (aiohttp, bot.app.reply_request)",
    )
    args = parser.parse_args()
    parse_think(args.think_ms)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    result = asyncio.run(
        main(
            args.ncos,
            args.think_ms,
            args.database_url,
            args.seed,
            args.profile,
            args.echo_transport,
        )
    )
    print(json.dumps(result, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    cli()
