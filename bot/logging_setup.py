"""Structured logging that keeps secrets and personal data out of the log.

Every record carries the update being handled (`update_id`, `user_id`, `kind`; "-" outside an
update), bound by the update processor (`bind_update`). Records are written as one line of
`key=value` text or, with `LOG_FORMAT=json`, one JSON object per line.

What never reaches the log, whatever a message or traceback contains:
- the bot token and the webhook secret (and anything shaped like a token);
- phone numbers (Kyrgyz numbers in any spacing, and international `+` numbers);
- what the user sent in the update being handled: its text, caption, contact phone, file names
  (they are replaced by `<text>`), so an exception whose message quotes the user's input shows
  the shape, not the words. Document contents are never read into log calls at all.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import IO, Any

_TOKEN_SHAPE = re.compile(r"\b\d{5,20}:[A-Za-z0-9_-]{20,}\b")
# Kyrgyz numbers (996 + 9 digits, any spacing) and any number written with a leading "+".
_PHONE_SHAPE = re.compile(
    r"(?<![\w])(?:\+?996[\s().-]*(?:\d[\s().-]*){8}\d|\+\d[\d\s().-]{7,18}\d)(?!\d)"
)
# Only strings at least this long are masked as "the user's input": masking "1" or "да"
# everywhere would make the log unreadable and protects nothing.
MIN_SENSITIVE = 4


@dataclass(frozen=True)
class UpdateInfo:
    update_id: int | None
    user_id: int | None
    kind: str
    sensitive: tuple[str, ...] = field(default=())


_current: ContextVar[UpdateInfo | None] = ContextVar("ssp_update", default=None)


def describe_update(update: object) -> UpdateInfo:
    """What may be logged about an update (ids, kind) and what must be masked (its inputs)."""
    from telegram import Update

    if not isinstance(update, Update):
        return UpdateInfo(None, None, type(update).__name__)
    user = update.effective_user
    kind = next(
        (name for name in _UPDATE_KINDS if getattr(update, name, None) is not None), "other"
    )
    sensitive: list[str] = []
    message = update.effective_message
    if message is not None:
        sensitive += [message.text or "", message.caption or ""]
        if message.contact is not None:
            sensitive.append(message.contact.phone_number or "")
        if message.document is not None:
            sensitive.append(message.document.file_name or "")
    if update.callback_query is not None:
        sensitive.append(update.callback_query.data or "")
    # Longest first, so a text containing another sensitive string is masked whole.
    masked = sorted({s for s in sensitive if len(s) >= MIN_SENSITIVE}, key=len, reverse=True)
    return UpdateInfo(update.update_id, user.id if user else None, kind, tuple(masked))


_UPDATE_KINDS = (
    "message",
    "edited_message",
    "callback_query",
    "my_chat_member",
    "chat_member",
    "channel_post",
    "edited_channel_post",
    "inline_query",
    "chosen_inline_result",
    "poll",
    "poll_answer",
    "chat_join_request",
)


def bind_update(update: object) -> Token:
    """Mark the records logged from now on (in this task) as belonging to `update`."""
    return _current.set(describe_update(update))


def unbind_update(token: Token) -> None:
    _current.reset(token)


def current_update() -> UpdateInfo | None:
    return _current.get()


class Redactor:
    """Masks tokens, secrets, phone numbers and the current update's inputs in a string."""

    def __init__(self, *secrets: str) -> None:
        self.secrets = [secret for secret in secrets if secret]

    def __call__(self, text: str) -> str:
        info = _current.get()
        if info is not None:
            for value in info.sensitive:
                text = text.replace(value, "<text>")
        for secret in self.secrets:
            text = text.replace(secret, "<secret>")
        text = _TOKEN_SHAPE.sub("<token>", text)
        return _PHONE_SHAPE.sub("<phone>", text)


class RedactTokens(logging.Filter):
    """Kept for handlers configured elsewhere: masks the message of each record it passes."""

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        self._redact = Redactor(*secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self._redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class UpdateFields(logging.Filter):
    """Adds `update_id`, `user_id` and `update_kind` to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        info = _current.get()
        record.update_id = info.update_id if info and info.update_id is not None else "-"
        record.user_id = info.user_id if info and info.user_id is not None else "-"
        record.update_kind = info.kind if info else "-"
        return True


TEXT_FORMAT = (
    "%(asctime)s %(levelname)s %(name)s update=%(update_id)s user=%(user_id)s: %(message)s"
)


class TextFormatter(logging.Formatter):
    """One line of text per record (tracebacks follow it), redacted as a whole."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__(TEXT_FORMAT)
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ts, level, logger, update_id, user_id, kind, msg, exc."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "update_id": getattr(record, "update_id", "-"),
            "user_id": getattr(record, "user_id", "-"),
            "kind": getattr(record, "update_kind", "-"),
            "msg": self.redact(record.getMessage()),
        }
        if record.exc_info:
            entry["exc"] = self.redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(
    level: str = "INFO", *secrets: str, fmt: str = "text", stream: IO[str] | None = None
) -> logging.Handler:
    """Log to `stream` (stderr by default) in `fmt` ("text" or "json"); returns the handler."""
    redact = Redactor(*secrets)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(redact) if fmt == "json" else TextFormatter(redact))
    handler.addFilter(UpdateFields())
    handler.addFilter(RedactTokens(*secrets))  # the record itself, for other handlers too
    handler.ssp_bot = True  # type: ignore[attr-defined]
    root = logging.getLogger()
    # Replace only a handler we added earlier; keep others (pytest's log capture, say).
    root.handlers[:] = [h for h in root.handlers if not getattr(h, "ssp_bot", False)]
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request URL at INFO, and the URL contains the token.
    for noisy in ("httpx", "httpcore", "apscheduler", "aiohttp.access", "alembic.runtime.plugins"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return handler
