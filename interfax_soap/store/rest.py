"""Repository of the REST face's reads: cursor-paged fax, batch and inbound lists, document
sessions by user. Records come from the aggregates' own repositories."""

from __future__ import annotations

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, aliased

from interfax_soap.engine.records import FaxRecord, MessageRecord, UploadRecord
from interfax_soap.engine.rest_records import BatchSummary
from interfax_soap.store.faxes import FaxRepository
from interfax_soap.store.inbound import InboundRepository
from interfax_soap.store.models import InboundMessage, Transaction, UploadSession
from interfax_soap.store.uploads import UploadRepository

__all__ = ["RestRepository"]


class RestRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._faxes = FaxRepository(session)
        self._inbound = InboundRepository(session)
        self._uploads = UploadRepository(session)

    def _faxes_by_id(self, ids: list[int]) -> list[FaxRecord]:
        found = [self._faxes.get(i) for i in ids]
        return [f for f in found if f is not None]

    def singles(
        self, user_ids: tuple[int, ...], last_id: int | None, limit: int, ascending: bool
    ) -> list[FaxRecord]:
        """Transactions that are not members of a batch of two or more, not hidden, by ID
        from the exclusive cursor ``last_id``."""
        member = aliased(Transaction)
        batched = select(member.parent_transaction_id).where(
            member.parent_transaction_id != member.id
        )
        query = select(Transaction.id).where(
            Transaction.user_id.in_(user_ids),
            Transaction.hidden.is_(False),
            or_(
                Transaction.parent_transaction_id.is_(None),
                Transaction.parent_transaction_id.not_in(batched),
            ),
        )
        if last_id is not None:
            query = query.where(Transaction.id > last_id if ascending else Transaction.id < last_id)
        order = Transaction.id.asc() if ascending else Transaction.id.desc()
        return self._faxes_by_id(list(self._session.scalars(query.order_by(order).limit(limit))))

    def batch_summaries(
        self,
        user_ids: tuple[int, ...],
        last_id: int | None = None,
        limit: int = 25,
        ascending: bool = False,
        batch_id: int | None = None,
        min_members: int = 2,
    ) -> list[BatchSummary]:
        """Batches (by parent transaction) with at least ``min_members`` members and their
        counts by outcome; parents that are hidden are left out unless one batch is asked for."""
        member = aliased(Transaction)
        stats = select(
            member.parent_transaction_id.label("parent_id"),
            func.count().label("members"),
            func.sum(case((member.status == 0, 1), else_=0)).label("ok"),
            func.sum(case((member.status > 0, 1), else_=0)).label("failed"),
            func.sum(case((member.status < 0, 1), else_=0)).label("in_process"),
            func.sum(member.pages_submitted).label("pages"),
        ).where(member.user_id.in_(user_ids))
        if batch_id is not None:
            stats = stats.where(member.parent_transaction_id == batch_id)
        counts = (
            stats.group_by(member.parent_transaction_id)
            .having(func.count() >= min_members)
            .subquery()
        )
        query = select(
            Transaction.id,
            counts.c.members,
            counts.c.ok,
            counts.c.failed,
            counts.c.in_process,
            counts.c.pages,
        ).join(counts, counts.c.parent_id == Transaction.id)
        if batch_id is None:
            query = query.where(Transaction.hidden.is_(False))
        if last_id is not None:
            query = query.where(Transaction.id > last_id if ascending else Transaction.id < last_id)
        order = Transaction.id.asc() if ascending else Transaction.id.desc()
        found = []
        for head_id, members, ok, failed, in_process, pages in self._session.execute(
            query.order_by(order).limit(limit)
        ):
            head = self._faxes.get(head_id)
            if head is not None:
                found.append(
                    BatchSummary(
                        head,
                        int(members),
                        int(ok or 0),
                        int(failed or 0),
                        int(in_process or 0),
                        int(pages or 0),
                    )
                )
        return found

    def messages(
        self, user_ids: tuple[int, ...], before_id: int | None, only_unread: bool, limit: int
    ) -> list[MessageRecord]:
        """Received faxes whose image is still stored, newest first, with an ID below the
        exclusive cursor ``before_id``."""
        query = select(InboundMessage.id).where(
            InboundMessage.user_id.in_(user_ids), InboundMessage.image_blob.is_not(None)
        )
        if before_id is not None:
            query = query.where(InboundMessage.id < before_id)
        if only_unread:
            query = query.where(InboundMessage.read.is_(False))
        ids = self._session.scalars(query.order_by(InboundMessage.id.desc()).limit(limit))
        found = [self._inbound.message(i) for i in ids]
        return [m for m in found if m is not None]

    def uploads_for_user(
        self, user_id: int, offset: int, limit: int, id_length: int | None = None
    ) -> list[UploadRecord]:
        """A user's upload sessions, oldest first; ``id_length`` keeps only IDs of that
        length (REST documents have 32-character IDs, SOAP's sessions 64)."""
        query = select(UploadSession.id).where(UploadSession.user_id == user_id)
        if id_length is not None:
            query = query.where(func.length(UploadSession.id) == id_length)
        ids = self._session.scalars(
            query.order_by(UploadSession.created_at, UploadSession.id).offset(offset).limit(limit)
        )
        found = [self._uploads.get(i) for i in ids]
        return [u for u in found if u is not None]
