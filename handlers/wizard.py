"""Staff dialogues: the competition wizard (a draft saved at every step, a preview in each
language, publishing), moving a deadline, cancelling a call, and announcements.

State is a dialogue row ({"competition_id": ...} and the step); the draft itself is the
competition row, updated as each answer is accepted. Before every change the user's right to act
on the draft's municipality is checked again."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from telegram import Message, Update

from bot.cards import competition_card
from bot.context import BotContext
from bot.formatting import money
from bot.i18n import t, translator
from bot.publishing import announce, cancel, move_deadline, publish
from bot.rules import competition as rules
from bot.rules.validation import Invalid, clean_text
from bot.settings import LANGUAGES
from handlers.callbacks import parse_wizard, wizard_data
from handlers.common import current_user, drop_buttons, edit_quietly, refuse_button
from handlers.keyboards import dialogue_keyboard, inline, main_menu
from storage.models import Competition, Dialogue, Municipality, Topic, User
from storage.queries.competitions import create_draft, save_draft
from storage.queries.dialogues import end_dialogue, get_dialogue, save_dialogue
from storage.queries.places import list_topics

WIZARD, AMEND, CANCEL, ANNOUNCE = "wizard", "amend", "cancel_call", "announce"
DIALOGUES = (WIZARD, AMEND, CANCEL, ANNOUNCE)
STEPS = (
    "title",
    "description",
    "translations",
    "topic",
    "budget_total",
    "max_per_project",
    "projects_count",
    "deadline",
    "period",
    "eligibility",
    "documents",
    "criteria",
    "reporting",
)
PREVIEW = "preview"
TOGGLE_STEPS = ("eligibility", "documents", "criteria")
BUTTON_STEPS = frozenset({"translations", "topic", "deadline", "reporting", PREVIEW, *TOGGLE_STEPS})
ACTION_OF = {WIZARD: "competition.edit", AMEND: "competition.amend", CANCEL: "competition.cancel"}


def now() -> datetime:
    return datetime.now(UTC)


# -- entry points (called from handlers/staff.py after the access check) ---------------------


async def start(
    message: Message, context: BotContext, user: User, language: str, place: Municipality
) -> None:
    async with context.db.session() as session:
        draft = await create_draft(session, municipality_id=place.id, created_by_user_id=user.id)
    await _goto(message, context, user, language, draft, "title")


async def resume_draft(
    message: Message, context: BotContext, user: User, language: str, draft: Competition
) -> None:
    await _goto(message, context, user, language, draft, PREVIEW)


async def ask_new_deadline(
    message: Message, context: BotContext, user: User, language: str, call: Competition
) -> None:
    await _open(context, user, AMEND, "deadline", {"competition_id": call.id})
    rows = [
        [
            (t(language, "wz-in-days", days=days), wizard_data("deadline", str(days)))
            for days in rules.QUICK_DEADLINE_DAYS
        ]
    ]
    await message.reply_text(t(language, "wz-ask-new-deadline"), reply_markup=inline(rows))
    await message.reply_text(t(language, "wz-or-type"), reply_markup=dialogue_keyboard(language))


async def ask_cancel_reason(
    message: Message, context: BotContext, user: User, language: str, call: Competition
) -> None:
    await _open(context, user, CANCEL, "reason", {"competition_id": call.id})
    await message.reply_text(
        t(language, "wz-ask-cancel-reason"), reply_markup=dialogue_keyboard(language)
    )


async def ask_announcement(
    message: Message, context: BotContext, user: User, language: str, place: Municipality
) -> None:
    await _open(context, user, ANNOUNCE, "text", {"municipality_id": place.id})
    await message.reply_text(
        t(language, "wz-ask-announcement", municipality=place.name(language)),
        reply_markup=dialogue_keyboard(language),
    )


async def resume(
    message: Message, context: BotContext, user: User, language: str, dialogue: Dialogue
) -> None:
    """/start in the middle of a staff dialogue: the same question again."""
    await message.reply_text(t(language, "dialogue-resume"))
    if dialogue.name == WIZARD:
        draft = await _draft(context, dialogue)
        if draft is not None:
            await ask(message, context, language, dialogue, draft)
            return
    prompts = {
        AMEND: "wz-ask-new-deadline",
        CANCEL: "wz-ask-cancel-reason",
        ANNOUNCE: "wz-ask-announcement-short",
    }
    await message.reply_text(
        t(language, prompts.get(dialogue.name, "wz-ask-title")),
        reply_markup=dialogue_keyboard(language),
    )


async def cancel_dialogue(
    message: Message, context: BotContext, user: User, language: str, dialogue: Dialogue
) -> None:
    """/cancel: leave the dialogue; a wizard's draft is kept."""
    async with context.db.session() as session:
        await end_dialogue(session, user_id=user.id)
    key = "wz-draft-kept" if dialogue.name == WIZARD else "wz-cancelled"
    await message.reply_text(t(language, key), reply_markup=main_menu(language))


# -- state helpers ---------------------------------------------------------------------------


async def _open(context: BotContext, user: User, name: str, step: str, data: dict) -> Dialogue:
    async with context.db.session() as session:
        return await save_dialogue(session, user_id=user.id, name=name, step=step, data=data)


async def _draft(context: BotContext, dialogue: Dialogue) -> Competition | None:
    async with context.db.session() as session:
        return await session.get(Competition, dialogue.data.get("competition_id"))


async def _allowed(
    context: BotContext, user: User, dialogue: Dialogue, record: Competition | Municipality | None
) -> bool:
    """The right to go on is checked at every step: a role may be withdrawn mid-dialogue."""
    from bot.rules.access import can
    from handlers.staff import actor_of

    if record is None:
        return False
    actor = await actor_of(context, user)
    if dialogue.name == ANNOUNCE:
        return can(actor, "announcement.send", record.id)
    if dialogue.name == WIZARD and record.status != "draft":
        return False
    return can(actor, ACTION_OF[dialogue.name], record.municipality_id)


async def _goto(
    message: Message,
    context: BotContext,
    user: User,
    language: str,
    draft: Competition,
    step: str,
    **extra: object,
) -> None:
    async with context.db.session() as session:
        dialogue = await get_dialogue(session, user_id=user.id)
        data = {"competition_id": draft.id, **extra}
        if (
            dialogue is not None
            and dialogue.name == WIZARD
            and dialogue.data.get("competition_id") == draft.id
        ):
            data = {**dialogue.data, **extra}
        dialogue = await save_dialogue(session, user_id=user.id, name=WIZARD, step=step, data=data)
    await ask(message, context, language, dialogue, draft)


def _next(step: str, dialogue: Dialogue) -> str:
    if dialogue.data.get("editing") or step == STEPS[-1] or step not in STEPS:
        return PREVIEW
    return STEPS[STEPS.index(step) + 1]


# -- asking ----------------------------------------------------------------------------------


async def ask(
    message: Message, context: BotContext, language: str, dialogue: Dialogue, draft: Competition
) -> None:
    step = dialogue.step
    if step == PREVIEW:
        await send_preview(message, context, language, draft, language)
        return
    if step in TOGGLE_STEPS:
        text, markup = await toggle_screen(context, language, draft, step)
        await message.reply_text(text, reply_markup=markup)
        await message.reply_text(
            t(language, f"wz-type-custom-{step}"), reply_markup=dialogue_keyboard(language)
        )
        return
    number = STEPS.index(step) + 1 if step in STEPS else None
    header = t(language, "wz-step", number=number, total=len(STEPS)) + "\n" if number else ""
    other = dialogue.data.get("lang", language)
    prompt = header + t(
        language,
        f"wz-ask-{step}",
        language=t(other, "language-name"),
        **_limits(step, draft, language),
    )
    if step == "translations":
        missing = [code for code in LANGUAGES if code not in draft.title]
        rows = [
            [
                (
                    t(language, "wz-add-language", language=t(code, "language-name")),
                    wizard_data(step, code),
                )
                for code in missing
            ]
        ]
        rows.append([(t(language, "wz-continue"), wizard_data(step, "go"))])
        await message.reply_text(prompt, reply_markup=inline(rows))
        return
    if step == "topic":
        async with context.db.session() as session:
            topics = await list_topics(session, municipality_id=draft.municipality_id)
        rows = [[(topic.name(language), wizard_data(step, str(topic.id)))] for topic in topics]
        await message.reply_text(prompt, reply_markup=inline(rows))
        return
    if step == "reporting":
        rows = [
            [(t(language, f"wz-reporting-{kind}"), wizard_data(step, kind))]
            for kind in rules.REPORTING_KINDS
        ]
        await message.reply_text(prompt, reply_markup=inline(rows))
        return
    if step == "final_days":
        rows = [
            [
                (t(language, "wz-final-days", days=days), wizard_data(step, str(days)))
                for days in rules.FINAL_DAYS_CHOICES
            ]
        ]
        await message.reply_text(prompt, reply_markup=inline(rows))
        await message.reply_text(
            t(language, "wz-or-type"), reply_markup=dialogue_keyboard(language)
        )
        return
    if step == "deadline":
        rows = [
            [
                (t(language, "wz-in-days", days=days), wizard_data(step, str(days)))
                for days in rules.QUICK_DEADLINE_DAYS
            ]
        ]
        await message.reply_text(prompt, reply_markup=inline(rows))
        await message.reply_text(
            t(language, "wz-or-type"), reply_markup=dialogue_keyboard(language)
        )
        return
    await message.reply_text(prompt, reply_markup=dialogue_keyboard(language))


def _final_days_of(draft: Competition) -> dict[str, int]:
    """The final report's days already chosen, kept when the schedule's kind changes."""
    days = draft.reporting.get("final_days")
    return {"final_days": days} if isinstance(days, int) else {}


def _limits(step: str, draft: Competition, language: str) -> dict[str, object]:
    if step in ("title", "tr_title"):
        return {"minimum": rules.TITLE_MIN, "maximum": rules.TITLE_MAX}
    if step in ("description", "tr_description"):
        return {"minimum": rules.DESCRIPTION_MIN, "maximum": rules.DESCRIPTION_MAX}
    if step == "max_per_project" and draft.budget_total:
        return {"total": money(draft.budget_total, language)}
    return {}


def _templates(step: str) -> list[str]:
    return {
        "eligibility": list(rules.ELIGIBILITY_TEMPLATES),
        "documents": list(rules.DOCUMENT_TEMPLATES),
        "criteria": list(rules.CRITERIA_TEMPLATES),
    }[step]


def _items(draft: Competition, step: str) -> list[dict]:
    return list(getattr(draft, step))


def _token(items: list[dict]) -> str:
    """Four hex digits of the selection: a tap on an outdated screen changes nothing."""
    return hashlib.sha256(repr([item["key"] for item in items]).encode()).hexdigest()[:4]


async def toggle_screen(context: BotContext, language: str, draft: Competition, step: str):
    items = _items(draft, step)
    chosen = {item["key"] for item in items}
    token = _token(items)
    rows = []
    for index, key in enumerate(_templates(step)):
        label = t(language, f"{_prefix(step)}-{key}")
        if step == "criteria":
            label += f" — {rules.CRITERIA_TEMPLATES[key]}"
        mark = "✅ " if key in chosen else "▫️ "
        rows.append([(mark + label, wizard_data(step, f"x{index}-{token}"))])
    for item in items:
        if item["key"].startswith("custom"):
            rows.append(
                [
                    (
                        "✅ " + _item_label(item, language),
                        wizard_data(step, f"r{item['key'].removeprefix('custom')}-{token}"),
                    )
                ]
            )
    rows.append([(t(language, "wz-done"), wizard_data(step, f"done-{token}"))])
    number = STEPS.index(step) + 1
    header = t(language, "wz-step", number=number, total=len(STEPS))
    return header + "\n" + t(language, f"wz-ask-{step}"), inline(rows)


def _prefix(step: str) -> str:
    return {"eligibility": "elig", "documents": "doc", "criteria": "crit"}[step]


def _item_label(item: dict, language: str) -> str:
    from bot.formatting import localized

    name = localized(item.get("text") or item.get("name") or {}, language)
    return f"{name} — {item['weight']}" if "weight" in item else name


def _template_item(step: str, key: str) -> dict:
    prefix = _prefix(step)
    names = {code: t(code, f"{prefix}-{key}") for code in LANGUAGES}
    if step == "eligibility":
        reasons = {code: t(code, f"elig-reason-{key}") for code in LANGUAGES}
        return {"key": key, "text": names, "knockout": "no", "reason": reasons}
    if step == "documents":
        return {"key": key, "name": names, "required": True}
    return {"key": key, "name": names, "weight": rules.CRITERIA_TEMPLATES[key]}


async def send_preview(
    message: Message,
    context: BotContext,
    language: str,
    draft: Competition,
    shown: str,
    *,
    edit: bool = False,
) -> None:
    async with context.db.session() as session:
        municipality = await session.get(Municipality, draft.municipality_id)
        topic = await session.get(Topic, draft.topic_id) if draft.topic_id else None
    card = competition_card(draft, municipality=municipality, topic=topic, language=shown)
    missing = rules.missing_for_publication(draft, now=now())
    note = t(language, "wz-preview-note", language=t(shown, "language-name"))
    if missing:
        note += "\n" + t(
            language,
            "wz-preview-missing",
            fields=", ".join(t(language, f"wz-field-{f}") for f in missing),
        )
    rows = [
        [
            (
                ("👁 " if code == shown else "") + t(code, "language-name"),
                wizard_data(PREVIEW, f"lang-{code}"),
            )
            for code in LANGUAGES
        ]
    ]
    if not missing:
        rows.append([(t(language, "wz-publish"), wizard_data(PREVIEW, "publish"))])
    edits = [
        (
            t(language, "wz-edit", field=t(language, f"wz-field-{step}")),
            wizard_data(PREVIEW, f"edit-{step}"),
        )
        for step in STEPS
    ]
    rows += [edits[index : index + 2] for index in range(0, len(edits), 2)]
    rows.append([(t(language, "wz-save-exit"), wizard_data(PREVIEW, "save"))])
    text = card + "\n\n— — —\n" + note
    if edit:
        await message.edit_text(text, reply_markup=inline(rows))
    else:
        await message.reply_text(text, reply_markup=inline(rows))


# -- typed answers ---------------------------------------------------------------------------


async def on_message(update: Update, context: BotContext, user: User, dialogue: Dialogue) -> None:
    message = update.effective_message
    _, language = await current_user(update, context)
    text = message.text
    texts = translator()
    record = await _record(context, dialogue)
    if not await _allowed(context, user, dialogue, record):
        async with context.db.session() as session:
            await end_dialogue(session, user_id=user.id)
        await message.reply_text(t(language, "staff-not-allowed"), reply_markup=main_menu(language))
        return
    if text in texts.all_texts("dialogue-cancel"):
        await cancel_dialogue(message, context, user, language, dialogue)
        return
    if dialogue.name == WIZARD and text in texts.all_texts("dialogue-back"):
        previous = _previous(dialogue.step)
        await _goto(message, context, user, language, record, previous or dialogue.step)
        return
    if text is None:
        await message.reply_text(t(language, "invalid-need-text"))
        return
    try:
        if dialogue.name == WIZARD:
            await _take_wizard_text(message, context, user, language, dialogue, record, text)
        elif dialogue.name == AMEND:
            zone = await _zone(context, record)
            new_deadline = rules.deadline(text, zone=zone, now=now())
            await _apply_new_deadline(message, context, user, language, record, new_deadline)
        elif dialogue.name == CANCEL:
            reason = clean_text(text, minimum=5, maximum=500)
            await _apply_cancel(message, context, user, language, record, reason)
        elif dialogue.name == ANNOUNCE:
            await _take_announcement(message, context, user, language, dialogue, record, text)
    except Invalid as refusal:
        await message.reply_text(t(language, refusal.key, **refusal.params))


def _previous(step: str) -> str | None:
    if step in ("tr_title", "tr_description"):
        return "translations"
    if step in ("report_dates", "final_days"):
        return "reporting"
    if step == PREVIEW:
        return STEPS[-1]
    index = STEPS.index(step)
    return STEPS[index - 1] if index > 0 else None


async def _record(context: BotContext, dialogue: Dialogue) -> Competition | Municipality | None:
    async with context.db.session() as session:
        if dialogue.name == ANNOUNCE:
            return await session.get(Municipality, dialogue.data.get("municipality_id"))
        return await session.get(Competition, dialogue.data.get("competition_id"))


async def _zone(context: BotContext, record: Competition) -> ZoneInfo:
    async with context.db.session() as session:
        place = await session.get(Municipality, record.municipality_id)
    return ZoneInfo(place.timezone)


async def _take_wizard_text(
    message: Message,
    context: BotContext,
    user: User,
    language: str,
    dialogue: Dialogue,
    draft: Competition,
    text: str,
) -> None:
    step = dialogue.step
    values: dict[str, object] = {}
    next_step = _next(step, dialogue) if step in STEPS else None
    if step in ("title", "description"):
        value = rules.title(text) if step == "title" else rules.description(text)
        values[step] = {**getattr(draft, step), language: value}
    elif step in ("tr_title", "tr_description"):
        field = step.removeprefix("tr_")
        value = rules.title(text) if field == "title" else rules.description(text)
        values[field] = {**getattr(draft, field), dialogue.data["lang"]: value}
        next_step = "tr_description" if step == "tr_title" else "translations"
    elif step == "budget_total":
        values[step] = rules.amount(text)
        if draft.max_per_project and draft.max_per_project > values[step]:
            values["max_per_project"] = None  # no longer fits: asked again before publishing
    elif step == "max_per_project":
        if not draft.budget_total:
            raise Invalid("wz-budget-first")
        values[step] = rules.max_per_project(text, budget_total=draft.budget_total)
    elif step == "projects_count":
        values[step] = rules.projects_count(text)
    elif step == "deadline":
        values["deadline_at"] = rules.deadline(text, zone=await _zone(context, draft), now=now())
    elif step == "period":
        if not draft.deadline_at:
            raise Invalid("wz-deadline-first")
        start, end = rules.period(
            text, deadline_at=draft.deadline_at, zone=await _zone(context, draft)
        )
        values.update(period_start=start, period_end=end)
    elif step == "report_dates":
        if not (draft.period_start and draft.period_end):
            raise Invalid("wz-period-first")
        dates = rules.report_dates(text, start=draft.period_start, end=draft.period_end)
        values["reporting"] = {
            **_final_days_of(draft),
            "kind": "dates",
            "dates": [value.isoformat() for value in dates],
        }
        next_step = "final_days"
    elif step == "final_days":
        values["reporting"] = {**draft.reporting, "final_days": rules.final_days(text)}
        next_step = PREVIEW
    elif step in TOGGLE_STEPS:
        values[step] = [*_items(draft, step), _custom_item(step, text, _items(draft, step))]
        next_step = step
    else:
        raise Invalid("invalid-use-buttons")
    async with context.db.session() as session:
        draft = await session.get(Competition, draft.id)
        draft = await save_draft(session, draft=draft, values=values)
    await _goto(
        message,
        context,
        user,
        language,
        draft,
        next_step,
        editing=dialogue.data.get("editing", False) and next_step != PREVIEW,
    )


def _custom_item(step: str, text: str, items: list[dict]) -> dict:
    number = 1 + max(
        (
            int(item["key"].removeprefix("custom"))
            for item in items
            if item["key"].startswith("custom")
        ),
        default=0,
    )
    key = f"custom{number}"
    if step == "criteria":
        name, weight = rules.criterion(text)
        return {"key": key, "name": {code: name for code in LANGUAGES}, "weight": weight}
    value = clean_text(text, minimum=5, maximum=300)
    names = {code: value for code in LANGUAGES}
    if step == "eligibility":
        reasons = {code: t(code, "elig-reason-custom") for code in LANGUAGES}
        return {"key": key, "text": names, "knockout": "no", "reason": reasons}
    return {"key": key, "name": names, "required": True}


async def _apply_new_deadline(
    message: Message,
    context: BotContext,
    user: User,
    language: str,
    call: Competition,
    new_deadline: datetime,
) -> None:
    from handlers.staff import send_counts

    async with context.db.session() as session:
        call = await session.get(Competition, call.id)
        broadcast = await move_deadline(
            session,
            competition=call,
            new_deadline=new_deadline,
            by_user_id=user.id,
            report_chat_id=message.chat_id,
            now=now(),
            default_language=context.settings.default_language,
        )
        await end_dialogue(session, user_id=user.id)
    await message.reply_text(
        t(language, "wz-deadline-moved", version=call.version), reply_markup=main_menu(language)
    )
    await send_counts(message, context, language, broadcast.id)


async def _apply_cancel(
    message: Message, context: BotContext, user: User, language: str, call: Competition, reason: str
) -> None:
    from handlers.staff import send_counts

    async with context.db.session() as session:
        call = await session.get(Competition, call.id)
        broadcast = await cancel(
            session,
            competition=call,
            reason=reason,
            by_user_id=user.id,
            report_chat_id=message.chat_id,
            now=now(),
            default_language=context.settings.default_language,
        )
        await end_dialogue(session, user_id=user.id)
    await message.reply_text(t(language, "wz-call-cancelled"), reply_markup=main_menu(language))
    if broadcast is not None:
        await send_counts(message, context, language, broadcast.id)


async def _take_announcement(
    message: Message,
    context: BotContext,
    user: User,
    language: str,
    dialogue: Dialogue,
    place: Municipality,
    text: str,
) -> None:
    body = clean_text(text, minimum=10, maximum=2000) if "\n" not in text else text.strip()
    if len(body) < 10 or len(body) > 2000:
        raise Invalid(
            "invalid-too-long" if len(body) > 2000 else "invalid-too-short",
            {"minimum": 10, "maximum": 2000, "length": len(body)},
        )
    await _open(context, user, ANNOUNCE, "confirm", {**dialogue.data, "text": body})
    preview = t(language, "announcement-message", municipality=place.name(language), text=body)
    rows = [
        [
            (t(language, "wz-send"), wizard_data("confirm", "send")),
            (t(language, "dialogue-cancel"), wizard_data("confirm", "cancel")),
        ]
    ]
    await message.reply_text(
        t(language, "wz-announcement-preview") + "\n\n" + preview, reply_markup=inline(rows)
    )


# -- buttons ---------------------------------------------------------------------------------


async def on_button(update: Update, context: BotContext) -> None:
    """ "wz:<step>:<value>": only for the step the user is on, in a dialogue they may continue."""
    query = update.callback_query
    user, language = await current_user(update, context)
    parsed = parse_wizard(query.data)
    async with context.db.session() as session:
        dialogue = await get_dialogue(session, user_id=user.id)
    if (
        parsed is None
        or dialogue is None
        or dialogue.name not in DIALOGUES
        or dialogue.step != parsed[0]
    ):
        await refuse_button(query, language)
        return
    step, value = parsed
    record = await _record(context, dialogue)
    if not await _allowed(context, user, dialogue, record):
        await refuse_button(query, language)
        return
    try:
        if dialogue.name == WIZARD:
            await _wizard_button(query, context, user, language, dialogue, record, step, value)
        elif (
            dialogue.name == AMEND
            and step == "deadline"
            and value.isdigit()
            and int(value) in rules.QUICK_DEADLINE_DAYS
        ):
            await query.answer()
            await drop_buttons(query)
            zone = await _zone(context, record)
            await _apply_new_deadline(
                query.message,
                context,
                user,
                language,
                record,
                rules.quick_deadline(int(value), zone=zone, now=now()),
            )
        elif dialogue.name == ANNOUNCE and step == "confirm" and value in ("send", "cancel"):
            await query.answer()
            await drop_buttons(query)
            await _confirm_announcement(
                query.message, context, user, language, dialogue, record, send=value == "send"
            )
        else:
            await refuse_button(query, language)
    except Invalid as refusal:
        await query.message.reply_text(t(language, refusal.key, **refusal.params))


async def _confirm_announcement(
    message: Message,
    context: BotContext,
    user: User,
    language: str,
    dialogue: Dialogue,
    place: Municipality,
    *,
    send: bool,
) -> None:
    from handlers.staff import send_counts

    async with context.db.session() as session:
        if not send:
            await end_dialogue(session, user_id=user.id)
            await message.reply_text(t(language, "wz-cancelled"), reply_markup=main_menu(language))
            return
        broadcast = await announce(
            session,
            municipality=place,
            text=dialogue.data["text"],
            by_user_id=user.id,
            report_chat_id=message.chat_id,
            default_language=context.settings.default_language,
        )
        await end_dialogue(session, user_id=user.id)
    await message.reply_text(t(language, "wz-announcement-sent"), reply_markup=main_menu(language))
    await send_counts(message, context, language, broadcast.id)


async def _wizard_button(
    query,
    context: BotContext,
    user: User,
    language: str,
    dialogue: Dialogue,
    draft: Competition,
    step: str,
    value: str,
) -> None:
    message = query.message
    if step in TOGGLE_STEPS:
        await _toggle(query, context, user, language, dialogue, draft, step, value)
        return
    if step == PREVIEW:
        await _preview_button(query, context, user, language, dialogue, draft, value)
        return
    values: dict[str, object] = {}
    next_step = _next(step, dialogue)
    if step == "translations":
        if value == "go":
            next_step = _next(step, dialogue)
        elif value in LANGUAGES and value not in draft.title:
            await query.answer()
            await drop_buttons(query)
            await _goto(message, context, user, language, draft, "tr_title", lang=value)
            return
        else:
            raise Invalid("invalid-use-buttons")
    elif step == "topic":
        async with context.db.session() as session:
            # At most 9 digits: a larger id is no row, and PostgreSQL refuses it as an integer.
            known = value.isdigit() and len(value) <= 9
            topic = await session.get(Topic, int(value)) if known else None
        if topic is None or topic.municipality_id != draft.municipality_id:
            await refuse_button(query, language)
            return
        values["topic_id"] = topic.id
    elif step == "deadline":
        if not value.isdigit() or int(value) not in rules.QUICK_DEADLINE_DAYS:
            await refuse_button(query, language)
            return
        values["deadline_at"] = rules.quick_deadline(
            int(value), zone=await _zone(context, draft), now=now()
        )
    elif step == "reporting":
        if value not in rules.REPORTING_KINDS:
            await refuse_button(query, language)
            return
        if value == "dates":
            next_step = "report_dates"
        else:
            values["reporting"] = {**_final_days_of(draft), "kind": value}
            next_step = "final_days"
    elif step == "final_days":
        if not value.isdigit() or int(value) not in rules.FINAL_DAYS_CHOICES:
            await refuse_button(query, language)
            return
        values["reporting"] = {**draft.reporting, "final_days": int(value)}
        next_step = PREVIEW
    await query.answer()
    await drop_buttons(query)
    if values:
        async with context.db.session() as session:
            draft = await save_draft(
                session, draft=await session.get(Competition, draft.id), values=values
            )
    await _goto(message, context, user, language, draft, next_step)


async def _toggle(
    query,
    context: BotContext,
    user: User,
    language: str,
    dialogue: Dialogue,
    draft: Competition,
    step: str,
    value: str,
) -> None:
    items = _items(draft, step)
    action, _, token = value.partition("-")
    if token != _token(items):
        await refuse_button(query, language)
        return
    if action == "done":
        if step == "criteria" and not items:
            await query.answer(t(language, "wz-criteria-needed"), show_alert=True)
            return
        if step == "documents" and not items:
            await query.answer(t(language, "wz-documents-needed"), show_alert=True)
            return
        await query.answer()
        await drop_buttons(query)
        await _goto(query.message, context, user, language, draft, _next(step, dialogue))
        return
    templates = _templates(step)
    if action.startswith("x") and action[1:].isdigit() and int(action[1:]) < len(templates):
        key = templates[int(action[1:])]
        if any(item["key"] == key for item in items):
            items = [item for item in items if item["key"] != key]
        else:
            items.append(_template_item(step, key))
    elif action.startswith("r") and action[1:].isdigit():
        items = [item for item in items if item["key"] != f"custom{action[1:]}"]
    else:
        await refuse_button(query, language)
        return
    await query.answer()
    async with context.db.session() as session:
        draft = await save_draft(
            session, draft=await session.get(Competition, draft.id), values={step: items}
        )
    text, markup = await toggle_screen(context, language, draft, step)
    await edit_quietly(query, text, reply_markup=markup)


async def _preview_button(
    query,
    context: BotContext,
    user: User,
    language: str,
    dialogue: Dialogue,
    draft: Competition,
    value: str,
) -> None:
    message = query.message
    if value.startswith("lang-") and value[5:] in LANGUAGES:
        await query.answer()
        await send_preview(message, context, language, draft, value[5:], edit=True)
        return
    if value.startswith("edit-") and value[5:] in STEPS:
        await query.answer()
        await drop_buttons(query)
        await _goto(message, context, user, language, draft, value[5:], editing=True)
        return
    if value == "save":
        await query.answer()
        await drop_buttons(query)
        async with context.db.session() as session:
            await end_dialogue(session, user_id=user.id)
        await message.reply_text(t(language, "wz-draft-kept"), reply_markup=main_menu(language))
        return
    if value == "publish":
        from bot.rules.access import can
        from handlers.staff import actor_of, send_counts

        if not can(await actor_of(context, user), "competition.publish", draft.municipality_id):
            await refuse_button(query, language)
            return

        async with context.db.session() as session:
            fresh = await session.get(Competition, draft.id)
            broadcast = await publish(
                session,
                competition=fresh,
                by_user_id=user.id,
                report_chat_id=message.chat_id,
                now=now(),
                default_language=context.settings.default_language,
                bot_username=context.bot.username,
            )
            await end_dialogue(session, user_id=user.id)
        await query.answer()
        await drop_buttons(query)
        await message.reply_text(t(language, "wz-published"), reply_markup=main_menu(language))
        await send_counts(message, context, language, broadcast.id)
        return
    await refuse_button(query, language)
