"""Municipal staff: invitations, the staff home, the list of calls, a call's actions (preview,
publish counts, move the deadline, cancel, share) and announcements.

Every action loads the record it acts on and checks `can(actor, action, record's municipality)`;
ids in callback data only say which record, never whether the user may touch it."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import segno
from telegram import BotCommand, BotCommandScopeChat, Message, Update
from telegram.error import TelegramError

from bot.context import BotContext
from bot.formatting import localized
from bot.i18n import t
from bot.invitations import invitation_link, invite
from bot.rules.access import Actor, Role, can, may_invite
from bot.rules.deeplinks import competition_payload, link
from handlers.callbacks import parse_staff, staff_data
from handlers.common import current_user, drop_buttons, refuse_button
from handlers.keyboards import inline
from storage.models import Competition, Municipality, User
from storage.queries.competitions import competitions_of
from storage.queries.outbox import broadcast_counts
from storage.queries.places import list_municipalities
from storage.queries.staff import redeem_invitation, roles_of

STAFF_COMMANDS = (
    "staff", "newcall", "submissions", "questions", "reports", "invite", "poll", "polls",
    "channel",
)  # fmt: skip


async def actor_of(context: BotContext, user: User) -> Actor:
    async with context.db.session() as session:
        rows = await roles_of(session, user_id=user.id)
    roles: dict[int, set[Role]] = {}
    for row in rows:
        roles.setdefault(row.municipality_id, set()).add(Role(row.role))
    return Actor(
        user_id=user.id,
        is_platform_admin=user.telegram_id in context.settings.platform_admin_ids,
        roles={place: frozenset(found) for place, found in roles.items()},
    )


async def places_for(context: BotContext, actor: Actor, action: str) -> list[Municipality]:
    async with context.db.session() as session:
        places = await list_municipalities(session)
    return [place for place in places if can(actor, action, place.id)]


async def publish_staff_menu(context: BotContext, chat_id: int, language: str) -> None:
    """Staff commands in this chat's command menu. A convenience only: handlers still check."""
    commands = [BotCommand(name, t(language, f"command-{name}")) for name in STAFF_COMMANDS]
    public = [BotCommand(name, t(language, f"command-{name}")) for name in ("start", "help")]
    try:
        await context.bot.set_my_commands(public + commands, scope=BotCommandScopeChat(chat_id))
    except TelegramError as error:  # optional: the bot works without a menu
        context.application.bot_data.setdefault("warnings", []).append(str(error))


# -- invitations ----------------------------------------------------------------------------


async def redeem(
    message: Message, context: BotContext, user: User, language: str, token: str
) -> None:
    """`/start i-<token>`: the invitation makes this user staff, once."""
    async with context.db.session() as session:
        invitation = await redeem_invitation(
            session, token=token, user_id=user.id, now=datetime.now(UTC)
        )
        place = await session.get(Municipality, invitation.municipality_id) if invitation else None
    if invitation is None:
        await message.reply_text(t(language, "invite-invalid"))
        return
    await message.reply_text(
        t(
            language,
            "invite-accepted",
            municipality=place.name(language),
            role=t(language, f"role-{invitation.role}"),
        )
    )
    if invitation.role == Role.CONSULTANT:
        from handlers.monitoring import send_overview

        await send_overview(message, context, user, language)
        return
    await publish_staff_menu(context, message.chat_id, language)
    await send_home(message, context, user, language)


async def invite_command(update: Update, context: BotContext) -> None:
    """/invite: a municipal or platform admin picks the municipality and the role."""
    user, language = await current_user(update, context)
    actor = await actor_of(context, user)
    places = await places_for(context, actor, "staff.invite")
    if not places:
        await update.effective_message.reply_text(t(language, "staff-not-allowed"))
        return
    rows = [[(place.name(language), staff_data("invm", place.id))] for place in places]
    await update.effective_message.reply_text(
        t(language, "invite-choose-municipality"), reply_markup=inline(rows)
    )


async def _invite_roles(
    query, context: BotContext, actor: Actor, language: str, place: Municipality
) -> None:
    roles = [role for role in Role if may_invite(actor, role, place.id)]
    rows = [
        [(t(language, f"role-{role.value}"), staff_data(f"inv-{role.value}", place.id))]
        for role in roles
    ]
    await query.message.reply_text(
        t(language, "invite-choose-role", municipality=place.name(language)),
        reply_markup=inline(rows),
    )


async def _create_invite(
    query, context: BotContext, actor: Actor, language: str, place: Municipality, role: Role
) -> None:
    if not may_invite(actor, role, place.id):
        await refuse_button(query, language)
        return
    async with context.db.session() as session:
        invitation = await invite(
            session, municipality_id=place.id, role=role, now=datetime.now(UTC)
        )
    url = invitation_link(context.bot.username, invitation)
    await query.message.reply_text(
        t(
            language,
            "invite-created",
            municipality=place.name(language),
            role=t(language, f"role-{role.value}"),
            link=url,
        )
    )


# -- the staff home and the list of calls -----------------------------------------------------


async def staff_home(update: Update, context: BotContext) -> None:
    """/staff: what this user may do, per municipality."""
    user, language = await current_user(update, context)
    await send_home(update.effective_message, context, user, language)


async def send_home(message: Message, context: BotContext, user: User, language: str) -> None:
    actor = await actor_of(context, user)
    places = await places_for(context, actor, "competition.view")
    if not places:
        await message.reply_text(t(language, "staff-not-allowed"))
        return
    rows: list[list[tuple[str, str]]] = []
    for place in places:
        row = [
            (
                t(language, "staff-calls", municipality=place.name(language)),
                staff_data("calls", place.id),
            )
        ]
        rows.append(row)
        actions = []
        if can(actor, "competition.create", place.id):
            actions.append((t(language, "staff-new-call"), staff_data("new", place.id)))
        if can(actor, "announcement.send", place.id):
            actions.append((t(language, "staff-announce"), staff_data("ann", place.id)))
        if can(actor, "staff.invite", place.id):
            actions.append((t(language, "staff-invite"), staff_data("invm", place.id)))
        if actions:
            rows.append(actions)
    await message.reply_text(t(language, "staff-home"), reply_markup=inline(rows))


async def new_call_command(update: Update, context: BotContext) -> None:
    """/newcall: start the wizard (choosing the municipality first if there are several)."""
    from handlers import wizard

    user, language = await current_user(update, context)
    actor = await actor_of(context, user)
    places = await places_for(context, actor, "competition.create")
    if not places:
        await update.effective_message.reply_text(t(language, "staff-not-allowed"))
        return
    if len(places) == 1:
        await wizard.start(update.effective_message, context, user, language, places[0])
        return
    rows = [[(place.name(language), staff_data("new", place.id))] for place in places]
    await update.effective_message.reply_text(
        t(language, "staff-choose-municipality"), reply_markup=inline(rows)
    )


async def send_calls(
    message: Message, context: BotContext, language: str, place: Municipality
) -> None:
    async with context.db.session() as session:
        calls = await competitions_of(session, municipality_id=place.id)
    if not calls:
        await message.reply_text(t(language, "staff-no-calls", municipality=place.name(language)))
        return
    rows = [[(_call_label(call, language), staff_data("call", call.id))] for call in calls]
    await message.reply_text(
        t(language, "staff-calls-title", municipality=place.name(language)),
        reply_markup=inline(rows),
    )


def _call_label(call: Competition, language: str) -> str:
    return f"{t(language, f'status-{call.status}')} · {localized(call.title, language) or '…'}"


async def send_call(
    message: Message, context: BotContext, actor: Actor, language: str, call: Competition
) -> None:
    """A call as staff see it: the card and the actions its status allows."""
    from bot.publishing import card_texts

    async with context.db.session() as session:
        texts = await card_texts(session, call)
    status = t(
        language,
        "staff-call-status",
        status=t(language, f"status-{call.status}"),
        version=call.version,
    )
    rows: list[list[tuple[str, str]]] = []
    if call.status == "draft" and can(actor, "competition.edit", call.municipality_id):
        rows.append([(t(language, "staff-continue-draft"), staff_data("edit", call.id))])
    if call.status == "published":
        if can(actor, "competition.amend", call.municipality_id):
            rows.append([(t(language, "staff-move-deadline"), staff_data("amend", call.id))])
        if can(actor, "competition.share", call.municipality_id):
            rows.append([(t(language, "staff-share"), staff_data("share", call.id))])
    from handlers import selection

    rows += selection.call_buttons(actor, call, language)
    from handlers import report_review

    rows += report_review.call_buttons(actor, call, language)
    if call.status in ("draft", "published") and can(
        actor, "competition.cancel", call.municipality_id
    ):
        rows.append([(t(language, "staff-cancel-call"), staff_data("cancel", call.id))])
    await message.reply_text(
        texts[language] + "\n\n" + status, reply_markup=inline(rows) if rows else None
    )


async def send_share(
    message: Message, context: BotContext, language: str, call: Competition
) -> None:
    """The call's deep link, and a QR code of it for posters and press releases."""
    url = link(context.bot.username, competition_payload(call.id))
    picture = io.BytesIO()
    segno.make(url, error="m").save(picture, kind="png", scale=8, border=4)
    picture.seek(0)
    await message.reply_text(t(language, "staff-share-text", link=url))
    await message.reply_document(picture, filename=f"call-{call.id}-qr.png", caption=url)


async def send_counts(
    message: Message, context: BotContext, language: str, broadcast_id: int, *, edit: bool = False
) -> None:
    async with context.db.session() as session:
        counts = await broadcast_counts(session, broadcast_id=broadcast_id)
    text = t(language, "broadcast-counts", **counts)
    markup = inline([[(t(language, "broadcast-refresh"), staff_data("counts", broadcast_id))]])
    if edit:
        try:
            await message.edit_text(text, reply_markup=markup)
        except TelegramError:
            pass  # unchanged counts: "message is not modified"
        return
    await message.reply_text(text, reply_markup=markup)


# -- buttons ---------------------------------------------------------------------------------


async def on_button(update: Update, context: BotContext) -> None:
    """ "st:<action>:<id>": resolve the record, check the actor may act on its municipality."""
    from handlers import wizard

    query = update.callback_query
    user, language = await current_user(update, context)
    parsed = parse_staff(query.data)
    if parsed is None:
        await refuse_button(query, language)
        return
    actor = await actor_of(context, user)
    action, item_id = parsed
    async with context.db.session() as session:
        if action in ("call", "edit", "amend", "share", "cancel"):
            record = await session.get(Competition, item_id)
        elif action == "counts":
            from storage.models import Broadcast

            record = await session.get(Broadcast, item_id)
        else:
            record = await session.get(Municipality, item_id)
    needed = {
        "calls": "competition.view",
        "call": "competition.view",
        "new": "competition.create",
        "edit": "competition.edit",
        "amend": "competition.amend",
        "share": "competition.share",
        "cancel": "competition.cancel",
        "counts": "broadcast.view",
        "ann": "announcement.send",
        "invm": "staff.invite",
    }.get(action.split("-")[0], "staff.invite")
    place_id = (
        None
        if record is None
        else (record.id if isinstance(record, Municipality) else record.municipality_id)
    )
    if record is None or not can(actor, needed, place_id):
        await refuse_button(query, language)
        return
    await query.answer()
    message = query.message
    if action == "calls":
        await send_calls(message, context, language, record)
    elif action == "call":
        await send_call(message, context, actor, language, record)
    elif action == "new":
        await wizard.start(message, context, user, language, record)
    elif action == "edit":
        await wizard.resume_draft(message, context, user, language, record)
    elif action == "amend":
        await wizard.ask_new_deadline(message, context, user, language, record)
    elif action == "cancel":
        await wizard.ask_cancel_reason(message, context, user, language, record)
    elif action == "share":
        await send_share(message, context, language, record)
    elif action == "counts":
        await send_counts(message, context, language, record.id, edit=True)
    elif action == "ann":
        await wizard.ask_announcement(message, context, user, language, record)
    elif action == "invm":
        await _invite_roles(query, context, actor, language, record)
    elif action.startswith("inv-"):
        try:
            role = Role(action.removeprefix("inv-"))
        except ValueError:
            await refuse_button(query, language)
            return
        await drop_buttons(query)
        await _create_invite(query, context, actor, language, record, role)
