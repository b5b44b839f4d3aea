"""Rules for several members on one application: when a typed answer may be saved."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot.rules import application as rules


def draft(revision: int, status: str = "draft", **answers: object) -> SimpleNamespace:
    return SimpleNamespace(revision=revision, status=status, answers=answers)


def outcome(submission: SimpleNamespace, *, asked: int, seen: object, known: bool = True) -> str:
    return rules.answer_outcome(
        submission, "summary", asked_revision=asked, seen=seen, seen_known=known
    )


def test_an_answer_to_an_unchanged_application_is_saved() -> None:
    assert outcome(draft(3, summary="old"), asked=3, seen="old") == rules.SAVE


def test_other_answers_changed_meanwhile_do_not_block_it() -> None:
    changed = draft(5, summary="old", project_title="theirs")
    assert outcome(changed, asked=3, seen="old") == rules.SAVE
    assert outcome(draft(5, project_title="theirs"), asked=3, seen=None) == rules.SAVE


@pytest.mark.bad_input
def test_the_same_answer_changed_meanwhile_is_a_conflict() -> None:
    assert outcome(draft(4, summary="theirs"), asked=3, seen=None) == rules.CONFLICT
    assert outcome(draft(4, summary="theirs"), asked=3, seen="old") == rules.CONFLICT


@pytest.mark.bad_input
def test_without_the_answer_seen_any_change_is_a_conflict() -> None:
    """A question asked before the bot kept the answer it showed: be safe."""
    assert outcome(draft(4, summary="old"), asked=3, seen=None, known=False) == rules.CONFLICT
    assert outcome(draft(3, summary="old"), asked=3, seen=None, known=False) == rules.SAVE


@pytest.mark.bad_input
def test_a_submitted_application_takes_no_answer() -> None:
    assert outcome(draft(3, "submitted", summary="old"), asked=3, seen="old") == rules.SUBMITTED
    assert rules.is_editable(draft(1, "withdrawn"))
    assert not rules.is_editable(draft(1, "submitted"))


def test_the_reference_year_is_the_municipalitys() -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    bishkek = ZoneInfo("Asia/Bishkek")  # UTC+6
    new_years_night = datetime(2026, 12, 31, 20, 30, tzinfo=UTC)  # 02:30 on 1 January there
    assert rules.reference_prefix("KRK", new_years_night, bishkek) == "KRK-2027-"
    assert rules.reference_prefix("KRK", new_years_night, UTC) == "KRK-2026-"
    assert rules.reference_prefix("KRK", datetime(2026, 6, 1, 12, tzinfo=UTC), bishkek) == (
        "KRK-2026-"
    )
