"""The documents of a kind of record (a contribution's flyer, an application's budget, a
report's proof of spending): one set of operations for every service whose records carry
attachments. The owning service says who reads them (`documents_visible_to`) and when they
may change (`check_attachable`); the bytes go to the store, and leave it when the last
attachment of them goes."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, ClassVar

from urbandiplo.domain import audit
from urbandiplo.domain.access import Principal, Role
from urbandiplo.domain.attachments import (
    MAX_ATTACHMENTS,
    Attachment,
    BlobStore,
    new_attachment,
    release,
)
from urbandiplo.domain.audit import AuditOperation
from urbandiplo.domain.errors import Conflict, NotFound
from urbandiplo.domain.ports import UnitOfWork, UnitOfWorkFactory
from urbandiplo.domain.records import utcnow


class Documented:
    """Attachments for a RecordService (mixed in after it). The service sets `_store`
    and `_max_attachment_bytes`; `owner_type` names its collection in the attachments'
    rows."""

    owner_type: ClassVar[str]
    record_type: ClassVar[str]
    _store: BlobStore
    _max_attachment_bytes: int

    _uow: UnitOfWorkFactory

    if TYPE_CHECKING:

        def _visible(self, uow: UnitOfWork, principal: Principal, record_id: uuid.UUID) -> Any: ...

    # -- hooks -----------------------------------------------------------------------------

    def documents_visible_to(self, record: Any, principal: Principal) -> bool:
        """Who reads the record's documents: by default, whoever reaches the record."""
        return True

    def check_attachable(
        self, principal: Principal, record: Any, report_id: uuid.UUID | None
    ) -> None:
        """Refuse (PermissionDenied, InvalidData) adding or removing a document now, or for
        one of the record's reports (`report_id`: an application's)."""

    # -- operations ------------------------------------------------------------------------

    def attachments(self, principal: Principal, record_id: uuid.UUID) -> list[Attachment]:
        principal.require_contributor_or(Role.READER)
        with self._uow() as uow:
            current = self._documented(uow, principal, record_id)
            return uow.attachments.of(self.owner_type, current.id)

    def attachment(
        self, principal: Principal, record_id: uuid.UUID, attachment_id: uuid.UUID
    ) -> tuple[Attachment, bytes]:
        """An attachment and its bytes, for whoever may read the record's documents."""
        principal.require_contributor_or(Role.READER)
        with self._uow() as uow:
            _, found = self._attachment(uow, principal, record_id, attachment_id)
        data = self._store.get(found.sha256)
        if data is None:
            raise NotFound("attachment", attachment_id)
        return found, data

    def attach(
        self,
        principal: Principal,
        record_id: uuid.UUID,
        data: bytes,
        content_type: str,
        filename: str,
        report_id: uuid.UUID | None = None,
    ) -> Attachment:
        """Attach a document while the caller may change the record's documents."""
        principal.require_contributor_or(Role.EDITOR)
        with self._uow(write=True) as uow:
            current = self._documented(uow, principal, record_id)
            self.check_attachable(principal, current, report_id)
            if len(uow.attachments.of(self.owner_type, current.id)) >= MAX_ATTACHMENTS:
                raise Conflict(f"a {self.record_type} has at most {MAX_ATTACHMENTS} attachments")
            attachment = new_attachment(
                self.owner_type,
                current.id,
                data,
                content_type,
                filename,
                principal.actor,
                self._max_attachment_bytes,
                report_id=report_id,
            )
            # Stored before the commit: a rolled-back attachment leaves bytes no row names.
            self._store.put(attachment.sha256, data)
            uow.attachments.add(attachment)
            uow.audit.add(
                audit.entry(
                    principal,
                    AuditOperation.CREATE,
                    "attachment",
                    attachment.id,
                    None,
                    attachment,
                    at=attachment.created_at,
                )
            )
            uow.commit()
        return attachment

    def detach(self, principal: Principal, record_id: uuid.UUID, attachment_id: uuid.UUID) -> None:
        principal.require_contributor_or(Role.EDITOR)
        with self._uow(write=True) as uow:
            current, found = self._attachment(uow, principal, record_id, attachment_id)
            self.check_attachable(principal, current, found.report_id)
            uow.attachments.delete(found.id)
            uow.audit.add(
                audit.entry(
                    principal,
                    AuditOperation.DELETE,
                    "attachment",
                    found.id,
                    found,
                    None,
                    at=utcnow(),
                )
            )
            uow.commit()
        self.release_documents([found.sha256])

    def remove_documents(self, uow: UnitOfWork, record_id: uuid.UUID) -> list[str]:
        """Remove the record's attachments in the caller's unit of work (the record is being
        deleted or erased); the digests to release once it has committed."""
        return uow.attachments.delete_of(self.owner_type, record_id)

    def release_documents(self, digests: list[str]) -> None:
        """After the commit: remove from the store the bytes no attachment has any more."""
        if not digests:
            return
        with self._uow() as uow:
            release(self._store, uow.attachments.in_use, digests)

    def _documented(self, uow: UnitOfWork, principal: Principal, record_id: uuid.UUID) -> Any:
        current = self._visible(uow, principal, record_id)
        if not self.documents_visible_to(current, principal):
            raise NotFound(self.record_type, record_id)
        return current

    def _attachment(
        self, uow: UnitOfWork, principal: Principal, record_id: uuid.UUID, attachment_id: uuid.UUID
    ) -> tuple[Any, Attachment]:
        """The record and its attachment (NotFound where either is not the caller's to
        reach)."""
        current = self._documented(uow, principal, record_id)
        found = uow.attachments.get(attachment_id)
        if found is None or found.owner_type != self.owner_type or found.owner_id != current.id:
            raise NotFound("attachment", attachment_id)
        return current, found
