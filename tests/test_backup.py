"""Backups taken while the database is being written, restored into an empty place with
nothing missing; `ssp-bot copy-db` from SQLite to PostgreSQL."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel, select

from bot.backup import BackupError, backup, copy_database, restore
from bot.cli import main
from storage.db import Database, is_sqlite, sync_database_url
from storage.files import FileStore
from storage.migrate import head_revision, upgrade_database
from storage.models import Competition, OutboxMessage, User
from tests.flows import published_call


@pytest.fixture(autouse=True)
def _keep_logging() -> Iterator[None]:
    """`main()` sets up the bot's logging on the test's stderr; put the old set-up back."""
    import logging

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _save_file(store: FileStore, number: int) -> str:
    data = f"document {number} ".encode() * 50
    digest = hashlib.sha256(data).hexdigest()
    store.save(data, digest, "pdf")
    return digest


@pytest.fixture
def empty_place(database_url: str, tmp_path: Path) -> Iterator[str]:
    """Another, empty database on the same engine as `database_url`."""
    if is_sqlite(database_url):
        yield f"sqlite:///{tmp_path}/restored/ssp.sqlite3"
        return
    name = f"ssp_restore_{uuid.uuid4().hex[:10]}"
    admin = create_engine(sync_database_url(database_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


async def _user_ids(db: Database) -> set[int]:
    async with db.session() as session:
        return set((await session.exec(select(User.telegram_id))).all())


async def test_a_backup_under_load_restores_into_an_empty_place_with_nothing_missing(
    seeded_database: Database, database_url: str, empty_place: str, tmp_path: Path
) -> None:
    store = FileStore(tmp_path / "files")
    await published_call(seeded_database, "karakol", "women", "Shelter")
    written: list[int] = []
    files: list[str] = []
    stop = asyncio.Event()

    async def load() -> None:
        """Users and documents arrive all the time, as on a busy deadline day."""
        number = 0
        while not stop.is_set():
            number += 1
            async with seeded_database.session() as session:
                session.add(User(telegram_id=5_000_000 + number, language="ru"))
                await session.commit()
            written.append(5_000_000 + number)
            files.append(await asyncio.to_thread(_save_file, store, number))
            await asyncio.sleep(0)

    writer = asyncio.create_task(load())
    while len(written) < 20:  # the load is under way
        await asyncio.sleep(0.01)
    before = set(written)
    files_before = set(files)
    report = await asyncio.to_thread(backup, database_url, tmp_path / "files", tmp_path / "backups")
    after = set(written)
    while len(written) < len(after) + 5:  # and it went on during and after the backup
        await asyncio.sleep(0.01)
    stop.set()
    await writer

    assert report.path.is_file() and report.path.name.startswith("ssp-backup-")
    assert report.path.stat().st_mode & 0o077 == 0  # readable by its owner only
    with tarfile.open(report.path) as tar:
        names = tar.getnames()
    assert "manifest.json" in names

    restored_store = tmp_path / "restored-files"
    manifest = await restore(empty_place, restored_store, report.path)
    assert manifest["engine"] == ("sqlite" if is_sqlite(database_url) else "postgresql")
    restored = Database(empty_place)
    try:
        # The schema is current and everything committed before the backup is there; nothing
        # is there that was never written.
        assert await upgrade_database(restored) == head_revision()
        ids = await _user_ids(restored)
        assert before <= ids <= after | (await _user_ids(seeded_database))
        async with restored.session() as session:
            calls = (await session.exec(select(Competition))).all()
        assert [call.title["en"] for call in calls] == ["Shelter"]
    finally:
        await restored.dispose()
    # Every document saved before the backup is back, byte for byte.
    restored_files = FileStore(restored_store)
    for digest in files_before:
        assert hashlib.sha256(restored_files.read(digest, "pdf")).hexdigest() == digest
    assert len(manifest["files"]) >= len(files_before)


@pytest.mark.bad_input
async def test_restore_refuses_to_overwrite_data_unless_forced(
    seeded_database: Database, database_url: str, tmp_path: Path
) -> None:
    async with seeded_database.session() as session:
        session.add(User(telegram_id=777, language="en"))
        await session.commit()
    report = await asyncio.to_thread(backup, database_url, tmp_path / "files", tmp_path / "b")
    with pytest.raises(BackupError, match="already has data"):
        await restore(database_url, tmp_path / "files", report.path)
    with pytest.raises(BackupError, match="no backup archive"):
        await restore(
            f"sqlite:///{tmp_path}/x/empty.sqlite3", tmp_path / "f", tmp_path / "missing.tar.gz"
        )


@pytest.mark.bad_input
async def test_an_archive_with_paths_outside_the_target_is_refused(tmp_path: Path) -> None:
    evil = tmp_path / "evil.tar.gz"
    payload = tmp_path / "payload"
    payload.write_text("x")
    with tarfile.open(evil, "w:gz") as tar:
        tar.add(payload, arcname="../../escape.txt")
    with pytest.raises(BackupError, match="unsafe entry"):
        await restore(f"sqlite:///{tmp_path}/db/new.sqlite3", tmp_path / "files", evil)
    assert not (tmp_path.parent.parent / "escape.txt").exists()


def test_backup_and_restore_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    """`ssp-bot backup` and `ssp-bot restore` on SQLite, as an operator runs them."""
    source = tmp_path / "live.sqlite3"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{source}")
    monkeypatch.setenv("FILE_STORE_DIR", str(tmp_path / "files"))
    assert main(["migrate"]) == 0
    _save_file(FileStore(tmp_path / "files"), 1)
    with sqlite3.connect(source) as connection:
        connection.execute(
            "INSERT INTO users (telegram_id, language, created_at, last_seen_at) "
            "VALUES (42, 'ky', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        )
    connection.close()
    assert main(["backup", "--to", str(tmp_path / "backups")]) == 0
    archive = next((tmp_path / "backups").glob("ssp-backup-*.tar.gz"))
    assert "Backup written" in capsys.readouterr().out

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/new/restored.sqlite3")
    monkeypatch.setenv("FILE_STORE_DIR", str(tmp_path / "new-files"))
    assert main(["restore", str(archive)]) == 0
    with sqlite3.connect(tmp_path / "new" / "restored.sqlite3") as connection:
        assert connection.execute("SELECT telegram_id FROM users").fetchall() == [(42,)]
    connection.close()
    assert len(list((tmp_path / "new-files").rglob("*.pdf"))) == 1
    assert main(["restore", str(archive)]) == 2  # not over data without --force
    assert "already has data" in capsys.readouterr().err


async def test_copy_db_moves_everything_from_sqlite_to_postgresql(
    postgres_url: str | None, tmp_path: Path
) -> None:
    if postgres_url is None:
        pytest.skip("TEST_DATABASE_URL is not set, so the PostgreSQL copy is skipped")
    from bot.seed import DEFAULT_SEED_FILE, apply_seed, read_seed_file
    from tests.conftest import _reset_postgres

    _reset_postgres(postgres_url)
    source_url = f"sqlite:///{tmp_path}/source.sqlite3"
    source = Database(source_url)
    await upgrade_database(source)
    async with source.session() as session:
        await apply_seed(session, read_seed_file(DEFAULT_SEED_FILE))
        session.add_all([User(telegram_id=900 + n, language="ky") for n in range(30)])
        await session.commit()
    call = await published_call(source, "karakol", "women", "Shelter")
    async with source.session() as session:
        session.add(OutboxMessage(chat_id=901, text="<b>hi</b>", reply_markup={"a": [1]}))
        await session.commit()

    command = ["copy-db", "--from", source_url, "--to", postgres_url]
    assert await asyncio.to_thread(main, command) == 0
    target = Database(postgres_url)
    try:
        for table in SQLModel.metadata.sorted_tables:
            counts = []
            for db in (source, target):
                async with db.engine.connect() as connection:
                    counts.append(
                        (
                            await connection.execute(select(func.count()).select_from(table))
                        ).scalar_one()
                    )
            assert counts[0] == counts[1], table.name
        async with target.session() as session:
            copied = await session.get(Competition, call.id)
            assert copied.title == call.title and copied.deadline_at == call.deadline_at
            outbox = (await session.exec(select(OutboxMessage))).one()
            assert outbox.reply_markup == {"a": [1]}
            # New rows get new ids after the copied ones.
            fresh = User(telegram_id=5, language="en")
            session.add(fresh)
            await session.commit()
            assert fresh.id > 30
        # Copying again into a database with data is refused.
        with pytest.raises(BackupError, match="not empty"):
            await copy_database(source_url, postgres_url)
    finally:
        await source.dispose()
        await target.dispose()
