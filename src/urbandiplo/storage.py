"""Where attachments' bytes are kept: a local directory (`URBANDIPLO_ATTACHMENTS_DIR`),
one file per SHA-256 digest under a folder of its first two hex digits. Files are written
to a temporary name and renamed, so that a file under its digest is always whole."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

DIGEST = re.compile(r"\A[0-9a-f]{64}\Z")


class LocalBlobStore:
    """Implements domain.attachments.BlobStore over a directory, created if missing."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def _path(self, digest: str) -> Path:
        if not DIGEST.match(digest):
            raise ValueError("not a SHA-256 digest")
        return self.root / digest[:2] / digest

    def put(self, digest: str, data: bytes) -> None:
        path = self._path(digest)
        if path.exists():
            return
        path.parent.mkdir(exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, digest: str) -> bytes | None:
        path = self._path(digest)
        return path.read_bytes() if path.exists() else None

    def delete(self, digest: str) -> None:
        self._path(digest).unlink(missing_ok=True)

    def exists(self, digest: str) -> bool:
        return self._path(digest).exists()
