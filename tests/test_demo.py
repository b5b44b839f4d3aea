"""`ssp-bot demo`: by default the chat page (tests/test_webchat*.py drive it) comes up with the
demo database, prints its address and stops cleanly on Ctrl-C; the scripted conversation
(`script=True`) against the in-process stand-in prints the key moments, runs again over its
reused database, and stops with one sentence when the bot goes off script."""

from __future__ import annotations

import html
import io
import logging
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

import pytest

import bot.demo
from bot.demo import QUIET_LOGGERS, run_demo
from bot.i18n import t
from bot.seed import DEFAULT_SEED_FILE, read_seed_file
from bot.settings import Settings

REPOSITORY = Path(__file__).resolve().parent.parent


def plain(language: str, key: str, **args: object) -> str:
    """A bot text as the transcript shows it: HTML tags stripped, whitespace collapsed."""
    return flat(html.unescape(re.sub(r"<[^>]+>", "", t(language, key, **args))))


def flat(text: str) -> str:
    """Wrapped transcript lines joined again, so a check does not depend on the line width."""
    return " ".join(text.split())


def karakol_card(language: str) -> str:
    karakol = next(
        m for m in read_seed_file(DEFAULT_SEED_FILE).municipalities if m.slug == "karakol"
    )
    name = getattr(karakol.name, language)
    topics = "\n".join(f"• {getattr(topic.name, language)}" for topic in karakol.topics)
    return plain(language, "municipality-card", municipality=name, topics=topics)


async def demo_transcript(*, reset: bool) -> str:
    out = io.StringIO()
    await run_demo(Settings(_env_file=None), reset=reset, out=out, script=True)
    return out.getvalue()


def assert_key_moments(transcript: str) -> None:
    text = flat(transcript)
    karakol_ru = "Мэрия города Каракол"
    # Aigul's /start: the welcome in Kyrgyz (her Telegram language) and the language buttons.
    assert "Aigul › /start" in text
    assert plain("ky", "start-welcome", name="Aigul") in text
    assert "[ ✅ Кыргызча ] [ Русский ] [ English ]" in text
    assert "keyboard: (🏢 Моя организация) (🔔 Подписки) (🌐 Язык) (❓ Помощь)" in text
    # The 13-digit INN is refused politely and the question asked again.
    assert "Aigul › 0123456789012" in text
    assert plain("ru", "invalid-inn-length", count=13) in text
    assert plain("ru", "invalid-inn-taken") not in text
    # The profile is saved.
    assert plain("ru", "profile-saved") in text
    assert "ИНН: 01234567890123" in text
    # Subscribed to all of Karakol's topics, confirmed after Done.
    line = plain("ru", "subs-line", municipality=karakol_ru, topics=t("ru", "subs-all-topics"))
    assert line + " " + plain("ru", "subs-saved") in text
    assert plain("ru", "subs-hint") + " " + plain("ru", "subs-saved") not in text
    # The deep link in English: the municipality's card, Subscribe, consent, confirmation.
    assert "Emil › /start m-karakol" in text
    assert karakol_card("en") + " [ " + t("en", "municipality-subscribe") + " ]" in text
    subscribed = plain("en", "subs-subscribed", municipality="Karakol Mayor's Office")
    assert subscribed in text
    # The footer.
    assert "make test" in text
    assert "ssp-bot sandbox --port 8081" in text
    assert "docs/sandbox.md" in text
    assert "Traceback" not in text
    assert len(transcript.splitlines()) < 165


async def test_demo_shows_the_conversation_and_runs_again_over_its_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    database = tmp_path / "data" / "demo-script.sqlite3"
    levels = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}

    first = await demo_transcript(reset=True)
    assert_key_moments(first)
    assert "database: data/demo-script.sqlite3 (new;" in flat(first)
    assert f"Demo database: {database}" in flat(first)
    assert database.exists()

    # The second run reuses the database: Aigul and Emil /forget first, then the same story
    # (the INN is unique, so without that the profile would be refused as already registered).
    second = await demo_transcript(reset=False)
    assert "database: data/demo-script.sqlite3 (reused from the last run;" in flat(second)
    assert "first send /forget" in flat(second)
    assert_key_moments(second)

    # The loggers the demo silences are back at their levels.
    assert {name: logging.getLogger(name).level for name in QUIET_LOGGERS} == levels


async def test_demo_that_goes_off_script_stops_with_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    # A name the bot refuses (too short): the script then taps a button that never came.
    monkeypatch.setattr(bot.demo, "ORGANIZATION_NAME", "Я")
    out = io.StringIO()
    with pytest.raises(SystemExit) as stopped:
        await run_demo(Settings(_env_file=None), reset=True, out=out, script=True)
    assert str(stopped.value.code).startswith("ssp-bot demo: the conversation went off script")
    assert plain("ru", "invalid-too-short", minimum=3) in flat(out.getvalue())


def test_the_scripted_demo_exits_cleanly_from_the_command_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.demo", "--script", "--reset"],
        cwd=tmp_path,
        env={**_environment(), "PYTHONPATH": str(REPOSITORY)},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert plain("ru", "profile-saved") in flat(result.stdout)
    assert "Next steps:" in result.stdout
    assert (tmp_path / "data" / "demo-script.sqlite3").exists()


def test_the_page_demo_prints_its_address_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    """The main command: prepare data/demo.sqlite3, serve the page, stop on SIGINT."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.demo", "--reset", "--port", "0"],
        cwd=tmp_path,
        env={**_environment(), "PYTHONPATH": str(REPOSITORY)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Ctrl-C stops" in line:
                break
        address = re.search(r"Open (http://127\.0\.0\.1:\d+/) in a browser", "".join(lines))
        assert address, "".join(lines) + process.stderr.read()

        with urlopen(address.group(1), timeout=10) as response:
            assert b"/static/app.js" in response.read()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert "Demo stopped." in out
    assert "database:  data/demo.sqlite3 (new;" in "".join(lines)
    assert (tmp_path / "data" / "demo.sqlite3").exists()


def _environment() -> dict[str, str]:
    # A developer's own settings must not leak in; the demo overrides the rest.
    drop = {"BOT_TOKEN", "DATABASE_URL", "WEBHOOK_URL", "WEBHOOK_SECRET", "BOT_API_BASE_URL"}
    return {key: value for key, value in os.environ.items() if key.upper() not in drop}
