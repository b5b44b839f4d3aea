"""Rules for an organization's members: who may join by a link, who may be removed, who may act
for an organization."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from bot.rules import members as rules
from bot.rules.access import ORGANIZATION_ACTIONS, Actor, can_act_for

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def invitation(*, used: bool = False, expires_in: timedelta = timedelta(days=3)):
    return SimpleNamespace(
        organization_id=7, used_at=NOW if used else None, expires_at=NOW + expires_in
    )


def test_a_fresh_link_admits_a_user_of_no_organization() -> None:
    assert rules.join_refusal(invitation(), now=NOW, organization_of_user=None) is None


@pytest.mark.bad_input
@pytest.mark.parametrize(
    ("found", "organization", "refusal"),
    [
        (None, None, "member-join-invalid"),
        (invitation(used=True), None, "member-join-invalid"),
        (invitation(expires_in=timedelta(0)), None, "member-join-invalid"),
        (invitation(), 7, "member-join-already"),
        (invitation(), 8, "member-join-other"),
        (invitation(used=True), 8, "member-join-invalid"),  # the link first
    ],
)
def test_refused_links(found, organization: int | None, refusal: str) -> None:
    assert rules.join_refusal(found, now=NOW, organization_of_user=organization) == refusal


@pytest.mark.bad_input
def test_the_last_member_stays() -> None:
    assert rules.removal_refusal(members=1) == "member-remove-last"
    assert rules.removal_refusal(members=2) is None


def test_display_names() -> None:
    assert rules.display_name("Bakyt", "Osmonov", "—") == "Bakyt Osmonov"
    assert rules.display_name(" ", None, "@bakyt") == "@bakyt"
    assert len(rules.display_name("A" * 100, None, "—")) == rules.NAME_MAX


@pytest.mark.bad_input
def test_only_members_act_for_their_organization() -> None:
    member = Actor(user_id=1, organization_id=7)
    admin = Actor(user_id=2, is_platform_admin=True)
    for action in ORGANIZATION_ACTIONS:
        assert can_act_for(member, action, 7)
        assert not can_act_for(member, action, 8)
        assert not can_act_for(member, action, None)
        assert not can_act_for(admin, action, 7)  # no role acts for an NCO
    with pytest.raises(KeyError):
        can_act_for(member, "competition.view", 7)
