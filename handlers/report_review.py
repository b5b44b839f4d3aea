"""Staff's side of reporting: each decided call's table of reports (due, overdue, filed, sent
back, accepted; also as XLSX), a report with its files re-sent, accepting it, asking for
changes with a comment, and extending its due date with a reason.

Buttons are "rp:<action>:<id>" (parsed in handlers/reports.py); the id names a call ("call",
"xlsx") or a report. Every action loads the record, takes the municipality from the call in the
database and checks `can(actor, action, ...)`; bot/reporting.py then checks what the report's
state allows. Typed answers go through the "report_review" dialogue {"report_id", "due_at"}."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from telegram import Message, Update

from bot import reporting
from bot.context import BotContext
from bot.formatting import day, localized, moment, number
from bot.i18n import t
from bot.rules import reporting as rules
from bot.rules.access import Actor, can
from bot.rules.validation import Invalid
from handlers.common import drop_buttons, leaves_dialogue, refuse_button
from handlers.files import resend
from handlers.keyboards import dialogue_keyboard, inline, main_menu
from storage.files import FileStore
from storage.models import Competition, Dialogue, Municipality, User
from storage.queries import reporting as queries
from storage.queries.dialogues import end_dialogue, save_dialogue

DIALOGUE = "report_review"
DIALOGUES = (DIALOGUE,)
# action -> (what the id names, the access action needed)
ACTIONS = {
    "call": ("call", "report.view"),
    "xlsx": ("call", "report.view"),
    "view": ("report", "report.view"),
    "ok": ("report", "report.review"),
    "chg": ("report", "report.review"),
    "ext": ("report", "report.extend"),
}
TABLE_BUTTONS = 30
MARKS = {"due": "⏳", "overdue": "⚠️", "filed": "📨", "changes_requested": "✏️", "accepted": "✅"}


def now() -> datetime:
    return datetime.now(UTC)


def data(action: str, item_id: int) -> str:
    return f"rp:{action}:{item_id}"


def call_buttons(actor: Actor, call: Competition, language: str) -> list[list[tuple[str, str]]]:
    """The "Reports" button on a decided call's staff card."""
    if call.status != "decided" or not can(actor, "report.view", call.municipality_id):
        return []
    return [[(t(language, "rep-table-button"), data("call", call.id))]]


async def send_calls(message: Message, context: BotContext, user: User, language: str) -> bool:
    """/reports for staff: the decided calls of their municipalities. False if none to show."""
    from handlers.staff import actor_of, places_for

    actor = await actor_of(context, user)
    places = await places_for(context, actor, "report.view")
    if not places:
        return False
    async with context.db.session() as session:
        calls = await queries.decided_calls(session, municipality_ids=[p.id for p in places])
    if not calls:
        await message.reply_text(t(language, "rep-staff-no-calls"))
        return True
    rows = [[(localized(call.title, language)[:60], data("call", call.id))] for call in calls]
    await message.reply_text(t(language, "rep-staff-calls"), reply_markup=inline(rows))
    return True


async def _zone(context: BotContext, call: Competition) -> ZoneInfo:
    async with context.db.session() as session:
        place = await session.get(Municipality, call.municipality_id)
    return ZoneInfo(place.timezone)


# -- the table -------------------------------------------------------------------------------


async def send_table(
    message: Message, context: BotContext, language: str, call: Competition
) -> None:
    async with context.db.session() as session:
        rows, counts = await reporting.call_table(session, call=call, now=now())
    zone = await _zone(context, call)
    lines = [
        t(language, "rep-table-title", title=localized(call.title, language)),
        t(language, "rep-table-counts", **{s: counts.get(s, 0) for s in reporting.TABLE_STATES}),
        "",
    ]
    buttons = []
    for row in rows:
        report = row.line.report
        lines.append(
            t(
                language,
                "rep-table-line",
                mark=MARKS[row.state],
                organization=row.line.organization.name,
                report=reporting.report_name(language, report),
                when=moment(report.due_at, zone),
                state=t(language, f"rep-state-{row.state}"),
            )
        )
        if row.state != "accepted" and len(buttons) < TABLE_BUTTONS:
            label = f"{MARKS[row.state]} {row.line.organization.name} · "
            label += reporting.report_name(language, report)
            buttons.append([(label[:60], data("view", report.id))])
    if not rows:
        lines.append(t(language, "rep-table-empty"))
    buttons.append([(t(language, "rep-table-xlsx"), data("xlsx", call.id))])
    await message.reply_text("\n".join(lines), reply_markup=inline(buttons))


async def send_xlsx(message: Message, context: BotContext, language: str, call: Competition):
    from openpyxl import Workbook

    async with context.db.session() as session:
        rows, _ = await reporting.call_table(session, call=call, now=now())
    zone = await _zone(context, call)
    book = Workbook()
    sheet = book.active
    sheet.title = t(language, "rep-xlsx-sheet")[:31]
    sheet.append([t(language, f"rep-xlsx-{name}") for name in _XLSX_COLUMNS])
    for row in rows:
        report = row.line.report
        sheet.append(
            [
                _cell(row.line.organization.name),
                reporting.report_name(language, report),
                day(report.period_start),
                day(report.period_end),
                moment(report.due_at, zone),
                t(language, f"rep-state-{row.state}"),
                moment(report.filed_at, zone) if report.filed_at else "",
                report.beneficiaries,
                report.spent,
                len(report.extensions or []),
            ]
        )
    buffer = BytesIO()
    book.save(buffer)
    await message.reply_document(
        buffer.getvalue(),
        filename=f"reports-call-{call.id}.xlsx",
        caption=t(language, "rep-xlsx-caption", title=localized(call.title, language)),
    )


_XLSX_COLUMNS = (
    "organization",
    "report",
    "period-start",
    "period-end",
    "due",
    "state",
    "filed",
    "beneficiaries",
    "spent",
    "extensions",
)


def _cell(value: str) -> str:
    """Text that a spreadsheet will not run as a formula (an NCO's name is typed by users)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


# -- one report ------------------------------------------------------------------------------


async def send_report(
    message: Message, context: BotContext, language: str, line: queries.ReportLine
) -> None:
    """The report with its answers, its history, then its files re-sent."""
    from handlers.reports import filing_lines

    report = line.report
    zone = await _zone(context, line.call)
    state = rules.state(report.status, report.due_at, now())
    lines = [
        t(
            language,
            "rep-staff-title",
            organization=line.organization.name,
            report=reporting.report_name(language, report),
            title=localized(line.call.title, language),
        ),
        t(language, "rep-card-period", start=day(report.period_start), end=day(report.period_end)),
        t(language, "rep-card-due", when=moment(report.due_at, zone), zone=zone.key),
        f"{MARKS[state]} {t(language, f'rep-state-{state}')}",
        t(language, "rep-staff-award", amount=number(line.award.amount, language)),
    ]
    for extension in report.extensions:
        lines.append(
            t(
                language,
                "rep-staff-extension",
                old=moment(datetime.fromisoformat(extension["from"]), zone),
                new=moment(datetime.fromisoformat(extension["to"]), zone),
                reason=extension.get("reason", ""),
            )
        )
    if report.revision:
        lines.append("")
        lines.append(
            t(
                language,
                "rep-staff-filed-at",
                when=moment(report.filed_at, zone) if report.filed_at else "—",
                revision=report.revision,
            )
        )
        lines += filing_lines(language, report)
    if report.review_comment:
        lines.append(t(language, "rep-card-comment", comment=report.review_comment))
    rows = []
    if report.status == rules.FILED:
        rows.append(
            [
                (t(language, "rep-accept"), data("ok", report.id)),
                (t(language, "rep-request-changes"), data("chg", report.id)),
            ]
        )
    if report.status != rules.ACCEPTED:
        rows.append([(t(language, "rep-extend"), data("ext", report.id))])
    rows.append([(t(language, "rep-back-to-table"), data("call", line.call.id))])
    await message.reply_text("\n".join(lines), reply_markup=inline(rows))
    await send_files(message, context, language, line)


async def send_files(
    message: Message, context: BotContext, language: str, line: queries.ReportLine
) -> None:
    async with context.db.session() as session:
        files = await queries.files_of(session, report_id=line.report.id)
    store = FileStore(Path(context.settings.file_store_dir))
    for item in files:
        caption = t(language, "rep-file-caption", revision=item.revision, position=item.position)
        if item.latitude is not None:
            caption += "\n" + t(
                language,
                "rep-file-location",
                latitude=f"{item.latitude:.5f}",
                longitude=f"{item.longitude:.5f}",
            )
        await resend(
            message,
            store,
            telegram_file_id=item.telegram_file_id,
            kind=item.kind,
            sha256=item.sha256,
            file_name=item.file_name,
            caption=caption,
            language=language,
        )


# -- buttons ---------------------------------------------------------------------------------


async def _resolve(
    context: BotContext, kind: str, item_id: int
) -> tuple[Competition | None, queries.ReportLine | None]:
    async with context.db.session() as session:
        if kind == "call":
            return await session.get(Competition, item_id), None
        line = await queries.report_line(session, report_id=item_id)
        return (line.call, line) if line is not None else (None, None)


async def on_button(
    update: Update, context: BotContext, user: User, language: str, action: str, item_id: int
) -> None:
    """A staff action (parsed by handlers/reports.py): load, check the actor, act."""
    from handlers.staff import actor_of

    query = update.callback_query
    kind, needed = ACTIONS[action]
    call, line = await _resolve(context, kind, item_id)
    actor = await actor_of(context, user)
    if call is None or not can(actor, needed, call.municipality_id):
        await refuse_button(query, language)
        return
    message = query.message
    try:
        if action == "ok":
            async with context.db.session() as session:
                await reporting.accept(
                    session,
                    line=line,
                    by_user_id=user.id,
                    now=now(),
                    default_language=context.settings.default_language,
                )
        elif action == "chg":
            rules.may_review(line.report.status)
        elif action == "ext" and line.report.status == rules.ACCEPTED:
            raise Invalid("rep-already-accepted")
    except Invalid as refusal:
        await query.answer(t(language, refusal.key, **refusal.params), show_alert=True)
        return
    await query.answer()
    if action == "call":
        await send_table(message, context, language, call)
    elif action == "xlsx":
        await send_xlsx(message, context, language, call)
    elif action == "view":
        await send_report(message, context, language, line)
    elif action == "ok":
        await drop_buttons(query)
        await message.reply_text(
            t(
                language,
                "rep-accepted-done",
                organization=line.organization.name,
                report=reporting.report_name(language, line.report),
            )
        )
        await send_table(message, context, language, call)
    elif action in ("chg", "ext"):
        step = "comment" if action == "chg" else "date"
        async with context.db.session() as session:
            await save_dialogue(
                session,
                user_id=user.id,
                name=DIALOGUE,
                step=step,
                data={"report_id": line.report.id},
            )
        zone = await _zone(context, call)
        await message.reply_text(
            t(
                language,
                f"rep-ask-{step}",
                when=moment(line.report.due_at, zone),
                zone=zone.key,
            ),
            reply_markup=dialogue_keyboard(language),
        )


# -- typed answers: a comment, a new date and its reason -------------------------------------


async def on_message(update: Update, context: BotContext, user: User, dialogue: Dialogue) -> None:
    from handlers.common import current_user
    from handlers.staff import actor_of

    message = update.effective_message
    _, language = await current_user(update, context)
    if leaves_dialogue(message.text):
        await cancel(message, context, user, language)
        return
    report_id = dialogue.data.get("report_id")
    call, line = await _resolve(context, "report", report_id if isinstance(report_id, int) else 0)
    needed = "report.review" if dialogue.step == "comment" else "report.extend"
    actor = await actor_of(context, user)
    if call is None or not can(actor, needed, call.municipality_id):
        await cancel(message, context, user, language, key="button-stale")
        return
    if message.text is None:
        await message.reply_text(t(language, "invalid-need-text"))
        return
    zone = await _zone(context, call)
    try:
        if dialogue.step == "comment":
            async with context.db.session() as session:
                await reporting.request_changes(
                    session,
                    line=line,
                    comment=rules.comment(message.text),
                    by_user_id=user.id,
                    now=now(),
                    default_language=context.settings.default_language,
                )
            done = "rep-changes-done"
        elif dialogue.step == "date":
            new_due = rules.extension(
                message.text,
                current_due_at=line.report.due_at,
                status=line.report.status,
                zone=zone,
                now=now(),
            )
            async with context.db.session() as session:
                await save_dialogue(
                    session,
                    user_id=user.id,
                    name=DIALOGUE,
                    step="reason",
                    data={"report_id": line.report.id, "due_at": new_due.isoformat()},
                )
            await message.reply_text(
                t(language, "rep-ask-reason", when=moment(new_due, zone), zone=zone.key),
                reply_markup=dialogue_keyboard(language),
            )
            return
        elif dialogue.step == "reason":
            async with context.db.session() as session:
                await reporting.extend(
                    session,
                    line=line,
                    new_due_at=datetime.fromisoformat(dialogue.data["due_at"]),
                    reason=rules.reason(message.text),
                    by_user_id=user.id,
                    now=now(),
                    default_language=context.settings.default_language,
                )
            done = "rep-extended-done"
        else:
            raise Invalid("button-stale")
    except Invalid as refusal:
        # A typing mistake is asked again; a report that changed meanwhile ends the dialogue.
        retry = refusal.key.startswith("invalid-") or (
            dialogue.step == "date" and refusal.key.startswith("rep-extension-")
        )
        if retry:
            await message.reply_text(t(language, refusal.key, **refusal.params))
            return
        await cancel(message, context, user, language, key=refusal.key)
        return
    async with context.db.session() as session:
        await end_dialogue(session, user_id=user.id)
    await message.reply_text(
        t(
            language,
            done,
            organization=line.organization.name,
            report=reporting.report_name(language, line.report),
        ),
        reply_markup=main_menu(language),
    )
    await send_table(message, context, language, call)


async def cancel(
    message: Message, context: BotContext, user: User, language: str, *, key: str = "wz-cancelled"
) -> None:
    async with context.db.session() as session:
        await end_dialogue(session, user_id=user.id)
    await message.reply_text(t(language, key), reply_markup=main_menu(language))
