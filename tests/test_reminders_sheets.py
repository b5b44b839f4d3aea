"""Score-sheet reminders (issue 7): a commission member whose sheet is unfinished is reminded two
days after the call closed, through the reminder engine; the rows are re-derived when the facts
change (applications admitted, a member assigned or unassigned, a recusal, a submitted sheet,
the decision published) and when the member leaves (/stop, blocking the bot). Rules as plain
functions; the engine on SQLite and PostgreSQL with an injected clock; /stop and blocking
through the real bot."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot import selection
from bot.formatting import moment
from bot.i18n import t
from bot.reminders import ReminderWorker
from bot.rules import reminders as rules
from bot.rules.reminders import Assessor, ReminderRules, ReviewFacts
from bot.rules.validation import Invalid
from sandbox import SandboxClient
from storage.db import Database
from storage.models import Competition, Reminder, Submission
from storage.types import utcnow
from tests.flows import messages, settle, subscribe
from tests.selection_flows import applicant, closed_call, role
from tests.test_reminders import BISHKEK, Clock, open_call, outbox, rows

STAFF, NCO_A, NCO_B = 64_100, 64_001, 64_002
MEMBERS = (64_200, 64_201, 64_202, 64_203, 64_204)


def local(day_offset: int, hour: int, minute: int = 0) -> datetime:
    """`hour`:`minute` in Bishkek, `day_offset` days from today, in UTC."""
    day = (utcnow().astimezone(BISHKEK) + timedelta(days=day_offset)).date()
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BISHKEK).astimezone(UTC)


# -- the rule ----------------------------------------------------------------------------------


def review(closed_at: datetime, *, in_review: bool = True, **rule_changes) -> ReviewFacts:
    return ReviewFacts(
        competition_id=7,
        in_review=in_review,
        closed_at=closed_at,
        zone=BISHKEK,
        rules=ReminderRules(**rule_changes),
    )


def test_unfinished_sheets_are_planned_two_days_after_the_close() -> None:
    closed = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # 18:00 in Bishkek
    now = closed + timedelta(hours=1)
    members = [
        Assessor(1, assigned_at=now),
        Assessor(2, assigned_at=now, submitted=True),
        Assessor(3, assigned_at=now, to_score=0),  # nothing admitted yet, or recused from all
        Assessor(4, assigned_at=now, muted=True),
        Assessor(5, assigned_at=now, reachable=False),  # paused (/stop) or blocked the bot
        Assessor(6, assigned_at=closed + timedelta(days=3)),  # assigned late: two days from then
    ]
    planned = rules.plan_sheets(review(closed), members, now=now)
    assert [(p.user_id, p.due_at) for p in planned] == [
        (1, closed + timedelta(days=2)),
        (6, closed + timedelta(days=5)),
    ]
    first = planned[0]
    assert (first.key, first.kind, first.competition_id, first.is_last) == (
        "sheet:c7:u1:2d",
        rules.SHEET,
        7,
        False,
    )
    assert first.event_at == first.due_at + rules.SHEET_RELEVANT_FOR
    # Decided or cancelled: no sheet is awaited.
    assert rules.plan_sheets(review(closed, in_review=False), members, now=now) == []


def test_a_sheet_reminder_falling_in_quiet_hours_waits_for_the_morning() -> None:
    closed = datetime(2026, 3, 2, 16, 30, tzinfo=UTC)  # 22:30 in Bishkek
    [planned] = rules.plan_sheets(review(closed), [Assessor(1, assigned_at=closed)], now=closed)
    assert planned.due_at.astimezone(BISHKEK) == datetime(2026, 3, 5, 8, 0, tzinfo=BISHKEK)


def test_a_sheet_reminder_long_past_its_moment_is_not_planned() -> None:
    closed = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    member = [Assessor(1, assigned_at=closed)]
    late = closed + timedelta(days=2) + rules.SHEET_RELEVANT_FOR - timedelta(minutes=1)
    assert [p.due_at for p in rules.plan_sheets(review(closed), member, now=late)] == [
        closed + timedelta(days=2)  # still worth sending, at once
    ]
    assert rules.plan_sheets(review(closed), member, now=late + timedelta(minutes=1)) == []


def test_the_delay_is_a_municipality_rule() -> None:
    assert ReminderRules.from_settings({"sheet_after_hours": 72}).sheet_after == timedelta(days=3)
    closed = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    [planned] = rules.plan_sheets(
        review(closed, sheet_after=timedelta(days=3)), [Assessor(1, assigned_at=closed)], now=closed
    )
    assert (planned.key, planned.due_at) == ("sheet:c7:u1:3d", closed + timedelta(days=3))


@pytest.mark.bad_input
@pytest.mark.parametrize("value", [0, -5, "48", [48], True, 24 * 91])
def test_a_bad_delay_is_refused(value) -> None:
    with pytest.raises(Invalid) as refused:
        ReminderRules.from_settings({"sheet_after_hours": value})
    assert refused.value.params == {"field": "sheet_after_hours"}


# -- the engine, with an injected clock ----------------------------------------------------------


async def review_scene(db: Database) -> tuple[Competition, list, int, list[int]]:
    """A call that closed at 18:00 in Bishkek four days ago, two admitted applications, staff,
    and five commission members (none assigned yet). Returns (call, applicants, staff id,
    member ids)."""
    call = await closed_call(db)
    async with db.session() as session:
        stored = await session.get(Competition, call.id)
        stored.deadline_at = local(-4, 18)
        session.add(stored)
        await session.commit()
    staff = await role(db, STAFF, "karakol", "staff")
    found = [
        await applicant(db, call, telegram_id=NCO_A, language="en", number=1, requested=100_000),
        await applicant(db, call, telegram_id=NCO_B, language="ru", number=2, requested=150_000),
    ]
    members = [await role(db, telegram_id, "karakol", "commission") for telegram_id in MEMBERS]
    async with db.session() as session:
        call = await session.get(Competition, call.id)
    return call, found, staff, members


async def step(db: Database, call_id: int, action, **values):
    """One selection step in a session of its own, on a fresh copy of the call."""
    async with db.session() as session:
        call = await session.get(Competition, call_id)
        return await action(session, call=call, **values)


async def admit(db: Database, call: Competition, submission_id: int, staff: int, now: datetime):
    async with db.session() as session:
        stored = await session.get(Competition, call.id)
        submission = await session.get(Submission, submission_id)
        await selection.decide_admissibility(
            session,
            call=stored,
            submission=submission,
            admitted=True,
            reason=None,
            by_user_id=staff,
            now=now,
            default_language="en",
        )


async def sheet_rows(db: Database, user_id: int) -> list[Reminder]:
    return [row for row in await rows(db, user_id=user_id) if row.kind == rules.SHEET]


async def test_unfinished_sheets_are_reminded_two_days_after_the_close(
    seeded_database: Database,
) -> None:
    db = seeded_database
    call, (a, b), staff, members = await review_scene(db)
    closed = call.deadline_at
    t0 = closed + timedelta(hours=1)
    first, second, third, late, unassigned = members
    for member in (first, second, third):
        await step(
            db, call.id, selection.toggle_member, member_user_id=member, by_user_id=staff, now=t0
        )
    # Nothing admitted yet: nothing to score, nothing planned.
    assert await rows(db, kind=rules.SHEET) == []
    await admit(db, call, a.submission_id, staff, t0)
    await admit(db, call, b.submission_id, staff, t0)
    planned = await rows(db, kind=rules.SHEET, status="pending")
    assert sorted(row.user_id for row in planned) == [first, second, third]
    due = closed + timedelta(days=2)  # 18:00 in Bishkek, two days after the close
    assert {row.due_at for row in planned} == {due}
    assert {row.key for row in planned} == {
        f"sheet:c{call.id}:u{m}:2d" for m in (first, second, third)
    }

    # The first member scores everything and submits: their reminder goes.
    t1 = closed + timedelta(days=1)
    for found in (a, b):
        await step(
            db,
            call.id,
            selection.declare,
            submission_id=found.submission_id,
            user_id=first,
            recuse=False,
            now=t1,
        )
        for criterion in ("relevance", "capacity"):
            await step(
                db,
                call.id,
                selection.score,
                submission_id=found.submission_id,
                user_id=first,
                criterion_key=criterion,
                text="4",
                now=t1,
            )
    await step(db, call.id, selection.submit_sheet, user_id=first, now=t1)
    assert [(r.status, r.note) for r in await sheet_rows(db, first)] == [("cancelled", "stale")]

    # The second recuses from one application (one left to judge), then from the other.
    await step(
        db,
        call.id,
        selection.declare,
        submission_id=a.submission_id,
        user_id=second,
        recuse=True,
        now=t1,
    )
    assert [r.status for r in await sheet_rows(db, second)] == ["pending"]
    await step(
        db,
        call.id,
        selection.declare,
        submission_id=b.submission_id,
        user_id=second,
        recuse=True,
        now=t1,
    )
    assert [r.status for r in await sheet_rows(db, second)] == ["cancelled"]

    # Two days after the close the third, who did nothing, is reminded, once, with the count.
    worker = ReminderWorker(db, default_language="en", now=Clock(due - timedelta(minutes=1)))
    assert await worker.run_until_idle() == {}
    assert await worker.run_until_idle(now=due) == {"sent": 1}
    assert await worker.run_until_idle(now=due + timedelta(hours=1)) == {}
    [sent] = [row for row in await outbox(db) if row.dedupe_key.startswith("rem:sheet:")]
    [row] = await sheet_rows(db, third)
    assert (row.status, sent.dedupe_key) == ("sent", f"rem:{row.key}")
    assert sent.text == t(
        "en",
        "reminder-sheet",
        title="Youth centres",
        when=moment(closed, BISHKEK),
        zone="Asia/Bishkek",
        done=0,
        total=2,
    )
    buttons = [b["callback_data"] for line in sent.reply_markup["inline_keyboard"] for b in line]
    assert buttons == [f"cm:call:{call.id}", f"rm:mute:{row.id}"]

    # A member assigned three days after the close is reminded two days after that; one who is
    # unassigned again has nothing pending.
    t3 = closed + timedelta(days=3)
    for member in (late, unassigned):
        await step(
            db, call.id, selection.toggle_member, member_user_id=member, by_user_id=staff, now=t3
        )
    assert [r.due_at for r in await sheet_rows(db, late)] == [t3 + timedelta(days=2)]
    await step(
        db, call.id, selection.toggle_member, member_user_id=unassigned, by_user_id=staff, now=t3
    )
    assert [r.status for r in await sheet_rows(db, unassigned)] == ["cancelled"]

    # The decision is published: no sheet is awaited any more.
    for found, outcome, amount, reason in (
        (a, "winner", "100 000", None),
        (b, "rejected", None, "Weaker plan"),
    ):
        await step(
            db,
            call.id,
            selection.record_outcome,
            submission_id=found.submission_id,
            outcome=outcome,
            amount_text=amount,
            reason=reason,
            by_user_id=staff,
            now=t3,
        )
    await step(
        db, call.id, selection.publish_decision, by_user_id=staff, now=t3, default_language="en"
    )
    assert [r.status for r in await sheet_rows(db, late)] == ["cancelled"]
    assert await worker.run_until_idle(now=t3 + timedelta(days=3)) == {}


async def test_a_sheet_reminder_whose_facts_changed_unseen_is_cancelled_not_sent(
    seeded_database: Database,
) -> None:
    """The worker checks the facts once more when the row falls due (the safety net behind
    re-planning): here the sheet was submitted behind the engine's back."""
    db = seeded_database
    call, (a, _b), staff, members = await review_scene(db)
    t0 = call.deadline_at + timedelta(hours=1)
    await admit(db, call, a.submission_id, staff, t0)
    await step(
        db, call.id, selection.toggle_member, member_user_id=members[0], by_user_id=staff, now=t0
    )
    [row] = await sheet_rows(db, members[0])
    async with db.session() as session:
        from storage.queries.selection import assignment_for

        assignment = await assignment_for(session, competition_id=call.id, user_id=members[0])
        assignment.sheet_submitted_at = t0
        session.add(assignment)
        await session.commit()
    worker = ReminderWorker(db, now=Clock(row.due_at))
    assert await worker.run_until_idle() == {"cancelled": 1}
    assert [r.note for r in await sheet_rows(db, members[0])] == ["stale"]


# -- leaving: /stop and blocking, through the real bot ----------------------------------------


async def member_with_pending_reminders(db: Database, telegram_id: int) -> tuple[int, list[str]]:
    """A subscriber of Karakol (a call closing in 14 days: a reminder two days before) who is
    also on the commission of a call under review (a score-sheet reminder). Returns the user's
    id and the keys of their pending reminders."""
    await subscribe(db, telegram_id, "karakol", language="en")
    await open_call(db)
    call, (a, _b), staff, _ = await review_scene(db)
    member = await role(db, telegram_id, "karakol", "commission")
    now = utcnow()
    await admit(db, call, a.submission_id, staff, now)
    await step(
        db, call.id, selection.toggle_member, member_user_id=member, by_user_id=staff, now=now
    )
    pending = await rows(db, user_id=member, status="pending")
    assert sorted(row.kind for row in pending) == [rules.SUBSCRIBER, rules.SHEET]
    return member, sorted(row.key for row in pending)


async def statuses(db: Database, user_id: int) -> dict[str, str]:
    return {row.key: row.status for row in await rows(db, user_id=user_id)}


async def test_stop_cancels_every_pending_reminder_and_resuming_brings_them_back(
    bot, sandbox: SandboxClient, seeded_database: Database
) -> None:
    db = seeded_database
    member, keys = await member_with_pending_reminders(db, 64_300)
    user = sandbox.user(64_300, first_name="Member", language_code="en")
    await user.send("/stop")
    assert messages(await settle(user))[0].text == t("en", "stop-done")
    assert await statuses(db, member) == dict.fromkeys(keys, "cancelled")
    # Whenever the worker runs, nothing goes to someone who left.
    worker: ReminderWorker = bot.bot_data["reminders"]
    latest = max(row.due_at for row in await rows(db, user_id=member))
    assert await worker.run_until_idle(now=latest + timedelta(minutes=1)) == {}
    async with db.session() as session:
        query = select(Reminder).where(Reminder.user_id == member, Reminder.status == "sent")
        assert (await session.exec(query)).all() == []

    # Resuming in /subscriptions re-plans them. Only the tap's answer is waited for (on a loaded
    # machine other messages may come seconds later), then the rows themselves.
    await user.send("/subscriptions")
    await settle(user)
    await user.click(t("en", "subs-resume"))
    await settle(user, messages=0, answers=1)
    for _ in range(300):
        if await statuses(db, member) == dict.fromkeys(keys, "pending"):
            break
        await asyncio.sleep(0.05)
    assert await statuses(db, member) == dict.fromkeys(keys, "pending")


async def test_blocking_the_bot_cancels_pending_reminders_and_unblocking_restores_them(
    bot, sandbox: SandboxClient, seeded_database: Database
) -> None:
    db = seeded_database
    member, keys = await member_with_pending_reminders(db, 64_301)
    user = sandbox.user(64_301, first_name="Member", language_code="en")
    await user.send("/start")
    await settle(user)

    async def reached(status: str) -> None:
        for _ in range(300):  # the my_chat_member update is handled asynchronously
            if await statuses(db, member) == dict.fromkeys(keys, status):
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"{await statuses(db, member)} never all {status}")

    await user.block()
    await reached("cancelled")
    await user.unblock()
    await reached("pending")


async def test_a_403_from_the_outbox_cancels_the_users_pending_reminders_at_once(
    bot, standin, sandbox: SandboxClient, seeded_database: Database
) -> None:
    """The user blocked the bot and Telegram never said so (no my_chat_member): the first
    message the outbox sends them is refused (403), and their pending reminders are re-planned
    away then, not one by one as each comes due."""
    from storage.models import OutboxMessage, User
    from storage.queries.outbox import enqueue

    db = seeded_database
    member, keys = await member_with_pending_reminders(db, 64_302)
    user = sandbox.user(64_302, first_name="Member", language_code="en")
    await user.send("/start")
    await settle(user)
    assert await statuses(db, member) == dict.fromkeys(keys, "pending")
    standin.world.users[user.id].blocked = True  # silently
    async with db.session() as session:
        await enqueue(session, chat_id=user.id, user_id=member, text="news", dedupe_key="t:news")
        await session.commit()

    async def refused() -> list[str]:
        async with db.session() as session:
            query = select(OutboxMessage.status).where(OutboxMessage.chat_id == user.id)
            return list((await session.exec(query)).all())

    for _ in range(600):  # the outbox sends in the background (the call's broadcast, "news")
        if set(await refused()) == {"blocked"} and await statuses(db, member) == dict.fromkeys(
            keys, "cancelled"
        ):
            break
        await asyncio.sleep(0.05)
    assert set(await refused()) == {"blocked"}
    assert await statuses(db, member) == dict.fromkeys(keys, "cancelled")
    async with db.session() as session:
        assert (await session.get(User, member)).is_active is False
    # Re-planned, not sent and skipped: no reminder row was claimed by the worker.
    assert {row.note for row in await rows(db, user_id=member)} != {"unreachable"}
