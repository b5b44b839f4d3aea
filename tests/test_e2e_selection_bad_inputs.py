"""The bad inputs of selection, over the stand-in: scores outside the range or for a criterion
that does not exist, scoring after a recusal, non-members and other municipalities' commission
members opening applications or their documents, forged staff buttons from another
municipality (exports included); and documents re-sent by file id or from the file store."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import select

from bot import selection
from bot.context import services_of
from bot.i18n import t
from sandbox import SandboxClient, StandIn
from storage.db import Database
from storage.models import AuditEvent, Competition, Review, Submission
from tests.flows import choose, messages, settle
from tests.selection_flows import applicant, closed_call, pdf, role, store_file

pytestmark = pytest.mark.bad_input

TITLE = "Youth centres"


async def admitted_call(db: Database, standin: StandIn, store_root: Path):
    """Two admitted applications; A has a file Telegram knows and one only the store has."""
    call = await closed_call(db, title=TITLE)
    known = standin.world.add_file(pdf(1), "document", "form.pdf", "application/pdf")
    forgotten = pdf(2)
    store_file(store_root, forgotten)
    a = await applicant(
        db,
        call,
        telegram_id=62_001,
        language="en",
        number=1,
        requested=100_000,
        documents=[("application_form", known.file_id, pdf(1)), ("budget", "gone", forgotten)],
    )
    b = await applicant(db, call, telegram_id=62_002, language="en", number=2, requested=90_000)
    staff = await role(db, 62_100, "karakol", "staff")
    now = datetime.now(UTC)
    async with db.session() as session:
        call = await session.get(Competition, call.id)
        for person in (a, b):
            await selection.decide_admissibility(
                session,
                call=call,
                submission=await session.get(Submission, person.submission_id),
                admitted=True,
                reason=None,
                by_user_id=staff,
                now=now,
                default_language="en",
            )
    return call, a, b, staff


async def assign(db: Database, call: Competition, member: int, staff: int) -> None:
    """Put the commission member on the call, as staff do."""
    async with db.session() as session:
        call = await session.get(Competition, call.id)
        await selection.toggle_member(
            session, call=call, member_user_id=member, by_user_id=staff, now=datetime.now(UTC)
        )


async def refused(user, message_id: int, data: str, key: str = "button-stale") -> None:
    await user.click_data(message_id, data)
    answer = await user.next_reply()
    assert (answer.kind, answer.text) == ("callback_answer", t("en", key)), data


async def test_commission_bad_inputs_and_documents(
    sandbox: SandboxClient, standin: StandIn, seeded_database: Database, bot
) -> None:
    db = seeded_database
    store_root = Path(services_of(bot).settings.file_store_dir)
    call, a, b, staff = await admitted_call(db, standin, store_root)
    known_id = next(iter(standin.world.files))
    member = await role(db, 62_200, "karakol", "commission")
    await role(db, 62_201, "karakol", "commission")  # not assigned to the call
    await role(db, 62_202, "batken", "commission")  # another municipality's commission
    await assign(db, call, member, staff)

    one = sandbox.user(62_200, first_name="Member", language_code="en")
    await one.send("/review")
    await one.next_reply()
    sheet = await choose(one, f"{t('en', 'status-closed')} · {TITLE}")
    await choose(one, sheet[0].buttons[0][0])  # A: the declaration comes first
    # Scoring before declaring is refused.
    await refused(
        one, sheet[0].message_id, f"cm:crit:{a.submission_id}:relevance", "sel-declare-first"
    )
    await one.click(t("en", "sel-coi-none"))
    opened = messages(await settle(one))[0]

    # A score outside the range, not a number, then a good one with a comment.
    await choose(one, opened.buttons[1][0])
    for typed, key in (
        ("11", "sel-score-range"),
        ("-2", "sel-score-range"),
        ("abc", "sel-score-not-number"),
        ("7.5", "sel-score-whole"),
    ):
        await one.send(typed)
        reply = messages(await settle(one))[0]
        assert reply.text == t("en", key, minimum=0, maximum=10), typed
    await one.send("8 Clear plan")
    saved = messages(await settle(one, messages=2))
    assert saved[0].text == t("en", "sel-score-saved")
    # A criterion that does not exist.
    await refused(
        one, opened.message_id, f"cm:crit:{a.submission_id}:nope", "sel-no-such-criterion"
    )

    # Documents: the first by its Telegram file id, the second from the file store.
    await one.click(t("en", "sel-documents"), message_id=saved[1].message_id)
    files = messages(await settle(one, messages=2))
    assert await sandbox.download(files[0].document["url"]) == pdf(1)
    assert await sandbox.download(files[1].document["url"]) == pdf(2)
    assert files[1].document["file_name"] == "budget-1.pdf"
    sends = (await sandbox.calls("sendDocument"))[-3:]
    # The known id is re-sent as it is; the forgotten one is refused, then the stored copy goes.
    assert [(c["ok"], c["params"]["document"]) for c in sends[:2]] == [
        (True, known_id),
        (False, "gone"),
    ]
    assert sends[2]["ok"] and sends[2]["params"]["document"]["size"] == len(pdf(2))

    # Recusing from B hides it; scoring or opening it afterwards is refused.
    await one.send("/review")
    await one.next_reply()
    sheet = await choose(one, f"{t('en', 'status-closed')} · {TITLE}")
    await choose(one, next(row[0] for row in sheet[0].buttons if b.reference in row[0]))
    await one.click(t("en", "sel-coi-recuse"))
    await settle(one, messages=2)
    for data in (
        f"cm:crit:{b.submission_id}:relevance",
        f"cm:sub:{b.submission_id}",
        f"cm:docs:{b.submission_id}",
        f"cm:coi:{b.submission_id}",
    ):
        await refused(one, opened.message_id, data, "sel-recused")

    # Not assigned, another municipality's commission, an NCO: nothing opens.
    for outsider_id in (62_201, 62_202, 62_009):
        outsider = sandbox.user(outsider_id, first_name="Outsider", language_code="en")
        await outsider.send("/review")
        assert (await outsider.next_reply()).text == t("en", "sel-no-assignments")
        for data in (
            f"cm:call:{call.id}",
            f"cm:sub:{a.submission_id}",
            f"cm:docs:{a.submission_id}",
            f"cm:coi:{a.submission_id}",
            f"cm:crit:{a.submission_id}:relevance",
            f"cm:sheet:{call.id}",
        ):
            await refused(outsider, opened.message_id, data)
        await outsider.expect_no_reply(within=0.2)

    async with db.session() as session:
        reviews = (await session.exec(select(Review).order_by(Review.id))).all()
    assert [(r.submission_id, r.conflict, r.scores, r.comments) for r in reviews] == [
        (a.submission_id, "none", {"relevance": 8}, {"relevance": "Clear plan"}),
        (b.submission_id, "recused", {}, {}),
    ]


async def test_staff_of_another_municipality_and_exports(
    sandbox: SandboxClient, standin: StandIn, seeded_database: Database, bot
) -> None:
    db = seeded_database
    store_root = Path(services_of(bot).settings.file_store_dir)
    call, a, b, _ = await admitted_call(db, standin, store_root)
    await role(db, 62_300, "batken", "staff")
    batken = sandbox.user(62_300, first_name="Batken", language_code="en")
    await batken.send("/staff")
    home = await batken.next_reply()
    for data in (
        f"se:home:{call.id}",
        f"se:adm:{call.id}",
        f"se:sub:{a.submission_id}",
        f"se:ok:{a.submission_id}",
        f"se:no:{a.submission_id}",
        f"se:com:{call.id}",
        f"se:cm:{call.id}:u1",
        f"se:rmd:{call.id}",
        f"se:rank:{call.id}",
        f"se:win:{a.submission_id}",
        f"se:pub:{call.id}",
        f"se:pubok:{call.id}",
        f"se:xlsx:{call.id}",
        f"se:zip:{call.id}",
        f"se:open:{call.id}",
        "se:xlsx:999999",
        "se:nothing:1",
    ):
        await refused(batken, home.message_id, data)
    await batken.expect_no_reply(within=0.2)

    # Karakol's staff get the workbook, in their language, as a Telegram document.
    staff = sandbox.user(62_100, first_name="Staff", language_code="en")
    await staff.send("/staff")
    await staff.next_reply()
    await choose(staff, t("en", "staff-calls", municipality="Karakol Mayor's Office"))
    await choose(staff, f"{t('en', 'status-closed')} · {TITLE}")
    menu = (await choose(staff, t("en", "sel-open")))[0]
    await staff.click(t("en", "sel-export-xlsx"), message_id=menu.message_id)
    sent = messages(await settle(staff, answers=1))[0]
    assert sent.document["file_name"] == f"call-karakol-{call.id}.xlsx"
    content = await sandbox.download(sent.document["url"])
    path = Path(services_of(bot).settings.file_store_dir).parent / "got.xlsx"
    path.write_bytes(content)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == t("en", "exp-sheet-submissions")
    references = [row[0] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert references == [a.reference, b.reference]
    await staff.click(t("en", "sel-export-zip"), message_id=menu.message_id)
    archive = messages(await settle(staff, answers=1))[0]
    assert archive.document["file_name"] == f"call-karakol-{call.id}-documents.zip"
    await staff.click(t("en", "sel-export-open"), message_id=menu.message_id)
    opened = messages(await settle(staff, messages=2, answers=1))
    assert [m.document["file_name"] for m in opened] == [
        f"call-karakol-{call.id}-ocds.json",
        f"call-karakol-{call.id}-awards-360giving.csv",
    ]
    async with db.session() as session:
        exports = (
            await session.exec(select(AuditEvent).where(AuditEvent.action == "export.call"))
        ).all()
    assert [event.details["kinds"] for event in exports] == [["xlsx"], ["zip"], ["ocds", "csv"]]


async def test_only_the_municipality_commission_can_be_assigned(
    sandbox: SandboxClient, standin: StandIn, seeded_database: Database, bot
) -> None:
    db = seeded_database
    store_root = Path(services_of(bot).settings.file_store_dir)
    call, *_ = await admitted_call(db, standin, store_root)
    elsewhere = await role(db, 62_400, "batken", "commission")
    staff = sandbox.user(62_100, first_name="Staff", language_code="en")
    await staff.send("/help")
    help_ = await staff.next_reply()
    await refused(staff, help_.message_id, f"se:cm:{call.id}:u{elsewhere}", "sel-not-commission")
    async with db.session() as session:
        assigned = (await session.exec(select(AuditEvent))).all()
    assert [event.action for event in assigned] == ["selection.admit", "selection.admit"]


async def test_documents_are_not_sent_before_the_declaration(
    sandbox: SandboxClient, standin: StandIn, seeded_database: Database, bot
) -> None:
    """The card shows an application's documents button only after the member declared no
    conflict of interest; a forged "documents" button before that is refused, nothing sent."""
    db = seeded_database
    store_root = Path(services_of(bot).settings.file_store_dir)
    call, a, _, staff = await admitted_call(db, standin, store_root)
    member = await role(db, 62_400, "karakol", "commission")
    await assign(db, call, member, staff)
    one = sandbox.user(62_400, first_name="Member", language_code="en")
    await one.send("/review")
    anchor = (await one.next_reply()).message_id
    before = len(await sandbox.calls("sendDocument"))
    await one.click_data(anchor, f"cm:docs:{a.submission_id}")
    events = await settle(one, messages=0, answers=1, timeout=5)
    assert (await sandbox.calls("sendDocument"))[before:] == []
    assert [e.text for e in events if e.kind == "callback_answer"] == [t("en", "sel-declare-first")]


async def test_staff_cannot_open_a_draft_or_withdrawn_application_by_a_forged_button(
    sandbox: SandboxClient, standin: StandIn, seeded_database: Database, bot
) -> None:
    """An application its NCO withdrew (or a draft) is the NCO's own: the municipality's own
    staff get "button-stale" for every selection button naming it, and see nothing of it."""
    db = seeded_database
    store_root = Path(services_of(bot).settings.file_store_dir)
    _, _, b, _ = await admitted_call(db, standin, store_root)
    staff = sandbox.user(62_100, first_name="Staff", language_code="en")
    await staff.send("/staff")
    home = await staff.next_reply()
    for status in ("withdrawn", "draft"):
        async with db.session() as session:
            row = await session.get(Submission, b.submission_id)
            row.status = status
            session.add(row)
            await session.commit()
        for data in (
            f"se:sub:{b.submission_id}",
            f"se:ok:{b.submission_id}",
            f"se:no:{b.submission_id}",
            f"se:win:{b.submission_id}",
            f"se:dec:{b.submission_id}",
        ):
            await refused(staff, home.message_id, data)
        await staff.expect_no_reply(within=0.2)
