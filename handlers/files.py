"""Sending a stored file back into a chat: by its Telegram file id, or uploaded from the file
store when Telegram no longer knows the id (ids can expire, and a restored backup has none)."""

from __future__ import annotations

import asyncio
import logging

from telegram import Message
from telegram.error import BadRequest

from bot.i18n import t
from storage.files import FileStore

log = logging.getLogger(__name__)

IMAGE_KINDS = ("jpeg", "png")


async def resend(
    message: Message,
    store: FileStore,
    *,
    telegram_file_id: str,
    kind: str,
    sha256: str,
    file_name: str,
    caption: str,
    language: str,
) -> None:
    """The file again, as a photo if it is a picture, else as a document."""
    try:
        if kind in IMAGE_KINDS:
            await message.reply_photo(telegram_file_id, caption=caption)
        else:
            await message.reply_document(telegram_file_id, caption=caption)
        return
    except BadRequest as error:
        log.info("file %s…: id refused (%s); sending the stored copy", sha256[:12], error)
    extension = "jpg" if kind == "jpeg" else kind
    try:
        content = await asyncio.to_thread(store.read, sha256, extension)
    except (FileNotFoundError, ValueError):
        await message.reply_text(t(language, "sel-document-missing", name=caption))
        return
    await message.reply_document(
        content, filename=file_name or f"file.{extension}", caption=caption
    )
