"""Small helpers every handler uses: the user's language and row, quiet edits."""

from __future__ import annotations

from functools import cache

from telegram import CallbackQuery, Update
from telegram import User as TelegramUser
from telegram.error import BadRequest

from bot.context import BotContext
from bot.i18n import resolve_language, t, translator
from storage.models import User
from storage.queries.users import LAST_SEEN_EVERY, get_or_create_user, get_user
from storage.types import utcnow


def language_for(user: User | None, telegram_user: TelegramUser | None, default: str) -> str:
    """The stored choice, else a guess from the Telegram app's language, else the default."""
    if user is not None and user.language:
        return user.language
    return resolve_language(telegram_user.language_code if telegram_user else None, default)


async def language_of(context: BotContext, telegram_user: TelegramUser | None) -> str:
    if telegram_user is None:
        return context.settings.default_language
    async with context.db.session() as session:
        user = await get_user(session, telegram_id=telegram_user.id)
    return language_for(user, telegram_user, context.settings.default_language)


async def current_user(update: Update, context: BotContext) -> tuple[User, str]:
    """The sender's row (created on first contact, active again) and language."""
    telegram_user = update.effective_user
    async with context.db.session() as session:
        user, _ = await get_or_create_user(session, telegram_id=telegram_user.id)
    return user, language_for(user, telegram_user, context.settings.default_language)


async def note_seen(context: BotContext, user: User) -> None:
    """Refresh the user's "last seen" as `current_user` does: at most every few minutes."""
    if utcnow() - user.last_seen_at > LAST_SEEN_EVERY:
        async with context.db.session() as session:
            user.last_seen_at = utcnow()
            session.add(user)
            await session.commit()


@cache
def all_texts(key: str) -> frozenset[str]:
    """A text without arguments in every language (a reply-keyboard button, whatever its
    language). Texts do not change while the bot runs, so each key is formatted once."""
    return frozenset(translator().all_texts(key))


def leaves_dialogue(text: str | None) -> bool:
    """Cancel or Back, typed or tapped on the reply keyboard, in any language."""
    return text in all_texts("dialogue-cancel") or text in all_texts("dialogue-back")


async def edit_quietly(query: CallbackQuery, text: str, reply_markup=None) -> None:
    """Edit the message a button was on; "not modified" (a double tap) is not an error."""
    try:
        await query.edit_message_text(text, reply_markup=reply_markup)
    except BadRequest as error:
        if "message is not modified" not in str(error).lower():
            raise


async def drop_buttons(query: CallbackQuery) -> None:
    """Remove the buttons of an answered question so they cannot be tapped again."""
    try:
        await query.edit_message_reply_markup(None)
    except BadRequest:
        pass  # already gone, or the message is too old to edit: harmless


async def refuse_button(query: CallbackQuery, language: str) -> None:
    await query.answer(t(language, "button-stale"), show_alert=True)
