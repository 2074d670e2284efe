"""Documents attached to records (a contribution's flyer, an application's budget): PDF,
images, office documents and CSV, up to a configured size.

The bytes go to a store (a port: a local directory by default), addressed by their SHA-256,
so that the same file attached twice is kept once. What a file is, is read from its bytes,
not taken from the header or the name: a `.pdf` that is not a PDF is refused. A file is
downloaded with the visibility of the record it belongs to, and removed from the store
when the last attachment of it goes (with its record, or on its own)."""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from urbandiplo.domain.errors import DomainError, FieldProblem, InvalidData
from urbandiplo.domain.ids import new_id
from urbandiplo.domain.records import utcnow
from urbandiplo.domain.values import Visibility

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 50  # per record

# The kinds of file accepted: media type -> file name endings.
TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "text/csv": (".csv",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (".pptx",),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "application/vnd.oasis.opendocument.spreadsheet": (".ods",),
    "application/vnd.oasis.opendocument.presentation": (".odp",),
}
# Which part an Office Open XML package of each kind has.
OOXML_PARTS = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


class UnsupportedType(DomainError):
    """The bytes are not a file of an accepted kind, or not of the kind declared (415)."""


class TooLarge(DomainError):
    """Larger than the configured limit (413)."""


def _package(data: bytes) -> str | None:
    """The kind of an Office Open XML or OpenDocument file (both are ZIP packages)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = package.namelist()
            if "mimetype" in names:
                declared = package.read("mimetype").decode("ascii", "replace").strip()
                return declared if declared in TYPES else None
            if "[Content_Types].xml" in names:
                for prefix, media_type in OOXML_PARTS.items():
                    if any(name.startswith(prefix) for name in names):
                        return media_type
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError):
        return None
    return None


def _text(data: bytes) -> bool:
    """Plain UTF-8 text without NUL or other control bytes (CSV)."""
    if b"\x00" in data:
        return False
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(c.isprintable() or c in "\t\r\n" for c in decoded.lstrip("\ufeff"))


def sniffed(data: bytes, declared: str) -> str | None:
    """The media type the bytes show they are, where it is one of TYPES; CSV only where it
    is declared (text has no signature of its own)."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"PK\x03\x04"):
        return _package(data)
    if declared == "text/csv" and data and _text(data):
        return "text/csv"
    return None


def checked_type(data: bytes, declared: str, filename: str) -> str:
    """The file's media type: what the bytes are, which must be what was declared and
    what the file name says; UnsupportedType otherwise."""
    declared = declared.split(";")[0].strip().lower()
    if declared not in TYPES:
        accepted = ", ".join(TYPES)
        raise UnsupportedType(f"{declared or 'no type'} is not accepted; send one of {accepted}")
    found = sniffed(data, declared)
    if found != declared:
        raise UnsupportedType(
            f"the file is not {declared}"
            + (f" but {found}" if found else ": its content is not of an accepted kind")
        )
    if not filename.lower().endswith(TYPES[found]):
        raise UnsupportedType(f"a {found} file is named {' or '.join(TYPES[found])}")
    return found


def checked_filename(name: str) -> str:
    """A plain file name: no path, no control characters, not too long."""
    cleaned = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not cleaned or len(cleaned) > 200 or any(not c.isprintable() for c in cleaned):
        raise InvalidData(
            "not a file name", [FieldProblem("query.filename", "a plain file name, 1 to 200")]
        )
    return cleaned


class BlobStore(Protocol):
    """Where the bytes are kept, by their SHA-256 (hex)."""

    def put(self, digest: str, data: bytes) -> None:
        """Keep the bytes (a no-op where they are there already)."""

    def get(self, digest: str) -> bytes | None: ...

    def delete(self, digest: str) -> None:
        """Remove the bytes, if they are there."""

    def exists(self, digest: str) -> bool: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Attachment:
    id: uuid.UUID
    owner_type: str  # the owning record's collection: "contributions"
    owner_id: uuid.UUID
    filename: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime
    created_by: str
    report_id: uuid.UUID | None = None  # an application's document for one of its reports
    visibility: Visibility = Visibility.INTERNAL  # in the audit log: staff's


class AttachmentRepository(Protocol):
    def add(self, attachment: Attachment) -> None: ...

    def of(self, owner_type: str, owner_id: uuid.UUID) -> list[Attachment]: ...

    def get(self, attachment_id: uuid.UUID) -> Attachment | None: ...

    def delete(self, attachment_id: uuid.UUID) -> None: ...

    def delete_of(self, owner_type: str, owner_id: uuid.UUID) -> list[str]:
        """Remove the record's attachments; the digests they had."""

    def in_use(self, digest: str) -> bool:
        """Whether any attachment still has these bytes."""


def new_attachment(
    owner_type: str,
    owner_id: uuid.UUID,
    data: bytes,
    declared: str,
    filename: str,
    actor: str,
    max_bytes: int,
    *,
    report_id: uuid.UUID | None = None,
) -> Attachment:
    """The checked attachment for these bytes (not stored yet)."""
    if len(data) > max_bytes:
        raise TooLarge(f"files are limited to {max_bytes} bytes")
    name = checked_filename(filename)
    return Attachment(
        id=new_id(),
        owner_type=owner_type,
        owner_id=owner_id,
        filename=name,
        content_type=checked_type(data, declared, name),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        created_at=utcnow(),
        created_by=actor,
        report_id=report_id,
    )


def release(store: BlobStore, in_use: Callable[[str], bool], digests: list[str]) -> None:
    """After the attachments are gone (committed): remove the bytes no attachment has."""
    for digest in dict.fromkeys(digests):
        if not in_use(digest):
            store.delete(digest)
