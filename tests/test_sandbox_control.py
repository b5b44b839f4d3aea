"""Control side of the sandbox (/sandbox/...) and SandboxClient, over real HTTP."""

from __future__ import annotations

import asyncio
import struct

import pytest
import telegram
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.request import HTTPXRequest

from sandbox import BotEvent, SandboxClient, SandboxError, StandIn
from sandbox.images import image_size, tiny_png

TOKEN = "777:control-test"
UID = 2_000_000_000_123  # ids are 64-bit


@pytest.fixture
async def standin():
    async with StandIn(seed=3) as s:
        yield s


@pytest.fixture
async def sb(standin):
    async with SandboxClient(standin.url) as client:
        yield client


@pytest.fixture
async def bot(standin):
    fast = {"httpx_kwargs": {"verify": False}}  # http only: skip loading CA certificates
    b = telegram.Bot(
        TOKEN,
        base_url=standin.bot_base_url,
        base_file_url=standin.file_base_url,
        request=HTTPXRequest(**fast),
        get_updates_request=HTTPXRequest(**fast),
    )
    async with b:
        yield b


@pytest.fixture
def user(sb):
    return sb.user(
        UID, first_name="Aigul", last_name="Asanova", username="aigul_a", language_code="ky"
    )


def jpeg_header(width: int, height: int) -> bytes:
    """Enough of a JPEG for the header reader: SOI, APP0, SOF0, EOI."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + b"\x01\x22\x00" * 3
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


def markup(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d) for t, d in pairs]])


async def only_update(bot: telegram.Bot) -> telegram.Update:
    updates = await bot.get_updates()
    assert len(updates) >= 1
    await bot.get_updates(offset=updates[-1].update_id + 1)
    return updates[-1]


# -- acting as a user ----------------------------------------------------------------------------
async def test_start_with_payload_gets_a_bot_command_entity(bot, user):
    view = await user.send("/start ref_42")
    assert view["from"] == "user" and view["text"] == "/start ref_42"
    update = await only_update(bot)
    msg = update.message
    assert msg.from_user.id == UID and msg.chat.id == UID and msg.chat.type == "private"
    assert msg.from_user.language_code == "ky" and msg.from_user.username == "aigul_a"
    assert [(e.type, e.offset, e.length) for e in msg.entities] == [("bot_command", 0, 6)]
    assert msg.text.split(maxsplit=1)[1] == "ref_42"


async def test_commands_inside_text_and_plain_text(bot, user):
    await user.send("see /help@ssp_test_bot or /menu")
    msg = (await only_update(bot)).message
    assert [(e.offset, e.length) for e in msg.entities] == [(4, 18), (26, 5)]
    await user.send("just text, no/command")
    assert (await only_update(bot)).message.entities == ()


async def test_reply_to_message(bot, user):
    await user.send("hi")
    bot_msg = await bot.send_message(UID, "What is your name?")
    await bot.get_updates()
    await user.send("Aigul", reply_to_message_id=bot_msg.message_id)
    msg = (await only_update(bot)).message
    assert msg.reply_to_message.message_id == bot_msg.message_id
    assert msg.reply_to_message.text == "What is your name?"
    with pytest.raises(SandboxError) as exc:
        await user.send("x", reply_to_message_id=999)
    assert exc.value.status == 404


async def test_click_by_text_on_latest_message_and_by_message_id(bot, user):
    await user.send("hi")
    old = await bot.send_message(UID, "old", reply_markup=markup(("Yes", "old:yes")))
    new = await bot.send_message(UID, "new", reply_markup=markup(("Yes", "new:yes"), ("No", "n")))
    await bot.get_updates()
    clicked = await user.click("Yes")
    assert clicked["message_id"] == new.message_id and clicked["data"] == "new:yes"
    query = (await only_update(bot)).callback_query
    assert query.data == "new:yes" and query.message.message_id == new.message_id
    assert query.from_user.id == UID and query.chat_instance
    await user.click("Yes", message_id=old.message_id)
    assert (await only_update(bot)).callback_query.data == "old:yes"


async def test_click_unknown_button_explains_what_exists(bot, user):
    await user.send("hi")
    await bot.send_message(UID, "menu", reply_markup=markup(("English", "en"), ("Русский", "ru")))
    with pytest.raises(SandboxError) as exc:
        await user.click("Deutsch")
    assert exc.value.status == 404
    assert exc.value.details["available"][0]["buttons"] == ["English", "Русский"]


async def test_click_with_forged_data(bot, user):
    await user.send("hi")
    msg = await bot.send_message(UID, "menu", reply_markup=markup(("A", "a")))
    await bot.get_updates()
    await user.click_data(msg.message_id, "admin:delete_all")
    query = (await only_update(bot)).callback_query
    assert query.data == "admin:delete_all" and query.message.message_id == msg.message_id
    # a message that does not exist arrives as an InaccessibleMessage (date 0)
    await user.click_data(424242, "forged:1")
    query = (await only_update(bot)).callback_query
    assert query.data == "forged:1"
    assert not query.message.is_accessible  # python-telegram-bot: date == ZERO_DATE
    assert query.message.message_id == 424242


async def test_share_contact(bot, user):
    await user.send("hi")
    kb = ReplyKeyboardMarkup(
        [[KeyboardButton("📱 Share", request_contact=True)]], one_time_keyboard=True
    )
    await bot.send_message(UID, "Your phone?", reply_markup=kb)
    await bot.get_updates()
    await user.share_contact("+996700123456")
    msg = (await only_update(bot)).message
    assert msg.contact.phone_number == "+996700123456"
    assert msg.contact.user_id == UID and msg.contact.first_name == "Aigul"
    assert msg.contact.last_name == "Asanova"


async def test_upload_document_and_photo(bot, user, sb):
    await user.upload_document(
        "charter.pdf", b"%PDF-1.4 charter", "application/pdf", caption="Устав"
    )
    msg = (await only_update(bot)).message
    assert msg.document.file_name == "charter.pdf" and msg.caption == "Устав"
    assert msg.document.file_size == len(b"%PDF-1.4 charter")
    await user.upload_photo("page1.jpg", jpeg_header(640, 480))
    msg = (await only_update(bot)).message
    assert (msg.photo[-1].width, msg.photo[-1].height) == (640, 480)
    await user.upload_photo("scan.png", tiny_png(12, 9))
    msg = (await only_update(bot)).message
    assert (msg.photo[-1].width, msg.photo[-1].height) == (12, 9)
    transcript = await user.transcript()
    assert await sb.download(transcript[0]["document"]["url"]) == b"%PDF-1.4 charter"
    assert await sb.download(transcript[2]["photo"]["file_id"]) == tiny_png(12, 9)


async def test_block_and_unblock_emit_my_chat_member(bot, user):
    await user.send("hi")
    await bot.get_updates()
    await user.block()
    update = await only_update(bot)
    change = update.my_chat_member
    assert change.chat.id == UID and change.from_user.id == UID
    assert change.old_chat_member.status == "member"
    assert change.new_chat_member.status == "kicked"
    assert change.new_chat_member.user.id == bot.id
    with pytest.raises(telegram.error.Forbidden):
        await bot.send_message(UID, "still there?")
    with pytest.raises(SandboxError) as exc:
        await user.send("hello")  # a user who blocked the bot must unblock first
    assert exc.value.status == 409
    await user.unblock()
    change = (await only_update(bot)).my_chat_member
    assert (change.old_chat_member.status, change.new_chat_member.status) == ("kicked", "member")
    await bot.send_message(UID, "welcome back")


CHANNEL = -1001234567890


async def test_an_administrator_removing_or_demoting_the_bot_emits_my_chat_member(bot, sb, user):
    """As Telegram does: the bot hears of every change of its own place in a channel, with the
    channel as the chat and the administrator who made it as `from`."""
    from sandbox import spec

    await sb.set_channel(CHANNEL, title="Karakol SSP", username="karakol_ssp")
    assert await sb.pending_updates() == []  # setting the stand-in's state is silent

    await user.demote_bot_in_channel(CHANNEL)
    raw = (await sb.pending_updates())[-1]
    assert spec.validate(raw, "Update") == []
    change = (await only_update(bot)).my_chat_member
    assert (change.chat.id, change.chat.type, change.chat.title) == (
        CHANNEL,
        "channel",
        "Karakol SSP",
    )
    assert change.from_user.id == UID and change.new_chat_member.user.id == bot.id
    assert change.old_chat_member.status == change.new_chat_member.status == "administrator"
    assert change.old_chat_member.can_post_messages is True
    assert change.new_chat_member.can_post_messages is False
    with pytest.raises(telegram.error.BadRequest, match="administrator rights"):
        await bot.send_message(CHANNEL, "x")

    # Demoting again changes nothing: no update.
    assert await user.demote_bot_in_channel(CHANNEL) is None
    await user.remove_bot_from_channel(CHANNEL)
    change = (await only_update(bot)).my_chat_member
    assert (change.old_chat_member.status, change.new_chat_member.status) == (
        "administrator",
        "left",
    )
    with pytest.raises(telegram.error.Forbidden, match="not a member"):
        await bot.send_message(CHANNEL, "x")
    await user.set_bot_in_channel(CHANNEL, "administrator")  # added back, allowed to post
    change = (await only_update(bot)).my_chat_member
    assert change.new_chat_member.status == "administrator"
    assert change.new_chat_member.can_post_messages is True
    await bot.send_message(CHANNEL, "back")
    await user.remove_bot_from_channel(CHANNEL, ban=True)
    raw = (await sb.pending_updates())[-1]
    assert spec.validate(raw, "Update") == []
    me = await bot.get_me()
    assert raw["my_chat_member"]["new_chat_member"] == {
        "status": "kicked",
        "user": {"id": me.id, "is_bot": True, "first_name": me.first_name, "username": me.username},
        "until_date": 0,
    }
    assert (await sb.set_channel(CHANNEL))["bot_status"] == "kicked"


@pytest.mark.bad_input
async def test_changing_the_bot_in_an_unknown_channel_or_to_an_unknown_status_is_refused(sb, user):
    with pytest.raises(SandboxError) as exc:
        await user.remove_bot_from_channel(-1009999999999)
    assert exc.value.status == 404
    await sb.set_channel(CHANNEL, title="Karakol SSP")
    with pytest.raises(SandboxError) as exc:
        await user.set_bot_in_channel(CHANNEL, "owner")
    assert exc.value.status == 400
    assert (await sb.set_channel(CHANNEL))["bot_status"] == "administrator"
    assert await sb.pending_updates() == []


# -- transcript and events -----------------------------------------------------------------------
async def test_transcript_has_everything_in_order(bot, user):
    await user.send("/start")
    m1 = await bot.send_message(
        UID, "<b>Hello</b>", parse_mode="HTML", reply_markup=markup(("Go", "go"))
    )
    kb = ReplyKeyboardMarkup([[KeyboardButton("Share", request_contact=True), "Skip"]])
    await bot.send_message(UID, "Phone?", reply_markup=kb)
    await bot.edit_message_text("<b>Hi</b>", UID, m1.message_id, parse_mode="HTML")
    m4 = await bot.send_document(UID, b"data", filename="r.txt")
    await bot.delete_message(UID, m4.message_id)
    await bot.send_message(UID, "kb gone", reply_markup=ReplyKeyboardRemove())
    messages = await user.transcript()
    assert [(m["from"], m["message_id"]) for m in messages] == [
        ("user", 1),
        ("bot", 2),
        ("bot", 3),
        ("bot", 4),
        ("bot", 5),
    ]
    first_bot = messages[1]
    assert first_bot["text"] == "Hi" and first_bot["raw_text"] == "<b>Hi</b>"
    assert first_bot["edited"] and first_bot["inline_keyboard"] is None  # edit dropped it
    assert first_bot["parse_mode"] == "HTML"
    assert first_bot["entities"] == [{"type": "bold", "offset": 0, "length": 2}]
    assert messages[2]["reply_keyboard"]["rows"] == [
        [{"text": "Share", "request_contact": True}, {"text": "Skip", "request_contact": False}]
    ]
    assert messages[3]["deleted"] and messages[3]["document"]["file_name"] == "r.txt"
    assert messages[3]["document"]["url"].endswith(messages[3]["document"]["file_id"])
    assert messages[4]["remove_keyboard"]


async def test_events_and_next_reply(bot, user):
    await user.send("/start")
    sent = await bot.send_message(UID, "Choose", reply_markup=markup(("English", "lang:en")))
    event = await user.next_reply()
    assert isinstance(event, BotEvent)
    assert event.kind == "message" and event.message_id == sent.message_id
    assert event.buttons == [["English"]] and event.button_data == {"English": "lang:en"}
    await user.click("English")
    query = (await bot.get_updates())[-1].callback_query
    await query.answer("Language saved", show_alert=True)
    await query.edit_message_text("Done")
    answer = await user.next_reply()
    assert (answer.kind, answer.text, answer.show_alert) == (
        "callback_answer",
        "Language saved",
        True,
    )
    edit = await user.next_reply()
    assert (edit.kind, edit.text, edit.buttons) == ("edit", "Done", [])
    await bot.delete_message(UID, sent.message_id)
    assert (await user.next_reply()).kind == "delete"


async def test_event_long_poll_wakes_up(bot, user, sb):
    await user.send("hi")
    after = await sb.last_seq()
    waiting = asyncio.create_task(sb.events(UID, after=after, wait=30))
    await asyncio.sleep(0.1)
    assert not waiting.done()
    await bot.send_message(UID, "pong")
    events = await asyncio.wait_for(waiting, 10)
    assert [e["message"]["text"] for e in events] == ["pong"]


async def test_next_reply_timeout_shows_the_transcript(bot, user):
    await user.send("/start")
    with pytest.raises(AssertionError) as exc:
        await user.next_reply(timeout=0.2)
    text = str(exc.value)
    assert "no reply from the bot" in text and "#1 user: /start" in text


async def test_expect_no_reply_and_replies_until_quiet(bot, user):
    await user.send("/start")
    await user.expect_no_reply(within=0.1)

    async def chatty() -> None:
        for i in range(3):
            await bot.send_message(UID, f"part {i}")
            await asyncio.sleep(0.05)

    task = asyncio.create_task(chatty())
    events = await user.replies_until_quiet(quiet=0.3, timeout=5)
    await task
    assert [e.text for e in events] == ["part 0", "part 1", "part 2"]
    await bot.send_message(UID, "surprise")
    with pytest.raises(AssertionError, match="expected no reply"):
        await user.expect_no_reply(within=0.1)


async def test_cursors_are_per_user(bot, sb):
    a, b = sb.user(11, first_name="A"), sb.user(12, first_name="B")
    await a.send("hi")
    await b.send("hi")
    await bot.send_message(11, "for A")
    await bot.send_message(12, "for B")
    assert (await b.next_reply()).text == "for B"
    assert (await a.next_reply()).text == "for A"


# -- faults, calls, reset ------------------------------------------------------------------------
async def test_faults_roundtrip_and_validation(sb):
    faults = await sb.set_faults(
        latency_ms=10, error_rate=0.25, max_messages_per_second=30, retry_after=2, seed=1
    )
    assert faults["latency_ms"] == 10 and faults["max_messages_per_second"] == 30
    assert (await sb.faults())["retry_after"] == 2
    with pytest.raises(SandboxError):
        await sb.set_faults(error_rate=2)
    with pytest.raises(SandboxError):
        await sb.set_faults(lag=5)
    assert (await sb.set_faults())["latency_ms"] == 0
    assert (await sb.reset_faults())["error_rate"] == 0


async def test_reset_clears_the_world(bot, user, sb, standin):
    await user.send("hi")
    await bot.send_message(UID, "x")
    await sb.reset()
    assert standin.world.users == {} and standin.world.updates == type(standin.world.updates)()
    assert await sb.calls() == [] and await sb.last_seq() == 0
    with pytest.raises(telegram.error.BadRequest, match="Chat not found"):
        await bot.send_message(UID, "x")


async def test_users_and_summary(sb, user):
    await user.send("hi")
    body = await sb.request("GET", f"users/{UID}")
    assert body["user"]["first_name"] == "Aigul" and body["user"]["blocked"] is False
    summary = await sb.request("GET", "")
    assert summary["users"] == 1 and summary["pending_updates"] == 1
    assert len(await sb.pending_updates()) == 1


def test_image_size_reader():
    assert image_size(tiny_png(3, 4)) == (3, 4)
    assert image_size(jpeg_header(1024, 768)) == (1024, 768)
    assert image_size(b"GIF89a\x05\x00\x06\x00rest") == (5, 6)
    assert image_size(b"plain bytes") is None
