"""An awarded NCO's reports: /reports lists what the organization owes, a report's card, and
the guided dialogue that files it: what was done, people reached, money spent, then documents
and photos (a shared location is attached to the photos sent before it), a summary and Send.

Buttons are "rp:<action>:<report id>"; staff actions on the same prefix are handled in
handlers/report_review.py. Every step loads the report again and checks that its award belongs
to the user's organization (bot/reporting.own_report), so a forged or stale button, or a member
who left the organization, is refused politely. The dialogue row holds the answers so far
{"report_id", "revision", "text", "beneficiaries", "spent"}; uploaded files are stored at once
with the filing's number (`revision` + 1)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from telegram import Message, Update

from bot import reporting
from bot.calendar import ics, report_event
from bot.context import BotContext
from bot.formatting import day, localized, moment, number
from bot.i18n import t, translator
from bot.rules import reporting as rules
from bot.rules.documents import IMAGES
from bot.rules.validation import Invalid
from handlers import report_review
from handlers.common import current_user, drop_buttons, refuse_button
from handlers.files import fetch_checked, keep_file
from handlers.keyboards import dialogue_keyboard, inline, main_menu
from storage.files import FileStore
from storage.models import Dialogue, Municipality, ReportFile, User
from storage.queries import reporting as queries
from storage.queries.dialogues import end_dialogue, get_dialogue, save_dialogue
from storage.queries.organizations import organization_of

REPORT = "report"
DIALOGUES = (REPORT,)
TYPED_STEPS = ("text", "beneficiaries", "spent")
FILES, CONFIRM = "files", "confirm"
FILES_PER_FILING = 20

_DATA = re.compile(r"^rp:(?P<action>[a-z]{2,5}):(?P<id>\d{1,9})$")
NCO_ACTIONS = frozenset({"open", "file", "done", "send", "cal"})


def now() -> datetime:
    return datetime.now(UTC)


def data(action: str, report_id: int) -> str:
    return f"rp:{action}:{report_id}"


def parse(raw: str | None) -> tuple[str, int] | None:
    match = _DATA.match(raw or "")
    if not match:
        return None
    action = match["action"]
    if action not in NCO_ACTIONS and action not in report_review.ACTIONS:
        return None
    return action, int(match["id"])


async def _zone(context: BotContext, line: queries.ReportLine) -> ZoneInfo:
    async with context.db.session() as session:
        place = await session.get(Municipality, line.call.municipality_id)
    return ZoneInfo(place.timezone)


def state_label(language: str, status: str, due_at: datetime) -> str:
    return t(language, f"rep-state-{rules.state(status, due_at, now())}")


# -- /reports --------------------------------------------------------------------------------


async def reports_command(update: Update, context: BotContext) -> None:
    """/reports: the organization's reports (NCO), and the calls' report tables (staff)."""
    user, language = await current_user(update, context)
    message = update.effective_message
    async with context.db.session() as session:
        organization = await organization_of(session, user_id=user.id)
        lines = (
            await queries.reports_of_organization(session, organization_id=organization.id)
            if organization is not None
            else []
        )
    shown_staff = await report_review.send_calls(message, context, user, language)
    if lines:
        await send_list(message, context, language, lines)
    elif not shown_staff:
        await message.reply_text(t(language, "rep-none"))


async def send_list(
    message: Message, context: BotContext, language: str, lines: list[queries.ReportLine]
) -> None:
    text = [t(language, "rep-list-title")]
    rows = []
    for line in lines:
        zone = await _zone(context, line)
        report = line.report
        label = t(
            language,
            "rep-list-line",
            report=reporting.report_name(language, report),
            title=localized(line.call.title, language),
            when=moment(report.due_at, zone),
            state=state_label(language, report.status, report.due_at),
        )
        text.append(label)
        if report.status in rules.OWED:
            button = f"📝 {reporting.report_name(language, report)} · "
            button += localized(line.call.title, language)
            rows.append([(button[:60], data("open", report.id))])
    await message.reply_text("\n".join(text), reply_markup=inline(rows) if rows else None)


async def send_card(
    message: Message, context: BotContext, language: str, line: queries.ReportLine
) -> None:
    """A report as its NCO sees it: period, due date, state, the staff's comment, buttons."""
    report = line.report
    zone = await _zone(context, line)
    lines = [
        t(
            language,
            "rep-card-title",
            report=reporting.report_name(language, report),
            title=localized(line.call.title, language),
        ),
        t(
            language,
            "rep-card-period",
            start=day(report.period_start),
            end=day(report.period_end),
        ),
        t(language, "rep-card-due", when=moment(report.due_at, zone), zone=zone.key),
        state_label(language, report.status, report.due_at),
    ]
    if report.extensions:
        last = report.extensions[-1]
        lines.append(t(language, "rep-card-extended", reason=last.get("reason", "")))
    if report.status == rules.CHANGES_REQUESTED and report.review_comment:
        lines.append(t(language, "rep-card-comment", comment=report.review_comment))
    if report.revision:
        lines.append("")
        lines += filing_lines(language, report)
    rows = []
    if report.status in rules.OWED:
        key = "rep-revise" if report.revision else "rep-file-button"
        rows.append([(t(language, key), data("file", report.id))])
        rows.append([(t(language, "calendar-button"), data("cal", report.id))])
    await message.reply_text("\n".join(lines), reply_markup=inline(rows) if rows else None)


def filing_lines(language: str, report) -> list[str]:
    """What was filed last: the answers (escaped: the NCO typed them)."""
    return [
        t(language, "rep-filed-text", text=report.done_text or "—"),
        t(language, "rep-filed-beneficiaries", count=number(report.beneficiaries or 0, language)),
        t(language, "rep-filed-spent", amount=number(report.spent or 0, language)),
    ]


# -- the dialogue ----------------------------------------------------------------------------


async def _save(context: BotContext, user: User, step: str, values: dict) -> None:
    async with context.db.session() as session:
        await save_dialogue(session, user_id=user.id, name=REPORT, step=step, data=values)


async def begin(
    message: Message, context: BotContext, user: User, language: str, line: queries.ReportLine
) -> None:
    """Start filing (or re-filing) a report: the first question."""
    rules.may_file(line.report.status)
    values = {"report_id": line.report.id, "revision": line.report.revision}
    await ask(message, context, user, language, "text", values, line)


async def ask(
    message: Message,
    context: BotContext,
    user: User,
    language: str,
    step: str,
    values: dict,
    line: queries.ReportLine,
) -> None:
    await _save(context, user, step, values)
    name = reporting.report_name(language, line.report)
    if step == FILES:
        async with context.db.session() as session:
            files = await queries.files_of(
                session, report_id=line.report.id, revision=values["revision"] + 1
            )
        await message.reply_text(
            t(language, "rep-ask-files", count=len(files), limit=FILES_PER_FILING),
            reply_markup=inline([[(t(language, "rep-files-done"), data("done", line.report.id))]]),
        )
        return
    limits: dict[str, object] = {}
    if step == "text":
        limits = {"minimum": rules.TEXT_MIN, "maximum": rules.TEXT_MAX}
    elif step == "spent":
        async with context.db.session() as session:
            elsewhere = await queries.spent_elsewhere(
                session, award_id=line.award.id, report_id=line.report.id
            )
        limits = {"remaining": number(max(line.award.amount - elsewhere, 0), language)}
    index = TYPED_STEPS.index(step) + 1
    header = t(language, "rep-step", number=index, total=len(TYPED_STEPS) + 1, report=name)
    await message.reply_text(
        header + "\n" + t(language, f"rep-ask-{step}", **limits),
        reply_markup=dialogue_keyboard(language),
    )


async def resume(
    message: Message, context: BotContext, user: User, language: str, dialogue: Dialogue
) -> None:
    """/start in the middle of a report: the same question again."""
    line = await _own(context, user, dialogue.data.get("report_id"))
    if line is None or line.report.status not in rules.OWED:
        async with context.db.session() as session:
            await end_dialogue(session, user_id=user.id)
        return
    await message.reply_text(t(language, "dialogue-resume"))
    step = dialogue.step if dialogue.step != CONFIRM else FILES
    await ask(message, context, user, language, step, dict(dialogue.data), line)


async def _own(context: BotContext, user: User, report_id: object) -> queries.ReportLine | None:
    if not isinstance(report_id, int):
        return None
    async with context.db.session() as session:
        return await queries.own_report(session, report_id=report_id, user_id=user.id)


async def pause(message: Message, context: BotContext, user: User, language: str) -> None:
    async with context.db.session() as session:
        await end_dialogue(session, user_id=user.id)
    await message.reply_text(t(language, "rep-paused"), reply_markup=main_menu(language))


async def on_message(update: Update, context: BotContext, user: User, dialogue: Dialogue) -> None:
    """A message while the NCO files a report: a typed answer, a file or a location."""
    message = update.effective_message
    _, language = await current_user(update, context)
    texts = translator()
    text = message.text
    line = await _own(context, user, dialogue.data.get("report_id"))
    if line is None:
        await pause_with(message, context, user, language, "button-stale")
        return
    if text in texts.all_texts("dialogue-cancel"):
        await pause(message, context, user, language)
        return
    try:
        rules.may_file(line.report.status)
    except Invalid as refusal:  # accepted or filed meanwhile (by another member)
        await pause_with(message, context, user, language, refusal.key)
        return
    values = dict(dialogue.data)
    step = dialogue.step
    if text in texts.all_texts("dialogue-back"):
        await ask(message, context, user, language, _previous(step), values, line)
        return
    if step in (FILES, CONFIRM):
        await take_file(message, context, user, language, values, line)
        return
    if text is None:
        await message.reply_text(t(language, "invalid-need-text"))
        return
    try:
        if step == "text":
            values["text"] = rules.done_text(text)
        elif step == "beneficiaries":
            values["beneficiaries"] = rules.beneficiaries(text)
        elif step == "spent":
            async with context.db.session() as session:
                elsewhere = await queries.spent_elsewhere(
                    session, award_id=line.award.id, report_id=line.report.id
                )
            values["spent"] = rules.spent(
                text, award_amount=line.award.amount, spent_elsewhere=elsewhere
            )
        else:
            raise Invalid("invalid-use-buttons")
    except Invalid as refusal:
        await message.reply_text(t(language, refusal.key, **refusal.params))
        return
    following = (*TYPED_STEPS, FILES)[TYPED_STEPS.index(step) + 1]
    await ask(message, context, user, language, following, values, line)


def _previous(step: str) -> str:
    """Back: the summary goes back to the files, the files to the last question."""
    if step == CONFIRM:
        return FILES
    if step == FILES:
        return TYPED_STEPS[-1]
    return TYPED_STEPS[max(TYPED_STEPS.index(step) - 1, 0)] if step in TYPED_STEPS else "text"


async def pause_with(
    message: Message, context: BotContext, user: User, language: str, key: str
) -> None:
    async with context.db.session() as session:
        await end_dialogue(session, user_id=user.id)
    await message.reply_text(t(language, key), reply_markup=main_menu(language))


async def take_file(
    message: Message,
    context: BotContext,
    user: User,
    language: str,
    values: dict,
    line: queries.ReportLine,
) -> None:
    """A document, a photo or a location at the files step."""
    revision = values["revision"] + 1
    if message.location is not None:
        async with context.db.session() as session:
            located = await queries.locate_photos(
                session,
                report_id=line.report.id,
                revision=revision,
                latitude=message.location.latitude,
                longitude=message.location.longitude,
            )
        key = "rep-location-saved" if located else "rep-location-needs-photo"
        await message.reply_text(t(language, key, count=located))
        return
    if message.document is not None:
        attachment, file_name = message.document, message.document.file_name or ""
    elif message.photo:
        attachment, file_name = message.photo[-1], f"photo-{message.message_id}.jpg"
    else:
        await message.reply_text(t(language, "rep-need-file"))
        return
    async with context.db.session() as session:
        existing = await queries.files_of(session, report_id=line.report.id)
    if sum(1 for item in existing if item.revision == revision) >= FILES_PER_FILING:
        await message.reply_text(t(language, "rep-too-many-files", limit=FILES_PER_FILING))
        return
    try:
        content, inspected = await fetch_checked(attachment, file_name)
    except Invalid as refusal:
        await message.reply_text(t(language, refusal.key, **refusal.params))
        return
    same = next((item for item in existing if item.sha256 == inspected.sha256), None)
    if same is not None:
        await message.reply_text(t(language, "doc-duplicate", name=same.file_name or same.kind))
        return
    store = FileStore(Path(context.settings.file_store_dir))
    await keep_file(store, content, inspected)
    async with context.db.session() as session:
        stored = await queries.add_file(
            session,
            file=ReportFile(
                report_due_id=line.report.id,
                revision=revision,
                category="photo" if inspected.kind in IMAGES else "document",
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
        t(language, "rep-file-accepted", name=file_name or inspected.kind, count=stored.position),
        reply_markup=inline([[(t(language, "rep-files-done"), data("done", line.report.id))]]),
    )


async def send_summary(
    message: Message,
    context: BotContext,
    user: User,
    language: str,
    values: dict,
    line: queries.ReportLine,
) -> None:
    """The answers and files of this filing, and the Send button."""
    await _save(context, user, CONFIRM, values)
    async with context.db.session() as session:
        files = await queries.files_of(
            session, report_id=line.report.id, revision=values["revision"] + 1
        )
    photos = [item for item in files if item.category == "photo"]
    lines = [
        t(
            language,
            "rep-summary-title",
            report=reporting.report_name(language, line.report),
            title=localized(line.call.title, language),
        ),
        t(language, "rep-filed-text", text=values["text"]),
        t(language, "rep-filed-beneficiaries", count=number(values["beneficiaries"], language)),
        t(language, "rep-filed-spent", amount=number(values["spent"], language)),
        t(
            language,
            "rep-summary-files",
            documents=len(files) - len(photos),
            photos=len(photos),
            located=sum(1 for item in photos if item.latitude is not None),
        ),
    ]
    await message.reply_text(
        "\n".join(lines),
        reply_markup=inline([[(t(language, "rep-send"), data("send", line.report.id))]]),
    )


# -- buttons ---------------------------------------------------------------------------------


async def on_button(update: Update, context: BotContext) -> None:
    """ "rp:<action>:<report id>": NCO actions here, staff actions in report_review."""
    query = update.callback_query
    user, language = await current_user(update, context)
    parsed = parse(query.data)
    if parsed is None:
        await refuse_button(query, language)
        return
    action, report_id = parsed
    if action not in NCO_ACTIONS:
        await report_review.on_button(update, context, user, language, action, report_id)
        return
    line = await _own(context, user, report_id)
    if line is None:
        await refuse_button(query, language)
        return
    message = query.message
    async with context.db.session() as session:
        dialogue = await get_dialogue(session, user_id=user.id)
    in_dialogue = (
        dialogue is not None
        and dialogue.name == REPORT
        and dialogue.data.get("report_id") == report_id
    )
    try:
        if action in ("file", "done", "send"):
            rules.may_file(line.report.status)
        if action in ("done", "send") and not in_dialogue:
            raise Invalid("button-stale")
        if action == "done" and dialogue.step not in (FILES, CONFIRM):
            raise Invalid("button-stale")
        if action == "send":
            if dialogue.step != CONFIRM:
                raise Invalid("button-stale")
            async with context.db.session() as session:
                await reporting.file_report(
                    session,
                    line=line,
                    user_id=user.id,
                    revision=dialogue.data["revision"],
                    done_text=dialogue.data["text"],
                    beneficiaries=dialogue.data["beneficiaries"],
                    spent=dialogue.data["spent"],
                    now=now(),
                    default_language=context.settings.default_language,
                )
    except Invalid as refusal:
        await query.answer(t(language, refusal.key, **refusal.params), show_alert=True)
        if in_dialogue and refusal.key != "button-stale":
            async with context.db.session() as session:
                await end_dialogue(session, user_id=user.id)
        return
    await query.answer()
    if action == "open":
        await send_card(message, context, language, line)
    elif action == "file":
        await drop_buttons(query)
        await begin(message, context, user, language, line)
    elif action == "done":
        await drop_buttons(query)
        await send_summary(message, context, user, language, dict(dialogue.data), line)
    elif action == "send":
        await drop_buttons(query)
        async with context.db.session() as session:
            await end_dialogue(session, user_id=user.id)
        await message.reply_text(
            t(
                language,
                "rep-filed",
                report=reporting.report_name(language, line.report),
                title=localized(line.call.title, language),
            ),
            reply_markup=main_menu(language),
        )
    elif action == "cal":
        zone = await _zone(context, line)
        async with context.db.session() as session:
            place = await session.get(Municipality, line.call.municipality_id)
        event = report_event(line.report, line.call, place, language)
        await message.reply_document(
            document=ics([event], now=now()),
            filename=f"report-{line.report.id}.ics",
            caption=t(
                language,
                "calendar-report-caption",
                report=reporting.report_name(language, line.report),
                title=localized(line.call.title, language),
                when=moment(line.report.due_at, zone),
                zone=zone.key,
            ),
        )
