"""Outbound use cases: submit faxes and report their status."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Collection
from typing import Any, Protocol

from interfax_soap.engine.accounts import Accounts, Caller, Credentials, Store
from interfax_soap.engine.clock import Clock, utcnow
from interfax_soap.engine.codes import FaxStatus, ResultCode
from interfax_soap.engine.numbers import canonical_fax_number
from interfax_soap.engine.records import FaxRecord, NewDocument, NewFax

__all__ = ["Outbound", "Submission", "StatusList", "SubmitPolicy"]

logger = logging.getLogger(__name__)


class Blobs(Protocol):
    def new_key(self, prefix: str) -> str: ...

    def put(self, key: str, data: bytes) -> None: ...

    def get(self, key: str) -> bytes | None: ...

    def delete(self, key: str) -> None: ...


@dataclasses.dataclass(frozen=True)
class SubmitPolicy:
    default_country: str = ""
    supported_file_types: Collection[str] = ("TXT",)


@dataclasses.dataclass(frozen=True)
class Submission:
    """The answer to a send: a positive TransactionID, or a negative ResultCode."""

    code: ResultCode
    transaction_id: int = 0

    @property
    def wire_value(self) -> int:
        return self.transaction_id if self.code == ResultCode.OK else int(self.code)


@dataclasses.dataclass(frozen=True)
class StatusList:
    code: ResultCode
    items: tuple[FaxRecord, ...] = ()
    total_count: int = 0


def _in_zone(record: FaxRecord, tz: dt.tzinfo) -> FaxRecord:
    """The record with its times in the caller's zone, as responses write them."""

    def local(value: dt.datetime | None) -> dt.datetime | None:
        return value.astimezone(tz) if value is not None else None

    return dataclasses.replace(
        record,
        submit_time=record.submit_time.astimezone(tz),
        postpone_time=local(record.postpone_time),
        completion_time=local(record.completion_time),
    )


class Outbound:
    """Submitting outbound faxes and reading their state, for every wire."""

    def __init__(
        self,
        store: Store,
        blobs: Blobs,
        accounts: Accounts,
        clock: Clock,
        policy: SubmitPolicy,
        wake_worker: Callable[[], None] = lambda: None,
    ) -> None:
        self._store = store
        self._blobs = blobs
        self._accounts = accounts
        self._clock = clock
        self._policy = policy
        self._wake_worker = wake_worker

    def _file_type(self, token: str | None) -> str | None:
        """Normalises a FileType token (case-insensitive; empty means TXT), None if unsupported."""
        file_type = (token or "").strip().upper() or "TXT"
        return file_type if file_type in self._policy.supported_file_types else None

    async def send_char_fax(
        self, credentials: Credentials, fax_number: str | None, data: str | None, file_type: str | None
    ) -> Submission:
        """SendCharFax: one text document (``Data``) to one number.

        Checks in CONVENTIONS.md order: file type (-1004), credentials (-1003/-1876),
        recipient (-112), document (-123).
        """
        kind = self._file_type(file_type)
        if kind is None:
            return Submission(ResultCode.BAD_FILE_TYPE)
        auth = await self._accounts.authenticate(credentials)
        if auth.caller is None:
            return Submission(auth.code)
        destination = canonical_fax_number(fax_number, self._policy.default_country)
        if destination is None:
            return Submission(ResultCode.NO_VALID_RECIPIENT)
        if not data:
            return Submission(ResultCode.NO_DOCUMENT)
        return await self._submit(auth.caller, [destination], [(data.encode("utf-8"), kind)])

    async def _submit(
        self, caller: Caller, destinations: list[str], documents: list[tuple[bytes, str]]
    ) -> Submission:
        stored = []
        for content, kind in documents:
            key = self._blobs.new_key(kind.lower())
            await self._store.run(self._blobs.put, key, content)
            stored.append(NewDocument(file_type=kind, blob_key=key, size=len(content)))
        now = utcnow(self._clock)
        faxes = [
            NewFax(
                user_id=caller.user_id,
                destination_fax=destination,
                status=int(FaxStatus.PREPROCESSING),
                submit_time=now,
                sender_csid=caller.user.csid,
                reply_email=caller.user.reply_address,
                retries_to_perform=caller.user.default_retries,
                documents=tuple(stored),
            )
            for destination in destinations
        ]
        transaction_id = await self._store.transaction(
            "submit_faxes", lambda uow: _submit_txn(uow, faxes)
        )
        logger.info("transaction %s submitted by %s", transaction_id, caller.user.username)
        self._wake_worker()
        return Submission(ResultCode.OK, transaction_id)

    async def fax_status(
        self, credentials: Credentials, last_transaction_id: int, max_items: int
    ) -> StatusList:
        """FaxStatus: the caller's transactions with an ID below ``last_transaction_id``,
        newest first, at most ``max_items``; ``total_count`` counts all of them."""
        auth = await self._accounts.authenticate(credentials)
        if auth.caller is None:
            return StatusList(auth.code)
        caller = auth.caller
        limit = max(0, max_items)
        items, total = await self._store.transaction(
            "fax_status",
            lambda uow: (
                uow.faxes.below(caller.user_id, last_transaction_id, limit) if limit else [],
                uow.faxes.count_for_user(caller.user_id),
            ),
        )
        return StatusList(
            ResultCode.OK, tuple(_in_zone(item, caller.tz) for item in items), total
        )


def _submit_txn(uow: Any, faxes: list[NewFax]) -> int:
    """Stores a submission; several destinations form a batch under the first one's ID."""
    parent = uow.faxes.add(faxes[0])
    for fax in faxes[1:]:
        uow.faxes.add(fax, parent_transaction_id=parent)
    return parent
