"""The public feed of open calls over HTTP: JSON Feed and Atom (parsed by feedparser), in the
requested language, with caching headers and 304s; nothing personal; hostile query strings get
400 and change nothing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer
from sqlmodel import select

from bot.feeds import ATOM_PATH, JSON_PATH, add_feed_routes
from bot.i18n import t
from storage.db import Database
from storage.models import Competition
from storage.types import utcnow
from tests.flows import published_call

BISHKEK = ZoneInfo("Asia/Bishkek")

feedparser = pytest.importorskip(
    "feedparser", reason="feedparser is not installed: pip install -e '.[dev]'"
)

BOT = "ssp_test_bot"
TITLE = "Support for children <of> labour migrants & families"


@pytest.fixture
async def calls(seeded_database: Database) -> dict[str, int]:
    """One open call in Karakol; a draft, a cancelled call and one past its deadline."""
    db = seeded_database
    open_call = await published_call(db, "karakol", "migrant-children", TITLE)
    await published_call(db, "batken", "waste", "A draft", status="draft")
    await published_call(db, "batken", "waste", "A cancelled call", status="cancelled")
    late = await published_call(db, "kochkor-ata", "teenagers", "Too late")
    async with db.session() as session:
        row = await session.get(Competition, late.id)
        row.deadline_at = utcnow() - timedelta(minutes=1)
        session.add(row)
        await session.commit()
    return {"open": open_call.id}


@pytest.fixture
async def http(seeded_database: Database, calls) -> AsyncIterator[tuple[ClientSession, str]]:
    app = web.Application()
    add_feed_routes(
        app,
        seeded_database,
        default_language="ru",
        bot_username=lambda: BOT,
        base_url="https://ssp.example.kg",
    )
    server = TestServer(app)
    await server.start_server()
    async with ClientSession() as client:
        yield client, str(server.make_url("")).rstrip("/")
    await server.close()


async def test_the_json_feed_lists_open_calls_only_with_caching_headers(http, calls) -> None:
    client, base = http
    async with client.get(f"{base}{JSON_PATH}?lang=en") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("application/feed+json")
        assert response.headers["Cache-Control"] == "public, max-age=300"
        assert response.headers["Content-Language"] == "en"
        etag, modified = response.headers["ETag"], response.headers["Last-Modified"]
        body = json.loads(await response.text())
    assert body["version"] == "https://jsonfeed.org/version/1.1"
    assert body["title"] == t("en", "feed-title")
    [item] = body["items"]
    assert item["title"] == TITLE
    assert item["url"] == f"https://t.me/{BOT}?start=c-{calls['open']}"
    assert item["_ssp"]["municipality"] == "Karakol Mayor's Office"
    assert item["_ssp"]["topic"] == "Children of labour migrants"
    assert item["_ssp"]["budget_kgs"] == 400_000
    assert item["_ssp"]["deadline"].endswith("Z")  # for machines: UTC
    # For readers: the municipality's time, said to be so.
    deadline = datetime.fromisoformat(item["_ssp"]["deadline"]).astimezone(BISHKEK)
    shown = t("en", "feed-deadline", deadline=deadline.strftime("%d.%m.%Y %H:%M"), zone=BISHKEK.key)
    assert item["summary"].endswith(shown), item["summary"]
    # Nothing personal, nothing internal: exactly these fields.
    assert set(item) == {
        "id",
        "url",
        "title",
        "content_text",
        "summary",
        "date_published",
        "date_modified",
        "_ssp",
    }
    assert set(item["_ssp"]) == {
        "municipality",
        "municipality_slug",
        "topic",
        "budget_kgs",
        "deadline",
    }

    # Conditional requests: unchanged -> 304 without a body.
    async with client.get(f"{base}{JSON_PATH}?lang=en", headers={"If-None-Match": etag}) as again:
        assert again.status == 304
        assert await again.read() == b""
        assert again.headers["ETag"] == etag
    since = {"If-Modified-Since": modified}
    async with client.get(f"{base}{JSON_PATH}?lang=en", headers=since) as again:
        assert again.status == 304
    # Another language is another document (and another ETag).
    async with client.get(f"{base}{JSON_PATH}?lang=ky", headers={"If-None-Match": etag}) as ky:
        assert ky.status == 200
        assert ky.headers["ETag"] != etag
        assert json.loads(await ky.text())["items"][0]["title"] == TITLE + " (ky)"
    # No language asked: the default (Russian here).
    async with client.get(f"{base}{JSON_PATH}") as default:
        document = json.loads(await default.text())
    assert document["language"] == "ru"
    assert document["items"][0]["_ssp"]["municipality"] == "Мэрия города Каракол"


async def test_the_atom_feed_parses_in_a_feed_reader(http, calls) -> None:
    client, base = http
    async with client.get(f"{base}{ATOM_PATH}?lang=ru") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("application/atom+xml")
        assert response.headers["ETag"]
        body = await response.read()
    parsed = feedparser.parse(body)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == t("ru", "feed-title")
    assert parsed.feed.language == "ru"
    [entry] = parsed.entries
    assert entry.title == TITLE + " (ru)"  # the <, > and & survive as text
    assert entry.link == f"https://t.me/{BOT}?start=c-{calls['open']}"
    assert "Мэрия города Каракол" in entry.summary
    assert entry.tags[0].term == "migrant-children"
    assert entry.updated_parsed is not None


@pytest.mark.parametrize(
    "query",
    [
        "lang=fr",
        "lang=",
        "lang=en&lang=ru",
        "lang=%FF%FE",
        "lang=en%27%20OR%201%3D1--",
        "lang=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "lang=" + "a" * 500,
        "x=" + "%00" * 100,
    ],
)
@pytest.mark.bad_input
async def test_hostile_or_unknown_queries_get_400(http, query: str, seeded_database) -> None:
    client, base = http
    async with seeded_database.session() as session:
        before = len((await session.exec(select(Competition))).all())
    for path in (JSON_PATH, ATOM_PATH):
        async with client.get(f"{base}{path}?{query}") as response:
            assert response.status == 400
            body = json.loads(await response.text())
            assert body["languages"] == ["ky", "ru", "en"]
            assert response.headers["Cache-Control"] == "no-store"
            assert "script" not in await response.text()
    async with seeded_database.session() as session:
        assert len((await session.exec(select(Competition))).all()) == before


@pytest.mark.bad_input
async def test_unknown_parameters_are_ignored_and_other_paths_are_not_served(http) -> None:
    client, base = http
    async with client.get(f"{base}{JSON_PATH}?utm_source=poster&lang=ky&page=-1") as response:
        assert response.status == 200
        assert response.headers["Content-Language"] == "ky"
    for path in ("/feed/calls.xml", "/feed/../storage", "/feed/calls.json/extra"):
        async with client.get(f"{base}{path}") as response:
            assert response.status == 404
    async with client.post(f"{base}{JSON_PATH}") as response:
        assert response.status == 405
