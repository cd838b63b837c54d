"""The complex types of dfs.asmx, named and ordered exactly as InterFAX's WSDL has them."""

from __future__ import annotations

from interfax_soap import ns
from interfax_soap.soap import compat  # noqa: F401  (shims before Spyne)
from interfax_soap.soap.declare import Bool, Bytes, Date, Int, Money, Short, String

from spyne.model.complex import Array, ComplexModel  # noqa: E402
from spyne.model.enum import Enum  # noqa: E402

__all__ = [
    "FaxItem",
    "ArrayOfFaxItem",
    "FaxItemEx",
    "ArrayOfFaxItemEx",
    "ErrorMessage",
    "ArrayOfErrorMessage",
    "QueryForm",
    "QueryControl",
    "QueryCondition",
    "FaxQueryResult",
    "FaxItemEx2",
    "StatusCount",
    "PPCardDetails",
    "ArrayOfPPCardDetails",
    "ListPPResult",
    "PPCardResult",
    "PPCardTransactions",
    "PPCardTrasnactionsByteArray",
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


SQLOperatorEnum = Enum(
    "Equals", "GreaterThan", "GreaterOrEqual", "LessThan", "LessOrEqual", "Like", "IncludedIn",
    "Between", type_name="SQLOperatorEnum",
)
OrderByColumnEnum = Enum(
    "TransactionID", "SubmitTime", "CompletionTime", "Status", "DestinationFax", "Subject",
    "PagesSent", "UserID", "ReplyEmail", type_name="OrderByColumnEnum",
)


class QueryCondition(ComplexModel):
    __namespace__ = ns.OUTBOUND
    _type_info = [("Verb", SQLOperatorEnum), ("VerbData", String)]


# .NET structs: always present (minOccurs 1, not nillable), never omitted (ASPNET-OBSERVED).
_Condition = QueryCondition.customize(min_occurs=1, nillable=False)


class QueryForm(ComplexModel):
    __namespace__ = ns.OUTBOUND
    _type_info = [
        ("Subject", _Condition),
        ("FaxNumber", _Condition),
        ("DateFrom", Date),
        ("DateTo", Date),
        ("UserID", _Condition),
        ("ReplyAddress", _Condition),
        ("TransactionID", _Condition),
        ("ParentTransactionID", _Condition),
        ("Status", _Condition),
        ("ShowHiddenTransactions", Bool),
    ]


class QueryControl(ComplexModel):
    __namespace__ = ns.OUTBOUND
    _type_info = [
        ("OnlyParents", Bool),
        ("NumOfResults", Int),
        ("StartingRecord", Int),
        ("OrderBy", OrderByColumnEnum),
        ("AscOrderDirection", Bool),
        ("ReturnItems", Bool),
        ("ReturnStats", Bool),
    ]


class FaxItemEx2(ComplexModel):
    """FaxQuery2's record: FaxItemEx and eight more fields."""

    __namespace__ = ns.OUTBOUND
    _type_info = [
        *FaxItemEx._type_info.items(),
        ("LocaleID", Int),
        ("GMTBias", Int),
        ("RetriesInterval", Int),
        ("UserData", String),
        ("DeleteAfterUsage", String),
        ("Mode", String),
        ("NumOfTransactions", Int),
        ("MessageID", String),
    ]


class StatusCount(ComplexModel):
    __namespace__ = ns.OUTBOUND
    _type_info = [("Status", Int), ("Count", Int)]


class FaxQueryResult(ComplexModel):
    __namespace__ = ns.OUTBOUND
    _type_info = [
        ("ResultCode", Int),
        ("FaxItems", Array(FaxItemEx2, type_name="ArrayOfFaxItemEx2")),
        ("Stats", Array(StatusCount, type_name="ArrayOfStatusCount")),
        ("ErrorsDescriptionHTMLFormat", String),
        ("TotalTransactionsNum", Int),
    ]


class PPCardDetails(ComplexModel):
    """A prepaid card: GetListPP's items and GetPPCardDetails's Details."""

    __namespace__ = ns.OUTBOUND
    _type_info = [
        ("Balance", Money),
        ("Bonus", Money),
        ("CloseDate", Date),
        ("CurrentUsage", Money),
        ("FaceValue", Money),
        ("IssueDate", Date),
        ("PPCardID", Int),
        ("PreviousCharge", Money),
        ("PreviousPPCard", Int),
        ("OriginalBalance", Money),
    ]


ArrayOfPPCardDetails = Array(PPCardDetails, type_name="ArrayOfPPCardDetails")


class ListPPResult(ComplexModel):
    """GetListPP's result (a .NET struct: always written)."""

    __namespace__ = ns.OUTBOUND
    _type_info = [
        ("Valid", Bool),
        ("AccountID", Int),
        ("CurrencyCode", String),
        ("DateFormat", String),
        ("AccountType", String),
        ("PPCardsDetails", ArrayOfPPCardDetails),
        ("ResultCode", Int),
    ]


class PPCardResult(ComplexModel):
    """GetPPCardDetails's result; Details is a struct, present even on an error."""

    __namespace__ = ns.OUTBOUND
    _type_info = [
        ("Details", PPCardDetails.customize(min_occurs=1, nillable=False)),
        ("ResultCode", Int),
    ]


class PPCardTransactions(ComplexModel):
    """GetPPCardTransactions's result: a page of FaxItemEx and the card's balance."""

    __namespace__ = ns.OUTBOUND
    _type_info = [
        ("Transactions", ArrayOfFaxItemEx),
        ("TotalNumOfTransactions", Int),
        ("Currency", String),
        ("FirstResult", Int),
        ("NumOfResults", Int),
        ("ResultCode", Int),
        ("LastBalance", Money),
    ]


class PPCardTrasnactionsByteArray(ComplexModel):
    """GetPPCardTransactionsAsByteArray's result (InterFAX's spelling): a ZIP of a CSV."""

    __namespace__ = ns.OUTBOUND
    _type_info = [("Transactions", Bytes), ("ResultCode", Int)]
