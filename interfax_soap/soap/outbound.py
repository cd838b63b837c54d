"""Service InterFax (dfs.asmx, http://www.interfax.cc): thin adapters onto the engine."""

from __future__ import annotations

import datetime as dt
from typing import Any

from interfax_soap import ns
from interfax_soap.engine.codes import ResultCode
from interfax_soap.engine.records import FaxRecord
from interfax_soap.soap import compat  # noqa: F401  (shims before Spyne)
from interfax_soap.soap.context import CallContext
from interfax_soap.soap.declare import Int, Long, String, operation
from interfax_soap.soap.types import ArrayOfFaxItem, FaxItem

from spyne import Application, ServiceBase  # noqa: E402

__all__ = ["InterFax", "build_application", "SERVICE_DOC"]

SERVICE_DOC = (
    "The InterFAX FAX Web Service allows developers to send faxes from any environment, "
    "including VB, .NET, Java, C# and any SOAP client."
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


def fax_item(record: FaxRecord) -> FaxItem:
    """FaxStatus's view of a transaction."""
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


class InterFax(ServiceBase):
    """dfs.asmx. Each method: wire arguments -> one engine call -> wire result."""

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
        return submission.wire_value

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
        ctx: CallContext,
        username: Any,
        password: Any,
        last_transaction_id: int,
        max_items: int,
        total_count: int,
        list_size: int,
        result_code: int,
    ) -> tuple[Any, int, int, int]:
        """FaxStatus: items below LastTransactionID, newest first; ByRef echoes (COMPAT 15, 19)."""
        result = await ctx.outbound.fax_status(
            ctx.credentials(username, password), last_transaction_id, max_items
        )
        if result.code != ResultCode.OK:
            return None, 0, 0, int(result.code)
        items = [fax_item(record) for record in result.items]
        return items, result.total_count, len(items), 0


def build_application() -> Application:
    """The Spyne application whose interface describes dfs.asmx (no Spyne transport is used)."""
    from spyne.protocol.soap import Soap11

    return Application(
        [InterFax], tns=ns.OUTBOUND, name="InterFax", in_protocol=Soap11(), out_protocol=Soap11()
    )
