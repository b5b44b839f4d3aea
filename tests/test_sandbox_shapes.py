"""Every result and update the stand-in produces has exactly the shape api.json documents."""

from __future__ import annotations

import json

import httpx
import pytest

from sandbox import SandboxClient, StandIn, spec
from sandbox.botapi import BotApi
from sandbox.images import tiny_png
from sandbox.world import World

TOKEN = "4242:shape-check"
UID = 5005


# -- the validator itself must be able to fail -------------------------------------------------
GOOD_USER = {"id": 1, "is_bot": False, "first_name": "A"}


def test_validator_accepts_a_good_object():
    msg = {
        "message_id": 1,
        "from": GOOD_USER,
        "chat": {"id": 1, "type": "private", "first_name": "A"},
        "date": 1,
        "text": "hi",
        "entities": [{"type": "bold", "offset": 0, "length": 2}],
        "reply_markup": {"inline_keyboard": [[{"text": "x", "callback_data": "y"}]]},
    }
    assert spec.validate(msg, "Message") == []


@pytest.mark.parametrize(
    ("value", "types", "needle"),
    [
        ({"id": 1, "is_bot": False}, "User", "lacks required field 'first_name'"),
        ({**GOOD_USER, "nickname": "a"}, "User", "has no field 'nickname'"),
        ({**GOOD_USER, "id": "1"}, "User", "expected Integer"),
        ({**GOOD_USER, "id": True}, "User", "expected Integer"),  # bool is not an Integer
        ({**GOOD_USER, "is_bot": 1}, "User", "expected Boolean"),
        ({**GOOD_USER, "first_name": None}, "User", "expected String"),
        ([GOOD_USER, {"id": 2}], "Array of User", "$[1]"),
        ({"inline_keyboard": [{"text": "x"}]}, "InlineKeyboardMarkup", "expected Array of"),
        (
            {"inline_keyboard": [[{"text": "x", "callback_data": 5}]]},
            "InlineKeyboardMarkup",
            "inline_keyboard[0][0].callback_data",
        ),
        ({"file_id": "a", "file_unique_id": "b", "width": 1.5, "height": 1}, "PhotoSize", "width"),
        ("abc", ["Integer", "Boolean"], "matches none of Integer or Boolean"),
        ({"status": "member"}, "ChatMember", "matches none of"),
        ({"status": "kicked", "user": GOOD_USER}, "ChatMemberBanned", "until_date"),
        ("1.5", "Float", "expected Float"),
        (False, "True", "expected True"),
        ({"message_id": 1}, "Message", "lacks required field 'date'"),
    ],
)
def test_validator_rejects_broken_objects(value, types, needle):
    problems = spec.validate(value, types)
    assert problems, f"{value!r} should not pass as {types}"
    assert any(needle in p for p in problems), problems


def test_validator_handles_unions_and_subtypes():
    assert spec.validate(5, ["Integer", "String"]) == []
    assert spec.validate("@chan", ["Integer", "String"]) == []
    assert spec.validate(2.5, "Float") == [] and spec.validate(2, "Float") == []
    banned = {"status": "kicked", "user": GOOD_USER, "until_date": 0}
    assert spec.validate(banned, "ChatMember") == []
    inaccessible = {"chat": {"id": 1, "type": "private"}, "message_id": 3, "date": 0}
    assert spec.validate(inaccessible, "MaybeInaccessibleMessage") == []
    assert spec.validate([[GOOD_USER]], "Array of Array of User") == []


def test_check_call():
    assert spec.check_call("sendMessage", {"chat_id": 1, "text": "x"}) == []
    assert spec.check_call("SENDMESSAGE", {"chat_id": 1, "text": "x"}) == []
    assert spec.check_call("sendMessage", {"chat_id": 1}) == [
        "sendMessage: missing required parameter 'text'"
    ]
    assert spec.check_call("fly", {}) == ["unknown method 'fly'"]


def test_spec_is_loaded_from_the_package():
    assert spec.SPEC_PATH.parent.parent.name == "sandbox"
    assert spec.load_spec()["version"].startswith("Bot API")
    assert (spec.SPEC_PATH.parent / "LICENSE").exists()


# -- the stand-in's real output -----------------------------------------------------------------
class Checker:
    """Calls methods over raw HTTP and validates each result against api.json."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.checked: set[str] = set()

    async def __call__(self, method: str, files: dict | None = None, **params):
        if files:
            form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
            resp = await self.http.post(f"/bot{TOKEN}/{method}", data=form, files=files)
        else:
            resp = await self.http.post(f"/bot{TOKEN}/{method}", json=params)
        body = resp.json()
        assert resp.status_code == 200 and body["ok"] is True, (method, body)
        assert set(body) <= {"ok", "result", "description"}
        problems = spec.validate_result(method, body["result"])
        assert problems == [], (method, problems)
        self.checked.add(spec.canonical_method(method))
        return body["result"]


@pytest.fixture
async def setup():
    async with (
        StandIn(seed=5) as standin,
        SandboxClient(standin.url) as sb,
        httpx.AsyncClient(base_url=standin.url, timeout=10, verify=False) as http,
    ):
        yield standin, sb, Checker(http)


async def test_every_result_and_update_matches_the_spec(setup):
    standin, sb, check = setup
    user = sb.user(UID, first_name="Aigul", last_name="A", username="aigul", language_code="ky")
    await check("getMe")
    await user.send("/start payload")
    updates: list[dict] = []

    async def pull() -> None:
        got = await check("getUpdates", timeout=0)
        updates.extend(got)
        if got:
            await check("getUpdates", offset=got[-1]["update_id"] + 1)

    await pull()
    kb = {
        "inline_keyboard": [
            [{"text": "A", "callback_data": "a"}, {"text": "Site", "url": "https://example.org"}]
        ]
    }
    html = (
        '<b>b</b> <i>i</i> <u>u</u> <s>s</s> <tg-spoiler>sp</tg-spoiler> <a href="https://x.kg">'
        'l</a> <a href="tg://user?id=5005">m</a> <code>c</code> <pre><code class="language-py">'
        "p</code></pre> <blockquote expandable>q</blockquote> "
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
    )
    m1 = await check(
        "sendMessage",
        chat_id=UID,
        text=html,
        parse_mode="HTML",
        reply_markup=kb,
        protect_content=True,
        link_preview_options={"is_disabled": True},
    )
    assert {e["type"] for e in m1["entities"]} >= {"bold", "text_link", "pre", "custom_emoji"}
    reply_kb = {
        "keyboard": [[{"text": "Phone", "request_contact": True}], ["Skip"]],
        "resize_keyboard": True,
        "one_time_keyboard": True,
    }
    m2 = await check(
        "sendMessage",
        chat_id=UID,
        text="phone?",
        reply_markup=reply_kb,
        reply_parameters={"message_id": m1["message_id"]},
    )
    assert m2["reply_to_message"]["message_id"] == m1["message_id"]
    await check("sendMessage", chat_id=UID, text="x", reply_markup={"force_reply": True})
    await check("sendMessage", chat_id=UID, text="y", reply_markup={"remove_keyboard": True})
    await check(
        "sendMessage",
        chat_id=UID,
        text="plain",
        entities=[{"type": "bold", "offset": 0, "length": 5}],
    )
    doc = await check(
        "sendDocument",
        chat_id=UID,
        caption="<i>c</i>",
        parse_mode="HTML",
        reply_markup=kb,
        files={"document": ("r.pdf", b"%PDF", "application/pdf")},
    )
    photo = await check(
        "sendPhoto", chat_id=UID, files={"photo": ("p.png", tiny_png(4, 3), "image/png")}
    )
    await check("sendDocument", chat_id=UID, document=doc["document"]["file_id"])
    await user.click("A", message_id=doc["message_id"])  # before the edits drop the keyboard
    await check("sendPhoto", chat_id=UID, photo=photo["photo"][-1]["file_id"], caption="again")
    await check(
        "editMessageText", chat_id=UID, message_id=m1["message_id"], text="edited", reply_markup=kb
    )
    await check("editMessageReplyMarkup", chat_id=UID, message_id=m1["message_id"])
    await check("editMessageCaption", chat_id=UID, message_id=doc["message_id"], caption="new")
    await check("getFile", file_id=doc["document"]["file_id"])
    await check("sendChatAction", chat_id=UID, action="typing")

    # channels: a post, the chat, the bot's place in it (administrator, left, kicked)
    channel = -1001234567890
    await sb.set_channel(channel, title="Karakol SSP", username="karakol_ssp")
    post = await check("sendMessage", chat_id="@karakol_ssp", text="<b>call</b>", parse_mode="HTML")
    assert post["chat"]["type"] == "channel" and "from" not in post
    assert post["sender_chat"]["id"] == channel
    await check("sendMessage", chat_id=channel, text="again", reply_markup=kb)
    assert (await check("getChat", chat_id="@karakol_ssp"))["id"] == channel
    await check("getChat", chat_id=UID)
    bot_id = int(TOKEN.split(":")[0])
    admin = await check("getChatMember", chat_id=channel, user_id=bot_id)
    assert admin["status"] == "administrator" and admin["can_post_messages"] is True
    await check("getChatMember", chat_id=UID, user_id=UID)
    await sb.set_channel(channel, bot_status="left")
    assert (await check("getChatMember", chat_id=channel, user_id=bot_id))["status"] == "left"
    await sb.set_channel(channel, bot_status="kicked")
    assert (await check("getChatMember", chat_id=channel, user_id=bot_id))["status"] == "kicked"
    await sb.set_channel(channel, bot_status="administrator")

    # user-side updates of every kind the sandbox produces
    await user.forward_channel_post(channel, "a post of the channel")
    await user.demote_bot_in_channel(channel)  # my_chat_member for the channel
    await user.remove_bot_from_channel(channel, ban=True)
    await user.set_bot_in_channel(channel, "administrator")
    await user.send("reply text", reply_to_message_id=m2["message_id"])
    await user.click_data(99999, "forged")
    await user.share_contact("+996700123456")
    await user.upload_document("charter.pdf", b"%PDF-1.4", "application/pdf", caption="cap")
    await user.upload_photo("scan.png", tiny_png(9, 9))
    await user.upload_photo("unknown.jpg", b"not really an image")
    await user.block()
    await user.unblock()
    await pull()
    cq = next(u["callback_query"] for u in updates if "callback_query" in u)
    await check("answerCallbackQuery", callback_query_id=cq["id"], text="ok", show_alert=True)
    await check("deleteMessage", chat_id=UID, message_id=m2["message_id"])

    # commands, profile texts, menu button, webhook, lifecycle
    await check(
        "setMyCommands",
        commands=[{"command": "start", "description": "Start"}],
        scope={"type": "all_private_chats"},
        language_code="ru",
    )
    await check("getMyCommands", scope={"type": "all_private_chats"}, language_code="ru")
    await check("deleteMyCommands", scope={"type": "all_private_chats"}, language_code="ru")
    await check("setMyDescription", description="SSP bot", language_code="ky")
    await check("getMyDescription", language_code="ky")
    await check("setMyShortDescription", short_description="SSP")
    await check("getMyShortDescription")
    await check("setMyName", name="SSP")
    await check("getMyName")
    await check("setChatMenuButton", chat_id=UID, menu_button={"type": "commands"})
    await check("getChatMenuButton", chat_id=UID)
    await check("getWebhookInfo")
    await check(
        "setWebhook",
        url="http://127.0.0.1:9/hook",
        secret_token="abc",
        allowed_updates=["message"],
        max_connections=5,
    )
    await user.send("queued for the (unreachable) webhook")
    await standin.world.wait_for(lambda: standin.world.webhook.last_error_date, 10)
    info = await check("getWebhookInfo")
    assert info["pending_update_count"] == 1 and info["last_error_message"]
    await check("deleteWebhook", drop_pending_updates=True)
    await check("close")
    await check("logOut")

    chats = [u["my_chat_member"]["chat"]["type"] for u in updates if "my_chat_member" in u]
    assert chats.count("channel") == 3
    kinds = {next(k for k in u if k != "update_id") for u in updates}
    assert kinds == {"message", "callback_query", "my_chat_member"}
    messages = [u["message"] for u in updates if "message" in u]
    for field in ("text", "entities", "reply_to_message", "contact", "document", "photo"):
        assert any(field in m for m in messages), field
    assert any(
        "message" in u.get("callback_query", {}) and u["callback_query"]["message"]["date"] == 0
        for u in updates
    )
    for update in updates:
        assert spec.validate(update, "Update") == [], update

    implemented = {spec.canonical_method(name) for name in BotApi(World()).methods}
    assert implemented - check.checked == set()
    assert await sb.spec_problems() == []


async def test_error_bodies_have_telegram_shape(setup):
    _, sb, check = setup
    for method, params in [("sendMessage", {"chat_id": 1, "text": "x"}), ("nope", {})]:
        resp = await check.http.post(f"/bot{TOKEN}/{method}", json=params)
        body = resp.json()
        assert set(body) == {"ok", "error_code", "description"}
        assert body["ok"] is False and body["error_code"] == resp.status_code
    await sb.set_faults(max_messages_per_second=1, retry_after=2)
    await sb.user(UID, first_name="A").send("hi")
    await check("sendMessage", chat_id=UID, text="1")
    resp = await check.http.post(f"/bot{TOKEN}/sendMessage", json={"chat_id": UID, "text": "2"})
    body = resp.json()
    assert spec.validate(body["parameters"], "ResponseParameters") == []
