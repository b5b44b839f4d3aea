"""The public feed of open calls: JSON Feed 1.1 and Atom 1.0, in a requested language.

Pure functions build the feeds from `FeedItem`s (what a published call shows on its card:
title, municipality, topic, budget, deadline and the bot's deep link t.me/<bot>?start=c-<id>);
nothing personal is in them (no staff names, no applicants, no counts). `feed_response` adds the
HTTP side: the language from `?lang=`, caching headers (ETag, Last-Modified, Cache-Control) and
304 answers to conditional requests; `add_feed_routes` serves both feeds from an aiohttp app
(the webhook server's).

Query strings. Only `lang` is read; other parameters are ignored. `lang` must be one of ky, ru,
en: an unknown or repeated one, or a query string longer than `MAX_QUERY` characters, gets
`400` with a short JSON error naming the languages (a client asking for a language we do not
have learns it, rather than silently reading another). No `lang`: the default language.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import parse_qsl
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.formatting import localized, moment, money
from bot.i18n import t
from bot.rules.deeplinks import competition_payload, link
from bot.settings import LANGUAGES
from storage.db import Database
from storage.models import Competition, Municipality, Topic
from storage.types import utcnow

JSON_PATH = "/feed/calls.json"
ATOM_PATH = "/feed/calls.atom"
MAX_QUERY = 200
CACHE_CONTROL = "public, max-age=300"
ATOM_NS = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class FeedItem:
    competition_id: int
    title: dict
    description: dict
    municipality: Municipality
    topic: Topic | None
    budget_total: int | None
    deadline_at: datetime
    published_at: datetime
    updated_at: datetime


def item_from(call: Competition, place: Municipality, topic: Topic | None) -> FeedItem:
    return FeedItem(
        competition_id=call.id,
        title=dict(call.title),
        description=dict(call.description),
        municipality=place,
        topic=topic,
        budget_total=call.budget_total,
        deadline_at=call.deadline_at,
        published_at=call.published_at or call.created_at,
        updated_at=max(call.updated_at, call.published_at or call.updated_at),
    )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _summary(item: FeedItem, language: str) -> str:
    parts = [item.municipality.name(language)]
    if item.topic is not None:
        parts.append(item.topic.name(language))
    if item.budget_total:
        parts.append(t(language, "feed-budget", budget=money(item.budget_total, language)))
    # The reader's text shows the municipality's time; the `_ssp` fields keep UTC for machines.
    zone = ZoneInfo(item.municipality.timezone)
    deadline = moment(item.deadline_at, zone)
    parts.append(t(language, "feed-deadline", deadline=deadline, zone=zone.key))
    return " · ".join(parts)


def json_feed(
    items: Sequence[FeedItem], *, language: str, bot_username: str, feed_url: str
) -> dict:
    """A JSON Feed 1.1 document (https://jsonfeed.org/version/1.1), with an `_ssp` extension
    per item carrying the structured fields."""
    return {
        "version": "https://jsonfeed.org/version/1.1",
        "title": t(language, "feed-title"),
        "home_page_url": f"https://t.me/{bot_username}",
        "feed_url": feed_url,
        "language": language,
        "items": [
            {
                "id": f"ssp-call-{item.competition_id}",
                "url": link(bot_username, competition_payload(item.competition_id)),
                "title": localized(item.title, language),
                "content_text": localized(item.description, language),
                "summary": _summary(item, language),
                "date_published": _iso(item.published_at),
                "date_modified": _iso(item.updated_at),
                "_ssp": {
                    "municipality": item.municipality.name(language),
                    "municipality_slug": item.municipality.slug,
                    "topic": item.topic.name(language) if item.topic else None,
                    "budget_kgs": item.budget_total,
                    "deadline": _iso(item.deadline_at),
                },
            }
            for item in items
        ],
    }


def atom_feed(
    items: Sequence[FeedItem],
    *,
    language: str,
    bot_username: str,
    feed_url: str,
    updated: datetime,
) -> bytes:
    """An Atom 1.0 document (RFC 4287)."""
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str):
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attributes)
        if text is not None:
            element.text = text
        return element

    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"xml:lang": language})
    sub(feed, "id", f"{feed_url}")
    sub(feed, "title", t(language, "feed-title"))
    sub(feed, "updated", _iso(updated))
    sub(feed, "link", rel="self", href=feed_url, type="application/atom+xml")
    sub(feed, "link", rel="alternate", href=f"https://t.me/{bot_username}")
    author = sub(feed, "author")
    sub(author, "name", t(language, "feed-author"))
    for item in items:
        entry = sub(feed, "entry")
        url = link(bot_username, competition_payload(item.competition_id))
        sub(entry, "id", f"{feed_url}#call-{item.competition_id}")
        sub(entry, "title", localized(item.title, language))
        sub(entry, "link", rel="alternate", href=url)
        sub(entry, "published", _iso(item.published_at))
        sub(entry, "updated", _iso(item.updated_at))
        sub(entry, "summary", _summary(item, language))
        sub(entry, "content", localized(item.description, language), type="text")
        if item.topic is not None:
            sub(entry, "category", term=item.topic.slug, label=item.topic.name(language))
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


# -- HTTP ------------------------------------------------------------------------------------


class BadQuery(ValueError):
    pass


def requested_language(query_string: str, default: str) -> str:
    """The `lang` of a query string (see the module); BadQuery if unusable."""
    if len(query_string) > MAX_QUERY:
        raise BadQuery("query string too long")
    try:
        pairs = parse_qsl(query_string, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError) as error:
        raise BadQuery("malformed query string") from error
    values = [value for key, value in pairs if key == "lang"]
    if not values:
        return default
    if len(values) > 1 or values[0] not in LANGUAGES:
        raise BadQuery("unknown language")
    return values[0]


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _not_modified(headers, etag: str, last_modified: datetime) -> bool:
    match = headers.get("If-None-Match")
    if match is not None:
        return etag in [tag.strip() for tag in match.split(",")] or match.strip() == "*"
    since = headers.get("If-Modified-Since")
    if since:
        try:
            moment = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return last_modified.replace(microsecond=0) <= moment
    return False


def feed_response(
    *,
    kind: str,
    items: Sequence[FeedItem],
    query_string: str,
    headers,
    default_language: str,
    bot_username: str,
    base_url: str,
    now: datetime,
) -> web.Response:
    """The HTTP answer for a feed request: 200 with caching headers, 304, or 400."""
    try:
        language = requested_language(query_string, default_language)
    except BadQuery as error:
        body = {"error": str(error), "languages": list(LANGUAGES)}
        return web.json_response(body, status=400, headers={"Cache-Control": "no-store"})
    path = JSON_PATH if kind == "json" else ATOM_PATH
    feed_url = f"{base_url.rstrip('/')}{path}?lang={language}"
    updated = max((item.updated_at for item in items), default=None) or now.replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    if kind == "json":
        document = json_feed(items, language=language, bot_username=bot_username, feed_url=feed_url)
        body = json.dumps(document, ensure_ascii=False, sort_keys=True).encode()
        content_type = "application/feed+json"
    else:
        body = atom_feed(
            items, language=language, bot_username=bot_username, feed_url=feed_url, updated=updated
        )
        content_type = "application/atom+xml"
    etag = _etag(body)
    cache = {
        "ETag": etag,
        "Last-Modified": format_datetime(updated.astimezone(UTC), usegmt=True),
        "Cache-Control": CACHE_CONTROL,
        "Vary": "Accept-Encoding",
        "Content-Language": language,
    }
    if _not_modified(headers, etag, updated):
        return web.Response(status=304, headers=cache)
    return web.Response(
        body=body, headers={**cache, "Content-Type": f"{content_type}; charset=utf-8"}
    )


async def open_call_items(db: Database, *, now: datetime) -> list[FeedItem]:
    from storage.queries.feeds import open_calls

    async with db.session() as session:
        return [item_from(*row) for row in await open_calls(session, now=now)]


def add_feed_routes(
    app: web.Application,
    db: Database,
    *,
    default_language: str,
    bot_username: Callable[[], str],
    base_url: str,
    clock: Callable[[], datetime] = utcnow,
) -> None:
    """GET /feed/calls.json and /feed/calls.atom on an aiohttp app (HEAD follows GET)."""

    async def serve(request: web.Request, kind: str) -> web.Response:
        now = clock()
        return feed_response(
            kind=kind,
            items=await open_call_items(db, now=now),
            query_string=request.rel_url.raw_query_string,
            headers=request.headers,
            default_language=default_language,
            bot_username=bot_username(),
            base_url=base_url,
            now=now,
        )

    async def serve_json(request: web.Request) -> web.Response:
        return await serve(request, "json")

    async def serve_atom(request: web.Request) -> web.Response:
        return await serve(request, "atom")

    app.router.add_get(JSON_PATH, serve_json)
    app.router.add_get(ATOM_PATH, serve_atom)
