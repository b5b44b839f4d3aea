"""Uploaded documents: accepted or refused by their bytes, and stored once by their content.

Every sample file is built here, in memory: no binary fixtures."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import os
import struct
import tarfile
import zipfile
import zlib
from pathlib import Path

import pytest

from bot.rules import documents
from bot.rules.documents import MAX_BYTES, Inspected, check_size, fingerprint, inspect
from bot.rules.validation import Invalid
from storage.files import FileStore

# --- sample files -----------------------------------------------------------------------------

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT_MIME = "application/vnd.oasis.opendocument.text"

WORD_MAIN = DOCX_MIME + ".main+xml"
WORD_MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
EXCEL_MAIN = XLSX_MIME.replace(".sheet", ".sheet.main+xml")
EXCEL_MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
PPT_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"


def pdf() -> bytes:
    """A minimal valid one-page PDF, with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def content_types(main: str, part: str, *, extra: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{part}" ContentType="{main}"/>{extra}</Types>'
    )


def relationships(target: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/officeDocument" Target="{target}"/></Relationships>'
    )


def make_zip(members: list[tuple[str, bytes | str]], *, stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, content) in enumerate(members):
            method = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), content, compress_type=method)
    return buffer.getvalue()


def docx(*, main: str = WORD_MAIN, extra: list[tuple[str, bytes | str]] = ()) -> bytes:
    body = (
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>Заявка</w:t></w:r></w:p></w:body></w:document>"
    )
    return make_zip(
        [
            ("[Content_Types].xml", content_types(main, "word/document.xml")),
            ("_rels/.rels", relationships("word/document.xml")),
            ("word/document.xml", body),
            *extra,
        ]
    )


def xlsx(*, main: str = EXCEL_MAIN, extra: list[tuple[str, bytes | str]] = ()) -> bytes:
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    return make_zip(
        [
            (
                "[Content_Types].xml",
                content_types(
                    main,
                    "xl/workbook.xml",
                    extra=f'<Override PartName="/xl/worksheets/sheet1.xml" '
                    f'ContentType="{sheet_type}"/>',
                ),
            ),
            ("_rels/.rels", relationships("xl/workbook.xml")),
            (
                "xl/workbook.xml",
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                '<sheets><sheet name="Budget" sheetId="1" r:id="rId1"/></sheets></workbook>',
            ),
            ("xl/_rels/workbook.xml.rels", relationships("worksheets/sheet1.xml")),
            (
                "xl/worksheets/sheet1.xml",
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                "<sheetData/></worksheet>",
            ),
            *extra,
        ]
    )


def odf(mime: str = ODT_MIME, *, extra: list[tuple[str, bytes | str]] = ()) -> bytes:
    """An OpenDocument file: `mimetype` first and stored uncompressed, as the standard says."""
    return make_zip(
        [
            ("mimetype", mime),
            (
                "META-INF/manifest.xml",
                '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
                'manifest:1.0"><manifest:file-entry manifest:full-path="/" '
                f'manifest:media-type="{mime}"/></manifest:manifest>',
            ),
            ("content.xml", "<office:document-content/>"),
            *extra,
        ],
        stored_first=True,
    )


def png() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        checksum = zlib.crc32(kind + payload)
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", checksum)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    """A JPEG's opening (SOI + JFIF APP0) and end marker: enough to be recognised."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\xff\xd9"


def exe() -> bytes:
    """A DOS stub pointing at a PE header."""
    stub = bytearray(b"MZ" + b"\x00" * 62)
    stub[0x3C:0x40] = struct.pack("<I", 64)
    return bytes(stub) + b"PE\x00\x00" + b"\x00" * 64


def ole2(marker: bytes) -> bytes:
    """An OLE2 compound file header, with Word's or Excel's marker at offset 512."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + marker + b"\x00" * 600


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
MACH_O = b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 64
SCRIPT = b"#!/bin/sh\nrm -rf ~\n"


def tar() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo("budget.pdf")
        content = pdf()
        info.size = len(content)
        archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def refusal(data: bytes, name: str | None) -> tuple[str, dict[str, object]]:
    with pytest.raises(Invalid) as caught:
        inspect(data, name)
    return caught.value.key, caught.value.params


# --- accepted ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "name", "kind", "mime", "extension"),
    [
        (pdf, "Устав.pdf", "pdf", "application/pdf", "pdf"),
        (docx, "Заявка.docx", "docx", DOCX_MIME, "docx"),
        (xlsx, "Бюджет.XLSX", "xlsx", XLSX_MIME, "xlsx"),
        (odf, "proposal.odt", "odt", ODT_MIME, "odt"),
        (jpeg, "page1.jpg", "jpeg", "image/jpeg", "jpg"),
        (jpeg, "page1.JPEG", "jpeg", "image/jpeg", "jpg"),
        (png, "scan.png", "png", "image/png", "png"),
        (jpeg, None, "jpeg", "image/jpeg", "jpg"),  # a photo: Telegram gives no name
    ],
)
def test_allowed_kinds_are_accepted(make, name, kind, mime, extension) -> None:
    data = make()
    result = inspect(data, name)
    assert result == Inspected(
        kind=kind,
        mime_type=mime,
        extension=extension,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
    )
    assert result.kind in documents.ALLOWED
    assert result.mime_type == documents.MIME_TYPES[result.kind]


def test_inspected_is_frozen() -> None:
    result = inspect(pdf(), "a.pdf")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.kind = "docx"  # type: ignore[misc]


def test_fingerprint_is_sha256_hex() -> None:
    assert fingerprint(b"abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


def test_office_files_are_recognised_whatever_the_order_of_their_parts() -> None:
    """LibreOffice writes the parts in another order than Word; only the content counts."""
    reordered = make_zip(
        [
            ("word/document.xml", "<w:document/>"),
            ("docProps/app.xml", "<Properties/>"),
            ("_rels/.rels", relationships("word/document.xml")),
            ("[Content_Types].xml", content_types(WORD_MAIN, "word/document.xml")),
        ]
    )
    assert inspect(reordered, "a.docx").kind == "docx"


@pytest.mark.parametrize(
    ("make", "name", "kind"),
    [
        (jpeg, "photo.png", "jpeg"),  # renamed between two image kinds: accepted as its bytes
        (png, "photo.jpg", "png"),
        (docx, "Заявка.doc", "docx"),  # an extension we do not accept is not held against it
        (pdf, "scan", "pdf"),
        (pdf, "scan.PDF. ", "pdf"),
        (jpeg, "IMG_0001.HEIC", "jpeg"),
        (pdf, "C:\\Users\\nko\\Desktop\\устав.pdf", "pdf"),
    ],
)
def test_names_that_do_not_contradict_an_accepted_kind(make, name, kind) -> None:
    result = inspect(make(), name)
    assert result.kind == kind
    assert result.extension == documents.EXTENSIONS[kind]  # stored under its real extension


# --- refused ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "key"),
    [
        (exe(), "Устав.pdf", "doc-executable"),  # an .exe renamed .pdf
        (exe(), "setup.exe", "doc-executable"),
        (exe() + make_zip([("a.pdf", pdf())]), "docs.zip", "doc-executable"),  # self-extracting
        (ELF, "report.pdf", "doc-executable"),
        (ELF[:8], "x", "doc-executable"),  # too short for filetype's ELF matcher
        (MACH_O, "report.docx", "doc-executable"),
        (SCRIPT, "report.pdf", "doc-executable"),
        (
            docx(main=WORD_MACRO_MAIN, extra=[("word/vbaProject.bin", b"\xd0\xcf")]),
            "a.docx",
            "doc-macro",
        ),
        (docx(main=WORD_MACRO_MAIN), "a.docm", "doc-macro"),  # macroEnabled type alone
        (docx(extra=[("word/vbaProject.bin", b"\xd0\xcf")]), "a.docx", "doc-macro"),  # bin alone
        (
            xlsx(main=EXCEL_MACRO_MAIN, extra=[("xl/vbaProject.bin", b"\xd0\xcf")]),
            "b.xlsm",
            "doc-macro",
        ),
        (xlsx(main=EXCEL_MACRO_MAIN), "b.xlsx", "doc-macro"),
        (
            docx(main="application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml"),
            "c.pptm",
            "doc-macro",
        ),
        (odf(extra=[("Basic/Standard/Module1.xml", "<script:module/>")]), "d.odt", "doc-macro"),
        (odf(extra=[("Scripts/python/run.py", "import os")]), "d.odt", "doc-macro"),
        (make_zip([("Заявка.pdf", pdf()), ("Устав.pdf", pdf())]), "documents.zip", "doc-archive"),
        (make_zip([("Заявка.pdf", pdf())]), "Заявка.pdf", "doc-archive"),
        (b"PK\x05\x06" + b"\x00" * 18, "empty.zip", "doc-archive"),
        (odf(extra=[]).replace(b"content.xml", b"content.txt"), "x.odt", "doc-archive"),
        (gzip.compress(pdf()), "budget.pdf.gz", "doc-archive"),
        (tar(), "budget.tar", "doc-archive"),
        (b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 24, "a.7z", "doc-archive"),
        (b"Rar!\x1a\x07\x01\x00" + b"\x00" * 24, "a.rar", "doc-archive"),
        (ole2(b"\xec\xa5\xc1\x00"), "Заявка.doc", "doc-legacy-office"),
        (ole2(b"\x09\x08\x10\x00\x00\x06\x05\x00"), "Бюджет.xls", "doc-legacy-office"),
        (ole2(b"\xec\xa5\xc1\x00"), "Заявка.docx", "doc-legacy-office"),  # the reason, not renamed
        (docx(main=PPT_MAIN), "slides.pptx", "doc-unknown-type"),
        (
            docx(main=WORD_MAIN.replace("document.main", "template.main")),
            "t.dotx",
            "doc-unknown-type",
        ),
        (odf("application/vnd.oasis.opendocument.spreadsheet"), "t.ods", "doc-unknown-type"),
        (odf("application/epub+zip"), "book.epub", "doc-unknown-type"),
        (b"PK\x03\x04" + b"\x00" * 100, "broken.docx", "doc-unknown-type"),  # a corrupt zip
        (docx()[: len(docx()) // 2], "cut.docx", "doc-unknown-type"),  # a truncated upload
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "a.gif", "doc-unknown-type"),
        ("Просто текст, не документ".encode(), "notes.txt", "doc-unknown-type"),
        (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 16, "IMG_0001.HEIC", "doc-unknown-type"),
        (b" %PDF-1.4\n", "a.pdf", "doc-unknown-type"),  # the PDF signature must come first
    ],
)
@pytest.mark.bad_input
def test_refused_by_content(data: bytes, name: str, key: str) -> None:
    assert refusal(data, name) == (key, {})


def test_ooxml_content_types_are_read_case_insensitively_and_in_utf16() -> None:
    declared = content_types(WORD_MACRO_MAIN.replace("macroEnabled", "MACROENABLED"), "w/d.xml")
    data = make_zip([("[content_types].XML", declared.encode("utf-16"))])
    assert refusal(data, "a.docx") == ("doc-macro", {})
    plain = make_zip(
        [("[Content_Types].xml", content_types(WORD_MAIN, "w/d.xml").encode("utf-16"))]
    )
    assert inspect(plain, "a.docx").kind == "docx"


@pytest.mark.bad_input
def test_an_encrypted_zip_member_is_refused_not_crashed(monkeypatch) -> None:
    data = bytearray(docx())
    # Set the "encrypted" flag of the first entry in both its local and central headers.
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.index(signature)
        data[at + flag_offset] |= 0x01
    assert refusal(bytes(data), "a.docx") == ("doc-unknown-type", {})


@pytest.mark.parametrize(
    ("make", "name", "claimed", "actual"),
    [
        (png, "Устав.pdf", "pdf", "png"),
        (jpeg, "budget.xlsx", "xlsx", "jpeg"),
        (pdf, "Заявка.docx", "docx", "pdf"),
        (docx, "budget.xlsx", "xlsx", "docx"),
        (xlsx, "Заявка.DOCX", "docx", "xlsx"),
        (odf, "Заявка.docx", "docx", "odt"),
        (docx, "scan.jpg", "jpg", "docx"),
    ],
)
@pytest.mark.bad_input
def test_renamed_between_accepted_kinds(make, name, claimed, actual) -> None:
    assert refusal(make(), name) == ("doc-renamed", {"claimed": claimed, "actual": actual})


@pytest.mark.bad_input
def test_empty_file() -> None:
    assert refusal(b"", "Устав.pdf") == ("doc-empty", {})
    with pytest.raises(Invalid) as caught:
        check_size(0)
    assert (caught.value.key, caught.value.params) == ("doc-empty", {})


@pytest.mark.parametrize(
    ("size", "size_mb"),
    [(MAX_BYTES + 1, 20.1), (21 * 1024 * 1024, 21.0), (50 * 1024 * 1024 + 1, 50.1)],
)
@pytest.mark.bad_input
def test_too_big_is_refused_from_the_reported_size(size: int, size_mb: float) -> None:
    with pytest.raises(Invalid) as caught:
        check_size(size)
    assert caught.value.key == "doc-too-big"
    assert caught.value.params == {"limit_mb": 20, "size_mb": size_mb}


@pytest.mark.parametrize("size", [None, 1, 1024, MAX_BYTES])
def test_sizes_within_the_limit_pass(size: int | None) -> None:
    check_size(size)  # None: Telegram did not say; the bytes are checked after download


def test_a_negative_size_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        check_size(-1)


@pytest.mark.bad_input
def test_inspect_checks_the_size_of_the_bytes_too(monkeypatch) -> None:
    monkeypatch.setattr(documents, "MAX_BYTES", 100)
    assert refusal(pdf(), "a.pdf")[0] == "doc-too-big"


# --- zip bombs --------------------------------------------------------------------------------


def zip_with_zeros(name: str, size: int, *, first: list[tuple[str, str]]) -> bytes:
    """A zip whose member `name` inflates to `size` zero bytes (about size/1000 compressed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for member, content in first:
            archive.writestr(member, content)
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w") as stream:
            block = bytes(1024 * 1024)
            for _ in range(size // len(block)):
                stream.write(block)
    return buffer.getvalue()


@pytest.fixture
def inflated(monkeypatch) -> list[int]:
    """Counts the bytes the inspection decompresses."""
    counts: list[int] = []
    original = zipfile.ZipExtFile.read

    def read(self, n=-1):
        content = original(self, n)
        counts.append(len(content))
        return content

    monkeypatch.setattr(zipfile.ZipExtFile, "read", read)
    return counts


@pytest.mark.bad_input
def test_a_huge_member_is_never_read(inflated: list[int]) -> None:
    parts = [
        ("[Content_Types].xml", content_types(WORD_MAIN, "word/document.xml")),
        ("word/document.xml", "<w:document/>"),
    ]
    data = zip_with_zeros("word/media/image1.png", 32 * 1024 * 1024, first=parts)
    assert len(data) < MAX_BYTES
    assert inspect(data, "a.docx").kind == "docx"
    assert sum(inflated) < 4096


@pytest.mark.bad_input
def test_huge_content_types_are_refused_without_inflating_them(inflated: list[int]) -> None:
    data = zip_with_zeros("[Content_Types].xml", 32 * 1024 * 1024, first=[])
    assert refusal(data, "a.docx") == ("doc-unknown-type", {})
    assert sum(inflated) == 0  # refused from the declared size


@pytest.mark.bad_input
def test_a_member_that_lies_about_its_size_is_capped(inflated: list[int]) -> None:
    """Declared small (10 bytes in the central directory), inflates to 8 MB: reading stops."""
    data = bytearray(zip_with_zeros("[Content_Types].xml", 8 * 1024 * 1024, first=[]))
    central = data.index(b"PK\x01\x02")
    data[central + 24 : central + 28] = struct.pack("<I", 10)
    assert refusal(bytes(data), "a.docx") == ("doc-unknown-type", {})
    assert sum(inflated) <= documents.MAX_CONTENT_TYPES_BYTES + 1


@pytest.mark.bad_input
def test_too_many_entries_is_an_archive(monkeypatch) -> None:
    monkeypatch.setattr(documents, "MAX_ZIP_ENTRIES", 2)
    assert refusal(docx(), "a.docx") == ("doc-archive", {})


def test_claimed_extension() -> None:
    assert documents.extension_of("Устав.PDF") == "pdf"
    assert documents.extension_of("archive.tar.gz") == "gz"
    assert documents.extension_of("README") == ""
    assert documents.extension_of(None) == ""
    assert documents.extension_of("../../etc/passwd.") == ""
    assert documents.claimed_kind("photo.JFIF") == "jpeg"
    assert documents.claimed_kind("Заявка.doc") is None


# --- storage ----------------------------------------------------------------------------------


def test_store_round_trip_and_layout(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "files")
    data = pdf()
    sha = fingerprint(data)
    assert not store.exists(sha, "pdf")
    path = store.save(data, sha, "pdf")
    assert path == tmp_path / "files" / sha[:2] / sha[2:4] / f"{sha}.pdf"
    assert path == store.path_for(sha, "pdf")
    assert store.exists(sha, "pdf")
    assert not store.exists(sha, "docx")
    assert store.read(sha, "pdf") == data
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)


def test_store_is_idempotent(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    data = png()
    sha = fingerprint(data)
    first = store.save(data, sha, "png")
    modified = first.stat().st_mtime_ns
    assert store.save(data, sha, "png") == first
    assert first.stat().st_mtime_ns == modified
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [f"{sha}.png"]


def test_store_keeps_different_files_apart(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    a, b = pdf(), png()
    path_a = store.save(a, fingerprint(a), "pdf")
    path_b = store.save(b, fingerprint(b), "png")
    assert path_a != path_b
    assert store.read(fingerprint(a), "pdf") == a
    assert store.read(fingerprint(b), "png") == b


def test_store_replaces_a_damaged_copy(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    data = pdf()
    path = store.save(data, fingerprint(data), "pdf")
    path.write_bytes(data[:10])
    store.save(data, fingerprint(data), "pdf")
    assert path.read_bytes() == data


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_store_write_is_atomic(tmp_path: Path, monkeypatch, failing: str) -> None:
    store = FileStore(tmp_path)
    data = pdf()
    sha = fingerprint(data)

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(f"storage.files.os.{failing}", broken)
    with pytest.raises(OSError, match="No space left"):
        store.save(data, sha, "pdf")
    assert not store.exists(sha, "pdf")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []  # no partial, no temporary
    monkeypatch.undo()
    store.save(data, sha, "pdf")  # the next attempt succeeds
    assert store.read(sha, "pdf") == data


@pytest.mark.bad_input
def test_store_refuses_wrong_hashes_and_odd_names(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    data = pdf()
    with pytest.raises(ValueError, match="does not match"):
        store.save(data, fingerprint(b"other"), "pdf")
    for sha, extension in [
        ("../" + "a" * 61, "pdf"),
        (fingerprint(data).upper(), "pdf"),
        ("abc", "pdf"),
        (fingerprint(data), "../pdf"),
        (fingerprint(data), "PDF"),
        (fingerprint(data), ""),
    ]:
        with pytest.raises(ValueError):
            store.path_for(sha, extension)
    assert list(tmp_path.iterdir()) == []


def test_store_read_of_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        FileStore(tmp_path).read(fingerprint(b"nothing"), "pdf")


def test_inspect_then_store(tmp_path: Path) -> None:
    """How a handler uses both: inspect, then save under the kind's extension."""
    data = jpeg()
    result = inspect(data, "photo.png")
    path = FileStore(tmp_path).save(data, result.sha256, result.extension)
    assert path.name == f"{result.sha256}.jpg"
    assert os.path.getsize(path) == result.size
