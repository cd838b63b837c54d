"""The SQLAlchemy schema (typed declarative). Portable types only: SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from interfax_soap.store.types import UTCDateTime

__all__ = [
    "Base",
    "Account",
    "User",
    "LoginFailure",
    "Transaction",
    "Document",
    "Blob",
    "BlobPart",
    "Call",
    "UploadSession",
    "InboundNumber",
    "InboundMessage",
    "EmailDelivery",
    "SenderAddress",
    "MailRequest",
    "WebSession",
    "PrepaidCard",
    "CardCharge",
]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

utc = Annotated[dt.datetime, mapped_column(UTCDateTime())]
utc_null = Annotated[dt.datetime | None, mapped_column(UTCDateTime(), nullable=True)]
flag = Annotated[bool, mapped_column(Boolean, nullable=False, server_default=false())]
text_default = Annotated[str, mapped_column(String(255), nullable=False, server_default="")]
counter = Annotated[int, mapped_column(Integer, nullable=False, server_default="0")]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    primary_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[utc]
    # Billing (issue 7): prepaid accounts pay from cards; the rest is what GetListPP reports.
    billing: Mapped[str] = mapped_column(String(16), server_default="postpaid")
    currency_code: Mapped[str] = mapped_column(String(8), server_default="")
    date_format: Mapped[str] = mapped_column(String(32), server_default="")
    account_type: Mapped[str] = mapped_column(String(32), server_default="")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # use_alter: accounts and users reference each other (an account names its primary user).
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", use_alter=True), nullable=True
    )
    timezone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    default_retries: Mapped[int] = mapped_column(Integer, server_default="3")
    csid: Mapped[text_default]
    reply_address: Mapped[text_default]
    disabled: Mapped[flag]
    created_at: Mapped[utc]
    inbound_format: Mapped[str] = mapped_column(String(8), server_default="TIF")
    notify_format: Mapped[str] = mapped_column(String(8), server_default="none")
    callback_url: Mapped[str] = mapped_column(String(1024), server_default="")
    # Defaults of the user's sends (the account web's settings); a request's value wins.
    page_size: Mapped[str] = mapped_column(String(16), server_default="A4")
    page_orientation: Mapped[str] = mapped_column(String(16), server_default="Portrait")
    page_header: Mapped[text_default]


class LoginFailure(Base):
    """Consecutive failed logins of one user from one client address (lockout)."""

    __tablename__ = "login_failures"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[counter]
    locked_until: Mapped[utc_null]


class Transaction(Base):
    """One outbound fax to one destination (InterFAX's transaction)."""

    __tablename__ = "transactions"
    # AUTOINCREMENT on SQLite: a TransactionID is never handed out twice, even after deletes.
    __table_args__ = (
        Index("ix_transactions_user_id_id", "user_id", "id"),
        Index("ix_transactions_status_next_attempt_at", "status", "next_attempt_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    parent_transaction_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[int] = mapped_column(Integer)
    submit_time: Mapped[utc]
    postpone_time: Mapped[utc_null]
    completion_time: Mapped[utc_null]
    next_attempt_at: Mapped[utc_null]
    destination_fax: Mapped[text_default]
    contact: Mapped[text_default]
    subject: Mapped[text_default]
    reply_email: Mapped[text_default]
    sender_csid: Mapped[text_default]
    remote_csid: Mapped[text_default]
    pages_sent: Mapped[counter]
    pages_submitted: Mapped[counter]
    duration: Mapped[counter]
    retries_to_perform: Mapped[int] = mapped_column(Integer, server_default="3")
    trials_performed: Mapped[counter]
    units: Mapped[Decimal] = mapped_column(Numeric(12, 4), server_default="0")
    cost_per_unit: Mapped[Decimal] = mapped_column(Numeric(12, 4), server_default="0")
    page_size: Mapped[str] = mapped_column(String(16), server_default="A4")
    page_orientation: Mapped[str] = mapped_column(String(16), server_default="Portrait")
    fine: Mapped[flag]
    fine_rendering: Mapped[flag]
    page_header: Mapped[text_default]
    job_id: Mapped[text_default]
    priority: Mapped[counter]
    hidden: Mapped[flag]
    image_blob: Mapped[str | None] = mapped_column(String(128), nullable=True)
    claimed_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    lease_until: Mapped[utc_null]
    # When the fax first waited for prepaid credit (status -22); 24 hours later it fails.
    out_of_credit_since: Mapped[utc_null]


class Document(Base):
    """One attachment of a transaction, in submission order."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transaction_id: Mapped[int] = mapped_column(
        ForeignKey("transactions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    file_type: Mapped[str] = mapped_column(String(16))
    blob_key: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(BigInteger)


class Blob(Base):
    """Blob contents, when the blob store is the database (several hosts, no shared disk)."""

    __tablename__ = "blobs"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Call(Base):
    """The durable call log: every call placed for a transaction, and how it ended.

    A row is written (committed) before dialling; the end and the transaction's outcome are
    written together. A row without an end belongs to a call that a crash interrupted.
    """

    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transaction_id: Mapped[int] = mapped_column(
        ForeignKey("transactions.id", ondelete="CASCADE"), index=True
    )
    attempt: Mapped[int] = mapped_column(Integer)
    worker_id: Mapped[str] = mapped_column(String(128))
    number: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[utc]
    ended_at: Mapped[utc_null]
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    connected: Mapped[flag]
    pages_sent: Mapped[counter]
    duration: Mapped[counter]
    remote_csid: Mapped[text_default]


class UploadSession(Base):
    """A chunk-upload session (StartFileUpload ... SendfaxEx_2 with ``/sessionID=``)."""

    __tablename__ = "upload_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[utc]
    updated_at: Mapped[utc]
    size: Mapped[int] = mapped_column(BigInteger, server_default="0")
    blob_key: Mapped[str] = mapped_column(String(128))
    closed: Mapped[flag]


class BlobPart(Base):
    """Parts of a blob being written in pieces, when the blob store is the database."""

    __tablename__ = "blob_parts"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    offset: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class InboundNumber(Base):
    """A fax number owned by a user: faxes to it are received, stored and forwarded."""

    __tablename__ = "inbound_numbers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)  # canonical 00 form
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    forward_addresses: Mapped[str] = mapped_column(Text, server_default="")  # one per line
    attachment_format: Mapped[str | None] = mapped_column(String(8), nullable=True)
    created_at: Mapped[utc]


class InboundMessage(Base):
    """A received fax (InterFAX's inbound message); its ID is the MessageID."""

    __tablename__ = "inbound_messages"
    __table_args__ = (
        Index("ix_inbound_messages_user_id_id", "user_id", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    phone_number: Mapped[str] = mapped_column(String(64))
    remote_csid: Mapped[text_default]
    caller_id: Mapped[text_default]
    status: Mapped[counter]
    pages: Mapped[counter]
    receive_time: Mapped[utc]
    recording_duration: Mapped[counter]
    image_blob: Mapped[str | None] = mapped_column(String(128), nullable=True)
    image_size: Mapped[int] = mapped_column(BigInteger, server_default="0")
    pdf_blob: Mapped[str | None] = mapped_column(String(128), nullable=True)
    pdf_size: Mapped[int] = mapped_column(BigInteger, server_default="0")
    read: Mapped[flag]
    attachment_format: Mapped[str] = mapped_column(String(8), server_default="TIF")


class EmailDelivery(Base):
    """One mail to one address (inbound forwarding, later notifications): log and queue."""

    __tablename__ = "email_deliveries"
    __table_args__ = (Index("ix_email_deliveries_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbound_messages.id", ondelete="CASCADE"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(16), server_default="forward")
    transaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("transactions.id", ondelete="CASCADE"), nullable=True, index=True
    )
    address: Mapped[str] = mapped_column(String(1024))
    status: Mapped[int] = mapped_column(Integer, server_default="-1")  # -1 pending, 0 sent, >0 failed
    attempts: Mapped[counter]
    next_attempt_at: Mapped[utc_null]
    completion_time: Mapped[utc_null]
    last_error: Mapped[str] = mapped_column(Text, server_default="")
    created_at: Mapped[utc]
    claimed_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    lease_until: Mapped[utc_null]


class SenderAddress(Base):
    """An envelope sender allowed to fax by e-mail, and the user it sends as."""

    __tablename__ = "sender_addresses"

    address: Mapped[str] = mapped_column(String(255), primary_key=True)  # lower case
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class MailRequest(Base):
    """A request mail accepted by the gateway, stored before the SMTP 250 reply."""

    __tablename__ = "mail_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    sender: Mapped[str] = mapped_column(String(255))
    numbers: Mapped[str] = mapped_column(Text)  # one per line
    blob_key: Mapped[str] = mapped_column(String(128))
    status: Mapped[int] = mapped_column(Integer, server_default="-1", index=True)
    reason: Mapped[str] = mapped_column(Text, server_default="")
    transaction_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[utc]
    processed_at: Mapped[utc_null]
    claimed_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    lease_until: Mapped[utc_null]


class WebSession(Base):
    """A signed-in session of the account web. The browser holds a random token; only its
    SHA-256 is stored, so a copy of the table does not let anyone in."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256(token), hex
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # A primary user looking at another user of its account; None = itself.
    acting_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    # Derived from the password hash at sign-in: a password change ends the session.
    stamp: Mapped[str] = mapped_column(String(64))
    address: Mapped[text_default]
    created_at: Mapped[utc]
    last_seen_at: Mapped[utc]
    expires_at: Mapped[utc] = mapped_column(UTCDateTime(), index=True)


class PrepaidCard(Base):
    """A prepaid card of an account (PPCardID): face value and bonus, usable from its issue
    date until its close date."""

    __tablename__ = "prepaid_cards"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    face_value: Mapped[Decimal] = mapped_column(Numeric(12, 4))
    bonus: Mapped[Decimal] = mapped_column(Numeric(12, 4), server_default="0")
    issue_date: Mapped[utc]
    close_date: Mapped[utc]
    created_at: Mapped[utc]


class CardCharge(Base):
    """The card that pays a transaction, chosen before its first call. While the fax is in
    progress ``estimate`` is held; once final it costs Units x CostPerUnit."""

    __tablename__ = "card_charges"

    transaction_id: Mapped[int] = mapped_column(
        ForeignKey("transactions.id", ondelete="CASCADE"), primary_key=True
    )
    card_id: Mapped[int] = mapped_column(
        ForeignKey("prepaid_cards.id", ondelete="CASCADE"), index=True
    )
    estimate: Mapped[Decimal] = mapped_column(Numeric(12, 4))
    charged_at: Mapped[utc]
