"""/channel: staff connect the municipality's public Telegram channel, or disconnect it.

The dialogue (name "channel") keeps its state in the dialogue row: reference (the channel's
@username or link typed, or one of its posts forwarded) -> language (buttons) -> saved. Before
anything is saved the bot asks Telegram (getChat, getChatMember) whether it is an administrator
allowed to post there; every refusal is explained and changes nothing.

Callback data "ch:<action>:<id>" only names records: every press checks
`can(actor, "channel.set", municipality)` with the municipality loaded from the database or the
dialogue, never from the data.

When a channel's administrator removes the bot or takes its right to post, Telegram sends a
my_chat_member update for the channel: `on_bot_member` marks the channel lost for whichever
municipality it belongs to (by the chat id Telegram reports, nothing else) and staff are told."""

from __future__ import annotations

import re

from telegram import CallbackQuery, Message, Update

from bot import channels
from bot.context import BotContext
from bot.i18n import Markup, t, translator
from bot.rules.access import can
from bot.rules.channels import lost_by_status
from bot.rules.validation import Invalid
from bot.settings import LANGUAGES
from handlers.common import current_user, drop_buttons, refuse_button
from handlers.keyboards import inline, main_menu
from handlers.staff import actor_of, places_for
from storage.models import Dialogue, Municipality, User
from storage.queries.dialogues import end_dialogue, get_dialogue, save_dialogue
from storage.types import utcnow

CHANNEL = "channel"
DIALOGUES = (CHANNEL,)
ACTION = "channel.set"
_DATA = re.compile(r"^ch:(?P<action>[a-z]{1,3}):(?P<id>\d{1,9})$")


def data(action: str, item_id: int) -> str:
    return f"ch:{action}:{item_id}"


def _language_label(language: str) -> str:
    return t(language, "language-name")


# -- entry -----------------------------------------------------------------------------------


async def channel_command(update: Update, context: BotContext) -> None:
    """/channel: the municipality's channel (choosing the municipality first if several)."""
    user, language = await current_user(update, context)
    places = await places_for(context, await actor_of(context, user), ACTION)
    message = update.effective_message
    if not places:
        await message.reply_text(t(language, "staff-not-allowed"))
        return
    if len(places) == 1:
        await _screen(message, context, user, language, places[0])
        return
    rows = [[(place.name(language), data("m", place.id))] for place in places]
    await message.reply_text(t(language, "staff-choose-municipality"), reply_markup=inline(rows))


async def _screen(
    message: Message, context: BotContext, user: User, language: str, place: Municipality
) -> None:
    """The current channel and how to connect one; the next message names the channel."""
    async with context.db.session() as session:
        await save_dialogue(
            session,
            user_id=user.id,
            name=CHANNEL,
            step="reference",
            data={"municipality_id": place.id},
        )
    if place.channel_chat_id is None:
        current = t(language, "channel-current-none")
    elif place.channel_lost_at is not None:  # the bot was removed or demoted there
        current = Markup(channels.lost_status(place, language))
    else:
        posts_in = _language_label(place.channel_language or context.settings.default_language)
        current = Markup(
            t(language, "channel-current", channel=channels.channel_name(place), language=posts_in)
        )
    rows = []
    if place.channel_chat_id is not None:
        rows.append([(t(language, "channel-remove"), data("off", place.id))])
    rows.append([(t(language, "dialogue-cancel"), data("x", place.id))])
    await message.reply_text(
        t(language, "channel-screen", municipality=place.name(language), current=current),
        reply_markup=inline(rows),
    )


async def _allowed_place(context: BotContext, user: User, place_id: object) -> Municipality | None:
    """The municipality, if this user may still set its channel."""
    if not isinstance(place_id, int):
        return None
    async with context.db.session() as session:
        place = await session.get(Municipality, place_id)
    if place is None or not can(await actor_of(context, user), ACTION, place.id):
        return None
    return place


# -- the dialogue ----------------------------------------------------------------------------


async def on_message(update: Update, context: BotContext, user: User, dialogue: Dialogue) -> None:
    """The channel named by a typed @username or link, or a forwarded post."""
    message = update.effective_message
    _, language = await current_user(update, context)
    place = await _allowed_place(context, user, dialogue.data.get("municipality_id"))
    if place is None:
        await _end(context, user)
        await message.reply_text(t(language, "staff-not-allowed"), reply_markup=main_menu(language))
        return
    if message.text in translator().all_texts("dialogue-cancel"):
        await cancel(message, context, user, language)
        return
    if dialogue.step != "reference":
        await message.reply_text(t(language, "poll-use-buttons"))
        return
    try:
        reference = channels.reference_from(message.text, message.forward_origin)
        found = await channels.verify_channel(
            context.bot, reference, by_telegram_id=user.telegram_id
        )
    except Invalid as refusal:
        await message.reply_text(t(language, refusal.key, **refusal.params))
        return
    values = {
        **dialogue.data,
        "chat_id": found.chat_id,
        "title": found.title,
        "username": found.username,
    }
    async with context.db.session() as session:
        await save_dialogue(session, user_id=user.id, name=CHANNEL, step="language", data=values)
    rows = [[(_language_label(code), data("l", index)) for index, code in enumerate(LANGUAGES)]]
    await message.reply_text(
        t(language, "channel-ask-language", channel=found.shown), reply_markup=inline(rows)
    )


async def cancel(message: Message, context: BotContext, user: User, language: str) -> None:
    await _end(context, user)
    await message.reply_text(t(language, "channel-cancelled"), reply_markup=main_menu(language))


async def _end(context: BotContext, user: User) -> None:
    async with context.db.session() as session:
        await end_dialogue(session, user_id=user.id)


# -- buttons ---------------------------------------------------------------------------------


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    user, language = await current_user(update, context)
    match = _DATA.match(query.data or "")
    if match is None:
        await refuse_button(query, language)
        return
    action, item_id = match["action"], int(match["id"])
    if action == "m":
        place = await _allowed_place(context, user, item_id)
        if place is None:
            await refuse_button(query, language)
            return
        await query.answer()
        await drop_buttons(query)
        await _screen(query.message, context, user, language, place)
    elif action == "off":
        await _remove(query, context, user, language, item_id)
    elif action in ("x", "l"):
        await _dialogue_button(query, context, user, language, action, item_id)
    else:
        await refuse_button(query, language)


async def _remove(
    query: CallbackQuery, context: BotContext, user: User, language: str, place_id: int
) -> None:
    place = await _allowed_place(context, user, place_id)
    if place is None:
        await refuse_button(query, language)
        return
    shown = channels.channel_name(place) if place.channel_chat_id is not None else None
    async with context.db.session() as session:
        place = await session.get(Municipality, place_id)
        removed = await channels.clear_channel(session, place=place, by_user_id=user.id)
        await end_dialogue(session, user_id=user.id)
    await query.answer()
    await drop_buttons(query)
    if removed:
        text = t(language, "channel-removed", channel=shown)
    else:  # a second tap, or removed by a colleague meanwhile
        text = t(language, "channel-none", municipality=place.name(language))
    await query.message.reply_text(text, reply_markup=main_menu(language))


async def _dialogue_button(
    query: CallbackQuery, context: BotContext, user: User, language: str, action: str, value: int
) -> None:
    """Cancel (any step) or the posts' language (the last step)."""
    async with context.db.session() as session:
        dialogue = await get_dialogue(session, user_id=user.id)
    if dialogue is None or dialogue.name != CHANNEL:
        await refuse_button(query, language)
        return
    place = await _allowed_place(context, user, dialogue.data.get("municipality_id"))
    if place is None:
        await refuse_button(query, language)
        return
    if action == "x":
        await query.answer()
        await drop_buttons(query)
        await cancel(query.message, context, user, language)
        return
    if dialogue.step != "language" or not 0 <= value < len(LANGUAGES):
        await refuse_button(query, language)
        return
    found = channels.ChannelInfo(
        chat_id=dialogue.data["chat_id"],
        title=dialogue.data["title"],
        username=dialogue.data.get("username"),
    )
    posts_in = LANGUAGES[value]
    async with context.db.session() as session:
        place = await session.get(Municipality, place.id)
        await channels.set_channel(
            session, place=place, channel=found, language=posts_in, by_user_id=user.id
        )
        await end_dialogue(session, user_id=user.id)
    await query.answer()
    await drop_buttons(query)
    await query.message.reply_text(
        t(
            language,
            "channel-saved",
            channel=found.shown,
            municipality=place.name(language),
            language=_language_label(posts_in),
        ),
        reply_markup=main_menu(language),
    )


# -- Telegram's word on the bot's place in a channel ----------------------------------------


async def on_bot_member(update: Update, context: BotContext) -> None:
    """The bot was removed from a channel, banned, demoted or lost the right to post: the
    channel is lost for the municipality whose channel it is (if any). Being made an
    administrator again changes nothing until staff connect the channel again with /channel."""
    change = update.my_chat_member
    new = change.new_chat_member
    reason = lost_by_status(
        status=new.status, can_post_messages=getattr(new, "can_post_messages", None)
    )
    if reason is None:
        return
    async with context.db.session() as session:
        await channels.channel_lost(
            session,
            chat_id=change.chat.id,
            reason=reason,
            source="update",
            now=utcnow(),
            default_language=context.settings.default_language,
        )
