"""End to end: the monitoring overview for a consultant assigned to two municipalities (the
third refused, whatever button they forge), the drill-down to a call, the XLSX of the same
figures, and the weekly digest at the day and hour the consultant chose (an injected clock)."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.i18n import t
from bot.monitoring import send_due_digests, weekday_name
from sandbox import SandboxClient, SandboxUser
from storage.db import Database
from storage.models import (
    Admissibility,
    Award,
    Broadcast,
    DigestPreference,
    Organization,
    OutboxMessage,
    Submission,
    User,
)
from storage.queries.places import get_municipality
from tests.flows import make_staff, messages, plain, published_call, settle, subscribe

pytestmark = pytest.mark.usefixtures("bot")
# A dependency (pyproject.toml); a virtualenv made before it was added skips, saying why.
openpyxl = pytest.importorskip("openpyxl", reason="openpyxl is not installed: pip install -e .")

KARAKOL, BATKEN = "Karakol Mayor's Office", "Batken Mayor's Office"
KOCHKOR = "Kochkor-Ata Mayor's Office"


async def _figures(db: Database) -> dict[str, int]:
    """Karakol: 2 reachable subscribers (and one who blocked the bot), an open call with one
    filed application (admitted, awarded 150,000) and one draft, deliveries 2 sent and 1
    blocked. Batken: 1 subscriber. Kochkor-Ata: a call of its own."""
    await subscribe(db, 46_100, "karakol")
    await subscribe(db, 46_101, "karakol", "women")
    await subscribe(db, 46_102, "karakol")
    await subscribe(db, 46_103, "batken")
    call = await published_call(db, "karakol", "migrant-children", "Support for children")
    hidden = await published_call(db, "kochkor-ata", "teenagers", "Teenagers at risk")
    async with db.session() as session:
        gone = (await session.exec(select(User).where(User.telegram_id == 46_102))).one()
        gone.is_active = False
        session.add(gone)
        place = await get_municipality(session, slug="karakol")
        for number, status in ((1, "submitted"), (2, "draft")):
            organization = Organization(
                name=f"NCO {number}",
                legal_form="public_foundation",
                inn=f"0000000000000{number}",
                municipality_id=place.id,
                phone="996700000000",
                description="An organization for the monitoring test.",
            )
            session.add(organization)
            await session.flush()
            submission = Submission(
                competition_id=call.id, organization_id=organization.id, status=status
            )
            session.add(submission)
            await session.flush()
            if status == "submitted":
                session.add(Admissibility(submission_id=submission.id, admitted=True))
                session.add(
                    Award(
                        competition_id=call.id,
                        submission_id=submission.id,
                        organization_id=organization.id,
                        amount=150_000,
                        contract_start=call.period_start,
                        contract_end=call.period_end,
                    )
                )
        broadcast = Broadcast(municipality_id=place.id, competition_id=call.id, kind="call")
        session.add(broadcast)
        await session.flush()
        for index, status in enumerate(("sent", "sent", "blocked")):
            session.add(
                OutboxMessage(
                    chat_id=46_100 + index, text="call", broadcast_id=broadcast.id, status=status
                )
            )
        await session.commit()
    return {"call": call.id, "hidden": hidden.id}


async def alert_for(user: SandboxUser, message_id: int, data: str) -> str:
    await user.click_data(message_id, data)
    events = await settle(user, messages=0, answers=1)
    assert messages(events) == []
    answer = next(event for event in events if event.kind == "callback_answer")
    assert answer.show_alert
    return answer.text


@pytest.mark.bad_input
async def test_a_consultant_sees_two_municipalities_and_is_refused_the_third(
    sandbox: SandboxClient, seeded_database: Database, bot
) -> None:
    db = seeded_database
    ids = await _figures(db)
    await make_staff(db, 46_001, "karakol", role="consultant")
    await make_staff(db, 46_001, "batken", role="consultant")
    consultant = sandbox.user(46_001, first_name="Consultant", language_code="en")

    await consultant.send("/overview")
    overview = messages(await settle(consultant))[0]
    blocks = overview.text.split("\n\n")
    assert blocks[0] == plain(t("en", "mon-title"))
    assert [block.split("\n")[0] for block in blocks[1:]] == [BATKEN, KARAKOL]
    assert blocks[2].split("\n")[1:] == [
        "Subscribers: 2 · open calls: 1 of 1 · budget of open calls: 400,000 soms",
        "Applications filed: 1",
        "Admitted: 1 · awards: 1, 150,000 soms of a budget of 400,000 soms",
        "Delivery: 2 sent, 1 blocked the bot, 0 failed, 0 waiting",
    ]
    assert blocks[1].split("\n")[1].startswith("Subscribers: 1 · open calls: 0 of 0")
    assert KOCHKOR not in overview.text
    assert overview.buttons[:2] == [[BATKEN], [KARAKOL]]

    # Drill down: Karakol, then its call.
    await consultant.click(KARAKOL, message_id=overview.message_id)
    place = messages(await settle(consultant, answers=1))[0]
    assert place.text.split("\n")[0] == KARAKOL
    assert place.buttons == [["🟢 Open · Support for children"]]
    await consultant.click("🟢 Open · Support for children", message_id=place.message_id)
    call = messages(await settle(consultant, answers=1))[0]
    assert "Applications: 1 filed, 1 drafts or withdrawn" in call.text
    assert "Delivery: 2 sent, 1 blocked the bot, 0 failed, 0 waiting" in call.text
    assert "Budget: 400,000 soms" in call.text
    assert "Admitted: 1 · awards: 1, 150,000 soms of 400,000 soms" in call.text

    # Kochkor-Ata is not theirs: forged buttons for it, or for its call, are refused.
    async with db.session() as session:
        kochkor = await get_municipality(session, slug="kochkor-ata")
    refusal = t("en", "button-stale")
    assert await alert_for(consultant, overview.message_id, f"mo:m:{kochkor.id}") == refusal
    assert await alert_for(consultant, overview.message_id, f"mo:c:{ids['hidden']}") == refusal
    assert await alert_for(consultant, overview.message_id, "mo:m:99999") == refusal

    # The XLSX holds the same figures.
    await consultant.click(t("en", "mon-xlsx"), message_id=overview.message_id)
    document = messages(await settle(consultant, answers=1))[0]
    # Dated by Bishkek's calendar (UTC's date is yesterday's from midnight to 6 a.m. there).
    today = datetime.now(ZoneInfo("Asia/Bishkek")).date()
    assert document.document["file_name"] == f"ssp-overview-{today}.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(await sandbox.download(document.document["url"])))
    places = list(book["Municipalities"].iter_rows(values_only=True))
    assert places[0][:3] == ("Municipality", "Subscribers", "Open calls")
    assert places[1:] == [
        (BATKEN, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
        (KARAKOL, 2, 1, 1, 400_000, 1, 1, 1, 150_000, 400_000, 0, 0, 0, 0, 2, 1, 0),
    ]
    calls = list(book["Calls"].iter_rows(values_only=True))
    assert len(calls) == 2
    assert calls[1][:4] == (
        KARAKOL,
        ids["call"],
        "Support for children",
        t("en", "status-published"),
    )
    assert calls[1][6:] == (1, 1, 1, 1, 150_000, 0, 0, 0, 0, 2, 1, 0)

    # Someone with no assignment sees nothing; a platform admin sees all three.
    nobody = sandbox.user(46_002, first_name="Nobody", language_code="en")
    await nobody.send("/overview")
    assert messages(await settle(nobody))[0].text == t("en", "mon-not-allowed")
    bot.bot_data["services"].settings.platform_admin_ids.append(46_003)
    admin = sandbox.user(46_003, first_name="Admin", language_code="en")
    await admin.send("/overview")
    seen = messages(await settle(admin))[0]
    assert [block.split("\n")[0] for block in seen.text.split("\n\n")[1:]] == [
        BATKEN,
        KARAKOL,
        KOCHKOR,
    ]
    # Staff of a municipality are not consultants.
    await make_staff(db, 46_004, "karakol")
    staff = sandbox.user(46_004, first_name="Staff", language_code="en")
    await staff.send("/overview")
    assert messages(await settle(staff))[0].text == t("en", "mon-not-allowed")


async def test_the_weekly_digest_comes_at_the_chosen_day_and_hour(
    sandbox: SandboxClient, seeded_database: Database, bot
) -> None:
    db = seeded_database
    settings = bot.bot_data["services"].settings
    await _figures(db)
    await make_staff(db, 47_001, "karakol", role="consultant")
    consultant = sandbox.user(47_001, first_name="Consultant", language_code="en")
    # A weekday three days away from today's, so the bot's own job (on the real clock) is
    # never due while the test runs; the test drives the clock itself.
    today = datetime.now(settings.zone)
    weekday = (today.weekday() + 3) % 7
    day = weekday_name(weekday, "en")

    await consultant.send("/digest")
    asked = messages(await settle(consultant))[0]
    assert asked.text.split("\n") == [t("en", "mon-digest-none"), t("en", "mon-digest-ask-day")]
    await consultant.click(day, message_id=asked.message_id)
    hours = messages(await settle(consultant, answers=1))[0]
    assert hours.text == t("en", "mon-digest-ask-hour", day=day)
    assert await alert_for(consultant, hours.message_id, f"mo:h:{weekday}:23") == t(
        "en", "button-stale"
    )
    await consultant.click("09:00", message_id=hours.message_id)
    chosen = messages(await settle(consultant, answers=1))[0]
    assert chosen.text == t("en", "mon-digest-set", day=day, hour="09:00", zone="Asia/Bishkek")
    async with db.session() as session:
        pref = (await session.exec(select(DigestPreference))).one()
    assert (pref.weekday, pref.hour) == (weekday, 9)

    # The injected clock: the chosen day next week, before and at nine, later that day, the
    # day after, and the week after.
    chosen_day = (today + timedelta(days=3)).replace(hour=0, minute=0, second=0, microsecond=0)

    def at(days: int, hour: int, minute: int = 0) -> datetime:
        return chosen_day + timedelta(days=days, hours=hour, minutes=minute)

    assert await send_due_digests(db, settings=settings, now=at(0, 8, 59)) == 0
    assert await send_due_digests(db, settings=settings, now=at(0, 9, 0)) == 1
    assert await send_due_digests(db, settings=settings, now=at(0, 15, 0)) == 0
    assert await send_due_digests(db, settings=settings, now=at(1, 9, 0)) == 0
    digest = messages(await settle(consultant, timeout=15))[0]
    assert digest.text.split("\n")[0] == plain(
        t("en", "mon-digest-title", day=at(0, 9).strftime("%d.%m.%Y"))
    )
    assert KARAKOL in digest.text and BATKEN not in digest.text
    assert "Subscribers: 2 · open calls: 1 of 1" in digest.text
    assert await send_due_digests(db, settings=settings, now=at(7, 9, 5)) == 1
    assert messages(await settle(consultant, timeout=15))[0].text.startswith("🗓 Weekly digest")

    # Turned off: nothing more.
    await consultant.send("/digest")
    asked = messages(await settle(consultant))[0]
    assert asked.text.startswith(
        t("en", "mon-digest-current", day=day, hour="09:00", zone="Asia/Bishkek")
    )
    await consultant.click(t("en", "mon-digest-off"), message_id=asked.message_id)
    assert messages(await settle(consultant, answers=1))[0].text == t("en", "mon-digest-turned-off")
    assert await send_due_digests(db, settings=settings, now=at(14, 9, 0)) == 0


async def test_a_platform_admin_assigns_a_consultant_by_invitation(
    sandbox: SandboxClient, seeded_database: Database, bot
) -> None:
    bot.bot_data["services"].settings.platform_admin_ids.append(46_020)
    admin = sandbox.user(46_020, first_name="Admin", language_code="en")
    consultant = sandbox.user(46_021, first_name="Consultant", language_code="en")
    for slug_name in (KARAKOL, BATKEN):
        await admin.send("/invite")
        await settle(admin)
        await admin.click(slug_name)
        roles = messages(await settle(admin, answers=1))[0]
        assert [t("en", "role-consultant")] in roles.buttons
        await admin.click(t("en", "role-consultant"), message_id=roles.message_id)
        created = messages(await settle(admin, answers=1))[0]
        payload = created.text.rsplit("\n", 1)[1].split("start=")[1]
        await consultant.send(f"/start {payload}")
        replies = messages(await settle(consultant, messages=2))
        assert replies[0].text == t(
            "en", "invite-accepted", municipality=slug_name, role=t("en", "role-consultant")
        )
        assert replies[1].text.startswith(plain(t("en", "mon-title")))
    blocks = replies[1].text.split("\n\n")[1:]
    assert [block.split("\n")[0] for block in blocks] == [BATKEN, KARAKOL]
    # A consultant is not staff: no calls, no staff tools.
    await consultant.send("/staff")
    assert messages(await settle(consultant))[0].text == t("en", "staff-not-allowed")
