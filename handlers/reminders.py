"""The button on a reminder: "no more reminders for this call". The reminder's id comes back
from the client and is checked against the database: only the user it was sent to can mute."""

from __future__ import annotations

import re

from telegram import InlineKeyboardMarkup, Update

from bot.context import BotContext
from bot.formatting import localized
from bot.i18n import t
from handlers.common import current_user
from storage.models import Competition, Reminder
from storage.queries.reminders import mute
from storage.types import utcnow

_MUTE = re.compile(r"^rm:mute:(?P<id>\d{1,9})$")


def mute_data(reminder_id: int) -> str:
    return f"rm:mute:{reminder_id}"


async def on_button(update: Update, context: BotContext) -> None:
    """ "rm:mute:<reminder id>": mute the reminder's call, if the reminder is the user's."""
    query = update.callback_query
    user, language = await current_user(update, context)
    match = _MUTE.match(query.data or "")
    reminder = call = None
    if match:
        async with context.db.session() as session:
            reminder = await session.get(Reminder, int(match["id"]))
            if reminder is not None and reminder.competition_id is not None:
                call = await session.get(Competition, reminder.competition_id)
    if reminder is None or reminder.user_id != user.id or call is None:
        await query.answer(t(language, "reminder-mute-refused"), show_alert=True)
        return
    async with context.db.session() as session:
        await mute(session, user_id=user.id, competition_id=call.id, now=utcnow())
    await query.answer()
    markup = query.message.reply_markup if query.message else None
    if markup is not None:
        rows = [
            [button for button in row if not (button.callback_data or "").startswith("rm:")]
            for row in markup.inline_keyboard
        ]
        rows = [row for row in rows if row]
        await query.edit_message_reply_markup(InlineKeyboardMarkup(rows) if rows else None)
    await query.message.reply_text(
        t(language, "reminder-muted", title=localized(call.title, language))
    )
