"""An organization's members, from /profile: the list, a one-time link to invite a colleague,
removing a member or leaving; and the colleague opening that link (`/start j-<token>`), who
confirms (agreeing to the processing of personal data if not yet done) and joins.

Rules in bot/rules/members.py, changes in bot/members.py. Every button takes the organization
from the database record it acts on and asks `can_act_for` (bot/rules/access.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from telegram import Chat, Message, Update
from telegram import User as TelegramUser

from bot import members as membership
from bot.context import BotContext
from bot.formatting import day
from bot.i18n import t
from bot.rules import members as rules
from bot.rules.access import Actor, can_act_for
from handlers.callbacks import join_data, members_data, parse_join, parse_members
from handlers.common import current_user, drop_buttons, leaves_dialogue, refuse_button
from handlers.keyboards import inline, main_menu
from storage.models import Dialogue, Member, Municipality, Organization, User
from storage.queries.dialogues import end_dialogue, get_dialogue, save_dialogue
from storage.queries.organizations import members_of, membership_of, set_display_name

JOIN = "join"  # the invitation's offer, waiting for "join" or "no"
DIALOGUES = (JOIN,)


def now() -> datetime:
    return datetime.now(UTC)


def name_of(telegram_user: TelegramUser | Chat | None) -> str:
    """A Telegram user's name (or a private chat's: its user's) as the members list shows it."""
    if telegram_user is None:
        return "—"
    fallback = f"@{telegram_user.username}" if telegram_user.username else "—"
    return rules.display_name(telegram_user.first_name, telegram_user.last_name, fallback)


def members_button(language: str, organization_id: int) -> list[tuple[str, str]]:
    """The row on the organization's card (/profile) that opens its members."""
    return [(t(language, "member-list-button"), members_data("list", organization_id))]


async def _actor(context: BotContext, user: User) -> tuple[Actor, Member | None]:
    async with context.db.session() as session:
        member = await membership_of(session, user_id=user.id)
    organization_id = member.organization_id if member is not None else None
    return Actor(user_id=user.id, organization_id=organization_id), member


# -- the members list and its buttons ----------------------------------------------------------


async def send_members(
    message: Message,
    context: BotContext,
    language: str,
    organization: Organization,
    me: Member,
) -> None:
    async with context.db.session() as session:
        members = await members_of(session, organization_id=organization.id)
        place = await session.get(Municipality, organization.municipality_id)
    zone = ZoneInfo(place.timezone)
    lines = [t(language, "member-list-title", organization=organization.name, count=len(members))]
    rows = [[(t(language, "member-invite-button"), members_data("inv", organization.id))]]
    for member in members:
        since = day(member.created_at.astimezone(zone).date())
        name = member.display_name or "—"
        if member.id == me.id:
            lines.append(t(language, "member-line-you", name=name, since=since))
            continue
        lines.append(t(language, "member-line", name=name, since=since))
        rows.append(
            [(t(language, "member-remove-button", name=name), members_data("rm", member.id))]
        )
    if len(members) > 1:  # the last member cannot leave (the organization would have nobody)
        rows.append([(t(language, "member-leave-button"), members_data("rm", me.id))])
    lines += ["", t(language, "member-list-hint")]
    await message.reply_text("\n".join(lines), reply_markup=inline(rows))


async def on_button(update: Update, context: BotContext) -> None:
    """ "mb:list|inv:<organization>", "mb:rm|rmok:<member>": only the organization's members."""
    query = update.callback_query
    user, language = await current_user(update, context)
    parsed = parse_members(query.data)
    if parsed is None:
        await refuse_button(query, language)
        return
    action, item_id = parsed
    actor, me = await _actor(context, user)
    if action in ("list", "inv"):
        async with context.db.session() as session:
            organization = await session.get(Organization, item_id)
        needed = "member.view" if action == "list" else "member.invite"
        if not can_act_for(actor, needed, organization.id if organization else None):
            await refuse_button(query, language)
            return
        await query.answer()
        if action == "list":
            async with context.db.session() as session:
                await set_display_name(session, member=me, name=name_of(update.effective_user))
            await send_members(query.message, context, language, organization, me)
        else:
            await _invite(query.message, context, user, language, organization)
        return
    async with context.db.session() as session:
        target = await session.get(Member, item_id)
        organization = await session.get(Organization, target.organization_id) if target else None
    if not can_act_for(actor, "member.remove", organization.id if organization else None):
        await refuse_button(query, language)  # another NCO's member, or gone already
        return
    await query.answer()
    if action == "rm":
        await _confirm_removal(query.message, language, organization, target, me)
        return
    await drop_buttons(query)
    refusal = await membership.remove(context.db, member=target, by=me)
    if refusal is not None:
        await query.message.reply_text(t(language, refusal, organization=organization.name))
        return
    if target.id == me.id:
        await query.message.reply_text(
            t(language, "member-left", organization=organization.name),
            reply_markup=main_menu(language),
        )
        return
    await query.message.reply_text(
        t(
            language,
            "member-removed",
            name=target.display_name or "—",
            organization=organization.name,
        )
    )
    await send_members(query.message, context, language, organization, me)


async def _invite(
    message: Message, context: BotContext, user: User, language: str, organization: Organization
) -> None:
    invitation = await membership.invite_colleague(
        context.db, organization_id=organization.id, by_user_id=user.id, now=now()
    )
    await message.reply_text(
        t(
            language,
            "member-invite-created",
            organization=organization.name,
            days=rules.VALID_FOR.days,
            link=membership.join_link(context.bot.username, invitation),
        )
    )


async def _confirm_removal(
    message: Message, language: str, organization: Organization, target: Member, me: Member
) -> None:
    leaving = target.id == me.id
    text = (
        t(language, "member-leave-confirm", organization=organization.name)
        if leaving
        else t(
            language,
            "member-remove-confirm",
            name=target.display_name or "—",
            organization=organization.name,
        )
    )
    yes = "member-leave-yes" if leaving else "member-remove-yes"
    rows = [
        [(t(language, yes), members_data("rmok", target.id))],
        [(t(language, "member-remove-no"), members_data("list", organization.id))],
    ]
    await message.reply_text(text, reply_markup=inline(rows))


# -- joining by a colleague's link ---------------------------------------------------------------


async def open_invitation(
    message: Message, context: BotContext, user: User, language: str, token: str
) -> bool:
    """`/start j-<token>`: what joining means (and the consent, if not given yet), or why not
    (False: nothing offered, nothing changed)."""
    found = await membership.offer(context.db, token=token, user=user, now=now())
    if found.refusal is not None:
        await _tell_refusal(message, language, found)
        return False
    async with context.db.session() as session:
        await save_dialogue(
            session, user_id=user.id, name=JOIN, step="confirm", data={"token": token}
        )
    organization = found.organization
    text = t(language, "member-join-offer", organization=organization.name, inn=organization.inn)
    if user.consent_at is None:
        text += "\n\n" + t(language, "consent-text")
    rows = [
        [(t(language, "member-join-yes"), join_data("yes"))],
        [(t(language, "member-join-no"), join_data("no"))],
    ]
    await message.reply_text(text, reply_markup=inline(rows))
    return True


async def _tell_refusal(message: Message, language: str, found: membership.Offer) -> None:
    shown = found.other or found.organization
    params = {"organization": shown.name} if shown is not None else {}
    await message.reply_text(t(language, found.refusal, **params), reply_markup=main_menu(language))


async def on_join_button(update: Update, context: BotContext) -> None:
    """ "mj:yes|no" under the offer; the link itself is in the user's dialogue, not the button."""
    query = update.callback_query
    user, language = await current_user(update, context)
    answer = parse_join(query.data)
    async with context.db.session() as session:
        dialogue = await get_dialogue(session, user_id=user.id)
    if answer is None or dialogue is None or dialogue.name != JOIN:
        await refuse_button(query, language)
        return
    await query.answer()
    await drop_buttons(query)
    async with context.db.session() as session:
        await end_dialogue(session, user_id=user.id)
    message = query.message
    if answer == "no":
        await message.reply_text(
            t(language, "member-join-declined"), reply_markup=main_menu(language)
        )
        return
    found = await membership.join(
        context.db,
        token=str(dialogue.data.get("token", "")),
        user=user,
        name=name_of(update.effective_user),
        language=language,
        now=now(),
    )
    if found.refusal is not None:
        await _tell_refusal(message, language, found)
        return
    await message.reply_text(
        t(language, "member-join-done", organization=found.organization.name),
        reply_markup=main_menu(language),
    )
    from handlers.profile import send_card

    await send_card(message, context, language, found.organization)


async def on_message(update: Update, context: BotContext, user: User, dialogue: Dialogue) -> None:
    """Anything typed while the offer waits for its buttons (Cancel or Back: no, thanks)."""
    language = user.language or (await current_user(update, context))[1]
    if leaves_dialogue(update.effective_message.text):
        await cancel(update.effective_message, context, user, language)
        return
    await update.effective_message.reply_text(t(language, "invalid-use-buttons"))


async def resume(
    message: Message, context: BotContext, user: User, language: str, dialogue
) -> None:
    """/start while the offer waits: show it again (or why it is no longer valid)."""
    token = str(dialogue.data.get("token", ""))
    if not await open_invitation(message, context, user, language, token):
        async with context.db.session() as session:
            await end_dialogue(session, user_id=user.id)


async def cancel(message: Message, context: BotContext, user: User, language: str) -> None:
    async with context.db.session() as session:
        await end_dialogue(session, user_id=user.id)
    await message.reply_text(t(language, "member-join-declined"), reply_markup=main_menu(language))
