"""The one error handler: log the failure without personal data, tell the user nothing is lost."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.context import BotContext
from bot.i18n import t
from handlers.common import language_of
from storage.queries.outbox import enqueue
from storage.queries.users import set_flags

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Log the error (never the update's contents) and apologise in the user's language."""
    update_id = update.update_id if isinstance(update, Update) else None
    blocked = isinstance(context.error, Forbidden)
    if blocked and isinstance(update, Update) and update.effective_user is not None:
        # The user blocked the bot: stop targeting them; there is no one to tell.
        log.info("User of update %s has blocked the bot; marked inactive", update_id)
        async with context.db.session() as session:
            await set_flags(session, telegram_id=update.effective_user.id, is_active=False)
        return
    log.error("Error while handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        language = await language_of(context, update.effective_user)
    except Exception:  # the database itself may be what failed
        language = context.settings.default_language
    if update.callback_query is not None:
        try:  # the handler may have answered it already; the apology matters more
            await update.callback_query.answer()
        except TelegramError:
            pass
    text = t(language, "error-generic")
    try:
        await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError as error:
        # Telegram cannot be reached now: the outbox tells the user once it can.
        log.warning("Could not tell the user about the error (%s); queued in the outbox", error)
        try:
            async with context.db.session() as session:
                await enqueue(
                    session,
                    chat_id=update.effective_chat.id,
                    text=text,
                    dedupe_key=f"error:{update_id}",
                )
                await session.commit()
        except Exception:
            log.exception("Could not queue the apology either")
