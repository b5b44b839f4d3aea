"""Staff's side of selection, after a call's deadline: admissibility, the commission (assign,
progress, remind), the ranking and the decision, and the exports.

Buttons are "se:<action>:<id>[:<arg>]". The id names a call or a submission; every action loads
it, takes the municipality from the call in the database and checks `can(actor, action, ...)`;
bot/selection.py then checks what the data allows. Typed answers (a reason, an amount) go
through the "selection" dialogue, whose row names the submission and the step."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from telegram import Message, Update

from bot import selection
from bot.context import BotContext
from bot.formatting import localized, number, score_text
from bot.i18n import t
from bot.rules import application as application_rules
from bot.rules import selection as rules
from bot.rules.access import Actor, can
from bot.rules.validation import Invalid
from handlers.common import current_user, drop_buttons, leaves_dialogue, refuse_button
from handlers.keyboards import dialogue_keyboard, inline, main_menu
from storage.models import Competition, Dialogue, Municipality, Submission, User
from storage.queries.dialogues import end_dialogue, save_dialogue
from storage.queries.selection import commission_of_municipality, outcomes_of

DIALOGUE = "selection"
DIALOGUES = (DIALOGUE,)

_DATA = re.compile(r"^se:(?P<action>[a-z]{2,8}):(?P<id>\d{1,9})(?::(?P<arg>[a-z0-9_-]{1,40}))?$")

# action -> (what the id names, the access action needed)
ACTIONS = {
    "home": ("call", "selection.view"),
    "adm": ("call", "selection.view"),
    "sub": ("submission", "selection.view"),
    "ok": ("submission", "selection.admit"),
    "no": ("submission", "selection.admit"),
    "com": ("call", "selection.view"),
    "cm": ("call", "commission.assign"),
    "rmd": ("call", "commission.remind"),
    "rank": ("call", "selection.view"),
    "dec": ("submission", "decision.record"),
    "win": ("submission", "decision.record"),
    "res": ("submission", "decision.record"),
    "rej": ("submission", "decision.record"),
    "pub": ("call", "decision.publish"),
    "pubok": ("call", "decision.publish"),
    "xlsx": ("call", "export.call"),
    "zip": ("call", "export.call"),
    "open": ("call", "export.call"),
}


def now() -> datetime:
    return datetime.now(UTC)


def data(action: str, item_id: int, arg: str | None = None) -> str:
    return f"se:{action}:{item_id}" + (f":{arg}" if arg else "")


@dataclass(frozen=True)
class Parsed:
    action: str
    id: int
    arg: str | None


def parse(raw: str | None) -> Parsed | None:
    match = _DATA.match(raw or "")
    if not match or match["action"] not in ACTIONS:
        return None
    return Parsed(match["action"], int(match["id"]), match["arg"])


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def member_label(user: User, language: str) -> str:
    return t(language, "sel-member-label", id=str(user.telegram_id))


# -- entry from the staff call card ----------------------------------------------------------


def call_buttons(actor: Actor, call: Competition, language: str) -> list[list[tuple[str, str]]]:
    """The "Selection" button on a call's staff card, once its deadline has passed."""
    if call.status not in (*rules.REVIEW_STATUSES, "decided"):
        return []
    if call.status != "decided" and not rules.in_review(call, now()):
        return []
    if not can(actor, "selection.view", call.municipality_id):
        return []
    return [[(t(language, "sel-open"), data("home", call.id))]]


async def send_home(message: Message, context: BotContext, language: str, call: Competition):
    async with context.db.session() as session:
        screened = await selection.screening(session, call=call)
        progress = await selection.progress(session, call=call)
    admitted = sum(1 for item in screened if item.admissibility and item.admissibility.admitted)
    refused = sum(1 for item in screened if item.admissibility and not item.admissibility.admitted)
    lines = [
        t(language, "sel-home-title", title=localized(call.title, language)),
        t(language, f"status-{call.status}"),
        t(
            language,
            "sel-home-counts",
            submitted=len(screened),
            admitted=admitted,
            refused=refused,
            pending=len(screened) - admitted - refused,
        ),
        t(
            language,
            "sel-home-commission",
            members=len(progress),
            submitted=sum(1 for item in progress if item.submitted),
        ),
    ]
    rows = [
        [(t(language, "sel-admissibility"), data("adm", call.id))],
        [(t(language, "sel-commission"), data("com", call.id))],
        [(t(language, "sel-ranking"), data("rank", call.id))],
        [
            (t(language, "sel-export-xlsx"), data("xlsx", call.id)),
            (t(language, "sel-export-zip"), data("zip", call.id)),
            (t(language, "sel-export-open"), data("open", call.id)),
        ],
    ]
    await message.reply_text("\n".join(lines), reply_markup=inline(rows))


# -- admissibility ---------------------------------------------------------------------------


def _mark(item: selection.Screened) -> str:
    if item.admissibility is None:
        return "⏳"
    return "✅" if item.admissibility.admitted else "❌"


async def send_admissibility(
    message: Message, context: BotContext, language: str, call: Competition
) -> None:
    async with context.db.session() as session:
        screened = await selection.screening(session, call=call)
    if not screened:
        await message.reply_text(t(language, "sel-no-submissions"))
        return
    rows = [
        [
            (
                f"{_mark(item)} {item.submission.reference} · {item.organization.name}"[:60],
                data("sub", item.submission.id),
            )
        ]
        for item in screened
    ]
    await message.reply_text(t(language, "sel-admissibility-title"), reply_markup=inline(rows))


async def send_submission(
    message: Message, context: BotContext, language: str, call: Competition, submission_id: int
) -> None:
    """One application for screening: answers, the automatic checklist, the decision so far."""
    async with context.db.session() as session:
        screened = {
            item.submission.id: item for item in await selection.screening(session, call=call)
        }
        from storage.queries.selection import uploaded_counts_of

        counts = (await uploaded_counts_of(session, submission_ids=[submission_id]))[submission_id]
    item = screened.get(submission_id)
    if item is None:
        await message.reply_text(t(language, "button-stale"))
        return
    submission = item.submission
    lines = [
        t(
            language,
            "sel-submission-title",
            reference=submission.reference or "",
            organization=item.organization.name,
        )
    ]
    for field in application_rules.FORM_FIELDS:
        value = submission.answers.get(field, "—")
        lines.append(
            t(language, "profile-line", field=t(language, f"apply-field-{field}"), value=str(value))
        )
    lines.append("")
    lines.append(t(language, "apply-checklist"))
    for entry in application_rules.checklist(call.documents, counts):
        tick = "✅" if entry.files else ("⬜️" if entry.required else "▫️")
        files = f" ({entry.files})" if entry.files else ""
        lines.append(f"{tick} {_esc(localized(entry.name, language))}{files}")
    lines.append("")
    if item.problems:
        lines += [t(language, problem) for problem in item.problems]
    else:
        lines.append(t(language, "sel-complete"))
    if item.admissibility is not None:
        key = "sel-state-admitted" if item.admissibility.admitted else "sel-state-not-admitted"
        lines.append(t(language, key, reason=item.admissibility.reason or ""))
    rows = []
    if rules.in_review(call, now()):
        rows.append(
            [
                (t(language, "sel-admit"), data("ok", submission.id)),
                (t(language, "sel-not-admit"), data("no", submission.id)),
            ]
        )
    rows.append([(t(language, "sel-back"), data("adm", call.id))])
    await message.reply_text("\n".join(lines), reply_markup=inline(rows))


# -- the commission --------------------------------------------------------------------------


async def send_commission(
    message: Message, context: BotContext, language: str, call: Competition, *, edit: bool = False
) -> None:
    async with context.db.session() as session:
        members = await commission_of_municipality(session, municipality_id=call.municipality_id)
        progress = {item.user.id: item for item in await selection.progress(session, call=call)}
    lines = [t(language, "sel-commission-title", title=localized(call.title, language))]
    if not members:
        lines.append(t(language, "sel-commission-none"))
    for user in members:
        item = progress.get(user.id)
        if item is None:
            continue
        key = "sel-progress-submitted" if item.submitted else "sel-progress-line"
        lines.append(
            t(
                language,
                key,
                member=member_label(user, language),
                scored=item.scored,
                total=item.total,
            )
        )
    rows = [
        [
            (
                ("✅ " if user.id in progress else "▫️ ") + member_label(user, language),
                data("cm", call.id, f"u{user.id}"),
            )
        ]
        for user in members
    ]
    if any(not item.submitted for item in progress.values()):
        rows.append([(t(language, "sel-remind"), data("rmd", call.id))])
    rows.append([(t(language, "sel-back"), data("home", call.id))])
    text = "\n".join(lines)
    if edit:
        await message.edit_text(text, reply_markup=inline(rows))
    else:
        await message.reply_text(text, reply_markup=inline(rows))


# -- ranking and decision --------------------------------------------------------------------


async def send_ranking(
    message: Message, context: BotContext, language: str, call: Competition
) -> None:
    async with context.db.session() as session:
        ranked = await selection.ranking(session, call=call)
        outcomes = await outcomes_of(session, competition_id=call.id)
        awarded = await selection.awarded_amounts(session, call=call)
    budget = call.budget_total or 0
    lines = [
        t(
            language,
            "sel-ranking-title",
            title=localized(call.title, language),
            budget=number(budget, language),
            remaining=number(rules.remaining_budget(budget, awarded), language),
        )
    ]
    rows = []
    for row in ranked:
        outcome = outcomes.get(row.submission_id)
        decided = ""
        if outcome is not None:
            decided = " · " + t(
                language,
                f"sel-outcome-{outcome.outcome}",
                amount=number(outcome.amount or 0, language),
            )
        lines.append(
            t(
                language,
                "sel-ranking-line",
                position=row.position,
                reference=row.reference,
                score=(
                    t(language, "sel-no-score")
                    if row.score is None
                    else score_text(row.score, language)
                ),
                requested=number(row.requested, language),
                cumulative=number(row.cumulative, language),
                fits="✅" if row.within_budget else "⚠️",
            )
            + decided
        )
        if call.status != "decided":
            rows.append(
                [
                    (
                        t(language, "sel-decide", reference=row.reference),
                        data("dec", row.submission_id),
                    )
                ]
            )
    if not ranked:
        lines.append(t(language, "sel-no-admitted"))
    if call.status != "decided" and ranked:
        rows.append([(t(language, "sel-publish"), data("pub", call.id))])
    rows.append([(t(language, "sel-back"), data("home", call.id))])
    await message.reply_text("\n".join(lines), reply_markup=inline(rows))


async def send_decide(
    message: Message, context: BotContext, language: str, submission: Submission
) -> None:
    rows = [
        [(t(language, "sel-mark-winner"), data("win", submission.id))],
        [(t(language, "sel-mark-reserve"), data("res", submission.id))],
        [(t(language, "sel-mark-rejected"), data("rej", submission.id))],
    ]
    await message.reply_text(
        t(
            language,
            "sel-decide-ask",
            reference=submission.reference or "",
            requested=number(int(submission.answers.get("requested_amount") or 0), language),
        ),
        reply_markup=inline(rows),
    )


async def _ask(
    message: Message, context: BotContext, user: User, language: str, step: str, submission_id: int
) -> None:
    async with context.db.session() as session:
        await save_dialogue(
            session,
            user_id=user.id,
            name=DIALOGUE,
            step=step,
            data={"submission_id": submission_id},
        )
    await message.reply_text(
        t(language, f"sel-ask-{step}"), reply_markup=dialogue_keyboard(language)
    )


async def _ask_amount(
    message: Message,
    context: BotContext,
    user: User,
    language: str,
    call: Competition,
    submission: Submission,
) -> None:
    async with context.db.session() as session:
        awarded = await selection.awarded_amounts(session, call=call)
        await save_dialogue(
            session,
            user_id=user.id,
            name=DIALOGUE,
            step="win",
            data={"submission_id": submission.id},
        )
    remaining = rules.remaining_budget(call.budget_total or 0, awarded, excluding=submission.id)
    await message.reply_text(
        t(
            language,
            "sel-ask-win",
            requested=number(int(submission.answers.get("requested_amount") or 0), language),
            remaining=number(max(remaining, 0), language),
        ),
        reply_markup=dialogue_keyboard(language),
    )


async def send_publish_confirm(
    message: Message, context: BotContext, language: str, call: Competition
) -> None:
    async with context.db.session() as session:
        outcomes = await outcomes_of(session, competition_id=call.id)
    counts = {kind: 0 for kind in rules.OUTCOMES}
    for outcome in outcomes.values():
        counts[outcome.outcome] += 1
    await message.reply_text(
        t(
            language,
            "sel-publish-confirm",
            winners=counts["winner"],
            reserve=counts["reserve"],
            rejected=counts["rejected"],
        ),
        reply_markup=inline([[(t(language, "sel-publish-yes"), data("pubok", call.id))]]),
    )


# -- buttons ---------------------------------------------------------------------------------


async def _resolve(
    context: BotContext, kind: str, item_id: int
) -> tuple[Competition | None, Submission | None]:
    async with context.db.session() as session:
        if kind == "call":
            return await session.get(Competition, item_id), None
        submission = await session.get(Submission, item_id)
        # A draft, or an application its NCO withdrew, is the NCO's own: staff see and judge
        # only what was submitted, whatever id a button carries.
        if submission is None or submission.status in application_rules.EDITABLE_STATUSES:
            return None, None
        return await session.get(Competition, submission.competition_id), submission


async def on_button(update: Update, context: BotContext) -> None:
    """ "se:<action>:<id>[:<arg>]": load the record, check the actor on its municipality."""
    from handlers.staff import actor_of

    query = update.callback_query
    user, language = await current_user(update, context)
    parsed = parse(query.data)
    if parsed is None:
        await refuse_button(query, language)
        return
    kind, needed = ACTIONS[parsed.action]
    call, submission = await _resolve(context, kind, parsed.id)
    actor = await actor_of(context, user)
    if call is None or not can(actor, needed, call.municipality_id):
        await refuse_button(query, language)
        return
    message = query.message
    action = parsed.action
    try:
        if action == "cm":
            digits = parsed.arg[1:] if parsed.arg else ""
            member_id = int(digits) if digits.isdigit() and len(digits) <= 9 else 0
            async with context.db.session() as session:
                await selection.toggle_member(
                    session, call=call, member_user_id=member_id, by_user_id=user.id, now=now()
                )
            await query.answer()
            await send_commission(message, context, language, call, edit=True)
            return
        if action == "rmd":
            async with context.db.session() as session:
                sent = await selection.remind(
                    session,
                    call=call,
                    by_user_id=user.id,
                    now=now(),
                    default_language=context.settings.default_language,
                )
            await query.answer(t(language, "sel-reminded", count=sent), show_alert=True)
            return
        if action == "ok":
            async with context.db.session() as session:
                await selection.decide_admissibility(
                    session,
                    call=call,
                    submission=submission,
                    admitted=True,
                    reason=None,
                    by_user_id=user.id,
                    now=now(),
                    default_language=context.settings.default_language,
                )
            await query.answer()
            await drop_buttons(query)
            await message.reply_text(
                t(language, "sel-admitted-done", reference=submission.reference or "")
            )
            await send_admissibility(message, context, language, call)
            return
        if action in ("no", "res", "rej", "win"):
            if not rules.in_review(call, now()):
                raise Invalid(
                    "sel-already-decided" if call.status == "decided" else "sel-not-in-review"
                )
            if action != "no":  # outcomes are for admitted applications only
                async with context.db.session() as session:
                    from storage.queries.selection import admitted_of

                    admitted = {
                        row.id for row in await admitted_of(session, competition_id=call.id)
                    }
                if submission.id not in admitted:
                    raise Invalid("button-stale")
            await query.answer()
            await drop_buttons(query)
            if action == "win":
                await _ask_amount(message, context, user, language, call, submission)
            else:
                await _ask(message, context, user, language, action, submission.id)
            return
        if action == "pubok":
            async with context.db.session() as session:
                awards = await selection.publish_decision(
                    session,
                    call=call,
                    by_user_id=user.id,
                    now=now(),
                    default_language=context.settings.default_language,
                )
            await query.answer()
            await drop_buttons(query)
            await message.reply_text(t(language, "sel-published", winners=len(awards)))
            return
        if action in ("xlsx", "zip", "open"):
            from handlers import exports

            await query.answer(t(language, "sel-export-started"))
            await exports.send_export(message, context, language, call, action, user_id=user.id)
            return
    except Invalid as refusal:
        await query.answer(t(language, refusal.key, **refusal.params), show_alert=True)
        return
    await query.answer()
    if action == "home":
        await send_home(message, context, language, call)
    elif action == "adm":
        await send_admissibility(message, context, language, call)
    elif action == "sub":
        await send_submission(message, context, language, call, submission.id)
    elif action == "com":
        await send_commission(message, context, language, call)
    elif action == "rank":
        await send_ranking(message, context, language, call)
    elif action == "dec":
        await send_decide(message, context, language, submission)
    elif action == "pub":
        await send_publish_confirm(message, context, language, call)


# -- typed answers: a reason or an amount ----------------------------------------------------


async def on_message(update: Update, context: BotContext, user: User, dialogue: Dialogue) -> None:
    from handlers.staff import actor_of

    message = update.effective_message
    _, language = await current_user(update, context)
    if leaves_dialogue(message.text):
        await cancel(message, context, user, language)
        return
    submission_id = dialogue.data.get("submission_id")
    call, submission = await _resolve(
        context, "submission", submission_id if isinstance(submission_id, int) else 0
    )
    step = dialogue.step
    needed = "selection.admit" if step == "no" else "decision.record"
    actor = await actor_of(context, user)
    if call is None or not can(actor, needed, call.municipality_id):
        await cancel(message, context, user, language, key="button-stale")
        return
    if message.text is None:
        await message.reply_text(t(language, "invalid-need-text"))
        return
    try:
        async with context.db.session() as session:
            if step == "no":
                await selection.decide_admissibility(
                    session,
                    call=call,
                    submission=submission,
                    admitted=False,
                    reason=rules.reason(message.text),
                    by_user_id=user.id,
                    now=now(),
                    default_language=context.settings.default_language,
                )
            elif step == "win":
                await selection.record_outcome(
                    session,
                    call=call,
                    submission_id=submission.id,
                    outcome="winner",
                    amount_text=message.text,
                    by_user_id=user.id,
                    now=now(),
                )
            elif step in ("res", "rej"):
                await selection.record_outcome(
                    session,
                    call=call,
                    submission_id=submission.id,
                    outcome="reserve" if step == "res" else "rejected",
                    reason=rules.reason(message.text),
                    by_user_id=user.id,
                    now=now(),
                )
            else:
                raise Invalid("button-stale")
    except Invalid as refusal:
        if refusal.key in ("sel-already-decided", "sel-not-in-review", "button-stale"):
            await cancel(message, context, user, language, key=refusal.key)
            return
        await message.reply_text(t(language, refusal.key, **refusal.params))
        return
    async with context.db.session() as session:
        await end_dialogue(session, user_id=user.id)
    done = "sel-not-admitted-done" if step == "no" else "sel-outcome-saved"
    await message.reply_text(
        t(language, done, reference=submission.reference or ""), reply_markup=main_menu(language)
    )
    if step == "no":
        await send_admissibility(message, context, language, call)
    else:
        await send_ranking(message, context, language, call)


async def cancel(
    message: Message, context: BotContext, user: User, language: str, *, key: str = "sel-cancelled"
) -> None:
    async with context.db.session() as session:
        await end_dialogue(session, user_id=user.id)
    await message.reply_text(t(language, key), reply_markup=main_menu(language))


def zone_of(place: Municipality) -> ZoneInfo:
    return ZoneInfo(place.timezone)
