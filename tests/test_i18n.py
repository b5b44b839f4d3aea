"""The translation layer: every text in ky, ru and en, with the same placeholders."""

from __future__ import annotations

import pytest

from bot.i18n import Markup, Translator, resolve_language, t
from bot.settings import LANGUAGES

translator = Translator()


def test_every_key_exists_in_every_language() -> None:
    all_keys = set().union(*(translator.keys(language) for language in LANGUAGES))
    assert len(all_keys) > 10
    for language in LANGUAGES:
        missing = sorted(all_keys - translator.keys(language))
        assert not missing, f"{language} lacks {missing}"


def test_placeholders_match_across_languages() -> None:
    for key in translator.keys("en"):
        expected = translator.variables("en", key)
        for language in ("ky", "ru"):
            assert translator.variables(language, key) == expected, (language, key)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_formats_without_errors(language: str) -> None:
    for key in translator.keys(language):
        arguments = {name: "1" for name in translator.variables(language, key)}
        assert translator.text(language, key, **arguments).strip()


def test_languages_differ_and_name_themselves() -> None:
    assert {t(language, "help-text") for language in LANGUAGES}.__len__() == 3
    assert [t(language, "language-name") for language in LANGUAGES] == [
        "Кыргызча",
        "Русский",
        "English",
    ]


@pytest.mark.bad_input
def test_arguments_are_escaped_for_telegram_html() -> None:
    text = t("en", "start-welcome-back", name="<b>Ann & Co</b>")
    assert "&lt;b&gt;Ann &amp; Co&lt;/b&gt;" in text
    assert "<i>x</i>" in t("en", "start-welcome-back", name=Markup("<i>x</i>"))


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("ky", "ky"),
        ("ru-RU", "ru"),
        ("en-GB", "en"),
        ("uk", "ru"),
        ("kk", "ru"),
        ("fr", "ky"),
        (None, "ky"),
    ],
)
def test_language_suggested_from_telegram(code: str | None, expected: str) -> None:
    assert resolve_language(code, default="ky") == expected


def test_scores_are_written_in_each_languages_notation() -> None:
    from bot.formatting import score_text

    assert score_text(87.5, "en") == "87.50"
    assert score_text(87.5, "ru") == "87,50"
    assert score_text(87.5, "ky") == "87,50"
    assert score_text(1234.567, "en") == "1,234.57"
