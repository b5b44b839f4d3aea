"""Backups, restores and moving the data from SQLite to PostgreSQL.

`ssp-bot backup [--to DIR]` writes one file, `ssp-backup-<UTC time>.tar.gz`, holding:
- `database.sqlite3`: a consistent snapshot made with SQLite's online backup API, safe while the
  bot runs (it copies the pages of one point in time; writers are not stopped), or, for
  PostgreSQL, `database.pgdump`: `pg_dump --format=custom` (a consistent snapshot too);
- `files/`: the file store (uploaded documents). Files are content-addressed and written before
  the rows that name them are committed, and the database is snapshotted first, so every file
  the snapshot refers to is in the copy;
- `manifest.json`: when, which engine, the schema revision, and the files with their sizes.

`ssp-bot restore ARCHIVE` brings a backup back into the configured database and file store. It
refuses to overwrite a database that has data unless `--force` is given. For PostgreSQL it runs
`pg_restore --clean --if-exists --no-owner`.

`ssp-bot copy-db --from URL --to URL` copies every table from one database to another (SQLite to
PostgreSQL, say) through SQLAlchemy: the target is migrated to the current schema first and must
be empty; the source must be at the current schema (`ssp-bot migrate` it first). PostgreSQL's id
sequences are moved past the copied ids.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

import storage.models  # noqa: F401 (registers every table on SQLModel.metadata)
from storage.db import Database, async_database_url, is_sqlite
from storage.migrate import head_revision, upgrade_database

MANIFEST = "manifest.json"
SQLITE_NAME = "database.sqlite3"
PG_NAME = "database.pgdump"
COPY_BATCH = 500


class BackupError(Exception):
    """A backup, restore or copy that cannot be done, phrased for the operator."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    engine: str
    revision: str | None
    files: int
    bytes: int


def _sqlite_path(url: str) -> Path:
    database = make_url(async_database_url(url)).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _libpq_url(url: str) -> str:
    """The URL as pg_dump and pg_restore take it (no SQLAlchemy driver name)."""
    return make_url(async_database_url(url)).set(drivername="postgresql").render_as_string(False)


def _sqlite_snapshot(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy while others keep writing."""
    if not source.is_file():
        raise BackupError(f"no SQLite database at {source}")
    with sqlite3.connect(source, timeout=30) as src, sqlite3.connect(target) as dst:
        src.backup(dst, pages=1024)
    dst.close()
    src.close()


def _revision_of_sqlite(path: Path) -> str | None:
    with sqlite3.connect(path) as connection:
        try:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:
            return None
    connection.close()
    return row[0] if row else None


def _run(command: list[str], what: str) -> None:
    tool = command[0]
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed; {what} needs the PostgreSQL client tools")
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        # pg tools do not print passwords; the URL is not echoed back either.
        raise BackupError(f"{tool} failed: {result.stderr.strip()[:500]}")


def _file_list(root: Path) -> list[dict]:
    if not root.is_dir():
        return []
    return [
        {"path": str(path.relative_to(root)), "size": path.stat().st_size}
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    ]


def backup(database_url: str, file_store: Path, destination: Path) -> BackupReport:
    """Write a backup archive into `destination` (a folder); returns what was written."""
    destination.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    archive = destination / f"ssp-backup-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory(prefix="ssp-backup-") as work:
        work_dir = Path(work)
        if is_sqlite(database_url):
            engine, name = "sqlite", SQLITE_NAME
            _sqlite_snapshot(_sqlite_path(database_url), work_dir / name)
            revision = _revision_of_sqlite(work_dir / name)
        else:
            engine, name = "postgresql", PG_NAME
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    f"--file={work_dir / name}",
                    f"--dbname={_libpq_url(database_url)}",
                ],
                "a PostgreSQL backup",
            )
            revision = None
        # After the database: every file its rows name was written before them.
        files = _file_list(Path(file_store))
        manifest = {
            "created_at": datetime.now(UTC).isoformat(),
            "engine": engine,
            "database": name,
            "revision": revision,
            "files": files,
        }
        (work_dir / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        partial = archive.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(work_dir / MANIFEST, arcname=MANIFEST)
            tar.add(work_dir / name, arcname=name)
            for entry in files:
                tar.add(Path(file_store) / entry["path"], arcname=f"files/{entry['path']}")
        os.replace(partial, archive)
    os.chmod(archive, 0o600)  # it holds NCOs' papers and personal data
    return BackupReport(
        archive, engine, revision, len(files), sum(entry["size"] for entry in files)
    )


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in tar.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"the archive has an unsafe entry: {member.name}")
        members.append(member)
    return members


async def _has_data(database_url: str) -> bool:
    db = Database(database_url)
    try:
        async with db.engine.connect() as connection:
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
            if "users" not in tables:
                return False
            count = (await connection.execute(text("SELECT COUNT(*) FROM users"))).scalar_one()
            return count > 0
    finally:
        await db.dispose()


async def restore(
    database_url: str, file_store: Path, archive: Path, *, force: bool = False
) -> dict:
    """Bring a backup back into `database_url` and `file_store`; returns its manifest."""
    if not force and await _has_data(database_url):
        raise BackupError(
            "the target database already has data; restore into an empty one, or pass --force "
            "to replace it"
        )
    return await asyncio.to_thread(_restore, database_url, Path(file_store), Path(archive))


def _restore(database_url: str, file_store: Path, archive: Path) -> dict:
    if not archive.is_file():
        raise BackupError(f"no backup archive at {archive}")
    with tempfile.TemporaryDirectory(prefix="ssp-restore-") as work:
        work_dir = Path(work)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work_dir, members=_safe_members(tar))  # noqa: S202 (checked above)
        manifest = json.loads((work_dir / MANIFEST).read_text(encoding="utf-8"))
        dumped = work_dir / manifest["database"]
        if manifest["engine"] == "sqlite":
            if not is_sqlite(database_url):
                raise BackupError(
                    "this is a SQLite backup; restore it into SQLite, then use `ssp-bot copy-db` "
                    "to move it to PostgreSQL"
                )
            target = _sqlite_path(database_url)
            target.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            with sqlite3.connect(dumped) as src, sqlite3.connect(target) as dst:
                src.backup(dst)
            dst.close()
            src.close()
        else:
            if is_sqlite(database_url):
                raise BackupError("this is a PostgreSQL backup; restore it into PostgreSQL")
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    f"--dbname={_libpq_url(database_url)}",
                    str(dumped),
                ],
                "a PostgreSQL restore",
            )
        store = file_store
        for entry in manifest["files"]:
            source = work_dir / "files" / entry["path"]
            if source.stat().st_size != entry["size"]:
                raise BackupError(f"the archive's copy of {entry['path']} is damaged")
            target_file = store / entry["path"]
            target_file.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target_file)
            os.chmod(target_file, 0o600)
    return manifest


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- copy-db ---------------------------------------------------------------------------------


async def copy_database(source_url: str, target_url: str) -> dict[str, int]:
    """Copy every table from `source_url` to the empty `target_url`; rows copied per table."""
    source, target = Database(source_url), Database(target_url)
    try:
        async with source.engine.connect() as connection:
            revision = await connection.run_sync(_current_revision)
        if revision != head_revision():
            raise BackupError(
                f"the source database is at schema {revision!r}, not the current "
                f"{head_revision()!r}: run `ssp-bot migrate` on it first"
            )
        await upgrade_database(target)
        tables = SQLModel.metadata.sorted_tables
        async with target.engine.connect() as connection:
            for table in tables:
                count = (
                    await connection.execute(select(func.count()).select_from(table))
                ).scalar_one()
                if count:
                    raise BackupError(
                        f"the target database is not empty (table {table.name} has rows)"
                    )
        copied: dict[str, int] = {}
        async with source.engine.connect() as reader, target.engine.begin() as writer:
            for table in tables:
                result = await reader.stream(select(table))
                copied[table.name] = 0
                async for batch in result.mappings().partitions(COPY_BATCH):
                    await writer.execute(table.insert(), [dict(row) for row in batch])
                    copied[table.name] += len(batch)
            if writer.dialect.name == "postgresql":
                for table in tables:
                    await _advance_sequence(writer, table)
        return copied
    finally:
        await source.dispose()
        await target.dispose()


def _current_revision(connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


async def _advance_sequence(connection, table) -> None:
    """After explicit ids were inserted, the next generated id must come after them."""
    id_column = table.columns.get("id")
    if id_column is None or not id_column.primary_key or not id_column.autoincrement:
        return
    sequence = (
        await connection.execute(
            text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}
        )
    ).scalar_one()
    if sequence is None:
        return
    await connection.execute(
        text(
            f'SELECT setval(:sequence, COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, '  # noqa: S608
            "false)"
        ),
        {"sequence": sequence},
    )
