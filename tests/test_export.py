"""The exports open and say what the database says: the XLSX with openpyxl (headers in the
staff member's language), the ZIP's manifest against its files, the OCDS release package
against the OCDS 1.1 schema (offline), the awards CSV; and no personal data in open data."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from bot import selection
from bot.exports import export_call
from bot.exports.archive import MANIFEST, MANIFEST_COLUMNS
from bot.exports.ocds import AWARDS_CSV_COLUMNS
from bot.i18n import t
from bot.rules.application import FORM_FIELDS
from storage.db import Database
from storage.files import FileStore
from storage.models import Competition, Submission, User
from storage.types import utcnow
from tests.selection_flows import applicant, closed_call, pdf, role, store_file

SCHEMA_DIR = Path(__file__).parent / "data" / "ocds-1.1"
RELEASE_SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"


def ocds_validator() -> Draft4Validator:
    package = json.loads((SCHEMA_DIR / "release-package-schema.json").read_text())
    release = json.loads((SCHEMA_DIR / "release-schema.json").read_text())
    registry = Registry().with_resource(
        RELEASE_SCHEMA_URL, Resource.from_contents(release, default_specification=DRAFT4)
    )
    return Draft4Validator(package, registry=registry)


async def decided_call(db: Database, store_root: Path) -> tuple[Competition, list]:
    """Three applications (one not admitted), two members (one recusal), two winners."""
    call = await closed_call(db)
    people = []
    for number, requested in ((1, 200_000), (2, 150_000), (3, 100_000)):
        data_a, data_b = pdf(10 * number), pdf(10 * number + 1)
        store_file(store_root, data_a)
        if number != 2:  # applicant 2's budget file is gone from the store
            store_file(store_root, data_b)
        people.append(
            await applicant(
                db,
                call,
                telegram_id=91_000 + number,
                language="ru",
                number=number,
                requested=requested,
                documents=[("application_form", f"f{number}a", data_a), ("budget", "x", data_b)],
                name=f'=HYPERLINK("x") NCO {number}' if number == 3 else None,
            )
        )
    staff = await role(db, 91_100, "karakol", "staff")
    members = [await role(db, 91_200 + i, "karakol", "commission") for i in range(2)]
    now = utcnow()
    async with db.session() as session:
        call = await session.get(Competition, call.id)
        for person in people:
            submission = await session.get(Submission, person.submission_id)
            await selection.decide_admissibility(
                session,
                call=call,
                submission=submission,
                admitted=person is not people[2],
                reason="Late papers" if person is people[2] else None,
                by_user_id=staff,
                now=now,
                default_language="ru",
            )
        for member in members:
            await selection.toggle_member(
                session, call=call, member_user_id=member, by_user_id=staff, now=now
            )
        for index, member in enumerate(members):
            for person in people[:2]:
                recuse = index == 1 and person is people[1]
                await selection.declare(
                    session,
                    call=call,
                    submission_id=person.submission_id,
                    user_id=member,
                    recuse=recuse,
                    now=now,
                )
                if recuse:
                    continue
                for key, value in (("relevance", 8 + index), ("capacity", 4)):
                    await selection.score(
                        session,
                        call=call,
                        submission_id=person.submission_id,
                        user_id=member,
                        criterion_key=key,
                        text=f"{value} fine work",
                        now=now,
                    )
            await selection.submit_sheet(session, call=call, user_id=member, now=now)
        for person, amount in ((people[0], "200000"), (people[1], "150000")):
            await selection.record_outcome(
                session,
                call=call,
                submission_id=person.submission_id,
                outcome="winner",
                amount_text=amount,
                by_user_id=staff,
                now=now,
            )
        await selection.publish_decision(
            session, call=call, by_user_id=staff, now=now, default_language="ru"
        )
        call = await session.get(Competition, call.id)
    return call, people


@pytest.mark.parametrize("language", ["ru", "en"])
async def test_the_workbook_opens_with_headers_in_the_staff_language(
    database: Database, tmp_path: Path, language: str
) -> None:
    await _seed(database)
    call, people = await decided_call(database, tmp_path / "files")
    files = await export_call(
        database,
        call,
        ("xlsx",),
        tmp_path / "out",
        language=language,
        store=FileStore(tmp_path / "files"),
    )
    book = openpyxl.load_workbook(files[0].path)
    assert book.sheetnames == [
        t(language, "exp-sheet-submissions"),
        t(language, "exp-sheet-scores"),
        t(language, "exp-sheet-ranking"),
    ]
    rows = list(book[t(language, "exp-sheet-submissions")].iter_rows(values_only=True))
    assert rows[0][:3] == (
        t(language, "exp-col-reference"),
        t(language, "exp-col-organization"),
        t(language, "exp-col-submitted"),
    )
    assert rows[0][3 : 3 + len(FORM_FIELDS)] == tuple(
        t(language, f"apply-field-{field}") for field in FORM_FIELDS
    )
    by_reference = {row[0]: row for row in rows[1:]}
    assert set(by_reference) == {person.reference for person in people}
    # A name that looks like a formula is kept as text, never run.
    assert by_reference[people[2].reference][1].startswith("'=HYPERLINK")
    assert by_reference[people[2].reference][-2:] == (t(language, "exp-no"), "Late papers")

    scores = list(book[t(language, "exp-sheet-scores")].iter_rows(values_only=True))
    # Two members x two criteria on the first; one member x two + one recusal on the second.
    assert len(scores) - 1 == 4 + 2 + 1
    assert (people[1].reference, "#91201", t(language, "exp-recused"), None, None, None) in scores
    assert (
        people[0].reference,
        "#91201",
        "Relevance" if language == "en" else "Актуальность",
        60,
        9,
        "fine work",
    ) in scores

    ranking = list(book[t(language, "exp-sheet-ranking")].iter_rows(values_only=True))
    assert [row[1] for row in ranking[1:]] == [people[0].reference, people[1].reference]
    # First: relevance (8+9)/2 = 8.5 -> 51, capacity 4/5 -> 32: 83.0; second: 48 + 32 = 80.0
    assert [row[3] for row in ranking[1:]] == [83.0, 80.0]
    assert [row[8] for row in ranking[1:]] == [200_000, 150_000]
    assert ranking[1][7] == t(language, "exp-outcome-winner")


async def test_the_zip_manifest_matches_its_files(database: Database, tmp_path: Path) -> None:
    await _seed(database)
    call, people = await decided_call(database, tmp_path / "files")
    files = await export_call(
        database,
        call,
        ("zip",),
        tmp_path / "out",
        language="en",
        store=FileStore(tmp_path / "files"),
    )
    with zipfile.ZipFile(files[0].path) as archive:
        assert archive.testzip() is None
        manifest = list(csv.DictReader(io.StringIO(archive.read(MANIFEST).decode())))
        names = set(archive.namelist()) - {MANIFEST}
        included = [row for row in manifest if row["status"] == "included"]
        for row in included:
            content = archive.read(row["path"])
            assert hashlib.sha256(content).hexdigest() == row["sha256"]
            assert len(content) == int(row["size"])
            assert row["type"] == "application/pdf"
    assert list(manifest[0]) == list(MANIFEST_COLUMNS)
    assert names == {row["path"] for row in included}  # nothing unlisted, nothing extra
    assert len(manifest) == 6  # three applications, two files each
    missing = [row for row in manifest if row["status"] == "missing"]
    assert [row["path"].split("/")[0] for row in missing] == [people[1].reference]
    assert {row["path"].split("/")[0] for row in included} == {p.reference for p in people}
    expected = hashlib.sha256(pdf(10)).hexdigest()
    assert any(row["sha256"] == expected for row in included)


async def test_open_data_is_valid_ocds_without_personal_data(
    database: Database, tmp_path: Path
) -> None:
    await _seed(database)
    call, _ = await decided_call(database, tmp_path / "files")
    files = await export_call(
        database,
        call,
        ("ocds", "csv"),
        tmp_path / "out",
        language="en",
        store=FileStore(tmp_path / "files"),
        now=datetime(2026, 6, 1, 9, 0, tzinfo=UTC),
    )
    text = files[0].path.read_text(encoding="utf-8")
    package = json.loads(text)
    errors = sorted(ocds_validator().iter_errors(package), key=lambda e: list(e.path))
    assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors]
    # The validator itself refuses a broken package (so the check above can fail).
    broken = json.loads(text)
    broken["releases"][0]["tender"]["status"] = "finished"
    assert list(ocds_validator().iter_errors(broken))

    (release,) = package["releases"]
    assert release["ocid"] == f"ocds-sspkg1-karakol-{call.id}"
    assert release["tag"] == ["tender", "award", "contract"]
    assert release["tender"]["numberOfTenderers"] == 3
    assert release["tender"]["status"] == "complete"
    assert release["tender"]["value"] == {"amount": 400_000, "currency": "KGS"}
    assert sorted(a["value"]["amount"] for a in release["awards"]) == [150_000, 200_000]
    assert {c["awardID"] for c in release["contracts"]} == {a["id"] for a in release["awards"]}

    rows = list(csv.DictReader(io.StringIO(files[1].path.read_text(encoding="utf-8"))))
    assert list(rows[0]) == list(AWARDS_CSV_COLUMNS)
    assert sorted(int(row["Amount Awarded"]) for row in rows) == [150_000, 200_000]
    assert {row["Recipient Org:Identifier"] for row in rows} == {
        "KG-INN-00000000000001",
        "KG-INN-00000000000002",
    }

    # No people: phones, e-mails, Telegram ids, the applicant not funded, the commission.
    async with database.session() as session:
        from sqlmodel import select

        telegram_ids = [str(u.telegram_id) for u in (await session.exec(select(User))).all()]
    for content in (text, files[1].path.read_text(encoding="utf-8")):
        for secret in ("+99670000", "@example.org", "HYPERLINK", "fine work", *telegram_ids):
            assert secret not in content, secret


async def _seed(db: Database) -> None:
    from bot.seed import DEFAULT_SEED_FILE, apply_seed, read_seed_file

    async with db.session() as session:
        await apply_seed(session, read_seed_file(DEFAULT_SEED_FILE))


async def test_the_command_line_writes_every_export(
    database: Database, database_url: str, tmp_path: Path
) -> None:
    import asyncio

    from tests.test_cli import run_cli

    await _seed(database)
    call, people = await decided_call(database, tmp_path / "files")
    env = {
        "DATABASE_URL": database_url,
        "FILE_STORE_DIR": str(tmp_path / "files"),
        "LOG_LEVEL": "WARNING",
    }
    out = tmp_path / "exports"
    result = await asyncio.to_thread(
        run_cli,
        "export",
        "--call",
        str(call.id),
        "--out",
        str(out),
        "--language",
        "en",
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    names = sorted(Path(line).name for line in result.stdout.split())
    assert names == sorted(
        f"call-karakol-{call.id}{suffix}"
        for suffix in (".xlsx", "-documents.zip", "-ocds.json", "-awards-360giving.csv")
    )
    book = openpyxl.load_workbook(out / f"call-karakol-{call.id}.xlsx")
    assert book.sheetnames[0] == t("en", "exp-sheet-submissions")
    assert len(list(book.worksheets[0].iter_rows())) == 1 + len(people)

    # Another municipality's slug, or a call that does not exist: one sentence, no files.
    refused = await asyncio.to_thread(
        run_cli,
        "export",
        "--call",
        str(call.id),
        "--municipality",
        "batken",
        "--out",
        str(tmp_path / "no"),
        cwd=tmp_path,
        env=env,
    )
    assert refused.returncode == 2
    assert refused.stderr.startswith("ssp-bot: call ") and "another municipality" in refused.stderr
    missing = await asyncio.to_thread(
        run_cli, "export", "--call", "999999", "--out", str(tmp_path / "no"), cwd=tmp_path, env=env
    )
    assert (missing.returncode, missing.stderr) == (
        2,
        "ssp-bot: no published call with id 999999.\n",
    )
    assert not (tmp_path / "no").exists()
