"""Deep-link payloads are short, Telegram-valid and parsed strictly."""

from __future__ import annotations

import re

import pytest

from bot.rules.deeplinks import DeepLink, link, municipality_payload, parse_payload


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("m-karakol", DeepLink("municipality", "karakol")),
        ("m-kochkor-ata", DeepLink("municipality", "kochkor-ata")),
        ("c-42", DeepLink("competition", "42")),
        ("j-" + "Ab1_-" * 5, DeepLink("join", "Ab1_-" * 5)),
    ],
)
def test_known_payloads(payload: str, expected: DeepLink) -> None:
    assert parse_payload(payload) == expected


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "m-",
        "m-Karakol",
        "c-0",
        "c-abc",
        "x-karakol",
        "m-karakol!",
        "m-" + "a" * 70,
        "c-1 2",
        "m-каракол",
        "c-99999999999",
        "j-short",
        "j-" + "a" * 41,
        "j-abc.defghijklmnopqrs",
    ],
)
@pytest.mark.bad_input
def test_malformed_payloads_are_refused(payload: str) -> None:
    assert parse_payload(payload) is None


def test_links_are_valid_for_telegram() -> None:
    payload = municipality_payload("kochkor-ata")
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", payload)
    assert link("ssp_bot", payload) == "https://t.me/ssp_bot?start=m-kochkor-ata"
