"""The complex types of inbound.asmx (http://www.interfax.net), named and ordered as the
InterFAX inbound schema has them. Some share names with dfs.asmx types (QueryForm,
QueryCondition, QueryControl, FaxQueryResult) but have other shapes: they live in the other
namespace."""

from __future__ import annotations

from interfax_soap import ns
from interfax_soap.soap import compat  # noqa: F401  (shims before Spyne)
from interfax_soap.soap.declare import Bool, Bytes, Date, Int, Short, String

from spyne.model.complex import Array, ComplexModel  # noqa: E402
from spyne.model.enum import Enum  # noqa: E402

__all__ = [
    "ListType",
    "MessageItem",
    "ArrayOfMessageItem",
    "MessageItem2",
    "InboundQueryForm",
    "InboundQueryControl",
    "InboundFaxQueryResult",
    "ImageChunkResult",
    "ResendResult",
    "InboundEmailsResult",
    "InboundLogEmail",
]

ListType = Enum(
    "AllMessages", "NewMessages", "AccountAllMessages", "AccountNewMessages", type_name="ListType"
)


class MessageItem(ComplexModel):
    __namespace__ = ns.INBOUND
    _type_info = [
        ("MessageID", Int),
        ("PhoneNumber", String),
        ("RemoteCSID", String),
        ("MessageStatus", Int),
        ("Pages", Int),
        ("MessageSize", Int),
        ("MessageType", Short),
        ("ReceiveTime", Date),
        ("CallerID", String),
        ("MessageRecordingDuration", Int),
    ]


ArrayOfMessageItem = Array(MessageItem, type_name="ArrayOfMessageItem")


class MessageItem2(ComplexModel):
    __namespace__ = ns.INBOUND
    _type_info = [
        ("UserID", String),
        *MessageItem._type_info.items(),
        ("ImageStatus", String),
        ("NumOfEmails", Int),
        ("NumOfFailedEmails", Int),
    ]


class InboundQueryCondition(ComplexModel):
    __namespace__ = ns.INBOUND
    __type_name__ = "QueryCondition"
    _type_info = [("Verb", String), ("VerbData", String)]


class InboundQueryForm(ComplexModel):
    __namespace__ = ns.INBOUND
    __type_name__ = "QueryForm"
    _type_info = [
        ("TransactionID", Int),
        ("UserID", String),
        ("OnlyNewMessages", Bool),
        # Misspelled as in InterFAX's schema; clients send exactly this name.
        ("RecieveTime", InboundQueryCondition.customize(min_occurs=1, nillable=False)),
    ]


class InboundQueryControl(ComplexModel):
    __namespace__ = ns.INBOUND
    __type_name__ = "QueryControl"
    _type_info = [("MaxChunkSize", Int), ("FromRecordNumber", Int)]


class InboundFaxQueryResult(ComplexModel):
    __namespace__ = ns.INBOUND
    __type_name__ = "FaxQueryResult"
    _type_info = [
        ("MessageItems", Array(MessageItem2, type_name="ArrayOfMessageItem2")),
        ("ResultCode", Int),
        ("TotalTransactionsNum", Int),
    ]


class ImageChunkResult(ComplexModel):
    __namespace__ = ns.INBOUND
    _type_info = [("buffer", Bytes), ("ResultCode", Int), ("SourceFileType", String)]


class ResendResult(ComplexModel):
    __namespace__ = ns.INBOUND
    _type_info = [("ResultCode", Int), ("EmailsSent", Int)]


class InboundLogEmail(ComplexModel):
    __namespace__ = ns.INBOUND
    _type_info = [("EmailAddress", String), ("MessageStatus", Int), ("CompletionTime", Date)]


class InboundEmailsResult(ComplexModel):
    __namespace__ = ns.INBOUND
    _type_info = [
        ("ResultCode", Int),
        ("InboundEmails", Array(InboundLogEmail, type_name="ArrayOfInboundLogEmail")),
    ]
