"""A commission member's side of selection: /review lists the calls they are assigned to; each
admitted application opens with a conflict-of-interest declaration (or a recusal, which hides
it), then its answers, its documents (re-sent by Telegram file id, or from the file store when
the id no longer works) and a score per criterion; the sheet is submitted once, at the end.

Buttons are "cm:<action>:<id>[:<arg>]". Every action re-checks from the database that the user
holds the commission role in the call's municipality AND is assigned to the call; a member never
sees another member's scores (nothing here reads them)."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from pathlib import Path

from telegram import Message, Update

from bot import selection
from bot.context import BotContext
from bot.formatting import localized
from bot.i18n import t
from bot.rules import application as application_rules
from bot.rules import selection as rules
from bot.rules.access import can
from bot.rules.validation import Invalid
from handlers.common import current_user, drop_buttons, leaves_dialogue, refuse_button
from handlers.files import resend
from handlers.keyboards import dialogue_keyboard, inline, main_menu
from storage.files import FileStore
from storage.models import Competition, Dialogue, Submission, SubmissionDocument, User
from storage.queries.dialogues import end_dialogue, save_dialogue
from storage.queries.selection import assignment_for, calls_assigned_to, documents_of_many

DIALOGUE = "score"
DIALOGUES = (DIALOGUE,)

_DATA = re.compile(r"^cm:(?P<action>[a-z]{2,6}):(?P<id>\d{1,9})(?::(?P<arg>[a-z0-9_-]{1,40}))?$")
# action -> what the id names
ACTIONS = {
    "call": "call",
    "sheet": "call",
    "sub": "submission",
    "coi": "submission",
    "rec": "submission",
    "docs": "submission",
    "crit": "submission",
}


def now() -> datetime:
    return datetime.now(UTC)


def data(action: str, item_id: int, arg: str | None = None) -> str:
    return f"cm:{action}:{item_id}" + (f":{arg}" if arg else "")


def parse(raw: str | None) -> tuple[str, int, str | None] | None:
    match = _DATA.match(raw or "")
    if not match or match["action"] not in ACTIONS:
        return None
    return match["action"], int(match["id"]), match["arg"]


async def _allowed(context: BotContext, user: User, call: Competition) -> bool:
    """The commission role in the call's municipality and an assignment to the call."""
    from handlers.staff import actor_of

    actor = await actor_of(context, user)
    if not can(actor, "commission.score", call.municipality_id):
        return False
    async with context.db.session() as session:
        return await assignment_for(session, competition_id=call.id, user_id=user.id) is not None


# -- /review ---------------------------------------------------------------------------------


async def review_command(update: Update, context: BotContext) -> None:
    """/review: the calls this member is assigned to."""
    user, language = await current_user(update, context)
    async with context.db.session() as session:
        calls = await calls_assigned_to(session, user_id=user.id)
    calls = [call for call in calls if await _allowed(context, user, call)]
    if not calls:
        await update.effective_message.reply_text(t(language, "sel-no-assignments"))
        return
    rows = [
        [
            (
                f"{t(language, f'status-{call.status}')} · {localized(call.title, language)}"[:60],
                data("call", call.id),
            )
        ]
        for call in calls
    ]
    await update.effective_message.reply_text(
        t(language, "sel-review-title"), reply_markup=inline(rows)
    )


async def send_sheet(
    message: Message, context: BotContext, user: User, language: str, call: Competition
) -> None:
    async with context.db.session() as session:
        lines = await selection.member_sheet(session, call=call, user_id=user.id)
        assignment = await assignment_for(session, competition_id=call.id, user_id=user.id)
    text = [t(language, "sel-sheet-title", title=localized(call.title, language))]
    rows = []
    for line in lines:
        if line.review is None:
            mark = "⏳"
        elif rules.unscored(call.criteria, line.review.scores):
            mark = "✍️"
        else:
            mark = "✅"
        project = str(line.submission.answers.get("project_title", ""))
        rows.append(
            [
                (
                    f"{mark} {line.submission.reference} · {project}"[:60],
                    data("sub", line.submission.id),
                )
            ]
        )
    if not lines:
        text.append(t(language, "sel-no-admitted"))
    if assignment.sheet_submitted_at is not None:
        text.append(t(language, "sel-sheet-is-submitted"))
    elif rules.in_review(call, now()):
        text.append(t(language, "sel-sheet-hint"))
        rows.append([(t(language, "sel-submit-sheet"), data("sheet", call.id))])
    await message.reply_text("\n".join(text), reply_markup=inline(rows) if rows else None)


async def send_submission(
    message: Message,
    context: BotContext,
    user: User,
    language: str,
    call: Competition,
    submission: Submission,
) -> None:
    """Before a declaration: only the reference and the title, and the declaration buttons.
    After: the answers and a button per criterion with this member's own score."""
    async with context.db.session() as session:
        _, review = await selection.open_for_member(
            session, call=call, submission_id=submission.id, user_id=user.id
        )
        assignment = await assignment_for(session, competition_id=call.id, user_id=user.id)
    project = str(submission.answers.get("project_title", ""))
    if review is None:
        await message.reply_text(
            t(language, "sel-coi-ask", reference=submission.reference or "", project=project),
            reply_markup=inline(
                [
                    [(t(language, "sel-coi-none"), data("coi", submission.id))],
                    [(t(language, "sel-coi-recuse"), data("rec", submission.id))],
                ]
            ),
        )
        return
    lines = [t(language, "sel-review-submission", reference=submission.reference or "")]
    for field in application_rules.FORM_FIELDS:
        value = submission.answers.get(field, "—")
        lines.append(
            t(language, "profile-line", field=t(language, f"apply-field-{field}"), value=str(value))
        )
    rows = [[(t(language, "sel-documents"), data("docs", submission.id))]]
    locked = assignment.sheet_submitted_at is not None or not rules.in_review(call, now())
    for criterion in call.criteria:
        _, high = rules.criterion_range(criterion)
        given = review.scores.get(criterion["key"])
        label = t(
            language,
            "sel-criterion-button",
            name=localized(criterion.get("name", {}), language) or criterion["key"],
            weight=criterion.get("weight", 1),
            score="—" if given is None else str(given),
            maximum=high,
        )
        comment = review.comments.get(criterion["key"])
        if comment:
            lines.append(
                f"• {html.escape(label, quote=False)}: {html.escape(comment, quote=False)}"
            )
        if not locked:
            rows.append([(label[:60], data("crit", submission.id, criterion["key"][:40]))])
    rows.append([(t(language, "sel-back"), data("call", call.id))])
    await message.reply_text("\n".join(lines), reply_markup=inline(rows))


async def send_documents(
    message: Message, context: BotContext, submission: Submission, language: str
) -> None:
    """Each file again in the chat: by its Telegram file id, or uploaded from the file store
    when Telegram no longer knows the id."""
    async with context.db.session() as session:
        documents = (await documents_of_many(session, submission_ids=[submission.id]))[
            submission.id
        ]
    if not documents:
        await message.reply_text(t(language, "sel-no-documents"))
        return
    store = FileStore(Path(context.settings.file_store_dir))
    for document in documents:
        await _send_document(message, store, document, language)


async def _send_document(
    message: Message, store: FileStore, document: SubmissionDocument, language: str
) -> None:
    caption = f"{document.requirement} · {document.position}"
    extension = "jpg" if document.kind == "jpeg" else document.kind
    await resend(
        message,
        store,
        telegram_file_id=document.telegram_file_id,
        kind=document.kind,
        sha256=document.sha256,
        file_name=document.file_name or f"{document.requirement}-{document.position}.{extension}",
        caption=caption,
        language=language,
    )


# -- buttons ---------------------------------------------------------------------------------


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    user, language = await current_user(update, context)
    parsed = parse(query.data)
    if parsed is None:
        await refuse_button(query, language)
        return
    action, item_id, arg = parsed
    async with context.db.session() as session:
        if ACTIONS[action] == "call":
            call, submission = await session.get(Competition, item_id), None
        else:
            submission = await session.get(Submission, item_id)
            call = await session.get(Competition, submission.competition_id) if submission else None
    if call is None or not await _allowed(context, user, call):
        await refuse_button(query, language)
        return
    message = query.message
    try:
        async with context.db.session() as session:
            if submission is not None:
                # Admitted, and not recused from: anything else is refused before it is shown.
                _, review = await selection.open_for_member(
                    session, call=call, submission_id=submission.id, user_id=user.id
                )
                # The documents come after the conflict-of-interest declaration, as the card
                # shows them; a forged button must not get round it.
                if action == "docs" and review is None:
                    raise Invalid("sel-declare-first")
            if action in ("coi", "rec"):
                await selection.declare(
                    session,
                    call=call,
                    submission_id=submission.id,
                    user_id=user.id,
                    recuse=action == "rec",
                    now=now(),
                )
            elif action == "sheet":
                await selection.submit_sheet(session, call=call, user_id=user.id, now=now())
            elif action == "crit":
                if rules.criterion_by_key(call.criteria, arg) is None:
                    raise Invalid("sel-no-such-criterion")
                assignment = await assignment_for(session, competition_id=call.id, user_id=user.id)
                if assignment.sheet_submitted_at is not None:
                    raise Invalid("sel-sheet-already-submitted")
                if not rules.in_review(call, now()):
                    raise Invalid("sel-not-in-review")
                _, review = await selection.open_for_member(
                    session, call=call, submission_id=submission.id, user_id=user.id
                )
                if review is None:
                    raise Invalid("sel-declare-first")
    except Invalid as refusal:
        await query.answer(t(language, refusal.key, **refusal.params), show_alert=True)
        return
    await query.answer()
    if action == "call":
        await send_sheet(message, context, user, language, call)
    elif action == "sub" or action == "coi":
        if action == "coi":
            await drop_buttons(query)
        await send_submission(message, context, user, language, call, submission)
    elif action == "rec":
        await drop_buttons(query)
        await message.reply_text(t(language, "sel-recused-done", reference=submission.reference))
        await send_sheet(message, context, user, language, call)
    elif action == "docs":
        await send_documents(message, context, submission, language)
    elif action == "crit":
        criterion = rules.criterion_by_key(call.criteria, arg)
        low, high = rules.criterion_range(criterion)
        async with context.db.session() as session:
            await save_dialogue(
                session,
                user_id=user.id,
                name=DIALOGUE,
                step="score",
                data={"submission_id": submission.id, "criterion": arg},
            )
        await message.reply_text(
            t(
                language,
                "sel-ask-score",
                name=localized(criterion.get("name", {}), language) or arg,
                minimum=low,
                maximum=high,
            ),
            reply_markup=dialogue_keyboard(language),
        )
    elif action == "sheet":
        await drop_buttons(query)
        await message.reply_text(t(language, "sel-sheet-submitted"))


# -- a typed score ---------------------------------------------------------------------------


async def on_message(update: Update, context: BotContext, user: User, dialogue: Dialogue) -> None:
    message = update.effective_message
    _, language = await current_user(update, context)
    if leaves_dialogue(message.text):
        await cancel(message, context, user, language)
        return
    submission_id = dialogue.data.get("submission_id")
    async with context.db.session() as session:
        submission = (
            await session.get(Submission, submission_id) if isinstance(submission_id, int) else None
        )
        call = await session.get(Competition, submission.competition_id) if submission else None
    if call is None or not await _allowed(context, user, call):
        await cancel(message, context, user, language, key="button-stale")
        return
    if message.text is None:
        await message.reply_text(t(language, "invalid-need-text"))
        return
    try:
        async with context.db.session() as session:
            await selection.score(
                session,
                call=call,
                submission_id=submission.id,
                user_id=user.id,
                criterion_key=str(dialogue.data.get("criterion")),
                text=message.text,
                now=now(),
            )
    except Invalid as refusal:
        if refusal.key.startswith(("sel-score-", "invalid-")):
            await message.reply_text(t(language, refusal.key, **refusal.params))
            return
        await cancel(message, context, user, language, key=refusal.key, **refusal.params)
        return
    async with context.db.session() as session:
        await end_dialogue(session, user_id=user.id)
    await message.reply_text(t(language, "sel-score-saved"), reply_markup=main_menu(language))
    await send_submission(message, context, user, language, call, submission)


async def cancel(
    message: Message,
    context: BotContext,
    user: User,
    language: str,
    *,
    key: str = "sel-cancelled",
    **params: object,
) -> None:
    async with context.db.session() as session:
        await end_dialogue(session, user_id=user.id)
    await message.reply_text(t(language, key, **params), reply_markup=main_menu(language))
