"""Repository of the fax engine's work: claiming due transactions, leases and the call log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from interfax_soap.engine.records import CallRecord, DocumentRecord, Job
from interfax_soap.store.claims import claim_rows
from interfax_soap.store.models import Call, Document, Transaction

__all__ = ["JobRepository", "IN_PROGRESS"]

# Statuses a worker acts on: -1 render, -2 queued, -3 sending / waiting to retry, -22 out of
# prepaid credit (due when its 24 hours are over or a card opens).
IN_PROGRESS = (-1, -2, -3, -22)


def _call(row: Call) -> CallRecord:
    return CallRecord(
        call_id=row.id,
        transaction_id=row.transaction_id,
        attempt=row.attempt,
        worker_id=row.worker_id,
        number=row.number,
        started_at=row.started_at,
        ended_at=row.ended_at,
        status=row.status,
        connected=row.connected,
        pages_sent=row.pages_sent,
        duration=row.duration,
        remote_csid=row.remote_csid,
    )


class JobRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def claim_due(self, now: dt.datetime, worker_id: str, lease_until: dt.datetime, limit: int) -> list[Job]:
        """Claims up to ``limit`` due transactions that no live worker holds.

        On PostgreSQL the rows are locked with ``FOR UPDATE SKIP LOCKED``, so concurrent
        workers never claim the same transaction; SQLite has one writer at a time.
        """
        rows = claim_rows(
            self._session,
            Transaction,
            [Transaction.status.in_(IN_PROGRESS), Transaction.next_attempt_at <= now],
            [Transaction.next_attempt_at, Transaction.id],
            now, worker_id, lease_until, limit,
        )
        return [self._job(row) for row in rows]

    def _job(self, row: Transaction) -> Job:
        documents = self._session.scalars(
            select(Document).where(Document.transaction_id == row.id).order_by(Document.position)
        )
        return Job(
            transaction_id=row.id,
            status=row.status,
            destination_fax=row.destination_fax,
            sender_csid=row.sender_csid,
            fine=row.fine,
            fine_rendering=row.fine_rendering,
            page_size=row.page_size,
            page_orientation=row.page_orientation,
            retries_to_perform=row.retries_to_perform,
            trials_performed=row.trials_performed,
            image_blob=row.image_blob,
            postpone_time=row.postpone_time,
            documents=tuple(
                DocumentRecord(d.position, d.file_type, d.blob_key, d.size) for d in documents
            ),
        )

    def holds(self, transaction_id: int, worker_id: str) -> bool:
        """True while ``worker_id`` still holds the claim (a taken-over claim is lost)."""
        claimed_by = self._session.scalar(
            select(Transaction.claimed_by).where(Transaction.id == transaction_id)
        )
        return claimed_by == worker_id

    def renew_leases(self, worker_id: str, ids: list[int], lease_until: dt.datetime) -> None:
        if ids:
            self._session.execute(
                update(Transaction)
                .where(Transaction.id.in_(ids), Transaction.claimed_by == worker_id)
                .values(lease_until=lease_until)
            )

    def release_all_claims(self) -> int:
        """Forgets every claim (a single-worker database after a restart)."""
        result: Any = self._session.execute(
            update(Transaction)
            .where(Transaction.claimed_by.is_not(None))
            .values(claimed_by=None, lease_until=None)
        )
        return int(result.rowcount or 0)

    def update(self, transaction_id: int, **fields: Any) -> None:
        """Writes a state change; the engine decides what (scheduler.apply_* functions)."""
        self._session.execute(
            update(Transaction).where(Transaction.id == transaction_id).values(**fields)
        )

    def open_call(self, transaction_id: int) -> CallRecord | None:
        row = self._session.scalars(
            select(Call)
            .where(Call.transaction_id == transaction_id, Call.ended_at.is_(None))
            .order_by(Call.id.desc())
        ).first()
        return _call(row) if row else None

    def start_call(
        self, transaction_id: int, attempt: int, worker_id: str, number: str, now: dt.datetime
    ) -> int:
        row = Call(
            transaction_id=transaction_id,
            attempt=attempt,
            worker_id=worker_id,
            number=number,
            started_at=now,
        )
        self._session.add(row)
        self._session.flush()
        return row.id

    def end_call(
        self,
        call_id: int,
        now: dt.datetime,
        status: int,
        connected: bool,
        pages_sent: int,
        duration: int,
        remote_csid: str,
    ) -> None:
        self._session.execute(
            update(Call)
            .where(Call.id == call_id)
            .values(
                ended_at=now,
                status=status,
                connected=connected,
                pages_sent=pages_sent,
                duration=duration,
                remote_csid=remote_csid,
            )
        )

    def calls(self, transaction_id: int | None = None) -> list[CallRecord]:
        query = select(Call).order_by(Call.id)
        if transaction_id is not None:
            query = query.where(Call.transaction_id == transaction_id)
        return [_call(row) for row in self._session.scalars(query)]

    def expired_blobs(self, before: dt.datetime, limit: int) -> list[tuple[int, list[str]]]:
        """Finished transactions completed before ``before`` that still keep blobs."""
        rows = self._session.execute(
            select(Transaction.id, Transaction.image_blob)
            .where(
                Transaction.status >= 0,
                Transaction.completion_time < before,
                Transaction.image_blob.is_not(None)
                | Transaction.id.in_(select(Document.transaction_id)),
            )
            .limit(limit)
        ).all()
        found = []
        for transaction_id, image_blob in rows:
            keys = list(
                self._session.scalars(
                    select(Document.blob_key).where(Document.transaction_id == transaction_id)
                )
            )
            if image_blob:
                keys.append(image_blob)
            found.append((transaction_id, keys))
        return found

    def blob_in_use(self, key: str) -> bool:
        """A blob still referenced (resends and batch members share documents)."""
        document = self._session.scalar(select(Document.id).where(Document.blob_key == key).limit(1))
        image = self._session.scalar(
            select(Transaction.id).where(Transaction.image_blob == key).limit(1)
        )
        return document is not None or image is not None

    def forget_blobs(self, transaction_id: int) -> None:
        self._session.execute(
            update(Transaction).where(Transaction.id == transaction_id).values(image_blob=None)
        )
        for document in self._session.scalars(
            select(Document).where(Document.transaction_id == transaction_id)
        ):
            self._session.delete(document)
