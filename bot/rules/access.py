"""Who may do what: one table of actions and the roles that may take them, per municipality.

Every staff, commission and admin handler asks `can(actor, action, municipality_id)` before it
acts, with the municipality taken from the database record it acts on, never from callback data.
The menu a user sees is a convenience; this is the check."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    MUNICIPAL_ADMIN = "municipal_admin"
    STAFF = "staff"
    COMMISSION = "commission"
    # Supports several municipalities: sees their figures (monitoring), changes nothing.
    # Assigned by a platform admin (an invitation per municipality: /invite or `ssp-bot invite`).
    CONSULTANT = "consultant"


STAFF_ROLES = frozenset({Role.MUNICIPAL_ADMIN, Role.STAFF})

# action -> roles (within the municipality) that may take it; platform admins may take all.
ACTIONS: dict[str, frozenset[Role]] = {
    "competition.create": STAFF_ROLES,
    "competition.view": STAFF_ROLES | {Role.COMMISSION},
    "competition.edit": STAFF_ROLES,
    "competition.publish": STAFF_ROLES,
    "competition.amend": STAFF_ROLES,
    "competition.cancel": STAFF_ROLES,
    "competition.share": STAFF_ROLES,
    "announcement.send": STAFF_ROLES,
    "clarification.answer": STAFF_ROLES,
    "broadcast.view": STAFF_ROLES,
    "staff.invite": frozenset({Role.MUNICIPAL_ADMIN}),
    # Selection (bot/selection.py): staff decide, commission members score the calls they are
    # assigned to (the assignment is checked as well as the role).
    "selection.view": STAFF_ROLES,
    "selection.admit": STAFF_ROLES,
    "commission.assign": STAFF_ROLES,
    "commission.remind": STAFF_ROLES,
    "commission.score": frozenset({Role.COMMISSION}),
    "decision.record": STAFF_ROLES,
    "decision.publish": STAFF_ROLES,
    "export.call": STAFF_ROLES,
    # Reporting after an award (bot/reporting.py): the call's reports, their review, extensions.
    "report.view": STAFF_ROLES,
    "report.review": STAFF_ROLES,
    "report.extend": STAFF_ROLES,
    "audit.view": STAFF_ROLES,
    "poll.create": STAFF_ROLES,
    "poll.view": STAFF_ROLES,
    "poll.close": STAFF_ROLES,
    "topic.create": STAFF_ROLES,
    # The municipality's public channel, where calls and polls are also posted (/channel).
    "channel.set": STAFF_ROLES,
    "monitoring.view": frozenset({Role.CONSULTANT}),
}

# Actions a member of an NCO takes for their own organization (bot/members.py), with the
# organization taken from the record acted on (the organization, or the member to remove).
# Only the organization's members hold them: no municipal role grants them, not even a platform
# admin's, because staff must never act for an applicant (nor let themselves into one).
ORGANIZATION_ACTIONS: frozenset[str] = frozenset({"member.view", "member.invite", "member.remove"})

# Roles an inviter may hand out: municipal admins invite staff and commission members; only
# platform admins create municipal admins.
INVITABLE_BY_MUNICIPAL_ADMIN = frozenset({Role.STAFF, Role.COMMISSION})


@dataclass(frozen=True)
class Actor:
    """A user as the access rules see them."""

    user_id: int
    is_platform_admin: bool = False
    roles: dict[int, frozenset[Role]] = field(default_factory=dict)  # municipality id -> roles
    organization_id: int | None = None  # the NCO the user acts for (members), if any

    def municipalities_for(self, action: str) -> set[int]:
        """Municipalities where this actor holds a role for `action` (not counting admin rights)."""
        allowed = ACTIONS[action]
        return {place for place, roles in self.roles.items() if roles & allowed}

    @property
    def is_staff(self) -> bool:
        return self.is_platform_admin or any(roles & STAFF_ROLES for roles in self.roles.values())


def can(actor: Actor, action: str, municipality_id: int | None) -> bool:
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}")
    if actor.is_platform_admin:
        return True
    if municipality_id is None:
        return False
    return bool(actor.roles.get(municipality_id, frozenset()) & ACTIONS[action])


def can_act_for(actor: Actor, action: str, organization_id: int | None) -> bool:
    """Whether the actor may take an organization's action on that organization."""
    if action not in ORGANIZATION_ACTIONS:
        raise KeyError(f"unknown organization action {action!r}")
    return organization_id is not None and actor.organization_id == organization_id


def may_invite(actor: Actor, role: Role, municipality_id: int) -> bool:
    if actor.is_platform_admin:
        return True
    return can(actor, "staff.invite", municipality_id) and role in INVITABLE_BY_MUNICIPAL_ADMIN
