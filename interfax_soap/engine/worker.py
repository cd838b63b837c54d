"""The fax worker: claim due transactions, render, transmit, record. Crash-safe.

Every state change is one database transaction. A call is logged (committed) before it is
placed; its end and the transaction's outcome commit together. A worker that dies leaves
claims that expire (or, on a single-worker SQLite database, are released at the next start);
a call it left open is then counted as a failed call, never as sent.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import secrets
import socket
from typing import Any, Protocol

from twisted.internet import task

from interfax_soap.engine.clock import Clock, utcnow, zone
from interfax_soap.engine.codes import FaxStatus
from interfax_soap.engine.loop import ClaimLoop
from interfax_soap.engine.notifications import queue_notifications_txn
from interfax_soap.engine.ports import Blobs, Store
from interfax_soap.engine.records import (
    DocumentRejected,
    FaxRecord,
    Job,
    PageHeader,
    RenderedFax,
    RenderRequest,
    UserRecord,
)
from interfax_soap.engine.scheduler import (
    INTERRUPTED_CALL_STATUS,
    RetryPolicy,
    call_outcome,
    can_transition,
    units_for,
)
from interfax_soap.transports.base import CallRequest, CallResult, Transport

__all__ = ["Worker", "WorkerPolicy", "Renderer", "new_worker_id", "page_header_for"]

logger = logging.getLogger(__name__)


class Renderer(Protocol):
    async def render(self, request: RenderRequest) -> RenderedFax: ...


@dataclasses.dataclass(frozen=True)
class WorkerPolicy:
    concurrency: int = 4
    poll_seconds: float = 1.0
    lease_seconds: float = 30.0
    retry: RetryPolicy = RetryPolicy()
    max_pages: int = 100
    outbound_retention_days: int = 14
    release_claims_on_start: bool = False  # only for a database with one worker (SQLite)
    default_timezone: str = "UTC"  # page header dates of users without a time zone


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class Worker:
    """Runs on the reactor; blocking work goes to the store's pool and the render pool."""

    def __init__(
        self,
        store: Store,
        blobs: Blobs,
        renderer: Renderer,
        transport: Transport,
        clock: Clock,
        policy: WorkerPolicy,
        worker_id: str | None = None,
        billing: Any = None,
    ) -> None:
        self._store = store
        # engine.billing.Billing: prices each fax and holds prepaid ones without credit (-22).
        self._billing = billing
        self._blobs = blobs
        self._renderer = renderer
        self._transport = transport
        self._clock = clock
        self._policy = policy
        self.worker_id = worker_id or new_worker_id()
        self._jobs: ClaimLoop[Job] = ClaimLoop(
            clock, "worker", policy.poll_seconds, policy.concurrency, self._claim, self._run,
            lambda job: job.transaction_id,
        )
        self._loops: list[task.LoopingCall] = []

    # Life cycle

    async def start(self) -> None:
        if self._policy.release_claims_on_start:
            released = await self._store.transaction(
                "release_claims", lambda uow: uow.jobs.release_all_claims()
            )
            if released:
                logger.info("released %d claims left by a previous worker", released)
        self._jobs.start()
        for interval, function in (
            (max(1.0, self._policy.lease_seconds / 3), self._renew_leases),
            (3600.0, self._expire_blobs),
        ):
            loop = task.LoopingCall(function)
            loop.clock = self._clock
            loop.start(interval, now=True).addErrback(self._log_failure, "loop")
            self._loops.append(loop)
        logger.info("worker %s started", self.worker_id)

    def stop(self) -> None:
        self._jobs.stop()
        for loop in self._loops:
            if loop.running:
                loop.stop()
        self._loops = []

    @property
    def busy(self) -> int:
        return len(self._jobs.in_flight)

    def wake(self) -> None:
        """Looks for due work now (called after submissions, after each job, and by timer)."""
        self._jobs.wake()

    def _log_failure(self, failure: Any, what: str) -> None:
        logger.error("worker %s failed: %s", what, failure.getTraceback())

    async def _claim(self, free: int) -> list[Job]:
        now = utcnow(self._clock)
        lease_until = now + dt.timedelta(seconds=self._policy.lease_seconds)
        return await self._store.transaction(
            "claim_due",
            lambda uow: _claim_txn(uow, now, self.worker_id, lease_until, free, self._policy),
        )

    async def _run(self, job: Job) -> None:
        try:
            if job.status == FaxStatus.PREPROCESSING:
                await self._render(job)
            elif job.status == FaxStatus.OUT_OF_CREDIT:
                await self._credit_wait_over(job)
            else:
                await self._transmit(job)
        except Exception:
            logger.exception("transaction %s: unexpected error; claim released", job.transaction_id)
            await self._store.transaction(
                "release_claim", lambda uow: _release_txn(uow, job.transaction_id, self.worker_id)
            )

    async def _renew_leases(self) -> None:
        ids = list(self._jobs.in_flight)
        if ids:
            lease_until = utcnow(self._clock) + dt.timedelta(seconds=self._policy.lease_seconds)
            await self._store.transaction(
                "renew_leases", lambda uow: uow.jobs.renew_leases(self.worker_id, ids, lease_until)
            )

    # Rendering: -1 -> -2 (or 204000 / 204001)

    async def _render(self, job: Job) -> None:
        documents = []
        for document in job.documents:
            content = await self._store.run(self._blobs.get, document.blob_key)
            if content is None:
                raise RuntimeError(f"document blob {document.blob_key} is missing")
            documents.append((content, document.file_type))
        fax, user = await self._store.transaction(
            "render_facts", lambda uow: _render_facts_txn(uow, job.transaction_id)
        )
        request = RenderRequest(
            documents=tuple(documents),
            fine=job.fine,
            fine_rendering=job.fine_rendering,
            page_size=job.page_size,
            page_orientation=job.page_orientation,
            max_pages=self._policy.max_pages,
            header=page_header_for(
                fax, user, utcnow(self._clock), self._policy.default_timezone
            ),
            # A broadcast's transactions share their document blobs: the renderer renders
            # them once and stamps each transaction's header.
            body_key=";".join(document.blob_key for document in job.documents),
        )
        try:
            rendered = await self._renderer.render(request)
        except DocumentRejected as rejected:
            logger.info("transaction %s: document rejected: %s", job.transaction_id, rejected.reason)
            failed = {
                "status": rejected.status,
                "completion_time": utcnow(self._clock),
                "next_attempt_at": None,
            }
            await self._store.transaction(
                "render_failed",
                lambda uow: _finish_txn(uow, job.transaction_id, self.worker_id, failed),
            )
            return
        key = self._blobs.new_key("tif")
        await self._store.run(self._blobs.put, key, rendered.tiff)
        now = utcnow(self._clock)
        due = max(job.postpone_time or now, now)
        changes = {
            "status": int(FaxStatus.QUEUED),
            "image_blob": key,
            "pages_submitted": rendered.pages,
            "next_attempt_at": due,
        }
        kept = await self._store.transaction(
            "rendered", lambda uow: _finish_txn(uow, job.transaction_id, self.worker_id, changes)
        )
        if not kept:  # cancelled meanwhile: the image is not needed
            await self._store.run(self._blobs.delete, key)

    # Transmitting: -2/-3 -> -3 (call) -> 0, -3 (retry) or failure

    async def _transmit(self, job: Job) -> None:
        image = await self._store.run(self._blobs.get, job.image_blob) if job.image_blob else None
        if image is None:
            raise RuntimeError(f"transaction {job.transaction_id} has no image to send")
        now = utcnow(self._clock)
        call_id = await self._store.transaction(
            "dial", lambda uow: _dial_txn(uow, job, self.worker_id, now, self._billing)
        )
        if call_id is None:
            return
        attempt = job.trials_performed + 1
        logger.info("transaction %s: call %s to %s", job.transaction_id, attempt, job.destination_fax)
        result = await self._transport.transmit(
            CallRequest(
                transaction_id=job.transaction_id,
                attempt=attempt,
                destination=job.destination_fax,
                image=image,
                sender_csid=job.sender_csid,
                fine=job.fine,
            )
        )
        ended = utcnow(self._clock)
        await self._store.transaction(
            "call_ended",
            lambda uow: _call_ended_txn(
                uow, job, call_id, attempt, result, ended, self.worker_id, self._policy.retry
            ),
        )
        logger.info(
            "transaction %s: call %s ended with %s", job.transaction_id, attempt, result.status
        )

    # Waiting for prepaid credit: -22 -> -2, or 205000 after 24 hours

    async def _credit_wait_over(self, job: Job) -> None:
        now = utcnow(self._clock)
        billing = self._billing
        if billing is None:  # a worker without billing charges nothing: the fax may go on
            await self._store.transaction(
                "credit_wait",
                lambda uow: _finish_txn(
                    uow, job.transaction_id, self.worker_id,
                    {"status": int(FaxStatus.QUEUED), "next_attempt_at": now},
                ),
            )
            return
        await self._store.transaction(
            "credit_wait",
            lambda uow: billing.credit_wait_over_txn(uow, job.transaction_id, self.worker_id, now),
        )

    # Retention

    async def _expire_blobs(self) -> None:
        before = utcnow(self._clock) - dt.timedelta(days=self._policy.outbound_retention_days)
        expired = await self._store.transaction(
            "expire_blobs", lambda uow: _expire_txn(uow, before)
        )
        for key in expired:
            await self._store.run(self._blobs.delete, key)
        if expired:
            logger.info("retention: deleted %d outbound blobs", len(expired))


# Page headers

_NO_HEADER = "N"
_DEFAULT_HEADER = "Y"


def page_header_for(
    fax: FaxRecord | None, user: UserRecord | None, now: dt.datetime, default_timezone: str
) -> PageHeader | None:
    """The header to print on a transaction's pages, or None.

    PageHeader ``N`` prints none; ``Y`` or empty prints the user's default header (none
    until the user sets one); anything else is the template itself. {Date} and {Time} are
    ``now`` in the user's time zone (the server default when the user has none).

    Args:
        fax: The transaction (None: no header).
        user: Its user, for the default header, {From} and the time zone.
        now: The time to print (rendering happens just before transmission).
        default_timezone: The server's default time zone.

    Returns:
        The template and every placeholder's value but {Page} and {TotalPages}.
    """
    if fax is None:
        return None
    template = (fax.page_header or "").strip()
    if template.upper() == _NO_HEADER:
        return None
    if template.upper() in ("", _DEFAULT_HEADER):
        template = (user.page_header if user else "").strip()
        if template.upper() in ("", _NO_HEADER, _DEFAULT_HEADER):
            return None
    local = now.astimezone(zone(user.timezone if user else None, default_timezone))
    fields = (
        ("To", fax.destination_fax),
        ("From", user.username if user else fax.username),
        ("Contact", fax.contact),
        ("CSID", fax.sender_csid),
        ("Subject", fax.subject),
        ("Date", local.strftime("%Y-%m-%d")),
        ("Time", local.strftime("%H:%M")),
    )
    return PageHeader(template=template, fields=fields)


# Transactions (each runs whole in one database transaction; safe to run again)


def _render_facts_txn(uow: Any, transaction_id: int) -> tuple[FaxRecord | None, UserRecord | None]:
    """Reads what the page header needs: the transaction and its user."""
    fax = uow.faxes.get(transaction_id)
    user = uow.accounts.user_by_id(fax.user_id) if fax is not None else None
    return fax, user


def _claim_txn(
    uow: Any, now: dt.datetime, worker_id: str, lease_until: dt.datetime, limit: int,
    policy: WorkerPolicy,
) -> list[Job]:
    """Claims due work. A claimed transaction whose previous worker died mid-call first has
    that call closed as failed (it may still retry, later)."""
    ready = []
    for job in uow.jobs.claim_due(now, worker_id, lease_until, limit):
        open_call = uow.jobs.open_call(job.transaction_id)
        if open_call is None:
            ready.append(job)
            continue
        logger.warning(
            "transaction %s: call %s was interrupted; counted as failed",
            job.transaction_id, open_call.attempt,
        )
        uow.jobs.end_call(open_call.call_id, now, INTERRUPTED_CALL_STATUS, False, 0, 0, "")
        changes = call_outcome(
            INTERRUPTED_CALL_STATUS, job.trials_performed, job.retries_to_perform, False, now,
            policy.retry,
        )
        uow.jobs.update(job.transaction_id, claimed_by=None, lease_until=None, **changes)
        if changes["status"] >= 0:
            queue_notifications_txn(uow, job.transaction_id, now)
    return ready


def _release_txn(uow: Any, transaction_id: int, worker_id: str) -> None:
    if uow.jobs.holds(transaction_id, worker_id):
        uow.jobs.update(transaction_id, claimed_by=None, lease_until=None)


def _finish_txn(uow: Any, transaction_id: int, worker_id: str, changes: dict[str, Any]) -> bool:
    """Applies a change and releases the claim, if this worker still holds it and the
    transition is allowed (a fax cancelled meanwhile stays cancelled)."""
    current = uow.faxes.get(transaction_id)
    if current is None or not uow.jobs.holds(transaction_id, worker_id):
        return False
    if not can_transition(current.status, changes["status"]):
        uow.jobs.update(transaction_id, claimed_by=None, lease_until=None)
        return False
    uow.jobs.update(transaction_id, claimed_by=None, lease_until=None, **changes)
    if changes["status"] >= 0:
        queue_notifications_txn(uow, transaction_id, changes["completion_time"])
    return True


def _dial_txn(
    uow: Any, job: Job, worker_id: str, now: dt.datetime, billing: Any = None
) -> int | None:
    """Logs the call before it is placed and counts it (TrialsPerformed). Before the first
    call billing prices the fax; a prepaid fax without credit goes to -22 instead."""
    current = uow.faxes.get(job.transaction_id)
    if current is None or not uow.jobs.holds(job.transaction_id, worker_id):
        return None
    if not can_transition(current.status, int(FaxStatus.SENDING)):
        uow.jobs.update(job.transaction_id, claimed_by=None, lease_until=None)
        return None
    if billing is not None and not billing.authorise_call_txn(uow, current, now):
        return None
    attempt = current.trials_performed + 1
    uow.jobs.update(job.transaction_id, status=int(FaxStatus.SENDING), trials_performed=attempt)
    return int(uow.jobs.start_call(job.transaction_id, attempt, worker_id, job.destination_fax, now))


def _call_ended_txn(
    uow: Any, job: Job, call_id: int, attempt: int, result: CallResult, now: dt.datetime,
    worker_id: str, retry: RetryPolicy,
) -> None:
    """Records the call's end and the transaction's outcome together."""
    open_call = uow.jobs.open_call(job.transaction_id)
    if open_call is None or open_call.call_id != call_id:
        return  # another worker already closed this call as interrupted
    uow.jobs.end_call(
        call_id, now, result.status, result.connected, result.pages_sent, result.duration,
        result.remote_csid,
    )
    changes = call_outcome(
        result.status, attempt, job.retries_to_perform, result.busy, now, retry
    )
    changes.update(
        pages_sent=result.pages_sent,
        duration=result.duration,
        remote_csid=result.remote_csid,
        units=units_for(result.page_seconds),
        claimed_by=None,
        lease_until=None,
    )
    uow.jobs.update(job.transaction_id, **changes)
    if changes["status"] >= 0:
        queue_notifications_txn(uow, job.transaction_id, now)


def _expire_txn(uow: Any, before: dt.datetime) -> list[str]:
    """Forgets old blobs; returns the keys no transaction references any more."""
    keys: set[str] = set()
    for transaction_id, blob_keys in uow.jobs.expired_blobs(before, 500):
        uow.jobs.forget_blobs(transaction_id)
        keys.update(blob_keys)
    return sorted(key for key in keys if not uow.jobs.blob_in_use(key))
