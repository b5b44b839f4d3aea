"""Telegram HTML parse_mode as the sandbox implements it (sandbox/html_text.py)."""

from __future__ import annotations

import pytest

from sandbox.html_text import EntityParseError, detect_bot_commands, parse_html, strip_text


def ents(source: str) -> list[tuple]:
    _, entities = parse_html(source)
    return [(e["type"], e["offset"], e["length"]) for e in entities]


def test_plain_text_passes_through():
    assert parse_html("hello, world") == ("hello, world", [])


@pytest.mark.parametrize(
    ("tag", "etype"),
    [
        ("b", "bold"), ("strong", "bold"), ("i", "italic"), ("em", "italic"),
        ("u", "underline"), ("ins", "underline"), ("s", "strikethrough"),
        ("strike", "strikethrough"), ("del", "strikethrough"), ("tg-spoiler", "spoiler"),
        ("code", "code"), ("pre", "pre"), ("blockquote", "blockquote"),
    ],
)  # fmt: skip
def test_supported_tags(tag, etype):
    assert parse_html(f"a <{tag}>x</{tag}>") == ("a x", [{"type": etype, "offset": 2, "length": 1}])


def test_attributes_and_special_tags():
    text, entities = parse_html(
        '<a href="https://x.kg/?a=1&amp;b=2">link</a> <span class="tg-spoiler">s</span> '
        '<pre><code class="language-python">print(1)</code></pre> '
        '<blockquote expandable>q</blockquote> <tg-emoji emoji-id="42">🙂</tg-emoji> '
        '<a href="tg://user?id=7">Bek</a>'
    )
    assert text == "link s print(1) q 🙂 Bek"
    by_type = {e["type"]: e for e in entities}
    assert by_type["text_link"]["url"] == "https://x.kg/?a=1&b=2"
    assert by_type["spoiler"]["offset"] == 5
    assert by_type["pre"]["language"] == "python"
    assert "code" in by_type and "language" not in by_type["code"]
    assert by_type["expandable_blockquote"]["length"] == 1
    assert by_type["custom_emoji"]["custom_emoji_id"] == "42"
    assert by_type["text_mention"]["user"]["id"] == 7


def test_nesting_and_utf16_offsets():
    # 👍 is two UTF-16 code units, as Telegram counts offsets
    assert ents("👍 <b>bold <i>both</i></b> Кыргыз") == [("bold", 3, 9), ("italic", 8, 4)]


def test_html_escapes():
    assert parse_html("1 &lt; 2 &amp;&amp; 3 &gt; 2 &quot;ok&quot; &#65;&#x42; &nbsp;")[0] == (
        '1 < 2 && 3 > 2 "ok" AB &nbsp;'
    )


def test_empty_entities_are_dropped_and_tags_case_insensitive():
    assert ents("<b></b>x<B>y</B>") == [("bold", 1, 1)]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("<blink>x</blink>", 'Unsupported start tag "blink" at byte offset 0'),
        ("Ә <div>x</div>", 'Unsupported start tag "div" at byte offset 3'),  # bytes, not chars
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Can\'t find end tag corresponding to start tag "i"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("a < b", "Unclosed start tag at byte offset 2"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<tg-emoji>x</tg-emoji>", 'Tag "tg-emoji" must have attribute "emoji-id"'),
    ],
)
def test_invalid_html_is_rejected_like_telegram(source, message):
    with pytest.raises(EntityParseError) as exc:
        parse_html(source)
    assert str(exc.value).startswith("can't parse entities: ")
    assert message in str(exc.value)


def test_strip_text_moves_entities():
    text, entities = strip_text("  hi there  ", [{"type": "bold", "offset": 2, "length": 2}])
    assert text == "hi there" and entities == [{"type": "bold", "offset": 0, "length": 2}]


def test_bot_command_detection():
    assert detect_bot_commands("/start abc") == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert detect_bot_commands("a/b /x_y@ssp_bot") == [
        {"type": "bot_command", "offset": 4, "length": 12}
    ]
    assert detect_bot_commands("no commands here") == []
