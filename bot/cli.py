"""`ssp-bot`: the command line. Each command is a thin wrapper around a plain function."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.logging_setup import configure_logging
from bot.settings import Settings, SettingsError, load_settings


def _cmd_run(settings: Settings, _args: argparse.Namespace) -> int:
    from bot.runner import run_until_signalled

    settings.require_token()
    asyncio.run(run_until_signalled(settings))
    return 0


def _cmd_migrate(settings: Settings, _args: argparse.Namespace) -> int:
    from storage.db import Database
    from storage.migrate import upgrade_database

    async def migrate() -> str | None:
        db = Database(settings.database_url)
        try:
            return await upgrade_database(db)
        finally:
            await db.dispose()

    revision = asyncio.run(migrate())
    print(f"Database is at revision {revision}.")
    return 0


def _cmd_seed(settings: Settings, args: argparse.Namespace) -> int:
    from bot.seed import DEFAULT_SEED_FILE, SeedError, apply_seed, read_seed_file
    from storage.db import Database
    from storage.migrate import upgrade_database

    path = Path(args.file) if args.file else DEFAULT_SEED_FILE
    try:
        seed = read_seed_file(path)
    except SeedError as error:
        print(f"ssp-bot: {error}", file=sys.stderr)
        return 2

    async def load() -> str:
        db = Database(settings.database_url)
        try:
            await upgrade_database(db)
            async with db.session() as session:
                report = await apply_seed(session, seed)
        finally:
            await db.dispose()
        return (
            f"Loaded {path.name}: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged (municipalities and topics)."
        )

    print(asyncio.run(load()))
    return 0


def _cmd_invite(settings: Settings, args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from bot.invitations import invitation_link, invite
    from bot.rules.access import Role
    from bot.rules.deeplinks import invitation_payload
    from storage.db import Database
    from storage.migrate import upgrade_database
    from storage.queries.places import get_municipality

    async def create() -> str | None:
        db = Database(settings.database_url)
        try:
            await upgrade_database(db)
            async with db.session() as session:
                place = await get_municipality(session, slug=args.municipality)
                if place is None:
                    return None
                invitation = await invite(
                    session, municipality_id=place.id, role=Role(args.role), now=datetime.now(UTC)
                )
        finally:
            await db.dispose()
        username = args.bot_username or await _bot_username(settings)
        if username:
            return invitation_link(username, invitation)
        return f"/start {invitation_payload(invitation.token)}"

    result = asyncio.run(create())
    if result is None:
        print(
            f"ssp-bot: no municipality {args.municipality!r}; see `ssp-bot seed`.", file=sys.stderr
        )
        return 2
    print(f"One-time invitation ({args.role} of {args.municipality}, valid 7 days):")
    print(result)
    return 0


async def _bot_username(settings: Settings) -> str | None:
    """The bot's @username from Telegram (getMe), or None without a token or connection."""
    if not settings.bot_token:
        return None
    from telegram import Bot
    from telegram.error import TelegramError

    try:
        async with Bot(settings.bot_token, base_url=settings.bot_api_url) as bot:
            return bot.username
    except TelegramError:
        return None


def _cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    """Write a call's exports into a folder: the same files staff get in the bot."""
    from bot.exports import KINDS, export_call
    from storage.db import Database
    from storage.files import FileStore
    from storage.migrate import upgrade_database
    from storage.models import Competition, Municipality

    kinds = KINDS if args.format == "all" else (args.format,)

    async def build() -> list[str] | str:
        db = Database(settings.database_url)
        try:
            await upgrade_database(db)
            async with db.session() as session:
                call = await session.get(Competition, args.call)
                place = await session.get(Municipality, call.municipality_id) if call else None
            if call is None or call.status == "draft":
                return f"no published call with id {args.call}"
            if args.municipality and place.slug != args.municipality:
                return f"call {args.call} belongs to another municipality, not {args.municipality}"
            files = await export_call(
                db,
                call,
                kinds,
                Path(args.out),
                language=args.language,
                store=FileStore(Path(settings.file_store_dir)),
            )
        finally:
            await db.dispose()
        return [str(item.path) for item in files]

    result = asyncio.run(build())
    if isinstance(result, str):
        print(f"ssp-bot: {result}.", file=sys.stderr)
        return 2
    for path in result:
        print(path)
    return 0


def _cmd_sandbox(_settings: Settings, args: argparse.Namespace) -> int:
    from sandbox.server import serve_forever

    serve_forever(args.host, args.port)
    return 0


def _cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    asyncio.run(
        run_demo(settings, reset=args.reset, script=args.script, host=args.host, port=args.port)
    )
    return 0


def _cmd_backup(settings: Settings, args: argparse.Namespace) -> int:
    from bot.backup import BackupError, backup

    try:
        report = backup(settings.database_url, settings.file_store_dir, Path(args.to))
    except BackupError as error:
        print(f"ssp-bot: {error}", file=sys.stderr)
        return 2
    print(
        f"Backup written: {report.path} ({report.engine} database, {report.files} files, "
        f"{report.bytes} bytes of documents)."
    )
    return 0


def _cmd_restore(settings: Settings, args: argparse.Namespace) -> int:
    from bot.backup import BackupError, restore

    try:
        manifest = asyncio.run(
            restore(
                settings.database_url,
                settings.file_store_dir,
                Path(args.archive),
                force=args.force,
            )
        )
    except BackupError as error:
        print(f"ssp-bot: {error}", file=sys.stderr)
        return 2
    print(
        f"Restored the backup of {manifest['created_at']} ({len(manifest['files'])} files); "
        "start the bot with `ssp-bot run`."
    )
    return 0


def _cmd_copy_db(_settings: Settings, args: argparse.Namespace) -> int:
    from bot.backup import BackupError, copy_database

    try:
        copied = asyncio.run(copy_database(args.source, args.target))
    except BackupError as error:
        print(f"ssp-bot: {error}", file=sys.stderr)
        return 2
    print(f"Copied {sum(copied.values())} rows in {len(copied)} tables.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ssp-bot",
        description="SSP Bot: social procurement calls, applications and reports on Telegram.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")

    run = commands.add_parser(
        "run", help="run the bot (polling, or webhook when WEBHOOK_URL is set)"
    )
    run.set_defaults(handler=_cmd_run)

    migrate = commands.add_parser("migrate", help="create or upgrade the database schema")
    migrate.set_defaults(handler=_cmd_migrate)

    seed = commands.add_parser(
        "seed", help="load municipalities and their topics from a YAML file (safe to repeat)"
    )
    seed.add_argument("file", nargs="?", help="YAML file (default: the shipped seed)")
    seed.set_defaults(handler=_cmd_seed)

    invite = commands.add_parser(
        "invite", help="print a one-time link that makes its opener staff of a municipality"
    )
    invite.add_argument("--municipality", required=True, help="slug, e.g. karakol")
    invite.add_argument(
        "--role", default="staff", choices=["municipal_admin", "staff", "commission", "consultant"]
    )
    invite.add_argument("--bot-username", help="the bot's @username (default: asked of Telegram)")
    invite.set_defaults(handler=_cmd_invite)

    export = commands.add_parser(
        "export", help="write a call's exports (XLSX, documents ZIP, OCDS JSON, awards CSV)"
    )
    export.add_argument("--call", type=int, required=True, help="the call's id")
    export.add_argument("--format", default="all", choices=["all", "xlsx", "zip", "ocds", "csv"])
    export.add_argument("--language", default="ru", choices=["ky", "ru", "en"])
    export.add_argument("--out", default=".", help="folder to write into (default: here)")
    export.add_argument(
        "--municipality", help="refuse unless the call belongs to this municipality (slug)"
    )
    export.set_defaults(handler=_cmd_export)

    sandbox = commands.add_parser("sandbox", help="run the local stand-in for the Telegram Bot API")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8081)
    sandbox.set_defaults(handler=_cmd_sandbox)

    backup = commands.add_parser(
        "backup", help="write a consistent backup of the database and the file store"
    )
    backup.add_argument("--to", default="backups", help="folder for the archive (default: backups)")
    backup.set_defaults(handler=_cmd_backup)

    restore = commands.add_parser(
        "restore", help="bring a backup back into the configured database and file store"
    )
    restore.add_argument("archive", help="an ssp-backup-*.tar.gz file")
    restore.add_argument(
        "--force", action="store_true", help="replace a database that already has data"
    )
    restore.set_defaults(handler=_cmd_restore)

    copy_db = commands.add_parser(
        "copy-db", help="copy all data from one database to another (SQLite to PostgreSQL)"
    )
    copy_db.add_argument("--from", dest="source", required=True, help="source database URL")
    copy_db.add_argument("--to", dest="target", required=True, help="empty target database URL")
    copy_db.set_defaults(handler=_cmd_copy_db)

    demo = commands.add_parser(
        "demo",
        help="open a chat page with the bot on the local stand-in (no Telegram account needed)",
    )
    demo.add_argument("--reset", action="store_true", help="start from an empty demo database")
    demo.add_argument("--port", type=int, default=8080, help="the chat page's port (0: a free one)")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument(
        "--script", action="store_true", help="print the scripted conversation instead of the page"
    )
    demo.set_defaults(handler=_cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        configure_logging(
            settings.log_level,
            settings.bot_token,
            settings.webhook_secret,
            fmt=settings.log_format,
        )
        return args.handler(settings, args)
    except SettingsError as error:
        print(f"ssp-bot: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
