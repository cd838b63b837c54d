"""Managing submitted faxes: cancel, hide and resend, single transactions and batches."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from interfax_soap.engine.accounts import Accounts, Credentials
from interfax_soap.engine.ports import Store
from interfax_soap.engine.clock import Clock, utcnow
from interfax_soap.engine.codes import FaxStatus, ResultCode
from interfax_soap.engine.notifications import queue_notifications_txn
from interfax_soap.engine.numbers import canonical_fax_number
from interfax_soap.engine.outbound import Submission
from interfax_soap.engine.records import FaxRecord, NewDocument, NewFax

__all__ = ["FaxManagement", "is_cancellable", "resend_txn"]

logger = logging.getLogger(__name__)

# Statuses in which no call has been placed: a cancel still stops the fax.
_CANCELLABLE = (FaxStatus.PREPROCESSING, FaxStatus.QUEUED, FaxStatus.OUT_OF_CREDIT)


class FaxManagement:
    """CancelFax, CancelBatch, HideFax, HideBatch, ReSendFax, ResendBroadcastFax."""

    def __init__(
        self,
        store: Store,
        accounts: Accounts,
        clock: Clock,
        default_country: str = "",
        wake_worker: Callable[[], None] = lambda: None,
    ) -> None:
        self._store = store
        self._accounts = accounts
        self._clock = clock
        self._default_country = default_country
        self._wake_worker = wake_worker

    async def _as_user(
        self, credentials: Credentials, name: str, txn: Callable[[Any, int, dt.datetime], Any]
    ) -> Any:
        auth = await self._accounts.authenticate(credentials)
        if auth.caller is None:
            return auth.code
        user_id = auth.caller.user_id
        now = utcnow(self._clock)
        return await self._store.transaction(name, lambda uow: txn(uow, user_id, now))

    async def cancel_fax(self, credentials: Credentials, transaction_id: int) -> ResultCode:
        """CancelFax: 0 while the fax is not yet being transmitted, -162 after; the fax
        ends with status 403. Another user's transaction does not exist (-1005). On a batch
        parent it cancels only that transaction."""
        return await self._as_user(
            credentials, "cancel_fax",
            lambda uow, user_id, now: _cancel_txn(uow, user_id, [transaction_id], now),
        )

    async def cancel_batch(self, credentials: Credentials, parent_transaction_id: int) -> ResultCode:
        """CancelBatch: cancels every member not yet being transmitted; -162 when none is."""

        def txn(uow: Any, user_id: int, now: dt.datetime) -> ResultCode:
            members = [m.transaction_id for m in uow.faxes.members(parent_transaction_id)]
            return _cancel_txn(uow, user_id, members, now)

        return await self._as_user(credentials, "cancel_batch", txn)

    async def hide_fax(self, credentials: Credentials, transaction_id: int) -> ResultCode:
        """HideFax: the fax leaves the status lists (FaxQuery2 can still show it)."""
        return await self._as_user(
            credentials, "hide_fax",
            lambda uow, user_id, now: _hide_txn(uow, user_id, [uow.faxes.get(transaction_id)]),
        )

    async def hide_batch(self, credentials: Credentials, parent_transaction_id: int) -> ResultCode:
        return await self._as_user(
            credentials, "hide_batch",
            lambda uow, user_id, now: _hide_txn(
                uow, user_id, list(uow.faxes.members(parent_transaction_id))
            ),
        )

    async def resend_fax(
        self, credentials: Credentials, transaction_id: int, fax_number: str | None
    ) -> Submission:
        """ReSendFax: the same documents again, to the same or another number, as a new
        transaction (returned)."""
        destination = None
        if fax_number and fax_number.strip():
            destination = canonical_fax_number(fax_number, self._default_country)
            if destination is None:
                auth = await self._accounts.authenticate(credentials)
                return Submission(auth.code if auth.caller is None else ResultCode.NO_VALID_RECIPIENT)

        result = await self._as_user(
            credentials, "resend_fax",
            lambda uow, user_id, now: resend_txn(uow, user_id, transaction_id, destination, now),
        )
        return self._submitted(result)

    async def resend_batch(
        self, credentials: Credentials, parent_transaction_id: int, subject: str | None,
        errors_only: bool,
    ) -> Submission:
        """ResendBroadcastFax: the batch again as a new batch with a new parent; with
        ``errors_only`` only the members that failed."""

        def txn(uow: Any, user_id: int, now: dt.datetime) -> Submission:
            members = uow.faxes.members(parent_transaction_id)
            if not members or members[0].user_id != user_id:
                return Submission(ResultCode.NO_SUCH_TRANSACTION)
            chosen = [m for m in members if m.status > 0] if errors_only else members
            if not chosen:
                return Submission(ResultCode.NO_VALID_RECIPIENT)
            copies = [_copy(uow, m, now, m.destination_fax, subject) for m in chosen]
            if any(c is None for c in copies):
                return Submission(ResultCode.IMAGE_NOT_AVAILABLE)
            parent = uow.faxes.add(copies[0])
            for copy in copies[1:]:
                uow.faxes.add(copy, parent_transaction_id=parent)
            return Submission(ResultCode.OK, int(parent))

        result = await self._as_user(credentials, "resend_batch", txn)
        return self._submitted(result)

    def _submitted(self, result: Any) -> Submission:
        if isinstance(result, Submission):
            if result.code == ResultCode.OK:
                logger.info("transaction %s submitted as a resend", result.transaction_id)
                self._wake_worker()
            return result
        return Submission(result)


def is_cancellable(fax: FaxRecord) -> bool:
    """Whether a cancel still stops the fax: no call placed yet (else CancelFax is -162)."""
    return fax.status in _CANCELLABLE and fax.trials_performed == 0


def resend_txn(
    uow: Any, user_id: int, transaction_id: int, destination: str | None, now: dt.datetime
) -> Submission:
    """ReSendFax for an authenticated user: the user's fax again, as a new transaction, to
    ``destination`` (canonical) or the same number. The caller wakes the worker on OK."""
    original = uow.faxes.get(transaction_id)
    if original is None or original.user_id != user_id:
        return Submission(ResultCode.NO_SUCH_TRANSACTION)
    copy = _copy(uow, original, now, destination or original.destination_fax)
    if copy is None:
        return Submission(ResultCode.IMAGE_NOT_AVAILABLE)
    return Submission(ResultCode.OK, int(uow.faxes.add(copy)))


def _cancel_txn(uow: Any, user_id: int, ids: list[int], now: dt.datetime) -> ResultCode:
    faxes = [uow.faxes.get(i) for i in ids]
    faxes = [f for f in faxes if f is not None and f.user_id == user_id]
    if not faxes:
        return ResultCode.NO_SUCH_TRANSACTION
    cancelled = 0
    for fax in faxes:
        if is_cancellable(fax):
            uow.jobs.update(
                fax.transaction_id, status=int(FaxStatus.CANCELLED), completion_time=now,
                next_attempt_at=None,
            )
            queue_notifications_txn(uow, fax.transaction_id, now)
            cancelled += 1
    return ResultCode.OK if cancelled else ResultCode.CANNOT_CANCEL


def _hide_txn(uow: Any, user_id: int, faxes: list[FaxRecord | None]) -> ResultCode:
    own = [f for f in faxes if f is not None and f.user_id == user_id]
    if not own:
        return ResultCode.NO_SUCH_TRANSACTION
    for fax in own:
        uow.jobs.update(fax.transaction_id, hidden=True)
    return ResultCode.OK


def _copy(
    uow: Any, original: FaxRecord, now: dt.datetime, destination: str, subject: str | None = None
) -> NewFax | None:
    """A new transaction with the original's documents and settings; None when the
    documents are gone (retention)."""
    documents = uow.faxes.documents(original.transaction_id)
    if not documents:
        return None
    return NewFax(
        user_id=original.user_id,
        destination_fax=destination,
        status=int(FaxStatus.PREPROCESSING),
        submit_time=now,
        contact=original.contact,
        subject=subject if subject else original.subject,
        reply_email=original.reply_email,
        sender_csid=original.sender_csid,
        page_header=original.page_header,
        job_id=original.job_id,
        page_size=original.page_size,
        page_orientation=original.page_orientation,
        fine=original.fine,
        fine_rendering=original.fine_rendering,
        retries_to_perform=original.retries_to_perform,
        documents=tuple(NewDocument(d.file_type, d.blob_key, d.size) for d in documents),
    )
