"""The account web's received faxes: list and search, one fax with its forwarding log, its
images, read state and resending to e-mail. Rules are the inbound service's own."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from interfax_soap.engine.accounts import Caller
from interfax_soap.engine.codes import ResultCode
from interfax_soap.engine.inbound import Inbound, ResendAnswer, check_forwarding
from interfax_soap.engine.ports import Blobs, Store
from interfax_soap.engine.records import DeliveryRecord, MessageRecord, MessageSearch
from interfax_soap.engine.websent import FaxImages

__all__ = ["ReceivedQuery", "ReceivedPage", "MessageView", "WebReceived"]

PAGE_SIZE = 50


@dataclasses.dataclass(frozen=True)
class ReceivedQuery:
    date_from: dt.date | None = None  # receive date in the caller's zone, inclusive
    date_to: dt.date | None = None
    number: str = ""  # digits within the number called
    caller: str = ""  # text within the caller ID or the remote CSID
    unread_only: bool = False
    page: int = 1


@dataclasses.dataclass(frozen=True)
class ReceivedPage:
    items: tuple[MessageRecord, ...]
    total: int
    page: int
    pages: int


@dataclasses.dataclass(frozen=True)
class MessageView:
    message: MessageRecord
    log: tuple[DeliveryRecord, ...]


def _day_start(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(dt.UTC)


def _local(message: MessageRecord, tz: dt.tzinfo) -> MessageRecord:
    return dataclasses.replace(message, receive_time=message.receive_time.astimezone(tz))


def _local_delivery(delivery: DeliveryRecord, tz: dt.tzinfo) -> DeliveryRecord:
    def local(value: dt.datetime | None) -> dt.datetime | None:
        return value.astimezone(tz) if value else None

    return dataclasses.replace(
        delivery,
        created_at=delivery.created_at.astimezone(tz),
        completion_time=local(delivery.completion_time),
        next_attempt_at=local(delivery.next_attempt_at),
    )


class WebReceived:
    """Received faxes of one user (the session's acting user)."""

    def __init__(self, store: Store, blobs: Blobs, inbound: Inbound, images: FaxImages) -> None:
        self._store = store
        self._blobs = blobs
        self._inbound = inbound
        self._images = images

    async def received(self, caller: Caller, query: ReceivedQuery) -> ReceivedPage:
        """The caller's received faxes, newest first, paged (only those whose image is
        still kept, as GetList2)."""
        tz = caller.tz
        number = "".join(c for c in query.number if c.isdigit())
        search = MessageSearch(
            user_ids=(caller.user_id,),
            only_unread=query.unread_only,
            received_from=_day_start(query.date_from, tz) if query.date_from else None,
            received_before=(
                _day_start(query.date_to + dt.timedelta(days=1), tz) if query.date_to else None
            ),
            number_contains=number or None,
            caller_contains=query.caller.strip() or None,
            offset=(max(1, query.page) - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
        items, total = await self._store.read(
            "web_received", lambda uow: uow.inbound.search(search)
        )
        return ReceivedPage(
            tuple(_local(i, tz) for i in items), total, max(1, query.page),
            max(1, -(-total // PAGE_SIZE)),
        )

    async def _own(self, caller: Caller, message_id: int) -> MessageRecord | None:
        message: MessageRecord | None = await self._store.read(
            "web_message", lambda uow: uow.inbound.message(message_id)
        )
        if message is None or message.user_id != caller.user_id or message.image_blob is None:
            return None
        return message

    async def message(
        self, caller: Caller, message_id: int, mark_read: bool = True
    ) -> MessageView | None:
        """One received fax with its forwarding log; opening it marks it read."""
        own = await self._own(caller, message_id)
        if own is None:
            return None
        message = own

        def txn(uow: Any) -> list[DeliveryRecord]:
            if mark_read and not message.read:
                uow.inbound.set_read(message_id, True)
            return list(uow.inbound.deliveries(message_id))

        log = await self._store.transaction("web_open_message", txn)
        if mark_read:
            message = dataclasses.replace(message, read=True)
        tz = caller.tz
        return MessageView(_local(message, tz), tuple(_local_delivery(d, tz) for d in log))

    async def image(self, caller: Caller, message_id: int, pdf: bool = False) -> bytes | None:
        """The received image as TIFF (as stored) or PDF."""
        message = await self._own(caller, message_id)
        if message is None:
            return None
        key = message.pdf_blob if pdf else message.image_blob
        if key is None:
            if pdf and message.image_blob:
                tiff = await self._store.run(self._blobs.get, message.image_blob)
                return await self._images.to_pdf(tiff) if tiff else None
            return None
        image: bytes | None = await self._store.run(self._blobs.get, key)
        return image

    async def page_png(
        self, caller: Caller, message_id: int, page: int, width: int
    ) -> bytes | None:
        tiff = await self.image(caller, message_id)
        return await self._images.page_png(tiff, page, width) if tiff else None

    async def mark(self, caller: Caller, message_id: int, read: bool) -> ResultCode:
        """MarkMessage: read or unread."""
        message = await self._own(caller, message_id)
        if message is None:
            return ResultCode.INVALID_MESSAGE_ID
        await self._store.transaction(
            "web_mark_message", lambda uow: uow.inbound.set_read(message_id, read)
        )
        return ResultCode.OK

    async def resend_to_email(
        self, caller: Caller, message_id: int, only_failed: bool, address: str | None
    ) -> ResendAnswer:
        """ResendInboundToEmail's rule (-312 while an earlier delivery is pending)."""
        message = await self._own(caller, message_id)
        if message is None:
            return ResendAnswer(ResultCode.NOT_USERS_TRANSACTION)
        if address and address.strip() and check_forwarding((address.strip(),), None):
            return ResendAnswer(ResultCode.NO_VALID_RECIPIENT)
        return await self._inbound.resend_message(message, only_failed, address)
