"""The reminder engine on a real database (SQLite and PostgreSQL) with an injected clock:
re-planning when facts change, the worker's sends through the outbox, downtime catch-up, the
daily cap, muting, leases and clock jumps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot import members, publishing
from bot.reminders import ReminderWorker, on_application_changed, replan_changed_applications
from storage.db import Database
from storage.models import (
    Competition,
    OutboxMessage,
    Reminder,
    ReminderSettings,
    Submission,
    SubmissionDocument,
)
from storage.queries import reminders as queries
from storage.queries.organizations import create_organization, membership_of
from storage.queries.places import get_municipality
from storage.queries.submissions import start_submission, submit_with_reference, withdraw
from storage.queries.users import get_or_create_user, set_flags, set_language
from storage.types import utcnow
from tests.flows import published_call, subscribe

BISHKEK = ZoneInfo("Asia/Bishkek")
NCO, FAN, STAFF = 501, 502, 503  # an NCO leader, a subscriber, the staff member


def deadline_in(days: int) -> datetime:
    """18:00 in Bishkek, `days` days from today."""
    day = (utcnow().astimezone(BISHKEK) + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, 18, 0, tzinfo=BISHKEK).astimezone(UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def open_call(db: Database, *, days: int = 14) -> Competition:
    """A Karakol call, published through bot/publishing (so its reminders are planned)."""
    call = await published_call(db, "karakol", "migrant-children", "Club", status="draft")
    async with db.session() as session:
        call = await session.get(Competition, call.id)
        call.deadline_at = deadline_in(days)
        staff, _ = await get_or_create_user(session, telegram_id=STAFF)
        await publishing.publish(
            session,
            competition=call,
            by_user_id=staff.id,
            report_chat_id=STAFF,
            now=utcnow(),
            default_language="en",
        )
        return call


async def nco(db: Database, telegram_id: int = NCO, inn: str = "01234567890123"):
    """A subscribed NCO leader with an organization; returns (user id, organization id)."""
    await subscribe(db, telegram_id, "karakol", language="en")
    async with db.session() as session:
        user, _ = await get_or_create_user(session, telegram_id=telegram_id)
        place = await get_municipality(session, slug="karakol")
        organization = await create_organization(
            session,
            user_id=user.id,
            values={
                "name": "Tirek",
                "legal_form": "public_foundation",
                "inn": inn,
                "municipality_id": place.id,
                "phone": "+996700123456",
                "description": "We help children.",
            },
        )
        return user.id, organization.id


async def start_draft(db: Database, call: Competition, user_id: int, organization_id: int):
    async with db.session() as session:
        submission = await start_submission(
            session, competition_id=call.id, organization_id=organization_id, user_id=user_id
        )
    await on_application_changed(db, submission_id=submission.id)
    return submission


async def rows(db: Database, **where) -> list[Reminder]:
    async with db.session() as session:
        query = select(Reminder).order_by(Reminder.due_at, Reminder.id)
        for name, value in where.items():
            query = query.where(getattr(Reminder, name) == value)
        return list((await session.exec(query)).all())


async def outbox(db: Database) -> list[OutboxMessage]:
    async with db.session() as session:
        query = select(OutboxMessage).where(OutboxMessage.dedupe_key.like("rem:%"))
        return list((await session.exec(query.order_by(OutboxMessage.id))).all())


def keys(found: list[Reminder]) -> list[str]:
    return [row.key.split(":", 3)[3] for row in found]  # "u12:draft-7d"


async def stale_marks(db: Database) -> dict[int, bool]:
    async with db.session() as session:
        found = await session.exec(select(Submission.id, Submission.reminders_stale))
        return dict(found.all())


async def test_the_worker_replans_changed_applications_in_one_batch(
    seeded_database: Database,
) -> None:
    """The bot's handlers only mark an application started, submitted or withdrawn (in the
    statement that changes it); the worker's next run re-plans every marked organization's
    reminders, per call, and clears the marks."""
    db = seeded_database
    first_user, first_organization = await nco(db)
    second_user, second_organization = await nco(db, telegram_id=504, inn="01234567890124")
    call = await open_call(db)
    drafts = []
    async with db.session() as session:
        for user_id, organization_id in (
            (first_user, first_organization),
            (second_user, second_organization),
        ):
            drafts.append(
                await start_submission(
                    session,
                    competition_id=call.id,
                    organization_id=organization_id,
                    user_id=user_id,
                )
            )
    assert await stale_marks(db) == {draft.id: True for draft in drafts}
    # Not planned yet: both still have the subscriber's reminder only.
    assert {r.kind for r in await rows(db, status="pending")} == {"deadline-subscriber"}

    worker = ReminderWorker(db, default_language="en")  # a new worker: as after a restart
    await worker.run_once()
    assert await stale_marks(db) == {draft.id: False for draft in drafts}
    for user_id in (first_user, second_user):
        mine = await rows(db, user_id=user_id, status="pending")
        assert keys(mine) == [
            f"u{user_id}:draft-7d",
            f"u{user_id}:draft-2d",
            f"u{user_id}:draft-3h",
        ]

    # One of them submits: its reminders go at the next run, the other's stay.
    async with db.session() as session:
        await submit_with_reference(session, submission=drafts[0], prefix="KRK-2026-", now=utcnow())
    assert await replan_changed_applications(db) == 1
    assert await rows(db, user_id=first_user, status="pending") == []
    assert len(await rows(db, user_id=second_user, status="pending")) == 3
    assert await replan_changed_applications(db) == 0  # nothing marked any more


async def test_a_change_during_the_replanning_keeps_its_mark(seeded_database: Database) -> None:
    """An application withdrawn between the worker reading the marks and clearing them keeps
    its mark (its revision moved on), so the withdrawal is planned at the next run."""
    db = seeded_database
    user_id, organization_id = await nco(db)
    call = await open_call(db)
    async with db.session() as session:
        draft = await start_submission(
            session, competition_id=call.id, organization_id=organization_id, user_id=user_id
        )
        await submit_with_reference(session, submission=draft, prefix="KRK-2026-", now=utcnow())
    async with db.session() as session:
        changed = await queries.changed_applications(session, limit=10)
    assert [row.id for row in changed] == [draft.id]
    async with db.session() as session:  # meanwhile, the NCO withdraws
        await withdraw(session, submission=await session.get(Submission, draft.id), now=utcnow())
    async with db.session() as session:
        await queries.mark_replanned(session, changed)
        await session.commit()
    assert await stale_marks(db) == {draft.id: True}
    assert await replan_changed_applications(db) == 1
    assert len(await rows(db, user_id=user_id, status="pending")) == 3  # a draft again
    assert await stale_marks(db) == {draft.id: False}


async def test_facts_changing_replan_the_reminders(seeded_database: Database) -> None:
    db = seeded_database
    user_id, organization_id = await nco(db)
    await subscribe(db, FAN, "karakol", "migrant-children")
    call = await open_call(db)
    pending = await rows(db, status="pending")
    assert sorted(r.kind for r in pending) == ["deadline-subscriber"] * 2
    assert all(r.due_at == call.deadline_at - timedelta(days=2) for r in pending)

    # The NCO starts a draft: its 7 d / 2 d / 3 h reminders replace the subscriber one.
    submission = await start_draft(db, call, user_id, organization_id)
    mine = await rows(db, user_id=user_id, status="pending")
    assert keys(mine) == [f"u{user_id}:draft-7d", f"u{user_id}:draft-2d", f"u{user_id}:draft-3h"]
    assert [r.submission_id for r in mine] == [submission.id] * 3
    assert [r.is_last for r in mine] == [False, False, True]
    assert (await rows(db, user_id=user_id, kind="deadline-subscriber"))[0].status == "cancelled"

    # Submitted: nothing left to remind of. Withdrawn: the draft reminders come back.
    async with db.session() as session:
        await submit_with_reference(
            session, submission=submission, prefix="KRK-2026-", now=utcnow()
        )
    await on_application_changed(db, submission_id=submission.id)
    assert await rows(db, user_id=user_id, status="pending") == []
    async with db.session() as session:
        fresh = await session.get(Submission, submission.id)
        await withdraw(session, submission=fresh, now=utcnow())
    await on_application_changed(db, submission_id=submission.id)
    assert len(await rows(db, user_id=user_id, status="pending")) == 3

    # The deadline moves: the old reminders are cancelled, new ones follow the new deadline.
    new_deadline = call.deadline_at + timedelta(days=5)
    async with db.session() as session:
        fresh = await session.get(Competition, call.id)
        staff, _ = await get_or_create_user(session, telegram_id=STAFF)
        await publishing.move_deadline(
            session,
            competition=fresh,
            new_deadline=new_deadline,
            by_user_id=staff.id,
            report_chat_id=STAFF,
            now=utcnow(),
            default_language="en",
        )
    pending = await rows(db, status="pending")
    assert {r.event_at for r in pending} == {new_deadline}
    assert all(":v2:" in r.key for r in pending)
    assert len(pending) == 4  # the NCO's three and the subscriber's one
    assert all(":v1:" in r.key for r in await rows(db, status="cancelled"))

    # Cancelled: every pending reminder of the call is cancelled.
    async with db.session() as session:
        fresh = await session.get(Competition, call.id)
        await publishing.cancel(
            session,
            competition=fresh,
            reason="No budget",
            by_user_id=staff.id,
            report_chat_id=STAFF,
            now=utcnow(),
            default_language="en",
        )
    assert await rows(db, status="pending") == []


async def test_the_worker_sends_what_is_due_with_what_is_missing(seeded_database: Database):
    db = seeded_database
    user_id, organization_id = await nco(db)
    async with db.session() as session:
        await set_language(session, telegram_id=NCO, language="ru")
    call = await open_call(db)
    submission = await start_draft(db, call, user_id, organization_id)
    clock = Clock(call.deadline_at - timedelta(days=7))
    worker = ReminderWorker(db, default_language="en", now=clock)

    # A minute before it is due: nothing.
    clock.now -= timedelta(minutes=1)
    assert sum((await worker.run_until_idle()).values()) == 0
    clock.now += timedelta(minutes=1, seconds=5)
    assert (await worker.run_until_idle())["sent"] == 1
    [message] = await outbox(db)
    assert message.chat_id == NCO and message.status == "queued"
    assert "7 дней" in message.text and "Club (ru)" in message.text
    assert "Ещё не хватает" in message.text and "Charter" in message.text
    assert "Проект" in message.text  # a form field not filled in yet
    buttons = [b["callback_data"] for row in message.reply_markup["inline_keyboard"] for b in row]
    [sent] = await rows(db, status="sent")
    assert buttons == [f"ap:apply:{call.id}", f"cal:c:{call.id}", f"rm:mute:{sent.id}"]
    assert message.dedupe_key == f"rem:{sent.key}"

    # Running again, or later the same day, sends nothing more.
    assert (await worker.run_until_idle()).get("sent", 0) == 0
    assert len(await outbox(db)) == 1

    # The charter is attached: the next reminder no longer asks for it.
    async with db.session() as session:
        session.add(
            SubmissionDocument(
                submission_id=submission.id,
                requirement="charter",
                telegram_file_id="f",
                telegram_file_unique_id="u",
                kind="pdf",
                mime_type="application/pdf",
                size=10,
                sha256="0" * 64,
            )
        )
        await session.commit()
    clock.now = call.deadline_at - timedelta(days=2)
    assert (await worker.run_until_idle())["sent"] == 1
    second = (await outbox(db))[-1]
    assert "2 дня" in second.text and "Charter" not in second.text


async def test_downtime_catch_up_and_missed_rows(seeded_database: Database) -> None:
    """Down from a week before the deadline until the day before: only the 2-day reminder goes
    (the 7-day one is missed); down past the deadline: the rest are missed."""
    db = seeded_database
    user_id, organization_id = await nco(db)
    call = await open_call(db)
    await start_draft(db, call, user_id, organization_id)
    clock = Clock(call.deadline_at - timedelta(days=1, hours=6))  # 12:00 the day before
    worker = ReminderWorker(db, now=clock)
    done = await worker.run_until_idle()
    assert done == {"sent": 1, "missed": 1}
    found = {r.key.rsplit("-", 1)[1]: r for r in await rows(db)}
    assert (found["7d"].status, found["7d"].note) == ("missed", "superseded")
    assert found["2d"].status == "sent"
    assert "1 day" in (await outbox(db))[0].text

    clock.now = call.deadline_at + timedelta(hours=1)
    assert await worker.run_until_idle() == {"missed": 1}
    found = {r.key.rsplit("-", 1)[1]: r for r in await rows(db)}
    assert (found["3h"].status, found["3h"].note) == ("missed", "event-passed")
    assert len(await outbox(db)) == 1


async def test_a_night_time_catch_up_of_the_last_reminder_goes_at_once(
    seeded_database: Database,
) -> None:
    db = seeded_database
    await subscribe(db, FAN, "karakol")
    await open_call(db)
    [row] = await rows(db, status="pending")  # the subscriber's only one, 2 days before
    assert row.is_last
    night = (row.due_at.astimezone(BISHKEK) + timedelta(hours=5)).astimezone(UTC)  # 23:00
    worker = ReminderWorker(db, now=Clock(night))
    assert await worker.run_until_idle() == {"sent": 1}
    assert len(await outbox(db)) == 1


async def test_a_night_time_catch_up_of_an_earlier_reminder_is_postponed(
    seeded_database: Database,
) -> None:
    db = seeded_database
    user_id, organization_id = await nco(db)
    call = await open_call(db)
    await start_draft(db, call, user_id, organization_id)
    seven = (await rows(db))[0]
    night = (seven.due_at.astimezone(BISHKEK) + timedelta(hours=5)).astimezone(UTC)  # 23:00
    worker = ReminderWorker(db, now=Clock(night))
    assert await worker.run_until_idle() == {"pending": 1}
    [seven] = await rows(db, key=seven.key)
    assert seven.status == "pending" and seven.note == "quiet-hours"
    assert seven.due_at.astimezone(BISHKEK).strftime("%H:%M") == "08:00"
    assert await outbox(db) == []
    assert await worker.run_until_idle(now=seven.due_at) == {"sent": 1}


async def test_muted_paused_and_blocked_users_get_nothing(seeded_database: Database) -> None:
    db = seeded_database
    await subscribe(db, FAN, "karakol")
    await subscribe(db, FAN + 1, "karakol")
    await subscribe(db, FAN + 2, "karakol")
    call = await open_call(db)
    assert len(await rows(db, status="pending")) == 3
    async with db.session() as session:
        fan, _ = await get_or_create_user(session, telegram_id=FAN)
        assert await queries.mute(session, user_id=fan.id, competition_id=call.id, now=utcnow())
        assert not await queries.mute(session, user_id=fan.id, competition_id=call.id, now=utcnow())
        await set_flags(session, telegram_id=FAN + 1, notifications_paused=True)
        await set_flags(session, telegram_id=FAN + 2, is_active=False)
    assert [(r.status, r.note) for r in await rows(db, user_id=fan.id)] == [("cancelled", "muted")]
    # The paused and the blocked user's rows were planned before; the worker cancels them.
    worker = ReminderWorker(db, now=Clock(call.deadline_at - timedelta(days=1)))
    assert await worker.run_until_idle() == {"cancelled": 2}
    assert sorted(r.note for r in await rows(db, status="cancelled")) == [
        "muted",
        "paused",
        "unreachable",
    ]
    assert await outbox(db) == []
    # Re-planning (say, the deadline moves) brings none of them back.
    async with db.session() as session:
        from bot.reminders import replan_call

        await replan_call(session, await session.get(Competition, call.id), now=utcnow())
        await session.commit()
    assert await rows(db, status="pending") == []


async def test_daily_cap_after_a_deadline_moves_closer(seeded_database: Database) -> None:
    db = seeded_database
    await subscribe(db, FAN, "karakol")
    call = await open_call(db)
    [row] = await rows(db, status="pending")
    clock = Clock(row.due_at)
    worker = ReminderWorker(db, now=clock)
    assert await worker.run_until_idle() == {"sent": 1}
    # The same day the deadline moves to 23:00 that evening; the subscriber's reminder for the
    # new deadline would fall that day again.
    async with db.session() as session:
        fresh = await session.get(Competition, call.id)
        staff, _ = await get_or_create_user(session, telegram_id=STAFF)
        await publishing.move_deadline(
            session,
            competition=fresh,
            new_deadline=row.due_at + timedelta(days=2, hours=3),
            by_user_id=staff.id,
            report_chat_id=STAFF,
            now=clock.now,
            default_language="en",
        )
    [new] = await rows(db, status="pending")
    assert new.due_at == row.due_at + timedelta(hours=3)  # 21:00, the last: not moved
    clock.now = new.due_at
    assert await worker.run_until_idle() == {"missed": 1}
    assert (await rows(db, key=new.key))[0].note == "daily-cap"
    assert len(await outbox(db)) == 1


async def test_municipality_rules_apply(seeded_database: Database) -> None:
    db = seeded_database
    user_id, organization_id = await nco(db)
    async with db.session() as session:
        place = await get_municipality(session, slug="karakol")
        session.add(ReminderSettings(municipality_id=place.id, rules={"draft_offsets_hours": [1]}))
        await session.commit()
    call = await open_call(db)
    await start_draft(db, call, user_id, organization_id)
    [row] = await rows(db, user_id=user_id, status="pending")
    assert row.key.endswith("draft-1h") and row.due_at == call.deadline_at - timedelta(hours=1)


async def test_an_abandoned_claim_is_taken_over_without_a_duplicate(seeded_database: Database):
    db = seeded_database
    await subscribe(db, FAN, "karakol")
    call = await open_call(db)
    due_at = (await rows(db))[0].due_at
    # A worker claims the row and dies before recording anything.
    async with db.session() as session:
        [claimed] = await queries.claim_due(
            session, now=due_at, limit=10, lease=timedelta(minutes=2)
        )
    assert claimed.status == "claimed"
    worker = ReminderWorker(db, now=Clock(due_at + timedelta(minutes=1)))
    assert await worker.run_until_idle() == {}  # its lease still runs
    assert await worker.run_until_idle(now=due_at + timedelta(minutes=3)) == {"sent": 1}
    # The first worker comes back and tries to record its claim: refused, nothing sent twice.
    async with db.session() as session:
        late = queries.Outcome(claimed.id, claimed.attempts, "sent", "sent")
        assert not await queries.settle(session, outcome=late, now=due_at)
        await session.commit()
    assert len(await outbox(db)) == 1
    assert call.id == claimed.competition_id


@pytest.mark.bad_input
async def test_clock_jumps_lose_and_repeat_nothing(seeded_database: Database) -> None:
    db = seeded_database
    user_id, organization_id = await nco(db)
    call = await open_call(db)
    await start_draft(db, call, user_id, organization_id)
    seven = (await rows(db))[0]
    clock = Clock(seven.due_at + timedelta(minutes=1))
    worker = ReminderWorker(db, now=clock)
    assert await worker.run_until_idle() == {"sent": 1}
    # The machine's clock goes back an hour between two runs: nothing is sent again.
    clock.now -= timedelta(hours=1)
    assert await worker.run_until_idle() == {}
    # A worker that crashed after claiming at the later time left a claim "in the future"
    # (simulated on the 2-day row); the next run with the earlier clock releases it.
    two = (await rows(db, status="pending"))[0]
    async with db.session() as session:
        [claimed] = await queries.claim_due(
            session, now=two.due_at, limit=1, lease=timedelta(minutes=2)
        )
    clock.now = two.due_at - timedelta(hours=1)
    assert await worker.run_until_idle() == {}
    assert (await rows(db, key=two.key))[0].status == "pending"
    # Forward an hour: what fell due in the skipped hour is sent, once.
    clock.now = two.due_at + timedelta(minutes=30)
    assert await worker.run_until_idle() == {"sent": 1}
    assert len(await outbox(db)) == 2
    assert claimed.id == two.id


async def test_run_cost_follows_the_due_rows(seeded_database: Database) -> None:
    """Thousands pending and a few due: one run claims only those due (batch-limited)."""
    db = seeded_database
    await subscribe(db, FAN, "karakol")
    call = await open_call(db)
    [row] = await rows(db)
    async with db.session() as session:
        for number in range(300):
            session.add(
                Reminder(
                    key=f"future:{number}",
                    kind="deadline-subscriber",
                    user_id=row.user_id,
                    competition_id=call.id,
                    event_at=call.deadline_at,
                    due_at=row.due_at + timedelta(hours=1 + number),
                )
            )
        await session.commit()
    async with db.session() as session:
        claimed = await queries.claim_due(
            session, now=row.due_at, limit=100, lease=timedelta(minutes=1)
        )
    assert [r.key for r in claimed] == [row.key]


async def test_subscribing_pausing_and_resuming_replan(seeded_database: Database) -> None:
    from bot.reminders import on_subscriptions_changed

    db = seeded_database
    call = await open_call(db)
    assert await rows(db) == []  # nobody subscribed when it was published
    await subscribe(db, FAN, "karakol")
    async with db.session() as session:
        fan, _ = await get_or_create_user(session, telegram_id=FAN)
    await on_subscriptions_changed(db, user_id=fan.id)
    [row] = await rows(db, status="pending")
    assert row.user_id == fan.id and row.due_at == call.deadline_at - timedelta(days=2)
    async with db.session() as session:
        await set_flags(session, telegram_id=FAN, notifications_paused=True)
    await on_subscriptions_changed(db, user_id=fan.id)
    assert [(r.status, r.note) for r in await rows(db)] == [("cancelled", "stale")]
    async with db.session() as session:
        await set_flags(session, telegram_id=FAN, notifications_paused=False)
    await on_subscriptions_changed(db, user_id=fan.id)
    assert [(r.key, r.status) for r in await rows(db)] == [(row.key, "pending")]


async def test_a_colleague_who_joins_gets_the_drafts_reminders_until_leaving(
    seeded_database: Database,
) -> None:
    db = seeded_database
    user_id, organization_id = await nco(db)
    call = await open_call(db)
    await start_draft(db, call, user_id, organization_id)
    async with db.session() as session:
        colleague, _ = await get_or_create_user(session, telegram_id=FAN)
    assert await rows(db, user_id=colleague.id) == []  # not subscribed, not a member

    now = utcnow()
    invitation = await members.invite_colleague(
        db, organization_id=organization_id, by_user_id=user_id, now=now
    )
    joined = await members.join(
        db, token=invitation.token, user=colleague, name="Aida", language="en", now=now
    )
    assert joined.refusal is None
    theirs = await rows(db, user_id=colleague.id, status="pending")
    assert keys(theirs) == [
        f"u{colleague.id}:draft-7d",
        f"u{colleague.id}:draft-2d",
        f"u{colleague.id}:draft-3h",
    ]

    async with db.session() as session:
        member = await membership_of(session, user_id=colleague.id)
    assert await members.remove(db, member=member, by=member) is None  # she leaves
    assert await rows(db, user_id=colleague.id, status="pending") == []
    assert len(await rows(db, user_id=user_id, status="pending")) == 3  # the leader keeps hers
