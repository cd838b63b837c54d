"""Deliveries: forwarded faxes, result notifications and callbacks, retried until
delivered or given up.

Deliveries are rows in the database (the log GetInboundLogEmails reports), claimed by a loop
like the fax worker's. A temporary failure (no connection, 4xx) is retried with backoff until
``give_up_hours`` have passed; a permanent one (5xx) is recorded at once. A delivery whose
process died is taken over when its lease expires, so nothing is lost on a restart.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import socket
from typing import Any, Protocol

from interfax_soap.engine.clock import Clock, utcnow, zone
from interfax_soap.engine.loop import ClaimLoop
from interfax_soap.engine.notifications import callback_form, notification_csv, notification_text
from interfax_soap.engine.ports import Blobs, Store
from interfax_soap.engine.records import DeliveryRecord, MessageRecord
from interfax_soap.engine.worker import new_worker_id
from interfax_soap.transports.mail import OutgoingMail, SendOutcome

__all__ = ["Mailer", "MailPolicy", "MailTransport", "forward_mail"]

logger = logging.getLogger(__name__)

GAVE_UP = 1  # status of a delivery abandoned after temporary failures with no SMTP code


class MailTransport(Protocol):
    async def send(self, mail: OutgoingMail) -> SendOutcome: ...


class CallbackTransport(Protocol):
    async def post(self, url: str, body: bytes) -> SendOutcome: ...


@dataclasses.dataclass(frozen=True)
class MailPolicy:
    concurrency: int = 4
    poll_seconds: float = 1.0
    lease_seconds: float = 120.0
    retry_seconds: float = 60.0
    max_retry_seconds: float = 3600.0
    give_up_hours: float = 24.0
    default_timezone: str = "UTC"


def forward_mail(
    delivery: DeliveryRecord, message: MessageRecord, image: bytes, timezone: str | None,
    default_timezone: str = "UTC",
) -> OutgoingMail:
    """The mail that forwards a received fax: sender, pages and time, the image attached."""
    pdf = message.attachment_format == "PDF"
    received = message.receive_time.astimezone(zone(timezone, default_timezone))
    sender = message.caller_id or message.remote_csid or "unknown sender"
    lines = [
        f"A fax was received on {message.phone_number}.",
        "",
        f"From: {message.caller_id or '-'}",
        f"Sender CSID: {message.remote_csid or '-'}",
        f"Pages: {message.pages}",
        f"Received: {received:%Y-%m-%d %H:%M:%S} ({received.tzname()})",
        f"Message ID: {message.message_id}",
    ]
    extension = "pdf" if pdf else "tif"
    return OutgoingMail(
        to=delivery.address,
        subject=f"Fax from {sender} ({message.pages} pages)",
        text="\n".join(lines) + "\n",
        message_id=f"fax-{message.message_id}.{delivery.delivery_id}@{socket.getfqdn()}",
        attachments=(
            (f"fax-{message.message_id}.{extension}",
             "application/pdf" if pdf else "image/tiff", image),
        ),
    )


class Mailer:
    def __init__(
        self, store: Store, blobs: Blobs, transport: MailTransport, clock: Clock,
        policy: MailPolicy, callbacks: CallbackTransport | None = None,
    ) -> None:
        self._store = store
        self._blobs = blobs
        self._transport = transport
        self._callbacks = callbacks
        self._clock = clock
        self._policy = policy
        self.worker_id = new_worker_id()
        self._loop: ClaimLoop[DeliveryRecord] = ClaimLoop(
            clock, "mailer", policy.poll_seconds, policy.concurrency, self._claim, self._deliver,
            lambda delivery: delivery.delivery_id,
        )

    def start(self) -> None:
        self._loop.start()

    def stop(self) -> None:
        self._loop.stop()

    def wake(self) -> None:
        self._loop.wake()

    async def _claim(self, free: int) -> list[DeliveryRecord]:
        now = utcnow(self._clock)
        lease = now + dt.timedelta(seconds=self._policy.lease_seconds)
        return await self._store.transaction(
            "claim_deliveries",
            lambda uow: uow.inbound.claim_deliveries(now, self.worker_id, lease, free),
        )

    async def _deliver(self, delivery: DeliveryRecord) -> None:
        if delivery.kind == "callback":
            outcome = await self._post_callback(delivery)
        else:
            compose = self._compose_notification if delivery.kind.startswith("notify") else self._compose
            mail = await compose(delivery)
            if mail is None:
                outcome = SendOutcome(False, 554, True, "what this mail reports no longer exists")
            else:
                outcome = await self._transport.send(mail)
        now = utcnow(self._clock)
        changes = self._outcome(delivery, outcome, now)
        await self._store.transaction(
            "delivery_done", lambda uow: uow.inbound.update_delivery(delivery.delivery_id, **changes)
        )
        logger.info("delivery %s to %s: %s %s", delivery.delivery_id, delivery.address,
                    outcome.code, outcome.detail)

    async def _compose(self, delivery: DeliveryRecord) -> OutgoingMail | None:
        if delivery.message_id is None:
            return None
        message_id = delivery.message_id
        message, owner = await self._store.read(
            "forward_message",
            lambda uow: (
                m := uow.inbound.message(message_id),
                uow.accounts.user_by_id(m.user_id) if m else None,
            ),
        )
        if message is None:
            return None
        key = message.pdf_blob if message.attachment_format == "PDF" else message.image_blob
        image = await self._store.run(self._blobs.get, key) if key else None
        if image is None:
            return None
        return forward_mail(delivery, message, image, owner.timezone if owner else None,
                            self._policy.default_timezone)

    async def _fax_and_owner(self, transaction_id: int | None) -> tuple[Any, Any]:
        if transaction_id is None:
            return None, None
        return await self._store.read(
            "notified_fax",
            lambda uow: (
                f := uow.faxes.get(transaction_id),
                uow.accounts.user_by_id(f.user_id) if f else None,
            ),
        )

    async def _compose_notification(self, delivery: DeliveryRecord) -> OutgoingMail | None:
        fax, owner = await self._fax_and_owner(delivery.transaction_id)
        if fax is None:
            return None
        timezone = owner.timezone if owner else None
        message_id = f"result-{fax.transaction_id}.{delivery.delivery_id}@{socket.getfqdn()}"
        if delivery.kind == "notify_csv":
            subject, body, charset = notification_csv(fax, timezone, self._policy.default_timezone)
            return OutgoingMail(delivery.address, subject, body, message_id,
                                text_charset=charset, text_transfer="7bit" if charset == "us-ascii" else "base64")
        subject, body = notification_text(fax, timezone, self._policy.default_timezone)
        return OutgoingMail(delivery.address, subject, body, message_id, text_transfer="base64")

    async def _post_callback(self, delivery: DeliveryRecord) -> SendOutcome:
        fax, owner = await self._fax_and_owner(delivery.transaction_id)
        if fax is None or self._callbacks is None:
            return SendOutcome(False, 410, True, "nothing to report")
        body = callback_form(fax, owner.timezone if owner else None, self._policy.default_timezone)
        return await self._callbacks.post(delivery.address, body)

    def _outcome(self, delivery: DeliveryRecord, outcome: SendOutcome, now: dt.datetime) -> dict[str, Any]:
        attempts = delivery.attempts + 1
        base: dict[str, Any] = {"attempts": attempts, "claimed_by": None, "lease_until": None,
                                "last_error": outcome.detail[:1000]}
        if outcome.delivered:
            return {**base, "status": 0, "completion_time": now, "next_attempt_at": None}
        created = delivery.created_at
        if outcome.permanent or now - created >= dt.timedelta(hours=self._policy.give_up_hours):
            return {**base, "status": outcome.code or GAVE_UP, "completion_time": now,
                    "next_attempt_at": None}
        wait = min(self._policy.retry_seconds * 2 ** (attempts - 1), self._policy.max_retry_seconds)
        return {**base, "next_attempt_at": now + dt.timedelta(seconds=wait)}
