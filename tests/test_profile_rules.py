"""The profile dialogue's rules, without Telegram."""

from __future__ import annotations

import pytest

from bot.rules.profile import FIELDS, SUMMARY, Answer, accept, next_step, previous_step
from bot.rules.validation import Invalid

PLACES = frozenset({"batken", "karakol"})


def test_questions_come_in_order_then_the_summary() -> None:
    step, seen = FIELDS[0], []
    while step != SUMMARY:
        seen.append(step)
        step = next_step(step, editing=False)
    assert tuple(seen) == FIELDS


def test_a_correction_returns_to_the_summary() -> None:
    assert next_step("inn", editing=True) == SUMMARY


def test_back_walks_the_questions_in_reverse() -> None:
    assert previous_step(SUMMARY) == "description"
    assert previous_step("inn") == "legal_form"
    assert previous_step("name") is None


@pytest.mark.parametrize(
    ("field", "answer", "expected"),
    [
        ("legal_form", Answer(choice="public_union"), "public_union"),
        ("municipality", Answer(choice="karakol"), "karakol"),
        ("phone", Answer(contact_phone="996700123456"), "+996700123456"),
        ("phone", Answer(text="0700 123 456"), "+996700123456"),
        ("email", Answer(skip=True), None),
        ("inn", Answer(text="01234567890123"), "01234567890123"),
    ],
)
def test_accepted_answers(field: str, answer: Answer, expected: str | None) -> None:
    assert accept(field, answer, municipality_slugs=PLACES) == expected


@pytest.mark.parametrize(
    ("field", "answer", "key"),
    [
        ("legal_form", Answer(text="union"), "invalid-use-buttons"),
        ("legal_form", Answer(choice="company"), "invalid-use-buttons"),
        ("municipality", Answer(choice="osh"), "invalid-use-buttons"),
        ("name", Answer(other=True), "invalid-need-text"),
        ("name", Answer(skip=True), "invalid-required"),
        ("inn", Answer(text="123"), "invalid-inn-length"),
    ],
)
@pytest.mark.bad_input
def test_refused_answers(field: str, answer: Answer, key: str) -> None:
    with pytest.raises(Invalid) as caught:
        accept(field, answer, municipality_slugs=PLACES)
    assert caught.value.key == key
