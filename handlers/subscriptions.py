"""Subscriptions: which municipalities and topics a user hears about. One message is edited in
place as the user toggles; each button carries a token of the state it was drawn for, so a
double tap or a tap on an outdated screen changes nothing."""

from __future__ import annotations

import hashlib

from telegram import Message, Update

from bot.context import BotContext
from bot.i18n import t
from bot.reminders import on_subscriptions_changed
from handlers.callbacks import parse_subscribe_link, parse_subscription, subscription_data
from handlers.common import current_user, drop_buttons, edit_quietly, refuse_button
from handlers.keyboards import inline, main_menu
from storage.models import Municipality, Subscription, Topic, User
from storage.queries.competitions import open_competitions_for
from storage.queries.places import list_municipalities, list_topics
from storage.queries.subscriptions import set_all_topics, set_topics, subscriptions_of
from storage.queries.users import set_flags
from storage.types import utcnow

ALL_TOPICS = None  # topic_id of a subscription to every topic of a municipality


def state_token(rows: list[Subscription], paused: bool) -> str:
    """Six hex digits that change whenever the user's subscriptions or pause change."""
    state = sorted((row.municipality_id, row.topic_id or 0) for row in rows)
    return hashlib.sha256(repr((state, paused)).encode()).hexdigest()[:6]


def _by_municipality(rows: list[Subscription]) -> dict[int, set[int | None]]:
    chosen: dict[int, set[int | None]] = {}
    for row in rows:
        chosen.setdefault(row.municipality_id, set()).add(row.topic_id)
    return chosen


async def _screen_state(context: BotContext, user: User) -> tuple[list[Subscription], bool, str]:
    async with context.db.session() as session:
        rows = await subscriptions_of(session, user_id=user.id)
        fresh = await session.get(User, user.id)
    paused = fresh.notifications_paused
    return rows, paused, state_token(rows, paused)


async def screen_token(context: BotContext, user: User) -> str:
    return (await _screen_state(context, user))[2]


async def overview(context: BotContext, user: User, language: str, *, final: bool = False):
    """Text and buttons of the list of municipalities with what is chosen in each."""
    rows, paused, token = await _screen_state(context, user)
    chosen = _by_municipality(rows)
    async with context.db.session() as session:
        places = await list_municipalities(session)
        topics = {
            place.id: await list_topics(session, municipality_id=place.id) for place in places
        }
    lines = [t(language, "subs-title")]
    for place in places:
        if place.id not in chosen:
            continue
        if ALL_TOPICS in chosen[place.id]:
            names = t(language, "subs-all-topics")
        else:
            names = ", ".join(
                topic.name(language) for topic in topics[place.id] if topic.id in chosen[place.id]
            )
        lines.append(t(language, "subs-line", municipality=place.name(language), topics=names))
    if not chosen:
        lines.append(t(language, "subs-none"))
    if paused:
        lines.append(t(language, "subs-paused"))
    if not final:  # the closing summary has no buttons left to tap
        lines.append(t(language, "subs-hint"))
    buttons = [
        [
            (
                ("✅ " if place.id in chosen else "➕ ") + place.name(language),
                subscription_data("m", place.id, token),
            )
        ]
        for place in places
    ]
    pause = ("resume", "subs-resume") if paused else ("pause", "subs-pause")
    buttons.append(
        [
            (t(language, pause[1]), subscription_data(pause[0], 0, token)),
            (t(language, "subs-done"), subscription_data("done", 0, token)),
        ]
    )
    return "\n".join(lines), inline(buttons)


async def municipality_screen(context: BotContext, user: User, language: str, place: Municipality):
    rows, _, token = await _screen_state(context, user)
    chosen = _by_municipality(rows).get(place.id, set())
    async with context.db.session() as session:
        topics = await list_topics(session, municipality_id=place.id)
    every = ALL_TOPICS in chosen
    mark = lambda on: "✅ " if on else "▫️ "  # noqa: E731
    buttons = [
        [
            (
                mark(every) + t(language, "subs-all-topics-button"),
                subscription_data("all", place.id, token),
            )
        ]
    ]
    buttons += [
        [
            (
                mark(every or topic.id in chosen) + topic.name(language),
                subscription_data("t", topic.id, token),
            )
        ]
        for topic in topics
    ]
    buttons.append([(t(language, "subs-back"), subscription_data("list", 0, token))])
    return t(language, "subs-municipality-title", municipality=place.name(language)), inline(
        buttons
    )


async def send_overview(message: Message, context: BotContext, user: User, language: str) -> None:
    text, markup = await overview(context, user, language)
    await message.reply_text(text, reply_markup=markup)


async def open_subscriptions(update: Update, context: BotContext) -> None:
    """/subscriptions: the list of municipalities to toggle (after consent)."""
    from handlers.profile import ask_consent

    user, language = await current_user(update, context)
    if user.consent_at is None:
        await ask_consent(update.effective_message, context, user, language, then="subscriptions")
        return
    await send_overview(update.effective_message, context, user, language)


async def subscribe_all(
    message: Message, context: BotContext, user: User, language: str, municipality_id: int
) -> None:
    """Subscribe to every topic of a municipality (the one-tap deep-link button)."""
    async with context.db.session() as session:
        place = await session.get(Municipality, municipality_id)
        if place is None:
            await message.reply_text(t(language, "button-stale"))
            return
        await set_all_topics(session, user_id=user.id, municipality_id=place.id)
    await on_subscriptions_changed(context.db, user_id=user.id)
    await message.reply_text(
        t(language, "subs-subscribed", municipality=place.name(language)),
        reply_markup=main_menu(language),
    )
    await send_open_calls(message, context, user, language)


async def send_open_calls(message: Message, context: BotContext, user: User, language: str) -> None:
    """A new subscriber sees at once the calls already open that match the subscriptions."""
    from bot.publishing import card_texts

    async with context.db.session() as session:
        calls = await open_competitions_for(session, user_id=user.id, now=utcnow())
        cards = [(await card_texts(session, call))[language] for call in calls]
    if cards:
        await message.reply_text(t(language, "subs-open-calls", count=len(cards)))
    for card in cards:
        await message.reply_text(card)


async def on_subscribe_link(update: Update, context: BotContext) -> None:
    """ "Subscribe" on a municipality card opened from a deep link ("dl:sub:<id>")."""
    from handlers.profile import ask_consent

    query = update.callback_query
    user, language = await current_user(update, context)
    municipality_id = parse_subscribe_link(query.data)
    async with context.db.session() as session:
        place = await session.get(Municipality, municipality_id) if municipality_id else None
    if place is None:
        await refuse_button(query, language)
        return
    await query.answer()
    await drop_buttons(query)  # answered: a second tap must not ask again
    if user.consent_at is None:
        await ask_consent(query.message, context, user, language, then=f"subscribe:{place.id}")
        return
    await subscribe_all(query.message, context, user, language, place.id)


async def on_button(update: Update, context: BotContext) -> None:
    """A button on the subscriptions screens ("sb:<action>:<id>:<token>")."""
    query = update.callback_query
    user, language = await current_user(update, context)
    action = parse_subscription(query.data)
    rows, _, token = await _screen_state(context, user)
    if action is None or user.consent_at is None or action.token != token:
        await refuse_button(query, language)
        return
    async with context.db.session() as session:
        if action.action in ("m", "all"):
            target = await session.get(Municipality, action.id)
        elif action.action == "t":
            target = await session.get(Topic, action.id)
        else:
            target = None
    if action.action in ("m", "all", "t") and target is None:
        await refuse_button(query, language)
        return
    await query.answer()

    if action.action == "done":
        text, _ = await overview(context, user, language, final=True)
        await edit_quietly(query, text + "\n\n" + t(language, "subs-saved"))
        await send_open_calls(query.message, context, user, language)
        return
    if action.action in ("pause", "resume"):
        async with context.db.session() as session:
            await set_flags(
                session, telegram_id=user.telegram_id, notifications_paused=action.action == "pause"
            )
    elif action.action == "all":
        chosen = _by_municipality(rows).get(target.id, set())
        async with context.db.session() as session:
            if ALL_TOPICS in chosen:
                await set_topics(
                    session, user_id=user.id, municipality_id=target.id, topic_ids=set()
                )
            else:
                await set_all_topics(session, user_id=user.id, municipality_id=target.id)
    elif action.action == "t":
        await _toggle_topic(context, user, rows, target)
        async with context.db.session() as session:
            target = await session.get(Municipality, target.municipality_id)

    if action.action in ("pause", "resume", "all", "t"):
        await on_subscriptions_changed(context.db, user_id=user.id)
    if action.action in ("m", "all", "t"):
        text, markup = await municipality_screen(context, user, language, target)
    else:
        text, markup = await overview(context, user, language)
    await edit_quietly(query, text, reply_markup=markup)


async def _toggle_topic(
    context: BotContext, user: User, rows: list[Subscription], topic: Topic
) -> None:
    chosen = _by_municipality(rows).get(topic.municipality_id, set())
    async with context.db.session() as session:
        if ALL_TOPICS in chosen:
            every = {
                item.id
                for item in await list_topics(session, municipality_id=topic.municipality_id)
            }
            selected = every - {topic.id}
        else:
            selected = {topic_id for topic_id in chosen if topic_id is not None} ^ {topic.id}
        await set_topics(
            session, user_id=user.id, municipality_id=topic.municipality_id, topic_ids=selected
        )
