"""The reminder rules as plain functions with a given clock: offsets, quiet hours, the daily cap,
and what happens to rows that fall due (downtime catch-up, clock jumps)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.rules import reminders as rules
from bot.rules.reminders import CallFacts, Due, Person, ReminderRules
from bot.rules.validation import Invalid

BISHKEK = ZoneInfo("Asia/Bishkek")  # UTC+6, no daylight saving


def local(*args: int) -> datetime:
    """A moment given in Bishkek time, as aware UTC."""
    return datetime(*args, tzinfo=BISHKEK).astimezone(UTC)


NOW = local(2026, 3, 1, 12, 0)
DEADLINE = local(2026, 3, 20, 18, 0)  # a Friday evening


def call(**changes) -> CallFacts:
    values = dict(
        competition_id=7,
        version=1,
        status="published",
        deadline_at=DEADLINE,
        zone=BISHKEK,
    )
    values.update(changes)
    return CallFacts(**values)


def dues(planned):
    return [(p.kind, p.due_at.astimezone(BISHKEK).strftime("%d %H:%M"), p.is_last) for p in planned]


def test_drafts_get_three_reminders_and_subscribers_one() -> None:
    people = [
        Person(1, submission_id=11, submission_status="draft"),
        Person(2, subscribed=True),
        Person(3, submission_id=13, submission_status="submitted", subscribed=True),
        Person(4, submission_id=14, submission_status="withdrawn"),
    ]
    planned = rules.plan_call(call(), people, now=NOW)
    by_user = {}
    for plan in planned:
        by_user.setdefault(plan.user_id, []).append(plan)
    assert dues(by_user[1]) == [
        ("deadline-draft", "13 18:00", False),
        ("deadline-draft", "18 18:00", False),
        ("deadline-draft", "20 15:00", True),
    ]
    assert dues(by_user[2]) == [("deadline-subscriber", "18 18:00", True)]
    assert 3 not in by_user  # submitted: nothing to remind of
    assert len(by_user[4]) == 3  # withdrawn counts as unfinished
    assert by_user[1][0].key == "dl:c7:v1:u1:draft-7d"
    assert by_user[2][0].key == "dl:c7:v1:u2:sub-2d"
    assert len({plan.key for plan in planned}) == len(planned)


def test_a_moved_deadline_gives_new_keys() -> None:
    person = [Person(1, submission_id=11, submission_status="draft")]
    before = {p.key for p in rules.plan_call(call(), person, now=NOW)}
    after = {p.key for p in rules.plan_call(call(version=2), person, now=NOW)}
    assert before.isdisjoint(after)


@pytest.mark.parametrize("status", ["draft", "cancelled", "closed"])
def test_only_published_calls_remind(status: str) -> None:
    people = [Person(1, submission_id=11, submission_status="draft"), Person(2, subscribed=True)]
    assert rules.plan_call(call(status=status), people, now=NOW) == []


def test_muted_or_unreachable_people_get_none() -> None:
    people = [
        Person(1, submission_id=11, submission_status="draft", muted=True),
        Person(2, subscribed=True, reachable=False),
    ]
    assert rules.plan_call(call(), people, now=NOW) == []


def test_reminders_already_past_are_not_planned() -> None:
    now = DEADLINE - timedelta(days=3)
    planned = rules.plan_call(call(), [Person(1, 11, "draft")], now=now)
    assert [p.key.rsplit("-", 1)[1] for p in planned] == ["2d", "3h"]
    assert rules.plan_call(call(), [Person(1, 11, "draft")], now=DEADLINE) == []


def test_quiet_hours_move_reminders_to_the_morning_except_the_last() -> None:
    deadline = local(2026, 3, 20, 23, 0)  # 3 h before: 20:00; 2 d before: 23:00 (quiet)
    planned = rules.plan_call(call(deadline_at=deadline), [Person(1, 11, "draft")], now=NOW)
    assert dues(planned) == [
        ("deadline-draft", "14 08:00", False),  # 7 d before is 13th 23:00: next morning
        ("deadline-draft", "19 08:00", False),
        ("deadline-draft", "20 20:00", True),
    ]
    early = local(2026, 3, 20, 9, 0)  # the last one falls at 06:00: it stays there
    planned = rules.plan_call(call(deadline_at=early), [Person(1, 11, "draft")], now=NOW)
    assert dues(planned)[-1] == ("deadline-draft", "20 06:00", True)
    assert dues(planned)[0] == ("deadline-draft", "13 09:00", False)


def test_quiet_hours_edges() -> None:
    assert rules.in_quiet_hours(local(2026, 3, 1, 21, 0), BISHKEK)
    assert rules.in_quiet_hours(local(2026, 3, 1, 7, 59), BISHKEK)
    assert not rules.in_quiet_hours(local(2026, 3, 1, 8, 0), BISHKEK)
    assert not rules.in_quiet_hours(local(2026, 3, 1, 20, 59), BISHKEK)
    assert rules.out_of_quiet_hours(local(2026, 3, 1, 2, 30), BISHKEK) == local(2026, 3, 1, 8, 0)
    assert rules.out_of_quiet_hours(local(2026, 3, 1, 22, 0), BISHKEK) == local(2026, 3, 2, 8, 0)
    # Another zone: the municipality's local hours count, not the server's.
    bangkok = ZoneInfo("Asia/Bangkok")  # UTC+7
    moment = local(2026, 3, 1, 20, 30)  # 21:30 in Bangkok
    assert rules.in_quiet_hours(moment, bangkok) and not rules.in_quiet_hours(moment, BISHKEK)


def test_at_most_one_reminder_per_day_keeps_the_later() -> None:
    custom = ReminderRules(draft_offsets=(timedelta(hours=8), timedelta(hours=3)))
    planned = rules.plan_call(call(rules=custom), [Person(1, 11, "draft")], now=NOW)
    assert dues(planned) == [("deadline-draft", "20 15:00", True)]


@pytest.mark.bad_input
def test_municipality_rules_from_settings() -> None:
    custom = ReminderRules.from_settings(
        {"draft_offsets_hours": [3, 24], "quiet_start": "22:00", "quiet_end": "07:30"}
    )
    assert custom.draft_offsets == (timedelta(hours=24), timedelta(hours=3))
    assert custom.subscriber_offsets == (timedelta(days=2),)
    assert (custom.quiet_start, custom.quiet_end) == (time(22, 0), time(7, 30))
    assert ReminderRules.from_settings(None) == rules.DEFAULT_RULES
    for bad in (
        {"draft_offsets_hours": "7d"},
        {"draft_offsets_hours": [-1]},
        {"quiet_start": "25:00"},
        {"surprise": 1},
    ):
        with pytest.raises(Invalid):
            ReminderRules.from_settings(bad)


def due(row_id: int, due_at: datetime, *, user: int = 1, call_id: int = 7, **changes) -> Due:
    values = dict(
        id=row_id,
        user_id=user,
        competition_id=call_id,
        kind=rules.DRAFT,
        event_at=DEADLINE,
        due_at=due_at,
        is_last=False,
        zone=BISHKEK,
    )
    values.update(changes)
    return Due(**values)


def test_triage_sends_what_is_due_in_the_day() -> None:
    now = local(2026, 3, 13, 18, 0, 5)
    result = rules.triage([due(1, local(2026, 3, 13, 18, 0))], now=now, reminded_on=set())
    assert result.of(1).status == "sent"


def test_downtime_sends_only_the_latest_meaningful_one() -> None:
    """The bot was down for a week: of the 7-day and 2-day reminders only the 2-day one goes;
    a reminder for a call whose deadline has passed is missed."""
    now = local(2026, 3, 19, 10, 0)
    rows = [
        due(1, local(2026, 3, 13, 18, 0)),
        due(2, local(2026, 3, 18, 18, 0)),
        due(3, local(2026, 3, 1, 18, 0), call_id=8, event_at=local(2026, 3, 3, 18, 0)),
    ]
    result = rules.triage(rows, now=now, reminded_on=set())
    assert result.of(1) == rules.Decision("missed", "superseded")
    assert result.of(2).status == "sent"
    assert result.of(3) == rules.Decision("missed", "event-passed")


def test_catch_up_at_night_waits_for_the_morning_unless_it_is_the_last() -> None:
    night = local(2026, 3, 18, 23, 30)
    result = rules.triage([due(1, local(2026, 3, 18, 18, 0))], now=night, reminded_on=set())
    assert result.of(1) == rules.Decision("pending", "quiet-hours", local(2026, 3, 19, 8, 0))
    last = due(2, local(2026, 3, 20, 15, 0), is_last=True, user=2)
    at_two = local(2026, 3, 20, 2, 0)
    assert rules.triage([last], now=at_two, reminded_on=set()).of(2).status == "sent"
    # The morning would be after the deadline: it goes now.
    late = due(3, local(2026, 3, 20, 1, 0), event_at=local(2026, 3, 20, 6, 0))
    assert rules.triage([late], now=at_two, reminded_on=set()).of(3).status == "sent"


def test_daily_cap_across_runs() -> None:
    reminded: set = set()
    first = rules.triage([due(1, local(2026, 3, 18, 9, 0))], now=local(2026, 3, 18, 9, 0),
                         reminded_on=reminded)  # fmt: skip
    assert first.of(1).status == "sent"
    again = rules.triage([due(2, local(2026, 3, 18, 19, 0), is_last=True)],
                         now=local(2026, 3, 18, 19, 0), reminded_on=reminded)  # fmt: skip
    assert again.of(2) == rules.Decision("missed", "daily-cap")
    # Another call, or the next day, is not capped.
    other = rules.triage([due(3, local(2026, 3, 18, 19, 0), call_id=9)],
                         now=local(2026, 3, 18, 19, 0), reminded_on=reminded)  # fmt: skip
    assert other.of(3).status == "sent"
    tomorrow = rules.triage([due(4, local(2026, 3, 19, 9, 0))], now=local(2026, 3, 19, 9, 0),
                            reminded_on=reminded)  # fmt: skip
    assert tomorrow.of(4).status == "sent"


def test_void_rows_are_cancelled_never_sent() -> None:
    row = due(1, local(2026, 3, 13, 18, 0), void="muted")
    result = rules.triage([row], now=local(2026, 3, 13, 18, 0), reminded_on=set())
    assert result.of(1) == rules.Decision("cancelled", "muted")


def test_time_left() -> None:
    assert rules.time_left(DEADLINE, DEADLINE - timedelta(days=7)) == ("days", 7)
    assert rules.time_left(DEADLINE, DEADLINE - timedelta(hours=3)) == ("hours", 3)
    assert rules.time_left(DEADLINE, DEADLINE - timedelta(minutes=10)) == ("hours", 1)
    assert rules.time_left(DEADLINE, DEADLINE - timedelta(days=7, seconds=-5)) == ("days", 7)
    assert rules.time_left(DEADLINE, DEADLINE - timedelta(days=1, hours=6)) == ("days", 1)
