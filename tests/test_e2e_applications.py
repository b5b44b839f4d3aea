"""End to end: an NCO applies to a call — eligibility, the form, documents, submit, receipt,
withdraw and resubmit — and the bad inputs of the issue, over the stand-in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.i18n import t
from sandbox import SandboxClient
from storage.db import Database
from storage.models import Competition, Submission, SubmissionDocument
from storage.types import utcnow
from tests import samples
from tests.flows import (
    answer,
    fill_profile,
    make_staff,
    messages,
    onboard,
    save_profile,
    settle,
)

pytestmark = pytest.mark.usefixtures("bot")

FORM = {
    "project_title": "After-school club",
    "summary": (
        "An after-school club where children of labour migrants do homework, play sports"
        " and get support."
    ),
    "target_group": "Children of labour migrants aged 7-14",
    "beneficiaries": "120",
    "requested_amount": "180 000",
    "duration_months": "8",
    "co_financing": "0",
}


async def karakol_call(db: Database, *, questions: int = 2) -> Competition:
    from storage.queries.places import get_municipality, list_topics

    async with db.session() as session:
        place = await get_municipality(session, slug="karakol")
        topic = (await list_topics(session, municipality_id=place.id))[1]
        start = (utcnow() + timedelta(days=40)).date()
        eligibility = [
            {
                "key": "registered_nco",
                "text": {
                    "en": "Registered NCO?",
                    "ru": "Зарегистрированная НКО?",
                    "ky": "Катталган КЭУбу?",
                },
                "knockout": "no",
                "reason": {
                    "en": "Only registered NCOs.",
                    "ru": "Только НКО.",
                    "ky": "КЭУлар гана.",
                },
            },
            {
                "key": "no_tax_arrears",
                "text": {
                    "en": "No tax arrears?",
                    "ru": "Нет долгов по налогам?",
                    "ky": "Салык карызы жокпу?",
                },
                "knockout": "no",
                "reason": {
                    "en": "No arrears allowed.",
                    "ru": "Долги недопустимы.",
                    "ky": "Карыз болбошу керек.",
                },
            },
        ][:questions]
        call = Competition(
            municipality_id=place.id,
            topic_id=topic.id,
            status="published",
            title={
                "en": "Children of migrants",
                "ru": "Дети мигрантов",
                "ky": "Мигранттардын балдары",
            },
            description={"en": "Support for children of labour migrants."},
            budget_total=400_000,
            max_per_project=200_000,
            projects_count=2,
            deadline_at=utcnow() + timedelta(days=14),
            period_start=start,
            period_end=start + timedelta(days=200),
            reporting={"kind": "quarterly"},
            eligibility=eligibility,
            documents=[
                {
                    "key": "application_form",
                    "name": {"en": "Application form", "ru": "Заявка", "ky": "Арыз"},
                    "required": True,
                },
                {
                    "key": "budget",
                    "name": {"en": "Project budget", "ru": "Бюджет", "ky": "Бюджет"},
                    "required": True,
                },
            ],
            criteria=[{"key": "relevance", "name": {"en": "Relevance"}, "weight": 100}],
            published_at=utcnow(),
        )
        session.add(call)
        await session.commit()
        await session.refresh(call)
        return call


async def nco_with_profile(sandbox: SandboxClient, telegram_id: int, language: str, inn: str):
    user = sandbox.user(telegram_id, first_name="Leader", language_code=language)
    await onboard(user, language)
    await fill_profile(user, language, inn=inn)
    await save_profile(user, language)
    return user


async def open_and_apply(user, language: str, call: Competition) -> list:
    await user.send(f"/start c-{call.id}")
    card = await user.next_reply()
    assert t(language, "apply-start") in card.button_data
    await user.click(t(language, "apply-start"))
    return messages(await settle(user))


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
async def test_a_full_application_in_each_language(
    sandbox: SandboxClient, seeded_database: Database, language: str
) -> None:
    await make_staff(seeded_database, 51_900, "karakol")
    staff = sandbox.user(51_900, first_name="Staff", language_code="en")
    await staff.send("/help")
    await staff.next_reply()
    call = await karakol_call(seeded_database)
    user = await nco_with_profile(
        sandbox, 51_000 + len(language), language, "0123456789012" + str(len(language))
    )

    first = await open_and_apply(user, language, call)
    assert first[0].text.startswith(t(language, "apply-eligibility-step", number=1, total=2))
    # A knock-out answer says why, and the answer can be corrected.
    await user.click(t(language, "apply-no"))
    refused = messages(await settle(user))
    assert refused[0].text.endswith(
        {"en": "Only registered NCOs.", "ru": "Только НКО.", "ky": "КЭУлар гана."}[language]
    )
    await user.click(t(language, "apply-change-answer"))
    await settle(user)
    await user.click(t(language, "apply-yes"))
    await settle(user)
    await user.click(t(language, "apply-yes"))
    form = messages(await settle(user))
    assert form[0].text.startswith(t(language, "apply-form-step", number=1, total=7))
    for value in FORM.values():
        replies = await answer(user, value)
    overview = replies[0]
    assert "\n⬜️ " in overview.text  # documents still missing
    assert t(language, "apply-submit") not in overview.button_data

    # Documents: a PDF for the form, two photos of a paper budget, kept in order.
    await user.click(t(language, "apply-upload"))
    checklist = messages(await settle(user))[0]
    await user.click(checklist.buttons[0][0])
    await settle(user)
    await user.upload_document("form.pdf", samples.PDF, "application/pdf")
    accepted = messages(await settle(user))[0]
    assert accepted.text == t(language, "doc-accepted", name="form.pdf", position=1)
    await user.click(t(language, "apply-upload-done"))
    await settle(user)
    await user.click(t(language, "apply-upload"))
    checklist = messages(await settle(user))[0]
    await user.click(checklist.buttons[1][0])
    await settle(user)
    await user.upload_photo("page1.png", samples.png(3, 3), mime_type="image/png")
    await settle(user)
    await user.upload_photo("page2.png", samples.png(4, 4), mime_type="image/png")
    second = messages(await settle(user))[0]
    assert second.text.endswith(t(language, "doc-accepted", name="x", position=2).split(")")[-1])
    await user.click(t(language, "apply-upload-done"))
    overview = messages(await settle(user))[0]
    assert "\n⬜️ " not in overview.text

    await user.click(t(language, "apply-submit"))
    receipt = messages(await settle(user))[0]
    assert "KRK-" in receipt.text
    async with seeded_database.session() as session:
        submission = (await session.exec(select(Submission))).one()
        documents = (
            await session.exec(select(SubmissionDocument).order_by(SubmissionDocument.id))
        ).all()
    assert submission.status == "submitted" and submission.reference == f"KRK-{utcnow().year}-0001"
    assert submission.answers["requested_amount"] == 180000
    assert [(d.requirement, d.position, d.kind) for d in documents] == [
        ("application_form", 1, "pdf"),
        ("budget", 1, "png"),  # Telegram would send JPEG; the stand-in keeps the bytes
        ("budget", 2, "png"),
    ]
    notice = await staff.next_reply(timeout=10)
    assert notice.text == t("en", "apply-staff-notice", title="Children of migrants")

    # Withdraw and submit again: the same receipt number.
    await user.send(f"/start c-{call.id}")
    await user.next_reply()
    await user.click(t(language, "apply-continue"))
    overview = messages(await settle(user))[0]
    await user.click(t(language, "apply-withdraw"))
    withdrawn = messages(await settle(user, messages=2))
    assert withdrawn[0].text == t(language, "apply-withdrawn")
    await user.click(t(language, "apply-submit"))
    again = messages(await settle(user))[0]
    assert submission.reference in again.text


@pytest.mark.bad_input
async def test_bad_files_and_answers_are_refused(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    call = await karakol_call(seeded_database, questions=0)
    user = await nco_with_profile(sandbox, 52_001, "en", "01234567890199")
    await open_and_apply(user, "en", call)
    for field in ("project_title", "summary", "target_group", "beneficiaries"):
        await answer(user, FORM[field])
    for value, key, params in (
        ("two hundred", "invalid-amount", {}),
        ("-5", "invalid-amount-negative", {}),
        ("250 000", "invalid-above-max", {"maximum": 200000}),
    ):
        refused = await answer(user, value)
        assert refused[0].text == t("en", key, **params), value
    await answer(user, "150000")
    await answer(user, "6")
    await answer(user, "0")
    await user.click(t("en", "apply-upload"))
    checklist = messages(await settle(user))[0]
    await user.click(checklist.buttons[0][0])
    await settle(user)
    bad = [
        ("setup.pdf", samples.EXE, "application/pdf", "doc-executable"),
        (
            "report.docx",
            samples.DOCM,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "doc-macro",
        ),
        ("docs.zip", samples.plain_zip(), "application/zip", "doc-archive"),
        # Telegram itself refuses empty files; bot/rules/documents.py is tested for them too.
        ("big.pdf", samples.PDF + b"0" * (21 * 1024 * 1024), "application/pdf", "doc-too-big"),
    ]
    for name, data, mime, key in bad:
        await user.upload_document(name, data, mime)
        refused = messages(await settle(user))[0]
        params = {"size_mb": 21.1, "limit_mb": 20} if key == "doc-too-big" else {}
        assert refused.text == t("en", key, **params), name
    await user.share_contact("+996700000000")
    assert messages(await settle(user))[0].text == t("en", "doc-need-file")
    await user.upload_document(
        "form.docx",
        samples.DOCX,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    assert messages(await settle(user))[0].text == t(
        "en", "doc-accepted", name="form.docx", position=1
    )
    await user.upload_document(
        "copy.docx",
        samples.DOCX,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    assert messages(await settle(user))[0].text == t("en", "doc-duplicate", name="form.docx")
    async with seeded_database.session() as session:
        assert len((await session.exec(select(SubmissionDocument))).all()) == 1


@pytest.mark.bad_input
async def test_after_the_deadline_a_draft_is_read_only(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    call = await karakol_call(seeded_database, questions=0)
    user = await nco_with_profile(sandbox, 53_001, "ru", "01234567890177")
    await open_and_apply(user, "ru", call)
    await answer(user, FORM["project_title"])
    async with seeded_database.session() as session:
        stored = await session.get(Competition, call.id)
        stored.deadline_at = utcnow() - timedelta(minutes=2)
        session.add(stored)
        await session.commit()
    refused = await answer(user, FORM["summary"])
    assert refused[0].text == t("ru", "apply-closed")
    async with seeded_database.session() as session:
        submission = (await session.exec(select(Submission))).one()
    assert submission.answers == {"project_title": FORM["project_title"]}


async def test_a_restart_in_the_form_and_in_the_uploads_resumes(
    standin, sandbox: SandboxClient, seeded_database: Database, make_settings, bot
) -> None:
    from bot.runner import running_bot

    call = await karakol_call(seeded_database, questions=0)
    user = await nco_with_profile(sandbox, 54_001, "ky", "01234567890155")
    await open_and_apply(user, "ky", call)
    await answer(user, FORM["project_title"])
    # The fixture's bot stops; a new process starts with only the database to remember.
    await bot.updater.stop()
    await bot.stop()
    async with running_bot(make_settings(bot_api_base_url=standin.url)):
        await user.send("/start")
        resumed = messages(await settle(user, messages=2))
        assert resumed[0].text == t("ky", "dialogue-resume")
        assert resumed[1].text.startswith(t("ky", "apply-form-step", number=2, total=7))
        for value in list(FORM.values())[1:]:
            await answer(user, value)
        await user.click(t("ky", "apply-upload"))
        checklist = messages(await settle(user))[0]
        await user.click(checklist.buttons[1][0])
        await settle(user)
    async with running_bot(make_settings(bot_api_base_url=standin.url)):
        await user.upload_document(
            "budget.xlsx",
            samples.XLSX,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        accepted = messages(await settle(user))[0]
        assert accepted.text == t("ky", "doc-accepted", name="budget.xlsx", position=1)
    await bot.start()  # so the fixture can stop it as usual
    await bot.updater.start_polling(timeout=1)


@pytest.mark.bad_input
async def test_a_save_based_on_an_old_revision_changes_nothing(seeded_database: Database) -> None:
    """Two members of one NCO editing one draft: the later save, based on what it read before
    the other's save, is refused instead of erasing the other's answer."""
    from storage.queries.submissions import StaleRevision, save_submission, start_submission
    from tests.flows import published_call

    call = await published_call(seeded_database, "karakol", "women", "Shelter")
    async with seeded_database.session() as session:
        from storage.models import Organization

        organization = Organization(
            name="PF Tirek",
            legal_form="public_foundation",
            inn="01234567890123",
            municipality_id=call.municipality_id,
            phone="+996700123456",
            description="We help women who need shelter and support.",
        )
        session.add(organization)
        await session.commit()
        submission = await start_submission(
            session, competition_id=call.id, organization_id=organization.id, user_id=None
        )
    read_by_both = submission.revision
    async with seeded_database.session() as session:
        await save_submission(
            session,
            submission_id=submission.id,
            revision=read_by_both,
            values={"answers": {"project_title": "First member's title"}},
        )
    async with seeded_database.session() as session:
        with pytest.raises(StaleRevision):
            await save_submission(
                session,
                submission_id=submission.id,
                revision=read_by_both,
                values={"answers": {"summary": "Second member's summary"}},
            )
    async with seeded_database.session() as session:
        stored = await session.get(Submission, submission.id)
    assert stored.answers == {"project_title": "First member's title"}


async def test_a_question_is_answered_and_joins_the_public_qa(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    await make_staff(seeded_database, 55_900, "karakol")
    staff = sandbox.user(55_900, first_name="Staff", language_code="en")
    await staff.send("/help")
    await staff.next_reply()
    call = await karakol_call(seeded_database, questions=0)
    applicant = await nco_with_profile(sandbox, 55_001, "ru", "01234567890144")
    await open_and_apply(applicant, "ru", call)  # started an application
    await applicant.send("/cancel")
    await settle(applicant)
    asker = sandbox.user(55_002, first_name="Asker", language_code="en")
    await asker.send(f"/start c-{call.id}")
    await asker.next_reply()
    await asker.click(t("en", "qa-ask"))
    await settle(asker)
    sent = await answer(asker, "Can a public union from Balykchy apply <b>too</b>?")
    assert sent[0].text == t("en", "qa-asked")

    notice = await staff.next_reply(timeout=10)
    assert "Can a public union from Balykchy apply <b>too</b>?" in notice.text  # shown as text
    await staff.send("/questions")
    item = await staff.next_reply()
    await staff.click(t("en", "qa-answer"), message_id=item.message_id)
    await settle(staff)
    # Someone without a role cannot answer, whatever button data they send.
    await asker.click_data(item.message_id, item.button_data[t("en", "qa-answer")])
    assert (await asker.next_reply()).text == t("en", "button-stale")
    done = await answer(staff, "Only NCOs registered in Karakol may apply to this call.")
    assert done[0].text == t("en", "qa-answer-sent", count=2)

    to_asker = await asker.next_reply(timeout=10)
    assert "Only NCOs registered in Karakol may apply to this call." in to_asker.text
    to_applicant = await applicant.next_reply(timeout=10)
    assert to_applicant.text.startswith("💬 Новый ответ по конкурсу «Дети мигрантов»")
    assert "Asker" not in to_applicant.text

    await asker.send(f"/start c-{call.id}")
    card = await asker.next_reply()
    await asker.click(t("en", "qa-list", count=1), message_id=card.message_id)
    qa = messages(await settle(asker))[0]
    assert qa.text.endswith("💬 Only NCOs registered in Karakol may apply to this call.")


async def test_applicants_hear_of_a_moved_deadline_even_without_a_subscription(
    sandbox: SandboxClient, seeded_database: Database
) -> None:
    from bot.publishing import move_deadline

    call = await karakol_call(seeded_database, questions=0)
    applicant = await nco_with_profile(sandbox, 56_001, "en", "01234567890133")
    await open_and_apply(applicant, "en", call)
    await applicant.send("/cancel")
    await settle(applicant)
    async with seeded_database.session() as session:
        stored = await session.get(Competition, call.id)
        await move_deadline(
            session,
            competition=stored,
            new_deadline=utcnow() + timedelta(days=30),
            by_user_id=None,
            report_chat_id=None,
            now=utcnow(),
            default_language="ru",
        )
    notice = await applicant.next_reply(timeout=10)
    assert notice.text.startswith("⏰ Children of migrants: the application deadline has moved")


async def test_simultaneous_submissions_get_distinct_receipt_numbers(
    seeded_database: Database,
) -> None:
    """Two NCOs pressing Submit at the same moment: both submitted, numbered 0001 and 0002."""
    import asyncio

    from storage.models import Organization
    from storage.queries.submissions import start_submission, submit_with_reference
    from tests.flows import published_call

    call = await published_call(seeded_database, "karakol", "women", "Shelter")
    submissions = []
    async with seeded_database.session() as session:
        for number in range(6):
            organization = Organization(
                name=f"PF {number}",
                legal_form="public_foundation",
                inn=f"0123456789010{number}",
                municipality_id=call.municipality_id,
                phone="+996700123456",
                description="We help women who need shelter and support.",
            )
            session.add(organization)
            await session.commit()
            submissions.append(
                await start_submission(
                    session, competition_id=call.id, organization_id=organization.id, user_id=None
                )
            )

    async def press_submit(submission: Submission) -> bool:
        async with seeded_database.session() as session:
            submitted = await submit_with_reference(
                session, submission=submission, prefix="KRK-2026-", now=utcnow()
            )
            return submitted is not None

    assert await asyncio.gather(*(press_submit(s) for s in submissions)) == [True] * 6
    async with seeded_database.session() as session:
        references = sorted((await session.exec(select(Submission.reference))).all())
    assert references == [f"KRK-2026-000{n}" for n in range(1, 7)]
