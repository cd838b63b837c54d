"""``/inbound/faxes`` (REST-FACTS 6) and ``/accounts/self/ppcards/balance`` (7)."""

from __future__ import annotations

from interfax_soap.engine.codes import ResultCode
from interfax_soap.engine.records import MessageRecord
from interfax_soap.rest.context import Call
from interfax_soap.rest.outbound import DEFAULT_LIMIT
from interfax_soap.rest.router import Route
from interfax_soap.rest.shapes import forwarding_email, inbound_fax
from interfax_soap.rest.wire import JSON_TYPE, ApiError, Reply, error_for, json_reply, scaled

__all__ = ["INBOUND_ROUTES", "ACCOUNT_ROUTES"]


def _invalid(message_id: str) -> ApiError:
    return error_for(ResultCode.INVALID_MESSAGE_ID, f"Invalid ID [{message_id}]")


async def _readable(call: Call) -> MessageRecord:
    message = await call.services.inbound.readable(call.caller, int(call.args[0]))
    if message is None:
        raise _invalid(call.args[0])
    return message


async def list_messages(call: Call) -> Reply:
    """GET /inbound/faxes[?unreadOnly=&limit=&lastId=&allUsers=]: newest first."""
    query = call.query
    listed = await call.services.rest_queries.messages(
        call.caller,
        query.flag("unreadOnly"),
        query.integer("limit", DEFAULT_LIMIT) or DEFAULT_LIMIT,
        query.integer("lastId"),
        query.flag("allUsers"),
    )
    return json_reply([inbound_fax(m) for m in listed.items])


async def record(call: Call) -> Reply:
    """GET /inbound/faxes/{id}."""
    return json_reply(inbound_fax(await _readable(call)))


async def image(call: Call) -> Reply:
    """GET /inbound/faxes/{id}/image: TIFF or PDF, as the owner downloads (GetImageChunk,
    without marking the fax read)."""
    message = await _readable(call)
    chunks: list[bytes] = []
    size = call.services.max_image_chunk
    offset = 0
    while True:
        chunk = await call.services.inbound.image_chunk(
            call.credentials, message.message_id, False, size, offset
        )
        if chunk.code != ResultCode.OK or chunk.data is None:
            raise error_for(chunk.code)
        chunks.append(chunk.data)
        offset += len(chunk.data)
        if len(chunk.data) < size:
            break
    media_type = "application/pdf" if chunk.file_type == "PDF" else "image/tiff"
    return Reply(200, b"".join(chunks), media_type)


async def emails(call: Call) -> Reply:
    """GET /inbound/faxes/{id}/emails (GetInboundLogEmails)."""
    message = await _readable(call)
    code, log, _tz = await call.services.inbound.log_emails(
        call.credentials, message.username, message.message_id
    )
    if code != ResultCode.OK:
        raise _invalid(call.args[0])
    return json_reply([forwarding_email(d) for d in log])


async def mark(call: Call) -> Reply:
    """POST /inbound/faxes/{id}/mark[?unread=]: read unless ``unread`` is true; body ``true``."""
    message = await _readable(call)
    code = await call.services.inbound.mark(
        call.credentials, not call.query.flag("unread"), message.message_id
    )
    if code != ResultCode.OK:
        raise error_for(code)
    return Reply(200, b"true", JSON_TYPE)


async def resend(call: Call) -> Reply:
    """POST /inbound/faxes/{id}/resend[?email=] (ResendInboundToEmail): body ``true``."""
    message = await _readable(call)
    answer = await call.services.inbound.resend_to_email(
        call.credentials, message.username, message.message_id, False, call.query.text("email")
    )
    if answer.code != ResultCode.OK:
        raise error_for(answer.code)
    return Reply(200, b"true", JSON_TYPE)


async def balance(call: Call) -> Reply:
    """GET /accounts/self/ppcards/balance: a bare decimal with four places."""
    value = await call.services.rest_queries.balance(call.caller)
    return Reply(200, str(scaled(value, 4)).encode(), JSON_TYPE)


INBOUND_ROUTES = (
    Route("GET", "/inbound/faxes", list_messages, "Inbound fax list"),
    Route("GET", "/inbound/faxes/{id}", record, "Inbound fax record"),
    Route("GET", "/inbound/faxes/{id}/image", image, "Inbound fax image (TIFF or PDF)"),
    Route("GET", "/inbound/faxes/{id}/emails", emails, "Forwarding e-mails"),
    Route("POST", "/inbound/faxes/{id}/mark", mark, "Mark read or unread"),
    Route("POST", "/inbound/faxes/{id}/resend", resend, "Resend to e-mail"),
)
ACCOUNT_ROUTES = (Route("GET", "/accounts/self/ppcards/balance", balance, "Prepaid balance"),)
