"""The open-calls feeds served by the real webhook server: the bot runs in webhook mode against
the stand-in, and a reader fetches the JSON and Atom feeds over HTTP from the same port Telegram
posts updates to. The Atom feed is parsed by feedparser and checked against RFC 4287's required
elements; caching headers hold (304 on revalidation, a new ETag after a change); each language is
its own document; unknown languages and hostile query strings get 400 and change nothing; and
nothing personal reaches either feed."""

from __future__ import annotations

import json
from datetime import timedelta
from xml.etree import ElementTree as ET

import aiohttp
import pytest
from sqlmodel import func, select

from bot.feeds import ATOM_NS, ATOM_PATH, JSON_PATH
from bot.i18n import t
from bot.runner import running_bot
from sandbox import SandboxClient
from storage.db import Database
from storage.models import Competition, Member, Organization, Submission
from storage.queries.users import get_or_create_user
from storage.types import utcnow
from tests.conftest import WEBHOOK_SECRET as SECRET
from tests.flows import make_staff, published_call, subscribe

feedparser = pytest.importorskip(
    "feedparser", reason="feedparser is not installed: pip install -e '.[dev]'"
)

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after:DeprecationWarning")

PUBLIC = "https://ssp.example.kg"
TITLE = "Clean yards <for> Karakol & its children"
# Personal data that exists in the database and must never reach a feed.
ORG_NAME, ORG_INN = "ОФ Тайный Ресурс", "02345678901234"
ORG_PHONE, ORG_EMAIL = "996555010203", "leader@private.kg"
STAFF_ID, NCO_ID = 771_100_001, 771_100_002


async def _people_and_calls(db: Database) -> dict[str, int]:
    """An open call in Karakol created by a staff member, with an NCO's submission; a draft and a
    call past its deadline (neither listed)."""
    await make_staff(db, STAFF_ID, "karakol")
    await subscribe(db, NCO_ID, "karakol")
    call = await published_call(db, "karakol", "migrant-children", TITLE)
    await published_call(db, "batken", "waste", "A draft nobody sees", status="draft")
    late = await published_call(db, "kochkor-ata", "teenagers", "Closed already")
    async with db.session() as session:
        staff, _ = await get_or_create_user(session, telegram_id=STAFF_ID)
        nco, _ = await get_or_create_user(session, telegram_id=NCO_ID)
        row = await session.get(Competition, call.id)
        row.created_by_user_id = staff.id
        session.add(row)
        past = await session.get(Competition, late.id)
        past.deadline_at = utcnow() - timedelta(minutes=5)
        session.add(past)
        org = Organization(
            name=ORG_NAME,
            legal_form="public_foundation",
            inn=ORG_INN,
            municipality_id=row.municipality_id,
            phone=ORG_PHONE,
            email=ORG_EMAIL,
            description="Работаем с подростками",
        )
        session.add(org)
        await session.flush()
        session.add(Member(user_id=nco.id, organization_id=org.id))
        session.add(
            Submission(
                competition_id=call.id,
                organization_id=org.id,
                status="submitted",
                answers={"summary": "Секретный план проекта"},
                reference="KRK-2026-0042",
                created_by_user_id=nco.id,
                submitted_at=utcnow(),
            )
        )
        await session.commit()
    return {"open": call.id, "draft_title": "A draft nobody sees", "late_title": "Closed already"}


def _atom_problems(body: bytes) -> list[str]:
    """RFC 4287's MUSTs that a reader relies on: feed and entries each have exactly one id,
    title and updated; the feed has an author (or every entry has); ids are absolute IRIs;
    dates are RFC 3339."""
    from datetime import datetime

    ns = {"a": ATOM_NS}
    root = ET.fromstring(body)
    problems = []
    if root.tag != f"{{{ATOM_NS}}}feed":
        return [f"root is {root.tag}"]

    def check(element: ET.Element, where: str) -> None:
        for tag in ("id", "title", "updated"):
            found = element.findall(f"a:{tag}", ns)
            if len(found) != 1 or not (found[0].text or "").strip():
                problems.append(f"{where}: {len(found)} <{tag}>")
        ident = element.findtext("a:id", "", ns)
        if ":" not in ident:
            problems.append(f"{where}: id {ident!r} is not an absolute IRI")
        for tag in ("updated", "published"):
            for stamp in element.findall(f"a:{tag}", ns):
                try:
                    datetime.fromisoformat(stamp.text.replace("Z", "+00:00"))
                except ValueError:
                    problems.append(f"{where}: <{tag}> {stamp.text!r}")
        for link in element.findall("a:link", ns):
            if not link.get("href"):
                problems.append(f"{where}: a link without href")

    check(root, "feed")
    entries = root.findall("a:entry", ns)
    if not root.findall("a:author", ns) and not all(e.findall("a:author", ns) for e in entries):
        problems.append("no author")
    for number, entry in enumerate(entries):
        check(entry, f"entry {number}")
    return problems


async def test_the_webhook_server_serves_both_feeds_with_caching_in_each_language(
    seeded_database: Database, sandbox: SandboxClient, webhook_settings
) -> None:
    ids = await _people_and_calls(seeded_database)
    settings = webhook_settings(public_base_url=PUBLIC)
    base = f"http://127.0.0.1:{settings.webhook_port}"
    async with running_bot(settings) as application, aiohttp.ClientSession() as http:
        username = application.bot.username
        # The webhook still takes updates on the same server.
        user = sandbox.user(771_100_003, first_name="Reader", language_code="en")
        await user.send("/help")
        assert (await user.next_reply()).html == t("en", "help-text")

        # JSON Feed, English: the open call only, with its deep link and caching headers.
        async with http.get(f"{base}{JSON_PATH}?lang=en") as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("application/feed+json")
            assert response.headers["Cache-Control"] == "public, max-age=300"
            assert response.headers["Content-Language"] == "en"
            etag, modified = response.headers["ETag"], response.headers["Last-Modified"]
            json_body = await response.read()
        document = json.loads(json_body)
        assert document["feed_url"] == f"{PUBLIC}{JSON_PATH}?lang=en"
        [item] = document["items"]
        assert item["title"] == TITLE
        assert item["url"] == f"https://t.me/{username}?start=c-{ids['open']}"
        assert item["_ssp"]["municipality_slug"] == "karakol"
        assert item["_ssp"]["budget_kgs"] == 400_000

        # Revalidation: 304 without a body, by ETag and by date.
        async with http.get(f"{base}{JSON_PATH}?lang=en", headers={"If-None-Match": etag}) as r:
            assert r.status == 304 and await r.read() == b""
            assert r.headers["ETag"] == etag
        async with http.get(
            f"{base}{JSON_PATH}?lang=en", headers={"If-Modified-Since": modified}
        ) as r:
            assert r.status == 304

        # Atom in each language: parsed by a feed reader, and RFC 4287's MUSTs hold.
        atom_bodies = {}
        for language in ("ky", "ru", "en"):
            async with http.get(f"{base}{ATOM_PATH}?lang={language}") as response:
                assert response.status == 200
                assert response.headers["Content-Type"].startswith("application/atom+xml")
                assert response.headers["Content-Language"] == language
                assert response.headers["ETag"] and response.headers["Last-Modified"]
                atom_bodies[language] = await response.read()
            parsed = feedparser.parse(atom_bodies[language])
            assert parsed.bozo == 0, parsed.get("bozo_exception")
            assert parsed.version == "atom10"
            assert parsed.feed.language == language
            assert parsed.feed.title == t(language, "feed-title")
            [entry] = parsed.entries
            expected = TITLE if language == "en" else f"{TITLE} ({language})"
            assert entry.title == expected  # <, > and & survive as text
            assert entry.link == f"https://t.me/{username}?start=c-{ids['open']}"
            assert entry.tags[0].term == "migrant-children"
            assert _atom_problems(atom_bodies[language]) == []
        assert "Мэрия города Каракол" in feedparser.parse(atom_bodies["ru"]).entries[0].summary
        assert "Каракол шаарынын мэриясы" in feedparser.parse(atom_bodies["ky"]).entries[0].summary
        assert len(set(atom_bodies.values())) == 3

        # Nothing personal or internal in any document.
        everything = json_body + b"".join(atom_bodies.values())
        text = everything.decode()
        for secret in (
            ORG_NAME, ORG_INN, ORG_PHONE, ORG_EMAIL, "KRK-2026-0042", "Секретный план",
            str(STAFF_ID), str(NCO_ID), SECRET, ids["draft_title"], ids["late_title"],
        ):  # fmt: skip
            assert secret not in text, secret

        # A change to the call makes a new document: the old ETag no longer matches.
        async with seeded_database.session() as session:
            row = await session.get(Competition, ids["open"])
            row.title = {**row.title, "en": TITLE + " (amended)"}
            row.updated_at = utcnow() + timedelta(seconds=2)
            session.add(row)
            await session.commit()
        async with http.get(f"{base}{JSON_PATH}?lang=en", headers={"If-None-Match": etag}) as r:
            assert r.status == 200
            assert r.headers["ETag"] != etag
            assert json.loads(await r.read())["items"][0]["title"] == TITLE + " (amended)"

        # Feeds are public: no secret token needed, and the webhook path still refuses without.
        async with http.post(settings.webhook_url, json={"update_id": 1}) as r:
            assert r.status == 403


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "query",
    [
        "lang=fr",
        "lang=",
        "lang=EN",
        "lang=en&lang=ru",
        "lang=%FF%FE",
        "lang=en%27%20OR%201%3D1--",
        "lang=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "lang=../../etc/passwd",
        "lang=" + "a" * 500,
        "x=" + "%00" * 100,
    ],
)
async def test_unknown_languages_and_hostile_queries_get_400_from_the_webhook_server(
    seeded_database: Database, webhook_settings, query: str
) -> None:
    ids = await _people_and_calls(seeded_database)
    settings = webhook_settings(public_base_url=PUBLIC)
    base = f"http://127.0.0.1:{settings.webhook_port}"

    async def count() -> int:
        async with seeded_database.session() as session:
            return (await session.exec(select(func.count()).select_from(Competition))).one()

    before = await count()
    async with running_bot(settings), aiohttp.ClientSession() as http:
        for path in (JSON_PATH, ATOM_PATH):
            async with http.get(f"{base}{path}?{query}") as response:
                assert response.status == 400
                assert response.headers["Cache-Control"] == "no-store"
                body = json.loads(await response.text())
                assert body["languages"] == ["ky", "ru", "en"]
                assert "script" not in json.dumps(body) and "passwd" not in json.dumps(body)
        # The server is unharmed: the next honest request is served.
        async with http.get(f"{base}{JSON_PATH}?lang=ru&utm_source=poster") as response:
            assert response.status == 200
            assert json.loads(await response.read())["items"][0]["url"].endswith(f"c-{ids['open']}")
    assert await count() == before


def test_the_feeds_name_the_public_origin_of_the_webhook_by_default(make_settings) -> None:
    settings = make_settings(
        webhook_url="https://bot.example.kg/telegram/8f3c1a", webhook_secret=SECRET
    )
    assert settings.feed_base_url == "https://bot.example.kg"
    assert (
        make_settings(
            webhook_url="https://bot.example.kg/t", webhook_secret=SECRET, public_base_url=PUBLIC
        ).feed_base_url
        == PUBLIC
    )
