"""The call's workbook for the municipality's files: applications with their answers and
checklist, the scores per member and criterion, the ranking and the decisions; headers in the
staff member's language. Built with openpyxl in write-only mode (rows streamed to disk)."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from bot.exports.data import CallExport
from bot.formatting import localized
from bot.i18n import t
from bot.rules.application import FORM_FIELDS

BOLD = Font(bold=True)


def _header(sheet, labels: list[str]) -> None:
    cells = []
    for label in labels:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = BOLD
        cells.append(cell)
    sheet.append(cells)


def _clean(value: object) -> object:
    """Text that a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def build_xlsx(data: CallExport, language: str, path: Path) -> Path:
    """Write the workbook to `path` and return it."""
    zone = ZoneInfo(data.timezone)
    book = Workbook(write_only=True)

    def yes_no(value: bool | None) -> str:
        if value is None:
            return ""
        return t(language, "exp-yes") if value else t(language, "exp-no")

    submissions = book.create_sheet(t(language, "exp-sheet-submissions")[:31])
    _header(
        submissions,
        [
            t(language, "exp-col-reference"),
            t(language, "exp-col-organization"),
            t(language, "exp-col-submitted"),
            *[t(language, f"apply-field-{field}") for field in FORM_FIELDS],
            t(language, "exp-col-checklist"),
            t(language, "exp-col-documents"),
            t(language, "exp-col-admitted"),
            t(language, "exp-col-reason"),
        ],
    )
    for row in data.submissions:
        submitted = (
            row.submitted_at.astimezone(zone).replace(tzinfo=None) if row.submitted_at else None
        )
        submissions.append(
            [
                row.reference,
                _clean(row.organization),
                submitted,
                *[_clean(row.answers.get(field)) for field in FORM_FIELDS],
                "; ".join(t(language, problem).lstrip("• ") for problem in row.problems)
                or t(language, "exp-complete"),
                len(row.documents),
                yes_no(row.admitted),
                _clean(row.admissibility_reason or ""),
            ]
        )

    scores = book.create_sheet(t(language, "exp-sheet-scores")[:31])
    _header(
        scores,
        [
            t(language, "exp-col-reference"),
            t(language, "exp-col-member"),
            t(language, "exp-col-criterion"),
            t(language, "exp-col-weight"),
            t(language, "exp-col-score"),
            t(language, "exp-col-comment"),
        ],
    )
    for row in data.submissions:
        for member, sheet in row.scores.items():
            for criterion in data.criteria:
                key = criterion["key"]
                scores.append(
                    [
                        row.reference,
                        member,
                        localized(criterion.get("name", {}), language) or key,
                        criterion.get("weight", 1),
                        sheet.get(key),
                        _clean(row.comments.get(member, {}).get(key, "")),
                    ]
                )
        for member in row.recused:
            scores.append([row.reference, member, t(language, "exp-recused"), None, None, ""])

    ranking = book.create_sheet(t(language, "exp-sheet-ranking")[:31])
    _header(
        ranking,
        [
            t(language, "exp-col-position"),
            t(language, "exp-col-reference"),
            t(language, "exp-col-organization"),
            t(language, "exp-col-score"),
            t(language, "exp-col-requested"),
            t(language, "exp-col-cumulative"),
            t(language, "exp-col-within"),
            t(language, "exp-col-outcome"),
            t(language, "exp-col-amount"),
            t(language, "exp-col-reason"),
        ],
    )
    for row in data.submissions:
        if row.position is None:
            continue
        ranking.append(
            [
                row.position,
                row.reference,
                _clean(row.organization),
                row.score,
                row.requested,
                row.cumulative,
                yes_no(row.within_budget),
                t(language, f"exp-outcome-{row.outcome}") if row.outcome else "",
                row.amount,
                _clean(row.reason or ""),
            ]
        )
    book.save(path)
    return path
