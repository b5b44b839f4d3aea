"""Exports sent to staff as Telegram documents: the XLSX workbook, the ZIP of documents, and the
open data (OCDS JSON and the awards CSV). Built off the event loop (bot/exports), sent from a
temporary folder that is removed afterwards. The handler in handlers/selection.py has already
checked the "export.call" action on the call's municipality."""

from __future__ import annotations

import tempfile
from pathlib import Path

from telegram import Message

from bot.context import BotContext
from bot.exports import export_call
from bot.i18n import t
from bot.update_order import slot_released
from storage.files import FileStore
from storage.models import Competition
from storage.queries.audit import record

# Telegram lets bots send files up to 50 MB; larger ones are for `ssp-bot export`.
SEND_LIMIT = 50 * 1024 * 1024
KINDS = {"xlsx": ("xlsx",), "zip": ("zip",), "open": ("ocds", "csv")}


async def send_export(
    message: Message,
    context: BotContext,
    language: str,
    call: Competition,
    action: str,
    *,
    user_id: int,
) -> None:
    kinds = KINDS[action]
    async with context.db.session() as session:
        record(
            session,
            action="export.call",
            actor_user_id=user_id,
            municipality_id=call.municipality_id,
            competition_id=call.id,
            details={"kinds": list(kinds)},
        )
        await session.commit()
    with tempfile.TemporaryDirectory(prefix="ssp-export-") as folder:
        # The export runs in a process of its own: other updates may have this one's slot.
        async with slot_released():
            files = await export_call(
                context.db,
                call,
                kinds,
                Path(folder),
                language=language,
                store=FileStore(Path(context.settings.file_store_dir)),
            )
        for item in files:
            size = item.path.stat().st_size
            if size > SEND_LIMIT:
                await message.reply_text(
                    t(language, "exp-too-big", name=item.filename, call=call.id)
                )
                continue
            with item.path.open("rb") as handle:
                await message.reply_document(
                    handle, filename=item.filename, caption=t(language, f"exp-caption-{item.kind}")
                )
