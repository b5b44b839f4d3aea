"""End to end: two members of one NCO work on the organization's one application at the same
time. A write based on an answer that another member has changed since is refused with the
current answer shown and a way to retry; changes to different answers both stay; once one
member submits, the other's next step is told so and nothing is submitted twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.i18n import t
from sandbox import SandboxClient, SandboxUser
from storage.db import Database
from storage.models import Competition, ReceiptCounter, Submission
from storage.types import utcnow
from tests.flows import add_member, answer, make_staff, messages, organization_row, settle
from tests.test_e2e_applications import FORM, karakol_call, nco_with_profile, open_and_apply

pytestmark = pytest.mark.usefixtures("bot")


async def stored(db: Database) -> Submission:
    async with db.session() as session:
        return (await session.exec(select(Submission))).one()


async def colleague(
    sandbox: SandboxClient, db: Database, leader_id: int, telegram_id: int, language: str
) -> SandboxUser:
    """A second member of the leader's organization, who has started a chat with the bot."""
    organization = await organization_row(db, leader_id)
    await add_member(db, telegram_id, organization.id, language)
    user = sandbox.user(telegram_id, first_name="Bakyt", language_code=language)
    await user.send("/help")
    await settle(user)
    return user


async def continue_from_card(user: SandboxUser, language: str, call: Competition) -> list:
    """Open the call's card, see the organization's application on it, and continue it."""
    await user.send(f"/start c-{call.id}")
    card = await user.next_reply()
    assert t(language, "apply-continue") in card.button_data
    state = t(language, "apply-state-draft")
    assert t(language, "apply-card-ours", state=state, when="@").split("@")[0] in card.text
    await user.click(t(language, "apply-continue"))
    return messages(await settle(user))


@pytest.mark.bad_input
async def test_two_members_answering_the_same_question_lose_nothing(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    call = await karakol_call(seeded_database, questions=0)
    aigerim = await nco_with_profile(sandbox, 71_001, "en", "01234567897101")
    await open_and_apply(aigerim, "en", call)
    await answer(aigerim, FORM["project_title"])  # Aigerim is now asked for the summary
    bakyt = await colleague(sandbox, seeded_database, 71_001, 71_002, "ru")

    # /calls marks the organization's draft for the second member too.
    await bakyt.send("/calls")
    listing = await bakyt.next_reply()
    assert any(label.startswith("📝 ") for label in listing.button_data), listing.button_data
    asked = await continue_from_card(bakyt, "ru", call)
    assert asked[0].text.startswith(t("ru", "apply-form-step", number=2, total=7))

    # Both are on the summary. Aigerim's answer is saved first ...
    summary_a = "Aigerim's summary: " + FORM["summary"]
    summary_b = "Bakyt's summary: " + FORM["summary"]
    await answer(aigerim, summary_a)
    # ... so Bakyt's, typed over the same empty answer, is refused: he sees hers and may retry.
    await bakyt.send(summary_b)
    refused = messages(await settle(bakyt, messages=2))
    assert refused[0].text == t(
        "ru", "apply-answer-taken", field=t("ru", "apply-field-summary"), current=summary_a
    )
    assert t("ru", "apply-keep-answer") in refused[0].button_data
    assert refused[1].text.startswith(t("ru", "apply-form-step", number=2, total=7))
    assert (await stored(seeded_database)).answers["summary"] == summary_a

    # He sends his again, knowing hers: now it replaces hers.
    retried = await answer(bakyt, summary_b)
    assert retried[0].text.startswith(t("ru", "apply-form-step", number=3, total=7))
    assert (await stored(seeded_database)).answers["summary"] == summary_b

    # Aigerim answers the next question, asked before Bakyt's save: a different answer, so it is
    # saved on top of his, and his summary stays.
    await answer(aigerim, FORM["target_group"])
    after = (await stored(seeded_database)).answers
    assert (after["summary"], after["target_group"]) == (summary_b, FORM["target_group"])

    # Bakyt answers the target group too: hers is shown; he keeps it and goes on.
    await bakyt.send("Someone else entirely")
    refused = messages(await settle(bakyt, messages=2))
    assert refused[0].text == t(
        "ru",
        "apply-answer-taken",
        field=t("ru", "apply-field-target_group"),
        current=FORM["target_group"],
    )
    await bakyt.click(t("ru", "apply-keep-answer"))
    went_on = messages(await settle(bakyt))
    assert went_on[0].text.startswith(t("ru", "apply-form-step", number=4, total=7))
    assert (await stored(seeded_database)).answers["target_group"] == FORM["target_group"]

    # The old "keep" button, once used, is refused and changes nothing.
    keep = refused[0].button_data[t("ru", "apply-keep-answer")]
    await bakyt.click_data(refused[0].message_id, keep)
    stale = await settle(bakyt, messages=0, answers=1)
    assert [e.text for e in stale if e.kind == "callback_answer"] == [t("ru", "button-stale")]


async def complete_draft(db: Database, user: SandboxUser, language: str) -> Competition:
    """A call without documents, and the leader's application to it filled in and shown."""
    call = await karakol_call(db, questions=0)
    async with db.session() as session:
        stored_call = await session.get(Competition, call.id)
        stored_call.documents = []
        stored_call.updated_at = utcnow()
        session.add(stored_call)
        await session.commit()
    await open_and_apply(user, language, call)
    for value in FORM.values():
        overview = await answer(user, value)
    assert t(language, "apply-submit") in overview[0].button_data
    return call


@pytest.mark.bad_input
async def test_one_member_submits_and_the_other_is_told(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    await make_staff(seeded_database, 72_900, "karakol")
    staff = sandbox.user(72_900, first_name="Staff", language_code="en")
    await staff.send("/help")
    await settle(staff)
    aigerim = await nco_with_profile(sandbox, 72_001, "ky", "01234567897201")
    call = await complete_draft(seeded_database, aigerim, "ky")
    bakyt = await colleague(sandbox, seeded_database, 72_001, 72_002, "en")
    overview = (await continue_from_card(bakyt, "en", call))[0]
    assert t("en", "apply-submit") in overview.button_data

    # Aigerim corrects the title from the summary while Bakyt looks at the overview ...
    await aigerim.click(t("ky", "wz-edit", field=t("ky", "apply-field-project_title")))
    await settle(aigerim)
    await answer(aigerim, "After-school club, corrected")
    # ... so his Submit, on what he saw before her change, submits nothing: he is shown the
    # application as it is now.
    await bakyt.click(t("en", "apply-submit"), message_id=overview.message_id)
    checked = messages(await settle(bakyt, messages=2))
    assert checked[0].text == t("en", "apply-check-before-submit")
    assert "After-school club, corrected" in checked[1].text
    assert (await stored(seeded_database)).status == "draft"

    # Aigerim opens the summary to change it; Bakyt submits the application he has now seen.
    await aigerim.click(t("ky", "wz-edit", field=t("ky", "apply-field-summary")))
    await settle(aigerim)
    await bakyt.click(t("en", "apply-submit"), message_id=checked[1].message_id)
    receipt = messages(await settle(bakyt))[0]
    reference = f"KRK-{utcnow().year}-0001"
    assert reference in receipt.text
    notice = await staff.next_reply(timeout=10)
    assert notice.text == t("en", "apply-staff-notice", title="Children of migrants")

    # Her next step, the answer she was typing, is told it was submitted and changes nothing.
    await aigerim.send("A summary typed after the application was submitted, long enough.")
    told = messages(await settle(aigerim, messages=2))
    assert told[0].text.startswith(
        t("ky", "apply-already-submitted", reference=reference, when="@").split("@")[0]
    )
    # The overview offers only to withdraw it, not to change or submit it again.
    assert set(told[1].button_data) == {t("ky", "apply-withdraw")}
    # An old Submit button of hers submits nothing twice.
    await aigerim.click(t("ky", "apply-submit"))
    again = messages(await settle(aigerim, messages=2))
    assert again[0].text.startswith(told[0].text[:20])
    submission = await stored(seeded_database)
    assert (submission.status, submission.reference) == ("submitted", reference)
    assert submission.answers["project_title"] == "After-school club, corrected"
    assert submission.answers["summary"] == FORM["summary"]
    async with seeded_database.session() as session:
        counters = (await session.exec(select(ReceiptCounter))).all()
    assert [counter.last for counter in counters] == [1]  # no number used up by the second try
    assert await staff.replies_until_quiet(quiet=0.5, timeout=0.5, allow_empty=True) == []
    assert submission.submitted_at > utcnow() - timedelta(minutes=5)
