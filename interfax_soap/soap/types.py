"""The complex types of dfs.asmx, named and ordered exactly as InterFAX's WSDL has them."""

from __future__ import annotations

from interfax_soap import ns
from interfax_soap.soap import compat  # noqa: F401  (shims before Spyne)
from interfax_soap.soap.declare import Date, Int, Money, Short, String

from spyne.model.complex import Array, ComplexModel  # noqa: E402

__all__ = [
    "FaxItem",
    "ArrayOfFaxItem",
    "FaxItemEx",
    "ArrayOfFaxItemEx",
    "ErrorMessage",
    "ArrayOfErrorMessage",
]


class FaxItem(ComplexModel):
    """FaxStatus's 11-field record."""

    __namespace__ = ns.OUTBOUND
    _type_info = [
        ("TransactionID", Int),
        ("SubmitTime", Date),
        ("PostponeTime", Date),
        ("CompletionTime", Date),
        ("DestinationFax", String),
        ("RemoteCSID", String),
        ("PagesSent", Short),
        ("Status", Int),
        ("Duration", Int),
        ("Subject", String),
        ("PagesSubmitted", Short),
    ]


ArrayOfFaxItem = Array(FaxItem, type_name="ArrayOfFaxItem")


class FaxItemEx(ComplexModel):
    """FaxStatusEx / FaxQuery's 27-field record."""

    __namespace__ = ns.OUTBOUND
    _type_info = [
        ("ParentTransactionID", Int),
        ("TransactionID", Int),
        ("SubmitTime", Date),
        ("PostponeTime", Date),
        ("CompletionTime", Date),
        ("UserID", String),
        ("Contact", String),
        ("JobID", String),
        ("DestinationFax", String),
        ("ReplyEmail", String),
        ("RemoteCSID", String),
        ("PagesSent", Short),
        ("Status", Int),
        ("Duration", Int),
        ("Subject", String),
        ("PagesSubmitted", Short),
        ("SenderCSID", String),
        ("Priority", Short),
        ("Units", Money),
        ("CostPerUnit", Money),
        ("PageSize", String),
        ("PageOrientation", String),
        ("PageResolution", String),
        ("RenderingQuality", String),
        ("PageHeader", String),
        ("RetriesToPerform", Short),
        ("TrialsPerformed", Short),
    ]


ArrayOfFaxItemEx = Array(FaxItemEx, type_name="ArrayOfFaxItemEx")


class ErrorMessage(ComplexModel):
    """GetAllErrorCodes's item (shape chosen in CONVENTIONS.md)."""

    __namespace__ = ns.OUTBOUND
    _type_info = [("Code", Int), ("Description", String)]


ArrayOfErrorMessage = Array(ErrorMessage, type_name="ArrayOfErrorMessage")
