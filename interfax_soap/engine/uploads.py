"""Chunk upload: StartFileUpload, UploadFileChunk, CancelFileUpload, and taking a finished
upload as the documents of a send (``FileSizes`` entries ``<n>/sessionID=<id>``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import secrets
from typing import Any

from interfax_soap.engine.accounts import Accounts, Credentials
from interfax_soap.engine.clock import Clock, utcnow
from interfax_soap.engine.codes import ResultCode
from interfax_soap.engine.ports import Blobs, Store
from interfax_soap.engine.records import UploadRecord

__all__ = ["Uploads", "UploadPolicy", "StartedUpload", "split_session"]

logger = logging.getLogger(__name__)

_MARKER = "/sessionid="


@dataclasses.dataclass(frozen=True)
class UploadPolicy:
    chunk_bytes: int = 3 * 1024 * 1024
    total_bytes: int = 20 * 1024 * 1024
    idle_hours: float = 24


@dataclasses.dataclass(frozen=True)
class StartedUpload:
    code: ResultCode
    session_id: str | None = None


def split_session(file_sizes: str | None) -> tuple[str | None, str | None]:
    """``"12034;8888/sessionID=AB12"`` -> (``"12034;8888"``, ``"AB12"``); no marker -> (sizes, None)."""
    text = file_sizes or ""
    index = text.lower().find(_MARKER)
    if index < 0:
        return file_sizes, None
    return text[:index], text[index + len(_MARKER) :].strip()


class Uploads:
    """Upload sessions: their data goes to the blob store chunk by chunk, never whole in memory."""

    def __init__(
        self, store: Store, blobs: Blobs, accounts: Accounts, clock: Clock, policy: UploadPolicy
    ) -> None:
        self._store = store
        self._blobs = blobs
        self._accounts = accounts
        self._clock = clock
        self._policy = policy

    async def start(self, credentials: Credentials) -> StartedUpload:
        """StartFileUpload: 0 and a new SessionID of 64 upper-case hex digits."""
        auth = await self._accounts.authenticate(credentials)
        if auth.caller is None:
            return StartedUpload(auth.code)
        user_id = auth.caller.user_id
        session_id = secrets.token_hex(32).upper()
        key = self._blobs.new_key("upload")
        now = utcnow(self._clock)
        await self._store.transaction(
            "start_upload", lambda uow: uow.uploads.create(session_id, user_id, key, now)
        )
        return StartedUpload(ResultCode.OK, session_id)

    async def upload_chunk(self, session_id: str | None, chunk: bytes | None, is_last: bool) -> int:
        """UploadFileChunk: the running byte total, or -1061 (no chunk), -1062 (unknown
        session), -1063 (chunk or total over the limits)."""
        if not session_id:
            return int(ResultCode.WRONG_SESSION)
        if not chunk:
            return int(ResultCode.MISSING_CHUNK)
        if len(chunk) > self._policy.chunk_bytes:
            return int(ResultCode.UPLOAD_TOO_BIG)
        now = utcnow(self._clock)
        return int(
            await self._store.transaction(
                "upload_chunk",
                lambda uow: _append_txn(uow, self._blobs, session_id, chunk, is_last, now,
                                        self._policy.total_bytes),
            )
        )

    async def cancel(self, session_id: str | None) -> int:
        """CancelFileUpload: 0, even for a session that does not exist."""
        if session_id:
            record = await self._store.transaction(
                "cancel_upload", lambda uow: _delete_txn(uow, session_id)
            )
            if record is not None:
                await self._store.run(self._blobs.delete, record.blob_key)
        return int(ResultCode.OK)

    async def load(self, session_id: str) -> tuple[UploadRecord, bytes] | None:
        """An upload's session and data, before it is consumed by a send."""
        record = await self._store.read("load_upload", lambda uow: uow.uploads.get(session_id))
        if record is None:
            return None
        data = await self._store.run(self._blobs.get, record.blob_key)
        return record, data or b""

    def consume_txn(self, uow: Any, session_id: str) -> UploadRecord | None:
        """Inside a send's transaction: the session is used up (it cannot be used again)."""
        record = uow.uploads.get(session_id, for_update=True)
        if record is not None:
            uow.uploads.delete(session_id)
        return record

    async def discard_blob(self, record: UploadRecord) -> None:
        await self._store.run(self._blobs.delete, record.blob_key)

    async def expire(self) -> int:
        """Deletes sessions idle for longer than the policy allows."""
        before = utcnow(self._clock) - dt.timedelta(hours=self._policy.idle_hours)
        idle = await self._store.transaction(
            "expire_uploads", lambda uow: _expire_txn(uow, before)
        )
        for record in idle:
            await self._store.run(self._blobs.delete, record.blob_key)
        return len(idle)


def _append_txn(
    uow: Any, blobs: Blobs, session_id: str, chunk: bytes, is_last: bool, now: dt.datetime,
    total_limit: int,
) -> int:
    record = uow.uploads.get(session_id, for_update=True)
    if record is None:
        return int(ResultCode.WRONG_SESSION)
    size = record.size + len(chunk)
    if size > total_limit:
        return int(ResultCode.UPLOAD_TOO_BIG)
    # Written at the recorded size: a retried transaction overwrites, never duplicates.
    blobs.write_at(record.blob_key, record.size, chunk)
    uow.uploads.grown(session_id, size, is_last, now)
    return size


def _delete_txn(uow: Any, session_id: str) -> UploadRecord | None:
    record = uow.uploads.get(session_id, for_update=True)
    if record is not None:
        uow.uploads.delete(session_id)
    return record


def _expire_txn(uow: Any, before: dt.datetime) -> list[UploadRecord]:
    idle = uow.uploads.idle_since(before, 500)
    for record in idle:
        uow.uploads.delete(record.session_id)
    return idle
