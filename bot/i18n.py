"""The translation layer: every user-facing text comes from here, in Kyrgyz, Russian or English.

Texts live in Fluent files (`bot/locales/<lang>/*.ftl`), so plural forms follow each language's
rules. Messages are sent as Telegram HTML, so arguments are HTML-escaped unless wrapped in `Markup`.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from fluent.runtime import FluentBundle, FluentResource

from bot.settings import LANGUAGES

log = logging.getLogger(__name__)
LOCALES_DIR = Path(__file__).parent / "locales"
FALLBACK_LANGUAGE = "en"

# Telegram language codes whose speakers most likely read Russian better than English.
_RUSSIAN_READERS = {"ru", "uk", "be", "kk", "uz", "tg", "tk", "az", "hy", "ka"}


class Markup(str):
    """A string that is already valid Telegram HTML and must not be escaped again."""


def resolve_language(telegram_code: str | None, default: str) -> str:
    """The language to offer first, from the code Telegram reports for the user's app."""
    code = (telegram_code or "").split("-")[0].lower()
    if code in LANGUAGES:
        return code
    if code in _RUSSIAN_READERS:
        return "ru"
    return default


class Translator:
    def __init__(self, locales_dir: Path = LOCALES_DIR) -> None:
        self._bundles: dict[str, FluentBundle] = {}
        self._keys: dict[str, set[str]] = {}
        for language in LANGUAGES:
            bundle = FluentBundle([language], use_isolating=False)
            keys: set[str] = set()
            for path in sorted((locales_dir / language).glob("*.ftl")):
                resource = FluentResource(path.read_text(encoding="utf-8"))
                bundle.add_resource(resource)
                keys.update(
                    entry.id.name for entry in resource.body if type(entry).__name__ == "Message"
                )
            self._bundles[language] = bundle
            self._keys[language] = keys

    def keys(self, language: str) -> set[str]:
        return set(self._keys[language])

    def text(self, language: str, key: str, /, **args: object) -> str:
        """The text for `key` in `language`; English if missing there (a test forbids that)."""
        bundle = self._bundles.get(language) or self._bundles[FALLBACK_LANGUAGE]
        if not bundle.has_message(key):
            log.error("Missing translation %s for %s", key, language)
            bundle = self._bundles[FALLBACK_LANGUAGE]
            if not bundle.has_message(key):
                raise KeyError(key)
        message = bundle.get_message(key)
        safe_args = {name: _escape(value) for name, value in args.items()}
        text, errors = bundle.format_pattern(message.value, safe_args)
        for error in errors:
            log.error("Translation %s/%s: %s", language, key, error)
        return text

    def all_texts(self, key: str) -> set[str]:
        """The text in every language: matches a reply-keyboard button whatever its language."""
        return {self.text(language, key) for language in LANGUAGES}

    def variables(self, language: str, key: str) -> set[str]:
        """Names of the $variables a message uses (for the completeness test)."""
        message = self._bundles[language].get_message(key)
        return set(_find_variables(message.value))


def _escape(value: object) -> object:
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return html.escape(value, quote=False)


def _find_variables(node: object) -> Iterable[str]:
    if type(node).__name__ == "VariableReference":
        yield node.id.name  # type: ignore[attr-defined]
    children = getattr(node, "__dict__", {}).values()
    for child in children:
        items = child if isinstance(child, list) else [child]
        for item in items:
            if hasattr(item, "__dict__"):
                yield from _find_variables(item)


@cache
def translator() -> Translator:
    return Translator()


def t(language: str, key: str, /, **args: object) -> str:
    return translator().text(language, key, **args)
