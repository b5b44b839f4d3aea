"""Settings: defaults, `.env`, and one clear sentence for every bad value."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout


def test_defaults_suit_a_municipality_in_kyrgyzstan() -> None:
    settings = load_settings()
    assert settings.default_timezone == "Asia/Bishkek"
    assert settings.default_language == "ru"
    assert settings.database_url.startswith("sqlite:///data/")
    assert settings.bot_api_url == "https://api.telegram.org/bot"
    assert settings.bot_file_url == "https://api.telegram.org/file/bot"
    assert settings.platform_admin_ids == []
    assert not settings.uses_webhook


def test_values_come_from_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "BOT_TOKEN=42:abc_DEF-1\nPLATFORM_ADMIN_IDS=1, 9223372036854775807\n"
        "BOT_API_BASE_URL=http://127.0.0.1:8081/\nDEFAULT_LANGUAGE=KY\n",
        encoding="utf-8",
    )
    settings = load_settings()
    assert settings.bot_token == "42:abc_DEF-1"
    assert settings.platform_admin_ids == [1, 9223372036854775807]
    assert settings.bot_api_url == "http://127.0.0.1:8081/bot"
    assert settings.default_language == "ky"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("BOT_TOKEN", "not-a-token"),
        ("DATABASE_URL", "mysql://root@localhost/ssp"),
        ("BOT_API_BASE_URL", "api.telegram.org"),
        ("DEFAULT_TIMEZONE", "Asia/Atlantis"),
        ("DEFAULT_LANGUAGE", "de"),
        ("PLATFORM_ADMIN_IDS", "12,abc"),
        ("WEBHOOK_PORT", "99999"),
        ("WEBHOOK_PORT", "eighty"),
        ("LOG_LEVEL", "LOUD"),
    ],
)
@pytest.mark.bad_input
def test_bad_value_gives_one_sentence_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(f"Setting {variable} is invalid: ")
    assert "\n" not in message
    assert f"e.g. {variable}=" in message  # says how to fix it


@pytest.mark.bad_input
def test_webhook_without_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org/telegram")
    with pytest.raises(SettingsError, match=r"^Setting WEBHOOK_SECRET is invalid"):
        load_settings()
    monkeypatch.setenv("WEBHOOK_SECRET", "s3cret_value-1")
    assert load_settings().uses_webhook


@pytest.mark.bad_input
def test_missing_token_names_the_fix() -> None:
    with pytest.raises(SettingsError, match=r"BOT_TOKEN is not set.*@BotFather.*ssp-bot demo"):
        load_settings().require_token()


def test_cli_prints_the_sentence_without_traceback(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "DEFAULT_TIMEZONE": "Mars/Olympus"}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "migrate"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "ssp-bot: Setting DEFAULT_TIMEZONE is invalid: 'Mars/Olympus' is not a known time zone. "
        "Set it in .env or the environment, e.g. DEFAULT_TIMEZONE=Asia/Bishkek. See .env.example."
    ]


def test_env_example_documents_every_setting() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    assert documented == {name.upper() for name in Settings.model_fields}
