"""NCO applications: browsing open calls, eligibility, the form, documents, submitting with a
receipt, withdrawing; and /submissions for staff.

The dialogue row holds {"submission_id", "revision"}; the submission row holds the answers.
Every button re-checks that the submission belongs to the user's organization and that the call
is still open; a save names the revision it was based on, so two members of one NCO editing at
once never silently overwrite each other."""

from __future__ import annotations

import html
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from telegram import Message, Update

from bot.context import BotContext
from bot.formatting import localized, moment, number
from bot.i18n import t
from bot.publishing import card_texts
from bot.rules import application as rules
from bot.rules.validation import Invalid
from handlers import calendar, clarifications
from handlers.callbacks import application_data, parse_application
from handlers.common import (
    all_texts,
    current_user,
    drop_buttons,
    language_for,
    note_seen,
    refuse_button,
)
from handlers.files import fetch_checked, keep_file
from handlers.keyboards import dialogue_keyboard, inline, main_menu
from storage.files import FileStore
from storage.models import (
    Competition,
    Dialogue,
    Municipality,
    Organization,
    Submission,
    SubmissionDocument,
    User,
)
from storage.queries.competitions import open_competitions
from storage.queries.dialogues import end_dialogue, move_dialogue
from storage.queries.organizations import organization_of
from storage.queries.outbox import enqueue, queued_keys
from storage.queries.staff import staff_recipients
from storage.queries.submissions import (
    StaleRevision,
    add_document,
    create_draft,
    documents_of,
    organization_and_submission,
    own_submission_and_call_version,
    remove_documents,
    save_submission,
    submissions_of_organization,
    submit_with_reference,
    uploaded_counts,
    user_dialogue_and_own_submission,
    withdraw,
)
from storage.queries.subscriptions import subscriptions_of

APPLY = "apply"
# Buttons that change an application (or lead to a change): refused once it is submitted.
CHANGES = frozenset({"el", "elfix", "edit", "docs", "doc", "docdel", "keep", "submit"})
PAGE_SIZE = 5


def now() -> datetime:
    return datetime.now(UTC)


# -- browsing --------------------------------------------------------------------------------


async def calls_for_nco(update: Update, context: BotContext) -> None:
    """/calls for an NCO: open calls, those matching the subscriptions first."""
    user, language = await current_user(update, context)
    await send_call_list(update.effective_message, context, user, language, page=0)


async def send_call_list(
    message: Message,
    context: BotContext,
    user: User,
    language: str,
    *,
    page: int,
    edit: bool = False,
) -> None:
    async with context.db.session() as session:
        calls = [call for call in await open_competitions(session) if rules.is_open(call, now())]
        subscribed = {
            (row.municipality_id, row.topic_id)
            for row in await subscriptions_of(session, user_id=user.id)
        }
        # The organization's applications, whichever member started them.
        organization = await organization_of(session, user_id=user.id)
        ours = (
            await submissions_of_organization(session, organization_id=organization.id)
            if organization is not None
            else {}
        )
        places = {
            call.municipality_id: await session.get(Municipality, call.municipality_id)
            for call in calls
        }

    def matches(call: Competition) -> bool:
        return (call.municipality_id, None) in subscribed or (
            call.municipality_id,
            call.topic_id,
        ) in subscribed

    calls.sort(key=lambda call: (not matches(call), call.deadline_at))
    if not calls:
        await message.reply_text(t(language, "apply-no-open-calls"))
        return
    shown = calls[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    rows = []
    for call in shown:
        zone = _zone(places[call.municipality_id].timezone)
        star = "⭐ " if matches(call) else ""
        mine = ours.get(call.id)
        if mine is not None:
            star += "✅ " if mine.status == "submitted" else "📝 "
        label = f"{star}{localized(call.title, language)} · {moment(call.deadline_at, zone)}"
        rows.append([(label[:60], application_data("open", call.id))])
    pager = []
    if page > 0:
        pager.append(("◀️", application_data("page", page - 1)))
    if (page + 1) * PAGE_SIZE < len(calls):
        pager.append(("▶️", application_data("page", page + 1)))
    if pager:
        rows.append(pager)
    text = t(
        language,
        "apply-calls-title",
        count=len(calls),
        page=page + 1,
        pages=(len(calls) - 1) // PAGE_SIZE + 1,
    )
    if edit:
        await message.edit_text(text, reply_markup=inline(rows))
    else:
        await message.reply_text(text, reply_markup=inline(rows))


def _zone(name: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


async def send_call_card(
    message: Message, context: BotContext, user: User, language: str, call: Competition
) -> None:
    """The card with the time left and a button to apply or continue."""
    async with context.db.session() as session:
        # The card in every language, built once per version of the call (storage/call_cache.py).
        texts = await context.db.calls.text(call, "card", lambda: card_texts(session, call))
        _, existing = await organization_and_submission(
            session, user_id=user.id, competition_id=call.id
        )
        if existing is not None:
            zone_name, _ = await context.db.calls.text(
                call, "place", lambda: _zone_and_code(session, call)
            )
    text = texts[language]
    if existing is not None:  # started by this user or another member of the organization
        text += "\n\n" + t(
            language,
            "apply-card-ours",
            state=t(language, f"apply-state-{existing.status}"),
            when=moment(existing.updated_at, _zone(zone_name)),
        )
    rows = []
    if rules.is_open(call, now()):
        left = call.deadline_at - now()
        text += "\n\n" + t(language, "apply-time-left", days=left.days, hours=left.seconds // 3600)
        key = "apply-continue" if existing is not None else "apply-start"
        rows.append([(t(language, key), application_data("apply", call.id))])
    else:
        text += "\n\n" + t(language, "apply-closed")
    rows += await clarifications.card_buttons(context, language, call)
    rows += calendar.card_buttons(language, call)
    await message.reply_text(text, reply_markup=inline(rows) if rows else None)


# -- starting and resuming -------------------------------------------------------------------


async def begin(
    message: Message, context: BotContext, user: User, language: str, call: Competition
) -> None:
    if not rules.is_open(call, now()):
        await message.reply_text(t(language, "apply-closed"))
        return
    async with context.db.session() as session:
        organization, submission = await organization_and_submission(
            session, user_id=user.id, competition_id=call.id
        )
        if organization is None:
            await message.reply_text(t(language, "apply-needs-profile"))
            return
        if submission is None:
            submission = await create_draft(
                session, competition_id=call.id, organization_id=organization.id, user_id=user.id
            )
    await advance(message, context, user, language, submission)


async def advance(
    message: Message, context: BotContext, user: User, language: str, submission: Submission
) -> None:
    """Ask whatever comes next: an eligibility question, a form field, or the overview."""
    async with context.db.session() as session:
        call = await session.get(Competition, submission.competition_id)
    question = rules.next_question(call.eligibility, submission.eligibility)
    excluded = rules.knock_out(call.eligibility, submission.eligibility)
    if excluded is not None:
        await _save_step(context, user, submission, f"el:{excluded['key']}")
        buttons = [
            [
                (
                    t(language, "apply-change-answer"),
                    application_data("elfix", submission.id, excluded["key"]),
                )
            ]
        ]
        await message.reply_text(
            t(
                language,
                "apply-not-eligible-reason",
                reason=localized(excluded.get("reason", {}), language),
            ),
            reply_markup=inline(buttons),
        )
        return
    if question is not None:
        await _save_step(context, user, submission, f"el:{question['key']}")
        number_ = call.eligibility.index(question) + 1
        buttons = [
            [
                (
                    t(language, "apply-yes"),
                    application_data("el", submission.id, f"{question['key']}-yes"),
                ),
                (
                    t(language, "apply-no"),
                    application_data("el", submission.id, f"{question['key']}-no"),
                ),
            ]
        ]
        text = t(language, "apply-eligibility-step", number=number_, total=len(call.eligibility))
        await message.reply_text(
            text + "\n" + localized(question["text"], language), reply_markup=inline(buttons)
        )
        return
    missing = rules.missing_fields(submission.answers)
    if missing:
        await ask_field(message, context, user, language, submission, missing[0])
        return
    await send_overview(message, context, user, language, submission)


async def _save_step(
    context: BotContext, user: User, submission: Submission, step: str, **extra: object
) -> None:
    async with context.db.session() as session:
        await move_dialogue(
            session,
            user_id=user.id,
            name=APPLY,
            step=step,
            data={"submission_id": submission.id, "revision": submission.revision, **extra},
        )


async def ask_field(
    message: Message,
    context: BotContext,
    user: User,
    language: str,
    submission: Submission,
    field: str,
    *,
    editing: bool = False,
) -> None:
    # The answer as it was when asked: a later save checks nobody changed it meanwhile.
    seen = submission.answers.get(field)
    await _save_step(context, user, submission, f"f:{field}", editing=editing, seen=seen)
    async with context.db.session() as session:
        call = await session.get(Competition, submission.competition_id)
    limits = dict(zip(("minimum", "maximum"), rules.TEXT_LIMITS.get(field, (0, 0)), strict=True))
    if field == "requested_amount" and call.max_per_project:
        limits["maximum"] = number(call.max_per_project, language)
    index = rules.FORM_FIELDS.index(field) + 1
    text = t(language, "apply-form-step", number=index, total=len(rules.FORM_FIELDS))
    await message.reply_text(
        text + "\n" + t(language, f"apply-ask-{field}", **limits),
        reply_markup=dialogue_keyboard(language),
    )


async def resume(
    message: Message, context: BotContext, user: User, language: str, dialogue: Dialogue
) -> None:
    """/start in the middle of an application: the same step again."""
    submission = await _submission(context, dialogue.data.get("submission_id"))
    if submission is None:
        async with context.db.session() as session:
            await end_dialogue(session, user_id=user.id)
        return
    await message.reply_text(t(language, "dialogue-resume"))
    if dialogue.step.startswith("doc:"):
        await ask_upload(message, context, user, language, submission, dialogue.step[4:])
    elif dialogue.step.startswith("f:"):
        await ask_field(
            message,
            context,
            user,
            language,
            submission,
            dialogue.step[2:],
            editing=dialogue.data.get("editing", False),
        )
    else:
        await advance(message, context, user, language, submission)


async def _submission(context: BotContext, submission_id: object) -> Submission | None:
    if not isinstance(submission_id, int):
        return None
    async with context.db.session() as session:
        # Read again even if the update's session holds it: this follows a change.
        return await session.get(Submission, submission_id, populate_existing=True)


# -- the overview ----------------------------------------------------------------------------


async def send_overview(
    message: Message, context: BotContext, user: User, language: str, submission: Submission
) -> None:
    # Read before the step is saved: in the update's session the read then shares the step's
    # transaction (on PostgreSQL a BEGIN and a ROLLBACK fewer).
    async with context.db.session() as session:
        call = await session.get(Competition, submission.competition_id)
        counts = await uploaded_counts(session, submission_id=submission.id)
    await _save_step(context, user, submission, "overview")
    lines = [t(language, "apply-overview-title", title=localized(call.title, language))]
    lines.append(
        t(language, f"apply-status-{submission.status}", reference=submission.reference or "")
    )
    for field in rules.FORM_FIELDS:
        value = submission.answers.get(field, "—")
        lines.append(
            t(language, "profile-line", field=t(language, f"apply-field-{field}"), value=str(value))
        )
    lines.append("")
    lines.append(t(language, "apply-checklist"))
    for item in rules.checklist(call.documents, counts):
        mark = "✅" if item.files else ("⬜️" if item.required else "▫️")
        name = html.escape(localized(item.name, language), quote=False)  # staff-written text
        lines.append(f"{mark} {name}" + (f" ({item.files})" if item.files else ""))
    problems = rules.submission_problems(
        competition=call,
        eligibility=submission.eligibility,
        answers=submission.answers,
        uploaded=counts,
        now=now(),
    )
    rows = []
    if rules.is_open(call, now()) and rules.is_editable(submission):
        rows.append([(t(language, "apply-upload"), application_data("docs", submission.id))])
        edits = [
            (
                t(language, "wz-edit", field=t(language, f"apply-field-{f}")),
                application_data("edit", submission.id, f),
            )
            for f in rules.FORM_FIELDS
        ]
        rows += [edits[i : i + 2] for i in range(0, len(edits), 2)]
        if not problems:
            rows.append([(t(language, "apply-submit"), application_data("submit", submission.id))])
    elif rules.is_open(call, now()) and submission.status == "submitted":
        # What the municipality received stays as it was: withdraw it to change anything.
        rows.append([(t(language, "apply-withdraw"), application_data("withdraw", submission.id))])
    if problems and submission.status != "submitted":
        lines.append("")
        lines += [t(language, problem) for problem in problems]
    await message.reply_text(
        "\n".join(lines), reply_markup=inline(rows) if rows else main_menu(language)
    )


# -- documents -------------------------------------------------------------------------------


async def send_checklist(
    message: Message, context: BotContext, user: User, language: str, submission: Submission
) -> None:
    async with context.db.session() as session:
        call = await session.get(Competition, submission.competition_id)
        counts = await uploaded_counts(session, submission_id=submission.id)
    rows = [
        [
            (
                ("✅ " if item.files else "📎 ") + localized(item.name, language),
                application_data("doc", submission.id, item.key),
            )
        ]
        for item in rules.checklist(call.documents, counts)
    ]
    rows.append(
        [(t(language, "apply-back-to-overview"), application_data("overview", submission.id))]
    )
    await message.reply_text(
        t(language, "apply-choose-document", limit=20), reply_markup=inline(rows)
    )


async def ask_upload(
    message: Message,
    context: BotContext,
    user: User,
    language: str,
    submission: Submission,
    requirement: str,
) -> None:
    async with context.db.session() as session:  # before the step: see send_overview
        call = await session.get(Competition, submission.competition_id)
        counts = await uploaded_counts(session, submission_id=submission.id)
    await _save_step(context, user, submission, f"doc:{requirement}")
    name = next(
        (localized(doc["name"], language) for doc in call.documents if doc["key"] == requirement),
        requirement,
    )
    rows = [[(t(language, "apply-upload-done"), application_data("docdone", submission.id))]]
    if counts.get(requirement):
        rows.append(
            [
                (
                    t(language, "apply-remove-files"),
                    application_data("docdel", submission.id, requirement),
                )
            ]
        )
    await message.reply_text(
        t(language, "apply-send-files", document=name, limit=20), reply_markup=inline(rows)
    )


async def take_file(
    update: Update,
    context: BotContext,
    user: User,
    language: str,
    dialogue: Dialogue,
    submission: Submission,
    call: Competition,
) -> None:
    """A document or photo while the user is on a document of the checklist (the caller has
    checked that the submission is the user's organization's)."""
    message = update.effective_message
    requirement = dialogue.step[4:]
    if not rules.is_open(call, now()):
        await message.reply_text(t(language, "apply-closed"))
        return
    if not rules.is_editable(submission):
        await tell_submitted(message, context, user, language, submission)
        return
    if message.document is not None:
        attachment, file_name = message.document, message.document.file_name or ""
    elif message.photo:
        attachment, file_name = message.photo[-1], f"photo-{message.message_id}.jpg"
    else:
        await message.reply_text(t(language, "doc-need-file"))
        return
    try:
        data, inspected = await fetch_checked(attachment, file_name)
    except Invalid as refusal:
        await message.reply_text(t(language, refusal.key, **refusal.params))
        return
    async with context.db.session() as session:
        existing = [
            doc
            for doc in await documents_of(session, submission_id=submission.id)
            if doc.sha256 == inspected.sha256
        ]
    if existing:
        await message.reply_text(
            t(language, "doc-duplicate", name=existing[0].file_name or existing[0].requirement)
        )
        return
    store = FileStore(Path(context.settings.file_store_dir))
    await keep_file(store, data, inspected)
    async with context.db.session() as session:
        document = await add_document(
            session,
            document=SubmissionDocument(
                submission_id=submission.id,
                requirement=requirement,
                telegram_file_id=attachment.file_id,
                telegram_file_unique_id=attachment.file_unique_id,
                file_name=file_name[:255],
                kind=inspected.kind,
                mime_type=inspected.mime_type,
                size=inspected.size,
                sha256=inspected.sha256,
                uploaded_by_user_id=user.id,
            ),
        )
    await message.reply_text(
        t(language, "doc-accepted", name=file_name or inspected.kind, position=document.position)
    )


# -- typed answers ---------------------------------------------------------------------------


async def on_message(update: Update, context: BotContext, user: User, dialogue: Dialogue) -> None:
    """A message while the user is in an application. The router calls this inside the update's
    one session (storage/db.py), so the rows below are loaded once for the whole update."""
    message = update.effective_message
    await note_seen(context, user)
    language = language_for(user, update.effective_user, context.settings.default_language)
    text = message.text
    own = await _own_submission(context, user, dialogue.data.get("submission_id"))
    if own is None:
        async with context.db.session() as session:
            await end_dialogue(session, user_id=user.id)
        await message.reply_text(t(language, "button-stale"), reply_markup=main_menu(language))
        return
    submission, call = own
    if text is not None and (
        text in all_texts("dialogue-cancel") or text in all_texts("dialogue-back")
    ):
        await pause(message, context, user, language)
        return
    if dialogue.step.startswith("doc:"):
        await take_file(update, context, user, language, dialogue, submission, call)
        return
    if not dialogue.step.startswith("f:"):
        await message.reply_text(t(language, "invalid-use-buttons"))
        return
    field = dialogue.step[2:]
    editing = bool(dialogue.data.get("editing", False))
    if not rules.is_open(call, now()):
        await message.reply_text(t(language, "apply-closed"))
        return
    if text is None:
        await message.reply_text(t(language, "invalid-need-text"))
        return
    try:
        value = rules.accept(field, text, competition=call)
    except Invalid as refusal:
        await message.reply_text(t(language, refusal.key, **refusal.params))
        return
    outcome = rules.answer_outcome(
        submission,
        field,
        asked_revision=dialogue.data["revision"],
        seen=dialogue.data.get("seen"),
        seen_known="seen" in dialogue.data,
    )
    if outcome == rules.SUBMITTED:
        await tell_submitted(message, context, user, language, submission)
        return
    if outcome == rules.CONFLICT:
        await answer_taken(message, context, user, language, submission, field, editing=editing)
        return
    try:
        async with context.db.session() as session:
            submission = await save_submission(
                session,
                submission_id=submission.id,
                # The application as read in this update: other members' answers stay.
                revision=submission.revision,
                values={"answers": {**submission.answers, field: value}},
                # In the update's session the next step (advance, send_overview: _save_step)
                # commits the answer with the step: one write transaction, not two.
                commit=not context.db.in_update_session(),
            )
    except StaleRevision:  # saved by another member in the same instant: nothing written
        fresh = await _submission(context, submission.id)
        if not rules.is_editable(fresh):
            await tell_submitted(message, context, user, language, fresh)
            return
        await message.reply_text(t(language, "apply-changed-meanwhile"))
        await ask_field(message, context, user, language, fresh, field, editing=editing)
        return
    if editing:
        await send_overview(message, context, user, language, submission)
    else:
        await advance(message, context, user, language, submission)


async def answer_taken(
    message: Message,
    context: BotContext,
    user: User,
    language: str,
    submission: Submission,
    field: str,
    *,
    editing: bool,
) -> None:
    """Another member changed this answer since the question was asked: the typed answer is not
    saved; show theirs, and ask again (sending it again replaces theirs, knowingly)."""
    current = submission.answers.get(field)
    keep = [[(t(language, "apply-keep-answer"), application_data("keep", submission.id, field))]]
    await message.reply_text(
        t(
            language,
            "apply-answer-taken",
            field=t(language, f"apply-field-{field}"),
            current="—" if current is None else str(current),
        ),
        reply_markup=inline(keep),
    )
    await ask_field(message, context, user, language, submission, field, editing=editing)


async def tell_submitted(
    message: Message, context: BotContext, user: User, language: str, submission: Submission
) -> None:
    """The application was submitted (perhaps by another member): nothing changes; say so and
    show it as it is."""
    async with context.db.session() as session:
        call = await session.get(Competition, submission.competition_id)
        place = await session.get(Municipality, call.municipality_id)
    when = moment(submission.submitted_at, _zone(place.timezone)) if submission.submitted_at else ""
    await message.reply_text(
        t(language, "apply-already-submitted", reference=submission.reference or "", when=when)
    )
    await send_overview(message, context, user, language, submission)


async def pause(message: Message, context: BotContext, user: User, language: str) -> None:
    """Leave the application for now: the draft stays, /calls continues it."""
    async with context.db.session() as session:
        await end_dialogue(session, user_id=user.id)
    await message.reply_text(t(language, "apply-paused"), reply_markup=main_menu(language))


async def _own_submission(
    context: BotContext, user: User, submission_id: object
) -> tuple[Submission, Competition] | None:
    """The submission if it is the user's organization's (re-checked on every update), and its
    call (see _with_call)."""
    if not isinstance(submission_id, int):
        return None
    async with context.db.session() as session:
        found = await own_submission_and_call_version(
            session, submission_id=submission_id, user_id=user.id
        )
    return await _with_call(context, found)


async def _with_call(
    context: BotContext, found: tuple[Submission, object] | None
) -> tuple[Submission, Competition] | None:
    """The submission with its call: from the process's cache when unchanged
    (storage/call_cache.py), put into the update's session, so `session.get(Competition, ...)`
    below costs no query while the caller holds it."""
    if found is None:
        return None
    submission, call_version = found
    async with context.db.session() as session:
        call = await context.db.calls.attach(session, submission.competition_id, call_version)
    return submission, call


# -- buttons ---------------------------------------------------------------------------------


async def on_button(update: Update, context: BotContext) -> None:
    """ "ap:<action>:<id>[:<arg>]": calls by id are public; submissions must be the user's own.

    One database session for the whole update (storage/db.py)."""
    async with context.db.update_session():
        await _on_button(update, context)


# Buttons whose id is a page or a call, not a submission.
NOT_SUBMISSION_ACTIONS = frozenset({"page", "open", "apply"})


async def _on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    parsed = parse_application(query.data)
    # The submission a button names comes in the same query as the user (checked below).
    named = parsed[1] if parsed is not None and parsed[0] not in NOT_SUBMISSION_ACTIONS else None
    async with context.db.session() as session:
        user, dialogue, found = await user_dialogue_and_own_submission(
            session, telegram_id=update.effective_user.id, submission_id=named
        )
    if user is None:  # first contact by a forwarded or very old button
        user, language = await current_user(update, context)
    else:
        await note_seen(context, user)
        language = language_for(user, update.effective_user, context.settings.default_language)
    if parsed is None:
        await refuse_button(query, language)
        return
    action, item_id, arg = parsed
    message = query.message
    if action == "page":
        await query.answer()
        await send_call_list(message, context, user, language, page=item_id, edit=True)
        return
    if action in ("open", "apply"):
        async with context.db.session() as session:
            call = await session.get(Competition, item_id)
        if call is None or call.status == "draft":
            await refuse_button(query, language)
            return
        await query.answer()
        if action == "open":
            await send_call_card(message, context, user, language, call)
        else:
            await begin(message, context, user, language, call)
        return
    own = await _with_call(context, found)  # None: unknown, or another NCO's (forged)
    if own is None:
        await refuse_button(query, language)
        return
    submission, call = own
    if action != "overview" and not rules.is_open(call, now()):
        await query.answer(t(language, "apply-closed"), show_alert=True)
        return
    if action == "keep" and not (
        arg in submission.answers and _on_question(dialogue, submission, arg or "")
    ):
        await refuse_button(query, language)  # not the question this user is on any more
        return
    await query.answer()
    if action in CHANGES and not rules.is_editable(submission):
        # Submitted (perhaps by another member, or a second tap on Submit): nothing changes.
        await drop_buttons(query)
        await tell_submitted(message, context, user, language, submission)
        return
    if action == "el":
        key, _, answer = (arg or "").rpartition("-")
        expected = dialogue is not None and dialogue.name == APPLY and dialogue.step == f"el:{key}"
        if (
            not expected
            or answer not in ("yes", "no")
            or key not in {q["key"] for q in call.eligibility}
        ):
            await refuse_button(query, language)
            return
        await drop_buttons(query)
        taken = submission.eligibility.get(key)
        if taken is not None:  # another member answered it meanwhile: theirs stays
            if taken != answer:
                await message.reply_text(
                    t(language, "apply-eligibility-taken", answer=t(language, f"apply-{taken}"))
                )
            await advance(message, context, user, language, submission)
            return
        await _save_eligibility(
            message, context, user, language, submission, {**submission.eligibility, key: answer}
        )
    elif action == "elfix":
        if arg not in submission.eligibility:
            await refuse_button(query, language)
            return
        await drop_buttons(query)
        answers = {k: v for k, v in submission.eligibility.items() if k != arg}
        await _save_eligibility(message, context, user, language, submission, answers)
    elif action == "edit" and arg in rules.FORM_FIELDS:
        await ask_field(message, context, user, language, submission, arg, editing=True)
    elif action == "docs":
        await send_checklist(message, context, user, language, submission)
    elif action == "doc" and arg in {doc["key"] for doc in call.documents}:
        await ask_upload(message, context, user, language, submission, arg)
    elif action == "docdel" and arg in {doc["key"] for doc in call.documents}:
        async with context.db.session() as session:
            await remove_documents(session, submission_id=submission.id, requirement=arg)
        await drop_buttons(query)
        await ask_upload(message, context, user, language, submission, arg)
    elif action in ("docdone", "overview"):
        await drop_buttons(query)
        # As read above in this update: nothing has changed it since.
        await send_overview(message, context, user, language, submission)
    elif action == "keep":
        # "Keep this answer" after a conflict: go on as if this question were answered.
        await drop_buttons(query)
        if dialogue.data.get("editing"):
            await send_overview(message, context, user, language, submission)
        else:
            await advance(message, context, user, language, submission)
    elif action == "submit":
        await drop_buttons(query)
        if not _seen_as_is(dialogue, submission):
            # Changed since this user's overview was drawn (by another member): submit only
            # what they have seen.
            await message.reply_text(t(language, "apply-check-before-submit"))
            await send_overview(message, context, user, language, submission)
            return
        await _submit(message, context, user, language, submission, call)
    elif action == "withdraw":
        await drop_buttons(query)
        async with context.db.session() as session:
            done = await withdraw(session, submission=submission, now=now())
        await message.reply_text(t(language, "apply-withdrawn" if done else "button-stale"))
        await send_overview(
            message, context, user, language, await _submission(context, submission.id)
        )
    else:
        await refuse_button(query, language)


def _on_question(dialogue: Dialogue | None, submission: Submission, field: str) -> bool:
    return (
        dialogue is not None
        and dialogue.name == APPLY
        and dialogue.step == f"f:{field}"
        and dialogue.data.get("submission_id") == submission.id
    )


def _seen_as_is(dialogue: Dialogue | None, submission: Submission) -> bool:
    """Whether the user's last view of the application (its revision, kept with the dialogue's
    step) is the application as it is now."""
    return (
        dialogue is not None
        and dialogue.name == APPLY
        and dialogue.data.get("submission_id") == submission.id
        and dialogue.data.get("revision") == submission.revision
    )


async def _save_eligibility(
    message: Message,
    context: BotContext,
    user: User,
    language: str,
    submission: Submission,
    answers: dict,
) -> None:
    try:
        async with context.db.session() as session:
            submission = await save_submission(
                session,
                submission_id=submission.id,
                revision=submission.revision,
                values={"eligibility": answers},
                commit=not context.db.in_update_session(),  # advance commits it with the step
            )
    except StaleRevision:
        await message.reply_text(t(language, "apply-changed-meanwhile"))
        submission = await _submission(context, submission.id)
    await advance(message, context, user, language, submission)


async def _submit(
    message: Message,
    context: BotContext,
    user: User,
    language: str,
    submission: Submission,
    call: Competition,
) -> None:
    async with context.db.session() as session:
        # The files, for the checks and for the receipt's list: one read.
        documents = await documents_of(session, submission_id=submission.id)
        problems = rules.submission_problems(
            competition=call,
            eligibility=submission.eligibility,
            answers=submission.answers,
            uploaded=Counter(document.requirement for document in documents),
            now=now(),
        )
        if problems:
            await message.reply_text("\n".join(t(language, problem) for problem in problems))
            return
        zone_name, code = await context.db.calls.text(
            call, "place", lambda: _zone_and_code(session, call)
        )
        at = now()
        submitted = await submit_with_reference(
            session,
            submission=submission,
            prefix=rules.reference_prefix(code, at, _zone(zone_name)),
            now=at,
            revision=submission.revision,
        )
    if submitted is None:  # another member submitted or changed it in the same instant
        fresh = await _submission(context, submission.id)
        if not rules.is_editable(fresh):
            await tell_submitted(message, context, user, language, fresh)
        else:
            await message.reply_text(t(language, "apply-check-before-submit"))
            await send_overview(message, context, user, language, fresh)
        return
    async with context.db.session() as session:
        await _notify_staff(session, call)
        await end_dialogue(session, user_id=user.id)  # commits the notice with it
    listing = "\n".join(f"• {doc.file_name or doc.kind}" for doc in documents)
    await message.reply_text(
        t(
            language,
            "apply-receipt",
            reference=submitted.reference,
            title=localized(call.title, language),
            when=moment(submitted.submitted_at, _zone(zone_name)),
            documents=listing,
        ),
        reply_markup=main_menu(language),
    )


async def _zone_and_code(session, call: Competition) -> tuple[str, str]:
    """The call's municipality's time zone and receipt code (kept with the call's texts)."""
    place = await session.get(Municipality, call.municipality_id)
    return place.timezone, place.code


async def _notify_staff(session, call: Competition) -> None:
    """One message per staff member per call per five minutes, however many arrive together.
    Does not commit."""
    bucket = int(now().timestamp() // 300)
    staff = await staff_recipients(session, municipality_id=call.municipality_id)
    keys = {chat_id: f"newsub:c{call.id}:u{chat_id}:{bucket}" for chat_id, _, _ in staff}
    queued = await queued_keys(session, keys.values())
    for chat_id, user_id, staff_language in staff:
        if keys[chat_id] in queued:  # told already in these five minutes
            continue
        language = staff_language or "ru"
        await enqueue(
            session,
            chat_id=chat_id,
            user_id=user_id,
            dedupe_key=keys[chat_id],
            text=t(language, "apply-staff-notice", title=localized(call.title, language)),
        )


# -- staff: /submissions ---------------------------------------------------------------------


async def submissions_command(update: Update, context: BotContext) -> None:
    """/submissions: each call's applications with their status (staff of its municipality)."""
    from bot.rules.access import can
    from handlers.staff import actor_of, places_for
    from storage.queries.competitions import competitions_of
    from storage.queries.submissions import submissions_of_competition

    user, language = await current_user(update, context)
    actor = await actor_of(context, user)
    places = await places_for(context, actor, "competition.view")
    if not places:
        await update.effective_message.reply_text(t(language, "staff-not-allowed"))
        return
    lines = []
    async with context.db.session() as session:
        for place in places:
            for call in await competitions_of(session, municipality_id=place.id):
                if call.status == "draft" or not can(
                    actor, "competition.view", call.municipality_id
                ):
                    continue
                rows = await submissions_of_competition(session, competition_id=call.id)
                title = html.escape(localized(call.title, language), quote=False)
                lines.append(f"<b>{title}</b> — {len(rows)}")
                for row in rows:
                    organization = await session.get(Organization, row.organization_id)
                    name = html.escape(organization.name, quote=False)
                    state = t(language, f"apply-state-{row.status}")
                    lines.append(f"• {row.reference} · {name} · {state}")
    await update.effective_message.reply_text(
        "\n".join(lines) or t(language, "apply-no-submissions")
    )
