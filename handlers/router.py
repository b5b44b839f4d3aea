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
    if dialogue is not None and dialogue.name in profile.DIALOGUES:
        await profile.on_message(update, context, user, dialogue)
    elif dialogue is not None and dialogue.name in wizard.DIALOGUES:
        await wizard.on_message(update, context, user, dialogue)
    elif dialogue is not None and dialogue.name in clarifications.DIALOGUES:
        await clarifications.on_message(update, context, user, dialogue)
    elif dialogue is not None and dialogue.name in selection.DIALOGUES:
        await selection.on_message(update, context, user, dialogue)
    elif dialogue is not None and dialogue.name in commission.DIALOGUES:
        await commission.on_message(update, context, user, dialogue)
    elif dialogue is not None and dialogue.name in polls.DIALOGUES:
        await polls.on_message(update, context, user, dialogue)
    elif dialogue is not None and dialogue.name in channels.DIALOGUES:
        await channels.on_message(update, context, user, dialogue)
    elif dialogue is not None and dialogue.name in reports.DIALOGUES:
        await reports.on_message(update, context, user, dialogue)
    elif dialogue is not None and dialogue.name in report_review.DIALOGUES:
        await report_review.on_message(update, context, user, dialogue)
    elif dialogue is not None and dialogue.name in members.DIALOGUES:
        await members.on_message(update, context, user, dialogue)
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
    if dialogue.name in wizard.DIALOGUES:
        await wizard.cancel_dialogue(update.effective_message, context, user, language, dialogue)
        return
    if dialogue.name == applications.APPLY:
        await applications.pause(update.effective_message, context, user, language)
        return
    if dialogue.name in clarifications.DIALOGUES:
        await clarifications.cancel(update.effective_message, context, user, language)
        return
    if dialogue.name in selection.DIALOGUES:
        await selection.cancel(update.effective_message, context, user, language)
        return
    if dialogue.name in commission.DIALOGUES:
        await commission.cancel(update.effective_message, context, user, language)
        return
    if dialogue.name in polls.DIALOGUES:
        await polls.cancel(update.effective_message, context, user, language)
        return
    if dialogue.name in channels.DIALOGUES:
        await channels.cancel(update.effective_message, context, user, language)
        return
    if dialogue.name in reports.DIALOGUES:
        await reports.pause(update.effective_message, context, user, language)
        return
    if dialogue.name in report_review.DIALOGUES:
        await report_review.cancel(update.effective_message, context, user, language)
        return
    if dialogue.name in members.DIALOGUES:
        await members.cancel(update.effective_message, context, user, language)
        return
    await profile.cancel(update.effective_message, context, user, language, dialogue)
