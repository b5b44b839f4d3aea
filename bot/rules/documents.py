"""Which uploaded files are accepted as application documents. A file is judged by its bytes,
never by its name: NCO leaders send PDF, Word, Excel or photos of paper pages from their phones.

Accepted kinds: PDF, DOCX, XLSX, ODT, JPEG and PNG. Everything else is refused with
`Invalid(key, params)`, the reason most useful to the sender:

- `doc-empty`, `doc-too-big` {limit_mb, size_mb}: checked from the size Telegram reports, before
  downloading (`check_size`), and again from the bytes (`inspect`);
- `doc-executable`: Windows (MZ/PE), Linux (ELF) and macOS (Mach-O) programs, scripts (#!);
- `doc-macro`: Office files with macros (docm, xlsm, pptm, xlsb...), recognised by their content
  (a `macroEnabled` content type or a `vbaProject.bin` part) whatever their name; also
  OpenDocument files that carry Basic or script macros;
- `doc-archive`: zip (one that is not an Office/OpenDocument file), rar, 7z, gz, tar, ...;
- `doc-legacy-office`: Word 97-2003 / Excel 97-2003 (OLE2) files; the text asks to save the
  file as DOCX/XLSX or PDF;
- `doc-renamed` {claimed, actual}: the name says one accepted kind and the bytes are another
  (a PDF named .docx). A refused kind is reported by its own reason instead (an .exe renamed
  .pdf is `doc-executable`);
- `doc-unknown-type`: anything else (text, HEIC, GIF, PPTX, ODS, broken or odd zips, ...).

Decision on renamed images: a JPEG named .png (or a PNG named .jpg) is accepted, as what its
bytes say. Phones and messengers relabel photos all the time, both kinds are harmless pictures,
and the file is stored under its real extension, so nobody is misled. Any other mismatch
between two accepted kinds is `doc-renamed`. A name whose extension is not one of the accepted
kinds (no extension, ".doc" on a real DOCX, ".heic" on a JPEG) is not held against a file
whose bytes are accepted.

Zip-based files (DOCX, XLSX, ODT) are told apart by reading the zip directory in memory and at
most one small member (`[Content_Types].xml` or `mimetype`), read with a cap: nothing is
extracted to disk and no member is ever decompressed beyond that cap, so a zip bomb costs
nothing. Plain functions: no Telegram, no database."""

from __future__ import annotations

import hashlib
import io
import math
import re
import zipfile
import zlib
from dataclasses import dataclass

import filetype

from bot.rules.validation import Invalid

MAX_BYTES = 20 * 1024 * 1024  # the most a bot may download from Telegram
ALLOWED = ("pdf", "docx", "xlsx", "odt", "jpeg", "png")

MIME_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
EXTENSIONS = {
    "pdf": "pdf",
    "docx": "docx",
    "xlsx": "xlsx",
    "odt": "odt",
    "jpeg": "jpg",
    "png": "png",
}

# What a file name's extension claims (only extensions of accepted kinds count).
CLAIMED_KINDS = {
    "pdf": "pdf",
    "docx": "docx",
    "xlsx": "xlsx",
    "odt": "odt",
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "jpe": "jpeg",
    "jfif": "jpeg",
    "png": "png",
}
IMAGES = frozenset({"jpeg", "png"})

# Limits of the zip inspection.
MAX_ZIP_ENTRIES = 10_000
MAX_CONTENT_TYPES_BYTES = 256 * 1024  # real ones are a few kilobytes
MAX_MIMETYPE_BYTES = 256

_MIB = 1024 * 1024
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
_PDF = b"%PDF-"
_EXECUTABLE_MAGICS = (
    b"MZ",  # Windows/DOS programs and libraries (PE), self-extracting archives
    b"\x7fELF",  # Linux programs and libraries
    b"\xfe\xed\xfa\xce",  # Mach-O 32-bit, big-endian
    b"\xfe\xed\xfa\xcf",  # Mach-O 64-bit, big-endian
    b"\xce\xfa\xed\xfe",  # Mach-O 32-bit, little-endian
    b"\xcf\xfa\xed\xfe",  # Mach-O 64-bit, little-endian
    b"\xca\xfe\xba\xbe",  # Mach-O universal binary (and Java classes)
    b"#!",  # scripts
)
# Extensions `filetype` gives to archives and compressed streams.
_ARCHIVES = frozenset(
    {"zip", "tar", "rar", "gz", "bz2", "7z", "xz", "zst", "lz", "lz4", "lzo", "Z", "br"}
    | {"cab", "ar", "deb", "rpm", "crx"}
)
_EXECUTABLES = frozenset({"exe", "elf"})

_WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_EXCEL_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_CONTENT_TYPE_ATTRIBUTE = re.compile(r"""contenttype\s*=\s*["']([^"']*)["']""")
_ODF_MACRO = re.compile(r"^(basic/[^/]+/(?!script-lb\.xml$)[^/]+\.xml|scripts/.+)$")


@dataclass(frozen=True)
class Inspected:
    """An accepted file: its kind (one of ALLOWED), MIME type, the extension to store it under
    (jpeg -> "jpg"), the SHA-256 of its bytes (hex) and its size in bytes."""

    kind: str
    mime_type: str
    extension: str
    sha256: str
    size: int


def fingerprint(data: bytes) -> str:
    """SHA-256 of the bytes, lowercase hex: the file's identity in storage."""
    return hashlib.sha256(data).hexdigest()


def check_size(size: int | None) -> None:
    """Refuse a file from its size alone: run it on the size Telegram reports, before
    downloading. None (Telegram did not say) passes; `inspect` checks the bytes anyway."""
    if size is None:
        return
    if size < 0:
        raise ValueError(f"a file size cannot be negative: {size}")
    if size == 0:
        raise Invalid("doc-empty")
    if size > MAX_BYTES:
        # Rounded up to 0.1 MB, so a file just over the limit never reads as "20 MB".
        raise Invalid(
            "doc-too-big",
            {"limit_mb": MAX_BYTES // _MIB, "size_mb": math.ceil(size * 10 / _MIB) / 10},
        )


def extension_of(file_name: str | None) -> str:
    """The lowercase extension of a file name ("" without one). Folders and the trailing dots
    and spaces Windows ignores are dropped: "C:\\scans\\Устав.PDF. " -> "pdf"."""
    name = (file_name or "").replace("\\", "/").rsplit("/", 1)[-1].strip().rstrip(". ")
    return name.rsplit(".", 1)[1].lower() if "." in name else ""


def claimed_kind(file_name: str | None) -> str | None:
    """The accepted kind a file name's extension claims, or None (no or another extension)."""
    return CLAIMED_KINDS.get(extension_of(file_name))


def inspect(data: bytes, file_name: str | None) -> Inspected:
    """Accept a downloaded file by its bytes, or raise Invalid with the reason (module doc)."""
    check_size(len(data))
    kind = _kind(data)
    claimed = claimed_kind(file_name)
    if claimed is not None and claimed != kind and not {claimed, kind} <= IMAGES:
        raise Invalid("doc-renamed", {"claimed": extension_of(file_name), "actual": kind})
    return Inspected(
        kind=kind,
        mime_type=MIME_TYPES[kind],
        extension=EXTENSIONS[kind],
        sha256=fingerprint(data),
        size=len(data),
    )


def _kind(data: bytes) -> str:
    """The accepted kind of these bytes, or Invalid with the reason they are refused."""
    if data.startswith(_EXECUTABLE_MAGICS):
        raise Invalid("doc-executable")
    if data.startswith(_OLE2):
        raise Invalid("doc-legacy-office")
    if data.startswith(_ZIP):
        return _zip_kind(data)
    if data.startswith(_PDF):
        return "pdf"
    if data.startswith(_JPEG):
        return "jpeg"
    if data.startswith(_PNG):
        return "png"
    guess = filetype.guess(data)
    if guess is not None and guess.extension in _EXECUTABLES:
        raise Invalid("doc-executable")
    if guess is not None and guess.extension in _ARCHIVES:
        raise Invalid("doc-archive")
    raise Invalid("doc-unknown-type")


def _zip_kind(data: bytes) -> str:
    """DOCX, XLSX or ODT; a macro-enabled document, another zip-based format or a plain zip
    is refused. Reads the directory and at most one small member, each with a cap."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                raise Invalid("doc-archive")
            by_name = {info.filename.lower(): info for info in infos}
            if any(name.rsplit("/", 1)[-1] == "vbaproject.bin" for name in by_name):
                raise Invalid("doc-macro")
            if "mimetype" in by_name:
                return _odf_kind(archive, by_name)
            if "[content_types].xml" in by_name:
                return _ooxml_kind(archive, by_name["[content_types].xml"])
    except (
        zipfile.BadZipFile,  # not a zip after all, truncated, bad CRC
        zipfile.LargeZipFile,
        NotImplementedError,  # a compression method zipfile lacks
        RuntimeError,  # an encrypted member
        EOFError,
        OSError,
        zlib.error,
        ValueError,
    ) as error:
        raise Invalid("doc-unknown-type") from error
    raise Invalid("doc-archive")


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes | None:
    """A member's bytes, or None when it is (or would decompress to) more than `cap` bytes.
    Never decompresses more than cap + 1 bytes, whatever the zip declares."""
    if info.file_size > cap:
        return None
    with archive.open(info) as member:
        content = member.read(cap + 1)
    return None if len(content) > cap else content


def _ooxml_kind(archive: zipfile.ZipFile, content_types: zipfile.ZipInfo) -> str:
    raw = _read_capped(archive, content_types, MAX_CONTENT_TYPES_BYTES)
    if raw is None:
        raise Invalid("doc-unknown-type")
    encoding = "utf-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8"
    text = raw.decode(encoding, errors="replace").lower()
    if "macroenabled" in text or "vbaproject" in text:
        raise Invalid("doc-macro")
    declared = set(_CONTENT_TYPE_ATTRIBUTE.findall(text))
    kinds = [
        kind for kind, main in (("docx", _WORD_MAIN), ("xlsx", _EXCEL_MAIN)) if main in declared
    ]
    if len(kinds) != 1:
        raise Invalid("doc-unknown-type")  # PPTX, templates, Visio, installers (MSIX), ...
    return kinds[0]


def _odf_kind(archive: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo]) -> str:
    if "content.xml" not in by_name:
        raise Invalid("doc-archive")
    raw = _read_capped(archive, by_name["mimetype"], MAX_MIMETYPE_BYTES)
    mime = (raw or b"").decode("ascii", errors="replace").strip()
    if mime != MIME_TYPES["odt"]:
        raise Invalid("doc-unknown-type")  # ODS, ODP, templates, EPUB, ...
    if any(_ODF_MACRO.match(name) for name in by_name):
        raise Invalid("doc-macro")
    return "odt"
