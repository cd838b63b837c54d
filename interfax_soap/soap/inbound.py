"""Service Inbound (inbound.asmx, http://www.interfax.net): thin adapters onto the engine.

Operations in the order of InterFAX's inbound schema.
"""

from __future__ import annotations

from typing import Any

from interfax_soap import ns
from interfax_soap.engine.codes import ResultCode
from interfax_soap.engine.records import MessageRecord
from interfax_soap.soap import compat  # noqa: F401  (shims before Spyne)
from interfax_soap.soap.context import CallContext
from interfax_soap.soap.declare import Bool, Bytes, Int, Long, String, operation
from interfax_soap.soap.inbound_types import (
    ArrayOfMessageItem,
    ImageChunkResult,
    InboundEmailsResult,
    InboundFaxQueryResult,
    InboundLogEmail,
    InboundQueryControl,
    InboundQueryForm,
    ListType,
    MessageItem,
    MessageItem2,
    ResendResult,
)

from spyne import Application, ServiceBase  # noqa: E402

__all__ = ["Inbound", "build_inbound_application"]

_CREDENTIALS = [("username", "Username", String), ("password", "Password", String)]
_STRUCT = {"min_occurs": 1, "nillable": False}  # .NET structs: always present


def _size(record: MessageRecord) -> int:
    """MessageSize: the image as served, in the owner's format."""
    return record.pdf_size if record.attachment_format == "PDF" else record.image_size


def message_item(record: MessageRecord) -> MessageItem:
    return MessageItem(
        MessageID=record.message_id,
        PhoneNumber=record.phone_number,
        RemoteCSID=record.remote_csid,
        MessageStatus=record.status,
        Pages=record.pages,
        MessageSize=_size(record),
        MessageType=1,
        ReceiveTime=record.receive_time,
        CallerID=record.caller_id,
        MessageRecordingDuration=record.recording_duration,
    )


def message_item2(record: MessageRecord) -> MessageItem2:
    image_status = "DONT_EXIST" if record.image_blob is None else (
        "READ" if record.read else "UNREAD"
    )
    return MessageItem2(
        UserID=record.username,
        ImageStatus=image_status,
        NumOfEmails=record.emails,
        NumOfFailedEmails=record.failed_emails,
        **{name: getattr(message_item(record), name) for name in MessageItem._type_info},
    )


class Inbound(ServiceBase):
    """inbound.asmx. Each method: wire arguments -> one engine call -> wire result."""

    @operation(
        "ResendInboundToEmail",
        [
            *_CREDENTIALS,
            ("requested_user_id", "RequestedUserID", String),
            ("transaction_id", "TransactionID", Int),
            ("only_to_failed", "OnlyToFailed", Bool),
            ("email_address", "EmailAddress", String),
        ],
        [("ResendInboundToEmailResult", ResendResult.customize(**_STRUCT))],
    )
    async def resend_inbound_to_email(
        ctx: CallContext, username: Any, password: Any, requested_user_id: Any,
        transaction_id: int, only_to_failed: bool, email_address: Any,
    ) -> ResendResult:
        """ResendInboundToEmail: -310 / -311 / -312 or 0 with the number of mails queued."""
        answer = await ctx.inbound.resend_to_email(
            ctx.credentials(username, password), requested_user_id, transaction_id,
            only_to_failed, email_address,
        )
        return ResendResult(ResultCode=int(answer.code), EmailsSent=answer.emails_sent)

    @operation(
        "GetInboundLogEmails",
        [
            *_CREDENTIALS,
            ("requested_user_id", "RequestedUserID", String),
            ("transaction_id", "TransactionID", Int),
        ],
        [("GetInboundLogEmailsResult", InboundEmailsResult.customize(**_STRUCT))],
    )
    async def get_inbound_log_emails(
        ctx: CallContext, username: Any, password: Any, requested_user_id: Any,
        transaction_id: int,
    ) -> InboundEmailsResult:
        """GetInboundLogEmails: the forwarding log (status -1 while pending, 0 delivered,
        else the SMTP reply that refused it)."""
        code, log, tz = await ctx.inbound.log_emails(
            ctx.credentials(username, password), requested_user_id, transaction_id
        )
        if code != ResultCode.OK:
            return InboundEmailsResult(ResultCode=int(code))
        entries = [
            InboundLogEmail(
                EmailAddress=d.address,
                MessageStatus=d.status,
                CompletionTime=d.completion_time.astimezone(tz) if d.completion_time else None,
            )
            for d in log
        ]
        return InboundEmailsResult(ResultCode=0, InboundEmails=entries)

    @operation(
        "GetList",
        [
            *_CREDENTIALS,
            ("list_type", "LType", ListType),
            ("max_items", "MaxItems", Int),
            ("items", "objMessageItem", ArrayOfMessageItem),
        ],
        [("GetListResult", Int), ("objMessageItem", ArrayOfMessageItem)],
    )
    async def get_list(
        ctx: CallContext, username: Any, password: Any, list_type: str, max_items: int,
        items: Any,
    ) -> tuple[int, Any]:
        """GetList: 0 and the messages in the ByRef objMessageItem (COMPAT 15, 16)."""
        answer = await ctx.inbound.get_list(
            ctx.credentials(username, password), list_type, max_items
        )
        if answer.code != ResultCode.OK:
            return int(answer.code), None
        return 0, [message_item(record) for record in answer.items]

    @operation(
        "GetList2",
        [
            *_CREDENTIALS,
            ("query_form", "QueryForm", InboundQueryForm.customize(**_STRUCT)),
            ("query_control", "QueryControl", InboundQueryControl.customize(**_STRUCT)),
        ],
        [("GetList2Result", InboundFaxQueryResult.customize(**_STRUCT))],
        doc="Returns list of inbound fax details.",
    )
    async def get_list2(
        ctx: CallContext, username: Any, password: Any, query_form: Any, query_control: Any
    ) -> InboundFaxQueryResult:
        """GetList2: by MessageID, user, unread, RecieveTime; paged by QueryControl."""
        condition = getattr(query_form, "RecieveTime", None)
        answer = await ctx.inbound.get_list2(
            ctx.credentials(username, password),
            int(getattr(query_form, "TransactionID", 0) or 0),
            getattr(query_form, "UserID", None),
            bool(getattr(query_form, "OnlyNewMessages", False)),
            getattr(condition, "Verb", None),
            getattr(condition, "VerbData", None),
            int(getattr(query_control, "MaxChunkSize", 0) or 0),
            int(getattr(query_control, "FromRecordNumber", 0) or 0),
        )
        if answer.code != ResultCode.OK:
            return InboundFaxQueryResult(ResultCode=int(answer.code), TotalTransactionsNum=0)
        return InboundFaxQueryResult(
            MessageItems=[message_item2(record) for record in answer.items],
            ResultCode=0,
            TotalTransactionsNum=answer.total,
        )

    @operation(
        "GetImageChunkEx2",
        [
            *_CREDENTIALS,
            ("message_id", "MessageID", Int),
            ("mark_as_read", "MarkAsRead", Bool),
            ("chunk_size", "ChunkSize", Long),
            ("offset", "From", Long),
        ],
        [("GetImageChunkEx2Result", ImageChunkResult.customize(**_STRUCT))],
    )
    async def get_image_chunk_ex2(
        ctx: CallContext, username: Any, password: Any, message_id: int, mark_as_read: bool,
        chunk_size: int, offset: int,
    ) -> ImageChunkResult:
        """GetImageChunkEx2: the chunk, its code, and SourceFileType (TIF or PDF)."""
        chunk = await ctx.inbound.image_chunk(
            ctx.credentials(username, password), message_id, mark_as_read, chunk_size, offset
        )
        return ImageChunkResult(
            buffer=chunk.data, ResultCode=int(chunk.code), SourceFileType=chunk.file_type
        )

    @operation(
        "GetImageChunk",
        [
            *_CREDENTIALS,
            ("message_id", "MessageID", Int),
            ("mark_as_read", "MarkAsRead", Bool),
            ("chunk_size", "ChunkSize", Long),
            ("offset", "From", Long),
            ("image", "Image", Bytes),
        ],
        [("GetImageChunkResult", Int), ("Image", Bytes)],
    )
    async def get_image_chunk(
        ctx: CallContext, username: Any, password: Any, message_id: int, mark_as_read: bool,
        chunk_size: int, offset: int, image: Any,
    ) -> tuple[int, Any]:
        """GetImageChunk: bytes [From, From + ChunkSize) in the ByRef Image (COMPAT 24)."""
        chunk = await ctx.inbound.image_chunk(
            ctx.credentials(username, password), message_id, mark_as_read, chunk_size, offset
        )
        return int(chunk.code), chunk.data

    @operation(
        "MarkMessage",
        [*_CREDENTIALS, ("read", "Read", Bool), ("message_id", "MessageID", Int)],
        [("MarkMessageResult", Int)],
    )
    async def mark_message(
        ctx: CallContext, username: Any, password: Any, read: bool, message_id: int
    ) -> int:
        """MarkMessage: ``Read`` (not MarkAsRead) then MessageID, as InterFAX's schema has."""
        return int(await ctx.inbound.mark(ctx.credentials(username, password), read, message_id))


def build_inbound_application() -> Application:
    from spyne.protocol.soap import Soap11

    return Application(
        [Inbound], tns=ns.INBOUND, name="Inbound", in_protocol=Soap11(), out_protocol=Soap11()
    )
