"""Bot side of the sandbox stand-in, over real HTTP (httpx and python-telegram-bot)."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest
import telegram
from aiohttp import web
from telegram import (
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyParameters,
)
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter
from telegram.request import HTTPXRequest

from sandbox import SandboxClient, StandIn
from sandbox.images import tiny_png

TOKEN = "123456:TEST-token_abc"
UID = 1001


@pytest.fixture
async def standin():
    async with StandIn(seed=1) as s:
        yield s


@pytest.fixture
async def sb(standin):
    async with SandboxClient(standin.url) as client:
        yield client


@pytest.fixture
async def http(standin):
    # verify=False: plain http only; skips loading CA certificates (~0.1 s per client)
    async with httpx.AsyncClient(base_url=standin.url, timeout=15, verify=False) as client:
        yield client


def make_bot(standin: StandIn, token: str = TOKEN) -> telegram.Bot:
    """A real python-telegram-bot Bot pointed at the stand-in."""
    fast = {"httpx_kwargs": {"verify": False}}  # as above; nothing else differs from defaults
    return telegram.Bot(
        token,
        base_url=standin.bot_base_url,
        base_file_url=standin.file_base_url,
        request=HTTPXRequest(**fast),
        get_updates_request=HTTPXRequest(read_timeout=40, **fast),
    )


@pytest.fixture
async def bot(standin):
    async with make_bot(standin) as b:
        yield b


@pytest.fixture
async def aigul(sb):
    user = sb.user(UID, first_name="Aigul", language_code="ky")
    await user.send("hi")  # creates the user and her chat
    return user


async def call(http: httpx.AsyncClient, method: str, **params) -> tuple[int, dict]:
    resp = await http.post(f"/bot{TOKEN}/{method}", json=params)
    return resp.status_code, resp.json()


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d)] for t, d in pairs])


# -- basics ------------------------------------------------------------------------------------
async def test_get_me_uses_token_digits_as_bot_id(standin):
    # a Bot with python-telegram-bot's default requests, exactly as the bot will build it
    bot = telegram.Bot(TOKEN, base_url=standin.bot_base_url, base_file_url=standin.file_base_url)
    async with bot:
        me = await bot.get_me()
    assert me.id == 123456
    assert me.is_bot and me.username == "ssp_test_bot"


async def test_bad_token_is_401(http, standin):
    resp = await http.post("/botnot-a-token/getMe")
    assert resp.status_code == 401
    assert resp.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    bad_bot = make_bot(standin, "nonsense")
    with pytest.raises(InvalidToken):
        await bad_bot.get_me()


async def test_unknown_method_is_404(http):
    status, body = await call(http, "sendTelepathy", chat_id=1)
    assert status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_method_names_are_case_insensitive(http, aigul):
    for name in ("SENDMESSAGE", "sendmessage", "SendMessage"):
        status, body = await call(http, name, chat_id=UID, text="x")
        assert status == 200, body


async def test_every_encoding_parses(http, aigul):
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    # query string
    r1 = await http.get(
        f"/bot{TOKEN}/sendMessage",
        params={"chat_id": UID, "text": "q", "reply_markup": json.dumps(markup)},
    )
    # urlencoded with JSON-in-strings (what python-telegram-bot sends)
    r2 = await http.post(
        f"/bot{TOKEN}/sendMessage",
        data={
            "chat_id": str(UID),
            "text": "u",
            "reply_markup": json.dumps(markup),
            "disable_notification": "true",
        },
    )
    # JSON body, markup as an object and as a string
    r3 = await http.post(
        f"/bot{TOKEN}/sendMessage", json={"chat_id": UID, "text": "j", "reply_markup": markup}
    )
    r4 = await http.post(
        f"/bot{TOKEN}/sendMessage",
        json={"chat_id": str(UID), "text": "s", "reply_markup": json.dumps(markup)},
    )
    # multipart with a file and JSON-in-string fields
    r5 = await http.post(
        f"/bot{TOKEN}/sendDocument",
        data={"chat_id": str(UID), "caption": "m", "reply_markup": json.dumps(markup)},
        files={"document": ("a.txt", b"abc", "text/plain")},
    )
    for resp in (r1, r2, r3, r4, r5):
        body = resp.json()
        assert resp.status_code == 200, body
        assert body["result"]["reply_markup"] == markup
    assert r5.json()["result"]["document"]["file_name"] == "a.txt"


async def test_chat_id_by_username(http, sb):
    await sb.user(7, first_name="Bek", username="bek_kg").send("hi")
    status, body = await call(http, "sendMessage", chat_id="@bek_kg", text="hello")
    assert status == 200 and body["result"]["chat"]["id"] == 7


# -- getUpdates ----------------------------------------------------------------------------
async def test_long_poll_wakes_up_when_a_user_writes(bot, sb):
    poll = asyncio.create_task(bot.get_updates(timeout=30, read_timeout=40))
    await asyncio.sleep(0.1)
    assert not poll.done()
    await sb.user(UID, first_name="Aigul").send("/start")
    updates = await asyncio.wait_for(poll, 10)
    assert [u.message.text for u in updates] == ["/start"]


async def test_offset_confirms_updates_and_limit(bot, sb):
    user = sb.user(UID, first_name="Aigul")
    for text in ("one", "two", "three"):
        await user.send(text)
    first = await bot.get_updates(limit=2)
    assert [u.message.text for u in first] == ["one", "two"]
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest] == ["three"]
    assert await bot.get_updates(offset=rest[-1].update_id + 1) == ()
    await user.send("four")
    await user.send("five")
    last = await bot.get_updates(offset=-1)
    assert [u.message.text for u in last] == ["five"]


async def test_allowed_updates_is_honoured(bot, sb, http):
    user = sb.user(UID, first_name="Aigul")
    await user.send("x")
    msg = await bot.send_message(UID, "pick", reply_markup=keyboard(("A", "a")))
    updates = await bot.get_updates(allowed_updates=["message"])
    await bot.get_updates(offset=updates[-1].update_id + 1)
    await user.click("A", message_id=msg.message_id)
    await user.send("y")
    got = await bot.get_updates()
    assert [u.message.text for u in got] == ["y"]
    assert all(u.callback_query is None for u in got)


async def test_second_long_poll_terminates_the_first(http, bot):
    first = asyncio.create_task(http.post(f"/bot{TOKEN}/getUpdates", json={"timeout": 20}))
    await asyncio.sleep(0.2)
    second = await http.post(f"/bot{TOKEN}/getUpdates", json={"timeout": 0})
    assert second.status_code == 200
    resp = await asyncio.wait_for(first, 10)
    assert resp.status_code == 409
    assert resp.json()["description"].startswith("Conflict: terminated by other getUpdates")


# -- webhook -------------------------------------------------------------------------------
@pytest.fixture
async def receiver():
    """A tiny webhook receiver: collects (headers, json) and answers with ``status``."""
    got: list[tuple[dict, dict]] = []
    state = {"status": 200}
    arrived = asyncio.Event()

    async def hook(request: web.Request) -> web.Response:
        got.append((dict(request.headers), await request.json()))
        arrived.set()
        return web.Response(status=state["status"])

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield {"url": f"http://127.0.0.1:{port}/hook", "got": got, "state": state, "arrived": arrived}
    await runner.cleanup()


async def test_webhook_delivery_with_secret_header(bot, sb, receiver):
    assert await bot.set_webhook(receiver["url"], secret_token="s3cr3t_token")
    info = await bot.get_webhook_info()
    assert info.url == receiver["url"] and info.pending_update_count == 0
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    await sb.user(UID, first_name="Aigul").send("/start")
    await asyncio.wait_for(receiver["arrived"].wait(), 10)
    headers, update = receiver["got"][0]
    assert headers["X-Telegram-Bot-Api-Secret-Token"] == "s3cr3t_token"
    assert update["message"]["text"] == "/start"
    assert "update_id" in update
    assert await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""


async def test_webhook_failures_stay_queued(bot, sb, standin, receiver):
    receiver["state"]["status"] = 500
    await bot.set_webhook(receiver["url"])
    await sb.user(UID, first_name="Aigul").send("hello")
    ok = await standin.world.wait_for(lambda: standin.world.webhook.last_error_date, 10)
    assert ok
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 1
    assert "500" in info.last_error_message
    assert len(receiver["got"]) >= 2  # retried
    # switching back to polling hands the kept update over
    await bot.delete_webhook()
    updates = await bot.get_updates()
    assert [u.message.text for u in updates] == ["hello"]


async def test_set_webhook_drop_pending_updates(bot, sb, receiver):
    await sb.user(UID, first_name="Aigul").send("old")
    await bot.set_webhook("http://127.0.0.1:9/nowhere", drop_pending_updates=True)
    assert (await bot.get_webhook_info()).pending_update_count == 0
    await bot.delete_webhook()


# -- sending and its errors ------------------------------------------------------------------
async def test_send_message_html_and_keyboards(bot, aigul):
    msg = await bot.send_message(
        UID, "<b>Салам</b>, <i>Aigul</i>!", parse_mode="HTML", reply_markup=keyboard(("OK", "ok"))
    )
    assert msg.text == "Салам, Aigul!"
    assert [(e.type, e.offset, e.length) for e in msg.entities] == [
        ("bold", 0, 5),
        ("italic", 7, 5),
    ]
    reply_kb = ReplyKeyboardMarkup(
        [[KeyboardButton("Share phone", request_contact=True)]], one_time_keyboard=True
    )
    msg2 = await bot.send_message(UID, "phone?", reply_markup=reply_kb)
    assert msg2.reply_markup is None  # reply keyboards are not part of Message
    await aigul.skip_replies()


async def test_reply_parameters(bot, aigul, http):
    msg = await bot.send_message(UID, "first")
    reply = await bot.send_message(UID, "second", reply_parameters=ReplyParameters(msg.message_id))
    assert reply.reply_to_message.message_id == msg.message_id
    status, body = await call(
        http, "sendMessage", chat_id=UID, text="x", reply_parameters={"message_id": 999}
    )
    assert (status, body["description"]) == (400, "Bad Request: message to be replied not found")


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"chat_id": 424242, "text": "x"}, "Bad Request: chat not found"),
        ({"chat_id": UID}, "Bad Request: message text is empty"),
        ({"chat_id": UID, "text": "   "}, "Bad Request: message text is empty"),
        ({"text": "x"}, "Bad Request: chat_id is empty"),
        ({"chat_id": UID, "text": "x" * 4097}, "Bad Request: message is too long"),
        (
            {"chat_id": UID, "text": "<b>x</b>" + "y" * 4096, "parse_mode": "HTML"},
            "Bad Request: message is too long",
        ),
        (
            {"chat_id": UID, "text": "a <blink>b</blink>", "parse_mode": "HTML"},
            'Bad Request: can\'t parse entities: Unsupported start tag "blink" at byte offset 2',
        ),
        (
            {"chat_id": UID, "text": "<b>open", "parse_mode": "HTML"},
            "Bad Request: can't parse entities: "
            'Can\'t find end tag corresponding to start tag "b"',
        ),
        (
            {
                "chat_id": UID,
                "text": "x",
                "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "z" * 65}]]},
            },
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        (
            {
                "chat_id": UID,
                "text": "x",
                "reply_markup": {"inline_keyboard": [[{"text": "Ы", "callback_data": "ы" * 33}]]},
            },
            "Bad Request: BUTTON_DATA_INVALID",  # 66 bytes in UTF-8
        ),
    ],
)
async def test_send_message_errors(http, aigul, params, description):
    status, body = await call(http, "sendMessage", **params)
    assert status == 400
    assert body == {"ok": False, "error_code": 400, "description": description}


async def test_text_limit_applies_after_entity_parsing(http, aigul):
    text = "<b>" + "y" * 4096 + "</b>"
    status, body = await call(http, "sendMessage", chat_id=UID, text=text, parse_mode="HTML")
    assert status == 200, body
    status, body = await call(http, "sendMessage", chat_id=UID, text="x" * 4096)
    assert status == 200


async def test_callback_data_of_64_bytes_is_fine(bot, aigul):
    await bot.send_message(UID, "x", reply_markup=keyboard(("A", "d" * 64)))


async def test_blocked_user_gives_403(bot, aigul):
    await aigul.block()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(UID, "hello?")
    await aigul.unblock()
    await bot.send_message(UID, "welcome back")


# -- edits, deletes, callback answers ----------------------------------------------------------
async def test_edit_text_and_markup(bot, aigul, http):
    msg = await bot.send_message(UID, "v1", reply_markup=keyboard(("A", "a")))
    b_markup = keyboard(("B", "b"))
    edited = await bot.edit_message_text("v2", UID, msg.message_id, reply_markup=b_markup)
    assert edited.text == "v2" and edited.edit_date is not None
    assert edited.reply_markup.inline_keyboard[0][0].text == "B"
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("v2", UID, msg.message_id, reply_markup=b_markup)
    # editing the text without reply_markup removes the keyboard, like Telegram
    plain = await bot.edit_message_text("v2", UID, msg.message_id)
    assert plain.reply_markup is None
    c_markup = keyboard(("C", "c"))
    again = await bot.edit_message_reply_markup(UID, msg.message_id, reply_markup=c_markup)
    assert again.reply_markup.inline_keyboard[0][0].callback_data == "c"
    status, body = await call(
        http,
        "editMessageReplyMarkup",
        chat_id=UID,
        message_id=msg.message_id,
        reply_markup={"inline_keyboard": [[{"text": "C", "callback_data": "c"}]]},
    )
    assert status == 400
    assert body["description"] == (
        "Bad Request: message is not modified: specified new message content and reply markup "
        "are exactly the same as a current content and reply markup of the message"
    )
    status, body = await call(http, "editMessageText", chat_id=UID, message_id=999, text="x")
    assert (status, body["description"]) == (400, "Bad Request: message to edit not found")


async def test_delete_message(bot, aigul, http):
    msg = await bot.send_message(UID, "bye")
    assert await bot.delete_message(UID, msg.message_id)
    status, body = await call(http, "deleteMessage", chat_id=UID, message_id=msg.message_id)
    assert (status, body["description"]) == (400, "Bad Request: message to delete not found")
    status, body = await call(
        http, "editMessageText", chat_id=UID, message_id=msg.message_id, text="zombie"
    )
    assert body["description"] == "Bad Request: message to edit not found"


async def test_answer_callback_query_once(bot, aigul):
    msg = await bot.send_message(UID, "pick", reply_markup=keyboard(("A", "a")))
    await aigul.click("A")
    updates = await bot.get_updates()
    query = next(u.callback_query for u in updates if u.callback_query)
    assert query.data == "a" and query.message.message_id == msg.message_id
    assert await query.answer("Saved", show_alert=True)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await query.answer("again")
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query("12345")


# -- files ---------------------------------------------------------------------------------------
async def test_document_round_trip(bot, aigul, http):
    data = bytes(range(256)) * 50
    msg = await bot.send_document(
        UID, data, filename="report.bin", caption="<b>R</b>", parse_mode="HTML"
    )
    assert msg.caption == "R" and msg.document.file_size == len(data)
    file = await bot.get_file(msg.document.file_id)
    assert bytes(await file.download_as_bytearray()) == data
    # resend by file_id
    again = await bot.send_document(UID, msg.document.file_id)
    assert again.document.file_id == msg.document.file_id
    status, body = await call(http, "sendDocument", chat_id=UID, document="no-such-id")
    assert body["description"] == "Bad Request: wrong file identifier/HTTP URL specified"
    status, body = await call(http, "getFile", file_id="no-such-id")
    assert (status, body["description"]) == (400, "Bad Request: invalid file_id")


async def test_user_upload_reaches_the_bot_and_downloads(bot, aigul):
    pdf = b"%PDF-1.4\n" + b"0" * 5000
    await aigul.upload_document("charter.pdf", pdf, "application/pdf", caption="Устав")
    updates = await bot.get_updates()
    doc_msg = updates[-1].message
    assert doc_msg.document.file_name == "charter.pdf"
    assert doc_msg.document.mime_type == "application/pdf"
    assert doc_msg.caption == "Устав"
    file = await doc_msg.document.get_file()
    assert bytes(await file.download_as_bytearray()) == pdf


async def test_photo_upload_by_bot(bot, aigul, http):
    msg = await bot.send_photo(UID, tiny_png(7, 5), caption="pic")
    assert (msg.photo[-1].width, msg.photo[-1].height) == (7, 5)
    file = await bot.get_file(msg.photo[-1].file_id)
    assert bytes(await file.download_as_bytearray()) == tiny_png(7, 5)
    resp = await http.post(
        f"/bot{TOKEN}/sendPhoto",
        data={"chat_id": str(UID)},
        files={"photo": ("x.jpg", b"not an image", "image/jpeg")},
    )
    assert resp.json()["description"] == "Bad Request: IMAGE_PROCESS_FAILED"
    status, _ = await call(http, "sendMessage", chat_id=UID, text="x", caption="y" * 2000)
    assert status == 200  # caption is not a sendMessage parameter (only recorded)


async def test_caption_limit(http, aigul):
    resp = await http.post(
        f"/bot{TOKEN}/sendDocument",
        data={"chat_id": str(UID), "caption": "c" * 1025},
        files={"document": ("a.txt", b"abc", "text/plain")},
    )
    assert resp.status_code == 400
    assert resp.json()["description"] == "Bad Request: message caption is too long"


async def test_get_file_too_big(http, standin):
    big = standin.world.add_file(b"\0" * (20 * 1024 * 1024 + 1), "document", "big.bin")
    status, body = await call(http, "getFile", file_id=big.file_id)
    assert (status, body["description"]) == (400, "Bad Request: file is too big")


async def test_upload_over_50_mb_is_413(http, aigul):
    resp = await http.post(
        f"/bot{TOKEN}/sendDocument",
        data={"chat_id": str(UID)},
        files={"document": ("huge.bin", b"\0" * (52 * 1024 * 1024), "application/octet-stream")},
    )
    assert resp.status_code == 413
    body = resp.json()
    assert (body["error_code"], body["description"]) == (413, "Request Entity Too Large")


async def test_file_download_needs_a_valid_token_and_path(http, standin):
    stored = standin.world.add_file(b"abc", "document", "a.txt")
    ok = await http.get(f"/file/bot{TOKEN}/{stored.file_path}")
    assert ok.content == b"abc"
    assert (await http.get(f"/file/botbad/{stored.file_path}")).status_code == 401
    assert (await http.get(f"/file/bot{TOKEN}/documents/nope.txt")).status_code == 404


# -- commands, chat actions, misc ----------------------------------------------------------------
async def test_commands_per_scope_and_language(bot, aigul, http):
    assert await bot.set_my_commands([("start", "Start"), ("help", "Help")])
    assert await bot.set_my_commands([("start", "Баштоо")], language_code="ky")
    assert await bot.set_my_commands([("admin", "Admin")], scope=BotCommandScopeChat(UID))
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    assert [c.description for c in await bot.get_my_commands(language_code="ky")] == ["Баштоо"]
    assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeChat(UID))] == [
        "admin"
    ]
    assert await bot.delete_my_commands(language_code="ky")
    assert await bot.get_my_commands(language_code="ky") == ()
    status, body = await call(
        http, "setMyCommands", commands=[{"command": "Bad Cmd", "description": "x"}]
    )
    assert (status, body["description"]) == (400, "Bad Request: BOT_COMMAND_INVALID")


async def test_chat_action(bot, aigul, http, standin):
    assert await bot.send_chat_action(UID, "typing")
    assert standin.world.chat_actions[UID] == "typing"
    status, body = await call(http, "sendChatAction", chat_id=UID, action="dancing")
    assert (status, body["description"]) == (400, "Bad Request: wrong parameter action in request")


async def test_close_and_log_out(http):
    for method in ("close", "logOut"):
        status, body = await call(http, method)
        assert (status, body) == (200, {"ok": True, "result": True})


async def test_unimplemented_but_real_method_is_a_clear_400(http):
    status, body = await call(http, "sendPoll", chat_id=UID, question="q", options=[])
    assert status == 400
    assert "not implemented by the sandbox" in body["description"]


# -- channels --------------------------------------------------------------------------------------
CHANNEL = -1009876543210


async def test_posting_to_a_channel_and_reading_the_bots_place_in_it(bot, sb, aigul):
    await sb.set_channel(CHANNEL, title="Каракол ГСЗ", username="karakol_ssp")
    me = await bot.get_me()
    chat = await bot.get_chat("@karakol_ssp")
    assert (chat.id, chat.type, chat.title) == (CHANNEL, "channel", "Каракол ГСЗ")
    member = await bot.get_chat_member(CHANNEL, me.id)
    assert member.status == "administrator" and member.can_post_messages is True
    post = await bot.send_message("@karakol_ssp", "<b>New call</b>", parse_mode="HTML")
    assert post.chat.id == CHANNEL and post.sender_chat.id == CHANNEL and post.from_user is None
    [stored] = await sb.channel_posts(CHANNEL)
    assert stored["text"] == "New call" and stored["from"] == "bot"
    # A user forwards a post: the bot learns the channel from forward_origin.
    await aigul.forward_channel_post(CHANNEL, "forwarded")
    [update] = [u for u in await bot.get_updates(timeout=0) if u.message.forward_origin]
    assert update.message.forward_origin.chat.id == CHANNEL


async def test_a_channel_refuses_a_bot_without_the_right_to_post(bot, sb):
    me = await bot.get_me()
    await sb.set_channel(CHANNEL, title="Private", bot_status="administrator")
    await sb.set_channel(CHANNEL, can_post_messages=False)
    assert (await bot.get_chat_member(CHANNEL, me.id)).can_post_messages is False
    with pytest.raises(BadRequest, match=r"[Nn]eed administrator rights in the channel chat"):
        await bot.send_message(CHANNEL, "x")
    await sb.set_channel(CHANNEL, bot_status="left")
    with pytest.raises(Forbidden, match=r"[Bb]ot is not a member of the channel chat"):
        await bot.send_message(CHANNEL, "x")
    # A private channel (no username) the bot is not in cannot be found at all.
    with pytest.raises(BadRequest, match=r"[Cc]hat not found"):
        await bot.get_chat(CHANNEL)
    with pytest.raises(BadRequest, match=r"[Cc]hat not found"):
        await bot.get_chat_member(CHANNEL, me.id)
    await sb.set_channel(CHANNEL, bot_status="kicked", username="was_public")
    assert (await bot.get_chat_member(CHANNEL, me.id)).status == "kicked"
    with pytest.raises(Forbidden, match="kicked from the channel chat"):
        await bot.send_message("@was_public", "x")
    assert await sb.channel_posts(CHANNEL) == []


# -- faults ----------------------------------------------------------------------------------------
# python-telegram-bot itself reads RetryAfter.retry_after while raising it (deprecated int form)
@pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")
async def test_rate_ceiling_gives_429_with_retry_after(bot, aigul, sb, http):
    await sb.set_faults(max_messages_per_second=2, retry_after=3)
    await bot.send_message(UID, "1")
    await bot.send_message(UID, "2")
    status, body = await call(http, "sendMessage", chat_id=UID, text="3")
    assert status == 429
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    with pytest.raises(RetryAfter, match="Retry in 3"):
        await bot.edit_message_text("x", UID, 2)
    assert await bot.get_me()  # other methods are not limited


async def test_latency_and_error_rate(bot, sb, http):
    await sb.set_faults(latency_ms=200)
    started = time.monotonic()
    await bot.get_me()
    assert time.monotonic() - started >= 0.2
    await sb.set_faults(error_rate=1.0, seed=7)
    resp = await http.post(f"/bot{TOKEN}/getMe")
    assert resp.status_code in (500, 502)
    assert resp.json()["ok"] is False
    with pytest.raises(telegram.error.NetworkError):
        await bot.get_me()
    await sb.set_faults()  # {} resets
    assert (await sb.faults())["error_rate"] == 0
    assert await bot.get_me()


async def test_unsupported_methods_answer_404(bot, sb, http):
    await sb.set_faults(unsupported_methods=["setMyCommands"])
    status, body = await call(http, "SETMYCOMMANDS", commands=[])
    assert (status, body["description"]) == (404, "Not Found")
    with pytest.raises(InvalidToken):  # how python-telegram-bot reports a 404
        await bot.set_my_commands([("start", "Start")])
    assert await bot.get_my_commands() == ()
    await sb.set_faults()
    assert await bot.set_my_commands([("start", "Start")])


async def test_error_rate_is_seedable(sb, http):
    async def pattern() -> list[int]:
        await sb.set_faults(error_rate=0.5, seed=42)
        return [(await http.post(f"/bot{TOKEN}/getMe")).status_code for _ in range(12)]

    first, second = await pattern(), await pattern()
    assert first == second
    assert 200 in first and any(s >= 500 for s in first)


# -- the call record -------------------------------------------------------------------------------
async def test_call_record(bot, aigul, sb, http):
    await sb.clear_calls()
    await bot.send_message(UID, "hello")
    await bot.send_document(UID, b"x" * 1234, filename="f.txt")
    await call(http, "sendMessage", chat_id=424242, text="x")
    calls = await sb.calls()
    assert [c["method"] for c in calls] == ["sendMessage", "sendDocument", "sendMessage"]
    first, upload, failed = calls
    assert first["params"]["text"] == "hello" and first["status"] == 200
    assert upload["params"]["document"] == {
        "upload": True,
        "file_name": "f.txt",
        "size": 1234,
        "mime_type": "text/plain",
    }
    assert failed["status"] == 400 and failed["error"] == "Bad Request: chat not found"
    for c in calls:
        assert c["t_wall"] > 1e9 and c["t_mono"] > 0
    assert TOKEN not in json.dumps(calls) and "TEST-token" not in json.dumps(calls)
    assert len(await sb.calls(method="sendDocument")) == 1
    await sb.clear_calls()
    assert await sb.calls() == []


async def test_spec_problems_are_recorded_not_enforced(http, aigul, sb, bot):
    await sb.clear_calls()
    await bot.send_message(UID, "clean", reply_markup=keyboard(("A", "a")))
    assert await sb.spec_problems() == []  # python-telegram-bot's calls are spec-clean
    status, _ = await call(http, "sendMessage", chat_id=UID, text="x", colour="red")
    assert status == 200
    problems = await sb.spec_problems()
    assert [p["problem"] for p in problems] == ["sendMessage: unknown parameter 'colour'"]
    await call(http, "sendMessage", chat_id=UID)
    problems = await sb.spec_problems()
    assert "sendMessage: missing required parameter 'text'" in [p["problem"] for p in problems]


async def test_abandoned_long_poll_is_dropped_not_answered_409(http, sb, bot):
    poll = asyncio.create_task(http.post(f"/bot{TOKEN}/getUpdates", json={"timeout": 20}))
    await asyncio.sleep(0.2)
    poll.cancel()  # the client hangs up, like python-telegram-bot stopping its updater
    with pytest.raises(asyncio.CancelledError):
        await poll
    for _ in range(100):  # the server notices the hang-up asynchronously
        calls = await sb.calls(method="getUpdates")
        if calls:
            break
        await asyncio.sleep(0.02)
    assert [(c["status"], c["error"]) for c in calls] == [(499, "client closed the request")]
    assert await bot.get_updates(timeout=0) == ()  # no 409 from the dropped poll


def test_cli_serves_until_interrupted():
    import signal
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        first = proc.stdout.readline()
        assert first.startswith("Bot API stand-in listening on http://127.0.0.1:")
        url = first.split()[-1]
        assert httpx.get(f"{url}/sandbox/", timeout=5).json()["ok"] is True
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
        assert "stand-in stopped" in proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
