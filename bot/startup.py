"""Optional Bot API calls made at start-up. A server that lacks them (an older self-hosted
Bot API, a stand-in) only earns a warning: the bot works without a command menu."""

from __future__ import annotations

import logging

from telegram import BotCommand
from telegram.error import TelegramError
from telegram.ext import Application

from bot.i18n import t
from bot.settings import LANGUAGES

log = logging.getLogger(__name__)

PUBLIC_COMMANDS = ("start", "profile", "subscriptions", "language", "help", "stop", "forget")


def public_commands(language: str) -> list[BotCommand]:
    return [BotCommand(name, t(language, f"command-{name}")) for name in PUBLIC_COMMANDS]


async def publish_command_menu(application: Application, default_language: str) -> bool:
    """Set the command menu in each language; False (after a warning) if a call failed."""
    bot = application.bot
    calls = [(language, public_commands(language)) for language in LANGUAGES]
    calls.append((None, public_commands(default_language)))
    ok = True
    for language_code, commands in calls:
        try:
            await bot.set_my_commands(commands, language_code=language_code)
        except TelegramError as error:
            log.warning(
                "Optional start-up call setMyCommands(%s) failed: %s; the bot runs without it",
                language_code or "default",
                error,
            )
            ok = False
    return ok
