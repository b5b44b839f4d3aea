"""The monitoring overview for consultants and platform admins: figures per municipality and
per call as text and XLSX, and the weekly digest (an outbox row at the day and hour each
consultant chose, once a week).

Who sees what is decided in bot/rules/access.py ("monitoring.view": consultants, in the
municipalities assigned to them; platform admins everywhere). The figures come from
storage/queries/monitoring.py."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import get_day_names
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram.ext import Application, ContextTypes

from bot.formatting import localized, moment, money
from bot.i18n import t
from bot.rules.access import ACTIONS
from bot.settings import Settings
from storage.db import Database
from storage.models import Municipality, StaffRole
from storage.queries.monitoring import (
    CallFigures,
    PlaceFigures,
    Reports,
    call_figures,
    digest_preferences,
    place_figures,
)
from storage.queries.outbox import enqueue
from storage.queries.places import list_municipalities
from storage.types import utcnow

log = logging.getLogger(__name__)

DIGEST_CHECK_SECONDS = 60.0
DIGEST_HOURS = tuple(range(7, 21))


def weekday_name(weekday: int, language: str) -> str:
    return get_day_names("wide", locale=language)[weekday]


def digest_due(
    *, weekday: int | None, hour: int | None, last_sent_for: date | None, local_now: datetime
) -> bool:
    """Due on the chosen weekday from the chosen hour on (a bot that was down at that hour
    catches up later that day), once per day."""
    if weekday is None or hour is None:
        return False
    return (
        local_now.weekday() == weekday
        and local_now.hour >= hour
        and last_sent_for != local_now.date()
    )


async def monitored_places(
    session: AsyncSession, *, user_id: int, is_platform_admin: bool
) -> list[Municipality]:
    """Every municipality for a platform admin; the assigned ones for a consultant."""
    places = await list_municipalities(session)
    if is_platform_admin:
        return places
    allowed = {role.value for role in ACTIONS["monitoring.view"]}
    rows = (
        await session.exec(
            select(StaffRole.municipality_id).where(
                StaffRole.user_id == user_id, StaffRole.role.in_(allowed)
            )
        )
    ).all()
    assigned = set(rows)
    return [place for place in places if place.id in assigned]


def _delivery(language: str, delivery) -> str:
    return t(
        language,
        "mon-delivery",
        sent=delivery.sent,
        blocked=delivery.blocked,
        failed=delivery.failed,
        waiting=delivery.waiting,
    )


def _reports(language: str, reports: Reports) -> list[str]:
    """The reports line, once there are awards (each owes at least its final report)."""
    if not reports.total:
        return []
    return [
        t(
            language,
            "mon-reports",
            due=reports.due,
            overdue=reports.overdue,
            filed=reports.filed,
            accepted=reports.accepted,
        )
    ]


def place_text(place: Municipality, figures: PlaceFigures, language: str) -> str:
    return "\n".join(
        [
            f"<b>{_escape(place.name(language))}</b>",
            t(
                language,
                "mon-place-figures",
                subscribers=figures.subscribers,
                open=figures.calls_open,
                total=figures.calls_total,
                budget=money(figures.budget_open, language),
                submissions=figures.submissions,
            ),
            t(
                language,
                "mon-place-selection",
                admitted=figures.admitted,
                awards=figures.awards,
                awarded=money(figures.awarded, language),
                budget=money(figures.budget_total, language),
            ),
            *_reports(language, figures.reports),
            _delivery(language, figures.delivery),
        ]
    )


def call_text(call: CallFigures, zone: ZoneInfo, language: str) -> str:
    lines = [
        f"<b>{_escape(localized(call.title, language) or '…')}</b>",
        t(language, f"status-{call.status}"),
    ]
    if call.deadline_at is not None:
        lines.append(
            t(language, "mon-call-deadline", deadline=moment(call.deadline_at, zone), zone=zone.key)
        )
    if call.budget_total:
        lines.append(t(language, "mon-call-budget", budget=money(call.budget_total, language)))
    lines.append(
        t(language, "mon-call-submissions", submissions=call.submissions, drafts=call.drafts)
    )
    lines.append(
        t(
            language,
            "mon-call-selection",
            admitted=call.admitted,
            awards=call.awards,
            awarded=money(call.awarded, language),
            budget=money(call.budget_total or 0, language),
        )
    )
    lines += _reports(language, call.reports)
    lines.append(_delivery(language, call.delivery))
    return "\n".join(lines)


def _escape(text: str) -> str:
    import html

    return html.escape(text, quote=False)


async def overview_text(
    session: AsyncSession, places: list[Municipality], language: str, *, now: datetime
) -> str:
    figures = await place_figures(session, municipality_ids=[p.id for p in places], now=now)
    blocks = [place_text(place, figures[place.id], language) for place in places]
    return "\n\n".join([t(language, "mon-title"), *blocks])


REPORT_COLUMNS = (
    "mon-col-reports-due",
    "mon-col-reports-overdue",
    "mon-col-reports-filed",
    "mon-col-reports-accepted",
)
COLUMNS_PLACES = (
    "mon-col-municipality",
    "mon-col-subscribers",
    "mon-col-calls-open",
    "mon-col-calls",
    "mon-col-budget-open",
    "mon-col-submissions",
    "mon-col-admitted",
    "mon-col-awards",
    "mon-col-awarded",
    "mon-col-budget",
    *REPORT_COLUMNS,
    "mon-col-sent",
    "mon-col-blocked",
    "mon-col-failed",
)
COLUMNS_CALLS = (
    "mon-col-municipality",
    "mon-col-call",
    "mon-col-title",
    "mon-col-status",
    "mon-col-deadline",
    "mon-col-budget",
    "mon-col-submissions",
    "mon-col-drafts",
    "mon-col-admitted",
    "mon-col-awards",
    "mon-col-awarded",
    *REPORT_COLUMNS,
    "mon-col-sent",
    "mon-col-blocked",
    "mon-col-failed",
)


def _report_cells(reports: Reports) -> list[int]:
    return [reports.due, reports.overdue, reports.filed, reports.accepted]


async def overview_xlsx(
    session: AsyncSession, places: list[Municipality], language: str, *, now: datetime
) -> bytes:
    """The same figures as the overview: a sheet of municipalities and one of calls."""
    # Imported here: only this export needs it.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    figures = await place_figures(session, municipality_ids=[p.id for p in places], now=now)
    book = Workbook()
    sheet = book.active
    sheet.title = t(language, "mon-sheet-municipalities")[:31]
    sheet.append([t(language, key) for key in COLUMNS_PLACES])
    for place in places:
        row = figures[place.id]
        sheet.append(
            [
                place.name(language),
                row.subscribers,
                row.calls_open,
                row.calls_total,
                row.budget_open,
                row.submissions,
                row.admitted,
                row.awards,
                row.awarded,
                row.budget_total,
                *_report_cells(row.reports),
                row.delivery.sent,
                row.delivery.blocked,
                row.delivery.failed,
            ]
        )
    calls = book.create_sheet(t(language, "mon-sheet-calls")[:31])
    calls.append([t(language, key) for key in COLUMNS_CALLS])
    for place in places:
        zone = ZoneInfo(place.timezone)
        for call in await call_figures(session, municipality_id=place.id, now=now):
            calls.append(
                [
                    place.name(language),
                    call.competition_id,
                    localized(call.title, language),
                    t(language, f"status-{call.status}"),
                    # Local time as the municipality reads it; Excel has no time zones.
                    call.deadline_at.astimezone(zone).replace(tzinfo=None)
                    if call.deadline_at
                    else None,
                    call.budget_total,
                    call.submissions,
                    call.drafts,
                    call.admitted,
                    call.awards,
                    call.awarded,
                    *_report_cells(call.reports),
                    call.delivery.sent,
                    call.delivery.blocked,
                    call.delivery.failed,
                ]
            )
    for worksheet in (sheet, calls):
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# -- the weekly digest -----------------------------------------------------------------------


async def send_due_digests(db: Database, *, settings: Settings, now: datetime) -> int:
    """Queue the digest of every consultant (or platform admin) whose day and hour have come.
    Returns how many were queued."""
    zone = settings.zone
    local_now = now.astimezone(zone)
    queued = 0
    async with db.session() as session:
        for pref, user in await digest_preferences(session):
            if not digest_due(
                weekday=pref.weekday,
                hour=pref.hour,
                last_sent_for=pref.last_sent_for,
                local_now=local_now,
            ):
                continue
            is_admin = user.telegram_id in settings.platform_admin_ids
            places = await monitored_places(session, user_id=user.id, is_platform_admin=is_admin)
            pref.last_sent_for = local_now.date()
            session.add(pref)
            if not places:
                continue
            language = user.language or settings.default_language
            text = "\n\n".join(
                [
                    t(language, "mon-digest-title", day=local_now.strftime("%d.%m.%Y")),
                    (await overview_text(session, places, language, now=now)).split("\n\n", 1)[1],
                ]
            )
            if await enqueue(
                session,
                chat_id=user.telegram_id,
                user_id=user.id,
                dedupe_key=f"digest:u{user.id}:{local_now.date().isoformat()}",
                text=text,
            ):
                queued += 1
        await session.commit()
    if queued:
        log.info("Queued %s weekly digest(s)", queued)
    return queued


def schedule_digests(
    application: Application, db: Database, settings: Settings, *, clock: Callable = utcnow
) -> None:
    async def digests(context: ContextTypes.DEFAULT_TYPE) -> None:
        """Queue the weekly digests that are due."""
        await send_due_digests(db, settings=settings, now=clock())

    application.job_queue.run_repeating(
        digests, DIGEST_CHECK_SECONDS, first=DIGEST_CHECK_SECONDS, name="weekly-digests"
    )
