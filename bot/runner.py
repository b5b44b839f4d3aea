"""Start and stop the bot: migrate, build, connect by polling or webhook, and shut down cleanly.

`running_bot` is an async context manager, so `ssp-bot run`, the demo and the tests share it."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import Update
from telegram.ext import Application

from bot.app import build_application
from bot.broadcast_reports import schedule_reports
from bot.monitoring import schedule_digests
from bot.outbox import OutboxSender, schedule_on
from bot.polls import schedule_polls
from bot.reminders import ReminderWorker
from bot.reminders import schedule_on as schedule_reminders
from bot.settings import Settings
from bot.startup import publish_command_menu
from bot.update_order import MAX_CONCURRENT_UPDATES
from bot.webhook import FeedConfig, WebhookServer
from storage.db import Database
from storage.migrate import upgrade_database

log = logging.getLogger(__name__)


@asynccontextmanager
async def running_bot(settings: Settings) -> AsyncIterator[Application]:
    settings.require_token()
    db = Database(settings.database_url)
    try:
        await upgrade_database(db)
        await db.warm_up(MAX_CONCURRENT_UPDATES)
        application = build_application(settings, db)
        await application.initialize()
        await publish_command_menu(application, settings.default_language)
        await application.start()
        sender = OutboxSender(
            application.bot,
            db,
            rate_per_second=settings.send_rate_per_second,
            default_language=settings.default_language,
        )
        schedule_on(application, sender)
        schedule_reports(application, db, default_language=settings.default_language)
        schedule_polls(application, db, default_language=settings.default_language)
        schedule_digests(application, db, settings)
        reminders = ReminderWorker(db, default_language=settings.default_language)
        application.bot_data["reminders"] = reminders  # the demo's "as if time had passed"
        schedule_reminders(application, reminders)
        freeze_startup_heap()
        try:
            webhook = await _connect(application, settings, db)
            try:
                yield application
            finally:
                # No new updates; those accepted are still handled by application.stop().
                if webhook is not None:
                    await webhook.stop()
                else:
                    await application.updater.stop()
        finally:
            # Sends in flight finish and are recorded before the HTTP client closes.
            await sender.stop()
            await application.stop()
            await application.shutdown()
    finally:
        await db.dispose()


_heap_frozen = False


def freeze_startup_heap() -> None:
    """Keep the objects made at start-up (modules, the application, caches: about 200,000) out
    of the garbage collector's full passes. Each full pass otherwise walks them all, about
    100-200 ms during which no chat is answered; a flood's allocations make such passes come
    sooner. Done once per process: in the test suite many bots start one after another, and
    freezing each one's leftovers would keep them alive for good."""
    global _heap_frozen
    if _heap_frozen:
        return
    _heap_frozen = True
    gc.collect()  # what is garbage already is freed, not frozen
    gc.freeze()


async def _connect(
    application: Application, settings: Settings, db: Database
) -> WebhookServer | None:
    if settings.uses_webhook:
        webhook = WebhookServer(
            application,
            db,
            url=settings.webhook_url,
            secret=settings.webhook_secret,
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            feeds=FeedConfig(
                default_language=settings.default_language, base_url=settings.feed_base_url
            ),
        )
        application.bot_data["webhook"] = webhook
        await webhook.start()
        return webhook
    else:
        await application.updater.start_polling(
            timeout=settings.polling_timeout, poll_interval=0.0, allowed_updates=Update.ALL_TYPES
        )
        log.info("Receiving updates by long polling")
        return None


async def run_until_signalled(settings: Settings) -> None:
    """`ssp-bot run`: serve until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with running_bot(settings) as application:
        me = application.bot
        log.info("SSP Bot @%s is running; press Ctrl-C to stop", me.username)
        await stop.wait()
    log.info("Stopped cleanly")
