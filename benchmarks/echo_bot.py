"""A bare echo bot on the same python-telegram-bot and stand-in: the yardstick for what the
library, the HTTP client and the stand-in alone can handle (see benchmarks/deadline_rush.py).

It answers every message with its text (or "file" for an upload) and every button with an
answer and a new message, each reply carrying one inline button so that the simulated user has
something to press next. No database, no dialogue: only python-telegram-bot's own work.
Built like the real bot (bot/app.py): a 256-connection pool for replies, a separate one for
getUpdates, updates of different chats handled at once, long polling with no pause. The replies'
transport is python-telegram-bot's own (httpx), as a bare bot has it, unless `transport="bot"`
asks for the real bot's (`bot.app.reply_request` and `updates_request`, aiohttp, for the replies
and for getUpdates alike): the stricter yardstick."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters
from telegram.request import HTTPXRequest

from bot.app import reply_request, updates_request

BUTTON = "Echo"
MARKUP = InlineKeyboardMarkup([[InlineKeyboardButton(BUTTON, callback_data="echo")]])


async def echo_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    await message.reply_text(message.text or "file", reply_markup=MARKUP)


async def echo_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.answer()
    await query.message.reply_text(query.data or "?", reply_markup=MARKUP)


def build_echo_application(token: str, standin_url: str, transport: str = "httpx") -> Application:
    bot = Bot(
        token,
        base_url=f"{standin_url}/bot",
        base_file_url=f"{standin_url}/file/bot",
        request=reply_request() if transport == "bot" else HTTPXRequest(connection_pool_size=256),
        get_updates_request=updates_request() if transport == "bot" else HTTPXRequest(),
    )
    application = Application.builder().bot(bot).concurrent_updates(True).build()
    application.add_handler(MessageHandler(filters.ALL, echo_message))
    application.add_handler(CallbackQueryHandler(echo_button))
    return application


@asynccontextmanager
async def running_echo_bot(
    token: str, standin_url: str, transport: str = "httpx"
) -> AsyncIterator[Application]:
    """Start polling the stand-in like bot/runner.py does; stop cleanly on exit."""
    application = build_echo_application(token, standin_url, transport)
    async with application:
        await application.start()
        await application.updater.start_polling(
            timeout=1, poll_interval=0.0, allowed_updates=Update.ALL_TYPES
        )
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()
