"""Telegram's HTML ``parse_mode``: text with tags -> plain text + MessageEntity list.

Why a hand-written parser: Telegram accepts only a small tag set and rejects anything else
with a 400 "can't parse entities" error; the stand-in must reject exactly what Telegram would, so
a bot that works here does not break on the real server. Offsets/lengths are in UTF-16 code
units, as in the Bot API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# tag -> entity type (span/a/pre/code/blockquote/tg-emoji need attribute handling below)
_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
SUPPORTED_TAGS = frozenset([*_SIMPLE, "a", "span", "tg-emoji"])

_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ATTR_RE = re.compile(
    r"""\s*([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?"""
)
_TAG_NAME_RE = re.compile(r"[a-zA-Z][-a-zA-Z0-9]*")


class EntityParseError(ValueError):
    """Raised with Telegram's wording (without the "Bad Request: " prefix)."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"can't parse entities: {detail}")


@dataclass
class _Open:
    tag: str
    start: int  # UTF-16 offset in the output
    byte_offset: int
    entity: dict[str, Any] = field(default_factory=dict)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _unescape(raw: str) -> str:
    def repl(m: re.Match[str]) -> str:
        body = m.group(1)
        if body.startswith("#"):
            try:
                code = int(body[2:], 16) if body[1:2] in ("x", "X") else int(body[1:])
                return chr(code)
            except (ValueError, OverflowError):
                return m.group(0)
        return _NAMED.get(body, m.group(0))  # unknown named entities stay literal

    return re.sub(r"&(#[xX]?[0-9a-fA-F]+|[a-zA-Z]+);", repl, raw)


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML; return (plain_text, entities). Raises EntityParseError."""
    out: list[str] = []
    out_len = 0  # UTF-16 units emitted so far
    entities: list[dict[str, Any]] = []
    stack: list[_Open] = []
    i = 0
    n = len(source)
    while i < n:
        ch = source[i]
        if ch != "<":
            j = source.find("<", i)
            j = n if j == -1 else j
            chunk = _unescape(source[i:j])
            out.append(chunk)
            out_len += utf16_len(chunk)
            i = j
            continue
        byte_off = len(source[:i].encode("utf-8"))
        end = source.find(">", i)
        if end == -1:
            raise EntityParseError(f"Unclosed start tag at byte offset {byte_off}")
        inner = source[i + 1 : end]
        if inner.startswith("/"):
            name = inner[1:].strip().lower()
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {byte_off}")
            top = stack[-1]
            if name != top.tag:
                raise EntityParseError(
                    f'Can\'t find end tag corresponding to start tag "{top.tag}"'
                )
            stack.pop()
            _close(top, out_len, entities, stack)
            i = end + 1
            continue
        m = _TAG_NAME_RE.match(inner)
        if not m:
            raise EntityParseError(f"Unsupported start tag at byte offset {byte_off}")
        tag = m.group(0).lower()
        if tag not in SUPPORTED_TAGS:
            raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {byte_off}')
        attrs = _parse_attrs(inner[m.end() :].rstrip("/"))
        stack.append(_Open(tag, out_len, byte_off, _entity_for(tag, attrs, byte_off)))
        i = end + 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    text = "".join(out)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return text, entities


def _parse_attrs(raw: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for m in _ATTR_RE.finditer(raw):
        if not m.group(1):
            continue
        val = m.group(2) or ""
        if val[:1] in ("'", '"'):
            val = val[1:-1]
        attrs[m.group(1).lower()] = _unescape(val)
    return attrs


def _entity_for(tag: str, attrs: dict[str, str], byte_off: int) -> dict[str, Any]:
    if tag in _SIMPLE:
        ent: dict[str, Any] = {"type": _SIMPLE[tag]}
        if tag == "blockquote" and "expandable" in attrs:
            ent["type"] = "expandable_blockquote"
        if tag == "code" and attrs.get("class", "").startswith("language-"):
            ent["language"] = attrs["class"][len("language-") :]
        return ent
    if tag == "span":
        if attrs.get("class") != "tg-spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {byte_off}'
            )
        return {"type": "spoiler"}
    if tag == "a":
        href = attrs.get("href", "")
        m = re.fullmatch(r"tg://user\?id=(\d+)", href)
        if m:
            return {"type": "text_mention", "user_id": int(m.group(1))}
        return {"type": "text_link", "url": href} if href else {"type": "_plain"}
    # tg-emoji
    if "emoji-id" not in attrs:
        raise EntityParseError(
            f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {byte_off}'
        )
    return {"type": "custom_emoji", "custom_emoji_id": attrs["emoji-id"]}


def _close(top: _Open, out_len: int, entities: list[dict[str, Any]], stack: list[_Open]) -> None:
    ent = dict(top.entity)
    length = out_len - top.start
    if ent["type"] == "_plain" or length == 0:
        return  # Telegram drops empty entities and <a> without href
    if ent["type"] == "code" and "language" in ent:
        # <pre><code class="language-x"> -> one pre entity with a language
        if stack and stack[-1].tag == "pre" and stack[-1].start == top.start:
            stack[-1].entity["language"] = ent["language"]
        ent.pop("language")
    if ent["type"] == "text_mention":
        ent["user"] = {"id": ent.pop("user_id"), "is_bot": False, "first_name": ""}
    ent["offset"] = top.start
    ent["length"] = length
    entities.append(ent)


def strip_text(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Trim leading/trailing whitespace as Telegram does, shifting/clipping entities."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    result = []
    for e in entities:
        start = max(e["offset"] - lead, 0)
        end = min(e["offset"] + e["length"] - lead, total)
        if end > start:
            result.append({**e, "offset": start, "length": end - start})
    return stripped, result


def plain_length(text: str) -> int:
    """Length Telegram checks against the 4096/1024 limits (counted in characters)."""
    return len(text)


_COMMAND_RE = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,64})?(?![\w/@])")


def detect_bot_commands(text: str) -> list[dict[str, Any]]:
    """bot_command entities Telegram adds to a user's message ("/start payload" etc.)."""
    entities = []
    for m in _COMMAND_RE.finditer(text):
        if m.start() > 0 and not text[m.start() - 1].isspace():
            continue
        offset = utf16_len(text[: m.start()])
        entities.append({"type": "bot_command", "offset": offset, "length": utf16_len(m.group(0))})
    return entities
