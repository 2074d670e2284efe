"""The attachments' rows: which record a document belongs to, and its bytes' digest."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from urbandiplo.db.models import AttachmentRow, table_of
from urbandiplo.domain.attachments import Attachment

attachments = table_of(AttachmentRow)
COLUMNS = (
    "id",
    "owner_type",
    "owner_id",
    "filename",
    "content_type",
    "size",
    "sha256",
    "created_at",
    "created_by",
    "report_id",
)


class SqlAttachmentRepository:
    """Implements domain.attachments.AttachmentRepository."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, attachment: Attachment) -> None:
        self._connection.execute(
            insert(attachments), {name: getattr(attachment, name) for name in COLUMNS}
        )

    def of(self, owner_type: str, owner_id: uuid.UUID) -> list[Attachment]:
        rows = self._connection.execute(
            select(attachments)
            .where(attachments.c.owner_type == owner_type, attachments.c.owner_id == owner_id)
            .order_by(attachments.c.created_at, attachments.c.id)
        )
        return [_attachment(row._mapping) for row in rows]

    def get(self, attachment_id: uuid.UUID) -> Attachment | None:
        row = self._connection.execute(
            select(attachments).where(attachments.c.id == attachment_id)
        ).first()
        return _attachment(row._mapping) if row is not None else None

    def delete(self, attachment_id: uuid.UUID) -> None:
        self._connection.execute(delete(attachments).where(attachments.c.id == attachment_id))

    def delete_of(self, owner_type: str, owner_id: uuid.UUID) -> list[str]:
        owned = (attachments.c.owner_type == owner_type) & (attachments.c.owner_id == owner_id)
        digests = list(
            self._connection.execute(select(attachments.c.sha256).where(owned)).scalars()
        )
        self._connection.execute(delete(attachments).where(owned))
        return digests

    def in_use(self, digest: str) -> bool:
        found = self._connection.execute(
            select(attachments.c.id).where(attachments.c.sha256 == digest).limit(1)
        ).first()
        return found is not None


def _attachment(values: Any) -> Attachment:
    return Attachment(**{name: values[name] for name in COLUMNS})
