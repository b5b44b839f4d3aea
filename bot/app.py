"""The application factory: the one place a python-telegram-bot Application is built,
used by `ssp-bot run`, the demo and the tests alike."""

from __future__ import annotations

from telegram.constants import ParseMode
from telegram.ext import Application, ContextTypes, Defaults

import handlers
from bot.context import BotContext, Services
from bot.i18n import translator
from bot.outbox_request import AiohttpRequest
from bot.ratelimit import install as install_limits
from bot.settings import Settings
from bot.telegram_bot import SSPBot
from bot.update_order import PerChatUpdateProcessor
from storage.db import Database

# Replies, file downloads and the outbox sender's messages share this pool. Its connections stay
# open to the one host (Telegram, or the local Bot API server) and are reused.
REPLY_CONNECTIONS = 256


def reply_request(timeout: float = 5.0) -> AiohttpRequest:
    """The HTTP transport for everything but getUpdates. aiohttp costs about a third of the CPU
    per request of python-telegram-bot's default (httpx), whose pool also examines every open
    connection for every request (bot/outbox_request.py, docs/benchmarks.md): at a deadline
    rush that was a fifth of the bot's CPU."""
    return AiohttpRequest(
        connection_pool_size=REPLY_CONNECTIONS,
        connect_timeout=timeout,
        read_timeout=timeout,
        write_timeout=timeout,
    )


def updates_request() -> AiohttpRequest:
    """The transport for getUpdates, on aiohttp too: under load every long poll returns at once
    with a batch, and on httpx the polls alone were a tenth of the bot's CPU. One poll at a
    time; python-telegram-bot adds the long poll's own timeout to the read timeout."""
    return AiohttpRequest(connection_pool_size=1)


def build_application(settings: Settings, db: Database) -> Application:
    settings.require_token()
    bot = SSPBot(
        settings.bot_token,
        base_url=settings.bot_api_url,
        base_file_url=settings.bot_file_url,
        defaults=Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.zone),
        # A bare Bot gets one connection; replies and the outbox sender need many at once.
        request=reply_request(settings.request_timeout),
        get_updates_request=updates_request(),
        reply_retry_seconds=settings.reply_retry_seconds,
    )
    application = (
        Application.builder()
        .bot(bot)
        .context_types(ContextTypes(context=BotContext))
        .concurrent_updates(PerChatUpdateProcessor())
        .build()
    )
    application.bot_data["services"] = Services(settings=settings, db=db, translator=translator())
    install_limits(
        application,
        burst=settings.flood_burst,
        rate=settings.flood_rate_per_second,
        uploads_per_hour=settings.uploads_per_hour,
    )
    handlers.register(application)
    return application
