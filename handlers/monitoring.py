"""Monitoring for consultants and platform admins: /overview (figures per municipality, then
per call), the XLSX of the same figures, and /digest (the weekly digest's day and hour).

Callback data "mo:<action>:<id>[:<arg>]" names records only: every press checks
`can(actor, "monitoring.view", the record's municipality from the database)`, so a consultant
cannot open a municipality not assigned to them, whatever they send: such a button gets the
usual refusal for a stale or forged button."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from telegram import CallbackQuery, Message, Update

from bot.context import BotContext
from bot.formatting import localized
from bot.i18n import t
from bot.monitoring import (
    DIGEST_HOURS,
    call_text,
    monitored_places,
    overview_text,
    overview_xlsx,
    place_text,
    weekday_name,
)
from bot.rules.access import Actor, can
from handlers.common import current_user, drop_buttons, refuse_button
from handlers.keyboards import inline
from handlers.staff import actor_of
from storage.models import Competition, Municipality, User
from storage.queries.monitoring import call_figures, digest_preference, place_figures, set_digest

_DATA = re.compile(r"^mo:(?P<action>[a-z]{1,3}):(?P<id>\d{1,9})(?::(?P<arg>\d{1,2}))?$")


def now() -> datetime:
    return datetime.now(UTC)


def data(action: str, item_id: int, arg: int | None = None) -> str:
    return f"mo:{action}:{item_id}" + (f":{arg}" if arg is not None else "")


async def _places(context: BotContext, actor: Actor) -> list[Municipality]:
    async with context.db.session() as session:
        return await monitored_places(
            session, user_id=actor.user_id, is_platform_admin=actor.is_platform_admin
        )


async def overview_command(update: Update, context: BotContext) -> None:
    """/overview: every monitored municipality's figures, each opening its calls."""
    user, language = await current_user(update, context)
    await send_overview(update.effective_message, context, user, language)


async def send_overview(message: Message, context: BotContext, user: User, language: str) -> None:
    actor = await actor_of(context, user)
    places = await _places(context, actor)
    if not places:
        await message.reply_text(t(language, "mon-not-allowed"))
        return
    async with context.db.session() as session:
        text = await overview_text(session, places, language, now=now())
    rows = [[(place.name(language), data("m", place.id))] for place in places]
    rows.append(
        [(t(language, "mon-xlsx"), data("x", 0)), (t(language, "mon-digest"), data("dg", 0))]
    )
    await message.reply_text(text, reply_markup=inline(rows))


async def digest_command(update: Update, context: BotContext) -> None:
    """/digest: choose the weekday (then the hour) of the weekly digest, or turn it off."""
    user, language = await current_user(update, context)
    await _ask_weekday(update.effective_message, context, user, language)


async def _ask_weekday(message: Message, context: BotContext, user: User, language: str) -> None:
    actor = await actor_of(context, user)
    if not await _places(context, actor):
        await message.reply_text(t(language, "mon-not-allowed"))
        return
    async with context.db.session() as session:
        pref = await digest_preference(session, user_id=user.id)
    if pref is not None and pref.weekday is not None:
        current = t(
            language,
            "mon-digest-current",
            day=weekday_name(pref.weekday, language),
            hour=f"{pref.hour:02d}:00",
            zone=context.settings.default_timezone,
        )
    else:
        current = t(language, "mon-digest-none")
    days = [(weekday_name(day, language), data("d", day)) for day in range(7)]
    rows = [days[:4], days[4:], [(t(language, "mon-digest-off"), data("off", 0))]]
    await message.reply_text(
        current + "\n" + t(language, "mon-digest-ask-day"), reply_markup=inline(rows)
    )


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    user, language = await current_user(update, context)
    match = _DATA.match(query.data or "")
    if match is None:
        await refuse_button(query, language)
        return
    action, item_id = match["action"], int(match["id"])
    arg = int(match["arg"]) if match["arg"] is not None else None
    actor = await actor_of(context, user)
    if action == "m" and arg is None:
        await _open_place(query, context, actor, language, item_id)
    elif action == "c" and arg is None:
        await _open_call(query, context, actor, language, item_id)
    elif action == "x" and arg is None:
        await _send_xlsx(query, context, actor, language)
    elif action in ("dg", "d", "h", "off"):
        await _digest_button(query, context, user, actor, language, action, item_id, arg)
    else:
        await refuse_button(query, language)


async def _open_place(
    query: CallbackQuery, context: BotContext, actor: Actor, language: str, place_id: int
) -> None:
    async with context.db.session() as session:
        place = await session.get(Municipality, place_id)
    if place is None or not can(actor, "monitoring.view", place.id):
        await refuse_button(query, language)
        return
    await query.answer()
    async with context.db.session() as session:
        figures = (await place_figures(session, municipality_ids=[place.id], now=now()))[place.id]
        calls = await call_figures(session, municipality_id=place.id, now=now())
    rows = [[(_call_label(call, language), data("c", call.competition_id))] for call in calls]
    text = place_text(place, figures, language)
    if not calls:
        text += "\n" + t(language, "mon-no-calls")
    await query.message.reply_text(text, reply_markup=inline(rows) if rows else None)


def _call_label(call, language: str) -> str:
    return f"{t(language, f'status-{call.status}')} · {localized(call.title, language) or '…'}"


async def _open_call(
    query: CallbackQuery, context: BotContext, actor: Actor, language: str, call_id: int
) -> None:
    async with context.db.session() as session:
        call = await session.get(Competition, call_id)
        place = await session.get(Municipality, call.municipality_id) if call else None
    if call is None or call.status == "draft" or not can(actor, "monitoring.view", place.id):
        await refuse_button(query, language)
        return
    await query.answer()
    async with context.db.session() as session:
        figures = await call_figures(
            session, municipality_id=place.id, now=now(), competition_id=call.id
        )
    text = place.name(language) + "\n" + call_text(figures[0], ZoneInfo(place.timezone), language)
    await query.message.reply_text(text)


async def _send_xlsx(
    query: CallbackQuery, context: BotContext, actor: Actor, language: str
) -> None:
    places = await _places(context, actor)
    if not places:
        await refuse_button(query, language)
        return
    await query.answer()
    async with context.db.session() as session:
        content = await overview_xlsx(session, places, language, now=now())
    await query.message.reply_document(
        io.BytesIO(content),
        # Dated as the (first) municipality's calendar reads it, not UTC's.
        filename=f"ssp-overview-{now().astimezone(ZoneInfo(places[0].timezone)).date()}.xlsx",
        caption=t(language, "mon-xlsx-caption"),
    )


async def _digest_button(
    query: CallbackQuery,
    context: BotContext,
    user: User,
    actor: Actor,
    language: str,
    action: str,
    item_id: int,
    arg: int | None,
) -> None:
    if not await _places(context, actor):
        await refuse_button(query, language)
        return
    message = query.message
    if action == "dg" and item_id == 0 and arg is None:
        await query.answer()
        await _ask_weekday(message, context, user, language)
    elif action == "d" and 0 <= item_id <= 6 and arg is None:
        await query.answer()
        await drop_buttons(query)
        hours = [(f"{hour:02d}:00", data("h", item_id, hour)) for hour in DIGEST_HOURS]
        rows = [hours[i : i + 4] for i in range(0, len(hours), 4)]
        await message.reply_text(
            t(language, "mon-digest-ask-hour", day=weekday_name(item_id, language)),
            reply_markup=inline(rows),
        )
    elif action == "h" and 0 <= item_id <= 6 and arg in DIGEST_HOURS:
        async with context.db.session() as session:
            await set_digest(session, user_id=user.id, weekday=item_id, hour=arg)
        await query.answer()
        await drop_buttons(query)
        await message.reply_text(
            t(
                language,
                "mon-digest-set",
                day=weekday_name(item_id, language),
                hour=f"{arg:02d}:00",
                zone=context.settings.default_timezone,
            )
        )
    elif action == "off" and item_id == 0 and arg is None:
        async with context.db.session() as session:
            await set_digest(session, user_id=user.id, weekday=None, hour=None)
        await query.answer()
        await drop_buttons(query)
        await message.reply_text(t(language, "mon-digest-turned-off"))
    else:
        await refuse_button(query, language)
