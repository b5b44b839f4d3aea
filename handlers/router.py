"""Messages that are not commands: a main-menu button, an answer in a dialogue, or neither."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from handlers import (
    applications,
    channels,
    clarifications,
    commission,
    members,
    polls,
    profile,
    report_review,
    reports,
    selection,
    start,
    subscriptions,
    wizard,
)
from handlers.common import all_texts
from storage.queries.dialogues import get_dialogue, user_and_dialogue
from storage.queries.users import get_user

# Each dialogue's module: the names of its dialogues, what handles a typed answer, and what
# /cancel does there (an application or a report is paused, its answers kept; the others end).
# The profile and the call wizard come first; their /cancel also needs the dialogue (below).
DIALOGUE_OWNERS = (
    (profile.DIALOGUES, profile.on_message, None),
    (wizard.DIALOGUES, wizard.on_message, None),
    ({applications.APPLY}, applications.on_message, applications.pause),
    (clarifications.DIALOGUES, clarifications.on_message, clarifications.cancel),
    (selection.DIALOGUES, selection.on_message, selection.cancel),
    (commission.DIALOGUES, commission.on_message, commission.cancel),
    (polls.DIALOGUES, polls.on_message, polls.cancel),
    (channels.DIALOGUES, channels.on_message, channels.cancel),
    (reports.DIALOGUES, reports.on_message, reports.pause),
    (report_review.DIALOGUES, report_review.on_message, report_review.cancel),
    (members.DIALOGUES, members.on_message, members.cancel),
)


def _owner(dialogue, what: str):
    """The dialogue's typed-answer handler ("on_message") or its /cancel ("leave"), or None."""
    for names, on_message, leave in DIALOGUE_OWNERS:
        if dialogue.name in names:
            return on_message if what == "on_message" else leave
    return None


# Main-menu buttons (in any language) and what they open.
MENU_ACTIONS = {
    "menu-profile": profile.open_profile,
    "menu-subscriptions": subscriptions.open_subscriptions,
    "menu-language": start.ask_language,
    "menu-help": start.show_help,
}


async def on_message(update: Update, context: BotContext) -> None:
    """Route a private message: menu buttons first, then the user's open dialogue, else help."""
    text = update.effective_message.text
    for key, action in MENU_ACTIONS.items():
        if text is not None and text in all_texts(key):
            await action(update, context)
            return
    # An application (the busiest dialogue by far) is handled in one database session for the
    # whole update (storage/db.py); the other dialogues open their own sessions as before.
    async with context.db.update_session() as session:
        user, dialogue = await user_and_dialogue(session, telegram_id=update.effective_user.id)
        if dialogue is not None and dialogue.name == applications.APPLY:
            await applications.on_message(update, context, user, dialogue)
            return
    handler = _owner(dialogue, "on_message") if dialogue is not None else None
    if handler is not None:
        await handler(update, context, user, dialogue)
    elif text is not None:
        await start.unknown_text(update, context)
    else:
        await start.unsupported_message(update, context)


async def cancel_command(update: Update, context: BotContext) -> None:
    """/cancel: leave whatever dialogue the user is in."""
    async with context.db.session() as session:
        user = await get_user(session, telegram_id=update.effective_user.id)
        dialogue = await get_dialogue(session, user_id=user.id) if user else None
    if dialogue is None:
        await start.unknown_text(update, context)
        return
    language = user.language or context.settings.default_language
    message = update.effective_message
    if dialogue.name in wizard.DIALOGUES:
        await wizard.cancel_dialogue(message, context, user, language, dialogue)
    elif dialogue.name in profile.DIALOGUES or (leave := _owner(dialogue, "leave")) is None:
        await profile.cancel(message, context, user, language, dialogue)
    else:
        await leave(message, context, user, language)
