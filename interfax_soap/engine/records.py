"""Plain value types shared by the engine and its ports (stdlib only)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

__all__ = [
    "UserRecord",
    "LoginState",
    "FaxRecord",
    "NewFax",
    "NewDocument",
    "DocumentRecord",
    "Job",
    "CallRecord",
    "DocumentRejected",
    "PageHeader",
    "RenderRequest",
    "RenderedFax",
    "FaxFilter",
    "UploadRecord",
    "Condition",
    "FaxSearch",
    "SearchResult",
    "InboundNumberRecord",
    "NewMessage",
    "MessageRecord",
    "DeliveryRecord",
    "MessageSearch",
    "MailRequestRecord",
]


@dataclasses.dataclass(frozen=True)
class UserRecord:
    user_id: int
    username: str
    password_hash: str
    account_id: int | None
    account_name: str | None
    is_primary: bool
    timezone: str | None
    default_retries: int
    csid: str
    reply_address: str
    disabled: bool
    inbound_format: str = "TIF"
    notify_format: str = "none"  # none | text | csv
    callback_url: str = ""
    page_size: str = "A4"  # defaults of the user's sends (account web settings)
    page_orientation: str = "Portrait"
    page_header: str = ""


@dataclasses.dataclass(frozen=True)
class LoginState:
    """Consecutive failed logins of one user from one address."""

    failures: int
    locked_until: dt.datetime | None


@dataclasses.dataclass(frozen=True)
class NewDocument:
    file_type: str
    blob_key: str
    size: int


@dataclasses.dataclass(frozen=True)
class DocumentRecord:
    position: int
    file_type: str
    blob_key: str
    size: int


@dataclasses.dataclass(frozen=True)
class NewFax:
    """What a submission stores for one destination."""

    user_id: int
    destination_fax: str
    status: int
    submit_time: dt.datetime
    postpone_time: dt.datetime | None = None
    contact: str = ""
    subject: str = ""
    reply_email: str = ""
    sender_csid: str = ""
    page_header: str = ""
    job_id: str = ""
    page_size: str = "A4"
    page_orientation: str = "Portrait"
    fine: bool = False
    fine_rendering: bool = False
    retries_to_perform: int = 3
    documents: tuple[NewDocument, ...] = ()


@dataclasses.dataclass(frozen=True)
class FaxRecord:
    """One outbound transaction as InterFAX reports it (times are aware, UTC)."""

    transaction_id: int
    parent_transaction_id: int
    user_id: int
    username: str
    status: int
    submit_time: dt.datetime
    postpone_time: dt.datetime | None
    completion_time: dt.datetime | None
    destination_fax: str
    contact: str
    subject: str
    reply_email: str
    sender_csid: str
    remote_csid: str
    pages_sent: int
    pages_submitted: int
    duration: int
    retries_to_perform: int
    trials_performed: int
    units: Decimal
    cost_per_unit: Decimal
    page_size: str
    page_orientation: str
    fine: bool
    fine_rendering: bool
    page_header: str
    job_id: str
    priority: int
    hidden: bool
    image_blob: str | None


@dataclasses.dataclass(frozen=True)
class Job:
    """A transaction claimed by a worker: what rendering or transmitting it needs."""

    transaction_id: int
    status: int
    destination_fax: str
    sender_csid: str
    fine: bool
    fine_rendering: bool
    page_size: str
    page_orientation: str
    retries_to_perform: int
    trials_performed: int
    image_blob: str | None
    postpone_time: dt.datetime | None
    documents: tuple[DocumentRecord, ...]


@dataclasses.dataclass(frozen=True)
class CallRecord:
    """One row of the durable call log."""

    call_id: int
    transaction_id: int
    attempt: int
    worker_id: str
    number: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    status: int | None
    connected: bool
    pages_sent: int
    duration: int
    remote_csid: str


class DocumentRejected(Exception):
    """A renderer's verdict that a document cannot become a fax (status 204000 / 204001)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclasses.dataclass(frozen=True)
class PageHeader:
    """A page header to print on every page: the template and its placeholders' values.

    ``fields`` holds every placeholder but {Page} and {TotalPages}, which the renderer
    fills: (name, value) pairs such as ("To", "0081355500100").
    """

    template: str
    fields: tuple[tuple[str, str], ...] = ()


@dataclasses.dataclass(frozen=True)
class RenderRequest:
    """What the renderer needs: the documents in order and the page set-up."""

    documents: tuple[tuple[bytes, str], ...]
    fine: bool
    fine_rendering: bool
    page_size: str
    page_orientation: str
    max_pages: int
    header: PageHeader | None = None
    """Printed at the top of every page; None prints none."""
    body_key: str = ""
    """Names documents shared by several transactions (a broadcast's blob keys): the
    renderer may render them once per page set-up and stamp each transaction's header on
    the shared pages. Empty: no sharing."""


@dataclasses.dataclass(frozen=True)
class RenderedFax:
    tiff: bytes
    pages: int


@dataclasses.dataclass(frozen=True)
class FaxFilter:
    """Which of a user's transactions a query selects (IDs inclusive)."""

    id_min: int | None = None
    id_max: int | None = None
    ids: tuple[int, ...] | None = None
    parent_id: int | None = None
    active_only: bool = False
    include_hidden: bool = False


@dataclasses.dataclass(frozen=True)
class UploadRecord:
    """A chunk-upload session."""

    session_id: str
    user_id: int
    created_at: dt.datetime
    updated_at: dt.datetime
    size: int
    blob_key: str
    closed: bool


@dataclasses.dataclass(frozen=True)
class Condition:
    """One FaxQuery2 condition on a transaction field (values already parsed)."""

    field: str  # subject, destination_fax, username, reply_email, transaction_id, ...
    operator: str  # Equals, GreaterThan, GreaterOrEqual, LessThan, LessOrEqual, Like, ...
    values: tuple[Any, ...]


@dataclasses.dataclass(frozen=True)
class FaxSearch:
    """FaxQuery2 as the store runs it."""

    user_ids: tuple[int, ...]
    conditions: tuple[Condition, ...] = ()
    submitted_from: dt.datetime | None = None
    submitted_to: dt.datetime | None = None
    include_hidden: bool = False
    only_parents: bool = False
    order_by: str = "transaction_id"
    ascending: bool = False
    offset: int = 0
    limit: int = 100
    with_items: bool = True
    with_stats: bool = False


@dataclasses.dataclass(frozen=True)
class SearchResult:
    items: tuple[FaxRecord, ...]
    total: int
    stats: tuple[tuple[int, int], ...]  # (status, count)
    batch_sizes: dict[int, int]  # parent TransactionID -> members


@dataclasses.dataclass(frozen=True)
class InboundNumberRecord:
    number: str
    user_id: int
    username: str
    forward_addresses: tuple[str, ...]
    attachment_format: str | None


@dataclasses.dataclass(frozen=True)
class NewMessage:
    """A received fax as it is stored."""

    user_id: int
    phone_number: str
    remote_csid: str
    caller_id: str
    status: int
    pages: int
    receive_time: dt.datetime
    recording_duration: int
    image_blob: str
    image_size: int
    attachment_format: str
    pdf_blob: str | None = None
    pdf_size: int = 0


@dataclasses.dataclass(frozen=True)
class MessageRecord:
    """A received fax as InterFAX reports it (MessageItem / MessageItem2)."""

    message_id: int
    user_id: int
    username: str
    phone_number: str
    remote_csid: str
    caller_id: str
    status: int
    pages: int
    receive_time: dt.datetime
    recording_duration: int
    image_blob: str | None
    image_size: int
    pdf_blob: str | None
    pdf_size: int
    read: bool
    attachment_format: str
    emails: int = 0
    failed_emails: int = 0


@dataclasses.dataclass(frozen=True)
class DeliveryRecord:
    """One e-mail to one address, and how it went (-1 pending, 0 sent, > 0 failed)."""

    delivery_id: int
    message_id: int | None
    kind: str
    address: str
    status: int
    attempts: int
    next_attempt_at: dt.datetime | None
    completion_time: dt.datetime | None
    last_error: str
    created_at: dt.datetime
    transaction_id: int | None = None


@dataclasses.dataclass(frozen=True)
class MessageSearch:
    user_ids: tuple[int, ...]
    message_id: int | None = None
    only_unread: bool = False
    received_from: dt.datetime | None = None  # inclusive bounds, UTC
    received_to: dt.datetime | None = None
    received_after: dt.datetime | None = None  # exclusive bounds, UTC
    received_before: dt.datetime | None = None
    number_contains: str | None = None  # digits within the number called (account web)
    caller_contains: str | None = None  # text within the caller ID or the remote CSID
    offset: int = 0
    limit: int = 100


@dataclasses.dataclass(frozen=True)
class MailRequestRecord:
    """A request mail accepted by the gateway (pending until turned into a fax)."""

    request_id: int
    user_id: int
    sender: str
    numbers: tuple[str, ...]
    blob_key: str
    status: int  # -1 pending, 0 faxed, < 0 the ResultCode that refused it
    reason: str
    transaction_id: int | None
