"""Priority polls in Telegram: staff create one (/poll), follow results (/polls), export CSV,
close early and make a topic of a proposed issue; subscribers answer with buttons.

Callback data "pl:<action>:<id>[:<id>]" only names records. Every press loads them and checks:
the poll exists and is open, the presser received it, subscribes to its municipality or the poll
was posted to the municipality's channel (whose readers open it with t.me/<bot>?start=p-<id>),
the option belongs to the poll (and its topic to the poll's municipality), and for staff actions
`can(actor, action, poll's municipality)`.

The creation dialogue (name "poll") keeps its answers in the dialogue row:
question (typed) -> options (topic buttons; a typed line adds a new issue) -> kind (buttons) ->
closes (typed date in the municipality's zone, or "in N days") -> confirm."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from telegram import CallbackQuery, Message, Update
from telegram.error import BadRequest

from bot.context import BotContext
from bot.formatting import moment
from bot.i18n import t, translator
from bot.polls import (
    answer_keyboard,
    load_view,
    poll_text,
    results_csv,
    results_text,
    start_poll,
    topic_from_option,
)
from bot.rules import competition as dates
from bot.rules import polls as rules
from bot.rules.access import can
from bot.rules.validation import Invalid
from handlers.common import current_user, drop_buttons, edit_quietly, refuse_button
from handlers.keyboards import dialogue_keyboard, inline, main_menu
from handlers.staff import actor_of, places_for
from storage.models import Dialogue, Municipality, Poll, PollOption, Topic, User
from storage.queries.dialogues import end_dialogue, get_dialogue, save_dialogue
from storage.queries.places import list_topics
from storage.queries.polls import (
    answer_of,
    may_answer,
    polls_of,
    save_draft_answer,
    submit_answer,
)

POLL = "poll"
DIALOGUES = (POLL,)
_DATA = re.compile(r"^pl:(?P<action>[a-z]{1,4}):(?P<id>\d{1,9})(?::(?P<arg>\d{1,9}))?$")
# Buttons of the creation dialogue, valid only at their step.
DIALOGUE_ACTIONS = {"t": "options", "n": "options", "k": "kind", "d": "closes", "go": "confirm"}


def now() -> datetime:
    return datetime.now(UTC)


def data(action: str, item_id: int, arg: int | None = None) -> str:
    return f"pl:{action}:{item_id}" + (f":{arg}" if arg is not None else "")


def parse(value: str | None) -> tuple[str, int, int | None] | None:
    match = _DATA.match(value or "")
    if not match:
        return None
    arg = match["arg"]
    return match["action"], int(match["id"]), int(arg) if arg is not None else None


# -- commands --------------------------------------------------------------------------------


async def new_poll_command(update: Update, context: BotContext) -> None:
    """/poll: start a priority poll (choosing the municipality first if there are several)."""
    user, language = await current_user(update, context)
    actor = await actor_of(context, user)
    places = await places_for(context, actor, "poll.create")
    message = update.effective_message
    if not places:
        await message.reply_text(t(language, "staff-not-allowed"))
        return
    if len(places) == 1:
        await _begin(message, context, user, language, places[0])
        return
    rows = [[(place.name(language), data("m", place.id))] for place in places]
    await message.reply_text(t(language, "staff-choose-municipality"), reply_markup=inline(rows))


async def polls_command(update: Update, context: BotContext) -> None:
    """/polls: the latest polls of the user's municipalities, each opening its live results."""
    user, language = await current_user(update, context)
    actor = await actor_of(context, user)
    places = await places_for(context, actor, "poll.view")
    message = update.effective_message
    if not places:
        await message.reply_text(t(language, "staff-not-allowed"))
        return
    async with context.db.session() as session:
        polls = await polls_of(session, municipality_ids=[place.id for place in places])
    if not polls:
        await message.reply_text(t(language, "poll-none"))
        return
    rows = [
        [(f"{t(language, f'poll-state-{poll.status}')} · {poll.question[:40]}", data("r", poll.id))]
        for poll in polls
    ]
    await message.reply_text(t(language, "poll-list-title"), reply_markup=inline(rows))


# -- the creation dialogue -------------------------------------------------------------------


async def _begin(
    message: Message, context: BotContext, user: User, language: str, place: Municipality
) -> None:
    await _save(context, user, "question", {"municipality_id": place.id})
    await message.reply_text(
        t(language, "poll-ask-question", municipality=place.name(language)),
        reply_markup=dialogue_keyboard(language),
    )


async def _save(context: BotContext, user: User, step: str, values: dict) -> Dialogue:
    async with context.db.session() as session:
        return await save_dialogue(session, user_id=user.id, name=POLL, step=step, data=values)


async def _place(context: BotContext, user: User, dialogue: Dialogue) -> Municipality | None:
    """The dialogue's municipality, if the user may still create polls there."""
    async with context.db.session() as session:
        place = await session.get(Municipality, dialogue.data.get("municipality_id"))
    actor = await actor_of(context, user)
    if place is None or not can(actor, "poll.create", place.id):
        return None
    return place


async def _options_screen(context: BotContext, dialogue: Dialogue, language: str):
    async with context.db.session() as session:
        topics = await list_topics(session, municipality_id=dialogue.data["municipality_id"])
    chosen = set(dialogue.data.get("topics", []))
    rows = [
        [(("✅ " if topic.id in chosen else "▫️ ") + topic.name(language), data("t", topic.id))]
        for topic in topics
    ]
    rows.append([(t(language, "poll-options-done"), data("n", 0))])
    extra = dialogue.data.get("texts", [])
    text = t(language, "poll-ask-options")
    if extra:
        text += "\n" + t(language, "poll-new-options", options="; ".join(extra))
    return text, inline(rows)


async def _ask(message: Message, context: BotContext, language: str, dialogue: Dialogue) -> None:
    step = dialogue.step
    if step == "options":
        text, markup = await _options_screen(context, dialogue, language)
        await message.reply_text(text, reply_markup=markup)
    elif step == "kind":
        rows = [
            [(t(language, "poll-kind-choose"), data("k", 0))],
            [(t(language, "poll-kind-rank"), data("k", 1))],
        ]
        await message.reply_text(t(language, "poll-ask-kind"), reply_markup=inline(rows))
    elif step == "closes":
        rows = [
            [
                (t(language, "wz-in-days", days=days), data("d", days))
                for days in rules.QUICK_CLOSING_DAYS
            ]
        ]
        await message.reply_text(t(language, "poll-ask-closes"), reply_markup=inline(rows))
    elif step == "confirm":
        await _preview(message, context, language, dialogue)


async def _preview(message: Message, context: BotContext, language: str, dialogue: Dialogue):
    values = dialogue.data
    async with context.db.session() as session:
        place = await session.get(Municipality, values["municipality_id"])
        topics = {topic.id: topic for topic in await list_topics(session, municipality_id=place.id)}
    names = [topics[i].name(language) for i in values.get("topics", []) if i in topics]
    names += values.get("texts", [])
    zone = ZoneInfo(place.timezone)
    text = t(
        language,
        "poll-preview",
        municipality=place.name(language),
        question=values["question"],
        kind=t(language, f"poll-kind-{values['kind']}"),
        options="\n".join(f"• {name}" for name in names),
        closes=moment(datetime.fromisoformat(values["closes_at"]), zone),
        zone=zone.key,
    )
    rows = [
        [(t(language, "wz-send"), data("go", 1)), (t(language, "dialogue-cancel"), data("go", 0))]
    ]
    await message.reply_text(text, reply_markup=inline(rows))


async def on_message(update: Update, context: BotContext, user: User, dialogue: Dialogue) -> None:
    """A typed answer in the creation dialogue."""
    message = update.effective_message
    _, language = await current_user(update, context)
    place = await _place(context, user, dialogue)
    if place is None:
        async with context.db.session() as session:
            await end_dialogue(session, user_id=user.id)
        await message.reply_text(t(language, "staff-not-allowed"), reply_markup=main_menu(language))
        return
    text = message.text
    if text in translator().all_texts("dialogue-cancel"):
        await cancel(message, context, user, language)
        return
    if text is None:
        await message.reply_text(t(language, "invalid-need-text"))
        return
    values = dict(dialogue.data)
    try:
        if dialogue.step == "question":
            values["question"] = rules.question(text)
            dialogue = await _save(context, user, "options", values)
        elif dialogue.step == "options":
            async with context.db.session() as session:
                topics = await list_topics(session, municipality_id=place.id)
            existing = [*values.get("texts", [])]
            existing += [topic.name(lang) for topic in topics for lang in ("ky", "ru", "en")]
            values["texts"] = [*values.get("texts", []), rules.new_option(text, existing)]
            if len(values.get("topics", [])) + len(values["texts"]) > rules.OPTIONS_MAX:
                raise Invalid("poll-invalid-too-many-options", {"maximum": rules.OPTIONS_MAX})
            dialogue = await _save(context, user, "options", values)
        elif dialogue.step == "closes":
            closes = dates.deadline(text, zone=ZoneInfo(place.timezone), now=now())
            values["closes_at"] = closes.isoformat()
            dialogue = await _save(context, user, "confirm", values)
        else:
            await message.reply_text(t(language, "poll-use-buttons"))
            return
    except Invalid as refusal:
        await message.reply_text(t(language, refusal.key, **refusal.params))
        return
    await _ask(message, context, language, dialogue)


async def cancel(message: Message, context: BotContext, user: User, language: str) -> None:
    async with context.db.session() as session:
        await end_dialogue(session, user_id=user.id)
    await message.reply_text(t(language, "wz-cancelled"), reply_markup=main_menu(language))


async def _dialogue_button(
    query: CallbackQuery,
    context: BotContext,
    user: User,
    language: str,
    action: str,
    item_id: int,
) -> None:
    async with context.db.session() as session:
        dialogue = await get_dialogue(session, user_id=user.id)
    if dialogue is None or dialogue.name != POLL or dialogue.step != DIALOGUE_ACTIONS[action]:
        await refuse_button(query, language)
        return
    place = await _place(context, user, dialogue)
    if place is None:
        await refuse_button(query, language)
        return
    values = dict(dialogue.data)
    message = query.message
    if action == "t":
        async with context.db.session() as session:
            topic = await session.get(Topic, item_id)
        if topic is None or topic.municipality_id != place.id:  # another municipality's topic
            await refuse_button(query, language)
            return
        values["topics"] = rules.toggle(values.get("topics", []), topic.id)
        dialogue = await _save(context, user, "options", values)
        await query.answer()
        text, markup = await _options_screen(context, dialogue, language)
        await edit_quietly(query, text, reply_markup=markup)
        return
    await query.answer()
    await drop_buttons(query)
    try:
        if action == "n":
            rules.check_options(len(values.get("topics", [])) + len(values.get("texts", [])))
            dialogue = await _save(context, user, "kind", values)
        elif action == "k" and item_id in (0, 1):
            values["kind"] = rules.KINDS[item_id]
            dialogue = await _save(context, user, "closes", values)
        elif action == "d" and item_id in rules.QUICK_CLOSING_DAYS:
            zone = ZoneInfo(place.timezone)
            values["closes_at"] = dates.quick_deadline(item_id, zone=zone, now=now()).isoformat()
            dialogue = await _save(context, user, "confirm", values)
        elif action == "go" and item_id == 0:
            await cancel(message, context, user, language)
            return
        elif action == "go" and item_id == 1:
            await _send(message, context, user, language, place, values)
            return
        else:
            await message.reply_text(t(language, "button-stale"))
            return
    except Invalid as refusal:
        await message.reply_text(t(language, refusal.key, **refusal.params))
        await _ask(message, context, language, dialogue)
        return
    await _ask(message, context, language, dialogue)


async def _send(
    message: Message,
    context: BotContext,
    user: User,
    language: str,
    place: Municipality,
    values: dict,
) -> None:
    async with context.db.session() as session:
        poll = await start_poll(
            session,
            place=place,
            kind=values["kind"],
            question=values["question"],
            topic_ids=values.get("topics", []),
            new_options=values.get("texts", []),
            closes_at=datetime.fromisoformat(values["closes_at"]),
            by_user_id=user.id,
            report_chat_id=message.chat_id,
            now=now(),
            default_language=context.settings.default_language,
            bot_username=context.bot.username,
        )
        await end_dialogue(session, user_id=user.id)
    key = "poll-started-channel" if poll.channel_chat_id is not None else "poll-started"
    await message.reply_text(t(language, key), reply_markup=main_menu(language))
    await _send_results(message, context, language, poll, edit=False)


# -- staff: results, CSV, closing, topics ----------------------------------------------------


async def _send_results(
    message: Message, context: BotContext, language: str, poll: Poll, *, edit: bool
) -> None:
    async with context.db.session() as session:
        view = await load_view(session, poll)
    text = results_text(poll, view.place, view.names, view.results, language, final=False)
    rows = [
        [
            (t(language, "broadcast-refresh"), data("r", poll.id)),
            (t(language, "poll-csv"), data("c", poll.id)),
        ]
    ]
    if poll.status == "open":
        rows.append([(t(language, "poll-close-now"), data("x", poll.id))])
    for option in view.options:
        if option.topic_id is None and option.text:
            rows.append(
                [(t(language, "poll-make-topic", option=option.text), data("mk", option.id))]
            )
    if edit:
        try:
            await message.edit_text(text, reply_markup=inline(rows))
        except BadRequest as error:  # unchanged results: "message is not modified"
            if "message is not modified" not in str(error).lower():
                raise
        return
    await message.reply_text(text, reply_markup=inline(rows))


async def _staff_button(
    query: CallbackQuery,
    context: BotContext,
    user: User,
    language: str,
    action: str,
    item_id: int,
) -> None:
    needed = {
        "m": "poll.create",
        "r": "poll.view",
        "c": "poll.view",
        "x": "poll.close",
        "mk": "topic.create",
    }[action]
    async with context.db.session() as session:
        if action == "m":
            record = await session.get(Municipality, item_id)
            place_id = record.id if record else None
            poll = option = None
        elif action == "mk":
            option = await session.get(PollOption, item_id)
            poll = await session.get(Poll, option.poll_id) if option else None
            place_id = poll.municipality_id if poll else None
        else:
            poll = await session.get(Poll, item_id)
            place_id = poll.municipality_id if poll else None
            option = None
    actor = await actor_of(context, user)
    if place_id is None or not can(actor, needed, place_id):
        await refuse_button(query, language)
        return
    message = query.message
    if action == "m":
        await query.answer()
        await drop_buttons(query)
        await _begin(message, context, user, language, record)
    elif action == "r":
        await query.answer()
        await _send_results(message, context, language, poll, edit=True)
    elif action == "c":
        await query.answer()
        async with context.db.session() as session:
            view = await load_view(session, poll)
        content = results_csv(poll, view.options, view.names, view.results, language)
        await message.reply_document(
            io.BytesIO(content),
            filename=f"poll-{poll.id}-results.csv",
            caption=t(language, "poll-csv-caption", question=poll.question[:200]),
        )
    elif action == "x":
        await _close_now(query, context, language, poll)
    elif action == "mk":
        try:
            async with context.db.session() as session:
                topic = await topic_from_option(session, option=option, poll=poll)
        except Invalid as refusal:
            await query.answer(t(language, refusal.key, **refusal.params), show_alert=True)
            return
        await query.answer()
        await message.reply_text(t(language, "poll-topic-created", topic=topic.name(language)))
        await _send_results(message, context, language, poll, edit=False)


async def _close_now(query: CallbackQuery, context: BotContext, language: str, poll: Poll) -> None:
    """Close a poll before its date: its closing moment becomes now; the poll job publishes."""
    from bot.polls import close_due_polls

    if poll.status != "open":
        await query.answer(t(language, "poll-closed"), show_alert=True)
        return
    moment_now = now()
    async with context.db.session() as session:
        row = await session.get(Poll, poll.id)
        row.closes_at = min(row.closes_at, moment_now)
        session.add(row)
        await session.commit()
    await close_due_polls(
        context.db, now=moment_now, default_language=context.settings.default_language
    )
    await query.answer(t(language, "poll-closed-now"))
    async with context.db.session() as session:
        poll = await session.get(Poll, poll.id)
    await _send_results(query.message, context, language, poll, edit=True)


# -- participants: ticking and sending an answer ---------------------------------------------


async def _answer_button(
    query: CallbackQuery,
    context: BotContext,
    user: User,
    language: str,
    action: str,
    poll_id: int,
    option_id: int | None,
) -> None:
    moment_now = now()
    async with context.db.session() as session:
        poll = await session.get(Poll, poll_id)
        allowed = poll is not None and await may_answer(session, poll=poll, user_id=user.id)
        option = await session.get(PollOption, option_id) if option_id is not None else None
        topic = await session.get(Topic, option.topic_id) if option and option.topic_id else None
        answer = await answer_of(session, poll_id=poll_id, user_id=user.id) if allowed else None
    if not allowed:
        await refuse_button(query, language)
        return
    if not rules.is_open(status=poll.status, closes_at=poll.closes_at, now=moment_now):
        await query.answer(t(language, "poll-closed"), show_alert=True)
        await drop_buttons(query)
        return
    if answer is not None and answer.submitted_at is not None:
        await query.answer(t(language, "poll-already-answered"), show_alert=True)
        await drop_buttons(query)
        return
    if action == "a":
        if (
            option is None
            or option.poll_id != poll.id
            or (topic is not None and topic.municipality_id != poll.municipality_id)
        ):
            await refuse_button(query, language)
            return
        choices = rules.toggle(answer.choices if answer else [], option.id)
        async with context.db.session() as session:
            saved = await save_draft_answer(
                session, poll_id=poll.id, user_id=user.id, choices=choices
            )
            view = await load_view(session, poll)
        if saved is None:
            await query.answer(t(language, "poll-already-answered"), show_alert=True)
            return
        await query.answer()
        try:
            await query.edit_message_reply_markup(
                answer_keyboard(poll, view.options, view.names, choices, language)
            )
        except BadRequest as error:
            if "message is not modified" not in str(error).lower():
                raise
        return
    # action "s": send the answer
    if answer is None or not answer.choices:
        await query.answer(t(language, "poll-choose-first"), show_alert=True)
        return
    async with context.db.session() as session:
        sent = await submit_answer(session, poll_id=poll.id, user_id=user.id, now=moment_now)
        view = await load_view(session, poll)
    if not sent:
        await query.answer(t(language, "poll-already-answered"), show_alert=True)
        return
    await query.answer()
    await drop_buttons(query)
    chosen = [view.names[choice][language] for choice in answer.choices if choice in view.names]
    await query.message.reply_text(
        t(
            language,
            f"poll-thanks-{poll.kind}",
            choices="\n".join(f"{index}. {name}" for index, name in enumerate(chosen, 1)),
        )
    )


async def open_from_link(
    message: Message, context: BotContext, user: User, language: str, poll_id: int
) -> bool:
    """t.me/<bot>?start=p-<id> (the button under a poll posted to a channel): the poll with its
    answer buttons in this chat. False for a poll that does not exist."""
    async with context.db.session() as session:
        poll = await session.get(Poll, poll_id)
        allowed = poll is not None and await may_answer(session, poll=poll, user_id=user.id)
        answer = await answer_of(session, poll_id=poll_id, user_id=user.id) if allowed else None
        view = await load_view(session, poll) if allowed else None
    if not allowed:
        return False
    if not rules.is_open(status=poll.status, closes_at=poll.closes_at, now=now()):
        await message.reply_text(t(language, "poll-closed"))
        return True
    if answer is not None and answer.submitted_at is not None:
        await message.reply_text(t(language, "poll-already-answered"))
        return True
    choices = answer.choices if answer else []
    await message.reply_text(
        poll_text(poll, view.place, language),
        reply_markup=answer_keyboard(poll, view.options, view.names, choices, language),
    )
    return True


# -- the one entry point for "pl:" buttons ---------------------------------------------------


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    user, language = await current_user(update, context)
    parsed = parse(query.data)
    if parsed is None:
        await refuse_button(query, language)
        return
    action, item_id, arg = parsed
    if action in DIALOGUE_ACTIONS:
        if arg is not None:
            await refuse_button(query, language)
            return
        await _dialogue_button(query, context, user, language, action, item_id)
    elif action in ("m", "r", "c", "x", "mk") and arg is None:
        await _staff_button(query, context, user, language, action, item_id)
    elif action == "a" and arg is not None:
        await _answer_button(query, context, user, language, action, item_id, arg)
    elif action == "s" and arg is None:
        await _answer_button(query, context, user, language, action, item_id, None)
    else:
        await refuse_button(query, language)
