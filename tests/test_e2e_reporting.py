"""End to end over the stand-in: an awarded NCO files a report in the chat (answers, documents,
photos with a location), staff open it with its files, ask for changes, the NCO revises it and
staff accept it; the table per call (and its XLSX); extensions; reminders with their buttons;
and the bad inputs: malformed numbers, refused files, another NCO's report, a report after
acceptance, an extension into the past."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar
import openpyxl
import pytest
from sqlmodel import select

from bot.i18n import t
from sandbox import SandboxClient, SandboxUser
from storage.db import Database
from storage.models import AuditEvent, OutboxMessage, ReportDue, ReportFile
from storage.types import utcnow
from tests import samples
from tests.flows import messages, plain, settle
from tests.reporting_flows import STAFF, decided_call, reports_of

pytestmark = pytest.mark.usefixtures("bot")

BISHKEK = ZoneInfo("Asia/Bishkek")
TITLE = "Youth centres"
OUTBOX_WAIT = 20  # seconds: messages through the outbox on a loaded machine


async def outbox_idle(db: Database) -> None:
    """Wait until the outbox has nothing queued (the decision's messages are handled)."""
    for _ in range(2000):
        async with db.session() as session:
            waiting = await session.exec(
                select(OutboxMessage).where(OutboxMessage.status.in_(("queued", "sending")))
            )
            if not waiting.all():
                return
        await asyncio.sleep(0.01)
    raise AssertionError("the outbox did not drain")


async def scene_with_chats(db: Database, sandbox: SandboxClient, *, winners: int = 1):
    scene = await decided_call(db, reporting={"kind": "final"}, winners=winners, languages=("en",))
    await outbox_idle(db)  # the decision went to chats that did not exist yet
    users = [sandbox.user(w.telegram_id, first_name=f"NCO{i}") for i, w in enumerate(scene.winners)]
    staff = sandbox.user(STAFF, first_name="Staff", language_code="en")
    for user in (*users, staff):
        await user.send("/help")
        await settle(user)
    return scene, users, staff


def button(events: list, label: str) -> tuple[int, str]:
    """The message id and callback data of the button labelled `label` (latest first)."""
    for event in reversed(events):
        if label in event.button_data:
            return event.message_id, event.button_data[label]
    raise AssertionError(f"no button {label!r} in {[e.buttons for e in events]}")


async def tap(user: SandboxUser, events: list, label: str, **expected: int) -> list:
    message_id, data = button(events, label)
    await user.click_data(message_id, data)
    return await settle(user, **({"messages": 1, "answers": 1} | expected))


async def say(user: SandboxUser, text: str, messages_: int = 1) -> list:
    await user.send(text)
    return messages(await settle(user, messages=messages_))


async def file_through_the_dialogue(nco: SandboxUser, start: list, *, spent: str) -> list:
    """From the File/Revise button to the receipt, with good answers and one document."""
    asked = messages(await tap(nco, start, t("en", start_label(start))))
    assert t("en", "rep-ask-text", minimum=20, maximum=3000) in asked[-1].text
    await say(nco, "Opened the youth centre; three clubs meet twice a week.")
    await say(nco, "85")
    files = await say(nco, spent)
    await nco.upload_document("lists-2.pdf", samples.PDF + b"% lists\n", "application/pdf")
    accepted = messages(await settle(nco))
    summary = messages(await tap(nco, accepted or files, t("en", "rep-files-done")))
    return messages(await tap(nco, summary, t("en", "rep-send")))


def start_label(events: list) -> str:
    labels = {label for event in events for label in event.button_data}
    return "rep-revise" if t("en", "rep-revise") in labels else "rep-file-button"


async def test_file_review_revise_accept_with_files_and_a_location(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    db = seeded_database
    scene, [nco], staff = await scene_with_chats(db, sandbox)
    [report] = await reports_of(db)

    # /reports: the report owed, with a button.
    await nco.send("/reports")
    [listing] = messages(await settle(nco))
    assert "Final report" in listing.text and TITLE in listing.text
    card = messages(await tap(nco, [listing], f"📝 {t('en', 'rep-name-final')} · {TITLE}"))
    assert t("en", "rep-state-due") in card[0].text
    assert card[0].button_data[t("en", "calendar-button")] == f"rp:cal:{report.id}"

    # The calendar file: the due moment in Karakol's time.
    [ics_message] = messages(await tap(nco, card, t("en", "calendar-button")))
    [event] = icalendar.Calendar.from_ical(
        await sandbox.download(ics_message.document["url"])
    ).walk("VEVENT")
    assert event.decoded("dtstart").astimezone(BISHKEK).hour == 18
    assert event.decoded("dtstart") == report.due_at

    # The questions, with malformed answers refused politely.
    asked = messages(await tap(nco, card, t("en", "rep-file-button")))
    assert asked[-1].text.startswith(t("en", "rep-step", number=1, total=4, report="Final report"))
    [refusal] = await say(nco, "ok")
    assert refusal.text == t("en", "invalid-too-short", minimum=20)
    await say(nco, "Opened the youth centre; three clubs meet twice a week.")
    [refusal] = await say(nco, "many")
    assert refusal.text == t("en", "rep-invalid-whole-number")
    await say(nco, "1 200")
    [refusal] = await say(nco, "-5")
    assert refusal.text == t("en", "rep-invalid-negative")
    [refusal] = await say(nco, "150000")
    assert refusal.text == t("en", "rep-spent-above-award", remaining=100_000)
    [files_prompt] = await say(nco, "30 000 сом")
    assert "Attached so far: 0" in files_prompt.text

    # Files: a program is refused, a location before any photo is refused, then accepted.
    await nco.upload_document("report.pdf", samples.EXE, "application/pdf")
    [refusal] = messages(await settle(nco))
    assert refusal.text == t("en", "doc-executable")
    await nco.share_location(42.4907, 78.3936)
    [refusal] = messages(await settle(nco))
    assert refusal.text == t("en", "rep-location-needs-photo")
    await nco.upload_document("lists.pdf", samples.PDF, "application/pdf")
    messages_ = messages(await settle(nco))
    await nco.upload_photo("club.jpg", samples.JPEG)
    messages_ += messages(await settle(nco))
    await nco.send("Here are the photos")
    [hint] = messages(await settle(nco))
    assert hint.text == t("en", "rep-need-file")
    await nco.share_location(42.4907, 78.3936)
    [located] = messages(await settle(nco))
    assert located.text == plain(t("en", "rep-location-saved", count=1))

    summary = messages(await tap(nco, messages_, t("en", "rep-files-done")))
    assert "documents 1, photos 1 (with a location: 1)" in summary[0].text
    assert "1,200" in summary[0].text and "30,000" in summary[0].text
    [receipt] = messages(await tap(nco, summary, t("en", "rep-send")))
    assert receipt.text == t("en", "rep-filed", report="Final report", title=TITLE)
    # A second tap on Send (the same old button): refused, nothing filed twice.
    await nco.click_data(summary[0].message_id, f"rp:send:{report.id}")
    [answer] = await settle(nco, messages=0, answers=1)
    assert answer.show_alert and answer.text == t("en", "rep-already-filed")

    # Staff are told through the outbox and open the report with its files.
    [notice] = messages(await settle(staff, timeout=OUTBOX_WAIT))
    assert "has filed Final report" in notice.text
    opened = messages(await tap(staff, [notice], t("en", "rep-open"), messages=3))
    assert "1,200" in opened[0].text and t("en", "rep-state-filed") in opened[0].text
    assert opened[1].document is not None and opened[2].photo is not None
    assert "📍" in opened[2].text and "42.49070, 78.39360" in opened[2].text

    # Changes asked for, with a comment: the NCO hears it and revises.
    prompt = messages(await tap(staff, opened, t("en", "rep-request-changes")))
    assert prompt[-1].text == t("en", "rep-ask-comment", when="x", zone="y")
    [refusal] = await say(staff, "ok")
    assert refusal.text == t("en", "invalid-too-short", minimum=5)
    done = await say(staff, "Please attach the attendance lists.", messages_=2)
    assert done[0].text == t(
        "en",
        "rep-changes-done",
        organization=f"NCO number {scene.winners[0].telegram_id}",
        report="Final report",
    )
    [sent_back] = messages(await settle(nco, timeout=OUTBOX_WAIT))
    assert "Please attach the attendance lists." in sent_back.text
    await file_through_the_dialogue(nco, [sent_back], spent="40000")

    # Accepted: the NCO is told; the old Revise button is refused.
    [notice] = messages(await settle(staff, timeout=OUTBOX_WAIT))
    opened = messages(await tap(staff, [notice], t("en", "rep-open"), messages=4))
    accepted = messages(await tap(staff, opened, t("en", "rep-accept"), messages=2))
    assert accepted[0].text.startswith("✅")
    assert "Accepted: 1" in accepted[1].text
    [thanks] = messages(await settle(nco, timeout=OUTBOX_WAIT))
    assert thanks.text == t("en", "rep-nco-accepted", report="Final report", title=TITLE)
    await nco.click_data(sent_back.message_id, f"rp:file:{report.id}")
    [answer] = await settle(nco, messages=0, answers=1)
    assert answer.show_alert and answer.text == t("en", "rep-already-accepted")

    async with db.session() as session:
        row = await session.get(ReportDue, report.id)
        files = (await session.exec(select(ReportFile).order_by(ReportFile.id))).all()
        actions = (
            await session.exec(select(AuditEvent.action).where(AuditEvent.action.like("report.%")))
        ).all()
    assert (row.status, row.revision, row.spent, row.beneficiaries) == ("accepted", 2, 40_000, 85)
    assert [(f.revision, f.category, f.latitude) for f in files] == [
        (1, "document", None),
        (1, "photo", 42.4907),
        (2, "document", None),
    ]
    assert actions == ["report.file", "report.changes", "report.file", "report.accept"]

    # The table per call, in the chat and as XLSX.
    table = messages(await tap(staff, accepted, t("en", "rep-table-xlsx")))
    book = openpyxl.load_workbook(io.BytesIO(await sandbox.download(table[0].document["url"])))
    rows = list(book.active.values)
    assert rows[0][0] == t("en", "rep-xlsx-organization")
    assert rows[1][1] == "Final report" and rows[1][5] == t("en", "rep-state-accepted")


@pytest.mark.bad_input
async def test_another_ncos_report_and_an_extension_into_the_past(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    db = seeded_database
    scene, [first, second], staff = await scene_with_chats(db, sandbox, winners=2)
    theirs = (await reports_of(db, award_id=scene.awards[1].id))[0]

    # The first NCO forges buttons naming the second NCO's report: refused, nothing opens.
    anchor = (await first.transcript())[-1]["message_id"]
    for action in ("open", "file", "done", "send", "cal"):
        await first.click_data(anchor, f"rp:{action}:{theirs.id}")
        [answer] = await settle(first, messages=0, answers=1)
        assert answer.show_alert and answer.text == t("en", "button-stale"), action
    # ... nor the staff-only actions, as an NCO.
    for action in ("view", "ok", "chg", "ext"):
        await first.click_data(anchor, f"rp:{action}:{theirs.id}")
        [answer] = await settle(first, messages=0, answers=1)
        assert answer.text == t("en", "button-stale"), action
    await first.click_data(anchor, "rp:file:999999999")
    [answer] = await settle(first, messages=0, answers=1)
    assert answer.text == t("en", "button-stale")

    # Staff extend the second NCO's report: a past date and a malformed one are refused.
    await staff.send("/reports")
    [calls] = messages(await settle(staff))
    table = messages(await tap(staff, [calls], TITLE))
    assert "Due: 2" in table[0].text
    label = next(
        text
        for text in table[0].button_data
        if f"NCO number {scene.winners[1].telegram_id}" in text
    )
    opened = messages(await tap(staff, table, label))
    await tap(staff, opened, t("en", "rep-extend"))
    [refusal] = await say(staff, "01.01.2020")
    assert refusal.text == t("en", "rep-extension-past")
    [refusal] = await say(staff, "31.02.2031")
    assert refusal.text == t("en", "invalid-date")
    new_day = (theirs.due_at + timedelta(days=20)).astimezone(BISHKEK)
    [reason] = await say(staff, new_day.strftime("%d.%m.%Y"))
    assert "Why is it extended?" in reason.text
    done = await say(staff, "The office was flooded in May.", messages_=2)
    assert done[0].text.startswith("🗓")
    [told] = messages(await settle(second, timeout=OUTBOX_WAIT))
    assert "The office was flooded in May." in told.text
    assert new_day.strftime("%d.%m.%Y 18:00") in told.text
    async with db.session() as session:
        row = await session.get(ReportDue, theirs.id)
    assert row.due_at.astimezone(BISHKEK).date() == new_day.date()
    assert [e["reason"] for e in row.extensions] == ["The office was flooded in May."]


async def test_a_report_reminder_arrives_and_opens_the_dialogue(
    bot, sandbox: SandboxClient, seeded_database: Database
) -> None:
    db = seeded_database
    _, [nco], _ = await scene_with_chats(db, sandbox)
    [report] = await reports_of(db)
    worker = bot.bot_data["reminders"]
    done = await worker.run_until_idle(now=report.due_at - timedelta(days=7) + timedelta(seconds=5))
    assert done == {"sent": 1}
    [reminder] = messages(await settle(nco, timeout=OUTBOX_WAIT))
    assert "7 days" in reminder.text and "Final report" in reminder.text
    assert reminder.buttons == [
        [t("en", "rep-file-button")],
        [t("en", "calendar-button")],
        [t("en", "reminder-mute")],
    ]
    asked = messages(await tap(nco, [reminder], t("en", "rep-file-button")))
    assert t("en", "rep-ask-text", minimum=20, maximum=3000) in asked[-1].text

    # /calendar has the report's due date.
    await nco.send("/cancel")
    await settle(nco)
    await nco.send("/calendar")
    [sent] = messages(await settle(nco))
    events = icalendar.Calendar.from_ical(await sandbox.download(sent.document["url"])).walk(
        "VEVENT"
    )
    assert [str(e["uid"]) for e in events] == [f"report-{report.id}@ssp-bot"]
    assert utcnow() < report.due_at
