"""The selection rules, without Telegram or a database: review window, completeness, scores,
the weighted average, the ranking with the budget, and the award limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from bot.rules import selection as rules
from bot.rules.validation import Invalid

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
CRITERIA = [
    {"key": "relevance", "weight": 60},  # 0..10
    {"key": "capacity", "weight": 40, "max": 5},
]


def call(**values):
    base = {
        "status": "published",
        "deadline_at": NOW - timedelta(hours=1),
        "eligibility": [{"key": "registered", "knockout": "no"}],
        "documents": [{"key": "charter", "name": {"en": "Charter"}, "required": True}],
    }
    return SimpleNamespace(**{**base, **values})


def test_review_starts_after_the_deadline_and_its_last_minute():
    assert rules.in_review(call(), NOW)
    # The last minute still belongs to the NCOs.
    assert not rules.in_review(call(deadline_at=NOW - timedelta(seconds=30)), NOW)
    assert not rules.in_review(call(deadline_at=NOW + timedelta(days=1)), NOW)
    assert rules.in_review(call(status="closed"), NOW)
    assert not rules.in_review(call(status="decided"), NOW)
    assert not rules.in_review(call(status="cancelled"), NOW)


def test_completeness_names_what_is_missing():
    complete = {
        "project_title": "x",
        "summary": "x",
        "target_group": "x",
        "beneficiaries": 1,
        "requested_amount": 1,
        "duration_months": 1,
        "co_financing": 0,
    }
    assert (
        rules.completeness(
            call(), eligibility={"registered": "yes"}, answers=complete, uploaded={"charter": 1}
        )
        == []
    )
    missing = rules.completeness(call(), eligibility={"registered": "no"}, answers={}, uploaded={})
    assert missing == [
        "apply-not-eligible",
        "apply-form-incomplete",
        "apply-documents-missing",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7", (7, None)), (" 0 ", (0, None)), ("10 Strong  team", (10, "Strong team"))],
)
def test_scores_within_the_range_with_an_optional_comment(text, expected):
    assert rules.parse_score(text, CRITERIA[0]) == expected


@pytest.mark.parametrize(
    ("text", "criterion", "key"),
    [
        ("11", CRITERIA[0], "sel-score-range"),
        ("6", CRITERIA[1], "sel-score-range"),
        ("-1", CRITERIA[0], "sel-score-range"),
        ("7.5", CRITERIA[0], "sel-score-whole"),
        ("seven", CRITERIA[0], "sel-score-not-number"),
        ("", CRITERIA[0], "sel-score-not-number"),
        (None, CRITERIA[0], "sel-score-not-number"),
    ],
)
@pytest.mark.bad_input
def test_bad_scores_are_refused_with_the_range(text, criterion, key):
    with pytest.raises(Invalid) as refused:
        rules.parse_score(text, criterion)
    assert refused.value.key == key
    assert refused.value.params == {"minimum": 0, "maximum": criterion.get("max", 10)}


def test_weighted_average_counts_complete_sheets_only():
    sheets = [{"relevance": 9, "capacity": 5}, {"relevance": 8, "capacity": 4}]
    # relevance 8.5/10 x 60 + capacity 4.5/5 x 40 = 51 + 36 = 87
    assert rules.weighted_score(CRITERIA, sheets) == 87.0
    assert rules.weighted_score(CRITERIA, [*sheets, {"relevance": 0}]) == 87.0
    assert rules.weighted_score(CRITERIA, []) is None
    assert rules.weighted_score(CRITERIA, [{"relevance": 10, "capacity": 5}]) == 100.0


def test_ranking_orders_by_score_and_marks_what_the_budget_covers():
    candidates = [
        rules.Candidate(1, "KRK-2026-0001", 70.0, 200_000),
        rules.Candidate(2, "KRK-2026-0002", 91.5, 150_000),
        rules.Candidate(3, "KRK-2026-0003", None, 10_000),
        rules.Candidate(4, "KRK-2026-0004", 70.0, 100_000),
        rules.Candidate(5, "KRK-2026-0005", 60.0, 50_000),
    ]
    ranked = rules.ranking(candidates, 400_000)
    assert [row.submission_id for row in ranked] == [2, 1, 4, 5, 3]
    assert [row.position for row in ranked] == [1, 2, 3, 4, 5]
    assert [row.cumulative for row in ranked] == [150_000, 350_000, 450_000, 500_000, 510_000]
    # Once the budget is exceeded, those below are out of it even if their request would fit.
    assert [row.within_budget for row in ranked] == [True, True, False, False, False]


@pytest.mark.bad_input
def test_an_award_is_at_most_the_request_and_the_remaining_budget():
    assert rules.award_amount("180 000", requested=200_000, remaining=400_000) == 180_000
    with pytest.raises(Invalid) as refused:
        rules.award_amount("210 000", requested=200_000, remaining=400_000)
    assert refused.value.key == "sel-award-above-request"
    with pytest.raises(Invalid) as refused:
        rules.award_amount("150 000", requested=200_000, remaining=20_000)
    assert (refused.value.key, refused.value.params) == (
        "sel-award-above-budget",
        {"remaining": 20_000},
    )
    with pytest.raises(Invalid):
        rules.award_amount("abc", requested=200_000, remaining=400_000)
    awarded = {1: 200_000, 2: 180_000}
    assert rules.remaining_budget(400_000, awarded) == 20_000
    assert rules.remaining_budget(400_000, awarded, excluding=2) == 200_000
