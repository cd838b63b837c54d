"""``/outbound/batches`` (REST-FACTS 4): a batch is the transactions sharing a
ParentTransactionID, the same batches SOAP's SendfaxEx_2 makes; its ID is the parent's."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree

from interfax_soap.engine.codes import ResultCode
from interfax_soap.rest.body import document_parts
from interfax_soap.rest.context import Call
from interfax_soap.rest.outbound import DEFAULT_LIMIT, not_found, send_request
from interfax_soap.rest.router import Route
from interfax_soap.rest.shapes import batch_head, batch_record, fax_summary
from interfax_soap.rest.wire import ApiError, Reply, error_for, json_reply

__all__ = ["BATCH_ROUTES", "parse_destinations"]


def parse_destinations(text: str) -> list[tuple[str, str]]:
    """``list``: a JSON array of ``{faxNumber, contact}`` (keys in any case), the XML
    ``ArrayOfDestination`` form, or plain numbers separated by ``;`` or ``,``."""
    value = text.strip()
    if value.startswith(("[", "{")):
        try:
            parsed = json.loads(value)
        except ValueError as exc:
            raise error_for(ResultCode.NO_VALID_RECIPIENT, f"list is not JSON: {exc}") from exc
        items = parsed if isinstance(parsed, list) else [parsed]
        found = []
        for item in items:
            if not isinstance(item, dict):
                raise error_for(ResultCode.NO_VALID_RECIPIENT, "list items are objects")
            keys = {str(k).lower(): v for k, v in item.items()}
            found.append((str(keys.get("faxnumber") or ""), str(keys.get("contact") or "")))
        return found
    if value.startswith("<"):
        return _xml_destinations(value)
    numbers = value.replace(",", ";").split(";")
    return [(n.strip(), "") for n in numbers if n.strip()]


def _xml_destinations(value: str) -> list[tuple[str, str]]:
    if "<!" in value:  # no DOCTYPE, so no entities (CONVENTIONS "XML safety")
        raise error_for(ResultCode.NO_VALID_RECIPIENT, "list must not carry a DOCTYPE")
    try:
        root = ElementTree.fromstring(value)
    except ElementTree.ParseError as exc:
        raise error_for(ResultCode.NO_VALID_RECIPIENT, f"list is not XML: {exc}") from exc
    found = []
    for destination in root.iter():
        fields = {child.tag.rsplit("}", 1)[-1].lower(): (child.text or "") for child in destination}
        if "faxnumber" in fields:
            found.append((fields["faxnumber"].strip(), fields.get("contact", "").strip()))
    return found


async def send_batch(call: Call) -> Reply:
    """POST /outbound/batches?list=...: 201 with the batch's Location."""
    destinations = parse_destinations(call.query.text("list") or "")
    if not destinations or any(not n or ";" in n for n, _ in destinations):
        raise error_for(ResultCode.NO_VALID_RECIPIENT, "list names no usable fax number")
    numbers = ";".join(n for n, _ in destinations)
    contacts = ";".join(c.replace(";", ",") for _, c in destinations)
    request = send_request(call.query, numbers, contacts)
    parts = document_parts(call.header("content-type"), call.header("content-location"), call.body)
    outcome = await call.services.sender.send(call.caller, request, parts)
    if outcome.code != ResultCode.OK:
        raise error_for(outcome.code, outcome.reason or None)
    return Reply(
        201, headers=call.location(f"/outbound/batches/{outcome.submission.transaction_id}")
    )


async def list_batches(call: Call) -> Reply:
    """GET /outbound/batches: batch heads, newest first unless ``sortOrder=asc``."""
    query = call.query
    listed = await call.services.rest_queries.batches(
        call.caller,
        query.integer("limit", DEFAULT_LIMIT) or DEFAULT_LIMIT,
        query.integer("lastId"),
        query.sort_ascending(),
        query.flag("allUsers"),
    )
    return json_reply([batch_head(b) for b in listed.items])


def _batch_not_found(call: Call) -> ApiError:
    return not_found(call, call.args[0], "Batch")


async def batch(call: Call) -> Reply:
    """GET /outbound/batches/{id}: the head with totalOK, totalFailed, totalInProcess."""
    found = await call.services.rest_queries.batch(call.caller, int(call.args[0]))
    if found is None:
        raise _batch_not_found(call)
    return json_reply(batch_record(found))


async def children(call: Call) -> Reply:
    """GET /outbound/batches/{id}/children: the members, summary objects."""
    query = call.query
    listed = await call.services.rest_queries.batch_members(
        call.caller,
        int(call.args[0]),
        query.integer("limit", DEFAULT_LIMIT) or DEFAULT_LIMIT,
        query.integer("offset", 0) or 0,
    )
    if listed.code != ResultCode.OK:
        raise _batch_not_found(call)
    return json_reply([fax_summary(m, call.base_url) for m in listed.items])


async def batch_image(call: Call) -> Reply:
    """GET /outbound/batches/{id}/image: the batch's document as faxed (its first member's
    image that exists)."""
    listed = await call.services.rest_queries.batch_members(call.caller, int(call.args[0]), 1000, 0)
    if listed.code != ResultCode.OK:
        raise _batch_not_found(call)
    for member in listed.items:
        if member.image_blob is not None:
            answer = await call.services.queries.fax_image(call.credentials, member.transaction_id)
            if answer.code == ResultCode.OK and answer.image is not None:
                return Reply(200, answer.image, "image/tiff")
    raise error_for(ResultCode.IMAGE_NOT_AVAILABLE)


async def cancel_batch(call: Call) -> Reply:
    """POST /outbound/batches/{id}/cancel (CancelBatch): members still waiting."""
    code = await call.services.management.cancel_batch(call.credentials, int(call.args[0]))
    if code == ResultCode.NO_SUCH_TRANSACTION:
        raise _batch_not_found(call)
    if code != ResultCode.OK:
        raise error_for(code, f"no member of batch {call.args[0]} is still waiting")
    return Reply(200)


async def resend_batch(call: Call) -> Reply:
    """POST /outbound/batches/{id}/resend[?reference=&sendAlsoOK=] (ResendBroadcastFax):
    failed members only unless ``sendAlsoOK``; 201 with the new batch's Location."""
    submission = await call.services.management.resend_batch(
        call.credentials,
        int(call.args[0]),
        call.query.text("reference"),
        not call.query.flag("sendAlsoOK"),
    )
    if submission.code == ResultCode.NO_SUCH_TRANSACTION:
        raise _batch_not_found(call)
    if submission.code == ResultCode.NO_VALID_RECIPIENT:
        raise error_for(
            submission.code, "no member to resend (none failed; see sendAlsoOK)", status=409
        )
    if submission.code != ResultCode.OK:
        raise error_for(submission.code)
    return Reply(201, headers=call.location(f"/outbound/batches/{submission.transaction_id}"))


async def hide_batch(call: Call) -> Reply:
    """POST /outbound/batches/{id}/hide (HideBatch)."""
    code = await call.services.management.hide_batch(call.credentials, int(call.args[0]))
    if code != ResultCode.OK:
        raise _batch_not_found(call)
    return Reply(200)


BATCH_ROUTES = (
    Route("POST", "/outbound/batches", send_batch, "Send a batch"),
    Route("GET", "/outbound/batches", list_batches, "Batch list"),
    Route("GET", "/outbound/batches/{id}", batch, "Batch record"),
    Route("GET", "/outbound/batches/{id}/children", children, "Batch child faxes"),
    Route("GET", "/outbound/batches/{id}/image", batch_image, "Batch image (TIFF)"),
    Route("POST", "/outbound/batches/{id}/cancel", cancel_batch, "Cancel a batch"),
    Route("POST", "/outbound/batches/{id}/resend", resend_batch, "Resend a batch"),
    Route("POST", "/outbound/batches/{id}/hide", hide_batch, "Hide a batch"),
)
