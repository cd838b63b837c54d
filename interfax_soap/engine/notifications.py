"""Fax results sent back: a notification mail (text or CSV) and an HTTP callback, queued in
the same transaction that makes a fax final, delivered by the mail loop with retries."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import urllib.parse
from typing import Any

from interfax_soap.engine.clock import zone
from interfax_soap.engine.codes import FaxStatus
from interfax_soap.engine.records import FaxRecord

__all__ = [
    "queue_notifications_txn",
    "notification_text",
    "notification_csv",
    "callback_form",
    "callback_allowed",
    "status_meaning",
]

CSV_COLUMNS = (
    "TransactionID", "Subject", "DestinationFax", "Status", "PagesSent", "PagesSubmitted",
    "Duration", "SubmitTime", "CompletionTime",
)


def status_meaning(status: int) -> str:
    try:
        return FaxStatus(status).description
    except ValueError:
        return "Sent" if status == 0 else ("In progress" if status < 0 else "Failed")


def queue_notifications_txn(uow: Any, transaction_id: int, now: dt.datetime) -> None:
    """Call inside the transaction that gives ``transaction_id`` its final status."""
    fax = uow.faxes.get(transaction_id)
    if fax is None or fax.status < 0:
        return
    user = uow.accounts.user_by_id(fax.user_id)
    if user is None:
        return
    if user.notify_format in ("text", "csv"):
        address = fax.reply_email or user.reply_address
        if address:
            uow.inbound.add_delivery(address, now, kind=f"notify_{user.notify_format}",
                                     transaction_id=transaction_id)
    if user.callback_url:
        uow.inbound.add_delivery(user.callback_url, now, kind="callback",
                                 transaction_id=transaction_id)


def _local(value: dt.datetime | None, tz: dt.tzinfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def notification_text(fax: FaxRecord, timezone: str | None, default_timezone: str) -> tuple[str, str]:
    """(subject, body) of the text notification."""
    tz = zone(timezone, default_timezone)
    outcome = "sent" if fax.status == 0 else "failed"
    lines = [
        f"Transaction ID: {fax.transaction_id}",
        f"Destination: {fax.destination_fax}",
        f"Subject: {fax.subject}",
        f"Status: {fax.status} ({status_meaning(fax.status)})",
        f"Pages sent: {fax.pages_sent} of {fax.pages_submitted}",
        f"Duration: {fax.duration} s",
        f"Submitted: {_local(fax.submit_time, tz)}",
        f"Completed: {_local(fax.completion_time, tz)}",
    ]
    return f"Fax {fax.transaction_id} {outcome}: {fax.subject}".rstrip(": "), "\n".join(lines) + "\n"


def notification_csv(fax: FaxRecord, timezone: str | None, default_timezone: str) -> tuple[str, str, str]:
    """(subject, body, charset): one header line and one data line; US-ASCII when the
    subject is ASCII, else UTF-8."""
    tz = zone(timezone, default_timezone)
    values = [
        str(fax.transaction_id), fax.subject, fax.destination_fax, str(fax.status),
        str(fax.pages_sent), str(fax.pages_submitted), str(fax.duration),
        _local(fax.submit_time, tz), _local(fax.completion_time, tz),
    ]

    def cell(text: str) -> str:
        return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text

    body = ",".join(CSV_COLUMNS) + "\r\n" + ",".join(cell(v) for v in values) + "\r\n"
    charset = "us-ascii" if fax.subject.isascii() else "utf-8"
    return f"Fax {fax.transaction_id}", body, charset


def callback_form(fax: FaxRecord, timezone: str | None, default_timezone: str) -> bytes:
    tz = zone(timezone, default_timezone)
    return urllib.parse.urlencode({
        "TransactionID": fax.transaction_id,
        "Status": fax.status,
        "PagesSent": fax.pages_sent,
        "Duration": fax.duration,
        "CompletionTime": _local(fax.completion_time, tz),
        "DestinationFax": fax.destination_fax,
        "Subject": fax.subject,
    }).encode("ascii")


def callback_allowed(url: str, allow_private: bool) -> str | None:
    """None when the URL may be called, else why not (loopback and private addresses are
    refused unless allowed, CONVENTIONS "Security defaults"). Blocking: resolves the host."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        return "not an http(s) URL"
    if allow_private:
        return None
    try:
        infos = socket.getaddrinfo(parsed.hostname, parsed.port or 80, type=socket.SOCK_STREAM)
    except OSError as exc:
        return f"cannot resolve {parsed.hostname}: {exc}"
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_private or address.is_loopback or address.is_link_local or address.is_reserved:
            return f"{parsed.hostname} is a private or loopback address"
    return None
