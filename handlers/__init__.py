"""Every handler is registered here, in one visible place, in the order they are tried."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.context import BotContext
from handlers import (
    applications,
    audit,
    calendar,
    channels,
    clarifications,
    commission,
    errors,
    leaving,
    members,
    monitoring,
    polls,
    profile,
    reminders,
    reports,
    router,
    selection,
    staff,
    start,
    subscriptions,
    wizard,
)

PRIVATE = filters.ChatType.PRIVATE


async def on_my_chat_member(update: Update, context: BotContext) -> None:
    """The bot's own place in a chat changed: a user blocked it or came back, or a channel's
    administrator removed or demoted it. Other chats (groups) are not the bot's business."""
    chat_type = update.my_chat_member.chat.type
    if chat_type == "private":
        await leaving.on_my_chat_member(update, context)
    elif chat_type == "channel":
        await channels.on_bot_member(update, context)


def register(application: Application) -> None:
    commands = {
        "start": start.start,
        "language": start.ask_language,
        "help": start.show_help,
        "profile": profile.open_profile,
        "subscriptions": subscriptions.open_subscriptions,
        "stop": leaving.stop,
        "forget": leaving.ask_forget,
        "cancel": router.cancel_command,
        "calls": applications.calls_for_nco,
        "calendar": calendar.calendar_command,
        "reports": reports.reports_command,
        # Staff: every one of these checks the user's role itself.
        "staff": staff.staff_home,
        "newcall": staff.new_call_command,
        "submissions": applications.submissions_command,
        "questions": clarifications.questions_command,
        "invite": staff.invite_command,
        "review": commission.review_command,
        "poll": polls.new_poll_command,
        "polls": polls.polls_command,
        "channel": channels.channel_command,
        "overview": monitoring.overview_command,
        "digest": monitoring.digest_command,
        "audit": audit.audit_command,
    }
    for name, callback in commands.items():
        application.add_handler(CommandHandler(name, callback, filters=PRIVATE))

    buttons = {
        r"^lang:": start.choose_language,
        r"^pf:": profile.on_choice,
        r"^po:": profile.on_edit_button,
        r"^mb:": members.on_button,
        r"^mj:": members.on_join_button,
        r"^sb:": subscriptions.on_button,
        r"^dl:sub:": subscriptions.on_subscribe_link,
        r"^fg:": leaving.on_forget_button,
        r"^st:": staff.on_button,
        r"^wz:": wizard.on_button,
        r"^ap:": applications.on_button,
        r"^qa:": clarifications.on_button,
        r"^se:": selection.on_button,
        r"^cm:": commission.on_button,
        r"^pl:": polls.on_button,
        r"^ch:": channels.on_button,
        r"^mo:": monitoring.on_button,
        r"^au:": audit.on_button,
        r"^rm:": reminders.on_button,
        r"^cal:": calendar.on_button,
        r"^rp:": reports.on_button,
    }
    for pattern, callback in buttons.items():
        application.add_handler(CallbackQueryHandler(callback, pattern=pattern))
    application.add_handler(CallbackQueryHandler(start.stale_button))  # anything else

    application.add_handler(ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    # Unknown commands, then every other private message (menu buttons, dialogue answers).
    application.add_handler(MessageHandler(PRIVATE & filters.COMMAND, start.unknown_text))
    application.add_handler(MessageHandler(PRIVATE & ~filters.COMMAND, router.on_message))
    application.add_error_handler(errors.on_error)
