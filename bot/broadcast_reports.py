"""The final report of a broadcast: once none of its messages is waiting or in flight, the staff
member who started it gets the counts, once (the report is itself an outbox row, written in the
same transaction that marks the broadcast finished)."""

from __future__ import annotations

import logging

from sqlmodel import select
from telegram.ext import Application, ContextTypes

from bot.i18n import t
from storage.db import Database
from storage.models import Broadcast
from storage.queries.outbox import broadcast_counts, enqueue
from storage.queries.users import get_user
from storage.types import utcnow

log = logging.getLogger(__name__)


async def report_finished(db: Database, *, default_language: str) -> int:
    """Write the final report of every broadcast that has just finished; returns how many."""
    reported = 0
    async with db.session() as session:
        open_broadcasts = (
            await session.exec(select(Broadcast).where(Broadcast.finished_at.is_(None)))
        ).all()
        for broadcast in open_broadcasts:
            counts = await broadcast_counts(session, broadcast_id=broadcast.id)
            if counts["queued"] or counts["sending"]:
                continue
            broadcast.finished_at = utcnow()
            session.add(broadcast)
            if broadcast.report_chat_id is not None:
                staff = await get_user(session, telegram_id=broadcast.report_chat_id)
                language = (staff.language if staff else None) or default_language
                kind = t(language, f"broadcast-kind-{broadcast.kind}")
                await enqueue(
                    session,
                    chat_id=broadcast.report_chat_id,
                    user_id=staff.id if staff else None,
                    dedupe_key=f"report:b{broadcast.id}",
                    text=t(language, "broadcast-final", kind=kind, **counts),
                )
            reported += 1
        await session.commit()
    if reported:
        log.info("Reported %s finished broadcast(s)", reported)
    return reported


def schedule_reports(application: Application, db: Database, *, default_language: str) -> None:
    async def report(context: ContextTypes.DEFAULT_TYPE) -> None:
        """Tell staff the final counts of finished broadcasts."""
        await report_finished(db, default_language=default_language)

    application.job_queue.run_repeating(report, 2.0, first=2.0, name="broadcast-reports")
