"""What NCO leaders type: each bad answer is refused with the reason."""

from __future__ import annotations

import pytest

from bot.rules import validation
from bot.rules.validation import Invalid


def refusal(function, text):
    with pytest.raises(Invalid) as caught:
        function(text)
    return caught.value.key, caught.value.params


@pytest.mark.parametrize(
    ("text", "key", "args"),
    [
        ("0123456789012A", "invalid-inn-not-digits", {}),
        ("ИНН 01234567890123", "invalid-inn-not-digits", {}),
        ("0123456789012", "invalid-inn-length", {"count": 13}),
        ("012345678901234", "invalid-inn-length", {"count": 15}),
        ("٠١٢٣٤٥٦٧٨٩٠١٢٣", "invalid-inn-not-digits", {}),  # Arabic-Indic digits
        ("", "invalid-empty", {}),
    ],
)
@pytest.mark.bad_input
def test_inn_refusals_say_what_is_wrong(text: str, key: str, args: dict) -> None:
    assert refusal(validation.inn, text) == (key, args)


def test_inn_accepts_fourteen_digits_with_spaces() -> None:
    assert validation.inn(" 0123 4567 8901 23 ") == "01234567890123"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+996 700 123 456", "+996700123456"),
        ("0700123456", "+996700123456"),
        ("996555123456", "+996555123456"),
        ("(0312) 62-12-34", "+996312621234"),
        ("+7 701 123 45 67", "+77011234567"),
    ],
)
def test_phone_numbers_are_normalised(text: str, expected: str) -> None:
    assert validation.phone(text) == expected


@pytest.mark.parametrize(
    "text", ["12345", "+996 700 12", "0700-12345678", "phone: 0700123456", "++996700123456", "abc"]
)
@pytest.mark.bad_input
def test_bad_phone_numbers_are_refused(text: str) -> None:
    assert refusal(validation.phone, text)[0] == "invalid-phone"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "invalid-empty"),
        ("   ", "invalid-empty"),
        ("🌸🌸🌸", "invalid-no-letters"),
        ("!!! ???", "invalid-no-letters"),
        ("ab", "invalid-too-short"),
        ("x" * 5000, "invalid-too-long"),
    ],
)
@pytest.mark.bad_input
def test_bad_names_are_refused(text: str, key: str) -> None:
    assert refusal(validation.organization_name, text)[0] == key


@pytest.mark.bad_input
def test_too_long_says_the_limit_and_the_length() -> None:
    assert refusal(validation.organization_name, "x" * 5000) == (
        "invalid-too-long",
        {"maximum": 200, "length": 5000},
    )


def test_names_keep_letters_of_every_script() -> None:
    assert validation.organization_name("  ОФ  «Балдарга  Тирек» ") == "ОФ «Балдарга Тирек»"


@pytest.mark.parametrize("text", ["not-an-email", "a@b", "a b@c.kg", "@ngo.kg"])
@pytest.mark.bad_input
def test_bad_emails_are_refused(text: str) -> None:
    assert refusal(validation.email, text)[0] == "invalid-email"


def test_email_is_lowercased() -> None:
    assert validation.email(" Info@Tirek.KG ") == "info@tirek.kg"
