"""Files between Telegram and the file store: fetching an upload and checking it by its bytes,
and sending a stored file back into a chat, by its Telegram file id or uploaded from the file
store when Telegram no longer knows the id (ids can expire, and a restored backup has none)."""

from __future__ import annotations

import asyncio
import logging

from telegram import Document, Message, PhotoSize
from telegram.error import BadRequest

from bot.i18n import t
from bot.rules.documents import Inspected, check_size, inspect
from bot.update_order import slot_released
from storage.files import FileStore

log = logging.getLogger(__name__)

IMAGE_KINDS = ("jpeg", "png")
INSPECT_IN_THREAD_ABOVE = 256 * 1024  # bytes


async def fetch_checked(
    attachment: Document | PhotoSize, file_name: str
) -> tuple[bytes, Inspected]:
    """An uploaded file's bytes and what they are. Raises Invalid (with the reason to tell the
    user) for a file too large to fetch or of a type not accepted."""
    check_size(attachment.file_size)  # before downloading: bots may fetch at most 20 MB
    # Waiting for Telegram needs no CPU: the next update may have this one's slot meanwhile.
    async with slot_released():
        telegram_file = await attachment.get_file()
        content = bytes(await telegram_file.download_as_bytearray())
    if len(content) > INSPECT_IN_THREAD_ABOVE:  # hashing megabytes would hold up every chat
        return content, await asyncio.to_thread(inspect, content, file_name)
    return content, inspect(content, file_name)


async def keep_file(store: FileStore, content: bytes, inspected: Inspected) -> None:
    """Write an accepted upload to the file store (in a thread: it waits for the disk), giving
    the update's slot to the next one meanwhile: a slow disk must not hold up other chats."""
    async with slot_released():
        await asyncio.to_thread(store.save, content, inspected.sha256, inspected.extension)


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
