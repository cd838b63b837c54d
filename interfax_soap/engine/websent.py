"""The account web's sent faxes: search, one fax's page, its images, cancel, hide, resend,
and the export of a search. Every rule is the SOAP services' own (management, search)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from interfax_soap.engine.accounts import Caller
from interfax_soap.engine.clock import Clock, utcnow
from interfax_soap.engine.codes import ResultCode

# The very transactions CancelFax and HideFax run: one rule, whichever wire asks.
from interfax_soap.engine.management import _cancel_txn, _hide_txn, is_cancellable, resend_txn
from interfax_soap.engine.numbers import canonical_fax_number
from interfax_soap.engine.outbound import Submission
from interfax_soap.engine.ports import Blobs, Store
from interfax_soap.engine.queries import in_zone
from interfax_soap.engine.records import (
    CallRecord,
    Condition,
    DocumentRecord,
    FaxRecord,
    FaxSearch,
)

__all__ = [
    "FaxImages",
    "SentQuery",
    "SentPage",
    "FaxView",
    "WebFaxes",
    "STATUS_CLASSES",
    "SORT_COLUMNS",
    "PAGE_SIZES",
]

logger = logging.getLogger(__name__)

STATUS_CLASSES = ("progress", "sent", "failed")
# Columns the list can be ordered by (FaxSearch.order_by names).
SORT_COLUMNS = (
    "transaction_id", "submit_time", "completion_time", "subject", "destination_fax", "status",
    "pages_sent",
)
PAGE_SIZES = (20, 50, 100, 200)
EXPORT_SLICE = 500  # rows read per transaction while exporting


class FaxImages(Protocol):
    """Pictures of a fax TIFF for people (implemented in render/, off the reactor)."""

    async def page_png(self, tiff: bytes, page: int, width: int) -> bytes | None: ...

    async def to_pdf(self, tiff: bytes) -> bytes: ...


@dataclasses.dataclass(frozen=True)
class SentQuery:
    """The search form of the sent-faxes page (every field optional)."""

    date_from: dt.date | None = None  # submit date, in the caller's zone, inclusive
    date_to: dt.date | None = None
    subject: str = ""  # contained, case-insensitive
    destination: str = ""  # a whole number, or digits contained in it
    status: int | None = None
    status_class: str = ""  # progress | sent | failed
    batch: int | None = None  # ParentTransactionID
    order_by: str = "transaction_id"
    ascending: bool = False
    page: int = 1
    page_size: int = 50


@dataclasses.dataclass(frozen=True)
class SentPage:
    items: tuple[FaxRecord, ...]
    total: int
    page: int
    pages: int
    stats: tuple[tuple[int, int], ...]
    batch_sizes: dict[int, int]

    @property
    def in_progress(self) -> bool:
        return any(item.status < 0 for item in self.items)


@dataclasses.dataclass(frozen=True)
class FaxView:
    fax: FaxRecord
    documents: tuple[DocumentRecord, ...]
    calls: tuple[CallRecord, ...]
    batch_size: int
    cancellable: bool
    has_image: bool


def _day_start(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(dt.UTC)


def _conditions(query: SentQuery, default_country: str) -> tuple[Condition, ...]:
    conditions = []
    if query.subject.strip():
        conditions.append(Condition("subject", "Like", (f"%{query.subject.strip()}%",)))
    destination = query.destination.strip()
    if destination:
        canonical = canonical_fax_number(destination, default_country)
        digits = "".join(c for c in destination if c.isdigit())
        if canonical is not None:
            conditions.append(Condition("destination_fax", "Equals", (canonical,)))
        elif digits:
            conditions.append(Condition("destination_fax", "Like", (f"%{digits}%",)))
    if query.status is not None:
        conditions.append(Condition("status", "Equals", (query.status,)))
    if query.status_class == "progress":
        conditions.append(Condition("status", "LessThan", (0,)))
    elif query.status_class == "sent":
        conditions.append(Condition("status", "Equals", (0,)))
    elif query.status_class == "failed":
        conditions.append(Condition("status", "GreaterThan", (0,)))
    if query.batch is not None:
        conditions.append(Condition("parent_transaction_id", "Equals", (query.batch,)))
    return tuple(conditions)


class WebFaxes:
    """Sent faxes of one user (the session's acting user), for the account web."""

    def __init__(
        self,
        store: Store,
        blobs: Blobs,
        images: FaxImages,
        clock: Clock,
        default_country: str = "",
        wake_worker: Callable[[], None] = lambda: None,
    ) -> None:
        self._store = store
        self._blobs = blobs
        self._images = images
        self._clock = clock
        self._default_country = default_country
        self._wake_worker = wake_worker

    def _search(self, caller: Caller, query: SentQuery, paged: bool) -> FaxSearch:
        size = query.page_size if query.page_size in PAGE_SIZES else PAGE_SIZES[1]
        submitted_to = None
        if query.date_to is not None:
            next_day = query.date_to + dt.timedelta(days=1)
            submitted_to = _day_start(next_day, caller.tz) - dt.timedelta(microseconds=1)
        return FaxSearch(
            user_ids=(caller.user_id,),
            conditions=_conditions(query, self._default_country),
            submitted_from=_day_start(query.date_from, caller.tz) if query.date_from else None,
            submitted_to=submitted_to,
            order_by=query.order_by if query.order_by in SORT_COLUMNS else "transaction_id",
            ascending=query.ascending,
            offset=(max(1, query.page) - 1) * size if paged else 0,
            limit=size,
            with_stats=paged,
        )

    async def sent(self, caller: Caller, query: SentQuery) -> SentPage:
        """One page of the caller's sent faxes matching the query (hidden ones left out),
        with the count per status over every match."""
        search = self._search(caller, query, paged=True)
        found = await self._store.read("web_sent", lambda uow: uow.faxes.search(search))
        pages = max(1, -(-found.total // search.limit))
        return SentPage(
            items=tuple(in_zone(item, caller.tz) for item in found.items),
            total=found.total,
            page=max(1, query.page),
            pages=pages,
            stats=found.stats,
            batch_sizes=found.batch_sizes,
        )

    async def export_sent(
        self,
        caller: Caller,
        query: SentQuery,
        deliver: Callable[[tuple[FaxRecord, ...]], Awaitable[bool]],
    ) -> int:
        """Every fax the query matches (no paging), in its order, handed to ``deliver`` in
        slices of EXPORT_SLICE; ``deliver`` answers False to stop (the client went away).

        Only the matching IDs are held; rows are read slice by slice, each in its own short
        transaction, so an export of any size neither loads every row nor holds a thread.

        Returns:
            How many rows were delivered.
        """
        search = self._search(caller, query, paged=False)
        ids = await self._store.read("web_export_ids", lambda uow: uow.faxes.search_ids(search))
        delivered = 0
        for start in range(0, len(ids), EXPORT_SLICE):
            chunk: list[int] = ids[start : start + EXPORT_SLICE]

            def slice_txn(uow: Any, chunk: list[int] = chunk) -> list[FaxRecord]:
                return list(uow.faxes.get_many(chunk))

            rows = await self._store.read("web_export_rows", slice_txn)
            delivered += len(rows)
            if not await deliver(tuple(in_zone(row, caller.tz) for row in rows)):
                break
        return delivered

    async def _own(self, caller: Caller, transaction_id: int) -> FaxRecord | None:
        fax: FaxRecord | None = await self._store.read(
            "web_fax", lambda uow: uow.faxes.get(transaction_id)
        )
        if fax is None or fax.user_id != caller.user_id:
            return None  # another user's fax does not exist for this caller
        return fax

    async def fax(self, caller: Caller, transaction_id: int) -> FaxView | None:
        """A fax of the caller with its documents, calls and batch size; None otherwise."""

        def txn(uow: Any) -> FaxView | None:
            fax = uow.faxes.get(transaction_id)
            if fax is None or fax.user_id != caller.user_id:
                return None
            members = uow.faxes.members(fax.parent_transaction_id)
            return FaxView(
                fax=fax,
                documents=tuple(uow.faxes.documents(transaction_id)),
                calls=tuple(uow.jobs.calls(transaction_id)),
                batch_size=len(members),
                cancellable=is_cancellable(fax),
                has_image=fax.image_blob is not None,
            )

        view: FaxView | None = await self._store.read("web_fax", txn)
        if view is None:
            return None
        tz = caller.tz
        calls = tuple(
            dataclasses.replace(
                c, started_at=c.started_at.astimezone(tz),
                ended_at=c.ended_at.astimezone(tz) if c.ended_at else None,
            )
            for c in view.calls
        )
        return dataclasses.replace(view, fax=in_zone(view.fax, tz), calls=calls)

    async def image(self, caller: Caller, transaction_id: int) -> bytes | None:
        """The TIFF exactly as transmitted (GetFaxImage's bytes), or None."""
        fax = await self._own(caller, transaction_id)
        if fax is None or fax.image_blob is None:
            return None
        image: bytes | None = await self._store.run(self._blobs.get, fax.image_blob)
        return image

    async def pdf(self, caller: Caller, transaction_id: int) -> bytes | None:
        tiff = await self.image(caller, transaction_id)
        return await self._images.to_pdf(tiff) if tiff else None

    async def page_png(
        self, caller: Caller, transaction_id: int, page: int, width: int
    ) -> bytes | None:
        tiff = await self.image(caller, transaction_id)
        return await self._images.page_png(tiff, page, width) if tiff else None

    async def cancel(self, caller: Caller, transaction_id: int) -> ResultCode:
        """CancelFax's rule: 0, -162 once a call was placed, -1005 not the caller's."""
        now = utcnow(self._clock)
        code: ResultCode = await self._store.transaction(
            "web_cancel_fax", lambda uow: _cancel_txn(uow, caller.user_id, [transaction_id], now)
        )
        return code

    async def hide(self, caller: Caller, transaction_id: int) -> ResultCode:
        """HideFax's rule: the fax leaves the lists."""
        code: ResultCode = await self._store.transaction(
            "web_hide_fax",
            lambda uow: _hide_txn(uow, caller.user_id, [uow.faxes.get(transaction_id)]),
        )
        return code

    async def resend(
        self, caller: Caller, transaction_id: int, fax_number: str | None
    ) -> Submission:
        """ReSendFax's rule: the same documents to the same or another number (-112 for a
        number that does not read, -1009 when retention removed the documents)."""
        destination = None
        if fax_number and fax_number.strip():
            destination = canonical_fax_number(fax_number, self._default_country)
            if destination is None:
                return Submission(ResultCode.NO_VALID_RECIPIENT)
        now = utcnow(self._clock)
        result: Submission = await self._store.transaction(
            "web_resend_fax",
            lambda uow: resend_txn(uow, caller.user_id, transaction_id, destination, now),
        )
        if result.code == ResultCode.OK:
            logger.info("transaction %s submitted as a resend of %s (web)",
                        result.transaction_id, transaction_id)
            self._wake_worker()
        return result
