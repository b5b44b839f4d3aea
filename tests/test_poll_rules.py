"""Poll rules without Telegram: questions and options, the open window, taps, the tally."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.rules import polls as rules
from bot.rules.validation import Invalid

NOW = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)


@pytest.mark.bad_input
def test_question_is_cleaned_and_bounded() -> None:
    assert rules.question("  Which   problems first? ") == "Which problems first?"
    with pytest.raises(Invalid) as refused:
        rules.question("🙂🙂")
    assert refused.value.key == "invalid-no-letters"
    with pytest.raises(Invalid) as refused:
        rules.question("x" * 301)
    assert refused.value.key == "invalid-too-long"


@pytest.mark.bad_input
def test_a_new_option_must_differ_from_existing_ones() -> None:
    assert rules.new_option(" Street lighting ", ["Waste"]) == "Street lighting"
    with pytest.raises(Invalid) as refused:
        rules.new_option("WASTE", ["Waste"])
    assert refused.value.key == "poll-invalid-duplicate-option"


@pytest.mark.bad_input
def test_option_count_limits() -> None:
    rules.check_options(2)
    rules.check_options(rules.OPTIONS_MAX)
    with pytest.raises(Invalid) as refused:
        rules.check_options(1)
    assert refused.value == Invalid("poll-invalid-too-few-options", {"minimum": 2})
    with pytest.raises(Invalid):
        rules.check_options(rules.OPTIONS_MAX + 1)


def test_a_poll_is_open_until_its_closing_moment_whatever_its_status_says() -> None:
    later = NOW + timedelta(minutes=1)
    assert rules.is_open(status="open", closes_at=later, now=NOW)
    assert not rules.is_open(status="open", closes_at=NOW, now=NOW)  # the job has not run yet
    assert not rules.is_open(status="closed", closes_at=later, now=NOW)


def test_taps_add_in_order_and_a_second_tap_removes() -> None:
    choices = rules.toggle([], 5)
    choices = rules.toggle(choices, 3)
    choices = rules.toggle(choices, 9)
    assert choices == [5, 3, 9]
    assert rules.toggle(choices, 3) == [5, 9]


def test_tally_choose_counts_participants_and_shares_of_participants() -> None:
    results = rules.tally("choose", [1, 2, 3], [[1, 2], [2], [2, 3], [], [7]])
    # Empty answers and answers with only unknown options do not count as participants.
    assert results.participants == 3
    assert [(r.option_id, r.count) for r in results.options] == [(2, 3), (1, 1), (3, 1)]
    assert [round(r.share, 4) for r in results.options] == [1.0, 0.3333, 0.3333]


def test_tally_rank_gives_borda_points_and_shares_of_all_points() -> None:
    # Three options: first place 3 points, second 2, third 1.
    results = rules.tally("rank", [1, 2, 3], [[3, 1, 2], [3, 2], [1, 1, 3]])
    points = {r.option_id: r.count for r in results.options}
    # [3,1,2]: 3->3, 1->2, 2->1; [3,2]: 3->3, 2->2; [1,1,3] (repeat ignored): 1->3, 3->2
    assert points == {3: 8, 1: 5, 2: 3}
    assert [r.option_id for r in results.options] == [3, 1, 2]
    assert sum(r.share for r in results.options) == pytest.approx(1.0)
    assert results.options[0].share == pytest.approx(8 / 16)


def test_tally_with_no_answers_and_ties_keep_the_poll_order() -> None:
    results = rules.tally("choose", [4, 2], [])
    assert results.participants == 0
    assert [(r.option_id, r.count, r.share) for r in results.options] == [(4, 0, 0.0), (2, 0, 0.0)]
    with pytest.raises(ValueError):
        rules.tally("stars", [1], [])
