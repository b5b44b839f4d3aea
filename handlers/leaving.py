"""Leaving: /stop pauses everything, /forget deletes the user's personal data after a
confirmation, and a user who blocks the bot is marked inactive until they come back."""

from __future__ import annotations

from telegram import ReplyKeyboardRemove, Update
from telegram.constants import ChatMemberStatus

from bot.context import BotContext
from bot.i18n import t
from bot.members import membership_key, tell_members
from bot.reminders import on_user_changed
from handlers.callbacks import forget_data, parse_forget
from handlers.common import current_user, drop_buttons, language_of, refuse_button
from handlers.keyboards import inline, main_menu
from storage.queries.dialogues import end_dialogue
from storage.queries.organizations import member_count, membership_of, organization_of
from storage.queries.users import delete_user, get_user, set_flags


async def stop(update: Update, context: BotContext) -> None:
    """/stop: no calls or reminders until the user resumes in /subscriptions."""
    user, language = await current_user(update, context)
    async with context.db.session() as session:
        await end_dialogue(session, user_id=user.id)
        await set_flags(session, telegram_id=user.telegram_id, notifications_paused=True)
    await on_user_changed(context.db, user_id=user.id)  # pending reminders are cancelled
    await update.effective_message.reply_text(
        t(language, "stop-done"), reply_markup=main_menu(language)
    )


async def ask_forget(update: Update, context: BotContext) -> None:
    """/forget: say plainly what is deleted and what is kept, then ask to confirm."""
    language = await language_of(context, update.effective_user)
    buttons = [
        [
            (t(language, "forget-yes"), forget_data("yes")),
            (t(language, "forget-no"), forget_data("no")),
        ]
    ]
    await update.effective_message.reply_text(
        t(language, "forget-confirm"), reply_markup=inline(buttons)
    )


async def on_forget_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    language = await language_of(context, update.effective_user)
    answer = parse_forget(query.data)
    if answer is None:
        await refuse_button(query, language)
        return
    await query.answer()
    await drop_buttons(query)
    if answer == "no":
        await query.message.reply_text(t(language, "forget-kept"), reply_markup=main_menu(language))
        return
    async with context.db.session() as session:
        user = await get_user(session, telegram_id=update.effective_user.id)
        if user is not None:
            member = await membership_of(session, user_id=user.id)
            organization = await organization_of(session, user_id=user.id)
            # The organization's profile goes too unless another member still acts for it;
            # then they are told this one has left.
            if organization is not None:
                if await member_count(session, organization_id=organization.id) == 1:
                    await session.delete(organization)
                else:
                    await tell_members(
                        session,
                        organization,
                        except_user_id=user.id,
                        key="member-left-notice",
                        dedupe=f"mrm:{membership_key(member)}",
                        name=member.display_name or "—",
                    )
            await delete_user(session, user=user)
    await query.message.reply_text(t(language, "forget-done"), reply_markup=ReplyKeyboardRemove())


async def on_my_chat_member(update: Update, context: BotContext) -> None:
    """Telegram tells us the user blocked (kicked) or unblocked the bot."""
    change = update.my_chat_member
    if change.chat.type != "private":
        return
    blocked = change.new_chat_member.status == ChatMemberStatus.BANNED
    async with context.db.session() as session:
        user = await set_flags(session, telegram_id=change.from_user.id, is_active=not blocked)
    if user is not None:  # blocked: nothing pending stays; back: reminders that apply return
        await on_user_changed(context.db, user_id=user.id)
