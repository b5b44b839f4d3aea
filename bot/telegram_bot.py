"""The Bot object the application uses: python-telegram-bot's ExtBot, keeping every request to
the fields the Bot API defines.

python-telegram-bot adds the default `parse_mode` to every message-like call, including methods
the Bot API gives no `parse_mode` (editMessageReplyMarkup, sendLocation, ...). Telegram ignores
it today; we drop it so the bot's traffic matches the published API exactly (the stand-in's
spec check in the tests holds us to that)."""

from __future__ import annotations

from typing import Any

from telegram.ext import ExtBot

from bot.logging_setup import current_update
from bot.retry import retry_post

METHODS_WITHOUT_PARSE_MODE = frozenset(
    {
        "editMessageReplyMarkup",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendDice",
        "sendSticker",
        "sendVideoNote",
        "stopPoll",
    }
)


class SSPBot(ExtBot):
    def __init__(self, *args: Any, reply_retry_seconds: float = 15.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # How long a reply to a user is retried through transient failures (Settings).
        self._reply_retry_seconds = reply_retry_seconds

    async def _do_post(self, endpoint: str, data: dict[str, Any], **timeouts: Any) -> Any:
        if endpoint in METHODS_WITHOUT_PARSE_MODE:
            data.pop("parse_mode", None)
        post = super()._do_post
        if current_update() is not None and endpoint != "getUpdates":
            # A reply to a user: transient failures are retried (bot/retry.py).
            post = retry_post(post, endpoint, budget=self._reply_retry_seconds)
        return await post(endpoint, data, **timeouts)
