"""Repository of outbound transactions and their documents."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from interfax_soap.engine.records import (
    Condition,
    DocumentRecord,
    FaxFilter,
    FaxRecord,
    FaxSearch,
    NewFax,
    SearchResult,
)
from interfax_soap.store.models import Document, Transaction, User

__all__ = ["FaxRepository"]


def _record(row: Transaction, username: str) -> FaxRecord:
    return FaxRecord(
        transaction_id=row.id,
        parent_transaction_id=row.parent_transaction_id or row.id,
        user_id=row.user_id,
        username=username,
        status=row.status,
        submit_time=row.submit_time,
        postpone_time=row.postpone_time,
        completion_time=row.completion_time,
        destination_fax=row.destination_fax,
        contact=row.contact,
        subject=row.subject,
        reply_email=row.reply_email,
        sender_csid=row.sender_csid,
        remote_csid=row.remote_csid,
        pages_sent=row.pages_sent,
        pages_submitted=row.pages_submitted,
        duration=row.duration,
        retries_to_perform=row.retries_to_perform,
        trials_performed=row.trials_performed,
        units=row.units,
        cost_per_unit=row.cost_per_unit,
        page_size=row.page_size,
        page_orientation=row.page_orientation,
        fine=row.fine,
        fine_rendering=row.fine_rendering,
        page_header=row.page_header,
        job_id=row.job_id,
        priority=row.priority,
        hidden=row.hidden,
        image_blob=row.image_blob,
    )


class FaxRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, fax: NewFax, parent_transaction_id: int | None = None) -> int:
        """Stores one transaction with its documents; returns its TransactionID."""
        row = Transaction(
            parent_transaction_id=parent_transaction_id,
            user_id=fax.user_id,
            status=fax.status,
            submit_time=fax.submit_time,
            postpone_time=fax.postpone_time,
            next_attempt_at=fax.submit_time,  # render at once; the postpone applies to calls
            destination_fax=fax.destination_fax,
            contact=fax.contact,
            subject=fax.subject,
            reply_email=fax.reply_email,
            sender_csid=fax.sender_csid,
            page_header=fax.page_header,
            job_id=fax.job_id,
            page_size=fax.page_size,
            page_orientation=fax.page_orientation,
            fine=fax.fine,
            fine_rendering=fax.fine_rendering,
            retries_to_perform=fax.retries_to_perform,
        )
        self._session.add(row)
        self._session.flush()
        if parent_transaction_id is None:
            # A single fax is its own batch parent, as InterFAX reports it.
            row.parent_transaction_id = row.id
        for position, document in enumerate(fax.documents):
            self._session.add(
                Document(
                    transaction_id=row.id,
                    position=position,
                    file_type=document.file_type,
                    blob_key=document.blob_key,
                    size=document.size,
                )
            )
        self._session.flush()
        return row.id

    def get(self, transaction_id: int) -> FaxRecord | None:
        found = self._session.execute(
            select(Transaction, User.username)
            .join(User, User.id == Transaction.user_id)
            .where(Transaction.id == transaction_id)
        ).one_or_none()
        return _record(*found) if found else None

    def documents(self, transaction_id: int) -> list[DocumentRecord]:
        rows = self._session.scalars(
            select(Document)
            .where(Document.transaction_id == transaction_id)
            .order_by(Document.position)
        )
        return [DocumentRecord(r.position, r.file_type, r.blob_key, r.size) for r in rows]

    def count_for_user(self, user_id: int) -> int:
        """Transactions the user's log shows (hidden ones excluded)."""
        return self._session.scalar(
            select(func.count())
            .select_from(Transaction)
            .where(Transaction.user_id == user_id, Transaction.hidden.is_(False))
        ) or 0

    def find(self, user_id: int, where: FaxFilter, limit: int | None) -> list[FaxRecord]:
        """The user's transactions matching ``where``, newest first."""
        query = (
            select(Transaction, User.username)
            .join(User, User.id == Transaction.user_id)
            .where(Transaction.user_id == user_id)
        )
        if where.id_min is not None:
            query = query.where(Transaction.id >= where.id_min)
        if where.id_max is not None:
            query = query.where(Transaction.id <= where.id_max)
        if where.ids is not None:
            query = query.where(Transaction.id.in_(where.ids))
        if where.parent_id is not None:
            query = query.where(Transaction.parent_transaction_id == where.parent_id)
        if where.active_only:
            query = query.where(Transaction.status < 0)
        if not where.include_hidden:
            query = query.where(Transaction.hidden.is_(False))
        query = query.order_by(Transaction.id.desc())
        if limit is not None:
            query = query.limit(limit)
        return [_record(*row) for row in self._session.execute(query)]

    def by_ids(self, ids: Sequence[int]) -> list[FaxRecord]:
        """The transactions with these IDs, whoever they belong to, in the order given
        (unknown IDs are left out). The caller decides who may see them."""
        found: dict[int, FaxRecord] = {}
        wanted = list(dict.fromkeys(ids))
        for start in range(0, len(wanted), 500):
            rows = self._session.execute(
                select(Transaction, User.username)
                .join(User, User.id == Transaction.user_id)
                .where(Transaction.id.in_(wanted[start : start + 500]))
            )
            for row in rows:
                record = _record(*row)
                found[record.transaction_id] = record
        return [found[i] for i in wanted if i in found]

    def members(self, parent_transaction_id: int) -> list[FaxRecord]:
        """Every transaction of a batch (the parent included), oldest first."""
        rows = self._session.execute(
            select(Transaction, User.username)
            .join(User, User.id == Transaction.user_id)
            .where(Transaction.parent_transaction_id == parent_transaction_id)
            .order_by(Transaction.id)
        )
        return [_record(*row) for row in rows]

    def search(self, search: FaxSearch) -> SearchResult:
        """FaxQuery2: conditions, date range, hidden, parents only; ordered and paged;
        the total and per-status counts are over every match, before paging."""
        where = _search_where(search)
        base = select(Transaction, User.username).join(User, User.id == Transaction.user_id)
        total = self._session.scalar(
            select(func.count()).select_from(Transaction).join(User).where(*where)
        ) or 0
        stats: tuple[tuple[int, int], ...] = ()
        if search.with_stats:
            rows = self._session.execute(
                select(Transaction.status, func.count())
                .join(User)
                .where(*where)
                .group_by(Transaction.status)
                .order_by(Transaction.status)
            )
            stats = tuple((int(status), int(count)) for status, count in rows)
        items: list[FaxRecord] = []
        sizes: dict[int, int] = {}
        if search.with_items and search.limit > 0:
            column = _ORDER_COLUMNS.get(search.order_by, Transaction.id)
            order = column.asc() if search.ascending else column.desc()
            tie = Transaction.id.asc() if search.ascending else Transaction.id.desc()
            rows = self._session.execute(
                base.where(*where).order_by(order, tie).offset(search.offset).limit(search.limit)
            )
            items = [_record(*row) for row in rows]
            parents = sorted({i.transaction_id for i in items})
            if parents:
                counted = self._session.execute(
                    select(Transaction.parent_transaction_id, func.count())
                    .where(Transaction.parent_transaction_id.in_(parents))
                    .group_by(Transaction.parent_transaction_id)
                )
                sizes = {int(parent): int(count) for parent, count in counted}
        return SearchResult(tuple(items), int(total), stats, sizes)

    def search_ids(self, search: FaxSearch) -> list[int]:
        """Every TransactionID a search matches, in its order, without paging: an export
        walks them in slices with :meth:`get_many`, so its rows never all sit in memory."""
        column = _ORDER_COLUMNS.get(search.order_by, Transaction.id)
        order = column.asc() if search.ascending else column.desc()
        tie = Transaction.id.asc() if search.ascending else Transaction.id.desc()
        query = (
            select(Transaction.id)
            .join(User, User.id == Transaction.user_id)
            .where(*_search_where(search))
            .order_by(order, tie)
        )
        return [int(i) for i in self._session.scalars(query)]

    def get_many(self, ids: list[int]) -> list[FaxRecord]:
        """The transactions with these IDs, in the order given (missing ones left out)."""
        if not ids:
            return []
        # Plain rows, not ORM objects: an export reads many slices, and the identity map
        # would cost more than the rows themselves (the columns keep their names and types).
        rows = self._session.execute(
            select(*Transaction.__table__.columns, User.username)
            .join(User, User.id == Transaction.user_id)
            .where(Transaction.id.in_(ids))
        )
        # A Row answers the same attribute names as the mapped class: _record reads either.
        found = {row.id: _record(cast(Transaction, row), row.username) for row in rows}
        return [found[i] for i in ids if i in found]


def _search_where(search: FaxSearch) -> list[Any]:
    """The WHERE terms of a FaxQuery2 search (conditions, dates, hidden, parents only)."""
    where: list[Any] = [Transaction.user_id.in_(search.user_ids)]
    for condition in search.conditions:
        where.append(_condition(condition))
    if search.submitted_from is not None:
        where.append(Transaction.submit_time >= search.submitted_from)
    if search.submitted_to is not None:
        where.append(Transaction.submit_time <= search.submitted_to)
    if not search.include_hidden:
        where.append(Transaction.hidden.is_(False))
    if search.only_parents:
        where.append(Transaction.parent_transaction_id == Transaction.id)
    return where


_FIELDS: dict[str, Any] = {
    "subject": Transaction.subject,
    "destination_fax": Transaction.destination_fax,
    "username": User.username,
    "reply_email": Transaction.reply_email,
    "transaction_id": Transaction.id,
    "parent_transaction_id": Transaction.parent_transaction_id,
    "status": Transaction.status,
}
_ORDER_COLUMNS: dict[str, Any] = {
    "transaction_id": Transaction.id,
    "submit_time": Transaction.submit_time,
    "completion_time": Transaction.completion_time,
    "status": Transaction.status,
    "destination_fax": Transaction.destination_fax,
    "subject": Transaction.subject,
    "pages_sent": Transaction.pages_sent,
    "username": User.username,
    "reply_email": Transaction.reply_email,
}


def _condition(condition: Condition) -> Any:
    column = _FIELDS[condition.field]
    values = condition.values
    text = isinstance(values[0], str)
    if text:
        # Text comparisons are case-insensitive (as InterFAX's SQL Server collation was).
        column = func.lower(column)
        values = tuple(v.lower() for v in values)
    operator = condition.operator
    if operator == "Equals":
        return column == values[0]
    if operator == "GreaterThan":
        return column > values[0]
    if operator == "GreaterOrEqual":
        return column >= values[0]
    if operator == "LessThan":
        return column < values[0]
    if operator == "LessOrEqual":
        return column <= values[0]
    if operator == "Like":
        return column.like(values[0])
    if operator == "IncludedIn":
        return column.in_(values)
    if operator == "Between":
        return column.between(values[0], values[1])
    raise ValueError(f"unknown operator {operator}")
