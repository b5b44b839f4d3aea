"""Priority polls: starting one (a broadcast with answer buttons through the outbox), the answer
keyboard, results as text and CSV, closing due polls and telling the participants, and turning a
proposed issue into a topic. Rules are in bot/rules/polls.py; queries in storage/queries/polls.py.

Telegram's native polls are not used: they cannot rank, and a vote on a native poll cannot be
checked against the poll's municipality and recipients before it counts. Answers are buttons on
the poll message; each tap is checked against the database.

A municipality with a channel (bot/channels.py) also gets the poll posted there, with a button
that opens it in the bot (t.me/<bot>?start=p-<id>): a channel's readers answer in their private
chat, where the same one-answer-per-person check holds (Telegram's polls in channels are always
anonymous, so their votes could not be held to it). The results are posted there at closing."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.numbers import format_percent
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import Application, ContextTypes

from bot import channels
from bot.formatting import moment
from bot.i18n import t
from bot.rules import polls as rules
from bot.rules.deeplinks import link, poll_payload
from bot.rules.validation import Invalid
from bot.settings import LANGUAGES
from storage.db import Database
from storage.models import Broadcast, Municipality, Poll, PollOption, Topic, User
from storage.queries.audience import subscribers
from storage.queries.outbox import enqueue_many
from storage.queries.places import list_topics
from storage.queries.polls import (
    close_poll,
    due_polls,
    options_of,
    participants,
    submitted_choices,
)
from storage.types import utcnow

log = logging.getLogger(__name__)

CLOSE_CHECK_SECONDS = 5.0


# -- callback data (never trusted: the handlers check every id against the database) ---------


def answer_data(poll_id: int, option_id: int) -> str:
    return f"pl:a:{poll_id}:{option_id}"


def send_data(poll_id: int) -> str:
    return f"pl:s:{poll_id}"


# -- texts and keyboards ---------------------------------------------------------------------


async def option_names(session: AsyncSession, options: list[PollOption]) -> dict[int, dict]:
    """Option id -> {language: name}: a topic's names, or the proposed text in every language."""
    names: dict[int, dict] = {}
    for option in options:
        topic = await session.get(Topic, option.topic_id) if option.topic_id else None
        if topic is not None:
            names[option.id] = {language: topic.name(language) for language in LANGUAGES}
        else:
            names[option.id] = dict.fromkeys(LANGUAGES, option.text or "?")
    return names


def poll_text(poll: Poll, place: Municipality, language: str) -> str:
    zone = ZoneInfo(place.timezone)
    return t(
        language,
        f"poll-message-{poll.kind}",
        municipality=place.name(language),
        question=poll.question,
        closes=moment(poll.closes_at, zone),
        zone=zone.key,
    )


def channel_poll_text(
    poll: Poll, place: Municipality, names: dict[int, dict], language: str
) -> str:
    """The poll as posted to the channel: the question, the options, how to answer."""
    zone = ZoneInfo(place.timezone)
    options = "\n".join(f"• {names[option_id][language]}" for option_id in names)
    return t(
        language,
        f"poll-channel-{poll.kind}",
        municipality=place.name(language),
        question=poll.question,
        options=options,
        closes=moment(poll.closes_at, zone),
        zone=zone.key,
    )


def answer_keyboard(
    poll: Poll,
    options: list[PollOption],
    names: dict[int, dict],
    choices: list[int],
    language: str,
) -> InlineKeyboardMarkup:
    rows = []
    for option in options:
        name = names[option.id][language]
        if option.id in choices:
            mark = "✅" if poll.kind == "choose" else f"{choices.index(option.id) + 1}."
            label = f"{mark} {name}"
        else:
            label = f"▫️ {name}"
        rows.append([InlineKeyboardButton(label, callback_data=answer_data(poll.id, option.id))])
    rows.append(
        [InlineKeyboardButton(t(language, "poll-send-answer"), callback_data=send_data(poll.id))]
    )
    return InlineKeyboardMarkup(rows)


def share_text(share: float, language: str) -> str:
    return format_percent(share, locale=language)


def results_text(
    poll: Poll,
    place: Municipality,
    names: dict[int, dict],
    results: rules.Results,
    language: str,
    *,
    final: bool,
) -> str:
    lines = [
        t(
            language,
            "poll-results-final" if final else "poll-results-live",
            municipality=place.name(language),
            question=poll.question,
            participants=results.participants,
        )
    ]
    for position, result in enumerate(results.options, start=1):
        lines.append(
            t(
                language,
                f"poll-result-line-{poll.kind}",
                position=position,
                option=names[result.option_id][language],
                count=result.count,
                share=share_text(result.share, language),
            )
        )
    if not final:
        zone = ZoneInfo(place.timezone)
        key = "poll-status-open" if poll.status == "open" else "poll-status-closed"
        lines.append(t(language, key, closes=moment(poll.closes_at, zone), zone=zone.key))
    return "\n".join(lines)


CSV_COLUMNS = ("position", "option", "topic-id", "count", "share", "participants", "kind")


def results_csv(
    poll: Poll,
    options: list[PollOption],
    names: dict[int, dict],
    results: rules.Results,
    language: str,
) -> bytes:
    """One row per option, best first; UTF-8 with a byte-order mark so spreadsheets read it."""
    topic_of = {option.id: option.topic_id for option in options}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # Headers and the poll's kind in the reader's language; numbers stay plain for formulas.
    writer.writerow([t(language, f"poll-csv-col-{column}") for column in CSV_COLUMNS])
    for position, result in enumerate(results.options, start=1):
        writer.writerow(
            [
                position,
                names[result.option_id][language],
                topic_of.get(result.option_id) or "",
                result.count,
                f"{result.share:.4f}",
                results.participants,
                t(language, f"poll-kind-{poll.kind}"),
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


@dataclass(frozen=True)
class PollView:
    """A poll with what it takes to show it: its municipality, options, names and results."""

    poll: Poll
    place: Municipality
    options: list[PollOption]
    names: dict[int, dict]
    results: rules.Results


async def load_view(session: AsyncSession, poll: Poll) -> PollView:
    place = await session.get(Municipality, poll.municipality_id)
    options = await options_of(session, poll_id=poll.id)
    names = await option_names(session, options)
    answers = await submitted_choices(session, poll_id=poll.id)
    results = rules.tally(poll.kind, [option.id for option in options], answers)
    return PollView(poll, place, options, names, results)


# -- starting a poll -------------------------------------------------------------------------


async def start_poll(
    session: AsyncSession,
    *,
    place: Municipality,
    kind: str,
    question: str,
    topic_ids: list[int],
    new_options: list[str],
    closes_at: datetime,
    by_user_id: int,
    report_chat_id: int | None,
    now: datetime,
    default_language: str,
    bot_username: str | None = None,
) -> Poll:
    """Create the poll and one outbox row (text and buttons in the reader's language) per
    subscriber of the municipality, and a post to its channel if it has one (with a button to
    answer in the bot when `bot_username` is known), in one transaction. Commits.

    Topics must be the municipality's own: a poll on another municipality's topics is refused."""
    if kind not in rules.KINDS:
        raise Invalid("poll-invalid-kind")
    if closes_at <= now:
        raise Invalid("invalid-date-past")
    own = {topic.id for topic in await list_topics(session, municipality_id=place.id)}
    if any(topic_id not in own for topic_id in topic_ids):
        raise Invalid("poll-invalid-topic")
    rules.check_options(len(set(topic_ids)) + len(new_options))
    poll = Poll(
        municipality_id=place.id,
        kind=kind,
        question=rules.question(question),
        closes_at=closes_at,
        created_by_user_id=by_user_id,
        created_at=now,
    )
    session.add(poll)
    await session.flush()
    position = 0
    for topic_id in dict.fromkeys(topic_ids):
        session.add(PollOption(poll_id=poll.id, position=position, topic_id=topic_id))
        position += 1
    for text in new_options:
        session.add(PollOption(poll_id=poll.id, position=position, text=text))
        position += 1
    await session.flush()
    broadcast = Broadcast(
        municipality_id=place.id,
        kind="poll",
        report_chat_id=report_chat_id,
        created_by_user_id=by_user_id,
    )
    session.add(broadcast)
    await session.flush()
    poll.broadcast_id = broadcast.id
    session.add(poll)
    options = await options_of(session, poll_id=poll.id)
    names = await option_names(session, options)
    texts = {language: poll_text(poll, place, language) for language in LANGUAGES}
    keyboards = {
        language: answer_keyboard(poll, options, names, [], language).to_dict()
        for language in LANGUAGES
    }
    rows = []
    for recipient in await subscribers(session, municipality_id=place.id, topic_id=None):
        language = recipient.language or default_language
        rows.append(
            {
                "chat_id": recipient.chat_id,
                "user_id": recipient.user_id,
                "broadcast_id": broadcast.id,
                "dedupe_key": f"b{broadcast.id}:u{recipient.user_id}",
                "text": texts[language],
                "reply_markup": keyboards[language],
            }
        )
    if channels.usable_channel(place) is not None:
        poll.channel_chat_id = place.channel_chat_id
        session.add(poll)
        language = channels.post_language(place, default_language)
        markup = None
        if bot_username:
            url = link(bot_username, poll_payload(poll.id))
            markup = channels.link_button(t(language, "poll-answer-in-bot"), url)
        rows.append(
            channels.post_row(
                chat_id=place.channel_chat_id,
                dedupe_key=f"ch:poll:{poll.id}",
                text=channel_poll_text(poll, place, names, language),
                reply_markup=markup,
            )
        )
    await enqueue_many(session, rows)
    await session.commit()
    await session.refresh(poll)
    return poll


# -- closing ---------------------------------------------------------------------------------


async def close_due_polls(db: Database, *, now: datetime, default_language: str) -> int:
    """Close every open poll whose moment has come and send its results to the participants
    (and to the staff member who started it, and to the channel it was posted to), through the
    outbox. Returns how many closed."""
    closed = 0
    async with db.session() as session:
        for poll in await due_polls(session, now=now):
            if not await close_poll(session, poll_id=poll.id, now=now):
                continue  # another closer was first
            await session.refresh(poll)
            view = await load_view(session, poll)
            broadcast = Broadcast(
                municipality_id=poll.municipality_id,
                kind="poll_results",
                created_by_user_id=poll.created_by_user_id,
            )
            session.add(broadcast)
            await session.flush()
            audience = await participants(session, poll_id=poll.id)
            if poll.created_by_user_id is not None:
                creator = await session.get(User, poll.created_by_user_id)
                if creator is not None and creator.id not in {row[0] for row in audience}:
                    audience.append((creator.id, creator.telegram_id, creator.language))
            rows = [
                {
                    "chat_id": chat_id,
                    "user_id": user_id,
                    "broadcast_id": broadcast.id,
                    "dedupe_key": f"b{broadcast.id}:u{user_id}",
                    "text": results_text(
                        poll,
                        view.place,
                        view.names,
                        view.results,
                        language or default_language,
                        final=True,
                    ),
                }
                for user_id, chat_id, language in audience
            ]
            if poll.channel_chat_id is not None and await channels.may_post(
                session, poll.channel_chat_id
            ):
                language = channels.post_language(view.place, default_language)
                text = results_text(
                    poll, view.place, view.names, view.results, language, final=True
                )
                key = f"ch:poll-results:{poll.id}"
                rows.append(
                    channels.post_row(chat_id=poll.channel_chat_id, dedupe_key=key, text=text)
                )
            await enqueue_many(session, rows)
            closed += 1
        await session.commit()
    if closed:
        log.info("Closed %s poll(s) and queued their results", closed)
    return closed


def schedule_polls(
    application: Application,
    db: Database,
    *,
    default_language: str,
    clock: Callable[[], datetime] = utcnow,
) -> None:
    async def close(context: ContextTypes.DEFAULT_TYPE) -> None:
        """Close due polls and publish their results."""
        await close_due_polls(db, now=clock(), default_language=default_language)

    application.job_queue.run_repeating(
        close, CLOSE_CHECK_SECONDS, first=CLOSE_CHECK_SECONDS, name="poll-closing"
    )


# -- a topic from a result -------------------------------------------------------------------


async def topic_from_option(session: AsyncSession, *, option: PollOption, poll: Poll) -> Topic:
    """Make a proposed issue one of the municipality's topics (named by the proposed text in
    every language; the seed file can refine the names). Commits."""
    if option.poll_id != poll.id or option.text is None:
        raise Invalid("poll-invalid-option")
    if option.topic_id is not None:
        raise Invalid("poll-topic-exists")
    topic = Topic(
        municipality_id=poll.municipality_id,
        slug=f"poll-{poll.id}-{option.id}",
        **{f"name_{language}": option.text for language in LANGUAGES},
    )
    session.add(topic)
    await session.flush()
    option.topic_id = topic.id
    session.add(option)
    await session.commit()
    await session.refresh(topic)
    return topic
