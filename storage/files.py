"""Uploaded documents on disk, addressed by content: a file lives at
`root/ab/cd/<sha256>.<extension>` (ab and cd: the first two pairs of hex digits of its SHA-256),
so the same bytes are stored once however often they are uploaded.

Writes are atomic: the bytes go to a temporary file in the target folder, are flushed to disk,
and only then renamed into place, so a reader never sees a partial file and a failed write
leaves nothing behind. Two processes saving the same content at once both succeed. Files are
created readable by their owner only (0600): they hold NCOs' registration papers.

Synchronous (plain file I/O): async callers run it in a thread, e.g.
`await asyncio.to_thread(store.save, data, sha256, extension)`."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_EXTENSION = re.compile(r"^[a-z0-9]{1,10}$")


class FileStore:
    """Content-addressed files under `root` (created on first save)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str, extension: str) -> Path:
        """Where the file with this SHA-256 (lowercase hex) and extension (e.g. "pdf") lives.
        Anything else is refused with ValueError, so no argument can point outside `root`."""
        if not _SHA256.match(sha256):
            raise ValueError(f"not a lowercase hex SHA-256: {sha256!r}")
        if not _EXTENSION.match(extension):
            raise ValueError(f"not a plain lowercase extension: {extension!r}")
        return self.root / sha256[:2] / sha256[2:4] / f"{sha256}.{extension}"

    def exists(self, sha256: str, extension: str) -> bool:
        return self.path_for(sha256, extension).is_file()

    def read(self, sha256: str, extension: str) -> bytes:
        """The stored bytes; FileNotFoundError when there are none."""
        return self.path_for(sha256, extension).read_bytes()

    def save(self, data: bytes, sha256: str, extension: str) -> Path:
        """Store the bytes (once) and return their path. `sha256` must be their SHA-256: a
        mismatch is a ValueError, never a file stored under the wrong name."""
        path = self.path_for(sha256, extension)
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ValueError("the data does not match its SHA-256")
        if path.is_file() and path.stat().st_size == len(data):
            return path  # already stored (a damaged copy of another size is replaced)
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{sha256}.", suffix=".tmp", dir=path.parent
        )
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        _sync_folder(path.parent)
        return path


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (POSIX); where folders cannot be opened, skip quietly."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
