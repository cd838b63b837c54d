"""``/outbound/faxes`` and ``/outbound/search`` (REST-FACTS 3): each handler is an adapter,
request -> one engine call -> JSON, calling the same engine functions as the SOAP face."""

from __future__ import annotations

from interfax_soap.engine.codes import ResultCode
from interfax_soap.engine.numbers import canonical_fax_number
from interfax_soap.engine.outbound import SendRequest
from interfax_soap.engine.search import QueryControl, QueryForm
from interfax_soap.rest.body import document_parts
from interfax_soap.rest.context import Call
from interfax_soap.rest.query import Query
from interfax_soap.rest.router import Route
from interfax_soap.rest.shapes import fax_full, fax_summary
from interfax_soap.rest.wire import ApiError, Reply, error_for, json_reply

__all__ = ["FAX_ROUTES", "send_request", "not_found", "DEFAULT_LIMIT"]

DEFAULT_LIMIT = 25
_FINE_RENDERING = ("fine", "grayscale", "greyscale", "gray", "grey")
# Search ``status`` words -> (operator, value) on the status (REST-FACTS 3.9).
_STATUS_WORDS = {
    "completed": ("GreaterOrEqual", "0"),
    "success": ("Equals", "0"),
    "failed": ("GreaterThan", "0"),
    "inprocess": ("LessThan", "0"),
}


def send_request(query: Query, fax_numbers: str, contacts: str | None) -> SendRequest:
    """The send options shared by faxes and batches, in engine spelling (``reference`` is
    the fax's Subject)."""
    return SendRequest(
        fax_numbers=fax_numbers,
        files_data=None,
        file_types=None,
        file_sizes=None,
        contacts=contacts,
        postpone=query.date("postponeTime"),
        retries_to_perform=query.integer("retriesToPerform", 0) or 0,
        csid=query.text("csid"),
        page_header=query.text("pageHeader"),
        subject=query.text("reference"),
        reply_address=query.text("replyAddress"),
        page_size=query.text("pageSize"),
        page_orientation=query.text("pageOrientation"),
        fine=(query.text("resolution") or "").strip().lower() == "fine",
        fine_rendering=(query.text("rendering") or "").strip().lower() in _FINE_RENDERING,
    )


def not_found(call: Call, transaction_id: int | str, kind: str = "Fax") -> ApiError:
    return error_for(
        ResultCode.NO_SUCH_TRANSACTION,
        f"{kind} resource {transaction_id} not found or not accessible by user "
        f"{call.caller.user.username}",
    )


def _outcome(call: Call, code: ResultCode, transaction_id: int) -> ApiError:
    if code == ResultCode.NO_SUCH_TRANSACTION:
        return not_found(call, transaction_id)
    if code == ResultCode.CANNOT_CANCEL:
        return error_for(code, f"Transaction ID {transaction_id} is being sent or has completed")
    return error_for(code)


async def send_fax(call: Call) -> Reply:
    """POST /outbound/faxes?faxNumber=...: 201 with the new fax's Location."""
    number = call.query.fax_number("faxNumber")
    if number is None or ";" in number:
        raise error_for(ResultCode.NO_VALID_RECIPIENT, "faxNumber names one fax number")
    contact = (call.query.text("contact") or "").replace(";", ",")
    request = send_request(call.query, number, contact)
    parts = document_parts(call.header("content-type"), call.header("content-location"), call.body)
    outcome = await call.services.sender.send(call.caller, request, parts)
    if outcome.code != ResultCode.OK:
        raise error_for(outcome.code, outcome.reason or None)
    return Reply(201, headers=call.location(f"/outbound/faxes/{outcome.submission.transaction_id}"))


async def list_faxes(call: Call) -> Reply:
    """GET /outbound/faxes: faxes outside batches, full objects."""
    query = call.query
    listed = await call.services.rest_queries.faxes(
        call.caller,
        query.integer("limit", DEFAULT_LIMIT) or DEFAULT_LIMIT,
        query.integer("lastId"),
        query.sort_ascending(),
        query.text("userId"),
    )
    if listed.code != ResultCode.OK:
        raise error_for(listed.code, f"userId {query.text('userId')!r}")
    return json_reply([fax_full(item, call.base_url) for item in listed.items])


async def completed(call: Call) -> Reply:
    """GET /outbound/faxes/completed?ids=...: summaries of those that finished."""
    ids = [i for i in call.query.ids("ids") if i < 10**10]
    if not ids:
        return json_reply([])
    answer = await call.services.queries.fax_query(
        call.credentials, "IN", ",".join(str(i) for i in ids), -1
    )
    if answer.code != ResultCode.OK:
        raise error_for(answer.code)
    return json_reply([fax_summary(r, call.base_url) for r in answer.items if r.status >= 0])


async def fax_record(call: Call) -> Reply:
    """GET /outbound/faxes/{id}: the full object."""
    transaction_id = int(call.args[0])
    fax = await call.services.rest_queries.fax(call.caller, transaction_id)
    if fax is None:
        raise not_found(call, transaction_id)
    return json_reply(fax_full(fax, call.base_url))


async def fax_image(call: Call) -> Reply:
    """GET /outbound/faxes/{id}/image: the TIFF as transmitted (GetFaxImage)."""
    transaction_id = int(call.args[0])
    answer = await call.services.queries.fax_image(call.credentials, transaction_id)
    if answer.code != ResultCode.OK or answer.image is None:
        raise _outcome(call, answer.code, transaction_id)
    return Reply(200, answer.image, "image/tiff")


async def cancel_fax(call: Call) -> Reply:
    """POST /outbound/faxes/{id}/cancel (CancelFax): 200, or 409 -162 once it is sending."""
    transaction_id = int(call.args[0])
    code = await call.services.management.cancel_fax(call.credentials, transaction_id)
    if code != ResultCode.OK:
        raise _outcome(call, code, transaction_id)
    return Reply(200)


async def resend_fax(call: Call) -> Reply:
    """POST /outbound/faxes/{id}/resend[?faxNumber=] (ReSendFax): 201, the new fax's Location."""
    transaction_id = int(call.args[0])
    submission = await call.services.management.resend_fax(
        call.credentials, transaction_id, call.query.fax_number("faxNumber")
    )
    if submission.code != ResultCode.OK:
        raise _outcome(call, submission.code, transaction_id)
    return Reply(201, headers=call.location(f"/outbound/faxes/{submission.transaction_id}"))


async def hide_fax(call: Call) -> Reply:
    """POST /outbound/faxes/{id}/hide (HideFax)."""
    transaction_id = int(call.args[0])
    code = await call.services.management.hide_fax(call.credentials, transaction_id)
    if code != ResultCode.OK:
        raise _outcome(call, code, transaction_id)
    return Reply(200)


def _search_form(call: Call) -> QueryForm:
    query = call.query
    conditions: dict[str, tuple[str, str | None]] = {}
    ids = [i for i in query.ids("ids") if i < 10**10]
    if query.text("ids") is not None:
        conditions["transaction_id"] = ("IncludedIn", ",".join(map(str, ids)) or "0")
    reference = query.text("reference")
    if reference is not None:
        conditions["subject"] = ("Equals", reference)
    number = query.fax_number("faxNumber")
    if number is not None:
        canonical = canonical_fax_number(number, call.services.default_country)
        conditions["destination_fax"] = ("Equals", canonical or number.strip())
    status = (query.text("status") or "all").strip().lower()
    if status.lstrip("-").isdigit():
        conditions["status"] = ("Equals", status)
    elif status in _STATUS_WORDS:
        conditions["status"] = _STATUS_WORDS[status]
    elif status != "all":
        raise error_for(ResultCode.BAD_VERB, f"status={query.text('status')!r}")
    users = query.words("userId")
    # Without userId the caller's own faxes; a primary user may name its account's users.
    conditions["username"] = (
        ("IncludedIn", ",".join(users)) if users else ("Equals", call.caller.user.username)
    )
    return QueryForm(conditions, query.date("dateFrom"), query.date("dateTo"), False)


async def search(call: Call) -> Reply:
    """GET /outbound/search (FaxQuery2): batch members included, hidden faxes never."""
    query = call.query
    limit = query.integer("limit", DEFAULT_LIMIT) or DEFAULT_LIMIT
    control = QueryControl(
        num_results=max(1, limit),
        starting_record=max(0, query.integer("offset", 0) or 0),
        order_by="TransactionID",
        ascending=query.sort_ascending(),
        return_items=True,
    )
    answer = await call.services.search.fax_query2(call.credentials, _search_form(call), control)
    if answer.code != ResultCode.OK:
        raise error_for(answer.code)
    return json_reply([fax_full(item, call.base_url) for item in answer.items or ()])


FAX_ROUTES = (
    Route("POST", "/outbound/faxes", send_fax, "Send a fax"),
    Route("GET", "/outbound/faxes", list_faxes, "Fax list"),
    Route("GET", "/outbound/faxes/completed", completed, "Completed faxes among ids"),
    Route("GET", "/outbound/faxes/{id}", fax_record, "Fax record"),
    Route("GET", "/outbound/faxes/{id}/image", fax_image, "Fax image (TIFF)"),
    Route("POST", "/outbound/faxes/{id}/cancel", cancel_fax, "Cancel a fax"),
    Route("POST", "/outbound/faxes/{id}/resend", resend_fax, "Resend a fax"),
    Route("POST", "/outbound/faxes/{id}/hide", hide_fax, "Hide a fax"),
    Route("GET", "/outbound/search", search, "Search faxes"),
)
