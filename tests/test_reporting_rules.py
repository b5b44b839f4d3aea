"""The reporting rules, without Telegram or a database: an award's schedule (month and quarter
ends, given dates outside the contract, the final report), due moments in the municipality's
zone, what an NCO may type into a report, which step a report may take, and the reminders a
report calls for (before, overdue, the staff's escalation; quiet hours)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.rules import reminders
from bot.rules import reporting as rules
from bot.rules.validation import Invalid

BISHKEK = ZoneInfo("Asia/Bishkek")
NOW = datetime(2027, 3, 1, 6, 0, tzinfo=UTC)


def dues(slots: list[rules.Slot]) -> list[tuple[int, str, date]]:
    return [(slot.number, slot.kind, slot.due_on) for slot in slots]


def test_monthly_reports_fall_on_month_ends_and_the_final_one_after_the_contract():
    slots = rules.schedule({"kind": "monthly"}, start=date(2027, 1, 1), end=date(2027, 4, 30))
    assert dues(slots) == [
        (1, "periodic", date(2027, 1, 31)),
        (2, "periodic", date(2027, 2, 28)),  # not a leap year
        (3, "periodic", date(2027, 3, 31)),
        (4, "final", date(2027, 5, 30)),  # 30 days after the last day
    ]
    # Each interim report covers its month; the final one the whole contract.
    assert [(s.period_start, s.period_end) for s in slots] == [
        (date(2027, 1, 1), date(2027, 1, 31)),
        (date(2027, 2, 1), date(2027, 2, 28)),
        (date(2027, 3, 1), date(2027, 3, 31)),
        (date(2027, 1, 1), date(2027, 4, 30)),
    ]


def test_february_of_a_leap_year_and_a_contract_over_new_year():
    slots = rules.schedule({"kind": "monthly"}, start=date(2027, 12, 1), end=date(2028, 3, 15))
    assert [s.due_on for s in slots if s.kind == "periodic"] == [
        date(2027, 12, 31),
        date(2028, 1, 31),
        date(2028, 2, 29),
    ]


def test_a_stub_first_month_joins_the_next_one():
    slots = rules.schedule({"kind": "monthly"}, start=date(2027, 1, 25), end=date(2027, 4, 10))
    # 25-31 January is a week: the first report covers 25 January to the end of February.
    assert [(s.period_start, s.due_on) for s in slots if s.kind == "periodic"] == [
        (date(2027, 1, 25), date(2027, 2, 28)),
        (date(2027, 3, 1), date(2027, 3, 31)),
    ]


def test_quarters_count_from_the_contract_start():
    slots = rules.schedule({"kind": "quarterly"}, start=date(2027, 2, 10), end=date(2027, 12, 31))
    assert dues(slots) == [
        (1, "periodic", date(2027, 4, 30)),
        (2, "periodic", date(2027, 7, 31)),
        (3, "periodic", date(2027, 10, 31)),
        (4, "final", date(2028, 1, 30)),
    ]


def test_a_period_ending_on_the_contract_end_is_left_to_the_final_report():
    slots = rules.schedule({"kind": "quarterly"}, start=date(2027, 1, 1), end=date(2027, 6, 30))
    assert dues(slots) == [(1, "periodic", date(2027, 3, 31)), (2, "final", date(2027, 7, 30))]


def test_given_dates_outside_the_contract_are_dropped():
    reporting = {
        "kind": "dates",
        "dates": ["2027-01-15", "2027-03-01", "2027-06-01", "2027-06-30", "2027-07-20", "junk"],
        "final_days": 10,
    }
    slots = rules.schedule(reporting, start=date(2027, 2, 1), end=date(2027, 6, 30))
    # 15 January is before the contract, 30 June is its last day (the final report covers it),
    # 20 July is after it; a malformed stored date is ignored.
    assert dues(slots) == [
        (1, "periodic", date(2027, 3, 1)),
        (2, "periodic", date(2027, 6, 1)),
        (3, "final", date(2027, 7, 10)),
    ]
    assert (slots[1].period_start, slots[1].period_end) == (date(2027, 3, 2), date(2027, 6, 1))


@pytest.mark.parametrize("reporting", [{}, {"kind": "final"}, {"kind": "weekly"}, None])
def test_only_a_final_report_without_an_interim_schedule(reporting):
    slots = rules.schedule(reporting, start=date(2027, 1, 1), end=date(2027, 6, 30))
    assert dues(slots) == [(1, "final", date(2027, 7, 30))]


@pytest.mark.parametrize(("value", "days"), [(0, 0), (60, 60), (-1, 30), (9999, 30), ("5", 30)])
def test_final_days_out_of_range_fall_back_to_the_default(value, days):
    assert rules.final_days({"final_days": value}) == days


def test_a_contract_shorter_than_a_period_owes_only_the_final_report():
    slots = rules.schedule({"kind": "quarterly"}, start=date(2027, 1, 1), end=date(2027, 2, 15))
    assert dues(slots) == [(1, "final", date(2027, 3, 17))]


def test_reports_are_due_at_the_end_of_the_working_day_in_the_municipality():
    moment = rules.due_moment(date(2027, 3, 31), BISHKEK)
    assert moment == datetime(2027, 3, 31, 12, 0, tzinfo=UTC)  # 18:00 in Bishkek (UTC+6)
    assert moment.astimezone(BISHKEK).hour == 18


def test_overdue_is_derived_from_the_status_and_the_due_moment():
    due_at = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
    assert rules.state("due", due_at, NOW) == "due"
    later = datetime(2027, 3, 2, tzinfo=UTC)
    assert rules.state("due", due_at, later) == "overdue"
    assert rules.is_overdue("changes_requested", due_at, later)
    assert rules.state("filed", due_at, later) == "filed"
    assert not rules.is_overdue("accepted", due_at, later)


@pytest.mark.bad_input
@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("-5", "rep-invalid-negative"),
        ("12.5", "rep-invalid-whole-number"),
        ("many", "rep-invalid-whole-number"),
        ("", "rep-invalid-whole-number"),
        ("١٢", "rep-invalid-whole-number"),  # Arabic-Indic digits
        ("2000000", "rep-invalid-too-many"),
    ],
)
def test_beneficiaries_must_be_a_whole_number(text, key):
    with pytest.raises(Invalid) as refused:
        rules.beneficiaries(text)
    assert refused.value.key == key


def test_beneficiaries_as_people_type_them():
    assert rules.beneficiaries("1 200") == 1200
    assert rules.beneficiaries("0") == 0


@pytest.mark.bad_input
@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("-100", "rep-invalid-negative"),
        ("10.000,50", "invalid-amount"),
        ("a lot", "invalid-amount"),
        ("", "invalid-amount"),
        ("150001", "rep-spent-above-award"),
    ],
)
def test_money_spent_is_validated_against_what_the_award_leaves(text, key):
    with pytest.raises(Invalid) as refused:
        rules.spent(text, award_amount=200_000, spent_elsewhere=50_000)
    assert refused.value.key == key
    if key == "rep-spent-above-award":
        assert refused.value.params == {"remaining": 150_000}


def test_money_spent_as_people_type_it():
    assert rules.spent("150 000 сом", award_amount=200_000, spent_elsewhere=50_000) == 150_000
    assert rules.spent("0", award_amount=200_000, spent_elsewhere=0) == 0


@pytest.mark.bad_input
def test_a_report_filed_or_accepted_cannot_be_filed_again():
    rules.may_file("due")
    rules.may_file("changes_requested")
    for status, key in (("filed", "rep-already-filed"), ("accepted", "rep-already-accepted")):
        with pytest.raises(Invalid) as refused:
            rules.may_file(status)
        assert refused.value.key == key


@pytest.mark.bad_input
def test_only_a_filed_report_is_reviewed():
    rules.may_review("filed")
    for status, key in (
        ("due", "rep-not-filed"),
        ("changes_requested", "rep-not-filed"),
        ("accepted", "rep-already-accepted"),
    ):
        with pytest.raises(Invalid) as refused:
            rules.may_review(status)
        assert refused.value.key == key


@pytest.mark.bad_input
@pytest.mark.parametrize(
    ("text", "status", "key"),
    [
        ("15.02.2027", "due", "rep-extension-past"),  # before NOW
        ("01.03.2027", "due", "rep-extension-not-later"),  # today, but not after the due date
        ("10.03.2027", "accepted", "rep-already-accepted"),
        ("31.02.2027", "due", "invalid-date"),
        ("soon", "due", "invalid-date"),
        ("", "due", "invalid-date"),
    ],
)
def test_an_extension_must_move_the_date_into_the_future(text, status, key):
    current = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)  # 18:00 in Bishkek, later than NOW
    with pytest.raises(Invalid) as refused:
        rules.extension(text, current_due_at=current, status=status, zone=BISHKEK, now=NOW)
    assert refused.value.key == key


def test_an_extension_gives_the_new_day_at_the_end_of_the_working_day():
    current = datetime(2027, 2, 28, 12, 0, tzinfo=UTC)
    moment = rules.extension(
        "15.03.2027", current_due_at=current, status="changes_requested", zone=BISHKEK, now=NOW
    )
    assert moment == datetime(2027, 3, 15, 12, 0, tzinfo=UTC)


# -- report reminders (bot/rules/reminders.py) -------------------------------------------------


def report_facts(**values) -> reminders.ReportFacts:
    base = {
        "report_id": 7,
        "competition_id": 3,
        "status": "due",
        "due_at": rules.due_moment(date(2027, 3, 31), BISHKEK),
        "extensions": 0,
        "zone": BISHKEK,
    }
    return reminders.ReportFacts(**{**base, **values})


def test_report_reminders_before_after_and_to_the_staff():
    facts = report_facts()
    planned = reminders.plan_report(facts, [reminders.Person(1)], [reminders.Person(9)], now=NOW)
    local = [(p.user_id, p.key.rsplit(":", 1)[1], p.due_at.astimezone(BISHKEK)) for p in planned]
    assert [(user, key, moment.strftime("%d.%m %H:%M")) for user, key, moment in local] == [
        (1, "due-7d", "24.03 18:00"),
        (1, "due-1d", "30.03 18:00"),
        (1, "due-9h", "31.03 09:00"),
        (1, "late-1d", "01.04 18:00"),
        (1, "late-7d", "07.04 18:00"),
        (9, "esc-7d", "07.04 18:00"),
    ]
    assert {p.report_due_id for p in planned} == {7}
    assert all(p.key.startswith("rp:r7:x0:") for p in planned)
    assert [p.kind for p in planned][-3:] == [
        "report-overdue",
        "report-overdue",
        "report-escalation",
    ]


def test_no_report_reminders_once_filed_or_accepted_or_for_the_muted():
    for status in ("filed", "accepted"):
        assert (
            reminders.plan_report(
                report_facts(status=status), [reminders.Person(1)], [reminders.Person(9)], now=NOW
            )
            == []
        )
    muted = reminders.plan_report(
        report_facts(),
        [reminders.Person(1, muted=True), reminders.Person(2, reachable=False)],
        [reminders.Person(9, muted=True)],
        now=NOW,
    )
    assert muted == []
    # Sent back for changes: still owed, so reminded; an extension gives new keys.
    again = reminders.plan_report(
        report_facts(status="changes_requested", extensions=2), [reminders.Person(1)], [], now=NOW
    )
    assert again and all(":x2:" in p.key for p in again)


def test_report_reminders_in_the_past_are_not_planned():
    facts = report_facts()
    later = facts.due_at + timedelta(days=2)
    planned = reminders.plan_report(facts, [reminders.Person(1)], [reminders.Person(9)], now=later)
    assert [p.key.rsplit(":", 1)[1] for p in planned] == ["late-7d", "esc-7d"]


def test_overdue_reminders_move_out_of_quiet_hours():
    quiet = reminders.ReminderRules(quiet_start=time(17, 0), quiet_end=time(8, 0))
    planned = reminders.plan_report(
        report_facts(rules=quiet), [reminders.Person(1)], [reminders.Person(9)], now=NOW
    )
    late = [p for p in planned if p.kind != "report-due"]
    assert {p.due_at.astimezone(BISHKEK).strftime("%H:%M") for p in late} == {"08:00"}
    # The last one before the due moment (09:00 that day) is not in quiet hours anyway.
    [last] = [p for p in planned if p.is_last]
    assert last.key.endswith("due-9h")


def test_an_overdue_reminder_does_not_lapse_when_its_moment_has_passed():
    due_at = rules.due_moment(date(2027, 3, 31), BISHKEK)
    now = due_at + timedelta(days=1, minutes=5)  # 18:05 in Bishkek: not quiet
    row = reminders.Due(
        id=1,
        user_id=1,
        competition_id=3,
        kind="report-overdue",
        event_at=due_at,
        due_at=due_at + timedelta(days=1),
        is_last=False,
        zone=BISHKEK,
    )
    assert reminders.triage([row], now=now, reminded_on=set()).of(1).status == "sent"
    # The same at 22:00 waits for the morning; a deadline reminder would be missed.
    night = due_at + timedelta(days=1, hours=4)
    decision = reminders.triage([row], now=night, reminded_on=set()).of(1)
    assert (decision.status, decision.due_at.astimezone(BISHKEK).hour) == ("pending", 8)
    deadline = reminders.Due(**{**row.__dict__, "kind": "deadline-draft"})
    assert reminders.triage([deadline], now=now, reminded_on=set()).of(1).status == "missed"


def test_report_reminder_settings_can_be_overridden():
    custom = reminders.ReminderRules.from_settings(
        {
            "report_offsets_hours": [72],
            "overdue_offsets_hours": [48],
            "escalation_offsets_hours": [24],
        }
    )
    assert custom.report_offsets == (timedelta(hours=72),)
    assert custom.overdue_offsets == (timedelta(hours=48),)
    assert custom.escalation_offsets == (timedelta(hours=24),)
    with pytest.raises(Invalid):
        reminders.ReminderRules.from_settings({"overdue_offsets_hours": "soon"})


@pytest.mark.bad_input
@pytest.mark.parametrize("text", ["-1", "366", "thirty", "", "1.5", "٣٠"])
def test_the_wizard_refuses_final_report_days_out_of_range(text):
    from bot.rules import competition

    with pytest.raises(Invalid) as refused:
        competition.final_days(text)
    assert refused.value.key == "wz-invalid-final-days"
    assert competition.final_days(" 45 ") == 45
