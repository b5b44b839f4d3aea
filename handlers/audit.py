"""/audit <call id>: the audit trail of a call (who did what, when), oldest first, a page at a
time. Who may read it is `can(actor, "audit.view", the call's municipality)` (bot/rules/access.py):
platform admins everywhere, the municipality's staff for their own calls.

The events are the selection's append-only `audit_events` rows (storage/queries/audit.py).
Actors are shown by their internal user number and role, not by name or Telegram id."""

from __future__ import annotations

import html
import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import Update

from bot.context import BotContext
from bot.formatting import localized, moment
from bot.i18n import Markup, t
from bot.rules.access import can
from handlers.common import current_user, refuse_button
from handlers.keyboards import inline
from handlers.staff import actor_of
from storage.models import Competition, Municipality, StaffRole
from storage.queries.audit import events_of

PAGE = 20
DETAILS_MAX = 160
_ID = re.compile(r"^[1-9][0-9]{0,8}$")
_DATA = re.compile(r"^au:(?P<id>[1-9][0-9]{0,8}):(?P<offset>[0-9]{1,6})$")


async def audit_command(update: Update, context: BotContext) -> None:
    """/audit <call id>"""
    user, language = await current_user(update, context)
    message = update.effective_message
    args = context.args or []
    if len(args) != 1 or not _ID.match(args[0]):
        await message.reply_text(t(language, "audit-usage"))
        return
    await _send_page(update, context, user, language, int(args[0]), 0)


async def on_button(update: Update, context: BotContext) -> None:
    """ "au:<call id>:<offset>": the next page; the right is checked again."""
    query = update.callback_query
    user, language = await current_user(update, context)
    match = _DATA.match(query.data or "")
    if match is None:
        await refuse_button(query, language)
        return
    await _send_page(update, context, user, language, int(match["id"]), int(match["offset"]))


async def _send_page(
    update: Update, context: BotContext, user, language: str, call_id: int, offset: int
) -> None:
    query = update.callback_query
    message = update.effective_message
    async with context.db.session() as session:
        call = await session.get(Competition, call_id)
        place = await session.get(Municipality, call.municipality_id) if call else None
    actor = await actor_of(context, user)
    if call is None or not can(actor, "audit.view", call.municipality_id):
        # The same answer for "no such call" and "not yours": ids are not confirmed to outsiders.
        if query is not None:
            await refuse_button(query, language)
        else:
            await message.reply_text(t(language, "audit-not-found", id=call_id))
        return
    if query is not None:
        await query.answer()
    async with context.db.session() as session:
        # One page (and one more row, to know whether there is a next), whatever the offset.
        events = await events_of(session, competition_id=call.id, offset=offset, limit=PAGE + 1)
        roles = await _roles(session, place.id, {e.actor_user_id for e in events})
    page, more = events[:PAGE], len(events) > PAGE
    zone = ZoneInfo(place.timezone)
    title = localized(call.title, language) or "…"
    lines = [
        t(
            language,
            "audit-title",
            title=title,
            municipality=place.name(language),
            id=call.id,
            zone=zone.key,
        )
    ]
    if not page:
        lines.append(t(language, "audit-empty"))
    for event in page:
        actor_text = (
            t(language, "audit-system")
            if event.actor_user_id is None
            else t(
                language,
                "audit-actor",
                number=event.actor_user_id,
                roles=", ".join(
                    t(language, f"role-{role}") for role in roles.get(event.actor_user_id, [])
                )
                or "—",
            )
        )
        details = json.dumps(_local_times(event.details, zone), ensure_ascii=False, sort_keys=True)
        if len(details) > DETAILS_MAX:
            details = details[: DETAILS_MAX - 1] + "…"
        line = (
            f"{moment(event.at, zone)} · {actor_text} · <code>{html.escape(event.action)}</code>"
            + (f" · {html.escape(event.subject)}" if event.subject else "")
            + (f"\n    {html.escape(details)}" if event.details else "")
        )
        lines.append(line)
    markup = None
    if more:
        next_page = f"au:{call.id}:{offset + PAGE}"
        markup = inline([[(t(language, "audit-more"), next_page)]])
    await message.reply_text(Markup("\n".join(lines)), reply_markup=markup)


def _local_times(value: object, zone: ZoneInfo) -> object:
    """An event's details with every stored moment (ISO text with an offset, e.g. an extended
    report's old and new due times) shown in the municipality's time like the event's own."""
    if isinstance(value, dict):
        return {key: _local_times(item, zone) for key, item in value.items()}
    if isinstance(value, list):
        return [_local_times(item, zone) for item in value]
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and "T" in value:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        if parsed.tzinfo is not None:
            return moment(parsed, zone)
    return value


async def _roles(session, municipality_id: int, user_ids: set) -> dict[int, list[str]]:
    from sqlmodel import select

    ids = [user_id for user_id in user_ids if user_id is not None]
    if not ids:
        return {}
    rows = (
        await session.exec(
            select(StaffRole.user_id, StaffRole.role).where(
                StaffRole.municipality_id == municipality_id, StaffRole.user_id.in_(ids)
            )
        )
    ).all()
    roles: dict[int, list[str]] = {}
    for user_id, role in rows:
        roles.setdefault(user_id, []).append(role)
    return roles
