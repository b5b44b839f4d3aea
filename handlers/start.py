"""/start (with deep links), /language, /help, and the replies for anything else."""

from __future__ import annotations

from telegram import Message, Update

from bot.context import BotContext
from bot.i18n import resolve_language, t
from bot.rules.deeplinks import parse_payload
from handlers import applications, members, profile, reports, staff, wizard
from handlers.callbacks import parse_language_choice, subscribe_link_data, subscription_data
from handlers.common import current_user, edit_quietly, language_of, refuse_button
from handlers.keyboards import inline, language_keyboard, main_menu
from storage.models import User
from storage.queries.dialogues import get_dialogue
from storage.queries.places import get_municipality, list_topics
from storage.queries.users import get_user, set_flags, set_language


async def start(update: Update, context: BotContext) -> None:
    """Greet; open a deep link; resume a dialogue; a new user picks a language first."""
    link = parse_payload(context.args[0]) if context.args else None
    if link is not None and link.kind == "competition":
        # A call's card from its link or QR code, the /start of a deadline rush: everything in
        # one database session (one connection, one transaction; storage/db.py).
        async with context.db.update_session():
            await _start(update, context)
        return
    await _start(update, context)


async def _start(update: Update, context: BotContext) -> None:
    user, language = await current_user(update, context)
    if not user.is_active:  # they had blocked the bot and came back
        async with context.db.session() as session:
            user = await set_flags(session, telegram_id=user.telegram_id, is_active=True)
    message = update.effective_message
    if context.args:
        if await open_deep_link(update, context, user, language, context.args[0]):
            return
        await message.reply_text(t(language, "link-unknown"))

    async with context.db.session() as session:
        dialogue = await get_dialogue(session, user_id=user.id)
    if dialogue is not None and dialogue.name in profile.DIALOGUES:
        await profile.resume(message, context, language, dialogue)
        return
    if dialogue is not None and dialogue.name in wizard.DIALOGUES:
        await wizard.resume(message, context, user, language, dialogue)
        return
    if dialogue is not None and dialogue.name == applications.APPLY:
        await applications.resume(message, context, user, language, dialogue)
        return
    if dialogue is not None and dialogue.name in reports.DIALOGUES:
        await reports.resume(message, context, user, language, dialogue)
        return
    if dialogue is not None and dialogue.name in members.DIALOGUES:
        await members.resume(message, context, user, language, dialogue)
        return

    name = update.effective_user.first_name
    if user.language is None:
        suggested = resolve_language(
            update.effective_user.language_code, context.settings.default_language
        )
        text = t(suggested, "start-welcome", name=name) + "\n\n" + t(suggested, "language-prompt")
        await message.reply_text(text, reply_markup=language_keyboard(suggested))
        return
    text = t(language, "start-welcome-back", name=name) + "\n\n" + t(language, "menu-title")
    if user.notifications_paused:
        text += "\n\n" + t(language, "start-paused-note")
    await message.reply_text(text, reply_markup=main_menu(language))


async def open_deep_link(
    update: Update, context: BotContext, user: User, language: str, payload: str
) -> bool:
    """Show what a t.me/<bot>?start=<payload> link points at; False if it points nowhere."""
    link = parse_payload(payload)
    if link is None:
        return False
    message = update.effective_message
    if link.kind == "invitation":
        await staff.redeem(message, context, user, language, link.key)
        return True
    if link.kind == "join":  # a colleague's invitation to their organization
        await members.open_invitation(message, context, user, language, link.key)
        return True
    if link.kind == "competition":
        return await show_public_call(message, context, user, language, int(link.key))
    if link.kind == "poll":
        from handlers.polls import open_from_link

        return await open_from_link(message, context, user, language, int(link.key))
    async with context.db.session() as session:
        place = await get_municipality(session, slug=link.key)
        topics = await list_topics(session, municipality_id=place.id) if place else []
    if place is None:
        return False
    listing = "\n".join(f"• {topic.name(language)}" for topic in topics)
    text = t(language, "municipality-card", municipality=place.name(language), topics=listing)
    buttons = [[(t(language, "municipality-subscribe"), subscribe_link_data(place.id))]]
    if user.consent_at is not None:
        from handlers.subscriptions import screen_token

        token = await screen_token(context, user)
        buttons.append(
            [(t(language, "municipality-choose-topics"), subscription_data("m", place.id, token))]
        )
    await message.reply_text(text, reply_markup=inline(buttons))
    return True


async def show_public_call(
    message: Message, context: BotContext, user: User, language: str, call_id: int
) -> bool:
    """A call's card from a deep link or QR code; drafts are nobody's business but staff's."""
    from storage.models import Competition

    async with context.db.session() as session:
        call = await session.get(Competition, call_id)
    if call is None or call.status == "draft":
        await message.reply_text(t(language, "link-call-missing"))
        return False
    await applications.send_call_card(message, context, user, language, call)
    return True


async def ask_language(update: Update, context: BotContext) -> None:
    """Show the language buttons with the current language ticked."""
    language = await language_of(context, update.effective_user)
    await update.effective_message.reply_text(
        t(language, "language-prompt"), reply_markup=language_keyboard(language)
    )


async def choose_language(update: Update, context: BotContext) -> None:
    """Store the tapped language; a repeated tap changes nothing and sends nothing new."""
    query = update.callback_query
    chosen = parse_language_choice(query.data)
    if chosen is None:
        await refuse_button(query, await language_of(context, update.effective_user))
        return
    async with context.db.session() as session:
        user = await get_user(session, telegram_id=update.effective_user.id)
        unchanged = user is not None and user.language == chosen
        if not unchanged:
            await set_language(session, telegram_id=update.effective_user.id, language=chosen)
    if unchanged:
        await query.answer(t(chosen, "language-unchanged"))
        await edit_quietly(query, t(chosen, "language-unchanged"))
        return
    await query.answer()
    await edit_quietly(query, t(chosen, "language-saved"))
    await context.bot.send_message(
        update.effective_chat.id, t(chosen, "menu-title"), reply_markup=main_menu(chosen)
    )


async def show_help(update: Update, context: BotContext) -> None:
    """What the bot does, and its commands."""
    language = await language_of(context, update.effective_user)
    await update.effective_message.reply_text(
        t(language, "help-text"), reply_markup=main_menu(language)
    )


async def unknown_text(update: Update, context: BotContext) -> None:
    """Text the bot has no use for: point at the menu."""
    language = await language_of(context, update.effective_user)
    await update.effective_message.reply_text(
        t(language, "unknown-text"), reply_markup=main_menu(language)
    )


async def unsupported_message(update: Update, context: BotContext) -> None:
    """A sticker, photo or other message where nothing asked for one."""
    language = await language_of(context, update.effective_user)
    await update.effective_message.reply_text(
        t(language, "unsupported-message"), reply_markup=main_menu(language)
    )


async def stale_button(update: Update, context: BotContext) -> None:
    """A button whose data no handler knows: an old message, or forged data."""
    await refuse_button(update.callback_query, await language_of(context, update.effective_user))
