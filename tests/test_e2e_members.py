"""End to end: an NCO's member invites a colleague by a one-time link from /profile; the
colleague gives consent and joins; the members list, removing a member and leaving; and the
refusals (a used or expired link, a user of another organization, forged buttons), which change
nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.i18n import t
from sandbox import SandboxClient, SandboxUser
from storage.db import Database
from storage.models import Member, MemberInvitation
from storage.types import utcnow
from tests.flows import dialogue_of, messages, organization_row, plain, settle, user_row
from tests.test_e2e_applications import nco_with_profile

pytestmark = pytest.mark.usefixtures("bot")

ORGANIZATION = "ОФ «Балдарга Тирек»"  # tests/flows.py fill_profile


async def members_of(db: Database, organization_id: int) -> list[Member]:
    async with db.session() as session:
        query = select(Member).where(Member.organization_id == organization_id)
        return list((await session.exec(query.order_by(Member.id))).all())


async def open_members(user: SandboxUser, language: str):
    """/profile, then 👥 Members: the list."""
    await user.send("/profile")
    card = await user.next_reply()
    await user.click(t(language, "member-list-button"), message_id=card.message_id)
    return messages(await settle(user))[0]


async def invite(user: SandboxUser, language: str) -> str:
    """From the members list, a new invitation link; returns its /start payload."""
    listing = await open_members(user, language)
    await user.click(t(language, "member-invite-button"), message_id=listing.message_id)
    created = messages(await settle(user))[0]
    link = next(line for line in created.text.splitlines() if line.startswith("https://"))
    assert link.startswith("https://t.me/ssp_test_bot?start=j-")
    return link.split("start=")[1]


async def join(user: SandboxUser, language: str, payload: str) -> list:
    """Open the link and agree: the welcome and the organization's card."""
    await user.send(f"/start {payload}")
    offer = await user.next_reply()
    await user.click(t(language, "member-join-yes"), message_id=offer.message_id)
    return messages(await settle(user, messages=2))


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
async def test_a_colleague_joins_by_a_link_and_both_see_the_members(
    sandbox: SandboxClient, seeded_database: Database, language: str
) -> None:
    leader_id = 80_010 + len(language)
    aigerim = await nco_with_profile(sandbox, leader_id, "en", f"012345678{leader_id}")
    organization = await organization_row(seeded_database, leader_id)
    listing = await open_members(aigerim, "en")
    assert plain(listing.text).startswith(
        plain(t("en", "member-list-title", organization=ORGANIZATION, count=1))
    )
    assert "(you)" in listing.text
    # Alone, she may invite, and cannot leave (nobody would be left).
    assert list(listing.button_data) == [t("en", "member-invite-button")]
    payload = await invite(aigerim, "en")

    # The colleague, new to the bot, sees what joining means and the consent, in one message.
    bakyt = sandbox.user(leader_id + 100, first_name="Bakyt", last_name="Osmonov",
                         language_code=language)  # fmt: skip
    await bakyt.send(f"/start {payload}")
    offer = await bakyt.next_reply()
    expected = t(language, "member-join-offer", organization=ORGANIZATION, inn=organization.inn)
    assert plain(offer.text) == plain(expected + "\n\n" + t(language, "consent-text"))
    await bakyt.click(t(language, "member-join-yes"))
    joined = messages(await settle(bakyt, messages=2))
    assert joined[0].text == t(language, "member-join-done", organization=ORGANIZATION)
    assert t(language, "member-list-button") in joined[1].button_data  # the organization's card
    row = await user_row(seeded_database, bakyt.id)
    assert row.consent_at is not None and row.language == language
    members = await members_of(seeded_database, organization.id)
    assert [(m.display_name) for m in members] == ["Leader", "Bakyt Osmonov"]

    # The leader hears who joined: a link that reached the wrong person is noticed.
    notice = await aigerim.next_reply(timeout=10)
    assert notice.text == t(
        "en", "member-joined-notice", name="Bakyt Osmonov", organization=ORGANIZATION
    )

    # Both see both; each may leave now, and may remove the other.
    listing = await open_members(bakyt, language)
    assert "Leader" in listing.text and "Bakyt Osmonov" in listing.text
    assert set(listing.button_data) == {
        t(language, "member-invite-button"),
        t(language, "member-remove-button", name="Leader"),
        t(language, "member-leave-button"),
    }

    # The link works once: someone else who opens it is refused, and nothing is stored.
    mallory = sandbox.user(leader_id + 200, first_name="Mallory", language_code=language)
    await mallory.send(f"/start {payload}")
    refused = messages(await settle(mallory))
    assert refused[0].text == t(language, "member-join-invalid")
    assert len(await members_of(seeded_database, organization.id)) == 2
    assert (await user_row(seeded_database, mallory.id)).consent_at is None
    assert await dialogue_of(seeded_database, mallory.id) is None


@pytest.mark.bad_input
async def test_refused_links_and_forged_buttons_change_nothing(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    aigerim = await nco_with_profile(sandbox, 81_001, "en", "01234567881001")
    organization = await organization_row(seeded_database, 81_001)
    payload = await invite(aigerim, "en")

    # Someone who already acts for another organization: told which, in her language.
    dinara = await nco_with_profile(sandbox, 81_002, "ru", "01234567881002")
    await dinara.send(f"/start {payload}")
    refused = messages(await settle(dinara))
    assert refused[0].text == t("ru", "member-join-other", organization=ORGANIZATION)
    # A member already: told so.
    await aigerim.send(f"/start {payload}")
    already = messages(await settle(aigerim))
    assert already[0].text == t("en", "member-join-already", organization=ORGANIZATION)
    async with seeded_database.session() as session:
        invitation = (await session.exec(select(MemberInvitation))).one()
    assert invitation.used_at is None  # neither used it up

    # Forged buttons of Aigerim's organization, pressed by Dinara: refused, nothing changes.
    anchor = refused[0].message_id
    aigerim_member = (await members_of(seeded_database, organization.id))[0]
    for data in (
        f"mb:list:{organization.id}",
        f"mb:inv:{organization.id}",
        f"mb:rm:{aigerim_member.id}",
        f"mb:rmok:{aigerim_member.id}",
        "mb:rmok:999999",
        "mj:yes",  # no invitation on offer to her
    ):
        await dinara.click_data(anchor, data)
        events = await settle(dinara, messages=0, answers=1)
        answers = [e for e in events if e.kind == "callback_answer"]
        assert [(a.text, a.show_alert) for a in answers] == [(t("ru", "button-stale"), True)], data
        assert not messages(events), data
    assert len(await members_of(seeded_database, organization.id)) == 1
    async with seeded_database.session() as session:
        assert len((await session.exec(select(MemberInvitation))).all()) == 1

    # An expired link, and a well-formed one that was never made.
    async with seeded_database.session() as session:
        invitation = await session.get(MemberInvitation, invitation.id)
        invitation.expires_at = utcnow() - timedelta(minutes=1)
        session.add(invitation)
        await session.commit()
    carol = sandbox.user(81_003, first_name="Carol", language_code="ky")
    for link in (payload, "j-" + "A" * 24):
        await carol.send(f"/start {link}")
        told = messages(await settle(carol))
        assert told[0].text == t("ky", "member-join-invalid"), link
    assert await dialogue_of(seeded_database, carol.id) is None

    # Two people were offered one link; the first to agree joins, the other is refused.
    payload = await invite(aigerim, "en")
    eldar = sandbox.user(81_004, first_name="Eldar", language_code="en")
    for person in (carol, eldar):
        await person.send(f"/start {payload}")
        await settle(person)
    await eldar.click(t("en", "member-join-yes"))
    await settle(eldar, messages=2)
    notice = await aigerim.next_reply(timeout=10)
    assert notice.text == t("en", "member-joined-notice", name="Eldar", organization=ORGANIZATION)
    await carol.click(t("ky", "member-join-yes"))
    late = messages(await settle(carol))
    assert late[0].text == t("ky", "member-join-invalid")
    members = await members_of(seeded_database, organization.id)
    assert [m.display_name for m in members] == ["Leader", "Eldar"]
    assert (await user_row(seeded_database, carol.id)).consent_at is None
    # Typing instead of tapping while an offer waits changes nothing either.
    payload = await invite(aigerim, "en")
    await carol.send(f"/start {payload}")
    await settle(carol)
    await carol.send("yes please")
    assert messages(await settle(carol))[0].text == t("ky", "invalid-use-buttons")
    await carol.click(t("ky", "member-join-no"))
    declined = messages(await settle(carol))
    assert declined[0].text == t("ky", "member-join-declined")
    assert (await user_row(seeded_database, carol.id)).consent_at is None
    assert len(await members_of(seeded_database, organization.id)) == 2


async def test_removing_a_member_and_leaving(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    aigerim = await nco_with_profile(sandbox, 82_001, "en", "01234567882001")
    organization = await organization_row(seeded_database, 82_001)
    bakyt = sandbox.user(82_002, first_name="Bakyt", language_code="ru")
    await join(bakyt, "ru", await invite(aigerim, "en"))
    await aigerim.next_reply(timeout=10)  # told that Bakyt joined

    listing = await open_members(aigerim, "en")
    await aigerim.click(
        t("en", "member-remove-button", name="Bakyt"), message_id=listing.message_id
    )
    confirm = messages(await settle(aigerim))[0]
    assert confirm.text == t("en", "member-remove-confirm", name="Bakyt", organization=ORGANIZATION)
    stale_remove = confirm.button_data[t("en", "member-remove-yes")]
    await aigerim.click(t("en", "member-remove-yes"))
    removed = messages(await settle(aigerim, messages=2))
    assert removed[0].text == t("en", "member-removed", name="Bakyt", organization=ORGANIZATION)
    assert [m.display_name for m in await members_of(seeded_database, organization.id)] == [
        "Leader"
    ]
    told = await bakyt.next_reply(timeout=10)
    assert told.text == t("ru", "member-removed-you", organization=ORGANIZATION, by="Leader")
    # A second tap on the same "yes" (a double tap): refused, nothing else happens.
    await aigerim.click_data(confirm.message_id, stale_remove)
    events = await settle(aigerim, messages=0, answers=1)
    assert [e.text for e in events if e.kind == "callback_answer"] == [t("en", "button-stale")]

    # The last member cannot leave, even with a forged button: she is told how to delete it.
    me = (await members_of(seeded_database, organization.id))[0]
    await aigerim.click_data(confirm.message_id, f"mb:rmok:{me.id}")
    last = messages(await settle(aigerim))
    assert last[0].text == t("en", "member-remove-last", organization=ORGANIZATION)
    assert len(await members_of(seeded_database, organization.id)) == 1

    # Bakyt comes back by a new link, then leaves by himself; Aigerim is told.
    await join(bakyt, "ru", await invite(aigerim, "en"))
    await aigerim.next_reply(timeout=10)
    listing = await open_members(bakyt, "ru")
    await bakyt.click(t("ru", "member-leave-button"), message_id=listing.message_id)
    confirm = messages(await settle(bakyt))[0]
    assert confirm.text == t("ru", "member-leave-confirm", organization=ORGANIZATION)
    await bakyt.click(t("ru", "member-leave-yes"))
    left = messages(await settle(bakyt))
    assert left[0].text == t("ru", "member-left", organization=ORGANIZATION)
    notice = await aigerim.next_reply(timeout=10)
    assert notice.text == t("en", "member-left-notice", name="Bakyt", organization=ORGANIZATION)
    assert len(await members_of(seeded_database, organization.id)) == 1
    # No longer a member: his /profile offers to register an organization, not this one.
    await bakyt.send("/profile")
    assert messages(await settle(bakyt))[0].text.startswith(
        plain(t("ru", "profile-step", number=1, total=7))
    )

    # Back once more, then /forget: his data goes, the organization stays with Aigerim, who is
    # told he has left.
    await join(bakyt, "ru", await invite(aigerim, "en"))
    await aigerim.next_reply(timeout=10)
    await bakyt.send("/forget")
    await bakyt.next_reply()
    await bakyt.click(t("ru", "forget-yes"))
    assert messages(await settle(bakyt))[0].text == t("ru", "forget-done")
    notice = await aigerim.next_reply(timeout=10)
    assert notice.text == t("en", "member-left-notice", name="Bakyt", organization=ORGANIZATION)
    assert await user_row(seeded_database, bakyt.id) is None
    assert [m.display_name for m in await members_of(seeded_database, organization.id)] == [
        "Leader"
    ]
