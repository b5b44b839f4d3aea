"""The log of a real end-to-end run: every record of an update names the update and the user,
and neither the token, nor a phone number, nor what users typed, nor a document's content ever
reaches it at INFO and above."""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from telegram.ext import CommandHandler

from bot.i18n import t
from bot.logging_setup import Redactor, bind_update, configure_logging, unbind_update
from sandbox import SandboxClient
from storage.db import Database
from tests import samples
from tests.conftest import TEST_TOKEN
from tests.flows import DESCRIPTION, answer, messages, settle
from tests.test_e2e_applications import FORM, karakol_call, nco_with_profile, open_and_apply

PHONE = "996700123456"
SECRET_WORDS = "Nurlan's private remark 7f3a"
DOCUMENT_MARKER = b"CONFIDENTIAL-BUDGET-LINE-91c2"


@pytest.fixture
def log_stream(request: pytest.FixtureRequest) -> Iterator[io.StringIO]:
    """The bot's own log handler, writing to a string at INFO; the old set-up put back after."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    fmt = getattr(request, "param", "text")
    configure_logging("INFO", TEST_TOKEN, "webhook-secret-xyz", fmt=fmt, stream=stream)
    yield stream
    root.handlers[:], level = saved
    root.setLevel(level)


async def _run_with_personal_data(sandbox: SandboxClient, db: Database, bot) -> int:
    """An NCO fills its profile (phone shared), applies and uploads a document; a handler
    fails with the user's words in its exception. Returns the user's Telegram id."""

    async def explode(update, context) -> None:
        raise RuntimeError(f"could not handle {update.effective_message.text!r}")

    bot.handlers[0].insert(0, CommandHandler("explode", explode))
    call = await karakol_call(db, questions=0)
    user = await nco_with_profile(sandbox, 61_001, "en", "01234567890123")
    await open_and_apply(user, "en", call)
    for value in FORM.values():
        await answer(user, value)
    await user.click(t("en", "apply-upload"))
    checklist = messages(await settle(user))[0]
    await user.click(checklist.buttons[0][0])
    await settle(user)
    document = samples.PDF.replace(b"%%EOF", DOCUMENT_MARKER + b"\n%%EOF")
    await user.upload_document("budget-nurlan.pdf", document, "application/pdf")
    accepted = messages(await settle(user))[0]
    assert accepted.text == t("en", "doc-accepted", name="budget-nurlan.pdf", position=1)
    await user.send(f"/explode {SECRET_WORDS}")
    assert messages(await settle(user))[0].text == t("en", "error-generic")
    return 61_001


def _assert_clean(log: str) -> None:
    secrets = [
        TEST_TOKEN,
        TEST_TOKEN.split(":")[1],
        "webhook-secret-xyz",
        PHONE,
        "+996 700",
        DESCRIPTION,
        SECRET_WORDS,
        FORM["summary"],
        FORM["project_title"],
        "budget-nurlan.pdf",
        DOCUMENT_MARKER.decode(),
    ]
    directory = os.environ.get("SSP_RESILIENCE_OUT")
    if directory:  # benchmarks/resilience.py reads it
        found = sum(log.count(secret) for secret in secrets)
        name = f"logs-{os.getpid()}-{len(list(Path(directory).iterdir()))}.json"
        (Path(directory) / name).write_text(json.dumps({"secrets_in_logs": found}))
    assert TEST_TOKEN not in log
    assert TEST_TOKEN.split(":")[1] not in log
    assert "webhook-secret-xyz" not in log
    assert PHONE not in log and "+996 700" not in log
    for typed in (DESCRIPTION, SECRET_WORDS, FORM["summary"], FORM["project_title"]):
        assert typed not in log
    assert "budget-nurlan.pdf" not in log
    assert DOCUMENT_MARKER.decode() not in log


async def test_an_end_to_end_run_logs_ids_but_no_secrets_or_personal_data(
    sandbox: SandboxClient, seeded_database: Database, bot, log_stream: io.StringIO
) -> None:
    telegram_id = await _run_with_personal_data(sandbox, seeded_database, bot)
    log = log_stream.getvalue()
    # Each update handled is one line naming the update and the user.
    handled = [line for line in log.splitlines() if "bot.updates" in line and "handled" in line]
    assert len(handled) >= 20
    assert all(f"user={telegram_id}" in line for line in handled)
    assert all(line.split("update=")[1].split()[0].isdigit() for line in handled)
    # The failure is logged, with its traceback, against the update and user...
    failure = next(line for line in log.splitlines() if "Error while handling update" in line)
    assert " ERROR " in failure and f"user={telegram_id}" in failure
    assert 'RuntimeError: could not handle "<text>"' in log
    # ...and nothing anyone typed or sent is in it.
    _assert_clean(log)


@pytest.mark.parametrize("log_stream", ["json"], indirect=True)
async def test_the_json_log_is_one_object_per_line_with_the_ids(
    sandbox: SandboxClient, seeded_database: Database, bot, log_stream: io.StringIO
) -> None:
    telegram_id = await _run_with_personal_data(sandbox, seeded_database, bot)
    log = log_stream.getvalue()
    entries = [json.loads(line) for line in log.splitlines()]
    handled = [e for e in entries if e["logger"] == "bot.updates"]
    assert handled and {e["user_id"] for e in handled} == {telegram_id}
    assert all(isinstance(e["update_id"], int) for e in handled)
    assert any(e["level"] == "ERROR" and "RuntimeError" in e.get("exc", "") for e in entries)
    _assert_clean(log)


def test_the_redactor_masks_tokens_secrets_and_phone_numbers() -> None:
    redact = Redactor("s3cret-value")
    text = (
        f"token {TEST_TOKEN} secret s3cret-value phones 996700123456, +996 (700) 12-34-56, "
        "+7 701 123 45 67; ids 61001 and update 123456"
    )
    assert redact(text) == (
        "token <token> secret <secret> phones <phone>, <phone>, <phone>; "
        "ids 61001 and update 123456"
    )


def test_the_current_updates_inputs_are_masked_only_while_it_is_handled() -> None:
    from telegram import Chat, Message, Update, User

    sender = User(5, "Aigul", is_bot=False)
    chat = Chat(5, "private")
    message = Message(1, None, chat, from_user=sender, text="my home address is Lenina 5")
    redact = Redactor()
    token = bind_update(Update(77, message=message))
    try:
        assert redact("bad input 'my home address is Lenina 5'") == "bad input '<text>'"
    finally:
        unbind_update(token)
    assert redact("my home address is Lenina 5") == "my home address is Lenina 5"
