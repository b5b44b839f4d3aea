"""The channel rules without Telegram: what staff may type to name a channel, and which places
of the bot in a channel let it post."""

from __future__ import annotations

import pytest

from bot.rules.channels import (
    LOST_REASONS,
    channel_reference,
    check_bot_rights,
    lost_by_refusal,
    lost_by_status,
)
from bot.rules.validation import Invalid


@pytest.mark.parametrize(
    ("typed", "reference"),
    [
        ("@karakol_ssp", "@karakol_ssp"),
        ("  karakol_ssp ", "@karakol_ssp"),
        ("https://t.me/karakol_ssp", "@karakol_ssp"),
        ("t.me/Karakol_SSP/", "@Karakol_SSP"),
        ("http://telegram.me/karakol_ssp", "@karakol_ssp"),
        ("-1001234567890", -1001234567890),
    ],
)
def test_a_channel_is_named_by_username_link_or_id(typed: str, reference: str | int) -> None:
    assert channel_reference(typed) == reference


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "typed",
    [
        None,
        "",
        "@",
        "@abc",  # under 5 characters
        "@" + "a" * 33,  # over 32
        "@1karakol",  # starts with a digit
        "@karakol-ssp",
        "@karakol ssp",
        "https://t.me/joinchat/AAAAAE",  # an invite link names no channel
        "https://evil.example/karakol_ssp",
        "12345",  # a user's id, not a channel's
        "-12345",  # a group's
        "'; DROP TABLE municipalities; --",
        "<b>karakol</b>",
    ],
)
def test_anything_else_is_refused_with_the_reason(typed: str | None) -> None:
    with pytest.raises(Invalid) as refused:
        channel_reference(typed)
    assert refused.value.key == "channel-invalid-reference"


def test_an_administrator_allowed_to_post_may_post() -> None:
    check_bot_rights(chat_type="channel", status="administrator", can_post_messages=True)


@pytest.mark.bad_input
@pytest.mark.parametrize(
    ("chat_type", "status", "can_post", "key"),
    [
        ("supergroup", "administrator", True, "channel-not-a-channel"),
        ("private", "member", None, "channel-not-a-channel"),
        ("channel", "administrator", False, "channel-bot-cannot-post"),
        ("channel", "administrator", None, "channel-bot-cannot-post"),
        ("channel", "member", None, "channel-bot-not-admin"),
        ("channel", "restricted", None, "channel-bot-not-admin"),
        ("channel", "left", None, "channel-bot-not-member"),
        ("channel", "kicked", None, "channel-bot-kicked"),
        ("channel", "something-new", True, "channel-bot-not-admin"),
    ],
)
def test_every_other_place_of_the_bot_is_refused_with_the_reason(
    chat_type: str, status: str, can_post: bool | None, key: str
) -> None:
    with pytest.raises(Invalid) as refused:
        check_bot_rights(chat_type=chat_type, status=status, can_post_messages=can_post)
    assert refused.value.key == key


@pytest.mark.parametrize(
    ("status", "can_post", "reason"),
    [
        ("administrator", True, None),
        ("creator", None, None),
        ("administrator", False, "cannot-post"),
        ("administrator", None, "cannot-post"),
        ("member", None, "not-admin"),
        ("restricted", None, "not-admin"),
        ("left", None, "left"),
        ("kicked", None, "kicked"),
    ],
)
def test_the_bots_new_place_in_a_channel_says_whether_it_is_lost(
    status: str, can_post: bool | None, reason: str | None
) -> None:
    assert lost_by_status(status=status, can_post_messages=can_post) == reason


@pytest.mark.parametrize(
    ("forbidden", "description", "reason"),
    [
        (True, "Forbidden: bot was kicked from the channel chat", "kicked"),
        (True, "Forbidden: bot is not a member of the channel chat", "left"),
        (True, "Forbidden: the channel is unavailable", "refused"),
        (False, "Bad Request: chat not found", "not-found"),
        (False, "Chat not found", "not-found"),
        (False, "Bad Request: need administrator rights in the channel chat", "cannot-post"),
        (False, "Bad Request: not enough rights to send text messages to the chat", "cannot-post"),
        # A refusal of this one message says nothing about the channel.
        (False, "Bad Request: can't parse entities: unclosed tag", None),
        (False, "Bad Request: message is too long", None),
    ],
)
def test_a_refused_post_says_whether_the_channel_is_lost(
    forbidden: bool, description: str, reason: str | None
) -> None:
    assert lost_by_refusal(forbidden=forbidden, description=description) == reason
    assert reason is None or reason in LOST_REASONS


def test_every_reason_is_told_in_every_language() -> None:
    from bot.i18n import translator
    from bot.settings import LANGUAGES

    for language in LANGUAGES:
        keys = translator().keys(language)
        assert {f"channel-lost-{reason}" for reason in LOST_REASONS} <= keys, language
