"""All documents of a call in one ZIP, a folder per application (its receipt number), with a
manifest (manifest.csv: path, file name, sha256, size, type, status) at the top. Files come from
the file store; one missing there is listed with status "missing" rather than failing the
export. Written straight to disk, one file at a time, so memory stays small."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

from bot.exports.data import CallExport
from storage.files import FileStore

MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = ("path", "file_name", "sha256", "size", "type", "status")
# Already compressed: stored as they are (deflating them again costs time and saves nothing).
STORED_KINDS = {"jpeg", "png", "docx", "xlsx", "odt"}
_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def extension_of(kind: str) -> str:
    return "jpg" if kind == "jpeg" else kind


def safe_name(name: str, fallback: str) -> str:
    """A file name without folders or odd characters (the ZIP must not point elsewhere)."""
    base = _UNSAFE.sub("_", Path(name.replace("\\", "/")).name).strip("._")
    return base[:80] or fallback


def build_zip(data: CallExport, store: FileStore, path: Path) -> Path:
    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(MANIFEST_COLUMNS)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for row in data.submissions:
            folder = safe_name(row.reference, f"submission-{row.id}")
            for document in row.documents:
                extension = extension_of(document.kind)
                fallback = f"{document.requirement}.{extension}"
                name = f"{document.requirement}-{document.position}-" + safe_name(
                    document.file_name, fallback
                )
                member = f"{folder}/{name}"
                try:
                    content = store.read(document.sha256, extension)
                except (FileNotFoundError, ValueError):
                    writer.writerow(
                        (
                            member,
                            document.file_name,
                            document.sha256,
                            document.size,
                            document.mime_type,
                            "missing",
                        )
                    )
                    continue
                archive.writestr(
                    member,
                    content,
                    compress_type=(
                        zipfile.ZIP_STORED
                        if document.kind in STORED_KINDS
                        else zipfile.ZIP_DEFLATED
                    ),
                )
                writer.writerow(
                    (
                        member,
                        document.file_name,
                        document.sha256,
                        len(content),
                        document.mime_type,
                        "included",
                    )
                )
        archive.writestr(MANIFEST, manifest.getvalue())
    return path
