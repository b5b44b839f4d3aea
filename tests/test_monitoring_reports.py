"""Reports in the monitoring overview: due, overdue, awaiting review and accepted, per
municipality and per call, in the overview text, its XLSX and the weekly digest, and through the
bot for a consultant. The awards and their report-due rows are made by the real selection code
(tests/reporting_flows.py); the states are set on the rows with an injected clock."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.i18n import t
from bot.monitoring import overview_text, overview_xlsx, send_due_digests
from sandbox import SandboxClient
from storage.db import Database
from storage.models import DigestPreference, OutboxMessage, ReportDue
from storage.queries.monitoring import Reports, call_figures, place_figures
from storage.queries.places import get_municipality
from storage.queries.users import get_or_create_user
from storage.types import utcnow
from tests.flows import make_staff, messages, plain, settle
from tests.reporting_flows import decided_call, reports_of

openpyxl = pytest.importorskip("openpyxl", reason="openpyxl is not installed: pip install -e .")

KARAKOL, BATKEN = "Karakol Mayor's Office", "Batken Mayor's Office"
KOCHKOR = "Kochkor-Ata Mayor's Office"


async def _scene(db: Database, now) -> dict:
    """Karakol: a call with two awards; of their reports one is filed and one accepted (both
    past their due moment: neither is overdue), one sent back and two due are past their due
    moment (overdue), the rest due later. Batken: a call with one award, every report due later.
    Kochkor-Ata: no awards."""
    karakol = await decided_call(db, winners=2, first_telegram_id=48_001, staff_telegram_id=48_100)
    batken = await decided_call(
        db, slug="batken", winners=1, first_telegram_id=48_201, staff_telegram_id=48_300
    )
    rows = await reports_of(db)
    mine = [row for row in rows if row.competition_id == karakol.call.id]
    theirs = [row for row in rows if row.competition_id == batken.call.id]
    assert len(mine) >= 6, "the quarterly schedule gives each award several reports"
    changes = [
        ("filed", now - timedelta(days=3)),
        ("accepted", now - timedelta(days=30)),
        ("changes_requested", now - timedelta(days=1)),
        ("due", now - timedelta(days=2)),
        ("due", now - timedelta(seconds=1)),
        ("due", now),  # due this very moment: not yet overdue
    ]
    async with db.session() as session:
        for row, (status, due_at) in zip(mine, changes, strict=False):
            stored = await session.get(ReportDue, row.id)
            stored.status, stored.due_at = status, due_at
            session.add(stored)
        await session.commit()
    async with db.session() as session:
        places = {
            slug: await get_municipality(session, slug=slug)
            for slug in ("batken", "karakol", "kochkor-ata")
        }
    return {
        "places": places,
        "karakol_call": karakol.call.id,
        "karakol": Reports(due=len(mine) - 5, overdue=3, filed=1, accepted=1),
        "batken": Reports(due=len(theirs)),
    }


def _line(reports: Reports) -> str:
    return t(
        "en",
        "mon-reports",
        due=reports.due,
        overdue=reports.overdue,
        filed=reports.filed,
        accepted=reports.accepted,
    )


async def test_reports_are_counted_per_municipality_and_per_call(seeded_database) -> None:
    db = seeded_database
    now = utcnow()
    scene = await _scene(db, now)
    places = scene["places"]
    async with db.session() as session:
        figures = await place_figures(
            session, municipality_ids=[p.id for p in places.values()], now=now
        )
        calls = await call_figures(session, municipality_id=places["karakol"].id, now=now)
        later = await place_figures(
            session, municipality_ids=[places["karakol"].id], now=now + timedelta(seconds=1)
        )
    assert figures[places["karakol"].id].reports == scene["karakol"]
    assert figures[places["batken"].id].reports == scene["batken"]  # kept apart
    assert figures[places["kochkor-ata"].id].reports == Reports()
    [call] = calls
    assert call.reports == scene["karakol"]
    # A second later the report due "now" is overdue too.
    moved = scene["karakol"]
    assert later[places["karakol"].id].reports == Reports(
        due=moved.due - 1, overdue=moved.overdue + 1, filed=1, accepted=1
    )


async def test_the_overview_text_xlsx_and_digest_show_the_reports(
    seeded_database, make_settings
) -> None:
    db = seeded_database
    now = utcnow()
    scene = await _scene(db, now)
    places = [scene["places"][slug] for slug in ("batken", "karakol", "kochkor-ata")]
    async with db.session() as session:
        text = await overview_text(session, places, "en", now=now)
        workbook = await overview_xlsx(session, places, "en", now=now)
    blocks = {block.split("\n")[0]: block for block in plain(text).split("\n\n")[1:]}
    assert _line(scene["karakol"]) in blocks[KARAKOL].split("\n")
    assert _line(scene["batken"]) in blocks[BATKEN].split("\n")
    assert "Reports:" not in blocks[KOCHKOR]  # no awards, no reports line

    book = openpyxl.load_workbook(io.BytesIO(workbook))
    rows = list(book["Municipalities"].iter_rows(values_only=True))
    header = rows[0]
    start = header.index("Reports due")
    assert header[start : start + 4] == (
        "Reports due",
        "Reports overdue",
        "Reports awaiting review",
        "Reports accepted",
    )
    by_place = {row[0]: row[start : start + 4] for row in rows[1:]}
    expected = scene["karakol"]
    assert by_place[KARAKOL] == (expected.due, expected.overdue, 1, 1)
    assert by_place[BATKEN] == (scene["batken"].due, 0, 0, 0)
    calls = list(book["Calls"].iter_rows(values_only=True))
    first = calls[0].index("Reports due")
    [karakol_call] = [row for row in calls[1:] if row[1] == scene["karakol_call"]]
    assert karakol_call[first : first + 4] == (expected.due, expected.overdue, 1, 1)
    # Statuses as the reader's language names them, not the stored codes.
    status = calls[0].index(t("en", "mon-col-status"))
    labels = {t("en", f"status-{code}") for code in ("published", "closed", "decided")}
    assert {row[status] for row in calls[1:]} <= labels
    assert karakol_call[status] == t("en", "status-decided")

    # The weekly digest of a consultant of Karakol carries the same line.
    settings = make_settings()
    await make_staff(db, 48_500, "karakol", role="consultant")
    local = now.astimezone(settings.zone)
    async with db.session() as session:
        consultant, _ = await get_or_create_user(session, telegram_id=48_500)
        session.add(
            DigestPreference(user_id=consultant.id, weekday=local.weekday(), hour=local.hour)
        )
        await session.commit()
    assert await send_due_digests(db, settings=settings, now=now) == 1
    async with db.session() as session:
        digest = (
            await session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == 48_500))
        ).one()
    assert _line(scene["karakol"]) in digest.text.split("\n")
    assert BATKEN not in digest.text


async def test_a_consultant_sees_the_reports_in_the_bot(
    sandbox: SandboxClient, seeded_database: Database, bot
) -> None:
    db = seeded_database
    scene = await _scene(db, utcnow())
    # The bot reads its own clock, after the scene's: the report due "now" is overdue by then.
    before = scene["karakol"]
    seen = Reports(due=before.due - 1, overdue=before.overdue + 1, filed=1, accepted=1)
    await make_staff(db, 48_600, "karakol", role="consultant")
    consultant = sandbox.user(48_600, first_name="Consultant", language_code="en")
    await consultant.send("/overview")
    overview = messages(await settle(consultant))[0]
    assert _line(seen) in overview.text.split("\n")
    await consultant.click(KARAKOL, message_id=overview.message_id)
    place = messages(await settle(consultant, answers=1))[0]
    assert _line(seen) in place.text.split("\n")
    [[label]] = place.buttons
    await consultant.click(label, message_id=place.message_id)
    call = messages(await settle(consultant, answers=1))[0]
    assert _line(seen) in call.text.split("\n")
