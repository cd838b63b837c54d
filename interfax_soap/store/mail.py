"""Repository of the mail gateway: registered senders and accepted request mails."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from interfax_soap.engine.records import MailRequestRecord, UserRecord
from interfax_soap.store.accounts import AccountRepository
from interfax_soap.store.claims import claim_rows
from interfax_soap.store.models import MailRequest, SenderAddress

__all__ = ["MailRepository"]


def _request(row: MailRequest) -> MailRequestRecord:
    return MailRequestRecord(
        request_id=row.id,
        user_id=row.user_id,
        sender=row.sender,
        numbers=tuple(n for n in row.numbers.split("\n") if n),
        blob_key=row.blob_key,
        status=row.status,
        reason=row.reason,
        transaction_id=row.transaction_id,
    )


class MailRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def sender_user(self, address: str) -> UserRecord | None:
        user_id = self._session.scalar(
            select(SenderAddress.user_id).where(SenderAddress.address == address.lower())
        )
        return AccountRepository(self._session).user_by_id(user_id) if user_id else None

    def add_sender(self, address: str, user_id: int) -> None:
        self._session.add(SenderAddress(address=address.lower(), user_id=user_id))
        self._session.flush()

    def add_request(
        self, user_id: int, sender: str, numbers: tuple[str, ...], blob_key: str, now: dt.datetime
    ) -> int:
        row = MailRequest(
            user_id=user_id, sender=sender[:255], numbers="\n".join(numbers), blob_key=blob_key,
            status=-1, created_at=now,
        )
        self._session.add(row)
        self._session.flush()
        return row.id

    def claim_requests(
        self, now: dt.datetime, worker_id: str, lease_until: dt.datetime, limit: int
    ) -> list[MailRequestRecord]:
        rows = claim_rows(
            self._session, MailRequest, [MailRequest.status == -1], [MailRequest.id],
            now, worker_id, lease_until, limit,
        )
        return [_request(row) for row in rows]

    def finish_request(
        self, request_id: int, status: int, reason: str, transaction_id: int | None,
        now: dt.datetime,
    ) -> None:
        self._session.execute(
            update(MailRequest)
            .where(MailRequest.id == request_id)
            .values(status=status, reason=reason[:1000], transaction_id=transaction_id,
                    processed_at=now, claimed_by=None, lease_until=None)
        )

    def requests(self) -> list[MailRequestRecord]:
        return [_request(r) for r in self._session.scalars(select(MailRequest).order_by(MailRequest.id))]
