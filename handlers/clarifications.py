"""Clarifications: an NCO asks about a call from its card; the call's staff answer in the bot;
the answer, without the asker's name, joins the call's public Q&A and is sent to the asker and
to everyone who has started an application to that call."""

from __future__ import annotations

import html
from datetime import UTC, datetime

from telegram import Message, Update

from bot.context import BotContext
from bot.formatting import localized
from bot.i18n import Markup, t
from bot.rules import application as application_rules
from bot.rules.access import can
from bot.rules.validation import Invalid, clean_text
from handlers.callbacks import clarification_data, parse_clarification
from handlers.common import current_user, leaves_dialogue, refuse_button
from handlers.keyboards import dialogue_keyboard, inline, main_menu
from storage.models import Clarification, Competition, Dialogue, User
from storage.queries import clarifications as queries
from storage.queries.dialogues import end_dialogue, save_dialogue
from storage.queries.outbox import enqueue
from storage.queries.staff import staff_chat_ids
from storage.queries.users import get_user

ASK, ANSWER = "ask", "answer"
DIALOGUES = (ASK, ANSWER)


def _escaped(text: str) -> Markup:
    return Markup(html.escape(text, quote=False))


async def card_buttons(
    context: BotContext, language: str, call: Competition
) -> list[list[tuple[str, str]]]:
    """The Q&A buttons under a call's card for NCOs."""
    async with context.db.session() as session:
        answered = await queries.answered_for(session, competition_id=call.id)
    rows = []
    if call.status == "published":
        rows.append([(t(language, "qa-ask"), clarification_data("ask", call.id))])
    if answered:
        rows.append(
            [(t(language, "qa-list", count=len(answered)), clarification_data("list", call.id))]
        )
    return rows


async def questions_command(update: Update, context: BotContext) -> None:
    """/questions: unanswered questions about the calls of the user's municipalities."""
    from handlers.staff import actor_of, places_for

    user, language = await current_user(update, context)
    actor = await actor_of(context, user)
    places = await places_for(context, actor, "clarification.answer")
    if not places:
        await update.effective_message.reply_text(t(language, "staff-not-allowed"))
        return
    async with context.db.session() as session:
        open_questions = await queries.unanswered(session, municipality_ids={p.id for p in places})
        calls = {
            q.competition_id: await session.get(Competition, q.competition_id)
            for q in open_questions
        }
    if not open_questions:
        await update.effective_message.reply_text(t(language, "qa-none-open"))
        return
    for question in open_questions:
        text = t(
            language,
            "qa-open-item",
            title=localized(calls[question.competition_id].title, language),
            question=question.question,
        )
        buttons = [[(t(language, "qa-answer"), clarification_data("ans", question.id))]]
        await update.effective_message.reply_text(text, reply_markup=inline(buttons))


async def on_button(update: Update, context: BotContext) -> None:
    """ "qa:<action>:<id>": ask about a call, list its Q&A, or (staff) answer a question."""
    from handlers.staff import actor_of

    query = update.callback_query
    user, language = await current_user(update, context)
    parsed = parse_clarification(query.data)
    if parsed is None:
        await refuse_button(query, language)
        return
    action, item_id = parsed
    async with context.db.session() as session:
        if action == "ans":
            question = await session.get(Clarification, item_id)
            call = await session.get(Competition, question.competition_id) if question else None
        else:
            question, call = None, await session.get(Competition, item_id)
    if call is None or call.status == "draft":
        await refuse_button(query, language)
        return
    if action == "ask":
        if not application_rules.is_open(call, datetime.now(UTC)):
            await query.answer(t(language, "apply-closed"), show_alert=True)
            return
        await query.answer()
        async with context.db.session() as session:
            await save_dialogue(
                session,
                user_id=user.id,
                name=ASK,
                step="question",
                data={"competition_id": call.id},
            )
        await query.message.reply_text(
            t(language, "qa-ask-prompt"), reply_markup=dialogue_keyboard(language)
        )
    elif action == "list":
        await query.answer()
        await send_qa(query.message, context, language, call)
    elif action == "ans":
        actor = await actor_of(context, user)
        if (
            not can(actor, "clarification.answer", call.municipality_id)
            or question.answer is not None
        ):
            await refuse_button(query, language)
            return
        await query.answer()
        async with context.db.session() as session:
            await save_dialogue(
                session,
                user_id=user.id,
                name=ANSWER,
                step="answer",
                data={"clarification_id": question.id},
            )
        await query.message.reply_text(
            t(language, "qa-answer-prompt", question=question.question),
            reply_markup=dialogue_keyboard(language),
        )
    else:
        await refuse_button(query, language)


async def send_qa(message: Message, context: BotContext, language: str, call: Competition) -> None:
    async with context.db.session() as session:
        answered = await queries.answered_for(session, competition_id=call.id)
    items = [t(language, "qa-item", question=q.question, answer=q.answer) for q in answered]
    header = t(language, "qa-title", title=localized(call.title, language))
    await message.reply_text("\n\n".join([header, *items]))


async def on_message(update: Update, context: BotContext, user: User, dialogue: Dialogue) -> None:
    """The typed question (NCO) or answer (staff)."""
    message = update.effective_message
    _, language = await current_user(update, context)
    text = message.text
    if leaves_dialogue(text):
        await cancel(message, context, user, language)
        return
    if text is None:
        await message.reply_text(t(language, "invalid-need-text"))
        return
    try:
        body = clean_text(text, minimum=10, maximum=1000)
    except Invalid as refusal:
        await message.reply_text(t(language, refusal.key, **refusal.params))
        return
    if dialogue.name == ASK:
        await _ask(message, context, user, language, dialogue, body)
    else:
        await _answer(message, context, user, language, dialogue, body)


async def cancel(message: Message, context: BotContext, user: User, language: str) -> None:
    async with context.db.session() as session:
        await end_dialogue(session, user_id=user.id)
    await message.reply_text(t(language, "wz-cancelled"), reply_markup=main_menu(language))


async def _ask(
    message: Message, context: BotContext, user: User, language: str, dialogue: Dialogue, body: str
) -> None:
    async with context.db.session() as session:
        call = await session.get(Competition, dialogue.data.get("competition_id"))
        if call is None or not application_rules.is_open(call, datetime.now(UTC)):
            await end_dialogue(session, user_id=user.id)
            await message.reply_text(t(language, "apply-closed"), reply_markup=main_menu(language))
            return
        question = await queries.ask(
            session, competition_id=call.id, user_id=user.id, question=body
        )
        for chat_id in await staff_chat_ids(session, municipality_id=call.municipality_id):
            staff = await get_user(session, telegram_id=chat_id)
            staff_language = (
                staff.language if staff else None
            ) or context.settings.default_language
            await enqueue(
                session,
                chat_id=chat_id,
                user_id=staff.id if staff else None,
                dedupe_key=f"question:{question.id}:u{chat_id}",
                text=t(
                    staff_language,
                    "qa-staff-notice",
                    title=localized(call.title, staff_language),
                    question=_escaped(body),
                ),
            )
        await end_dialogue(session, user_id=user.id)
        await session.commit()
    await message.reply_text(t(language, "qa-asked"), reply_markup=main_menu(language))


async def _answer(
    message: Message, context: BotContext, user: User, language: str, dialogue: Dialogue, body: str
) -> None:
    from handlers.staff import actor_of

    actor = await actor_of(context, user)
    async with context.db.session() as session:
        question = await session.get(Clarification, dialogue.data.get("clarification_id"))
        call = await session.get(Competition, question.competition_id) if question else None
        if call is None or not can(actor, "clarification.answer", call.municipality_id):
            await end_dialogue(session, user_id=user.id)
            await message.reply_text(
                t(language, "staff-not-allowed"), reply_markup=main_menu(language)
            )
            return
        if not await queries.answer(
            session, clarification_id=question.id, text=body, user_id=user.id, now=datetime.now(UTC)
        ):
            await end_dialogue(session, user_id=user.id)
            await message.reply_text(
                t(language, "qa-already-answered"), reply_markup=main_menu(language)
            )
            return
        recipients = {
            row[0]: row for row in await queries.applicants_of(session, competition_id=call.id)
        }
        asker = (
            await session.get(User, question.asked_by_user_id)
            if question.asked_by_user_id
            else None
        )
        if asker is not None and asker.is_active:
            recipients[asker.id] = (asker.id, asker.telegram_id, asker.language)
        for user_id, chat_id, reader_language in recipients.values():
            reader_language = reader_language or context.settings.default_language
            await enqueue(
                session,
                chat_id=chat_id,
                user_id=user_id,
                dedupe_key=f"answer:{question.id}:u{user_id}",
                text=t(
                    reader_language,
                    "qa-published",
                    title=localized(call.title, reader_language),
                    question=_escaped(question.question),
                    answer=_escaped(body),
                ),
            )
        await end_dialogue(session, user_id=user.id)
        await session.commit()
    await message.reply_text(
        t(language, "qa-answer-sent", count=len(recipients)), reply_markup=main_menu(language)
    )
