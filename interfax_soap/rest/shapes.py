"""The REST JSON objects (REST-FACTS 3.10, 4.3, 5.6, 6.2, 6.4), built from engine records.

Field names and order follow the recorded traffic; dates are UTC without a zone, decimals
keep .NET's scale.
"""

from __future__ import annotations

from typing import Any

from interfax_soap.engine.documents import DocumentInfo
from interfax_soap.engine.records import DeliveryRecord, FaxRecord, MessageRecord
from interfax_soap.engine.rest_records import BatchSummary
from interfax_soap.rest.wire import net_date, scaled

__all__ = [
    "fax_summary",
    "fax_full",
    "batch_head",
    "batch_record",
    "document",
    "inbound_fax",
    "forwarding_email",
]


def _resolution(fine: bool) -> str:
    return "Fine" if fine else "Standard"


def _summary_fields(record: FaxRecord) -> dict[str, Any]:
    return {
        "userId": record.username,
        "pagesSent": record.pages_sent,
        "completionTime": net_date(record.completion_time),
        "remoteCSID": record.remote_csid,
        "duration": record.duration,
        "priority": record.priority,
        "units": scaled(record.units, 2),
        "costPerUnit": scaled(record.cost_per_unit, 4),
        "attemptsMade": record.trials_performed,
    }


def _result_fields(record: FaxRecord, base_url: str) -> dict[str, Any]:
    return {
        "id": record.transaction_id,
        "uri": f"{base_url}/outbound/faxes/{record.transaction_id}",
        "status": record.status,
    }


def fax_summary(record: FaxRecord, base_url: str) -> dict[str, Any]:
    """The summary level: lists of completed faxes and batch children."""
    return {**_summary_fields(record), **_result_fields(record, base_url)}


def fax_full(record: FaxRecord, base_url: str) -> dict[str, Any]:
    """The full level: fax list, record and search."""
    return {
        "submitTime": net_date(record.submit_time),
        "contact": record.contact or None,
        "destinationFax": record.destination_fax,
        "replyEmail": record.reply_email,
        "subject": record.subject or None,
        "pagesSubmitted": record.pages_submitted,
        "senderCSID": record.sender_csid,
        "attemptsToPerform": record.retries_to_perform,
        "pageSize": record.page_size,
        "resolution": _resolution(record.fine),
        "pageResolution": _resolution(record.fine),
        "pageOrientation": record.page_orientation,
        "rendering": _resolution(record.fine_rendering),
        # Recorded as "0" when the fax has no header (REST-FACTS 3.10).
        "pageHeader": record.page_header or "0",
        **fax_summary(record, base_url),
    }


def batch_head(batch: BatchSummary) -> dict[str, Any]:
    head = batch.head
    return {
        "batchHeadId": head.transaction_id,
        "userId": head.username,
        "numOfTransactions": batch.members,
        "submitTime": net_date(head.submit_time),
        "replyEmail": head.reply_email,
        "reference": head.subject or None,
        "pagesSubmitted": batch.pages_submitted,
        "senderCSID": head.sender_csid,
        "pageSize": head.page_size,
        "pageOrientation": head.page_orientation,
        "pageResolution": _resolution(head.fine),
        "renderingQuality": _resolution(head.fine_rendering),
        "pageHeader": head.page_header or "0",
        "attemptsToPerform": head.retries_to_perform,
    }


def batch_record(batch: BatchSummary) -> dict[str, Any]:
    return {
        **batch_head(batch),
        "totalOK": batch.total_ok,
        "totalFailed": batch.total_failed,
        "totalInProcess": batch.total_in_process,
    }


def document(info: DocumentInfo, base_url: str) -> dict[str, Any]:
    return {
        "userId": info.username,
        "fileName": info.file_name,
        "fileSize": info.file_size,
        "uploaded": info.uploaded,
        "uri": f"{base_url}/outbound/documents/{info.document_id}",
        "creationTime": net_date(info.created_at),
        # Lower-case "u" as on the wire (Java and doit-inc bind that spelling).
        "lastusageTime": net_date(info.last_used_at),
        "status": info.status,
        "disposition": info.disposition,
        "sharing": info.sharing,
    }


def inbound_fax(message: MessageRecord) -> dict[str, Any]:
    pdf = message.attachment_format == "PDF"
    if message.image_blob is None:
        image_status = "DONT_EXIST"
    else:
        image_status = "READ" if message.read else "UNREAD"
    return {
        "userId": message.username,
        "messageId": message.message_id,
        "phoneNumber": message.phone_number,
        "remoteCSID": message.remote_csid,
        "messageStatus": message.status,
        "pages": message.pages,
        "messageSize": message.pdf_size if pdf else message.image_size,
        "messageType": 1,
        "receiveTime": net_date(message.receive_time),
        "callerId": message.caller_id or None,
        "recordingDuration": message.recording_duration,
        "imageStatus": image_status,
        "numOfEmails": message.emails,
        "numOfFailedEmails": message.failed_emails,
    }


def forwarding_email(delivery: DeliveryRecord) -> dict[str, Any]:
    return {
        "emailAddress": delivery.address,
        "messageStatus": delivery.status,
        "completionTime": net_date(delivery.completion_time) if delivery.completion_time else None,
    }
