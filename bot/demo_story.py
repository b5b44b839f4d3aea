"""The demo's decided call: an earlier call of the season taken from the applications to the
first report by the bot's own functions, with the clock set back, so the chat page opens with
awards, their reports and a report waiting for the staff's review.

Only the call itself is written directly (as the other demo calls are: the wizard has its own
tests). Then, each step at its moment in the past:

- 74 and 72 days ago Dinara's and Aigerim's organizations apply: the answers go through the
  form's rules and `submit_with_reference` gives the receipt numbers;
- 66 days ago Gulmira (staff) admits both and assigns Azamat (commission); he declares no
  conflict, scores both and submits his sheet 64 days ago; 61 days ago the winners are marked;
- 60 days ago the decision is published (`publish_decision`): two awards, and with them their
  report-due rows (bot/reporting.create_reports) on the call's given dates, 4 days ago and in
  6 days (local), plus the final report 30 days after the end;
- 5 days ago Aigerim files her first report (`file_report`): it waits for the staff's review.

So at the start Dinara's first report is overdue and her second is due soon; the staff's table
shows one overdue, one filed and four due. The messages these steps queue (admitted, the
decision, "a report was filed") are delivered when the demo's bot starts. Past reminders are not:
the reports' reminders are planned again from the present (`replan_reports`, also at every
start of the demo), so "Run due reminders now" shows what comes next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot import reporting, selection
from bot.reminders import replan_report
from bot.rules import application as application_rules
from bot.rules import reporting as report_rules
from storage.db import Database
from storage.models import Competition, Municipality, ReportDue, Submission
from storage.queries import reporting as report_queries
from storage.queries.submissions import (
    save_submission,
    start_submission,
    submit_with_reference,
    uploaded_counts,
)

DECIDED_CALL_TITLE = {
    # Short enough for a report's button ("📝 Interim report 1 · <title>", at most 60).
    "en": "Summer clubs for migrants' children",
    "ru": "Летние клубы для детей мигрантов",
    "ky": "Мигрант балдары үчүн жайкы клубдар",
}
# Days before the demo database was made.
PUBLISHED, DEADLINE, SCREENED, SCORED, MARKED, DECIDED, FILED = 100, 70, 66, 64, 61, 60, 5
CONTRACT_DAYS = 180
# The call's reporting dates, in local days from the day the demo database was made.
OVERDUE_REPORT_DAY, DUE_SOON_REPORT_DAY = -4, 6
FINAL_DAYS = 30
DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class Application:
    """One NCO's application to the decided call, as its leader typed it."""

    leader: int  # the leader's Telegram id (bot/demo_data.PERSONAS)
    submitted_days_ago: int
    answers: dict[str, str]  # form field -> the text typed
    scores: dict[str, str]  # criterion -> what the commission member typed
    amount: str  # what staff typed as the award


APPLICATIONS = (
    Application(
        2003,
        74,
        {
            "project_title": "Summer Club «Bright Future»",
            "summary": "Ten weeks of daily clubs for children whose parents work abroad: "
            "homework help, sport, crafts and a psychologist twice a week.",
            "target_group": "Children aged 7-14 of labour migrants in Karakol",
            "beneficiaries": "60",
            "requested_amount": "280 000",
            "duration_months": "6",
            "co_financing": "20 000",
        },
        {"relevance": "9 Clear need in three districts", "budget": "8"},
        "280 000",
    ),
    Application(
        2001,
        72,
        {
            "project_title": "Летний клуб «Мээрим»",
            "summary": "Летние занятия для детей трудовых мигрантов: продлёнка, спорт, "
            "кружки и встречи с психологом, связь с родителями по видео.",
            "target_group": "Дети 6-12 лет из семей трудовых мигрантов",
            "beneficiaries": "45",
            "requested_amount": "250 000",
            "duration_months": "6",
            "co_financing": "0",
        },
        {"relevance": "8", "budget": "7 Смета немного завышена"},
        "250 000",
    ),
)
FIRST_REPORT = {
    "leader": 2001,
    "done_text": "Провели 40 занятий продлёнки и 12 встреч с психологом; 45 детей ходят "
    "регулярно, родители на связи по видео раз в неделю.",
    "beneficiaries": "45",
    "spent": "90 000",
}


def _days(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)


def decided_call(
    *, municipality_id: int, topic_id: int, staff_user_id: int, zone: ZoneInfo, now: datetime
) -> Competition:
    """The call as staff published it 100 days ago (not yet added to a session)."""
    today = now.astimezone(zone).date()
    start = _days(now, DECIDED).date()
    return Competition(
        municipality_id=municipality_id,
        topic_id=topic_id,
        status="published",
        title=DECIDED_CALL_TITLE,
        description={
            "en": "Clubs for the summer holidays for children whose parents work abroad.",
            "ru": "Клубы на летние каникулы для детей, чьи родители работают за рубежом.",
            "ky": "Ата-энеси чет өлкөдө иштеген балдар үчүн жайкы каникулдагы клубдар.",
        },
        budget_total=600_000,
        max_per_project=300_000,
        projects_count=2,
        deadline_at=_days(now, DEADLINE),
        period_start=start,
        period_end=start + timedelta(days=CONTRACT_DAYS),
        reporting={
            "kind": "dates",
            "dates": [
                (today + timedelta(days=OVERDUE_REPORT_DAY)).isoformat(),
                (today + timedelta(days=DUE_SOON_REPORT_DAY)).isoformat(),
            ],
            "final_days": FINAL_DAYS,
        },
        eligibility=[
            {
                "key": "registered_nco",
                "text": {
                    "en": "Is your organization a registered NCO?",
                    "ru": "Ваша организация — зарегистрированная НКО?",
                    "ky": "Уюмуңуз катталган КЭУбу?",
                },
                "knockout": "no",
                "reason": {
                    "en": "Only registered NCOs may apply.",
                    "ru": "Подать заявку могут только зарегистрированные НКО.",
                    "ky": "Катталган КЭУлар гана арыз бере алат.",
                },
            }
        ],
        documents=[
            {
                "key": "photos_of_work",
                "name": {
                    "en": "Photos of earlier work",
                    "ru": "Фото прошлой работы",
                    "ky": "Мурунку иштин сүрөттөрү",
                },
                "required": False,
            }
        ],
        criteria=[
            {"key": "relevance", "name": {"en": "Relevance", "ru": "Актуальность"}, "weight": 60},
            {"key": "budget", "name": {"en": "Budget", "ru": "Бюджет"}, "weight": 40},
        ],
        created_by_user_id=staff_user_id,
        published_at=_days(now, PUBLISHED),
    )


async def write_decided_call(
    db: Database,
    *,
    municipality_id: int,
    topic_id: int,
    users: dict[int, int],
    organizations: dict[int, int],
    staff: int,
    commission: int,
    now: datetime,
) -> Competition:
    """The call, its applications, selection, decision and first report, each step by the
    bot's function at its moment. `users` and `organizations` map the personas' Telegram ids
    to their user and organization ids; `staff` and `commission` are Telegram ids."""
    async with db.session() as session:
        place = await session.get(Municipality, municipality_id)
        zone, code = ZoneInfo(place.timezone), place.code
        call = decided_call(
            municipality_id=municipality_id,
            topic_id=topic_id,
            staff_user_id=users[staff],
            zone=zone,
            now=now,
        )
        session.add(call)
        await session.commit()
        await session.refresh(call)

    submissions = {}
    for item in APPLICATIONS:
        submissions[item.leader] = await _apply(
            db, call, item, user_id=users[item.leader], organization=organizations[item.leader],
            code=code, now=now,
        )  # fmt: skip
    await _select(db, call.id, submissions, staff=users[staff], member=users[commission], now=now)
    leader = FIRST_REPORT["leader"]
    await _file_first_report(
        db, call.id, user_id=users[leader], organization=organizations[leader], now=now
    )
    await replan_reports(db, now=now)
    async with db.session() as session:
        return await session.get(Competition, call.id)


async def replan_reports(db: Database, *, now: datetime) -> None:
    """Plan the reminders of every report still owed from `now` on. The story planned them at
    its moments in the past; those whose time has passed are cancelled, not sent at the start
    (safe to repeat: the demo does it at every start)."""
    async with db.session() as session:
        owed = await session.exec(select(ReportDue).where(ReportDue.status.in_(report_rules.OWED)))
        for report in owed.all():
            await replan_report(session, report, now=now)
        await session.commit()


async def _apply(
    db: Database,
    call: Competition,
    item: Application,
    *,
    user_id: int,
    organization: int,
    code: str,
    now: datetime,
) -> int:
    """Start, fill and submit one application as the dialogue would; its submission id."""
    when = _days(now, item.submitted_days_ago)
    answers = {
        field: application_rules.accept(field, text, competition=call)
        for field, text in item.answers.items()
    }
    eligibility = {question["key"]: "yes" for question in call.eligibility}
    async with db.session() as session:
        draft = await start_submission(
            session, competition_id=call.id, organization_id=organization, user_id=user_id
        )
        draft = await save_submission(
            session,
            submission_id=draft.id,
            revision=draft.revision,
            values={"eligibility": eligibility, "answers": answers},
        )
        problems = application_rules.submission_problems(
            competition=call,
            eligibility=draft.eligibility,
            answers=draft.answers,
            uploaded=await uploaded_counts(session, submission_id=draft.id),
            now=when,
        )
        if problems:
            raise ValueError(f"the demo's application cannot be submitted: {problems}")
        await submit_with_reference(
            session, submission=draft, prefix=f"{code}-{when.year}-", now=when
        )
        return draft.id


async def _select(
    db: Database,
    call_id: int,
    submissions: dict[int, int],
    *,
    staff: int,
    member: int,
    now: datetime,
) -> None:
    """Admissibility, the commission's sheet, the winners and the published decision."""
    async with db.session() as session:
        call = await session.get(Competition, call_id)
        screened = _days(now, SCREENED)
        for submission_id in submissions.values():
            await selection.decide_admissibility(
                session,
                call=call,
                submission=await session.get(Submission, submission_id),
                admitted=True,
                reason=None,
                by_user_id=staff,
                now=screened,
                default_language=DEFAULT_LANGUAGE,
            )
        await selection.toggle_member(
            session, call=call, member_user_id=member, by_user_id=staff, now=screened
        )
        scored = _days(now, SCORED)
        for item in APPLICATIONS:
            submission_id = submissions[item.leader]
            await selection.declare(
                session,
                call=call,
                submission_id=submission_id,
                user_id=member,
                recuse=False,
                now=scored,
            )
            for criterion, text in item.scores.items():
                await selection.score(
                    session,
                    call=call,
                    submission_id=submission_id,
                    user_id=member,
                    criterion_key=criterion,
                    text=text,
                    now=scored,
                )
        await selection.submit_sheet(session, call=call, user_id=member, now=scored)
        for item in APPLICATIONS:
            await selection.record_outcome(
                session,
                call=call,
                submission_id=submissions[item.leader],
                outcome="winner",
                amount_text=item.amount,
                by_user_id=staff,
                now=_days(now, MARKED),
            )
        await selection.publish_decision(
            session,
            call=call,
            by_user_id=staff,
            now=_days(now, DECIDED),
            default_language=DEFAULT_LANGUAGE,
        )


async def _file_first_report(
    db: Database, call_id: int, *, user_id: int, organization: int, now: datetime
) -> None:
    """Aigerim's first report, filed before its due date: the staff have one to review."""
    async with db.session() as session:
        owed = await report_queries.reports_of_organization(session, organization_id=organization)
        first = next(
            line.report.id for line in owed if line.call.id == call_id and line.report.number == 1
        )
        line = await reporting.own_report(session, report_id=first, user_id=user_id)
        elsewhere = await report_queries.spent_elsewhere(
            session, award_id=line.award.id, report_id=line.report.id
        )
        await reporting.file_report(
            session,
            line=line,
            user_id=user_id,
            revision=line.report.revision,
            done_text=report_rules.done_text(FIRST_REPORT["done_text"]),
            beneficiaries=report_rules.beneficiaries(FIRST_REPORT["beneficiaries"]),
            spent=report_rules.spent(
                FIRST_REPORT["spent"], award_amount=line.award.amount, spent_elsewhere=elsewhere
            ),
            now=_days(now, FILED),
            default_language=DEFAULT_LANGUAGE,
        )
