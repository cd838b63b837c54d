"""Receiving faxes and reading them: the inbound service's use cases.

A fax arrives through :meth:`Inbound.receive` whichever way it came (the virtual network,
the ``receive`` command, the HTTP gateway endpoint); it is stored as received (G3/G4 TIFF,
also kept as PDF for users who download PDF), listed unread, and queued for forwarding to the
number's addresses.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from collections.abc import Callable
from typing import Any, Protocol

from interfax_soap.engine.accounts import Accounts, AdminError, Caller, Credentials
from interfax_soap.engine.clock import Clock, utcnow
from interfax_soap.engine.codes import ResultCode
from interfax_soap.engine.numbers import canonical_fax_number
from interfax_soap.engine.ports import Blobs, Store
from interfax_soap.engine.records import (
    DeliveryRecord,
    MessageRecord,
    MessageSearch,
    NewMessage,
)

__all__ = [
    "Inbound",
    "InboundPolicy",
    "ReceivedImages",
    "Received",
    "Chunk",
    "ListAnswer",
    "ResendAnswer",
    "LIST_TYPES",
    "check_forwarding",
]

logger = logging.getLogger(__name__)

LIST_TYPES = ("AllMessages", "NewMessages", "AccountAllMessages", "AccountNewMessages")
MAX_LIST_ITEMS = 100
MAX_FORWARD_ADDRESSES = 25


class ReceivedImages(Protocol):
    """Turns what a gateway delivered into the stored fax image, and that into PDF."""

    async def to_fax_tiff(self, data: bytes) -> tuple[bytes, int]: ...

    async def to_pdf(self, tiff: bytes) -> bytes: ...


@dataclasses.dataclass(frozen=True)
class InboundPolicy:
    default_country: str = ""
    max_chunk_bytes: int = 10 * 1024 * 1024


@dataclasses.dataclass(frozen=True)
class Received:
    code: ResultCode
    message_id: int = 0
    reason: str = ""


@dataclasses.dataclass(frozen=True)
class Chunk:
    code: ResultCode
    data: bytes | None = None
    file_type: str | None = None


@dataclasses.dataclass(frozen=True)
class ListAnswer:
    code: ResultCode
    items: tuple[MessageRecord, ...] | None = None
    total: int = 0


@dataclasses.dataclass(frozen=True)
class ResendAnswer:
    code: ResultCode
    emails_sent: int = 0


def _local(record: MessageRecord, tz: dt.tzinfo) -> MessageRecord:
    return dataclasses.replace(record, receive_time=record.receive_time.astimezone(tz))


_RECEIVE_VERBS = ("<", "<=", ">", ">=", "=", "BETWEEN")
_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?\s*$")


def _parse_date(text: str, tz: dt.tzinfo) -> tuple[dt.datetime, bool] | None:
    """``yyyy-MM-dd`` or ``yyyy-MM-dd HH:mm:ss`` in the user's zone -> (UTC, date only)."""
    match = _DATE.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second = match.groups()
    try:
        value = dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                            int(second or 0), tzinfo=tz)
    except ValueError:
        return None
    return value.astimezone(dt.UTC), hour is None


def _upper(value: dt.datetime, whole_day: bool) -> dict[str, dt.datetime]:
    """The bound "at or before" this date (a bare date covers its whole day)."""
    if whole_day:
        return {"received_before": value + dt.timedelta(days=1)}
    return {"received_to": value}


def receive_time_filter(verb: str | None, data: str | None, tz: dt.tzinfo) -> dict[str, Any] | None:
    """GetList2's ``RecieveTime`` condition as MessageSearch bounds: {} for no condition,
    None when it does not read."""
    if not data or not data.strip():
        return {}
    name = (verb or "").strip().upper()
    if name not in _RECEIVE_VERBS:
        return None
    parts = data.split(",") if name == "BETWEEN" else [data]
    if name == "BETWEEN" and len(parts) != 2:
        return None
    parsed = [_parse_date(p, tz) for p in parts]
    if None in parsed:
        return None
    (start, whole), *rest = parsed  # type: ignore[misc]
    if name == "BETWEEN":
        (end, end_whole), = rest  # type: ignore[misc]
        return {"received_from": start, **_upper(end, end_whole)}
    if name == "=":
        return {"received_from": start, **_upper(start, whole)}
    if name == ">=":
        return {"received_from": start}
    if name == ">":
        return {"received_from": start + dt.timedelta(days=1)} if whole else {"received_after": start}
    if name == "<":
        return {"received_before": start}
    return _upper(start, whole)  # "<="


class Inbound:
    def __init__(
        self,
        store: Store,
        blobs: Blobs,
        accounts: Accounts,
        clock: Clock,
        images: ReceivedImages,
        policy: InboundPolicy,
        wake_mailer: Callable[[], None] = lambda: None,
    ) -> None:
        self._store = store
        self._blobs = blobs
        self._accounts = accounts
        self._clock = clock
        self._images = images
        self._policy = policy
        self._wake_mailer = wake_mailer

    # Receiving

    async def is_local_number(self, number: str) -> bool:
        """Whether a canonical number belongs to a user of this server."""
        found = await self._store.read("inbound_number", lambda uow: uow.inbound.number(number))
        return found is not None

    async def receive(
        self,
        to_number: str,
        image: bytes,
        caller_id: str = "",
        remote_csid: str = "",
        status: int = 0,
        recording_duration: int = 0,
        owner_id: int | None = None,
    ) -> Received:
        """Stores a received fax for the owner of ``to_number`` and queues its forwarding.

        Args:
            owner_id: when given (an authenticated gateway), the number must be this user's.

        Returns:
            OK with the new MessageID; NO_VALID_RECIPIENT for a number nobody owns here;
            IMAGE_DOES_NOT_EXIST for data that is not a fax image (TIFF or PDF).
        """
        number = canonical_fax_number(to_number, self._policy.default_country)
        owner = None
        if number is not None:
            owner = await self._store.read("inbound_number", lambda uow: uow.inbound.number(number))
        if owner is None or (owner_id is not None and owner.user_id != owner_id):
            return Received(ResultCode.NO_VALID_RECIPIENT, reason=f"{to_number} is not a number here")
        try:
            tiff, pages = await self._images.to_fax_tiff(image)
            pdf = await self._images.to_pdf(tiff)
        except ValueError as exc:
            return Received(ResultCode.IMAGE_DOES_NOT_EXIST, reason=str(exc))
        tiff_key = self._blobs.new_key("tif")
        pdf_key = self._blobs.new_key("pdf")
        await self._store.run(self._blobs.put, tiff_key, tiff)
        await self._store.run(self._blobs.put, pdf_key, pdf)
        now = utcnow(self._clock)
        user = await self._store.read(
            "inbound_owner", lambda uow: uow.accounts.user_by_id(owner.user_id)
        )
        message = NewMessage(
            user_id=owner.user_id,
            phone_number=number,
            remote_csid=(remote_csid or "")[:20],
            caller_id=(caller_id or "")[:64],
            status=status,
            pages=pages,
            receive_time=now,
            recording_duration=max(0, recording_duration),
            image_blob=tiff_key,
            image_size=len(tiff),
            pdf_blob=pdf_key,
            pdf_size=len(pdf),
            attachment_format=owner.attachment_format or user.inbound_format,
        )

        def txn(uow: Any) -> int:
            message_id = int(uow.inbound.add_message(message))
            for address in owner.forward_addresses:
                uow.inbound.add_delivery(address, now, message_id)
            return message_id

        message_id = await self._store.transaction("receive_fax", txn)
        logger.info("message %s received on %s for user %s (%d pages)", message_id, number,
                    owner.username, pages)
        if owner.forward_addresses:
            self._wake_mailer()
        return Received(ResultCode.OK, message_id)

    async def receive_as(self, credentials: Credentials, to_number: str, image: bytes,
                         caller_id: str = "", remote_csid: str = "") -> Received:
        """The HTTP gateway's entry: the credentials are those of the number's owner."""
        auth = await self._accounts.authenticate(credentials)
        if auth.caller is None:
            return Received(auth.code)
        return await self.receive(to_number, image, caller_id, remote_csid,
                                  owner_id=auth.caller.user_id)

    # Reading

    async def _caller(self, credentials: Credentials) -> tuple[ResultCode, Caller | None]:
        auth = await self._accounts.authenticate(credentials)
        return auth.code, auth.caller

    async def _scope(self, caller: Caller, account_wide: bool) -> tuple[int, ...]:
        if not account_wide:
            return (caller.user_id,)
        account_id = caller.user.account_id
        return tuple(await self._store.read(
            "account_users", lambda uow: uow.accounts.account_user_ids(account_id)
        ))

    async def get_list(self, credentials: Credentials, list_type: str, max_items: int) -> ListAnswer:
        """GetList: AllMessages / NewMessages of the caller; Account* of every user of the
        caller's account (primary users only, else -3007); MaxItems 1..100 (< 1: -3006)."""
        code, caller = await self._caller(credentials)
        if caller is None:
            return ListAnswer(code)
        if max_items < 1:
            return ListAnswer(ResultCode.BAD_MAX_ITEMS)
        account_wide = list_type.startswith("Account")
        if account_wide and not caller.user.is_primary:
            return ListAnswer(ResultCode.NO_PERMISSION)
        search = MessageSearch(
            user_ids=await self._scope(caller, account_wide),
            only_unread=list_type.endswith("NewMessages"),
            limit=min(max_items, MAX_LIST_ITEMS),
        )
        items, total = await self._store.read("get_list", lambda uow: uow.inbound.search(search))
        return ListAnswer(ResultCode.OK, tuple(_local(i, caller.tz) for i in items), total)

    async def get_list2(
        self, credentials: Credentials, message_id: int, user_id: str | None, only_new: bool,
        verb: str | None, verb_data: str | None, page_size: int, offset: int,
    ) -> ListAnswer:
        """GetList2: one fax by MessageID, or a user's faxes filtered by read state and
        receive time, paged; TotalTransactionsNum counts before paging."""
        code, caller = await self._caller(credentials)
        if caller is None:
            return ListAnswer(code)
        users = await self._users_for(caller, user_id)
        if users is None:
            return ListAnswer(ResultCode.NOT_PRIMARY_USER)
        bounds = receive_time_filter(verb, verb_data, caller.tz) if not message_id else {}
        if bounds is None:
            return ListAnswer(ResultCode.BAD_VERB)
        search = MessageSearch(
            user_ids=users,
            message_id=message_id or None,
            only_unread=only_new and not message_id,
            offset=max(0, offset),
            limit=min(page_size, MAX_LIST_ITEMS) if page_size > 0 else MAX_LIST_ITEMS,
            **bounds,
        )
        items, total = await self._store.read("get_list2", lambda uow: uow.inbound.search(search))
        return ListAnswer(ResultCode.OK, tuple(_local(i, caller.tz) for i in items), total)

    async def _users_for(self, caller: Caller, requested: str | None) -> tuple[int, ...] | None:
        """Whose faxes: the caller's, or a named user's when the caller is that user's
        account's primary user; None when not allowed."""
        if not requested or requested == caller.user.username:
            return (caller.user_id,)
        other = await self._store.read("user", lambda uow: uow.accounts.user_by_name(requested))
        if (
            other is None
            or not caller.user.is_primary
            or other.account_id is None
            or other.account_id != caller.user.account_id
        ):
            return None
        return (other.user_id,)

    async def _readable(self, caller: Caller, message_id: int) -> MessageRecord | None:
        message = await self._store.read("message", lambda uow: uow.inbound.message(message_id))
        if message is None:
            return None
        if message.user_id == caller.user_id:
            return message
        if caller.user.is_primary:
            owner = await self._store.read("user", lambda uow: uow.accounts.user_by_id(message.user_id))
            if owner is not None and owner.account_id == caller.user.account_id:
                return message
        return None

    async def readable(self, caller: Caller, message_id: int) -> MessageRecord | None:
        """A received fax ``caller`` may read (its own, or its account's for a primary user),
        times in UTC; None otherwise (the REST face's record, before image/mark/resend)."""
        return await self._readable(caller, message_id)

    async def image_chunk(
        self, credentials: Credentials, message_id: int, mark_as_read: bool, chunk_size: int,
        offset: int,
    ) -> Chunk:
        """GetImageChunk(Ex2): bytes [From, min(From + ChunkSize, size)) of the image in the
        owner's format; From = size gives no bytes; with MarkAsRead the fax becomes read once
        its last byte was delivered (COMPAT 24)."""
        code, caller = await self._caller(credentials)
        if caller is None:
            return Chunk(code)
        message = await self._readable(caller, message_id)
        if message is None:
            return Chunk(ResultCode.INVALID_MESSAGE_ID)
        pdf = message.attachment_format == "PDF"
        key = message.pdf_blob if pdf else message.image_blob
        if key is None:
            return Chunk(ResultCode.IMAGE_DOES_NOT_EXIST)
        if chunk_size < 1 or chunk_size > self._policy.max_chunk_bytes:
            return Chunk(ResultCode.BAD_CHUNK_SIZE)
        image = await self._store.run(self._blobs.get, key)
        if image is None:
            return Chunk(ResultCode.IMAGE_DOES_NOT_EXIST)
        if not image:
            return Chunk(ResultCode.EMPTY_TIFF)
        if offset < 0 or offset > len(image):
            return Chunk(ResultCode.FROM_BEYOND_SIZE)
        data = image[offset : offset + chunk_size]
        if mark_as_read and offset + len(data) >= len(image) and not message.read:
            await self._store.transaction(
                "mark_read", lambda uow: uow.inbound.set_read(message_id, True)
            )
        return Chunk(ResultCode.OK, data, "PDF" if pdf else "TIF")

    async def mark(self, credentials: Credentials, read: bool, message_id: int) -> ResultCode:
        """MarkMessage: read (true) or unread (false)."""
        code, caller = await self._caller(credentials)
        if caller is None:
            return code
        message = await self._readable(caller, message_id)
        if message is None:
            return ResultCode.INVALID_MESSAGE_ID
        if message.image_blob is None:
            return ResultCode.IMAGE_DOES_NOT_EXIST
        await self._store.transaction("mark", lambda uow: uow.inbound.set_read(message_id, read))
        return ResultCode.OK

    async def _for_requested_user(
        self, credentials: Credentials, requested_user: str | None, message_id: int
    ) -> tuple[ResultCode, MessageRecord | None]:
        code, caller = await self._caller(credentials)
        if caller is None:
            return code, None
        users = await self._users_for(caller, requested_user)
        if users is None:
            return ResultCode.NOT_PRIMARY_USER, None
        message = await self._store.read("message", lambda uow: uow.inbound.message(message_id))
        if message is None or message.user_id not in users:
            return ResultCode.NOT_USERS_TRANSACTION, None
        return ResultCode.OK, message

    async def log_emails(
        self, credentials: Credentials, requested_user: str | None, message_id: int
    ) -> tuple[ResultCode, tuple[DeliveryRecord, ...], dt.tzinfo]:
        """GetInboundLogEmails: the forwarding log of one received fax."""
        code, caller = await self._caller(credentials)
        tz = caller.tz if caller else dt.UTC
        code, message = await self._for_requested_user(credentials, requested_user, message_id)
        if message is None:
            return code, (), tz
        log = await self._store.read("log_emails", lambda uow: uow.inbound.deliveries(message_id))
        return ResultCode.OK, tuple(log), tz

    async def resend_to_email(
        self, credentials: Credentials, requested_user: str | None, message_id: int,
        only_failed: bool, address: str | None,
    ) -> ResendAnswer:
        """ResendInboundToEmail: to ``address`` when given, else to the number's addresses
        (only those that failed with OnlyToFailed); -312 while an earlier resend is pending."""
        code, message = await self._for_requested_user(credentials, requested_user, message_id)
        if message is None:
            return ResendAnswer(code)
        return await self.resend_message(message, only_failed, address)

    async def resend_message(
        self, message: MessageRecord, only_failed: bool, address: str | None
    ) -> ResendAnswer:
        """ResendInboundToEmail for a message the caller may read (checked by the caller)."""
        now = utcnow(self._clock)
        answer: ResendAnswer = await self._store.transaction(
            "resend_to_email",
            lambda uow: _resend_to_email_txn(uow, message, only_failed, address, now),
        )
        if answer.emails_sent:
            self._wake_mailer()
        return answer

    async def expire_images(self, retention_days: int) -> int:
        """Deletes received images older than the retention (GetImageChunk then -3003)."""
        before = utcnow(self._clock) - dt.timedelta(days=retention_days)
        expired = await self._store.transaction(
            "expire_inbound", lambda uow: uow.inbound.expired_images(before, 500)
        )
        for _, keys in expired:
            for key in keys:
                await self._store.run(self._blobs.delete, key)
        if expired:
            logger.info("retention: deleted the images of %d received faxes", len(expired))
        return len(expired)

    # Administration (command line; blocking, no reactor)

    def add_number_sync(
        self, number: str, username: str, addresses: tuple[str, ...], attachment_format: str | None
    ) -> str:
        """``number add``: returns the canonical number."""
        canonical = canonical_fax_number(number, self._policy.default_country)
        if canonical is None:
            raise AdminError(f"{number!r} is not a fax number (international form, or set "
                             "[numbers] default_country)")
        problem = check_forwarding(addresses, attachment_format)
        if problem:
            raise AdminError(problem)
        now = utcnow(self._clock)

        def txn(uow: Any) -> None:
            user = uow.accounts.user_by_name(username)
            if user is None:
                raise AdminError(f"no user {username!r}")
            if uow.inbound.number(canonical) is not None:
                raise AdminError(f"{canonical} already belongs to a user")
            uow.inbound.add_number(canonical, user.user_id, addresses, attachment_format, now)

        self._store.transaction_sync("add_number", txn)
        return canonical

    def remove_number_sync(self, number: str) -> str:
        canonical = canonical_fax_number(number, self._policy.default_country) or number
        removed = self._store.transaction_sync(
            "remove_number", lambda uow: uow.inbound.remove_number(canonical)
        )
        if not removed:
            raise AdminError(f"no number {canonical}")
        return canonical

    def numbers_sync(self) -> list[Any]:
        return list(self._store.transaction_sync("numbers", lambda uow: uow.inbound.numbers()))


def check_forwarding(addresses: tuple[str, ...], attachment_format: str | None) -> str | None:
    """What is wrong with a number's forwarding settings (one line), or None."""
    if len(addresses) > MAX_FORWARD_ADDRESSES:
        return f"at most {MAX_FORWARD_ADDRESSES} forwarding addresses"
    for address in addresses:
        if "@" not in address or any(c.isspace() for c in address):
            return f"{address!r} is not an e-mail address"
    if attachment_format not in (None, "TIF", "PDF"):
        return "the attachment format is TIF or PDF"
    return None


def _resend_to_email_txn(
    uow: Any, message: MessageRecord, only_failed: bool, address: str | None, now: dt.datetime
) -> ResendAnswer:
    """Queues the resend: -312 while an earlier delivery is pending; to ``address`` when
    given, else to the number's addresses and those logged (only failed ones on request)."""
    message_id = message.message_id
    log = uow.inbound.deliveries(message_id)
    if any(d.status == -1 for d in log):
        return ResendAnswer(ResultCode.ALREADY_RESENT)
    if address and address.strip():
        targets = [address.strip()]
    else:
        latest: dict[str, DeliveryRecord] = {}
        for delivery in log:
            latest[delivery.address] = delivery
        number = uow.inbound.number(message.phone_number)
        configured = list(number.forward_addresses) if number else []
        targets = [
            a for a in dict.fromkeys([*configured, *latest])
            if not only_failed or (a in latest and latest[a].status > 0)
        ]
    for target in targets:
        uow.inbound.add_delivery(target, now, message_id)
    return ResendAnswer(ResultCode.OK, len(targets))
