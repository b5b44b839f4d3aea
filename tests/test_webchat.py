"""The chat page's server side, without a browser: the page and its files are served with a
strict Content-Security-Policy and load nothing from elsewhere; personas (registered, other
users, new blank ones with any name kept as given text); the bot's polling status; extra routes
and panels a host registers; and the demo's outbox view over the demo database."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import aiohttp
import pytest

from bot.demo import GUIDE, OUTBOX_ROUTE, REMINDERS_ROUTE, demo_page
from bot.demo_data import PERSONAS
from bot.demo_story import DECIDED_CALL_TITLE
from bot.i18n import t
from bot.settings import Settings
from sandbox import SandboxClient, StandIn
from sandbox.webchat import STATIC
from tests.flows import answer, choose, messages, settle

EVIL_NAME = "<img src=x onerror=alert(1)>"


async def get_json(session: aiohttp.ClientSession, url: str) -> dict:
    async with session.get(url) as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def test_the_page_and_its_files_load_nothing_from_elsewhere() -> None:
    async with StandIn() as standin, aiohttp.ClientSession() as http:
        async with http.get(standin.url + "/") as response:
            assert response.status == 200
            assert response.content_type == "text/html"
            policy = response.headers["Content-Security-Policy"]
            page = await response.text()
        assert "default-src 'self'" in policy and "script-src 'self'" in policy
        for name in ("app.js", "style.css"):
            async with http.get(f"{standin.url}/static/{name}") as response:
                assert response.status == 200, name
        for bad in ("../webchat.py", ".hidden", "missing.js"):
            async with http.get(f"{standin.url}/static/{bad}") as response:
                assert response.status == 404, bad
    assert 'src="/static/app.js"' in page
    for path in STATIC.iterdir():
        text = path.read_text(encoding="utf-8")
        # No CDN, font or script from another host; the page builds nodes, never parses HTML.
        assert not re.search(r"(src|href)=\"(https?:)?//", text), path.name
        assert "@import" not in text and "url(http" not in text, path.name
        assert "innerHTML" not in text and "outerHTML" not in text, path.name
        assert "insertAdjacentHTML" not in text and "document.write" not in text, path.name


async def test_personas_registered_other_users_and_new_blank_ones() -> None:
    async with StandIn() as standin, aiohttp.ClientSession() as http:
        standin.webchat.add_persona(7, "Aigerim", "ru", "NCO leader")
        async with SandboxClient(standin.url) as sb:
            await sb.user(9, first_name="Walk-in", language_code="en").send("hello")
        listed = (await get_json(http, standin.url + "/webchat/personas"))["personas"]
        assert listed == [
            {"id": 7, "first_name": "Aigerim", "language_code": "ru", "role": "NCO leader"},
            {"id": 9, "first_name": "Walk-in", "language_code": "en", "role": ""},
        ]
        async with http.post(
            standin.url + "/webchat/personas",
            json={"first_name": f"  {EVIL_NAME}  ", "language_code": "xx"},
        ) as response:
            created = (await response.json())["persona"]
        assert created == {
            "id": 5001,
            "first_name": EVIL_NAME,
            "language_code": None,
            "role": "New user",
        }
        assert standin.world.users[5001].first_name == EVIL_NAME
        async with http.post(standin.url + "/webchat/personas", json={}) as response:
            second = (await response.json())["persona"]
        assert (second["id"], second["first_name"]) == (5002, "New user")
        async with http.post(standin.url + "/webchat/personas", data="[1]") as response:
            assert response.status == 400


async def test_status_says_whether_the_bot_polls_and_lists_panels() -> None:
    async with StandIn() as standin, aiohttp.ClientSession() as http:
        standin.webchat.add_panel("outbox", "Outbox", "/demo/outbox")
        standin.webchat.notes.append("Reminders are not implemented.")
        status = await get_json(http, standin.url + "/webchat/status")
        assert status["bot_online"] is False and status["polled_seconds_ago"] is None
        assert status["panels"] == [{"key": "outbox", "title": "Outbox", "url": "/demo/outbox"}]
        assert status["notes"] == ["Reminders are not implemented."]
        async with http.get(f"{standin.url}/bot123:abc/getUpdates?timeout=0") as response:
            assert response.status == 200
        status = await get_json(http, standin.url + "/webchat/status")
        assert status["bot_online"] is True
        assert status["bot"]["username"] == "ssp_test_bot"
        instance = status["instance"]
    async with StandIn() as again, aiohttp.ClientSession() as http:
        # A restarted stand-in is another instance: the page reloads everything.
        assert (await get_json(http, again.url + "/webchat/status"))["instance"] != instance


async def test_extra_routes_are_added_before_start() -> None:
    from aiohttp import web

    async def hello(request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "hello": "world"})

    standin = StandIn()
    standin.extra_routes.append(web.get("/extra/hello", hello))
    async with standin, aiohttp.ClientSession() as http:
        assert (await get_json(http, standin.url + "/extra/hello"))["hello"] == "world"


async def test_the_demo_registers_its_cast_and_counts_the_outbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings(_env_file=None)
    database = tmp_path / "demo.sqlite3"
    async with (
        demo_page(settings, reset=True, port=0, database=database) as page,
        aiohttp.ClientSession() as http,
    ):
        personas = (await get_json(http, page.url + "/webchat/personas"))["personas"]
        assert [p["id"] for p in personas] == [p.telegram_id for p in PERSONAS]
        status = await get_json(http, page.url + "/webchat/status")
        assert status["panels"][0]["url"] == OUTBOX_ROUTE
        assert status["panels"][1] == {
            "key": "reminders",
            "title": "Reminders",
            "url": REMINDERS_ROUTE,
        }
        assert status["notes"] == list(GUIDE)
        for _ in range(50):
            if (await get_json(http, page.url + "/webchat/status"))["bot_online"]:
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the demo's bot never polled")
        # No broadcast yet; the decided call's story (admissions, the decision to the two
        # winners, a filed report to the staff) was delivered before the page opened.
        assert (await get_json(http, page.url + OUTBOX_ROUTE))["broadcasts"] == [
            {"id": None, "kind": "single", "label": "single messages", "counts": {"sent": 5}}
        ]
        assert not page.reused

        # An announcement by the staff member goes through the outbox to the NCO leaders.
        async with SandboxClient(page.url) as sb:
            staff = sb.user(2101, first_name="Gulmira", language_code="en")
            await staff.skip_replies()  # the story's "a report was filed"
            await staff.send("/staff")
            await staff.next_reply(timeout=10)
            await choose(staff, t("en", "staff-announce"))
            await answer(staff, "Information session for NCOs on Friday at 10:00, city hall.")
            leader = sb.user(2001, first_name="Aigerim", language_code="ru")
            await leader.skip_replies()  # the story's messages
            await choose(staff, t("en", "wz-send"))
            got = await leader.next_reply(timeout=15)
            assert "Information session" in got.text
        for _ in range(100):
            rows = (await get_json(http, page.url + OUTBOX_ROUTE))["broadcasts"]
            if rows and rows[0]["counts"].get("sent") == 3:
                break
            await asyncio.sleep(0.1)
        assert rows[0]["kind"] == "announcement"
        assert rows[0]["counts"] == {"sent": 3}, rows

    # A second run reuses the database and writes the cast only once.
    async with demo_page(settings, port=0, database=database) as page:
        assert page.reused


async def test_the_demo_runs_due_reminders_as_if_time_had_passed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The helpers' control: reminders due within N hours go now, through the outbox; the
    outbox view counts them. Bad values are refused and change nothing."""
    monkeypatch.chdir(tmp_path)
    settings = Settings(_env_file=None)
    async with (
        demo_page(settings, reset=True, port=0, database=tmp_path / "demo.sqlite3") as page,
        aiohttp.ClientSession() as http,
    ):
        for bad in ({"hours": -1}, {"hours": "soon"}, {}, {"hours": 10**9}):
            async with http.post(page.url + REMINDERS_ROUTE, json=bad) as response:
                assert response.status == 400
                assert (await response.json())["ok"] is False
        async with http.post(page.url + REMINDERS_ROUTE, json={"hours": 1}) as response:
            assert (await response.json()) == {"ok": True, "hours": 1.0, "counts": {}}
        # The open call closes in 14 days: its 2-day reminders fall due within 300 hours.
        async with http.post(page.url + REMINDERS_ROUTE, json={"hours": 300}) as response:
            body = await response.json()
        assert body["ok"] and body["counts"].get("sent", 0) >= 1, body
        sent = body["counts"]["sent"]
        async with SandboxClient(page.url) as sb:
            leader = sb.user(2001, first_name="Aigerim", language_code="ru")
            # Her reminders of this run: the open call's, and her next report's.
            texts = []
            while not any("Вы ещё не начали заявку" in text for text in texts):
                texts.append((await leader.next_reply(timeout=15)).text)
            opened = next(text for text in texts if "Вы ещё не начали заявку" in text)
            assert opened.startswith("⏰")
        for _ in range(100):
            rows = (await get_json(http, page.url + OUTBOX_ROUTE))["broadcasts"]
            reminders = [row for row in rows if row["kind"] == "reminders"]
            if reminders and reminders[0]["counts"].get("sent") == sent:
                break
            await asyncio.sleep(0.1)
        assert reminders[0]["counts"] == {"sent": sent}, rows
        # Running it again sends nothing twice.
        async with http.post(page.url + REMINDERS_ROUTE, json={"hours": 300}) as response:
            assert (await response.json())["counts"] == {}


async def test_the_demo_walks_the_reporting_cycle_of_its_decided_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The decided call of the demo database, over real HTTP: Dinara's /reports shows her
    overdue report and the next one; Gulmira's /reports opens the call's table, then Aigerim's
    filed report, and accepts it; Aigerim is told in Russian."""
    monkeypatch.chdir(tmp_path)
    settings = Settings(_env_file=None)
    title = DECIDED_CALL_TITLE["en"]
    first, second = (t("en", "rep-name-periodic", number=n) for n in (1, 2))
    async with (
        demo_page(settings, reset=True, port=0, database=tmp_path / "demo.sqlite3") as page,
        SandboxClient(page.url) as sb,
    ):
        dinara = sb.user(2003, first_name="Dinara", language_code="en")
        gulmira = sb.user(2101, first_name="Gulmira", language_code="en")
        aigerim = sb.user(2001, first_name="Aigerim", language_code="ru")
        for user in (dinara, gulmira, aigerim):
            await user.skip_replies()  # the story's messages

        [listing] = await answer(dinara, "/reports")
        lines = listing.text.splitlines()
        assert any(first in line and t("en", "rep-state-overdue") in line for line in lines)
        assert any(second in line and line.endswith(t("en", "rep-state-due")) for line in lines)
        assert f"📝 {first} · {title}" in listing.button_data

        [calls] = await answer(gulmira, "/reports")
        assert calls.text == t("en", "rep-staff-calls")
        [table] = await choose(gulmira, title)
        counts = t("en", "rep-table-counts", due=4, overdue=1, filed=1, changes_requested=0,
                   accepted=0)  # fmt: skip
        assert counts in table.text
        filed = next(label for label in table.button_data if "ОФ «Мээрим»" in label)
        assert filed.startswith("📨") and first in filed
        [report] = await choose(gulmira, filed)
        assert "Провели 40 занятий продлёнки" in report.text
        await gulmira.click(t("en", "rep-accept"))
        accepted = messages(await settle(gulmira, messages=2))
        assert accepted[0].text.startswith("✅")
        assert "Accepted: 1" in accepted[1].text

        told = await aigerim.next_reply(timeout=20)
        name = t("ru", "rep-name-periodic", number=1)
        assert told.text == t("ru", "rep-nco-accepted", report=name, title=DECIDED_CALL_TITLE["ru"])
