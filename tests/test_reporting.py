"""The reporting cycle on a real database (SQLite and PostgreSQL) with an injected clock: the
report-due rows an award creates, filing, review, extensions and their audit trail."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot import selection
from bot.rules.validation import Invalid
from storage.db import Database
from storage.models import Award, Competition, ReportDue
from tests.reporting_flows import decided_call, reports_of

BISHKEK = ZoneInfo("Asia/Bishkek")


def local(moment: datetime) -> datetime:
    return moment.astimezone(BISHKEK)


async def test_an_award_creates_its_reports_with_it(seeded_database: Database) -> None:
    db = seeded_database
    start = date.today() + timedelta(days=20)
    start = date(start.year + 1, 1, 1)  # a whole year ahead: month ends are predictable
    scene = await decided_call(
        db,
        reporting={"kind": "quarterly", "final_days": 15},
        period=(start, date(start.year, 9, 30)),
        winners=2,
    )
    assert len(scene.awards) == 2
    for award in scene.awards:
        found = await reports_of(db, award_id=award.id)
        assert [(r.number, r.kind, local(r.due_at).date()) for r in found] == [
            (1, "periodic", date(start.year, 3, 31)),
            (2, "periodic", date(start.year, 6, 30)),
            (3, "final", date(start.year, 10, 15)),
        ]
        assert {local(r.due_at).hour for r in found} == {18}
        assert {r.status for r in found} == {"due"}
        assert {r.competition_id for r in found} == {scene.call.id}
        assert found[-1].period_start == award.contract_start == start
        assert found[-1].period_end == award.contract_end == date(start.year, 9, 30)


async def test_a_refused_second_publication_leaves_no_extra_reports(
    seeded_database: Database,
) -> None:
    db = seeded_database
    scene = await decided_call(db, reporting={"kind": "monthly"})
    before = await reports_of(db)
    assert len(before) >= 2
    async with db.session() as session:
        call = await session.get(Competition, scene.call.id)
        with pytest.raises(Invalid) as refused:
            await selection.publish_decision(
                session,
                call=call,
                by_user_id=scene.staff_user_id,
                now=datetime.now(UTC),
                default_language="en",
            )
    assert refused.value.key == "sel-already-decided"
    assert [r.id for r in await reports_of(db)] == [r.id for r in before]
    async with db.session() as session:
        assert len((await session.exec(select(Award))).all()) == 1
        assert len((await session.exec(select(ReportDue))).all()) == len(before)
