"""The organization profile: consent first, then one question per message with Back and Cancel,
a summary to confirm, and one-tap edits from /profile. Every step is committed before the next
question is shown, so a restart resumes at the same question."""

from __future__ import annotations

from telegram import Message, Update

from bot.context import BotContext
from bot.i18n import t, translator
from bot.rules import profile as rules
from bot.rules.validation import DESCRIPTION_MAX, DESCRIPTION_MIN, NAME_MAX, NAME_MIN, Invalid
from handlers import members, subscriptions
from handlers.callbacks import (
    parse_profile_choice,
    parse_profile_edit,
    profile_choice_data,
    profile_edit_data,
)
from handlers.common import current_user, drop_buttons, refuse_button
from handlers.keyboards import dialogue_keyboard, inline, main_menu
from storage.models import Dialogue, Municipality, Organization, User
from storage.queries.dialogues import end_dialogue, get_dialogue, save_dialogue
from storage.queries.organizations import (
    InnTaken,
    create_organization,
    inn_taken,
    membership_of,
    organization_of,
    set_display_name,
    update_organization,
)
from storage.queries.places import get_municipality, list_municipalities
from storage.queries.users import record_consent, set_language

PROFILE = "profile"  # creating the profile, question by question
PROFILE_EDIT = "profile_edit"  # correcting one detail of a saved profile
CONSENT = "consent"  # the consent question; data["then"] says what follows it
DIALOGUES = (PROFILE, PROFILE_EDIT, CONSENT)
# Steps answered with buttons; the others take typed text, never callback data.
BUTTON_STEPS = frozenset({"consent", rules.SUMMARY, *rules.CHOICE_FIELDS})


# -- entry points ---------------------------------------------------------------------------


async def open_profile(update: Update, context: BotContext) -> None:
    """/profile: the saved card with edit buttons, or the questions (after consent)."""
    user, language = await current_user(update, context)
    async with context.db.session() as session:
        member = await membership_of(session, user_id=user.id)
        organization = None
        if member is not None:
            organization = await session.get(Organization, member.organization_id)
            # The name the organization's other members see in its members list.
            name = members.name_of(update.effective_user)
            await set_display_name(session, member=member, name=name)
    if organization is not None:
        await send_card(update.effective_message, context, language, organization)
    elif user.consent_at is None:
        await ask_consent(update.effective_message, context, user, language, then="profile")
    else:
        await start_questions(update.effective_message, context, user, language)


async def ask_consent(
    message: Message, context: BotContext, user: User, language: str, *, then: str
) -> None:
    """Ask, in plain words, to process personal data; `then` is the action consent unlocks."""
    async with context.db.session() as session:
        await save_dialogue(
            session, user_id=user.id, name=CONSENT, step="consent", data={"then": then}
        )
    buttons = [
        [
            (t(language, "consent-yes"), profile_choice_data("consent", "yes")),
            (t(language, "consent-no"), profile_choice_data("consent", "no")),
        ]
    ]
    await message.reply_text(t(language, "consent-text"), reply_markup=inline(buttons))


async def start_questions(message: Message, context: BotContext, user: User, language: str) -> None:
    async with context.db.session() as session:
        dialogue = await save_dialogue(
            session, user_id=user.id, name=PROFILE, step=rules.FIELDS[0], data={}
        )
    await ask(message, context, language, dialogue)


async def resume(message: Message, context: BotContext, language: str, dialogue: Dialogue) -> None:
    """/start in the middle of a dialogue: the same question again, answers kept."""
    await message.reply_text(t(language, "dialogue-resume"))
    await ask(message, context, language, dialogue)


# -- asking ---------------------------------------------------------------------------------


async def ask(message: Message, context: BotContext, language: str, dialogue: Dialogue) -> None:
    """Send the question for the dialogue's current step."""
    step = dialogue.step
    if dialogue.name == CONSENT:
        await ask_consent(
            message,
            context,
            await _user_of(dialogue, context),
            language,
            then=dialogue.data.get("then", "profile"),
        )
        return
    if step == rules.SUMMARY:
        await send_summary(message, context, language, dialogue.data)
        return
    prompt = t(language, f"profile-ask-{step}", **_limits(step))
    if dialogue.name == PROFILE:
        number = rules.FIELDS.index(step) + 1
        prompt = t(language, "profile-step", number=number, total=len(rules.FIELDS)) + "\n" + prompt
    if step in rules.CHOICE_FIELDS:
        rows = [
            [(label, profile_choice_data(step, value))]
            for value, label in await _choices(context, language, step)
        ]
        rows.append(
            [
                (t(language, "dialogue-back"), profile_choice_data(step, "back")),
                (t(language, "dialogue-cancel"), profile_choice_data(step, "cancel")),
            ]
        )
        await message.reply_text(prompt, reply_markup=inline(rows))
        return
    keyboard = dialogue_keyboard(language, share_phone=step == "phone", skip=step == "email")
    await message.reply_text(prompt, reply_markup=keyboard)


def _limits(step: str) -> dict[str, int]:
    if step == "name":
        return {"minimum": NAME_MIN, "maximum": NAME_MAX}
    if step == "description":
        return {"minimum": DESCRIPTION_MIN, "maximum": DESCRIPTION_MAX}
    return {}


async def _choices(context: BotContext, language: str, step: str) -> list[tuple[str, str]]:
    if step == "legal_form":
        return [(form, t(language, f"legal-form-{form}")) for form in rules.LEGAL_FORMS]
    async with context.db.session() as session:
        places = await list_municipalities(session)
    return [(place.slug, place.name(language)) for place in places]


async def _municipality_slugs(context: BotContext) -> frozenset[str]:
    async with context.db.session() as session:
        return frozenset(place.slug for place in await list_municipalities(session))


async def _user_of(dialogue: Dialogue, context: BotContext) -> User:
    async with context.db.session() as session:
        return await session.get(User, dialogue.user_id)


# -- the summary and the card ---------------------------------------------------------------


async def render_details(context: BotContext, language: str, values: dict) -> str:
    """The profile's details, one per line, as on the summary and the card."""
    lines = []
    for field in rules.FIELDS:
        value = values.get(field)
        if field == "legal_form" and value:
            shown = t(language, f"legal-form-{value}")
        elif field == "municipality" and value:
            async with context.db.session() as session:
                place = await get_municipality(session, slug=value)
            shown = place.name(language) if place else value
        else:
            shown = value or t(language, "profile-none")
        lines.append(
            t(
                language,
                "profile-line",
                field=t(language, f"profile-field-{field}"),
                value=str(shown),
            )
        )
    return "\n".join(lines)


def _edit_buttons(language: str, make_data) -> list[list[tuple[str, str]]]:
    labels = [
        (
            t(language, "profile-edit-button", field=t(language, f"profile-field-{field}")),
            make_data(field),
        )
        for field in rules.FIELDS
    ]
    return [labels[index : index + 2] for index in range(0, len(labels), 2)]


async def send_summary(message: Message, context: BotContext, language: str, data: dict) -> None:
    text = (
        t(language, "profile-summary-title")
        + "\n\n"
        + await render_details(context, language, data)
    )
    rows = [[(t(language, "profile-save"), profile_choice_data(rules.SUMMARY, "save"))]]
    rows += _edit_buttons(
        language, lambda field: profile_choice_data(rules.SUMMARY, f"edit-{field}")
    )
    rows.append([(t(language, "dialogue-cancel"), profile_choice_data(rules.SUMMARY, "cancel"))])
    await message.reply_text(text, reply_markup=inline(rows))


def organization_values(organization: Organization, slug: str) -> dict:
    values = {
        field: getattr(organization, field) for field in rules.FIELDS if field != "municipality"
    }
    values["municipality"] = slug
    return values


async def send_card(
    message: Message, context: BotContext, language: str, organization: Organization
) -> None:
    async with context.db.session() as session:
        place = await session.get(Municipality, organization.municipality_id)
    details = await render_details(context, language, organization_values(organization, place.slug))
    text = (
        t(language, "profile-card-title")
        + "\n\n"
        + details
        + "\n\n"
        + t(language, "profile-card-hint")
    )
    rows = _edit_buttons(language, profile_edit_data)
    rows.append(members.members_button(language, organization.id))
    await message.reply_text(text, reply_markup=inline(rows))


# -- answers --------------------------------------------------------------------------------


async def on_message(update: Update, context: BotContext, user: User, dialogue: Dialogue) -> None:
    """A message while the user is in one of these dialogues."""
    message = update.effective_message
    language = user.language or (await current_user(update, context))[1]
    text = message.text
    texts = translator()
    if text in texts.all_texts("dialogue-cancel"):
        await cancel(message, context, user, language, dialogue)
        return
    if text in texts.all_texts("dialogue-back"):
        await go_back(message, context, user, language, dialogue)
        return
    if (
        dialogue.name == CONSENT
        or dialogue.step in rules.CHOICE_FIELDS
        or dialogue.step == rules.SUMMARY
    ):
        await message.reply_text(t(language, "invalid-use-buttons"))
        return
    answer = rules.Answer(
        text=text,
        contact_phone=message.contact.phone_number if message.contact else None,
        skip=text in texts.all_texts("dialogue-skip"),
        other=text is None and message.contact is None,
    )
    await take_answer(message, context, user, language, dialogue, answer)


async def take_answer(
    message: Message,
    context: BotContext,
    user: User,
    language: str,
    dialogue: Dialogue,
    answer: rules.Answer,
) -> None:
    field = dialogue.step
    async with context.db.session() as session:
        organization = await organization_of(session, user_id=user.id)
    try:
        value = rules.accept(field, answer, municipality_slugs=await _municipality_slugs(context))
        if field == "inn":
            async with context.db.session() as session:
                except_id = organization.id if organization else None
                if await inn_taken(session, inn=value, except_id=except_id):
                    raise Invalid("invalid-inn-taken")
    except Invalid as refusal:
        await message.reply_text(t(language, refusal.key, **refusal.params))
        await ask(message, context, language, dialogue)
        return

    if dialogue.name == PROFILE_EDIT:
        await _save_edit(message, context, user, language, organization, field, value)
        return
    data = {**dialogue.data, field: value}
    editing = bool(data.pop("editing", False))
    async with context.db.session() as session:
        dialogue = await save_dialogue(
            session,
            user_id=user.id,
            name=PROFILE,
            step=rules.next_step(field, editing=editing),
            data=data,
        )
    await ask(message, context, language, dialogue)


async def _save_edit(
    message: Message,
    context: BotContext,
    user: User,
    language: str,
    organization: Organization | None,
    field: str,
    value: object,
) -> None:
    async with context.db.session() as session:
        if organization is not None:
            if field == "municipality":
                place = await get_municipality(session, slug=str(value))
                values = {"municipality_id": place.id}
            else:
                values = {field: value}
            try:
                organization = await update_organization(
                    session, organization=organization, values=values
                )
            except InnTaken:  # registered by another NCO since the answer was checked
                await message.reply_text(t(language, "invalid-inn-taken"))
                dialogue = await get_dialogue(session, user_id=user.id)
                await ask(message, context, language, dialogue)
                return
        await end_dialogue(session, user_id=user.id)
    await message.reply_text(t(language, "profile-updated"), reply_markup=main_menu(language))
    if organization is not None:
        await send_card(message, context, language, organization)


async def go_back(
    message: Message, context: BotContext, user: User, language: str, dialogue: Dialogue
) -> None:
    if dialogue.name != PROFILE:
        await cancel(message, context, user, language, dialogue)
        return
    previous = rules.previous_step(dialogue.step)
    if previous is None:
        await message.reply_text(t(language, "dialogue-nothing-before"))
        await ask(message, context, language, dialogue)
        return
    data = {key: value for key, value in dialogue.data.items() if key != "editing"}
    async with context.db.session() as session:
        dialogue = await save_dialogue(
            session, user_id=user.id, name=PROFILE, step=previous, data=data
        )
    await ask(message, context, language, dialogue)


async def cancel(
    message: Message, context: BotContext, user: User, language: str, dialogue: Dialogue
) -> None:
    async with context.db.session() as session:
        await end_dialogue(session, user_id=user.id)
    key = {PROFILE_EDIT: "profile-edit-cancelled", CONSENT: "consent-declined"}.get(
        dialogue.name, "profile-cancelled"
    )
    await message.reply_text(t(language, key), reply_markup=main_menu(language))


# -- buttons --------------------------------------------------------------------------------


async def on_choice(update: Update, context: BotContext) -> None:
    """A button of the consent question, a choice question or the summary ("pf:<step>:<value>")."""
    query = update.callback_query
    user, language = await current_user(update, context)
    choice = parse_profile_choice(query.data)
    async with context.db.session() as session:
        dialogue = await get_dialogue(session, user_id=user.id)
    # Only the question the user is on may be answered: older buttons are stale.
    if (
        choice is None
        or dialogue is None
        or dialogue.name not in DIALOGUES
        or dialogue.step != choice.step
        or choice.step not in BUTTON_STEPS
    ):
        await refuse_button(query, language)
        return
    await query.answer()
    await drop_buttons(query)
    message = query.message
    if choice.step == "consent":
        await _on_consent(update, context, user, language, dialogue, agreed=choice.value == "yes")
    elif choice.value == "cancel":
        await cancel(message, context, user, language, dialogue)
    elif choice.value == "back":
        await go_back(message, context, user, language, dialogue)
    elif choice.step == rules.SUMMARY:
        await _on_summary(message, context, user, language, dialogue, choice.value)
    else:
        await take_answer(
            message, context, user, language, dialogue, rules.Answer(choice=choice.value)
        )


async def _on_consent(
    update: Update,
    context: BotContext,
    user: User,
    language: str,
    dialogue: Dialogue,
    *,
    agreed: bool,
) -> None:
    message = update.effective_message
    if not agreed:
        await cancel(message, context, user, language, dialogue)
        return
    then = dialogue.data.get("then", "profile")
    async with context.db.session() as session:
        user = await session.get(User, user.id)
        await record_consent(session, user=user)
        if user.language is None:
            # Arrived by a deep link and never picked a language: the one they agreed in.
            await set_language(session, telegram_id=user.telegram_id, language=language)
        await end_dialogue(session, user_id=user.id)
    await message.reply_text(t(language, "consent-recorded"), reply_markup=main_menu(language))
    if then == "profile":
        await start_questions(message, context, user, language)
    elif then.startswith("subscribe:"):
        await subscriptions.subscribe_all(message, context, user, language, int(then.split(":")[1]))
    else:
        await subscriptions.send_overview(message, context, user, language)


async def _on_summary(
    message: Message, context: BotContext, user: User, language: str, dialogue: Dialogue, value: str
) -> None:
    data = dict(dialogue.data)
    if value.startswith("edit-") and value[5:] in rules.FIELDS:
        async with context.db.session() as session:
            dialogue = await save_dialogue(
                session,
                user_id=user.id,
                name=PROFILE,
                step=value[5:],
                data={**data, "editing": True},
            )
        await ask(message, context, language, dialogue)
        return
    if value != "save" or not rules.is_complete(data):
        await ask(message, context, language, dialogue)
        return
    async with context.db.session() as session:
        try:
            if await inn_taken(session, inn=data["inn"]):
                raise InnTaken(data["inn"])
            place = await get_municipality(session, slug=data["municipality"])
            values = {field: data[field] for field in rules.FIELDS if field != "municipality"}
            organization = await create_organization(
                session,
                user_id=user.id,
                values={**values, "municipality_id": place.id},
                # A private chat's name is its user's: the members list shows it.
                display_name=members.name_of(message.chat),
            )
        except InnTaken:  # registered by another NCO, before the check or since
            await message.reply_text(t(language, "invalid-inn-taken"))
            dialogue = await save_dialogue(
                session, user_id=user.id, name=PROFILE, step="inn", data={**data, "editing": True}
            )
            await ask(message, context, language, dialogue)
            return
        await end_dialogue(session, user_id=user.id)
    await message.reply_text(t(language, "profile-saved"), reply_markup=main_menu(language))
    await send_card(message, context, language, organization)


async def on_edit_button(update: Update, context: BotContext) -> None:
    """A "✏️" button on the saved card ("po:edit:<field>"): ask that one question again."""
    query = update.callback_query
    user, language = await current_user(update, context)
    field = parse_profile_edit(query.data)
    async with context.db.session() as session:
        organization = await organization_of(session, user_id=user.id)
    if field not in rules.FIELDS or organization is None:
        await refuse_button(query, language)
        return
    await query.answer()
    async with context.db.session() as session:
        dialogue = await save_dialogue(
            session, user_id=user.id, name=PROFILE_EDIT, step=field, data={}
        )
    await ask(query.message, context, language, dialogue)
