"""Exports of a call: the XLSX workbook, the ZIP of documents, and open data (OCDS JSON and a
360Giving-style CSV). `export_call` reads the data from the database and builds the
files in a separate process, so the bot keeps answering other users while an export runs."""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.exports.archive import build_zip
from bot.exports.data import CallExport, gather
from bot.exports.ocds import awards_csv, release_package
from bot.exports.xlsx import build_xlsx
from storage.db import Database
from storage.files import FileStore
from storage.models import Competition

KINDS = ("xlsx", "zip", "ocds", "csv")
# How much lower than the bot the export process runs: a replying bot beats a spreadsheet.
EXPORT_NICENESS = 10


@dataclass(frozen=True)
class ExportFile:
    kind: str
    path: Path
    filename: str


def file_stem(data: CallExport) -> str:
    return f"call-{data.municipality_slug}-{data.id}"


def build(
    data: CallExport, kind: str, folder: Path, *, language: str, store: FileStore, now: datetime
) -> ExportFile:
    """Write one export into `folder` (blocking: run it in a thread)."""
    stem = file_stem(data)
    if kind == "xlsx":
        name = f"{stem}.xlsx"
        build_xlsx(data, language, folder / name)
    elif kind == "zip":
        name = f"{stem}-documents.zip"
        build_zip(data, store, folder / name)
    elif kind == "ocds":
        name = f"{stem}-ocds.json"
        package = release_package(data, now=now)
        (folder / name).write_text(
            json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8"
        )
    elif kind == "csv":
        name = f"{stem}-awards-360giving.csv"
        (folder / name).write_text(awards_csv(data), encoding="utf-8")
    else:
        raise ValueError(f"unknown export {kind!r}")
    return ExportFile(kind, folder / name, name)


def _lower_priority() -> None:
    """The export process yields the CPU to the bot (Linux/macOS nice; elsewhere nothing)."""
    with contextlib.suppress(AttributeError, OSError):
        os.nice(EXPORT_NICENESS)


def _gather_and_build(
    database_url: str,
    call_id: int,
    kinds: tuple[str, ...],
    folder: Path,
    language: str,
    store_root: Path,
    now: datetime,
) -> list[ExportFile]:
    """In the export process: read the call with a connection of its own, build the files."""

    async def read() -> CallExport:
        db = Database(database_url)
        try:
            async with db.session() as session:
                call = await session.get(Competition, call_id)
                return await gather(session, call=call)
        finally:
            await db.dispose()

    data = asyncio.run(read())
    folder.mkdir(parents=True, exist_ok=True)
    store = FileStore(store_root)
    return [build(data, kind, folder, language=language, store=store, now=now) for kind in kinds]


async def export_call(
    db: Database,
    call: Competition,
    kinds: tuple[str, ...],
    folder: Path,
    *,
    language: str,
    store: FileStore,
    now: datetime | None = None,
) -> list[ExportFile]:
    """Read the call and build each export in a separate process; returns the files written.

    A process, not a thread: reading 500 applications through the ORM and writing a workbook is
    Python work that holds the GIL, and in a thread it made the bot's other replies wait (p99
    421 ms in benchmarks/export.py); in a process the event loop only waits for the result."""
    loop = asyncio.get_running_loop()
    pool = ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_lower_priority,
    )
    try:
        return await loop.run_in_executor(
            pool,
            _gather_and_build,
            db.url,
            call.id,
            tuple(kinds),
            folder,
            language,
            store.root,
            now or datetime.now(UTC),
        )
    finally:
        pool.shutdown(wait=False)
