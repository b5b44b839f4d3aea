"""End to end over the stand-in: after the deadline staff check admissibility, assign a
commission of three (one recuses), the members score, staff see the ranking, award within the
budget and publish the decision once; every applicant hears the outcome in their language."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.formatting import number
from bot.i18n import t
from sandbox import SandboxClient
from storage.db import Database
from storage.models import Admissibility, AuditEvent, Award, CommissionAssignment, Competition
from tests.flows import answer, choose, messages, plain, settle
from tests.selection_flows import applicant, closed_call, pdf, role

pytestmark = pytest.mark.usefixtures("bot")

TITLE = "Youth centres"


async def open_selection(staff, title: str = TITLE) -> list:
    """/staff -> the municipality's calls -> the call -> Selection."""
    await staff.send("/staff")
    await staff.next_reply()
    await choose(staff, t("en", "staff-calls", municipality="Karakol Mayor's Office"))
    await choose(staff, f"{t('en', 'status-published')} · {title}")
    return await choose(staff, t("en", "sel-open"))


def next_label(events: list, reference: str) -> str:
    for event in events:
        for row in event.buttons:
            for label in row:
                if reference in label:
                    return label
    raise AssertionError(f"no button for {reference}")


async def answer_twice(user, text: str) -> list:
    await user.send(text)
    return messages(await settle(user, messages=2))


async def score_everything(member, call: Competition, references: list[str], scores: dict) -> None:
    """/review -> the call -> each application: declare, then one score per criterion."""
    await member.send("/review")
    await member.next_reply()
    sheet = await choose(member, f"{t('en', 'status-closed')} · {TITLE}")
    for reference in references:
        label = next_label(sheet, reference)
        await choose(member, label)
        await member.click(t("en", "sel-coi-none"))
        opened = messages(await settle(member))
        for key, value in scores[reference].items():
            name = {"relevance": "Relevance", "capacity": "Capacity"}[key]
            button = next_label(opened, name + " (")
            await choose(member, button)
            await member.send(str(value))
            opened = messages(await settle(member, messages=2))
        await member.click(t("en", "sel-back"))
        sheet = messages(await settle(member))


async def test_admissibility_commission_ranking_and_decision(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    db = seeded_database
    call = await closed_call(db)
    docs = [("application_form", "gone-1", pdf(1)), ("budget", "gone-2", pdf(2))]
    a = await applicant(
        db, call, telegram_id=61_001, language="ky", number=1, requested=200_000, documents=docs
    )
    b = await applicant(
        db, call, telegram_id=61_002, language="ru", number=2, requested=180_000, documents=docs
    )
    c = await applicant(
        db, call, telegram_id=61_003, language="en", number=3, requested=150_000, documents=docs
    )
    d = await applicant(db, call, telegram_id=61_004, language="en", number=4, requested=100_000)
    ncos = {x.reference: sandbox.user(x.telegram_id, first_name="NCO") for x in (a, b, c, d)}
    for nco in ncos.values():
        await nco.send("/help")
        await nco.next_reply()
    staff_id = await role(db, 61_100, "karakol", "staff")
    members = [await role(db, 61_200 + i, "karakol", "commission") for i in range(3)]
    staff = sandbox.user(61_100, first_name="Staff", language_code="en")

    # Admissibility: the incomplete application D is flagged by the checklist and refused.
    home = await open_selection(staff)
    assert plain(t("en", "sel-home-counts", submitted=4, admitted=0, refused=0, pending=4)) in (
        home[0].text
    )
    await staff.click(t("en", "sel-admissibility"))
    listing = messages(await settle(staff))
    for applicant_ in (a, b, c):
        await choose(staff, next_label(listing, applicant_.reference))
        await staff.click(t("en", "sel-admit"))
        replies = messages(await settle(staff, messages=2))
        assert replies[0].text == t("en", "sel-admitted-done", reference=applicant_.reference)
        listing = replies[1:]
    card = await choose(staff, next_label(listing, d.reference))
    assert t("en", "apply-documents-missing") in card[0].text
    await choose(staff, t("en", "sel-not-admit"))
    await staff.send("No budget and no application form were attached.")
    done = messages(await settle(staff, messages=2))
    assert done[0].text == t("en", "sel-not-admitted-done", reference=d.reference)

    told = await ncos[d.reference].next_reply(timeout=15)
    assert told.text == plain(
        t(
            "en",
            "sel-nco-not-admitted",
            reference=d.reference,
            title=TITLE,
            reason="No budget and no application form were attached.",
        )
    )
    told = await ncos[a.reference].next_reply(timeout=15)
    assert told.text == plain(
        t("ky", "sel-nco-admitted", reference=a.reference, title=TITLE + " (ky)")
    )
    async with db.session() as session:
        rows = (await session.exec(select(Admissibility))).all()
        status = (await session.get(Competition, call.id)).status
    assert sorted(row.admitted for row in rows) == [False, True, True, True]
    assert status == "closed"

    # The commission: three members assigned; the third recuses from B.
    await staff.send("/staff")
    await staff.next_reply()
    await choose(staff, t("en", "staff-calls", municipality="Karakol Mayor's Office"))
    await choose(staff, f"{t('en', 'status-closed')} · {TITLE}")
    await choose(staff, t("en", "sel-open"))
    await choose(staff, t("en", "sel-commission"))
    for telegram_id in (61_200, 61_201, 61_202):
        await staff.click("▫️ " + t("en", "sel-member-label", id=str(telegram_id)))
        await settle(staff, messages=0, answers=1, edits=1)
    async with db.session() as session:
        assigned = (await session.exec(select(CommissionAssignment))).all()
    assert sorted(row.user_id for row in assigned) == sorted(members)

    one, two, three = (sandbox.user(61_200 + i, first_name="Member") for i in range(3))
    refs = [a.reference, b.reference, c.reference]
    await score_everything(
        one,
        call,
        refs,
        {
            a.reference: {"relevance": 9, "capacity": 5},
            b.reference: {"relevance": 6, "capacity": 3},
            c.reference: {"relevance": 7, "capacity": 4},
        },
    )
    await score_everything(
        two,
        call,
        refs,
        {
            a.reference: {"relevance": 8, "capacity": 4},
            b.reference: {"relevance": 8, "capacity": 4},
            c.reference: {"relevance": 5, "capacity": 2},
        },
    )
    # Member three recuses from B: it disappears from their sheet.
    await three.send("/review")
    await three.next_reply()
    sheet = await choose(three, f"{t('en', 'status-closed')} · {TITLE}")
    await choose(three, next_label(sheet, b.reference))
    await three.click(t("en", "sel-coi-recuse"))
    after = messages(await settle(three, messages=2))
    assert after[0].text == t("en", "sel-recused-done", reference=b.reference)
    assert not any(b.reference in label for row in after[1].buttons for label in row)
    await score_everything(
        three,
        call,
        [a.reference, c.reference],
        {
            a.reference: {"relevance": 10, "capacity": 5},
            c.reference: {"relevance": 6, "capacity": 3},
        },
    )

    # Staff see progress; a reminder goes to those who have not submitted (all three here).
    await choose(staff, t("en", "sel-back"))
    progress = await choose(staff, t("en", "sel-commission"))
    assert (
        plain(
            t(
                "en",
                "sel-progress-line",
                member=t("en", "sel-member-label", id="61202"),
                scored=3,
                total=3,
            )
        )
        in progress[0].text
    )
    await staff.click(t("en", "sel-remind"))
    alert = (await settle(staff, messages=0, answers=1))[0]
    assert alert.text == t("en", "sel-reminded", count=3)
    for member in (one, two, three):
        reminder = await member.next_reply(timeout=15)
        assert reminder.text.startswith("🔔")

    for member in (one, two, three):
        await member.send("/review")
        await member.next_reply()
        await choose(member, f"{t('en', 'status-closed')} · {TITLE}")
        await member.click(t("en", "sel-submit-sheet"))
        submitted = messages(await settle(member))
        assert submitted[0].text == t("en", "sel-sheet-submitted")

    # Ranking: weighted averages (relevance 60 % of 10, capacity 40 % of 5).
    await choose(staff, t("en", "sel-back"))
    ranking = (await choose(staff, t("en", "sel-ranking")))[0]
    # A: relevance (9+8+10)/3 = 9 -> 0.9 x 60, capacity (5+4+5)/3 -> 0.9333 x 40: 91.33
    # B: relevance 7 -> 0.7, capacity 3.5 -> 0.7: 70.00 (the recused member does not count)
    # C: relevance 6 -> 0.6, capacity 3 -> 0.6: 60.00
    lines = [line for line in ranking.text.split("\n") if line[:2] in ("1.", "2.", "3.")]
    assert [line.split(" · ")[0] for line in lines] == [
        f"1. {a.reference}",
        f"2. {b.reference}",
        f"3. {c.reference}",
    ]
    assert "91.33" in lines[0] and "70.00" in lines[1] and "60.00" in lines[2]

    # Awards within the budget: 200 000 + 180 000 leave 20 000; C cannot get 150 000.
    await choose(staff, t("en", "sel-decide", reference=a.reference))
    await choose(staff, t("en", "sel-mark-winner"))
    await answer_twice(staff, "200 000")
    await choose(staff, t("en", "sel-decide", reference=b.reference))
    await choose(staff, t("en", "sel-mark-winner"))
    refused = await answer(staff, "190 000")
    assert refused[0].text == t("en", "sel-award-above-request", requested=180_000)
    await answer_twice(staff, "180000")
    await choose(staff, t("en", "sel-decide", reference=c.reference))
    await choose(staff, t("en", "sel-mark-winner"))
    refused = await answer(staff, "150 000")
    assert refused[0].text == t("en", "sel-award-above-budget", remaining=20_000)
    await answer(staff, t("en", "dialogue-cancel"))
    await choose(staff, t("en", "sel-decide", reference=c.reference))
    await choose(staff, t("en", "sel-mark-reserve"))
    await answer_twice(staff, "Good idea; the budget is spent.")

    await staff.click(t("en", "sel-publish"))
    confirm = messages(await settle(staff))[0]
    assert confirm.text == t("en", "sel-publish-confirm", winners=2, reserve=1, rejected=0)
    await staff.click(t("en", "sel-publish-yes"), message_id=confirm.message_id)
    published = messages(await settle(staff))[0]
    assert published.text == t("en", "sel-published", winners=2)
    # Publishing twice: the same (forged) button again is refused, nothing is sent twice.
    await staff.click_data(confirm.message_id, f"se:pubok:{call.id}")
    again = (await settle(staff, messages=0, answers=1))[0]
    assert again.text == t("en", "sel-already-decided")

    expected = {
        a.reference: plain(
            t(
                "ky",
                "sel-nco-decision-winner",
                title=TITLE + " (ky)",
                reference=a.reference,
                score="91,33",  # in Kyrgyz notation
                amount=number(200_000, "ky"),
            )
        ),
        b.reference: plain(
            t(
                "ru",
                "sel-nco-decision-winner",
                title=TITLE + " (ru)",
                reference=b.reference,
                score="70,00",  # in Russian notation
                amount=number(180_000, "ru"),
            )
        ),
        c.reference: plain(
            t(
                "en",
                "sel-nco-decision-reserve",
                title=TITLE,
                reference=c.reference,
                score="60.00",
                reason="Good idea; the budget is spent.",
            )
        ),
        d.reference: plain(
            t(
                "en",
                "sel-nco-decision-not-admitted",
                title=TITLE,
                reference=d.reference,
                reason="No budget and no application form were attached.",
            )
        ),
    }
    for reference, nco in ncos.items():
        got = [event.text for event in await nco.replies_until_quiet(quiet=0.5, timeout=15)]
        assert got[-1] == expected[reference]
    await ncos[a.reference].expect_no_reply(within=0.5)

    async with db.session() as session:
        awards = (await session.exec(select(Award).order_by(Award.amount))).all()
        decided = await session.get(Competition, call.id)
        actions = [row.action for row in (await session.exec(select(AuditEvent))).all()]
    assert [(x.submission_id, x.amount) for x in awards] == [
        (b.submission_id, 180_000),
        (a.submission_id, 200_000),
    ]
    assert all(x.reporting == {"kind": "quarterly"} for x in awards)
    assert all(
        x.contract_start == call.period_start and x.contract_end == call.period_end for x in awards
    )
    assert decided.status == "decided"
    assert actions.count("selection.admit") == 4
    assert actions.count("commission.assign") == 3
    assert actions.count("commission.recuse") == 1
    assert actions.count("commission.submit") == 3
    assert actions.count("decision.publish") == 1
    assert actions.count("decision.record") == 3
    async with db.session() as session:
        publish = (
            await session.exec(select(AuditEvent).where(AuditEvent.action == "decision.publish"))
        ).one()
    assert publish.actor_user_id == staff_id and publish.competition_id == call.id
