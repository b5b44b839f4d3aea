"""End to end over HTTP: /start, the language choice in all three languages, /language, /help,
stale buttons, fallbacks and the error handler — the real bot against the local stand-in."""

from __future__ import annotations

import logging

import pytest
from telegram.ext import CommandHandler

from bot.i18n import t
from handlers.keyboards import MENU_ITEMS
from sandbox import SandboxClient
from storage.db import Database
from storage.queries.users import get_user
from tests.conftest import TEST_TOKEN
from tests.flows import settle

pytestmark = pytest.mark.usefixtures("bot")

LANGUAGE_BUTTONS = ["Кыргызча", "Русский", "English"]


def menu_texts(language: str) -> list[list[str]]:
    return [[t(language, key) for key in row] for row in MENU_ITEMS]


async def stored_language(db: Database, telegram_id: int) -> str | None:
    async with db.session() as session:
        user = await get_user(session, telegram_id=telegram_id)
    return user.language if user else None


@pytest.mark.parametrize(
    ("telegram_language", "suggested"), [("ky", "ky"), ("ru", "ru"), ("en-US", "en"), ("de", "ru")]
)
async def test_start_greets_and_preselects_the_telegram_language(
    sandbox: SandboxClient, telegram_language: str, suggested: str
) -> None:
    user = sandbox.user(1001, first_name="Aigul", language_code=telegram_language)
    await user.send("/start")
    reply = await user.next_reply()
    assert reply.kind == "message"
    assert reply.html == (
        t(suggested, "start-welcome", name="Aigul") + "\n\n" + t(suggested, "language-prompt")
    )
    ticked = t(suggested, "language-current", language=t(suggested, "language-name"))
    expected = [
        ticked if name == t(suggested, "language-name") else name for name in LANGUAGE_BUTTONS
    ]
    assert reply.buttons == [expected]


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
async def test_choosing_a_language_stores_it_and_shows_the_menu(
    sandbox: SandboxClient, seeded_database: Database, language: str
) -> None:
    user = sandbox.user(2002, first_name="Nurlan", language_code="en")
    await user.send("/start")
    await user.next_reply()
    await user.click(t(language, "language-name") if language != "en" else "✅ English")

    events = await settle(user, answers=1, edits=1)
    kinds = [event.kind for event in events]
    assert kinds == ["callback_answer", "edit", "message"], kinds
    assert events[1].text == t(language, "language-saved")
    assert events[2].text == t(language, "menu-title")
    assert events[2].reply_keyboard_texts == menu_texts(language)
    assert await stored_language(seeded_database, 2002) == language

    await user.send("/help")
    help_reply = await user.next_reply()
    assert help_reply.html == t(language, "help-text")


async def test_language_command_changes_the_language(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    user = sandbox.user(3003, first_name="Dina", language_code="ru")
    await user.send("/start")
    await user.next_reply()
    await user.click("✅ Русский")
    await settle(user)

    await user.send("/language")
    picker = await user.next_reply()
    assert picker.text == t("ru", "language-prompt")
    assert picker.buttons == [["Кыргызча", "✅ Русский", "English"]]
    await user.click("Кыргызча", message_id=picker.message_id)
    events = await settle(user, answers=1, edits=1)
    assert [e.text for e in events if e.kind != "callback_answer"] == [
        t("ky", "language-saved"),
        t("ky", "menu-title"),
    ]
    assert await stored_language(seeded_database, 3003) == "ky"

    # The menu button in the new language opens the picker too.
    await user.send(t("ky", "menu-language"))
    assert (await user.next_reply()).text == t("ky", "language-prompt")
    await user.send(t("ky", "menu-help"))
    assert (await user.next_reply()).html == t("ky", "help-text")


async def test_returning_user_is_welcomed_back_with_the_menu(sandbox: SandboxClient) -> None:
    user = sandbox.user(4004, first_name="Bakyt", language_code="ky")
    await user.send("/start")
    await user.next_reply()
    await user.click("✅ Кыргызча")
    await settle(user)
    await user.send("/start")
    reply = await user.next_reply()
    assert reply.text.startswith(t("ky", "start-welcome-back", name="Bakyt"))
    assert reply.reply_keyboard_texts == menu_texts("ky")


@pytest.mark.bad_input
async def test_double_tap_changes_nothing_and_sends_no_second_menu(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    user = sandbox.user(5005, first_name="Asel", language_code="en")
    await user.send("/start")
    picker = await user.next_reply()
    await user.click_data(picker.message_id, picker.button_data["Русский"])
    await user.click_data(picker.message_id, picker.button_data["Русский"])
    events = await settle(user, answers=2)
    menus = [e for e in events if e.kind == "message"]
    assert len(menus) == 1
    answers = [e for e in events if e.kind == "callback_answer"]
    assert answers[-1].text == t("ru", "language-unchanged")
    assert await stored_language(seeded_database, 5005) == "ru"


@pytest.mark.parametrize("forged", ["lang:de", "lang:", "lang:ky;drop table users", "x" * 64])
@pytest.mark.bad_input
async def test_forged_or_stale_buttons_are_refused_politely(
    sandbox: SandboxClient, seeded_database: Database, forged: str
) -> None:
    user = sandbox.user(6006, first_name="Timur", language_code="ru")
    await user.send("/start")
    picker = await user.next_reply()
    await user.click_data(picker.message_id, forged)
    answer = await user.next_reply()
    assert answer.kind == "callback_answer"
    assert answer.text == t("ru", "button-stale")
    assert answer.show_alert
    await user.expect_no_reply(within=0.3)
    assert await stored_language(seeded_database, 6006) is None


@pytest.mark.bad_input
async def test_unknown_text_and_stickers_get_a_pointer_to_the_menu(sandbox: SandboxClient) -> None:
    user = sandbox.user(7007, first_name="Ulan", language_code="ky")
    await user.send("what is this?")
    assert (await user.next_reply()).text == t("ky", "unknown-text")
    await user.send("/nosuchcommand")
    assert (await user.next_reply()).text == t("ky", "unknown-text")
    await user.upload_photo("cat.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    assert (await user.next_reply()).text == t("ky", "unsupported-message")


async def test_a_failure_is_logged_without_the_token_and_the_user_is_told(
    sandbox: SandboxClient, bot, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.logging_setup import configure_logging

    configure_logging("DEBUG", TEST_TOKEN)
    caplog.set_level(logging.DEBUG)

    async def explode(update, context) -> None:
        raise RuntimeError("boom")

    # First in group 0, so it runs instead of the unknown-command fallback.
    bot.handlers[0].insert(0, CommandHandler("explode", explode))
    user = sandbox.user(8008, first_name="Aida", language_code="en")
    await user.send("/start")
    await user.next_reply()
    await user.click("Кыргызча")
    await settle(user)
    await user.send("/explode")
    reply = await user.next_reply()
    assert reply.text == t("ky", "error-generic")
    assert "Error while handling update" in caplog.text
    assert "boom" in caplog.text
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "getUpdates" in logged or "sendMessage" in logged  # the Bot API traffic was logged...
    assert TEST_TOKEN not in logged  # ...but never the token
    assert TEST_TOKEN.split(":")[1] not in caplog.text
