"""All configuration in one class, read from the environment and `.env`.

A missing or malformed value stops start-up with `SettingsError`, whose message is one sentence
naming the variable and how to fix it; the CLI prints it without a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

LANGUAGES = ("ky", "ru", "en")
Language = Literal["ky", "ru", "en"]

TOKEN_PATTERN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{1,100}$")
# Telegram allows 1-256 characters A-Z a-z 0-9 _ - in a webhook secret token.
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")

# Shown in error messages: what a good value looks like for each variable.
EXAMPLES = {
    "BOT_TOKEN": "BOT_TOKEN=123456789:AAE... (from @BotFather)",
    "DATABASE_URL": "DATABASE_URL=sqlite:///data/ssp-bot.sqlite3 or postgresql://user@host/db",
    "BOT_API_BASE_URL": "BOT_API_BASE_URL=https://api.telegram.org",
    "DEFAULT_TIMEZONE": "DEFAULT_TIMEZONE=Asia/Bishkek",
    "DEFAULT_LANGUAGE": "DEFAULT_LANGUAGE=ru (one of ky, ru, en)",
    "PLATFORM_ADMIN_IDS": "PLATFORM_ADMIN_IDS=123456789,987654321",
    "FILE_STORE_DIR": "FILE_STORE_DIR=data/files",
    "WEBHOOK_URL": "WEBHOOK_URL=https://bot.example.org/telegram",
    "WEBHOOK_LISTEN": "WEBHOOK_LISTEN=0.0.0.0",
    "WEBHOOK_PORT": "WEBHOOK_PORT=8443",
    "WEBHOOK_SECRET": "WEBHOOK_SECRET=a-long-random-string (letters, digits, _ and -)",
    "PUBLIC_BASE_URL": "PUBLIC_BASE_URL=https://bot.example.org",
    "LOG_LEVEL": "LOG_LEVEL=INFO",
    "LOG_FORMAT": "LOG_FORMAT=text (or json)",
    "SEND_RATE_PER_SECOND": "SEND_RATE_PER_SECOND=30",
    "FLOOD_BURST": "FLOOD_BURST=20",
    "FLOOD_RATE_PER_SECOND": "FLOOD_RATE_PER_SECOND=1",
    "UPLOADS_PER_HOUR": "UPLOADS_PER_HOUR=60",
    "REQUEST_TIMEOUT": "REQUEST_TIMEOUT=5",
    "REPLY_RETRY_SECONDS": "REPLY_RETRY_SECONDS=15",
}


class SettingsError(Exception):
    """A configuration problem, phrased for the person running the bot."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    bot_token: str = ""
    database_url: str = "sqlite:///data/ssp-bot.sqlite3"
    bot_api_base_url: str = "https://api.telegram.org"
    default_timezone: str = "Asia/Bishkek"
    default_language: Language = "ru"
    platform_admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    file_store_dir: Path = Path("data/files")
    webhook_url: str = ""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: str = ""
    # Where readers reach the webhook server's public pages (the open-calls feeds); empty: the
    # scheme and host of WEBHOOK_URL. Feeds name their own address with it.
    public_base_url: str = ""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # "text": one key=value line per record; "json": one JSON object per line (for collectors).
    log_format: Literal["text", "json"] = "text"
    # Messages per second the outbox sender may start, all chats together (Telegram: about 30).
    send_rate_per_second: float = Field(default=30, gt=0, le=1000)
    # Per-user limits on incoming updates (bot/ratelimit.py): a burst, then this many a second;
    # documents and photos per hour.
    flood_burst: int = Field(default=20, ge=1)
    flood_rate_per_second: float = Field(default=1.0, gt=0)
    uploads_per_hour: int = Field(default=60, ge=1)
    # Seconds a Bot API request may take (connect, send, answer) before it counts as timed out,
    # and how long a reply to a user is retried through 5xx, time-outs and 429s (bot/retry.py).
    request_timeout: float = Field(default=5.0, gt=0, le=120)
    reply_retry_seconds: float = Field(default=15.0, ge=0, le=300)
    # Long-poll length for getUpdates; tests shorten it so shutdown is quick.
    polling_timeout: int = Field(default=30, ge=0, le=50)

    @field_validator("bot_token")
    @classmethod
    def _token_format(cls, value: str) -> str:
        value = value.strip()
        if value and not TOKEN_PATTERN.match(value):
            raise ValueError("it does not look like a token from @BotFather (digits:letters)")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql", "postgres")):
            raise ValueError("only SQLite (sqlite:///path) and PostgreSQL URLs are supported")
        return value

    @field_validator("bot_api_base_url", "webhook_url", "public_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("it must start with http:// or https://")
        return value

    @field_validator("default_timezone")
    @classmethod
    def _time_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a known time zone") from None
        return value

    @field_validator("default_language", mode="before")
    @classmethod
    def _language(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("platform_admin_ids", mode="before")
    @classmethod
    def _admin_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.replace(";", ",").split(",")]
            ids = []
            for part in parts:
                if not part:
                    continue
                if not part.lstrip("-").isdigit():
                    raise ValueError(f"{part!r} is not a numeric Telegram user id")
                ids.append(int(part))
            return ids
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url and not SECRET_PATTERN.match(self.webhook_secret):
            raise ValueError(
                "WEBHOOK_SECRET: webhook mode needs a secret of 1-256 letters, digits, _ or -"
            )
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.default_timezone)

    @property
    def bot_api_url(self) -> str:
        """Base URL python-telegram-bot appends the token to (`.../bot<token>/method`)."""
        return f"{self.bot_api_base_url}/bot"

    @property
    def bot_file_url(self) -> str:
        return f"{self.bot_api_base_url}/file/bot"

    @property
    def uses_webhook(self) -> bool:
        return bool(self.webhook_url)

    @property
    def feed_base_url(self) -> str:
        """The public origin of the feeds: PUBLIC_BASE_URL, else WEBHOOK_URL's scheme and host."""
        if self.public_base_url:
            return self.public_base_url
        parts = urlsplit(self.webhook_url)
        return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""

    def require_token(self) -> None:
        if not self.bot_token:
            raise SettingsError(
                "BOT_TOKEN is not set: put the token you got from @BotFather into .env as "
                "BOT_TOKEN=123456789:AAE... (see .env.example), or try `ssp-bot demo`, "
                "which needs no token."
            )


def _describe(error: dict) -> str:
    """One sentence for one pydantic error: which variable, what is wrong, how to fix it."""
    location = [str(part) for part in error.get("loc", ()) if part != "__root__"]
    message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    if not location and ":" in message:
        variable, _, message = message.partition(": ")
    else:
        variable = location[0].upper() if location else "a setting"
    example = EXAMPLES.get(variable, "")
    hint = f" Set it in .env or the environment, e.g. {example}." if example else ""
    return f"Setting {variable} is invalid: {message}.{hint} See .env.example."


def load_settings(**overrides: object) -> Settings:
    """Read settings; raise SettingsError with a readable sentence instead of a traceback."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(_describe(exc.errors()[0])) from None
