"""End to end: invitations make staff; the wizard drafts, previews and publishes a call; the
matching subscribers (and only they) receive it; amendments and cancellation reach them; and
staff of one municipality cannot touch another's calls by any id or button."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta

import pytest
import segno
from sqlmodel import select

from bot.i18n import t
from bot.invitations import invite
from bot.rules.access import Role
from sandbox import SandboxClient
from storage.db import Database
from storage.models import Competition, OutboxMessage, StaffRole
from storage.queries.places import get_municipality
from storage.types import utcnow
from tests.flows import (
    answer,
    choose,
    make_staff,
    messages,
    published_call,
    settle,
    subscribe,
)

pytestmark = pytest.mark.usefixtures("bot")

TITLE = "Support for children of labour migrants"
SESSION = "Information session for NCOs: 5 March, 10:00, city hall, room 12."
DESCRIPTION = "After-school support and summer activities for children whose parents work abroad."


async def wait_for_delivery(db: Database, *, settled: int, timeout: float = 20) -> None:
    """Until `settled` outbox rows are no longer queued or sending."""
    for _ in range(int(timeout / 0.1)):
        async with db.session() as session:
            rows = (await session.exec(select(OutboxMessage))).all()
        if sum(row.status not in ("queued", "sending") for row in rows) >= settled:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"outbox not delivered: {[row.status for row in rows]}")


@pytest.mark.bad_input
async def test_an_invitation_makes_a_user_staff_once(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    async with seeded_database.session() as session:
        place = await get_municipality(session, slug="karakol")
        invitation = await invite(session, municipality_id=place.id, role=Role.STAFF, now=utcnow())
    newcomer = sandbox.user(41_001, first_name="Aizada", language_code="ru")
    await newcomer.send(f"/start i-{invitation.token}")
    replies = messages(await settle(newcomer, messages=2))
    assert replies[0].text == t(
        "ru", "invite-accepted", municipality="Мэрия города Каракол", role=t("ru", "role-staff")
    )
    assert replies[1].text.startswith("Сотрудникам мэрии")
    async with seeded_database.session() as session:
        roles = (await session.exec(select(StaffRole))).all()
    assert [(role.municipality_id, role.role) for role in roles] == [(place.id, "staff")]
    commands = await sandbox.calls("setMyCommands")
    scoped = [call for call in commands if call["params"].get("scope", {}).get("type") == "chat"]
    assert scoped[-1]["params"]["scope"]["chat_id"] == newcomer.id
    assert "newcall" in [command["command"] for command in scoped[-1]["params"]["commands"]]

    # The same link a second time, by someone else: refused, nobody else becomes staff.
    intruder = sandbox.user(41_002, first_name="Mallory", language_code="en")
    await intruder.send(f"/start i-{invitation.token}")
    assert (await intruder.next_reply()).text == t("en", "invite-invalid")
    async with seeded_database.session() as session:
        assert len((await session.exec(select(StaffRole))).all()) == 1


async def test_a_platform_admin_invites_from_inside_the_bot(
    sandbox: SandboxClient, seeded_database: Database, bot
) -> None:
    admin_id = 41_010
    bot.bot_data["services"].settings.platform_admin_ids.append(admin_id)
    admin = sandbox.user(admin_id, first_name="Admin", language_code="en")
    await admin.send("/invite")
    await admin.next_reply()
    await choose(admin, "Batken Mayor's Office")
    created = await choose(admin, t("en", "role-municipal_admin"))
    link = created[0].text.rsplit("\n", 1)[1]
    assert link.startswith("https://t.me/ssp_test_bot?start=i-")
    head = sandbox.user(41_011, first_name="Head", language_code="en")
    await head.send("/start " + link.split("start=")[1])
    replies = messages(await settle(head, messages=2))
    assert replies[0].text == t(
        "en",
        "invite-accepted",
        municipality="Batken Mayor's Office",
        role=t("en", "role-municipal_admin"),
    )
    # A municipal admin may invite staff and commission members, not more admins.
    await head.send("/invite")
    await head.next_reply()
    roles = await choose(head, "Batken Mayor's Office")
    assert roles[0].buttons == [[t("en", "role-staff")], [t("en", "role-commission")]]


async def test_the_wizard_drafts_previews_and_publishes_to_matching_subscribers(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    await make_staff(seeded_database, 42_001, "karakol")
    fan = sandbox.user(42_010, first_name="Fan", language_code="ru")
    await subscribe(seeded_database, fan.id, "karakol", language="ru")
    focused = sandbox.user(42_011, first_name="Focused", language_code="ky")
    await subscribe(seeded_database, focused.id, "karakol", "migrant-children", language="ky")
    other_topic = sandbox.user(42_012, first_name="Other", language_code="en")
    await subscribe(seeded_database, other_topic.id, "karakol", "homeless")
    elsewhere = sandbox.user(42_013, first_name="Batken", language_code="en")
    await subscribe(seeded_database, elsewhere.id, "batken")
    for person in (fan, focused, other_topic, elsewhere):
        await person.send("/help")  # they have chats with the bot
        await person.next_reply()

    staff = sandbox.user(42_001, first_name="Gulmira", language_code="en")
    await staff.send("/newcall")
    asked = await staff.next_reply()
    assert asked.text.startswith(t("en", "wz-step", number=1, total=13))
    await answer(staff, TITLE)
    step3 = await answer(staff, DESCRIPTION)
    assert step3[0].buttons[0] == [
        t("en", "wz-add-language", language="Кыргызча"),
        t("en", "wz-add-language", language="Русский"),
    ]
    await choose(staff, t("en", "wz-add-language", language="Русский"))
    await answer(staff, "Поддержка детей трудовых мигрантов")
    await answer(
        staff, "Продлённый день и летний отдых для детей, чьи родители работают за рубежом."
    )
    topic = await choose(staff, t("en", "wz-continue"))
    assert [row[0] for row in topic[0].buttons] == [
        "Women without support and victims of domestic violence",
        "Children of labour migrants",
        "Children with disabilities",
        "Homeless citizens",
    ]
    await choose(staff, "Children of labour migrants")
    refused = await answer(staff, "four hundred thousand")
    assert refused[0].text == t("en", "invalid-amount")
    await answer(staff, "400 000")
    refused = await answer(staff, "500000")
    assert refused[0].text == t("en", "invalid-max-above-total", total=400000)
    await answer(staff, "200000")
    await answer(staff, "2")
    refused = await answer(staff, "01.01.2020 10:00")
    assert refused[0].text == t("en", "invalid-date-past")
    await choose(staff, t("en", "wz-in-days", days=14))
    start = (utcnow() + timedelta(days=30)).date()
    end = start + timedelta(days=240)
    toggles = await answer(staff, f"{start:%d.%m.%Y} - {end:%d.%m.%Y}")
    assert toggles[0].text.startswith(t("en", "wz-step", number=10, total=13))
    await user_toggles(staff, ["elig-registered_nco", "elig-no_tax_arrears"])
    await user_toggles(staff, ["doc-application_form", "doc-project_proposal", "doc-budget"])
    await user_toggles(staff, ["crit-relevance", "crit-approach"], done=False)
    await answer(staff, "Involvement of volunteers: 10")
    reporting = await choose(staff, t("en", "wz-done"))
    assert reporting[0].text.endswith(t("en", "wz-ask-reporting"))
    await staff.click(t("en", "wz-reporting-quarterly"))
    final = messages(await settle(staff, messages=2))
    assert final[0].text == t("en", "wz-ask-final_days")
    [refusal] = await answer(staff, "400")
    assert refusal.text == t("en", "wz-invalid-final-days", maximum=365)
    preview = (await choose(staff, t("en", "wz-final-days", days=60)))[0]
    assert preview.text.startswith(TITLE + "\nKarakol Mayor's Office · Children of labour migrants")
    for expected in (
        "💰 Budget: 400,000 soms",
        "Up to 200,000 soms per project; 2 projects will be funded.",
        "(Asia/Bishkek time)",
        "• Involvement of volunteers — 15%",
        "🗓 Reports quarterly:",
        "(60 days after the project ends)",
    ):
        assert expected in preview.text
    async with seeded_database.session() as session:
        draft = (await session.exec(select(Competition))).one()
    assert draft.status == "draft" and draft.title == {
        "en": TITLE,
        "ru": "Поддержка детей трудовых мигрантов",
    }
    assert draft.reporting == {"kind": "quarterly", "final_days": 60}

    # The preview in Russian is the card the Russian-speaking subscribers will get.
    await staff.click("Русский")
    russian = (await settle(staff, messages=0, edits=1))[-1]
    assert russian.text.startswith("Поддержка детей трудовых мигрантов\nМэрия города Каракол")
    await staff.click(t("en", "wz-publish"))
    done = messages(await settle(staff, messages=2))
    assert done[0].text == t("en", "wz-published")

    await wait_for_delivery(seeded_database, settled=2)
    got = await fan.next_reply(timeout=10)
    assert got.text.startswith("Поддержка детей трудовых мигрантов")
    got = await focused.next_reply(timeout=10)
    assert "Эмгек мигранттарынын балдары" in got.text
    await other_topic.expect_no_reply(within=1.0)
    await elsewhere.expect_no_reply(within=0.2)

    # Live counts for staff.
    await staff.click(t("en", "broadcast-refresh"))
    refreshed = await settle(staff, messages=0, edits=1)
    counts = [event for event in refreshed if event.kind == "edit"][-1]
    assert counts.text == t(
        "en", "broadcast-counts", sent=2, queued=0, sending=0, failed=0, blocked=0, total=2
    )
    # The final report comes when the job next runs (later on a busy machine): wait for it
    # here, so it is not taken for the answer to the next step.
    await final_report(staff, refreshed, t("en", "broadcast-kind-call"))

    # Moving the deadline and cancelling reach those who got the call.
    async with seeded_database.session() as session:
        call = (await session.exec(select(Competition))).one()
    await open_staff_call(staff, TITLE)
    await choose(staff, t("en", "staff-move-deadline"))
    moved = await answer(staff, (utcnow() + timedelta(days=20)).strftime("%d.%m.%Y 17:30"))
    assert moved[0].text == t("en", "wz-deadline-moved", version=2)
    await wait_for_delivery(seeded_database, settled=4)
    notice = await fan.next_reply(timeout=10)
    assert "17:30" in notice.text and "Поддержка детей трудовых мигрантов" in notice.text
    await focused.next_reply(timeout=10)
    await final_report(staff, [], t("en", "broadcast-kind-amendment"))
    await fan.send(f"/start c-{call.id}")
    card = await fan.next_reply()
    assert "✏️ Версия 2: срок перенесён" in card.text

    await open_staff_call(staff, TITLE)
    await choose(staff, t("en", "staff-cancel-call"))
    await answer(staff, "The budget was reallocated by the city council.")
    await wait_for_delivery(seeded_database, settled=6)
    cancelled = await fan.next_reply(timeout=10)
    assert "The budget was reallocated by the city council." in cancelled.text
    async with seeded_database.session() as session:
        call = await session.get(Competition, call.id)
    assert (call.status, call.version) == ("cancelled", 3)
    await other_topic.expect_no_reply(within=0.2)


async def final_report(staff, seen: list, kind: str) -> None:
    """The broadcast's final report to staff: among the events `seen`, or the next message."""
    prefix = f"✅ {kind} delivered"
    found = [event for event in seen if event.kind == "message"]
    while not any(event.text.startswith(prefix) for event in found):
        # Other replies of the last step may come first on a slow machine.
        found = messages(await settle(staff, messages=1, timeout=20))


async def open_staff_call(staff, title: str) -> None:
    """/staff -> the municipality's calls -> the call."""
    await staff.send("/staff")
    await staff.next_reply()
    await choose(staff, t("en", "staff-calls", municipality="Karakol Mayor's Office"))
    await choose(staff, f"{t('en', 'status-published')} · {title}")


async def user_toggles(user, keys: list[str], *, done: bool = True) -> None:
    for key in keys:
        await user.click("▫️ " + t("en", key) + (_weight(key)))
        await settle(user, messages=0, edits=1)
    if done:
        await user.click(t("en", "wz-done"))
        await settle(user)


def _weight(key: str) -> str:
    from bot.rules.competition import CRITERIA_TEMPLATES

    return f" — {CRITERIA_TEMPLATES[key.removeprefix('crit-')]}" if key.startswith("crit-") else ""


@pytest.mark.bad_input
async def test_staff_of_one_municipality_cannot_touch_anothers_calls(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    await make_staff(seeded_database, 43_001, "karakol")
    await make_staff(seeded_database, 43_002, "batken")
    karakol = sandbox.user(43_001, first_name="Karakol", language_code="en")
    await karakol.send("/newcall")
    await karakol.next_reply()
    await answer(karakol, TITLE)
    async with seeded_database.session() as session:
        call = (await session.exec(select(Competition))).one()
        karakol_place = await get_municipality(session, slug="karakol")

    batken = sandbox.user(43_002, first_name="Batken", language_code="en")
    await batken.send("/staff")
    home = await batken.next_reply()
    forged = [
        f"st:call:{call.id}",
        f"st:edit:{call.id}",
        f"st:amend:{call.id}",
        f"st:cancel:{call.id}",
        f"st:share:{call.id}",
        f"st:calls:{karakol_place.id}",
        f"st:new:{karakol_place.id}",
        f"st:ann:{karakol_place.id}",
        f"st:invm:{karakol_place.id}",
        f"st:inv-staff:{karakol_place.id}",
        "st:call:999999",
        "wz:title:x",
        "wz:preview:publish",
        f"wz:topic:{call.id}",
    ]
    for data in forged:
        await batken.click_data(home.message_id, data)
        refusal = await batken.next_reply()
        assert (refusal.kind, refusal.text) == ("callback_answer", t("en", "button-stale")), data
    await batken.expect_no_reply(within=0.3)

    # An NCO leader without a role gets the same refusals, and no staff command works.
    nco = sandbox.user(43_003, first_name="NCO", language_code="en")
    for command in ("/staff", "/newcall", "/submissions", "/invite"):
        await nco.send(command)
        assert (await nco.next_reply()).text == t("en", "staff-not-allowed")
    async with seeded_database.session() as session:
        unchanged = await session.get(Competition, call.id)
    assert (unchanged.status, unchanged.title) == ("draft", {"en": TITLE})


async def test_announcement_share_link_and_final_report(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    await make_staff(seeded_database, 44_001, "karakol")
    reader = sandbox.user(44_010, first_name="Reader", language_code="ky")
    await subscribe(seeded_database, reader.id, "karakol", "homeless", language="ky")
    await reader.send("/help")
    await reader.next_reply()
    call = await published_call(seeded_database, "karakol", "women", "Shelter for women")

    staff = sandbox.user(44_001, first_name="Gulmira", language_code="en")
    await staff.send("/staff")
    await staff.next_reply()
    await choose(staff, t("en", "staff-announce"))
    preview = await answer(
        staff, "Information session for NCOs: 5 March, 10:00, city hall, room 12."
    )
    assert preview[0].text.startswith(t("en", "wz-announcement-preview"))
    done = await choose(staff, t("en", "wz-send"))
    assert done[0].text == t("en", "wz-announcement-sent")
    got = await reader.next_reply(timeout=10)
    assert got.text == "📣 Каракол шаарынын мэриясы\n" + SESSION
    report = messages(await settle(staff, timeout=15))[-1]
    assert report.text == t(
        "en",
        "broadcast-final",
        kind=t("en", "broadcast-kind-announcement"),
        sent=1,
        failed=0,
        blocked=0,
        total=1,
        queued=0,
        sending=0,
    )

    # The call's deep link and its QR code, for a poster.
    await open_staff_call(staff, "Shelter for women")
    await staff.click(t("en", "staff-share"))
    shared = messages(await settle(staff, messages=2))
    link = f"https://t.me/ssp_test_bot?start=c-{call.id}"
    assert shared[0].text.startswith(t("en", "staff-share-text", link=link).split("\n")[0])
    assert shared[1].document["file_name"] == f"call-{call.id}-qr.png"
    picture = await sandbox.download(shared[1].document["url"])
    expected = io.BytesIO()
    segno.make(link, error="m").save(expected, kind="png", scale=8, border=4)
    assert picture == expected.getvalue()  # the QR code of exactly this link
