"""Repository of inbound numbers, received faxes and e-mail deliveries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, case, func, select, update
from sqlalchemy.orm import Session

from interfax_soap.engine.records import (
    DeliveryRecord,
    InboundNumberRecord,
    MessageRecord,
    MessageSearch,
    NewMessage,
)
from interfax_soap.store.claims import claim_rows
from interfax_soap.store.models import EmailDelivery, InboundMessage, InboundNumber, User

__all__ = ["InboundRepository"]


def _number(row: InboundNumber, username: str) -> InboundNumberRecord:
    addresses = tuple(a for a in row.forward_addresses.split("\n") if a)
    return InboundNumberRecord(row.number, row.user_id, username, addresses, row.attachment_format)


def _delivery(row: EmailDelivery) -> DeliveryRecord:
    return DeliveryRecord(
        delivery_id=row.id,
        message_id=row.message_id,
        kind=row.kind,
        address=row.address,
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        completion_time=row.completion_time,
        last_error=row.last_error,
        created_at=row.created_at,
        transaction_id=row.transaction_id,
    )


class InboundRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    # Numbers

    def add_number(
        self, number: str, user_id: int, addresses: tuple[str, ...], attachment_format: str | None,
        now: dt.datetime,
    ) -> None:
        self._session.add(
            InboundNumber(
                number=number, user_id=user_id, forward_addresses="\n".join(addresses),
                attachment_format=attachment_format, created_at=now,
            )
        )
        self._session.flush()

    def number(self, number: str) -> InboundNumberRecord | None:
        found = self._session.execute(
            select(InboundNumber, User.username)
            .join(User, User.id == InboundNumber.user_id)
            .where(InboundNumber.number == number)
        ).one_or_none()
        return _number(*found) if found else None

    def numbers(self) -> list[InboundNumberRecord]:
        rows = self._session.execute(
            select(InboundNumber, User.username)
            .join(User, User.id == InboundNumber.user_id)
            .order_by(InboundNumber.number)
        )
        return [_number(*row) for row in rows]

    def numbers_for_user(self, user_id: int) -> list[InboundNumberRecord]:
        rows = self._session.execute(
            select(InboundNumber, User.username)
            .join(User, User.id == InboundNumber.user_id)
            .where(InboundNumber.user_id == user_id)
            .order_by(InboundNumber.number)
        )
        return [_number(*row) for row in rows]

    def update_number(
        self, number: str, addresses: tuple[str, ...], attachment_format: str | None
    ) -> None:
        """Replaces a number's forwarding addresses and attachment format."""
        self._session.execute(
            update(InboundNumber)
            .where(InboundNumber.number == number)
            .values(forward_addresses="\n".join(addresses), attachment_format=attachment_format)
        )

    def remove_number(self, number: str) -> bool:
        row = self._session.scalars(
            select(InboundNumber).where(InboundNumber.number == number)
        ).one_or_none()
        if row is None:
            return False
        self._session.delete(row)
        self._session.flush()
        return True

    # Messages

    def add_message(self, message: NewMessage) -> int:
        row = InboundMessage(
            user_id=message.user_id,
            phone_number=message.phone_number,
            remote_csid=message.remote_csid,
            caller_id=message.caller_id,
            status=message.status,
            pages=message.pages,
            receive_time=message.receive_time,
            recording_duration=message.recording_duration,
            image_blob=message.image_blob,
            image_size=message.image_size,
            pdf_blob=message.pdf_blob,
            pdf_size=message.pdf_size,
            attachment_format=message.attachment_format,
        )
        self._session.add(row)
        self._session.flush()
        return row.id

    def _message_query(self) -> Any:
        failed = func.sum(case((EmailDelivery.status > 0, 1), else_=0))
        counts = (
            select(
                EmailDelivery.message_id.label("message_id"),
                func.count().label("emails"),
                failed.label("failed"),
            )
            .where(EmailDelivery.kind == "forward")
            .group_by(EmailDelivery.message_id)
            .subquery()
        )
        return (
            select(InboundMessage, User.username, counts.c.emails, counts.c.failed)
            .join(User, User.id == InboundMessage.user_id)
            .outerjoin(counts, counts.c.message_id == InboundMessage.id)
        )

    @staticmethod
    def _message(row: InboundMessage, username: str, emails: Any, failed: Any) -> MessageRecord:
        return MessageRecord(
            message_id=row.id,
            user_id=row.user_id,
            username=username,
            phone_number=row.phone_number,
            remote_csid=row.remote_csid,
            caller_id=row.caller_id,
            status=row.status,
            pages=row.pages,
            receive_time=row.receive_time,
            recording_duration=row.recording_duration,
            image_blob=row.image_blob,
            image_size=row.image_size,
            pdf_blob=row.pdf_blob,
            pdf_size=row.pdf_size,
            read=row.read,
            attachment_format=row.attachment_format,
            emails=int(emails or 0),
            failed_emails=int(failed or 0),
        )

    def message(self, message_id: int) -> MessageRecord | None:
        found = self._session.execute(
            self._message_query().where(InboundMessage.id == message_id)
        ).one_or_none()
        return self._message(*found) if found else None

    def search(self, search: MessageSearch) -> tuple[list[MessageRecord], int]:
        """Messages matching, newest first, paged; and the count before paging. Only faxes
        whose image is still stored are listed."""
        where = [InboundMessage.user_id.in_(search.user_ids), InboundMessage.image_blob.is_not(None)]
        if search.message_id is not None:
            where.append(InboundMessage.id == search.message_id)
        if search.only_unread:
            where.append(InboundMessage.read.is_(False))
        if search.received_from is not None:
            where.append(InboundMessage.receive_time >= search.received_from)
        if search.received_to is not None:
            where.append(InboundMessage.receive_time <= search.received_to)
        if search.received_after is not None:
            where.append(InboundMessage.receive_time > search.received_after)
        if search.received_before is not None:
            where.append(InboundMessage.receive_time < search.received_before)
        if search.number_contains:
            where.append(InboundMessage.phone_number.contains(search.number_contains,
                                                               autoescape=True))
        if search.caller_contains:
            text = search.caller_contains.lower()
            where.append(
                func.lower(InboundMessage.caller_id).contains(text, autoescape=True)
                | func.lower(InboundMessage.remote_csid).contains(text, autoescape=True)
            )
        total = self._session.scalar(
            select(func.count()).select_from(InboundMessage).where(and_(*where))
        ) or 0
        rows = self._session.execute(
            self._message_query()
            .where(*where)
            .order_by(InboundMessage.id.desc())
            .offset(search.offset)
            .limit(search.limit)
        )
        return [self._message(*row) for row in rows], int(total)

    def set_read(self, message_id: int, read: bool) -> None:
        self._session.execute(
            update(InboundMessage).where(InboundMessage.id == message_id).values(read=read)
        )

    def set_pdf(self, message_id: int, blob: str, size: int) -> None:
        self._session.execute(
            update(InboundMessage)
            .where(InboundMessage.id == message_id)
            .values(pdf_blob=blob, pdf_size=size)
        )

    def expired_images(self, before: dt.datetime, limit: int) -> list[tuple[int, list[str]]]:
        rows = self._session.execute(
            select(InboundMessage.id, InboundMessage.image_blob, InboundMessage.pdf_blob)
            .where(InboundMessage.receive_time < before, InboundMessage.image_blob.is_not(None))
            .limit(limit)
        )
        found = []
        for message_id, image, pdf in rows:
            found.append((message_id, [k for k in (image, pdf) if k]))
            self._session.execute(
                update(InboundMessage)
                .where(InboundMessage.id == message_id)
                .values(image_blob=None, pdf_blob=None)
            )
        return found

    # E-mail deliveries

    def add_delivery(
        self, address: str, now: dt.datetime, message_id: int | None = None,
        kind: str = "forward", transaction_id: int | None = None,
    ) -> int:
        row = EmailDelivery(
            message_id=message_id, kind=kind, address=address, status=-1, next_attempt_at=now,
            created_at=now, transaction_id=transaction_id,
        )
        self._session.add(row)
        self._session.flush()
        return row.id

    def deliveries(self, message_id: int, kind: str = "forward") -> list[DeliveryRecord]:
        rows = self._session.scalars(
            select(EmailDelivery)
            .where(EmailDelivery.message_id == message_id, EmailDelivery.kind == kind)
            .order_by(EmailDelivery.id)
        )
        return [_delivery(row) for row in rows]

    def delivery(self, delivery_id: int) -> DeliveryRecord | None:
        row = self._session.get(EmailDelivery, delivery_id)
        return _delivery(row) if row else None

    def claim_deliveries(
        self, now: dt.datetime, worker_id: str, lease_until: dt.datetime, limit: int
    ) -> list[DeliveryRecord]:
        rows = claim_rows(
            self._session,
            EmailDelivery,
            [EmailDelivery.status == -1, EmailDelivery.next_attempt_at <= now],
            [EmailDelivery.next_attempt_at, EmailDelivery.id],
            now, worker_id, lease_until, limit,
        )
        return [_delivery(row) for row in rows]

    def update_delivery(self, delivery_id: int, **fields: Any) -> None:
        self._session.execute(
            update(EmailDelivery).where(EmailDelivery.id == delivery_id).values(**fields)
        )

    def deliveries_for_transaction(self, transaction_id: int) -> list[DeliveryRecord]:
        rows = self._session.scalars(
            select(EmailDelivery)
            .where(EmailDelivery.transaction_id == transaction_id)
            .order_by(EmailDelivery.id)
        )
        return [_delivery(row) for row in rows]
