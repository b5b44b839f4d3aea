"""End to end: /audit <call id> shows a call's audit events (who, what, when in the
municipality's time), a page at a time; outsiders and bad ids get a polite refusal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.i18n import t
from sandbox import SandboxClient
from storage.db import Database
from storage.queries.audit import record
from storage.queries.users import get_user
from tests.flows import make_staff, messages, plain, published_call, settle

pytestmark = pytest.mark.usefixtures("bot")

START = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)  # 10:00 in Bishkek
DETAILS = {
    1: {"admitted": True, "reason": "<b>complete</b>"},
    # A report's due time moved (bot/reporting.py stores both moments as ISO text in UTC).
    2: {"from": "2026-06-30T18:00:00+00:00", "to": "2026-07-15T18:00:00+00:00", "note": "T-1"},
}


async def _events(db: Database, call, staff_telegram_id: int, count: int) -> int:
    async with db.session() as session:
        staff = await get_user(session, telegram_id=staff_telegram_id)
        for index in range(count):
            record(
                session,
                action="selection.admit" if index else "commission.assign",
                actor_user_id=staff.id if index % 5 else None,
                municipality_id=call.municipality_id,
                competition_id=call.id,
                subject=f"submission:{index + 1}",
                details=DETAILS.get(index, {}),
                at=START + timedelta(minutes=index),
            )
        await session.commit()
    return staff.id


async def test_a_platform_admin_reads_a_calls_audit_trail_page_by_page(
    sandbox: SandboxClient, seeded_database: Database, bot
) -> None:
    db = seeded_database
    call = await published_call(db, "karakol", "migrant-children", "Support for children")
    await make_staff(db, 48_001, "karakol")
    staff_id = await _events(db, call, 48_001, 25)
    bot.bot_data["services"].settings.platform_admin_ids.append(48_002)
    admin = sandbox.user(48_002, first_name="Admin", language_code="en")

    await admin.send(f"/audit {call.id}")
    page = messages(await settle(admin))[0]
    lines = page.text.split("\n")
    assert lines[0] == plain(
        t(
            "en",
            "audit-title",
            title="Support for children",
            municipality="Karakol Mayor's Office",
            id=call.id,
            zone="Asia/Bishkek",
        )
    )
    assert lines[1] == "02.03.2026 10:00 · the bot · commission.assign · submission:1"
    assert lines[2] == (
        f"02.03.2026 10:01 · user {staff_id} (staff member) · selection.admit · submission:2"
    )
    # Details are shown as data, their markup escaped.
    assert lines[3].strip() == '{"admitted": true, "reason": "<b>complete</b>"}'
    # Moments in the details are in the municipality's time too, like the event's own.
    assert (
        lines[5].strip() == '{"from": "01.07.2026 00:00", "note": "T-1", "to": "16.07.2026 00:00"}'
    )
    assert sum(" · selection.admit" in line or "commission" in line for line in lines) == 20
    assert page.buttons == [[t("en", "audit-more")]]
    await admin.click(t("en", "audit-more"), message_id=page.message_id)
    rest = messages(await settle(admin, answers=1))[0]
    assert rest.text.split("\n")[1].startswith("02.03.2026 10:20")
    assert rest.text.split("\n")[-1].startswith("02.03.2026 10:24")
    assert rest.buttons == []
    # A page far beyond the end (a forged offset) is just empty: one page is read, not all.
    await admin.click_data(page.message_id, f"au:{call.id}:999980")
    beyond = messages(await settle(admin, answers=1))[0]
    assert t("en", "audit-empty") in beyond.text and beyond.buttons == []

    # The municipality's own staff may read it too (audit.view); others may not.
    staff = sandbox.user(48_001, first_name="Staff", language_code="en")
    await staff.send(f"/audit {call.id}")
    assert messages(await settle(staff))[0].text.startswith("🧾 Audit trail")
    await make_staff(db, 48_003, "batken")
    outsider = sandbox.user(48_003, first_name="Outsider", language_code="en")
    await outsider.send(f"/audit {call.id}")
    assert messages(await settle(outsider))[0].text == t("en", "audit-not-found", id=call.id)
    await outsider.click_data(page.message_id, f"au:{call.id}:20")
    events = await settle(outsider, messages=0, answers=1)
    assert messages(events) == []
    # An NCO (no role anywhere) and bad arguments.
    nobody = sandbox.user(48_004, first_name="NCO", language_code="ru")
    await nobody.send(f"/audit {call.id}")
    assert messages(await settle(nobody))[0].text == t("ru", "audit-not-found", id=call.id)
    for bad in ("/audit", "/audit abc", "/audit 0", f"/audit {call.id} {call.id}", "/audit -1"):
        await admin.send(bad)
        assert messages(await settle(admin))[0].text == t("en", "audit-usage"), bad
    await admin.send("/audit 99999")
    assert messages(await settle(admin))[0].text == t("en", "audit-not-found", id=99999)


async def test_a_call_without_events_says_so(
    sandbox: SandboxClient, seeded_database: Database, bot
) -> None:
    call = await published_call(seeded_database, "batken", "waste", "Clean streets")
    bot.bot_data["services"].settings.platform_admin_ids.append(48_010)
    admin = sandbox.user(48_010, first_name="Admin", language_code="ky")
    await admin.send(f"/audit {call.id}")
    page = messages(await settle(admin))[0]
    assert page.text.split("\n")[1] == t("ky", "audit-empty")
