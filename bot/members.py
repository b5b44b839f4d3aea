"""An organization's members: inviting a colleague by a one-time link, joining by it, removing a
member; each change is told to the organization's other members through the outbox, so a link
that reached the wrong person is noticed (and that person removed)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from bot.i18n import t
from bot.reminders import on_user_changed
from bot.rules import members as rules
from bot.rules.deeplinks import join_payload, link
from storage.db import Database
from storage.models import Member, MemberInvitation, Organization, User
from storage.queries.audit import record
from storage.queries.organizations import (
    AlreadyMember,
    create_member_invitation,
    join_by_invitation,
    member_count,
    member_invitation,
    member_users,
    membership_of,
    remove_member,
)
from storage.queries.outbox import enqueue


def new_token() -> str:
    # 18 random bytes -> 24 URL-safe characters: unguessable, and the payload stays under 64.
    return secrets.token_urlsafe(18)


async def invite_colleague(
    db: Database, *, organization_id: int, by_user_id: int, now: datetime
) -> MemberInvitation:
    async with db.session() as session:
        record(
            session,
            actor_user_id=by_user_id,
            action="member.invite",
            municipality_id=None,  # the NCO's own business, not a municipality's record
            subject=f"organization:{organization_id}",
        )
        return await create_member_invitation(  # commits the audit event with it
            session,
            token=new_token(),
            organization_id=organization_id,
            invited_by_user_id=by_user_id,
            expires_at=now + rules.VALID_FOR,
        )


def join_link(bot_username: str, invitation: MemberInvitation) -> str:
    return link(bot_username, join_payload(invitation.token))


@dataclass(frozen=True)
class Offer:
    """What opening an invitation link leads to: the organization to join, or why not."""

    organization: Organization | None
    refusal: str | None
    other: Organization | None = None  # the organization the user acts for already


async def offer(db: Database, *, token: str, user: User, now: datetime) -> Offer:
    """Look at an invitation without using it (the user confirms first)."""
    async with db.session() as session:
        invitation = await member_invitation(session, token=token)
        membership = await membership_of(session, user_id=user.id)
        current = membership.organization_id if membership else None
        refusal = rules.join_refusal(invitation, now=now, organization_of_user=current)
        organization = (
            await session.get(Organization, invitation.organization_id) if invitation else None
        )
        other = await session.get(Organization, current) if current is not None else None
    if refusal == "member-join-invalid":
        organization = None
    return Offer(organization, refusal, other)


async def join(
    db: Database, *, token: str, user: User, name: str, language: str, now: datetime
) -> Offer:
    """Use the invitation and make the user a member, with their consent, in one transaction;
    the other members are told. A refusal changes nothing."""
    found = await offer(db, token=token, user=user, now=now)
    if found.refusal is not None:
        return found
    async with db.session() as session:
        try:
            member = await join_by_invitation(
                session, token=token, user_id=user.id, display_name=name, now=now
            )
        except AlreadyMember:  # joined or registered an organization in the same instant
            return await offer(db, token=token, user=user, now=now)
        if member is None:  # used by someone else, or expired, in the same instant
            return Offer(None, "member-join-invalid")
        # The offer asked for consent with the confirmation: the tap on "join" gave it.
        fresh = await session.get(User, user.id)
        fresh.consent_at = fresh.consent_at or now
        fresh.language = fresh.language or language
        session.add(fresh)
        record(
            session,
            actor_user_id=user.id,
            action="member.join",
            municipality_id=None,
            subject=f"organization:{member.organization_id}",
        )
        await tell_members(
            session,
            found.organization,
            except_user_id=user.id,
            key="member-joined-notice",
            dedupe=f"mjoin:{membership_key(member)}",
            name=name,
        )
        await session.commit()
    await on_user_changed(db, user_id=user.id)  # the organization's reminders reach them too
    return found


async def remove(db: Database, *, member: Member, by: Member) -> str | None:
    """Remove `member` (`by` removes them, or leaves if it is themselves): None when done, else
    the refusal's translation key. The removed member and the others are told."""
    async with db.session() as session:
        organization = await session.get(Organization, member.organization_id)
        refusal = rules.removal_refusal(
            members=await member_count(session, organization_id=member.organization_id)
        )
        if refusal is not None:
            return refusal
        removed_user = await session.get(User, member.user_id)
        if not await remove_member(session, member=member):
            return "member-remove-last"  # the others left in the same instant
        name = member.display_name or "—"
        leaving = member.id == by.id
        record(
            session,
            actor_user_id=by.user_id,
            action="member.leave" if leaving else "member.remove",
            municipality_id=None,
            subject=f"organization:{organization.id}",
        )
        await tell_members(
            session,
            organization,
            except_user_id=by.user_id,
            key="member-left-notice" if leaving else "member-removed-notice",
            dedupe=f"mrm:{membership_key(member)}",
            name=name,
            by=by.display_name or "—",
        )
        if not leaving and removed_user is not None and removed_user.is_active:
            language = removed_user.language or "ru"
            await enqueue(
                session,
                chat_id=removed_user.telegram_id,
                user_id=removed_user.id,
                dedupe_key=f"mrmyou:{membership_key(member)}",
                text=t(
                    language,
                    "member-removed-you",
                    organization=organization.name,
                    by=by.display_name or "—",
                ),
            )
        await session.commit()
    await on_user_changed(db, user_id=member.user_id)  # no reminders of that NCO any more
    return None


def membership_key(member: Member) -> str:
    """One membership, for the outbox's dedupe keys: a member's row id alone may come back
    (SQLite reuses the highest id once deleted) when the same person joins again."""
    return f"{member.id}-{int(member.created_at.timestamp() * 1_000_000)}"


async def tell_members(
    session,
    organization: Organization,
    *,
    except_user_id: int,
    key: str,
    dedupe: str,
    **params: str,
) -> None:
    """One message to each other member, in their language. Does not commit."""
    for other in await member_users(
        session, organization_id=organization.id, except_user_id=except_user_id
    ):
        language = other.language or "ru"
        await enqueue(
            session,
            chat_id=other.telegram_id,
            user_id=other.id,
            dedupe_key=f"{dedupe}:u{other.id}",
            text=t(language, key, organization=organization.name, **params),
        )
