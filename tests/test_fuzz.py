"""Fuzzing the real application with hypothesis: texts of any Unicode, unknown commands with
arguments, forged callback data up to 64 bytes, documents with random bytes and names, and
updates from chats and channels the bot does not serve.

For every generated update: no exception reaches the error handler, the database is exactly as
before (an invalid update changes nothing), and the user gets a normal or polite answer (a
private message is answered, a forged button is answered with an alert), never an apology.

Examples are derandomized (the same on every run, so CI cannot be unlucky) and few, to keep the
suite fast; `SSP_FUZZ_EXAMPLES=500` runs more of them (benchmarks/resilience.py does)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlmodel import SQLModel, select
from telegram import Update
from telegram.ext import Application

from bot.i18n import t
from handlers.staff import STAFF_COMMANDS
from sandbox import SandboxClient, SandboxUser, StandIn
from storage.db import Database
from tests.flows import settle
from tests.test_ratelimit import wait_until

pytestmark = pytest.mark.bad_input

EXAMPLES = int(os.environ.get("SSP_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
USER_ID = 73_001
KNOWN_COMMANDS = {
    "start", "language", "help", "profile", "subscriptions", "stop", "forget", "cancel", "calls",
    "review", "poll", "polls", "overview", "digest", "audit", *STAFF_COMMANDS,
}  # fmt: skip
# Callback data anyone may send at any time and that does act (choose a language, subscribe
# from a link, answer "forget me?"): valid, not forged, so not generated here.
ALWAYS_VALID = ("lang:", "fg:", "dl:sub:")
PREFIXES = ["st:", "wz:", "ap:", "qa:", "sb:", "pf:", "po:", "po:edit:", "st:call:", "qa:ans:"]
PREFIXES += ["se:", "se:home:", "se:ok:", "cm:", "cm:call:", "pl:", "pl:r:", "pl:a:", "mo:", "au:"]
PREFIXES += ["mb:", "mb:list:", "mb:rmok:", "mj:"]

# -- what the bot did ---------------------------------------------------------------------------


class Recorder:
    """Errors that reached the error handlers, and the examples run."""

    def __init__(self) -> None:
        self.errors: list[BaseException] = []
        self.examples = 0
        self.failures = 0

    async def on_error(self, update: object, context) -> None:
        self.errors.append(context.error)


@pytest.fixture
async def fuzz_bot(
    standin: StandIn, seeded_database: Database, make_settings
) -> AsyncIterator[tuple[Application, Recorder]]:
    from bot.runner import running_bot

    recorder = Recorder()
    async with running_bot(make_settings(bot_api_base_url=standin.url)) as application:
        application.add_error_handler(recorder.on_error)
        yield application, recorder
    _record(recorder)


def _record(recorder: Recorder) -> None:
    directory = os.environ.get("SSP_RESILIENCE_OUT")
    if directory:
        name = f"fuzz-{os.getpid()}-{len(list(Path(directory).iterdir()))}.json"
        (Path(directory) / name).write_text(
            json.dumps({"examples": recorder.examples, "failures": recorder.failures})
        )


async def fingerprint(db: Database) -> str:
    """Every row of every table (but when users were last seen)."""
    digest = hashlib.sha256()
    async with db.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            columns = [c for c in table.columns if c.name != "last_seen_at"]
            rows = (await connection.execute(select(*columns))).all()
            digest.update(table.name.encode())
            for row in sorted(repr(tuple(row)) for row in rows):
                digest.update(row.encode())
    return digest.hexdigest()


async def _known_user(sandbox: SandboxClient, db: Database) -> SandboxUser:
    """A user who has chosen English (so the fuzz does not start with onboarding)."""
    from storage.queries.users import get_or_create_user, set_language

    async with db.session() as session:
        await get_or_create_user(session, telegram_id=USER_ID)
        await set_language(session, telegram_id=USER_ID, language="en")
    return sandbox.user(USER_ID, first_name="Fuzz", language_code="en")


class Checked:
    """Runs one example and checks what the bot did."""

    def __init__(
        self,
        app: Application,
        recorder: Recorder,
        db: Database,
        user: SandboxUser,
        standin: StandIn,
    ) -> None:
        self.app, self.recorder, self.db, self.user = app, recorder, db, user
        self.standin = standin

    async def __call__(self, act, *, expect: str) -> None:
        """`act` sends one update; `expect`: "message" (a reply) or "alert" (a refused button)."""
        self.recorder.examples += 1
        self.recorder.errors.clear()  # each example on its own
        try:
            before = await fingerprint(self.db)
            handled = self.app.update_processor.handled
            await act
            await wait_until(lambda: self.app.update_processor.handled > handled)
            events = await self.user.replies_until_quiet(quiet=0.02, timeout=0.02, allow_empty=True)
            assert self.recorder.errors == [], self.recorder.errors
            assert all(e.text != t("en", "error-generic") for e in events)
            if expect == "message":
                assert any(e.kind == "message" for e in events), "no answer"
            else:
                answers = [e for e in events if e.kind == "callback_answer"]
                assert answers and answers[0].show_alert, "the forged button was not refused"
            assert await fingerprint(self.db) == before, "an invalid update changed the database"
        except BaseException:
            self.recorder.failures += 1
            raise


@pytest.fixture
async def checked(
    fuzz_bot, sandbox: SandboxClient, standin: StandIn, seeded_database: Database
) -> Checked:
    app, recorder = fuzz_bot
    user = await _known_user(sandbox, seeded_database)
    await user.send("/help")
    await settle(user)
    return Checked(app, recorder, seeded_database, user, standin)


# -- strategies ---------------------------------------------------------------------------------

texts = st.text(min_size=1, max_size=400).filter(
    lambda s: s.strip() and not s.lstrip().startswith("/")
)
unknown_commands = st.builds(
    lambda name, argument: f"/{name} {argument}".strip(),
    st.from_regex(r"[a-z][a-z0-9_]{0,30}", fullmatch=True).filter(
        lambda name: name not in KNOWN_COMMANDS
    ),
    st.text(max_size=100),
)


def _fits(data: str) -> bool:
    return 1 <= len(data.encode()) <= 64 and not data.startswith(ALWAYS_VALID)


forged_data = st.one_of(
    st.text(min_size=1, max_size=64),
    st.builds(
        lambda prefix, rest: prefix + rest,
        st.sampled_from(PREFIXES),
        st.one_of(
            st.text(max_size=40),
            st.from_regex(r"[a-z_-]{1,12}:[0-9]{1,12}(:[a-z0-9]{1,8})?", fullmatch=True),
            st.integers(min_value=-(2**63), max_value=2**63).map(str),
        ),
    ),
).filter(_fits)
file_names = st.one_of(
    st.text(min_size=1, max_size=60),
    st.builds(
        lambda stem, extension: f"{stem}.{extension}",
        st.text(min_size=1, max_size=30),
        st.sampled_from(["pdf", "docx", "exe", "zip", "jpg", "PDF", "xlsm", ""]),
    ),
).filter(lambda name: "\x00" not in name and name.strip())


# -- the tests ----------------------------------------------------------------------------------


@FUZZ
@given(text=st.one_of(texts, unknown_commands))
async def test_any_text_or_unknown_command_gets_a_polite_answer_and_changes_nothing(
    checked: Checked, text: str
) -> None:
    await checked(checked.user.send(text), expect="message")


@FUZZ
@given(data=forged_data)
# Found by this test on PostgreSQL: ids beyond a 32-bit integer failed in the database.
@example(data="st:call:9999999999")
@example(data="se:cm:1:u99999999999")
@example(data="pl:a:1:9999999999")
@example(data="au:9999999999:0")
async def test_forged_callback_data_is_refused_and_changes_nothing(
    checked: Checked, data: str
) -> None:
    anchor = (await checked.user.transcript())[-1]["message_id"]
    await checked(checked.user.click_data(anchor, data), expect="alert")


@FUZZ
@given(content=st.binary(min_size=1, max_size=4096), name=file_names, photo=st.booleans())
async def test_random_documents_and_photos_are_answered_and_change_nothing(
    checked: Checked, content: bytes, name: str, photo: bool
) -> None:
    # As JSON: any file name Telegram may pass on, control characters included.
    body = {
        "file_name": name,
        "content_base64": base64.b64encode(content).decode(),
        "mime_type": "image/jpeg" if photo else "application/octet-stream",
    }
    kind = "photo" if photo else "document"
    upload = checked.user.client.request("POST", f"users/{checked.user.id}/{kind}", json=body)
    await checked(upload, expect="message")


def _chat_update(kind: str, chat_id: int, text: str, update_id: int) -> dict:
    """An update from a group, a supergroup or a channel (which the bot does not serve)."""
    chat = {"id": chat_id, "type": kind, "title": "Some chat"}
    sender = {"id": 555_000 + abs(chat_id) % 1000, "is_bot": False, "first_name": "Stranger"}
    message = {"message_id": 7, "date": 1_700_000_000, "chat": chat, "text": text}
    if kind == "channel":
        return {"update_id": update_id, "channel_post": message}
    message["from"] = sender
    if text.startswith("/"):
        length = len(text.split()[0].encode("utf-16-le")) // 2
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    return {"update_id": update_id, "message": message}


@FUZZ
@given(
    kind=st.sampled_from(["group", "supergroup", "channel"]),
    chat_id=st.integers(min_value=-(10**13), max_value=-1),
    text=st.one_of(texts, st.sampled_from(["/start", "/help", "/staff", "/newcall"]), st.text()),
    edited=st.booleans(),
)
async def test_updates_from_chats_the_bot_does_not_serve_change_nothing(
    checked: Checked, kind: str, chat_id: int, text: str, edited: bool
) -> None:
    """Injected straight into the application: the stand-in has no groups or channels."""
    app, recorder = checked.app, checked.recorder
    recorder.examples += 1
    recorder.errors.clear()
    try:
        before = await fingerprint(checked.db)
        calls = len(checked.standin.world.calls)
        raw = _chat_update(kind, chat_id, text or "x", 900_000 + recorder.examples)
        if edited and "message" in raw:
            raw["edited_message"] = raw.pop("message")
            raw["edited_message"]["edit_date"] = 1_700_000_100
        await app.process_update(Update.de_json(raw, app.bot))
        assert recorder.errors == []
        assert await fingerprint(checked.db) == before
        # The bot said nothing to the chat (nor tried to).
        talked = [
            c
            for c in checked.standin.world.calls[calls:]
            if str(c["params"].get("chat_id")) == str(chat_id)
        ]
        assert talked == []
    except BaseException:
        recorder.failures += 1
        raise
