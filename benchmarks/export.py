"""Exports of a large call while the bot keeps answering (issue 6, "Performance").

    python -m benchmarks.export --submissions 500 --documents-per-submission 4
    python -m benchmarks.export --submissions 500 --documents-per-submission 4 \\
        --database-url postgresql://postgres@127.0.0.1:5432/test

The database is prepared first, directly (not through the bot): the shipped municipalities, one
decided call in Karakol with `--submissions` submitted applications (each with its organization,
the seven answers, an admissibility row), `--documents-per-submission` files per application
(`--document-kb` kilobytes each of random, incompressible bytes: half PDF, a quarter JPEG, a
quarter DOCX by name and type) stored in a file store, three commission members who scored every
application on two criteria, and the top ones awarded. SQLite is a fresh file in a temporary
directory; for PostgreSQL a private database is created beside --database-url and dropped after.

Then the real bot (bot.runner.running_bot) runs in this process against the stand-in, and while
the XLSX, the ZIP and the OCDS JSON are built one after the other with the same function the bot
uses (bot.exports.export_call: the data read and the files built in a separate, lower-priority
process; each export's seconds include starting that process),
another user sends /help again and again: `p99_ms_during_export` is that user's time from
sending to receiving the reply (through the stand-in's control API, over HTTP). `p99_ms_idle` is
the same measured before the exports, for comparison. `peak_rss_mb` is the larger of this
process's peak resident memory (the bot, the stand-in and the harness together;
`peak_rss_mb_bot`) and the export process's (`peak_rss_mb_export_process`).

The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import platform
import resource
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storage.db import Database, is_sqlite, sync_database_url

TOKEN = "123456789:BENCH-export-token"  # noqa: S105 (the stand-in takes any token of this shape)
PROBE_USER = 730_000_001
KINDS = (
    ("pdf", "application/pdf", b"%PDF-1.4\n"),
    ("pdf", "application/pdf", b"%PDF-1.4\n"),
    ("jpeg", "image/jpeg", b"\xff\xd8\xff\xe0"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
    ),
)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory (Linux reports ru_maxrss in kilobytes); for RUSAGE_CHILDREN, that of
    the largest child process that has ended (here: the export processes)."""
    return resource.getrusage(who).ru_maxrss / 1024


async def prepare(db: Database, store_root: Path, args: argparse.Namespace) -> int:
    """The decided call with its applications, documents, reviews and awards; returns its id."""
    from bot.seed import DEFAULT_SEED_FILE, apply_seed, read_seed_file
    from storage.files import FileStore
    from storage.migrate import upgrade_database
    from storage.models import (
        Admissibility,
        Award,
        CommissionAssignment,
        Competition,
        Member,
        Organization,
        Outcome,
        Review,
        StaffRole,
        Submission,
        SubmissionDocument,
        User,
    )
    from storage.queries.places import get_municipality, list_topics
    from storage.types import utcnow

    await upgrade_database(db)
    store = FileStore(store_root)
    now = utcnow()
    async with db.session() as session:
        await apply_seed(session, read_seed_file(DEFAULT_SEED_FILE))
        place = await get_municipality(session, slug="karakol")
        topic = (await list_topics(session, municipality_id=place.id))[0]
        start = (now + timedelta(days=10)).date()
        call = Competition(
            municipality_id=place.id,
            topic_id=topic.id,
            status="decided",
            title={"en": "Youth centres", "ru": "Молодёжные центры", "ky": "Жаштар борборлору"},
            description={"en": "Youth centres in every district."},
            budget_total=100_000 * args.submissions,
            max_per_project=300_000,
            projects_count=args.submissions // 4 or 1,
            deadline_at=now - timedelta(days=10),
            period_start=start,
            period_end=start + timedelta(days=180),
            reporting={"kind": "quarterly"},
            documents=[
                {"key": f"doc{i}", "name": {"en": f"Document {i}"}, "required": True}
                for i in range(args.documents_per_submission)
            ],
            criteria=[
                {"key": "relevance", "name": {"en": "Relevance"}, "weight": 60},
                {"key": "capacity", "name": {"en": "Capacity"}, "weight": 40, "max": 5},
            ],
            published_at=now - timedelta(days=40),
        )
        session.add(call)
        members = [User(telegram_id=740_000_000 + i, language="en") for i in range(3)]
        session.add_all(members)
        await session.flush()
        for member in members:
            session.add(StaffRole(user_id=member.id, municipality_id=place.id, role="commission"))
            session.add(
                CommissionAssignment(
                    competition_id=call.id, user_id=member.id, sheet_submitted_at=now
                )
            )
        size = args.document_kb * 1024
        for number in range(1, args.submissions + 1):
            user = User(telegram_id=750_000_000 + number, language="ru", consent_at=now)
            organization = Organization(
                name=f"Public foundation number {number}",
                legal_form="public_foundation",
                inn=f"{number:014d}",
                municipality_id=place.id,
                phone=f"+996700{number:06d}",
                description="An organization working with young people in Karakol.",
            )
            session.add_all([user, organization])
            await session.flush()
            session.add(Member(user_id=user.id, organization_id=organization.id))
            requested = 100_000 + (number * 7919) % 150_000
            submission = Submission(
                competition_id=call.id,
                organization_id=organization.id,
                status="submitted",
                answers={
                    "project_title": f"Youth centre {number}",
                    "summary": "Clubs, sports and support for teenagers in the district. " * 4,
                    "target_group": "Teenagers aged 12-18",
                    "beneficiaries": 50 + number % 300,
                    "requested_amount": requested,
                    "duration_months": 6,
                    "co_financing": 0,
                },
                reference=f"KRK-2026-{number:04d}",
                submitted_at=now - timedelta(days=11),
            )
            session.add(submission)
            await session.flush()
            session.add(Admissibility(submission_id=submission.id, admitted=True, decided_at=now))
            for index in range(args.documents_per_submission):
                kind, mime, magic = KINDS[index % len(KINDS)]
                data = magic + os.urandom(max(size - len(magic), 0))
                digest = hashlib.sha256(data).hexdigest()
                store.save(data, digest, "jpg" if kind == "jpeg" else kind)
                session.add(
                    SubmissionDocument(
                        submission_id=submission.id,
                        requirement=f"doc{index}",
                        telegram_file_id=f"bench-{number}-{index}",
                        telegram_file_unique_id=f"u-{number}-{index}",
                        file_name=f"document-{index}.{'jpg' if kind == 'jpeg' else kind}",
                        kind=kind,
                        mime_type=mime,
                        size=len(data),
                        sha256=digest,
                    )
                )
            for offset, member in enumerate(members):
                session.add(
                    Review(
                        competition_id=call.id,
                        submission_id=submission.id,
                        member_user_id=member.id,
                        conflict="none",
                        scores={
                            "relevance": (number + offset) % 11,
                            "capacity": (number * 3 + offset) % 6,
                        },
                        comments={"relevance": "Clear need, realistic plan."},
                    )
                )
            if number % 4 == 0:
                session.add(
                    Outcome(
                        competition_id=call.id,
                        submission_id=submission.id,
                        outcome="winner",
                        amount=requested,
                    )
                )
                session.add(
                    Award(
                        competition_id=call.id,
                        submission_id=submission.id,
                        organization_id=organization.id,
                        amount=requested,
                        contract_start=start,
                        contract_end=start + timedelta(days=180),
                        reporting={"kind": "quarterly"},
                    )
                )
            if number % 100 == 0:
                await session.commit()
        await session.commit()
        return call.id


async def probe(user, latencies: list[float], stop: asyncio.Event) -> None:
    """Send /help, wait for the answer, record the time; again until told to stop."""
    while not stop.is_set():
        started = time.perf_counter()
        await user.send("/help")
        await user.next_reply(timeout=30)
        latencies.append((time.perf_counter() - started) * 1000)
        await asyncio.sleep(0.02)


async def run(args: argparse.Namespace, database_url: str, folder: Path) -> dict:
    from bot.exports import export_call
    from bot.runner import running_bot
    from bot.settings import Settings
    from sandbox import SandboxClient, StandIn
    from storage.files import FileStore
    from storage.models import Competition

    store_root = folder / "files"
    db = Database(database_url)
    started = time.perf_counter()
    call_id = await prepare(db, store_root, args)
    prepare_s = time.perf_counter() - started
    async with db.session() as session:
        call = await session.get(Competition, call_id)

    async with StandIn(seed=1) as standin, SandboxClient(standin.url) as sandbox:
        settings = Settings(
            bot_token=TOKEN,
            database_url=database_url,
            file_store_dir=store_root,
            bot_api_base_url=standin.url,
            polling_timeout=1,
            # The probe asks far faster than a person: the per-user flood limit is not measured.
            flood_burst=1_000_000,
            _env_file=None,
        )
        async with running_bot(settings):
            user = sandbox.user(PROBE_USER, first_name="Probe", language_code="en")
            idle: list[float] = []
            stop = asyncio.Event()
            for _ in range(3):  # warm up: the first replies open connections
                await user.send("/help")
                await user.next_reply(timeout=30)
            task = asyncio.create_task(probe(user, idle, stop))
            await asyncio.sleep(args.idle_seconds)
            stop.set()
            await task

            during: list[float] = []
            stop = asyncio.Event()
            task = asyncio.create_task(probe(user, during, stop))
            seconds: dict[str, float] = {}
            sizes: dict[str, int] = {}
            for kind in ("xlsx", "zip", "ocds"):
                begun = time.perf_counter()
                files = await export_call(
                    db,
                    call,
                    (kind,),
                    folder / "out",
                    language=args.language,
                    store=FileStore(store_root),
                )
                seconds[kind] = time.perf_counter() - begun
                sizes[kind] = files[0].path.stat().st_size
            stop.set()
            await task
    await db.dispose()
    return {
        "submissions": args.submissions,
        "documents": args.submissions * args.documents_per_submission,
        "document_kb": args.document_kb,
        "database": "sqlite" if is_sqlite(database_url) else "postgresql",
        "prepare_s": round(prepare_s, 1),
        "seconds_xlsx": round(seconds["xlsx"], 2),
        "seconds_zip": round(seconds["zip"], 2),
        "seconds_ocds": round(seconds["ocds"], 2),
        "mb_xlsx": round(sizes["xlsx"] / 2**20, 1),
        "mb_zip": round(sizes["zip"] / 2**20, 1),
        "mb_ocds": round(sizes["ocds"] / 2**20, 2),
        "probes_idle": len(idle),
        "p50_ms_idle": round(percentile(idle, 0.5), 1),
        "p99_ms_idle": round(percentile(idle, 0.99), 1),
        "probes_during_export": len(during),
        "p50_ms_during_export": round(percentile(during, 0.5), 1),
        "p99_ms_during_export": round(percentile(during, 0.99), 1),
        "max_ms_during_export": round(max(during, default=0.0), 1),
        "peak_rss_mb": round(max(peak_rss_mb(), peak_rss_mb(resource.RUSAGE_CHILDREN)), 1),
        "peak_rss_mb_bot": round(peak_rss_mb(), 1),
        "peak_rss_mb_export_process": round(peak_rss_mb(resource.RUSAGE_CHILDREN), 1),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--submissions", type=int, default=500)
    parser.add_argument("--documents-per-submission", type=int, default=4)
    parser.add_argument("--document-kb", type=int, default=64)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--language", default="en")
    parser.add_argument("--idle-seconds", type=float, default=3.0)
    args = parser.parse_args()

    import logging

    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="ssp-bench-export-") as tmp:
        folder = Path(tmp)
        if args.database_url and not is_sqlite(args.database_url):
            name = f"ssp_bench_{uuid.uuid4().hex[:10]}"
            admin = create_engine(
                sync_database_url(args.database_url), isolation_level="AUTOCOMMIT"
            )
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            url = (
                make_url(args.database_url).set(database=name).render_as_string(hide_password=False)
            )
            try:
                result = asyncio.run(run(args, url, folder))
            finally:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
        else:
            url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
            result = asyncio.run(run(args, url, folder))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
