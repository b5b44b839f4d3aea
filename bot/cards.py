"""The competition card: a call for proposals exactly as NCOs see it, in one language.

Used for the wizard's preview, the broadcast, deep links and amendments, so what staff preview
is what NCOs get."""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.formatting import day, localized, moment, money
from bot.i18n import t
from bot.rules import reporting
from storage.models import Competition, CompetitionAmendment, Municipality, Topic


def competition_card(
    competition: Competition,
    *,
    municipality: Municipality,
    topic: Topic | None,
    language: str,
    amendments: list[CompetitionAmendment] | None = None,
) -> str:
    zone = ZoneInfo(municipality.timezone)
    lines = [f"<b>{_escape(localized(competition.title, language)) or '…'}</b>"]
    place = municipality.name(language)
    lines.append(_escape(f"{place} · {topic.name(language)}" if topic else place))
    if competition.status == "cancelled":
        lines.append(t(language, "card-cancelled"))
    if competition.description:
        lines += ["", _escape(localized(competition.description, language))]
    lines.append("")
    if competition.budget_total:
        lines.append(t(language, "card-budget", total=money(competition.budget_total, language)))
    if competition.max_per_project and competition.projects_count:
        lines.append(
            t(
                language,
                "card-per-project",
                maximum=money(competition.max_per_project, language),
                count=competition.projects_count,
            )
        )
    if competition.deadline_at:
        lines.append(
            t(language, "card-deadline", when=moment(competition.deadline_at, zone), zone=zone.key)
        )
    if competition.period_start and competition.period_end:
        lines.append(
            t(
                language,
                "card-period",
                start=day(competition.period_start),
                end=day(competition.period_end),
            )
        )
    lines += _section(
        language,
        "card-eligibility",
        [localized(q["text"], language) for q in competition.eligibility],
    )
    lines += _section(
        language,
        "card-documents",
        [localized(d["name"], language) for d in competition.documents],
    )
    total_weight = sum(c["weight"] for c in competition.criteria) or 1
    lines += _section(
        language,
        "card-criteria",
        [
            f"{localized(c['name'], language)} — {round(100 * c['weight'] / total_weight)}%"
            for c in competition.criteria
        ],
    )
    if competition.reporting.get("kind") and competition.period_start:
        slots = reporting.schedule(
            competition.reporting, start=competition.period_start, end=competition.period_end
        )
        interim = [slot.due_on for slot in slots if slot.kind == reporting.PERIODIC]
        if interim and competition.reporting["kind"] in ("monthly", "quarterly", "dates"):
            lines.append(
                t(
                    language,
                    f"card-reporting-{competition.reporting['kind']}",
                    dates=", ".join(day(value) for value in interim),
                )
            )
        lines.append(
            t(
                language,
                "card-reporting-final",
                date=day(slots[-1].due_on),
                days=reporting.final_days(competition.reporting),
            )
        )
    moves = [a for a in amendments or [] if a.kind == "deadline"]
    if moves:
        lines.append("")
    for amendment in moves:
        old, new = (datetime.fromisoformat(value) for value in amendment.changes["deadline_at"])
        lines.append(
            t(
                language,
                "card-amended",
                version=amendment.version,
                old=moment(old, zone),
                new=moment(new, zone),
            )
        )
    return "\n".join(lines).strip()


def _section(language: str, key: str, items: list[str]) -> list[str]:
    if not items:
        return []
    return ["", t(language, key), *[f"• {_escape(item)}" for item in items]]


def _escape(text: str) -> str:
    return html.escape(text, quote=False)
