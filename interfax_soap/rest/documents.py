"""``/outbound/documents`` (REST-FACTS 5): upload sessions for large documents."""

from __future__ import annotations

import re

from interfax_soap.engine.codes import ResultCode
from interfax_soap.engine.documents import ChunkAnswer
from interfax_soap.rest.context import Call
from interfax_soap.rest.outbound import DEFAULT_LIMIT
from interfax_soap.rest.router import Route
from interfax_soap.rest.shapes import document
from interfax_soap.rest.wire import Reply, error_for, json_reply

__all__ = ["DOCUMENT_ROUTES", "parse_range"]

_RANGE = re.compile(r"^\s*bytes[\s=]\s*(\d+)\s*-\s*(\d*)\s*(?:/\s*(?:\d+|\*))?\s*$", re.IGNORECASE)


def parse_range(value: str | None) -> tuple[int | None, int | None]:
    """``bytes=0-9146`` -> (0, 9146); no header -> (None, None): the chunk follows on."""
    if value is None or not value.strip():
        return None, None
    match = _RANGE.match(value)
    if not match:
        raise error_for(ResultCode.BAD_VERB, f"Range {value!r} is not bytes=<first>-<last>")
    first, last = match.group(1), match.group(2)
    return int(first), int(last) if last else None


async def create(call: Call) -> Reply:
    """POST /outbound/documents?size=&name=[&disposition=&sharing=]: 201 with its Location."""
    query = call.query
    answer = await call.services.documents.create(
        call.caller,
        query.text("name"),
        query.integer("size"),
        query.text("disposition"),
        query.text("sharing"),
    )
    if answer.code != ResultCode.OK or answer.document is None:
        raise error_for(answer.code, answer.reason or None)
    return Reply(201, headers=call.location(f"/outbound/documents/{answer.document.document_id}"))


def _content_range(answer: ChunkAnswer) -> tuple[tuple[str, str], ...]:
    if answer.uploaded <= 0:
        return ()
    return (("X-Content-Range", f"bytes 0-{answer.uploaded - 1}/{answer.size}"),)


async def upload_chunk(call: Call) -> Reply:
    """POST /outbound/documents/{doc} with ``Range``: 202 while more is expected, 200 when
    the announced size has arrived; the body is never form-decoded."""
    first, last = parse_range(call.header("range"))
    answer = await call.services.documents.upload_chunk(
        call.caller, call.args[0], first, last, call.body
    )
    if answer.code != ResultCode.OK:
        error = error_for(answer.code, answer.reason or None)
        reply = error.reply()
        return Reply(reply.status, reply.body, reply.content_type, _content_range(answer))
    return Reply(200 if answer.complete else 202, headers=_content_range(answer))


async def list_documents(call: Call) -> Reply:
    """GET /outbound/documents[?limit=&offset=]."""
    query = call.query
    found = await call.services.documents.list_documents(
        call.caller,
        query.integer("limit", DEFAULT_LIMIT) or DEFAULT_LIMIT,
        query.integer("offset", 0) or 0,
    )
    return json_reply([document(info, call.base_url) for info in found])


async def status(call: Call) -> Reply:
    """GET /outbound/documents/{doc}: 404 -1062 once unknown, deleted or used up."""
    answer = await call.services.documents.status(call.caller, call.args[0])
    if answer.code != ResultCode.OK or answer.document is None:
        raise error_for(answer.code)
    return json_reply(document(answer.document, call.base_url))


async def delete(call: Call) -> Reply:
    """DELETE /outbound/documents/{doc}: tears the session down or deletes the upload."""
    code = await call.services.documents.delete(call.caller, call.args[0])
    if code != ResultCode.OK:
        raise error_for(code)
    return Reply(200)


DOCUMENT_ROUTES = (
    Route("POST", "/outbound/documents", create, "Create an upload session"),
    Route("GET", "/outbound/documents", list_documents, "Document list"),
    Route("POST", "/outbound/documents/{doc}", upload_chunk, "Upload a chunk (Range)"),
    Route("GET", "/outbound/documents/{doc}", status, "Document status"),
    Route("DELETE", "/outbound/documents/{doc}", delete, "Cancel or delete a document"),
)
