"""End to end: the organization profile dialogue in all three languages, editing a field,
Back/Cancel, consent, a restart in the middle, and every bad input of the issue."""

from __future__ import annotations

import pytest

import handlers.profile
from bot.i18n import t
from bot.runner import running_bot
from sandbox import SandboxClient, StandIn
from storage.db import Database
from storage.models import Organization
from storage.queries.places import get_municipality
from tests.flows import (
    DESCRIPTION,
    agree_to_consent,
    answer,
    choose,
    dialogue_of,
    fill_profile,
    karakol_name,
    messages,
    onboard,
    organization_row,
    plain,
    save_profile,
    settle,
    user_row,
)


def question(language: str, field: str, number: int | None = None) -> str:
    limits = {
        "name": {"minimum": 3, "maximum": 200},
        "description": {"minimum": 20, "maximum": 1000},
    }
    text = t(language, f"profile-ask-{field}", **limits.get(field, {}))
    if number is not None:
        text = t(language, "profile-step", number=number, total=7) + "\n" + text
    return text


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize("language", ["ky", "ru", "en"])
async def test_profile_dialogue_in_each_language(
    sandbox: SandboxClient, seeded_database: Database, language: str
) -> None:
    user = sandbox.user(11_000 + len(language), first_name="Aigul", language_code=language)
    await onboard(user, language)
    await user.send(t(language, "menu-profile"))
    first = await agree_to_consent(user, language)
    assert [event.text for event in first] == [
        t(language, "consent-recorded"),
        question(language, "name", 1),
    ]
    assert first[1].reply_keyboard_texts == [
        [t(language, "dialogue-back"), t(language, "dialogue-cancel")]
    ]
    assert (await user_row(seeded_database, user.id)).consent_at is not None

    step2 = await answer(user, "ОФ «Балдарга Тирек»")
    assert step2[0].text == question(language, "legal_form", 2)
    assert [row[0] for row in step2[0].buttons[:4]] == [
        t(language, f"legal-form-{form}")
        for form in ("public_foundation", "public_union", "association", "other")
    ]
    step3 = await choose(user, t(language, "legal-form-public_foundation"))
    assert step3[0].text == question(language, "inn", 3)
    step4 = await answer(user, "0123 4567 8901 23")
    assert step4[0].text == question(language, "municipality", 4)
    assert len(step4[0].buttons) == 3 + 1  # three municipalities, then Back / Cancel
    step5 = await choose(user, karakol_name(language))
    assert step5[0].text == question(language, "phone", 5)
    assert step5[0].reply_keyboard[0][0]["request_contact"] is True
    await user.share_contact("996700123456")
    step6 = messages(await settle(user))
    assert step6[0].text == question(language, "email", 6)
    step7 = await answer(user, "Info@Tirek.KG")
    assert step7[0].text == question(language, "description", 7)
    summary = (await answer(user, DESCRIPTION))[0]
    assert summary.text.startswith(t(language, "profile-summary-title"))
    for value in (
        "ОФ «Балдарга Тирек»",
        "01234567890123",
        "+996700123456",
        "info@tirek.kg",
        karakol_name(language),
        t(language, "legal-form-public_foundation"),
    ):
        assert value in summary.text
    assert await organization_row(seeded_database, user.id) is None  # not before Save

    saved = await save_profile(user, language)
    assert saved[0].text == t(language, "profile-saved")
    assert saved[1].text.startswith(plain(t(language, "profile-card-title")))
    organization = await organization_row(seeded_database, user.id)
    assert (organization.name, organization.inn, organization.phone, organization.email) == (
        "ОФ «Балдарга Тирек»",
        "01234567890123",
        "+996700123456",
        "info@tirek.kg",
    )
    assert organization.legal_form == "public_foundation"
    assert organization.description == DESCRIPTION
    assert await dialogue_of(seeded_database, user.id) is None


@pytest.mark.usefixtures("bot")
async def test_editing_one_field_is_one_tap_from_profile(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    user = sandbox.user(12_001, first_name="Dina", language_code="ru")
    await onboard(user, "ru")
    await fill_profile(user, "ru")
    await save_profile(user, "ru")

    await user.send("/profile")
    card = await user.next_reply()
    assert "+996700123456" in card.text
    edit_phone = t("ru", "profile-edit-button", field=t("ru", "profile-field-phone"))
    asked = await choose(user, edit_phone)
    assert asked[0].text == question("ru", "phone")  # no "question N of 7" when editing
    refused = await answer(user, "12345")
    assert refused[0].text == t("ru", "invalid-phone")
    done = await answer(user, "+996 555 000 111")
    assert done[0].text == t("ru", "profile-updated")
    assert "+996555000111" in done[1].text
    assert (await organization_row(seeded_database, user.id)).phone == "+996555000111"

    # Changing the municipality goes through its buttons; Cancel leaves the profile as it was.
    await choose(user, t("ru", "profile-edit-button", field=t("ru", "profile-field-municipality")))
    cancelled = await choose(user, t("ru", "dialogue-cancel"))
    assert cancelled[0].text == t("ru", "profile-edit-cancelled")
    assert (await organization_row(seeded_database, user.id)).phone == "+996555000111"


@pytest.mark.usefixtures("bot")
async def test_correcting_an_answer_from_the_summary(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    user = sandbox.user(12_002, first_name="Ulan", language_code="en")
    await onboard(user, "en")
    await fill_profile(user, "en")
    asked = await choose(user, t("en", "profile-edit-button", field=t("en", "profile-field-name")))
    assert asked[0].text == question("en", "name", 1)
    summary = await answer(user, "PU Ulukman Daryger")
    assert summary[0].text.startswith(t("en", "profile-summary-title"))
    assert "PU Ulukman Daryger" in summary[0].text
    await save_profile(user, "en")
    assert (await organization_row(seeded_database, user.id)).name == "PU Ulukman Daryger"


@pytest.mark.usefixtures("bot")
async def test_back_and_cancel(sandbox: SandboxClient, seeded_database: Database) -> None:
    user = sandbox.user(12_003, first_name="Timur", language_code="en")
    await onboard(user, "en")
    await user.send("/profile")
    await agree_to_consent(user, "en")
    await answer(user, "Public Union Tirek")
    back = await answer(user, t("en", "dialogue-back"))
    assert back[0].text == question("en", "name", 1)
    first = await answer(user, t("en", "dialogue-back"))
    assert [event.text for event in first] == [
        t("en", "dialogue-nothing-before"),
        question("en", "name", 1),
    ]
    await answer(user, "Public Union Tirek")
    inline_back = await choose(user, t("en", "dialogue-back"))  # the inline Back on a choice
    assert inline_back[0].text == question("en", "name", 1)
    cancelled = await answer(user, t("en", "dialogue-cancel"))
    assert cancelled[0].text == t("en", "profile-cancelled")
    assert cancelled[0].reply_keyboard_texts[0] == [
        t("en", "menu-profile"),
        t("en", "menu-subscriptions"),
    ]
    assert await dialogue_of(seeded_database, user.id) is None
    assert await organization_row(seeded_database, user.id) is None


@pytest.mark.usefixtures("bot")
@pytest.mark.bad_input
async def test_without_consent_nothing_is_stored(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    user = sandbox.user(12_004, first_name="Asel", language_code="ky")
    await user.send("/profile")
    consent = await user.next_reply()
    await user.click(t("ky", "consent-no"), message_id=consent.message_id)
    replies = messages(await settle(user))
    assert replies[0].text == t("ky", "consent-declined")
    row = await user_row(seeded_database, user.id)
    assert row.consent_at is None
    assert await dialogue_of(seeded_database, user.id) is None
    await user.send("some text")
    assert (await user.next_reply()).text == t("ky", "unknown-text")


async def test_a_restart_resumes_at_the_same_question(
    standin: StandIn, sandbox: SandboxClient, seeded_database: Database, make_settings
) -> None:
    settings = make_settings(bot_api_base_url=standin.url)
    user = sandbox.user(12_005, first_name="Nurlan", language_code="ru")
    async with running_bot(settings):
        await onboard(user, "ru")
        await user.send("/profile")
        await agree_to_consent(user, "ru")
        await answer(user, "ОФ Ак-Жол")
        await choose(user, t("ru", "legal-form-public_union"))
    # A new process: nothing but the database remembers the dialogue.
    async with running_bot(settings):
        after = await answer(user, "01234567890123")
        assert after[0].text == question("ru", "municipality", 4)
        dialogue = await dialogue_of(seeded_database, user.id)
        assert dialogue.data == {
            "name": "ОФ Ак-Жол",
            "legal_form": "public_union",
            "inn": "01234567890123",
        }
        await user.send("/start")
        resumed = messages(await settle(user, messages=2))
        assert [event.text for event in resumed] == [
            t("ru", "dialogue-resume"),
            question("ru", "municipality", 4),
        ]


# -- bad input: a clear message in the user's language, nothing stored ----------------------


async def at_question(user, language: str, field: str) -> None:
    await onboard(user, language)
    await user.send("/profile")
    await agree_to_consent(user, language)
    answers = {"name": "ОФ Балдарга Тирек", "legal_form": None, "inn": "01234567890123"}
    for step in ("name", "legal_form", "inn", "municipality", "phone"):
        if step == field:
            return
        if step == "legal_form":
            await choose(user, t(language, "legal-form-association"))
        elif step == "municipality":
            await choose(user, karakol_name(language))
        else:
            await answer(user, answers[step])


BAD_ANSWERS = [
    ("inn", "0123456789012A", "invalid-inn-not-digits", {}),
    ("inn", "0123456789012", "invalid-inn-length", {"count": 13}),
    ("inn", "012345678901234", "invalid-inn-length", {"count": 15}),
    ("phone", "+996 12", "invalid-phone", {}),
    ("phone", "call me", "invalid-phone", {}),
    ("name", "x" * 5000, "invalid-too-long", {"maximum": 200, "length": 5000}),
    ("name", "🌸🌸🌸🌸", "invalid-no-letters", {}),
    ("name", "OK", "invalid-too-short", {"minimum": 3}),
]


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize("language", ["ky", "ru", "en"])
@pytest.mark.parametrize(("field", "text", "key", "params"), BAD_ANSWERS)
@pytest.mark.bad_input
async def test_bad_answers_are_refused_and_nothing_is_stored(
    sandbox: SandboxClient,
    seeded_database: Database,
    language: str,
    field: str,
    text: str,
    key: str,
    params: dict,
) -> None:
    user = sandbox.user(13_000, first_name="Bakyt", language_code=language)
    await at_question(user, language, field)
    before = await dialogue_of(seeded_database, user.id)
    replies = await answer(user, text)
    assert replies[0].text == t(language, key, **params)
    assert replies[1].text.endswith(question(language, field))  # asked again
    after = await dialogue_of(seeded_database, user.id)
    assert (after.step, after.data) == (before.step, before.data)


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize("language", ["ky", "ru", "en"])
@pytest.mark.bad_input
async def test_a_photo_or_file_where_text_is_expected(
    sandbox: SandboxClient, seeded_database: Database, language: str
) -> None:
    user = sandbox.user(13_100, first_name="Aida", language_code=language)
    await at_question(user, language, "inn")
    before = await dialogue_of(seeded_database, user.id)
    await user.upload_photo("inn.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    replies = messages(await settle(user))
    assert replies[0].text == t(language, "invalid-need-text")
    await user.upload_document("sticker.webp", b"RIFF0000WEBP", "image/webp")
    replies = messages(await settle(user))
    assert replies[0].text == t(language, "invalid-need-text")
    after = await dialogue_of(seeded_database, user.id)
    assert (after.step, after.data) == (before.step, before.data)


@pytest.mark.usefixtures("bot")
@pytest.mark.bad_input
async def test_typing_where_a_button_is_expected(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    user = sandbox.user(13_200, first_name="Aida", language_code="ru")
    await at_question(user, "ru", "legal_form")
    replies = await answer(user, "общественный фонд")
    assert replies[0].text == t("ru", "invalid-use-buttons")
    assert (await dialogue_of(seeded_database, user.id)).data == {"name": "ОФ Балдарга Тирек"}


@pytest.mark.usefixtures("bot")
@pytest.mark.bad_input
async def test_stale_and_forged_buttons_change_nothing(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    user = sandbox.user(13_300, first_name="Marat", language_code="en")
    await at_question(user, "en", "legal_form")
    transcript = await user.transcript()
    legal_form_question = transcript[-1]
    await choose(user, t("en", "legal-form-public_union"))
    state = await dialogue_of(seeded_database, user.id)
    for data in (
        "pf:legal_form:association",
        "pf:inn:01234567890123",
        "pf:municipality:osh",
        "pf:summary:save",
        "po:edit:inn",
        "pf:legal_form:<script>",
    ):
        await user.click_data(legal_form_question["message_id"], data)
        refusal = await user.next_reply()
        assert (refusal.kind, refusal.text, refusal.show_alert) == (
            "callback_answer",
            t("en", "button-stale"),
            True,
        )
    after = await dialogue_of(seeded_database, user.id)
    assert (after.step, after.data) == (state.step, state.data)
    assert await organization_row(seeded_database, user.id) is None


@pytest.mark.usefixtures("bot")
async def test_a_second_start_mid_dialogue_resumes_once(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    user = sandbox.user(13_400, first_name="Cholpon", language_code="ky")
    await at_question(user, "ky", "phone")
    await user.send("/start")
    replies = messages(await settle(user, messages=2))
    assert [event.text for event in replies] == [
        t("ky", "dialogue-resume"),
        question("ky", "phone", 5),
    ]
    state = await dialogue_of(seeded_database, user.id)
    assert state.step == "phone" and state.data["inn"] == "01234567890123"


@pytest.mark.usefixtures("bot")
@pytest.mark.bad_input
async def test_an_inn_registered_by_another_organization_is_refused(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    first = sandbox.user(13_500, first_name="Aigul", language_code="en")
    await onboard(first, "en")
    await fill_profile(first, "en")
    await save_profile(first, "en")
    second = sandbox.user(13_501, first_name="Mallory", language_code="en")
    await at_question(second, "en", "inn")
    replies = await answer(second, "01234567890123")
    assert replies[0].text == t("en", "invalid-inn-taken")


@pytest.mark.bad_input
async def test_an_inn_registered_by_another_nco_while_saving_is_refused_kindly(
    sandbox: SandboxClient, seeded_database: Database, bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another NCO registers the same INN between the bot's check and the save (simulated by
    letting the check miss it): the user is told the INN is taken and asked for it again,
    and nothing is saved for them."""
    db = seeded_database
    inn = "01234567890123"
    user = sandbox.user(61_501, first_name="Aigul", language_code="en")
    await onboard(user, "en")
    await fill_profile(user, "en", inn=inn)
    async with db.session() as session:
        place = await get_municipality(session, slug="karakol")
        session.add(
            Organization(
                name="Other",
                legal_form="public_foundation",
                inn=inn,
                municipality_id=place.id,
                phone="+996700000001",
                description=DESCRIPTION,
            )
        )
        await session.commit()

    async def not_taken(*args: object, **kwargs: object) -> bool:
        return False

    monkeypatch.setattr(handlers.profile, "inn_taken", not_taken)
    await user.click(t("en", "profile-save"))
    texts = [m.text for m in messages(await settle(user))]
    assert texts[0] == t("en", "invalid-inn-taken")
    assert question("en", "inn") in texts[1]
    assert await organization_row(db, 61_501) is None
    assert (await dialogue_of(db, 61_501)).step == "inn"
