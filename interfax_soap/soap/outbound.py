"""Service InterFax (dfs.asmx, http://www.interfax.cc): thin adapters onto the engine.

Operations are declared in dfs.wsdl's order; each reads its wire arguments, calls one engine
function and maps the result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from interfax_soap import ns
from interfax_soap.asmx.schema import field_for
from interfax_soap.asmx.xmlwrite import element_text
from interfax_soap.engine.codes import ResultCode, all_result_codes, describe_result_code
from interfax_soap.engine.outbound import SendRequest
from interfax_soap.engine.records import FaxRecord
from interfax_soap.engine.search import QueryControl as SearchControl
from interfax_soap.engine.search import QueryForm as SearchForm
from interfax_soap.soap import compat  # noqa: F401  (shims before Spyne)
from interfax_soap.soap.cards import (
    list_pp_result,
    pp_card_byte_array,
    pp_card_result,
    pp_card_transactions,
)
from interfax_soap.soap.context import CallContext
from interfax_soap.soap.declare import Bool, Bytes, Date, Int, Long, String, operation
from interfax_soap.soap.types import (
    ArrayOfErrorMessage,
    ArrayOfFaxItem,
    ArrayOfFaxItemEx,
    ErrorMessage,
    FaxItem,
    FaxItemEx,
    FaxItemEx2,
    FaxQueryResult,
    QueryControl,
    QueryForm,
    ListPPResult,
    PPCardResult,
    PPCardTransactions,
    PPCardTrasnactionsByteArray,
    StatusCount,
)

from spyne import Application, ServiceBase  # noqa: E402

__all__ = ["InterFax", "build_application", "SERVICE_DOC", "fax_item", "fax_item_ex"]

SERVICE_DOC = (
    "The InterFAX FAX Web Service allows developers to send faxes from any environment, "
    "including VB, .NET, Java, C# and any SOAP client."
)
_REFERENCE = (
    '(27 fields - see <a href="http://www.interfax.net/en/dev/webservice/reference.html'
    '#faxstatusex">Reference</a>)'
)

_CREDENTIALS = [("username", "Username", String), ("password", "Password", String)]
_STATUS_PARAMS = [
    *_CREDENTIALS,
    ("last_transaction_id", "LastTransactionID", Int),
    ("max_items", "MaxItems", Int),
    ("total_count", "TotalCount", Int),
    ("list_size", "ListSize", Int),
    ("result_code", "ResultCode", Int),
]


_ARRAY_OF_FAX_ITEM_EX = field_for("ArrayOfFaxItemEx", ArrayOfFaxItemEx)


def _items_xml(items: list[FaxItemEx]) -> str:
    return element_text(_ARRAY_OF_FAX_ITEM_EX, items, ns.OUTBOUND)


async def _fax_status(
    ctx: CallContext, username: Any, password: Any, last_transaction_id: int, max_items: int,
    write: Callable[[list[Any]], Any], item: Callable[[FaxRecord], Any] | None = None,
) -> tuple[Any, int, int, int]:
    """FaxStatus, FaxStatusEx and FaxStatusXML: the items written by ``write``, then the ByRef
    TotalCount, ListSize and ResultCode (the array is omitted on error)."""
    result = await ctx.queries.fax_status(
        ctx.credentials(username, password), last_transaction_id, max_items
    )
    if result.code != ResultCode.OK:
        return None, 0, 0, int(result.code)
    items = [(item or fax_item_ex)(record) for record in result.items]
    return write(items), result.total_count, len(items), 0


def fax_item(record: FaxRecord) -> FaxItem:
    """FaxStatus's 11-field view of a transaction."""
    return FaxItem(
        TransactionID=record.transaction_id,
        SubmitTime=record.submit_time,
        PostponeTime=record.postpone_time,
        CompletionTime=record.completion_time,
        DestinationFax=record.destination_fax,
        RemoteCSID=record.remote_csid,
        PagesSent=record.pages_sent,
        Status=record.status,
        Duration=record.duration,
        Subject=record.subject,
        PagesSubmitted=record.pages_submitted,
    )


def fax_item_ex(record: FaxRecord) -> FaxItemEx:
    """FaxStatusEx / FaxQuery's 27-field view of a transaction."""
    return FaxItemEx(
        ParentTransactionID=record.parent_transaction_id,
        TransactionID=record.transaction_id,
        SubmitTime=record.submit_time,
        PostponeTime=record.postpone_time,
        CompletionTime=record.completion_time,
        UserID=record.username,
        Contact=record.contact,
        JobID=record.job_id,
        DestinationFax=record.destination_fax,
        ReplyEmail=record.reply_email,
        RemoteCSID=record.remote_csid,
        PagesSent=record.pages_sent,
        Status=record.status,
        Duration=record.duration,
        Subject=record.subject,
        PagesSubmitted=record.pages_submitted,
        SenderCSID=record.sender_csid,
        Priority=record.priority,
        Units=record.units,
        CostPerUnit=record.cost_per_unit,
        PageSize=record.page_size,
        PageOrientation=record.page_orientation,
        PageResolution="Fine" if record.fine else "Standard",
        RenderingQuality="Fine" if record.fine_rendering else "Standard",
        PageHeader=record.page_header,
        RetriesToPerform=record.retries_to_perform,
        TrialsPerformed=record.trials_performed,
    )


_FORM_FIELDS = {
    "Subject": "subject",
    "FaxNumber": "destination_fax",
    "UserID": "username",
    "ReplyAddress": "reply_email",
    "TransactionID": "transaction_id",
    "ParentTransactionID": "parent_transaction_id",
    "Status": "status",
}


def _query_form(form: Any) -> SearchForm:
    conditions = {}
    for wire, field in _FORM_FIELDS.items():
        condition = getattr(form, wire, None) if form is not None else None
        if condition is not None:
            conditions[field] = (condition.Verb or "Equals", condition.VerbData)
    return SearchForm(
        conditions=conditions,
        date_from=getattr(form, "DateFrom", None),
        date_to=getattr(form, "DateTo", None),
        show_hidden=bool(getattr(form, "ShowHiddenTransactions", False)),
    )


def _query_control(control: Any) -> SearchControl:
    if control is None:
        return SearchControl(return_items=False)
    return SearchControl(
        only_parents=bool(control.OnlyParents),
        num_results=int(control.NumOfResults or 0),
        starting_record=int(control.StartingRecord or 0),
        order_by=control.OrderBy or "TransactionID",
        ascending=bool(control.AscOrderDirection),
        return_items=bool(control.ReturnItems),
        return_stats=bool(control.ReturnStats),
    )


def fax_item_ex2(record: FaxRecord, batch_sizes: dict[int, int], gmt_bias: int) -> FaxItemEx2:
    """FaxQuery2's 35-field view: FaxItemEx plus the batch size and the user's GMT bias."""
    extended = fax_item_ex(record)
    values = {name: getattr(extended, name) for name in FaxItemEx._type_info}
    return FaxItemEx2(
        **values,
        LocaleID=0,
        GMTBias=gmt_bias,
        RetriesInterval=0,
        UserData="",
        DeleteAfterUsage="",
        Mode="",
        NumOfTransactions=batch_sizes.get(record.transaction_id, 1),
        MessageID="",
    )


class InterFax(ServiceBase):
    """dfs.asmx. Each method: wire arguments -> one engine call -> wire result."""

    @operation(
        "GetListPP",
        _CREDENTIALS,
        [("GetListPPResult", ListPPResult.customize(min_occurs=1, nillable=False))],
        doc="Returns a list of all the PP cards associated with the given user",
    )
    async def get_list_pp(ctx: CallContext, username: Any, password: Any) -> ListPPResult:
        """GetListPP: the caller's account's prepaid cards and billing labels (README)."""
        return list_pp_result(await ctx.cards.list_cards(ctx.credentials(username, password)))

    @operation(
        "GetPPCardDetails",
        [*_CREDENTIALS, ("card_id", "PPCardID", Int)],
        [("GetPPCardDetailsResult", PPCardResult.customize(min_occurs=1, nillable=False))],
        doc="Returns the details of the given PP card",
    )
    async def get_pp_card_details(
        ctx: CallContext, username: Any, password: Any, card_id: int
    ) -> PPCardResult:
        """GetPPCardDetails: one card of the caller's account; another card is -3007."""
        answer = await ctx.cards.card_details(ctx.credentials(username, password), card_id)
        return pp_card_result(answer)

    @operation(
        "GetPPCardTransactions",
        [
            *_CREDENTIALS,
            ("card_id", "PPCardID", Int),
            ("first_result", "FirstResult", Int),
            ("num_results", "NumOfResults", Int),
        ],
        [
            (
                "GetPPCardTransactionsResult",
                PPCardTransactions.customize(min_occurs=1, nillable=False),
            )
        ],
        doc="Returns NumOfResults transactions of the given PP card, starting from "
        "FirstResult. For NumOfResults=0 all transactions will be returned",
    )
    async def get_pp_card_transactions(
        ctx: CallContext, username: Any, password: Any, card_id: int, first_result: int,
        num_results: int,
    ) -> PPCardTransactions:
        """GetPPCardTransactions: FaxItemEx of what the card paid for (FirstResult zero-based)."""
        answer = await ctx.cards.card_transactions(
            ctx.credentials(username, password), card_id, first_result, num_results
        )
        return pp_card_transactions(answer, fax_item_ex)

    @operation(
        "GetPPCardTransactionsAsByteArray",
        [*_CREDENTIALS, ("year", "Year", Int), ("month", "Month", Int)],
        [
            (
                "GetPPCardTransactionsAsByteArrayResult",
                PPCardTrasnactionsByteArray.customize(min_occurs=1, nillable=False),
            )
        ],
        doc="Returns a ZIP file containing a CSV file of all the transactions for the given "
        "PP Card. The file comes as an array of bytes",
    )
    async def get_pp_card_transactions_as_byte_array(
        ctx: CallContext, username: Any, password: Any, year: int, month: int
    ) -> PPCardTrasnactionsByteArray:
        """GetPPCardTransactionsAsByteArray: a ZIP of one month's CSV (FaxItemEx columns)."""
        answer = await ctx.cards.monthly_statement(
            ctx.credentials(username, password), year, month
        )
        return pp_card_byte_array(answer)

    @operation(
        "FaxStatusEx",
        _STATUS_PARAMS,
        [
            ("FaxStatusExResult", ArrayOfFaxItemEx),
            ("TotalCount", Int),
            ("ListSize", Int),
            ("ResultCode", Int),
        ],
        doc=f"Returns full information {_REFERENCE} regarding a fax transaction's current status.",
    )
    async def fax_status_ex(
        ctx: CallContext, username: Any, password: Any, last_transaction_id: int,
        max_items: int, total_count: int, list_size: int, result_code: int,
    ) -> tuple[Any, int, int, int]:
        """FaxStatusEx: FaxStatus with the 27-field FaxItemEx."""
        return await _fax_status(ctx, username, password, last_transaction_id, max_items, list)

    @operation(
        "FaxQuery2",
        [
            *_CREDENTIALS,
            ("query_form", "QueryForm", QueryForm.customize(min_occurs=1, nillable=False)),
            ("query_control", "QueryControl", QueryControl.customize(min_occurs=1, nillable=False)),
        ],
        [("FaxQuery2Result", FaxQueryResult.customize(min_occurs=1, nillable=False))],
        doc=f"Returns full information {_REFERENCE} regarding a population determined by query "
        "form.",
    )
    async def fax_query2(
        ctx: CallContext, username: Any, password: Any, query_form: Any, query_control: Any
    ) -> FaxQueryResult:
        """FaxQuery2: QueryForm conditions, QueryControl paging/order/stats (COMPAT 21)."""
        answer = await ctx.search.fax_query2(
            ctx.credentials(username, password), _query_form(query_form),
            _query_control(query_control),
        )
        items = None
        if answer.items is not None:
            items = [
                fax_item_ex2(record, answer.batch_sizes, answer.gmt_bias_minutes)
                for record in answer.items
            ]
        stats = None
        if answer.stats is not None:
            stats = [StatusCount(Status=status, Count=count) for status, count in answer.stats]
        return FaxQueryResult(
            ResultCode=int(answer.code), FaxItems=items, Stats=stats,
            TotalTransactionsNum=answer.total,
        )

    @operation(
        "FaxQuery",
        [
            *_CREDENTIALS,
            ("verb", "Verb", String),
            ("verb_data", "VerbData", String),
            ("max_items", "MaxItems", Int),
            ("result_code", "ResultCode", Int),
        ],
        [("FaxQueryResult", ArrayOfFaxItemEx), ("ResultCode", Int)],
        doc=f"Returns full information {_REFERENCE} regarding a population determined by Verb.",
    )
    async def fax_query(
        ctx: CallContext, username: Any, password: Any, verb: Any, verb_data: Any,
        max_items: int, result_code: int,
    ) -> tuple[Any, int]:
        """FaxQuery: the input ResultCode is ignored; no match gives an empty wrapper."""
        result = await ctx.queries.fax_query(
            ctx.credentials(username, password), verb, verb_data, max_items
        )
        if result.code != ResultCode.OK:
            return None, int(result.code)
        return [fax_item_ex(record) for record in result.items], 0

    @operation(
        "FaxStatus",
        _STATUS_PARAMS,
        [
            ("FaxStatusResult", ArrayOfFaxItem),
            ("TotalCount", Int),
            ("ListSize", Int),
            ("ResultCode", Int),
        ],
        doc="Returns quick and minimal information (11 fields - see <a "
        'href="http://www.interfax.net/en/dev/webservice/reference.html#faxstatusex">Reference'
        "</a>) regarding a fax transaction's current status.",
    )
    async def fax_status(
        ctx: CallContext, username: Any, password: Any, last_transaction_id: int,
        max_items: int, total_count: int, list_size: int, result_code: int,
    ) -> tuple[Any, int, int, int]:
        """FaxStatus: items below LastTransactionID, newest first; ByRef echoes (COMPAT 15, 19)."""
        return await _fax_status(
            ctx, username, password, last_transaction_id, max_items, list, fax_item
        )

    @operation(
        "FaxStatusXML",
        _STATUS_PARAMS,
        [("FaxStatusXMLResult", String), ("TotalCount", Int), ("ListSize", Int), ("ResultCode", Int)],
        doc="Similar to FaxStatusEx, however, returns information in XML-formatted structure.",
    )
    async def fax_status_xml(
        ctx: CallContext, username: Any, password: Any, last_transaction_id: int,
        max_items: int, total_count: int, list_size: int, result_code: int,
    ) -> tuple[Any, int, int, int]:
        """FaxStatusXML: FaxStatusEx's items as an ``ArrayOfFaxItemEx`` XML document string."""
        return await _fax_status(
            ctx, username, password, last_transaction_id, max_items, _items_xml
        )

    @operation(
        "SendCharFax",
        [
            *_CREDENTIALS,
            ("fax_number", "FaxNumber", String),
            ("data", "Data", String),
            ("file_type", "FileType", String),
        ],
        [("SendCharFaxResult", Long)],
        doc="This is the simplest method to fax ASCII text.  Also allows structured text "
        "documents, such as HTML, PostScript, etc.  (To fax an attachment simply - use the "
        "SendFax method.)",
    )
    async def send_char_fax(
        ctx: CallContext, username: Any, password: Any, fax_number: Any, data: Any, file_type: Any
    ) -> int:
        """SendCharFax: TransactionID or a negative code (COMPAT 14, 17)."""
        submission = await ctx.outbound.send_char_fax(
            ctx.credentials(username, password), fax_number, data, file_type
        )
        return int(submission.wire_value)

    @operation(
        "Sendfax",
        [
            *_CREDENTIALS,
            ("fax_number", "FaxNumber", String),
            ("file_data", "FileData", Bytes),
            ("file_type", "FileType", String),
        ],
        [("SendfaxResult", Long)],
        doc="This is the simplest method to fax an attached file.  Five parameters are all "
        "that's required.  (To fax a simple text message - use the SendCharFax method.)",
    )
    async def send_fax(
        ctx: CallContext, username: Any, password: Any, fax_number: Any, file_data: Any,
        file_type: Any,
    ) -> int:
        """Sendfax: one binary document, one number."""
        submission = await ctx.outbound.send_fax(
            ctx.credentials(username, password), fax_number, file_data, file_type
        )
        return int(submission.wire_value)

    @operation(
        "CancelFax",
        [*_CREDENTIALS, ("transaction_id", "TransactionID", Int)],
        [("CancelFaxResult", Int)],
        doc="This method is used to stop fax transmission after it was sent",
    )
    async def cancel_fax(ctx: CallContext, username: Any, password: Any, transaction_id: int) -> int:
        """CancelFax: 0 before transmission starts, -162 after (final status 403)."""
        return int(
            await ctx.management.cancel_fax(ctx.credentials(username, password), transaction_id)
        )

    @operation(
        "CancelBatch",
        [*_CREDENTIALS, ("parent_transaction_id", "ParentTransactionID", Int)],
        [("CancelBatchResult", Int)],
        doc="This method is used to stop processing/transmission of all still active faxes in "
        "a batch",
    )
    async def cancel_batch(
        ctx: CallContext, username: Any, password: Any, parent_transaction_id: int
    ) -> int:
        """CancelBatch: every member not yet being transmitted ends with 403."""
        return int(
            await ctx.management.cancel_batch(
                ctx.credentials(username, password), parent_transaction_id
            )
        )

    @operation(
        "SendfaxEx",
        [
            *_CREDENTIALS,
            ("fax_numbers", "FaxNumbers", String),
            ("files_data", "FilesData", Bytes),
            ("file_types", "FileTypes", String),
            ("file_sizes", "FileSizes", String),
            ("postpone", "Postpone", Date),
            ("is_high_resolution", "IsHighResolution", Bool),
            ("csid", "CSID", String),
            ("subject", "Subject", String),
            ("reply_address", "ReplyAddress", String),
        ],
        [("SendfaxExResult", Long)],
        doc="[Retained for backward-compatibility; replaced by SendfaxEx_2]",
    )
    async def send_fax_ex(
        ctx: CallContext, username: Any, password: Any, fax_numbers: Any, files_data: Any,
        file_types: Any, file_sizes: Any, postpone: Any, is_high_resolution: bool, csid: Any,
        subject: Any, reply_address: Any,
    ) -> int:
        """SendfaxEx: SendfaxEx_2's predecessor, same packing rules."""
        request = SendRequest(
            fax_numbers=fax_numbers, files_data=files_data, file_types=file_types,
            file_sizes=file_sizes, postpone=postpone, csid=csid, subject=subject,
            reply_address=reply_address, fine=is_high_resolution,
        )
        submission = await ctx.outbound.send_fax_ex_2(ctx.credentials(username, password), request)
        return int(submission.wire_value)

    @operation(
        "SendfaxEx_2",
        [
            *_CREDENTIALS,
            ("fax_numbers", "FaxNumbers", String),
            ("contacts", "Contacts", String),
            ("files_data", "FilesData", Bytes),
            ("file_types", "FileTypes", String),
            ("file_sizes", "FileSizes", String),
            ("postpone", "Postpone", Date),
            ("retries_to_perform", "RetriesToPerform", Int),
            ("csid", "CSID", String),
            ("page_header", "PageHeader", String),
            ("job_id", "JobID", String),
            ("subject", "Subject", String),
            ("reply_address", "ReplyAddress", String),
            ("page_size", "PageSize", String),
            ("page_orientation", "PageOrientation", String),
            ("is_high_resolution", "IsHighResolution", Bool),
            ("is_fine_rendering", "IsFineRendering", Bool),
        ],
        [("SendfaxEx_2Result", Long)],
        doc="The most feature-filled fax sending method.  Allows full control over all aspects "
        "of fax transmission.  Adds page-control features not previously found in the "
        "SendfaxEx method.",
    )
    async def send_fax_ex_2(
        ctx: CallContext, username: Any, password: Any, fax_numbers: Any, contacts: Any,
        files_data: Any, file_types: Any, file_sizes: Any, postpone: Any,
        retries_to_perform: int, csid: Any, page_header: Any, job_id: Any, subject: Any,
        reply_address: Any, page_size: Any, page_orientation: Any, is_high_resolution: bool,
        is_fine_rendering: bool,
    ) -> int:
        """SendfaxEx_2: multi-document packing; several numbers make a batch."""
        request = SendRequest(
            fax_numbers=fax_numbers, files_data=files_data, file_types=file_types,
            file_sizes=file_sizes, contacts=contacts, postpone=postpone,
            retries_to_perform=retries_to_perform, csid=csid, page_header=page_header,
            job_id=job_id, subject=subject, reply_address=reply_address, page_size=page_size,
            page_orientation=page_orientation, fine=is_high_resolution,
            fine_rendering=is_fine_rendering,
        )
        submission = await ctx.outbound.send_fax_ex_2(ctx.credentials(username, password), request)
        return int(submission.wire_value)

    @operation(
        "ResendBroadcastFax",
        [
            *_CREDENTIALS,
            ("parent_transaction_id", "ParentTransactionID", Long),
            ("subject", "Subject", String),
            ("send_errors_only", "SendErrorsOnly", Bool),
        ],
        [("ResendBroadcastFaxResult", Long)],
        doc="Resends a broadcast transaction (Multiple destinations)",
    )
    async def resend_broadcast_fax(
        ctx: CallContext, username: Any, password: Any, parent_transaction_id: int,
        subject: Any, send_errors_only: bool,
    ) -> int:
        """ResendBroadcastFax: a new batch; SendErrorsOnly resends only failed members."""
        submission = await ctx.management.resend_batch(
            ctx.credentials(username, password), parent_transaction_id, subject, send_errors_only
        )
        return int(submission.wire_value)

    @operation(
        "ReSendFax",
        [
            *_CREDENTIALS,
            ("transaction_id", "TransactionID", Long),
            ("fax_number", "FaxNumber", String),
        ],
        [("ReSendFaxResult", Long)],
        doc="This is a simple method to resend a fax. Four parameters are all that's required",
    )
    async def resend_fax(
        ctx: CallContext, username: Any, password: Any, transaction_id: int, fax_number: Any
    ) -> int:
        """ReSendFax: the same documents as a new transaction, optionally to another number."""
        submission = await ctx.management.resend_fax(
            ctx.credentials(username, password), transaction_id, fax_number
        )
        return int(submission.wire_value)

    @operation(
        "GetFaxImage",
        [*_CREDENTIALS, ("transaction_id", "TransactionID", Long), ("image", "Image", Bytes)],
        [("GetFaxImageResult", Long), ("Image", Bytes)],
        doc="Returns a TIF file of a transactions rendered document.",
    )
    async def get_fax_image(
        ctx: CallContext, username: Any, password: Any, transaction_id: int, image: Any
    ) -> tuple[int, Any]:
        """GetFaxImage: 0 and the TIFF in the ByRef Image, or a negative code."""
        result = await ctx.queries.fax_image(ctx.credentials(username, password), transaction_id)
        return int(result.code), result.image

    @operation(
        "HideFax",
        [*_CREDENTIALS, ("transaction_id", "TransactionID", Int)],
        [("HideFaxResult", Int)],
        doc="This is a simple method to hide a transaction in the log",
    )
    async def hide_fax(ctx: CallContext, username: Any, password: Any, transaction_id: int) -> int:
        return int(
            await ctx.management.hide_fax(ctx.credentials(username, password), transaction_id)
        )

    @operation(
        "HideBatch",
        [*_CREDENTIALS, ("parent_transaction_id", "ParentTransactionID", Int)],
        [("HideBatchResult", Int)],
        doc="This is a simple method to hide an entire batch in the log, by providing the "
        "Parent TransactionID",
    )
    async def hide_batch(
        ctx: CallContext, username: Any, password: Any, parent_transaction_id: int
    ) -> int:
        return int(
            await ctx.management.hide_batch(
                ctx.credentials(username, password), parent_transaction_id
            )
        )

    @operation(
        "SendWordMailMerge",
        [
            *_CREDENTIALS,
            ("document", "Document", Bytes),
            ("list_data", "List", Bytes),
            ("options", "Options", Bytes),
        ],
        [("SendWordMailMergeResult", Long)],
        doc="Use this method to send an MS Word 2007 document with MailMerge",
    )
    async def send_word_mail_merge(
        ctx: CallContext, username: Any, password: Any, document: Any, list_data: Any,
        options: Any,
    ) -> int:
        """SendWordMailMerge: one fax per list row, in one batch (formats in the README)."""
        submission = await ctx.mail_merge.send(
            ctx.credentials(username, password), document, list_data, options
        )
        return int(submission.wire_value)

    @operation(
        "GetSupportedFileTypes",
        [],
        [("GetSupportedFileTypesResult", String)],
        doc="A utility method to obtain the currently supported file types.",
    )
    def get_supported_file_types(ctx: CallContext) -> str:
        """Upper-case extensions separated by ``;``: only what this installation renders."""
        return ";".join(ctx.outbound.supported_file_types)

    @operation(
        "IsSupportedFileType",
        [("file_type", "FileType", String)],
        [("IsSupportedFileTypeResult", Bool)],
        doc="A utility method to verify if a given file type is supported.",
    )
    def is_supported_file_type(ctx: CallContext, file_type: Any) -> bool:
        return bool(ctx.outbound.is_supported(file_type))

    @operation(
        "StartFileUpload",
        [*_CREDENTIALS, ("session_id", "SessionID", String)],
        [("StartFileUploadResult", Int), ("SessionID", String)],
        doc="Start an Upload session; Returns a Session ID string, to be used by subsequent "
        "calls.",
    )
    async def start_file_upload(
        ctx: CallContext, username: Any, password: Any, session_id: Any
    ) -> tuple[int, Any]:
        """StartFileUpload: 0 and the ByRef SessionID; on error no SessionID (COMPAT 23)."""
        started = await ctx.uploads.start(ctx.credentials(username, password))
        return int(started.code), started.session_id

    @operation(
        "UploadFileChunk",
        [("session_id", "SessionID", String), ("chunk", "Chunk", Bytes), ("is_last", "IsLast", Bool)],
        [("UploadFileChunkResult", Int)],
    )
    async def upload_file_chunk(ctx: CallContext, session_id: Any, chunk: Any, is_last: bool) -> int:
        """UploadFileChunk: the running byte total, or -1061 / -1062 / -1063."""
        return int(await ctx.uploads.upload_chunk(session_id, chunk, is_last))

    @operation(
        "CancelFileUpload",
        [("session_id", "SessionID", String)],
        [("CancelFileUploadResult", Int)],
    )
    async def cancel_file_upload(ctx: CallContext, session_id: Any) -> int:
        """CancelFileUpload: 0, even for an unknown session."""
        return int(await ctx.uploads.cancel(session_id))

    @operation("GetAllErrorCodes", [], [("GetAllErrorCodesResult", ArrayOfErrorMessage)])
    def get_all_error_codes(ctx: CallContext) -> list[ErrorMessage]:
        """Every result code this server can return, with its description (CONVENTIONS)."""
        return [ErrorMessage(Code=code, Description=text) for code, text in all_result_codes()]

    @operation(
        "GetErrorDescription",
        [("error_code", "ErrorCode", Int)],
        [("GetErrorDescriptionResult", String)],
    )
    def get_error_description(ctx: CallContext, error_code: int) -> str:
        return describe_result_code(error_code)


def build_application() -> Application:
    """The Spyne application whose interface describes dfs.asmx (no Spyne transport is used)."""
    from spyne.protocol.soap import Soap11

    return Application(
        [InterFax], tns=ns.OUTBOUND, name="InterFax", in_protocol=Soap11(), out_protocol=Soap11()
    )
