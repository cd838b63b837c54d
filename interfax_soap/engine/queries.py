"""Reading outbound faxes: FaxStatus, FaxQuery and the transmitted image."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from interfax_soap.engine.accounts import Accounts, Credentials
from interfax_soap.engine.codes import ResultCode
from interfax_soap.engine.ports import Blobs, Store
from interfax_soap.engine.records import FaxFilter, FaxRecord

__all__ = ["FaxQueries", "StatusList", "ImageResult", "parse_verb", "in_zone", "QUERY_LIMIT"]

# "MaxItems -1 = no limit (still capped by system limits)".
QUERY_LIMIT = 10_000
_ID = re.compile(r"^\s*\d{1,10}\s*$")


@dataclasses.dataclass(frozen=True)
class StatusList:
    code: ResultCode
    items: tuple[FaxRecord, ...] = ()
    total_count: int = 0


@dataclasses.dataclass(frozen=True)
class ImageResult:
    code: ResultCode
    image: bytes | None = None


def in_zone(record: FaxRecord, tz: dt.tzinfo) -> FaxRecord:
    """The record with its times in the caller's zone, as responses write them."""

    def local(value: dt.datetime | None) -> dt.datetime | None:
        return value.astimezone(tz) if value is not None else None

    return dataclasses.replace(
        record,
        submit_time=record.submit_time.astimezone(tz),
        postpone_time=local(record.postpone_time),
        completion_time=local(record.completion_time),
    )


def _ids(text: str) -> list[int] | None:
    parts = text.split(",")
    if not parts or not all(_ID.match(p) for p in parts):
        return None
    return [int(p) for p in parts]


def parse_verb(verb: str | None, verb_data: str | None) -> FaxFilter | None:
    """FaxQuery's Verb and VerbData as a filter; None for an invalid pair (-1030)."""
    name = (verb or "").strip().upper()
    data = (verb_data or "").strip()
    if name == "ACTIVE":
        return FaxFilter(active_only=True)
    ids = _ids(data) if data else None
    if ids is None:
        return None
    if name == "IN":
        return FaxFilter(ids=tuple(ids))
    if name == "BETWEEN":
        if len(ids) != 2 or ids[1] < ids[0]:
            return None
        return FaxFilter(id_min=ids[0], id_max=ids[1])
    if len(ids) != 1:
        return None
    (value,) = ids
    return {
        "PARENT": FaxFilter(parent_id=value),
        "EQ": FaxFilter(ids=(value,)),
        "GT": FaxFilter(id_min=value + 1),
        "GE": FaxFilter(id_min=value),
        "LT": FaxFilter(id_max=value - 1),
        "LE": FaxFilter(id_max=value),
    }.get(name)


class FaxQueries:
    """Status and image reads; a user only ever sees its own transactions."""

    def __init__(self, store: Store, blobs: Blobs, accounts: Accounts) -> None:
        self._store = store
        self._blobs = blobs
        self._accounts = accounts

    async def fax_status(
        self, credentials: Credentials, last_transaction_id: int, max_items: int
    ) -> StatusList:
        """FaxStatus: the caller's transactions with an ID below ``last_transaction_id``,
        newest first, at most ``max_items``; ``total_count`` counts all of them."""
        auth = await self._accounts.authenticate(credentials)
        if auth.caller is None:
            return StatusList(auth.code)
        caller = auth.caller
        limit = min(max(0, max_items), QUERY_LIMIT)
        where = FaxFilter(id_max=last_transaction_id - 1)
        items, total = await self._store.read(
            "fax_status",
            lambda uow: (
                uow.faxes.find(caller.user_id, where, limit) if limit else [],
                uow.faxes.count_for_user(caller.user_id),
            ),
        )
        return StatusList(
            ResultCode.OK, tuple(in_zone(item, caller.tz) for item in items), total
        )

    async def fax_query(
        self, credentials: Credentials, verb: str | None, verb_data: str | None, max_items: int
    ) -> StatusList:
        """FaxQuery: PARENT, ACTIVE, GT, GE, LT, LE, EQ, BETWEEN, IN; MaxItems -1 = all."""
        auth = await self._accounts.authenticate(credentials)
        if auth.caller is None:
            return StatusList(auth.code)
        where = parse_verb(verb, verb_data)
        if where is None:
            return StatusList(ResultCode.BAD_VERB)
        caller = auth.caller
        limit = QUERY_LIMIT if max_items < 0 else min(max_items, QUERY_LIMIT)
        items = await self._store.read(
            "fax_query", lambda uow: uow.faxes.find(caller.user_id, where, limit) if limit else []
        )
        return StatusList(
            ResultCode.OK, tuple(in_zone(item, caller.tz) for item in items), len(items)
        )

    async def fax_image(self, credentials: Credentials, transaction_id: int) -> ImageResult:
        """GetFaxImage: the TIFF exactly as transmitted; -1009 before it exists or after
        retention deleted it, -1005 for a transaction that is not the caller's."""
        auth = await self._accounts.authenticate(credentials)
        if auth.caller is None:
            return ImageResult(auth.code)
        caller = auth.caller
        fax = await self._store.read("fax_image", lambda uow: uow.faxes.get(transaction_id))
        if fax is None or fax.user_id != caller.user_id:
            return ImageResult(ResultCode.NO_SUCH_TRANSACTION)
        if fax.image_blob is None:
            return ImageResult(ResultCode.IMAGE_NOT_AVAILABLE)
        image = await self._store.run(self._blobs.get, fax.image_blob)
        if image is None:
            return ImageResult(ResultCode.IMAGE_NOT_AVAILABLE)
        return ImageResult(ResultCode.OK, image)
