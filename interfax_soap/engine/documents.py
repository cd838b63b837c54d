"""REST documents: upload sessions created with a name and an announced size, filled by
Range-addressed chunks, listed, read, deleted, and used by sends.

They are the same upload sessions as SOAP's StartFileUpload (one table, one blob per session),
with 32-hex-digit IDs; what REST adds (file name, announced size, disposition, sharing, last
use) is kept in a small JSON blob beside the data (``<id>.restdoc``), so no schema change.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import secrets
from collections.abc import Collection
from typing import Any

from interfax_soap.engine.accounts import Caller
from interfax_soap.engine.clock import Clock, utcnow
from interfax_soap.engine.codes import ResultCode
from interfax_soap.engine.mediatypes import extension_of
from interfax_soap.engine.packing import normalise_file_type
from interfax_soap.engine.ports import Blobs, Store
from interfax_soap.engine.records import UploadRecord

__all__ = [
    "DocumentSessions",
    "DocumentPolicy",
    "DocumentInfo",
    "DocumentAnswer",
    "ChunkAnswer",
    "ResolvedDocument",
    "DISPOSITIONS",
    "SHARINGS",
    "ID_LENGTH",
]

logger = logging.getLogger(__name__)

DISPOSITIONS = {"singleuse": "SingleUse", "multiuse": "MultiUse", "permanent": "Permanent"}
SHARINGS = {"private": "Private", "shared": "Shared"}
ID_LENGTH = 32
_META_SUFFIX = ".restdoc"


@dataclasses.dataclass(frozen=True)
class DocumentPolicy:
    chunk_bytes: int = 3 * 1024 * 1024
    total_bytes: int = 20 * 1024 * 1024
    supported_file_types: Collection[str] = ("TXT",)


@dataclasses.dataclass(frozen=True)
class DocumentInfo:
    """One document as REST reports it (times aware, UTC)."""

    document_id: str
    user_id: int
    username: str
    file_name: str
    file_size: int
    uploaded: int
    created_at: dt.datetime
    last_used_at: dt.datetime
    status: str  # Created | PartiallyUploaded | Ready
    disposition: str  # SingleUse | MultiUse | Permanent
    sharing: str  # Private | Shared


@dataclasses.dataclass(frozen=True)
class DocumentAnswer:
    code: ResultCode
    document: DocumentInfo | None = None
    reason: str = ""


@dataclasses.dataclass(frozen=True)
class ChunkAnswer:
    code: ResultCode
    uploaded: int = 0
    size: int = 0
    reason: str = ""

    @property
    def complete(self) -> bool:
        return self.code == ResultCode.OK and self.uploaded >= self.size


@dataclasses.dataclass(frozen=True)
class ResolvedDocument:
    """A document referenced by a send: its data, FileType and how it may be used."""

    record: UploadRecord
    data: bytes
    file_type: str
    disposition: str


@dataclasses.dataclass(frozen=True)
class _Meta:
    name: str
    size: int
    disposition: str
    sharing: str
    last_used: str | None = None

    def encode(self) -> bytes:
        return json.dumps(dataclasses.asdict(self)).encode("utf-8")

    @classmethod
    def decode(cls, data: bytes | None) -> _Meta | None:
        if not data:
            return None
        try:
            return cls(**json.loads(data))
        except (ValueError, TypeError):
            return None


def _meta_key(document_id: str) -> str:
    return document_id + _META_SUFFIX


def _is_document_id(text: str) -> bool:
    return len(text) == ID_LENGTH and all(c in "0123456789abcdef" for c in text)


class DocumentSessions:
    """The REST documents API over the chunk-upload sessions."""

    def __init__(self, store: Store, blobs: Blobs, clock: Clock, policy: DocumentPolicy) -> None:
        self._store = store
        self._blobs = blobs
        self._clock = clock
        self._policy = policy

    async def create(
        self,
        caller: Caller,
        name: str | None,
        size: int | None,
        disposition: str | None,
        sharing: str | None,
    ) -> DocumentAnswer:
        """A new, empty session for ``size`` bytes of the document ``name``.

        Returns BAD_FILE_SIZE for a size that is not positive, UPLOAD_TOO_BIG beyond the
        total limit, BAD_FILE_TYPE when the name's extension is not a type rendered here,
        BAD_VERB for an unknown disposition or sharing.
        """
        if size is None or size <= 0:
            return DocumentAnswer(ResultCode.BAD_FILE_SIZE, reason="size must be a positive number")
        if size > self._policy.total_bytes:
            return DocumentAnswer(
                ResultCode.UPLOAD_TOO_BIG, reason=f"at most {self._policy.total_bytes} bytes"
            )
        extension = extension_of(name)
        if (
            not extension
            or normalise_file_type(extension, self._policy.supported_file_types) is None
        ):
            return DocumentAnswer(
                ResultCode.BAD_FILE_TYPE, reason=f"unsupported file type {name!r}"
            )
        chosen_disposition = DISPOSITIONS.get((disposition or "singleUse").strip().lower())
        chosen_sharing = SHARINGS.get((sharing or "private").strip().lower())
        if chosen_disposition is None or chosen_sharing is None:
            return DocumentAnswer(ResultCode.BAD_VERB, reason="unknown disposition or sharing")
        document_id = secrets.token_hex(ID_LENGTH // 2)
        meta = _Meta(str(name), size, chosen_disposition, chosen_sharing)
        await self._store.run(self._blobs.put, _meta_key(document_id), meta.encode())
        key = self._blobs.new_key("upload")
        now = utcnow(self._clock)
        user_id = caller.user_id
        await self._store.transaction(
            "create_document", lambda uow: uow.uploads.create(document_id, user_id, key, now)
        )
        logger.info(
            "document %s created by %s (%d bytes announced)",
            document_id,
            caller.user.username,
            size,
        )
        return await self.status(caller, document_id)

    async def _meta(self, document_id: str) -> _Meta | None:
        return _Meta.decode(await self._store.run(self._blobs.get, _meta_key(document_id)))

    async def _own(self, caller: Caller, document_id: str) -> tuple[UploadRecord, _Meta] | None:
        if not _is_document_id(document_id):
            return None
        record = await self._store.read("document", lambda uow: uow.uploads.get(document_id))
        if record is None:
            return None
        meta = await self._meta(document_id)
        if meta is None:
            return None
        if record.user_id != caller.user_id and not await self._shared_with(caller, record, meta):
            return None
        return record, meta

    async def _shared_with(self, caller: Caller, record: UploadRecord, meta: _Meta) -> bool:
        """A shared document may be used by the other users of its owner's account."""
        account_id = caller.user.account_id
        if meta.sharing != "Shared" or account_id is None:
            return False
        owner = await self._store.read("user", lambda uow: uow.accounts.user_by_id(record.user_id))
        return owner is not None and owner.account_id == account_id

    def _info(self, record: UploadRecord, meta: _Meta, username: str) -> DocumentInfo:
        if record.size >= meta.size:
            status = "Ready"
        elif record.size > 0:
            status = "PartiallyUploaded"
        else:
            status = "Created"
        last_used = (
            dt.datetime.fromisoformat(meta.last_used) if meta.last_used else record.updated_at
        )
        return DocumentInfo(
            document_id=record.session_id,
            user_id=record.user_id,
            username=username,
            file_name=meta.name,
            file_size=meta.size,
            uploaded=record.size,
            created_at=record.created_at,
            last_used_at=last_used,
            status=status,
            disposition=meta.disposition,
            sharing=meta.sharing,
        )

    async def _username(self, caller: Caller, user_id: int) -> str:
        if user_id == caller.user_id:
            return caller.user.username
        owner = await self._store.read("user", lambda uow: uow.accounts.user_by_id(user_id))
        return owner.username if owner is not None else ""

    async def status(self, caller: Caller, document_id: str) -> DocumentAnswer:
        """One document; WRONG_SESSION when unknown, deleted, used up or not the caller's."""
        found = await self._own(caller, document_id)
        if found is None:
            return DocumentAnswer(ResultCode.WRONG_SESSION)
        record, meta = found
        return DocumentAnswer(
            ResultCode.OK, self._info(record, meta, await self._username(caller, record.user_id))
        )

    async def list_documents(
        self, caller: Caller, limit: int, offset: int
    ) -> list[DocumentInfo]:
        """The caller's documents, oldest first, paged."""
        user_id = caller.user_id
        records = await self._store.read(
            "list_documents",
            lambda uow: uow.rest.uploads_for_user(
                user_id, max(0, offset), max(0, limit), ID_LENGTH
            ),
        )
        found = []
        for record in records:
            meta = await self._meta(record.session_id)
            if meta is not None:
                found.append(self._info(record, meta, caller.user.username))
        return found

    async def upload_chunk(
        self, caller: Caller, document_id: str, first: int | None, last: int | None, chunk: bytes
    ) -> ChunkAnswer:
        """Appends the bytes ``first``..``last`` (inclusive; None = where the upload stands).

        Chunks arrive in order: ``first`` must be the number of bytes received so far
        (MISSING_CHUNK otherwise, or for an empty chunk); ``last`` must match the chunk's
        length (BAD_FILE_SIZE); past the announced size or the chunk limit is UPLOAD_TOO_BIG.
        """
        found = await self._own(caller, document_id)
        if found is None or found[0].user_id != caller.user_id:
            return ChunkAnswer(ResultCode.WRONG_SESSION)
        record, meta = found
        if record.size >= meta.size:
            return ChunkAnswer(
                ResultCode.UPLOAD_TOO_BIG,
                record.size,
                meta.size,
                "the announced size has already been received",
            )
        if not chunk:
            return ChunkAnswer(ResultCode.MISSING_CHUNK, record.size, meta.size, "empty chunk")
        start = record.size if first is None else first
        if last is not None and last - start + 1 != len(chunk):
            return ChunkAnswer(
                ResultCode.BAD_FILE_SIZE,
                record.size,
                meta.size,
                f"Range {start}-{last} does not match the {len(chunk)} bytes sent",
            )
        if len(chunk) > self._policy.chunk_bytes or start + len(chunk) > meta.size:
            return ChunkAnswer(
                ResultCode.UPLOAD_TOO_BIG,
                record.size,
                meta.size,
                "the chunk goes past the announced size or the chunk limit",
            )
        now = utcnow(self._clock)
        blobs = self._blobs

        def txn(uow: Any) -> ChunkAnswer:
            current = uow.uploads.get(document_id, for_update=True)
            if current is None:
                return ChunkAnswer(ResultCode.WRONG_SESSION)
            if start != current.size:
                return ChunkAnswer(
                    ResultCode.MISSING_CHUNK,
                    current.size,
                    meta.size,
                    f"the next chunk starts at byte {current.size}",
                )
            size = current.size + len(chunk)
            # Written at the recorded size: a retried transaction overwrites, never duplicates.
            blobs.write_at(current.blob_key, current.size, chunk)
            uow.uploads.grown(document_id, size, size >= meta.size, now)
            return ChunkAnswer(ResultCode.OK, size, meta.size)

        answer: ChunkAnswer = await self._store.transaction("upload_document_chunk", txn)
        return answer

    async def delete(self, caller: Caller, document_id: str) -> ResultCode:
        """Tears down a session or deletes a finished upload (the owner's only)."""
        found = await self._own(caller, document_id)
        if found is None or found[0].user_id != caller.user_id:
            return ResultCode.WRONG_SESSION
        await self._forget(document_id)
        return ResultCode.OK

    async def _forget(self, document_id: str) -> None:
        def txn(uow: Any) -> UploadRecord | None:
            found: UploadRecord | None = uow.uploads.get(document_id, for_update=True)
            if found is not None:
                uow.uploads.delete(document_id)
            return found

        record: UploadRecord | None = await self._store.transaction("delete_document", txn)
        if record is not None:
            await self._store.run(self._blobs.delete, record.blob_key)
        await self._store.run(self._blobs.delete, _meta_key(document_id))

    async def resolve(self, caller: Caller, document_id: str) -> ResolvedDocument | None:
        """A complete document the caller may send (its own, or shared in its account);
        None when unknown, used up, still uploading or not allowed."""
        found = await self._own(caller, document_id)
        if found is None:
            return None
        record, meta = found
        if record.size < meta.size:
            return None
        data = await self._store.run(self._blobs.get, record.blob_key)
        if data is None:
            return None
        kind = extension_of(meta.name) or "TXT"
        return ResolvedDocument(record, data, kind, meta.disposition)

    async def used(self, documents: list[ResolvedDocument]) -> None:
        """After a send: single-use documents are gone (the first one already was, inside the
        send's transaction), the others remember their last use."""
        now = utcnow(self._clock)
        for document in documents:
            document_id = document.record.session_id
            if document.disposition == "SingleUse":
                await self._forget(document_id)  # the consumed one: only its metadata is left
                continue
            meta = await self._meta(document_id)
            if meta is not None:
                touched = dataclasses.replace(meta, last_used=now.isoformat())
                await self._store.run(self._blobs.put, _meta_key(document_id), touched.encode())
