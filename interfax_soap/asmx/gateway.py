"""The receive gateway: ``POST /inbound/receive`` stores a fax received by a telephony gateway
on another machine (the HTTP twin of ``interfax-soap receive``).

Request: HTTP Basic authentication with the credentials of the number's owner; query
parameters ``to`` (the number called, required), ``from`` (caller ID) and ``csid`` (the
sender's CSID); the body is the image, a TIFF or a PDF. Answers in plain text:
``200 MessageID <n>``, 401 bad credentials, 403 locked, 404 a number the user does not own,
415 a body that is not a fax image, 413 over ``[limits] max_request_mb``.
"""

from __future__ import annotations

import base64
import binascii
import logging
from typing import Any

from twisted.internet import defer
from twisted.web import resource, server

from interfax_soap import ns
from interfax_soap.asmx.resource import PlainNotFound
from interfax_soap.engine.accounts import Credentials
from interfax_soap.engine.codes import ResultCode

__all__ = ["ReceiveGateway", "basic_credentials"]

logger = logging.getLogger(__name__)

_STATUS = {
    ResultCode.AUTHENTICATION_FAILED: 401,
    ResultCode.USER_LOCKED: 403,
    ResultCode.NO_VALID_RECIPIENT: 404,
    ResultCode.IMAGE_DOES_NOT_EXIST: 415,
}


def _basic_credentials(request: server.Request) -> tuple[str | None, str | None]:
    header = request.getHeader(b"authorization") or b""
    scheme, _, value = header.partition(b" ")
    if scheme.lower() != b"basic":
        return None, None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    username, sep, password = decoded.partition(":")
    return (username, password) if sep else (None, None)



def basic_credentials(request: server.Request) -> tuple[str | None, str | None]:
    """(username, password) from an ``Authorization: Basic`` header; (None, None) when it is
    missing or unreadable. Shared with the REST face."""
    return _basic_credentials(request)

class _Receive(resource.Resource):
    isLeaf = True

    def __init__(self, inbound: Any, proxies: Any) -> None:
        super().__init__()
        self._inbound = inbound
        self._proxies = proxies

    def render(self, request: server.Request) -> Any:
        request.setHeader(b"content-type", ns.CONTENT_TEXT.encode())
        if request.method != b"POST":
            request.setResponseCode(405)
            request.setHeader(b"allow", b"POST")
            return b"POST a TIFF or PDF\n"
        if getattr(request, "body_too_large", False):
            request.setResponseCode(413)
            return b"Maximum request length exceeded.\n"
        args = request.args
        to_number = (args.get(b"to") or [b""])[0].decode("utf-8", "replace")
        if not to_number:
            request.setResponseCode(400)
            return b"the query parameter 'to' (the number called) is required\n"
        username, password = _basic_credentials(request)
        credentials = Credentials(username, password, self._proxies.client_address(request))
        image = request.content.read()
        work = self._inbound.receive_as(
            credentials, to_number, image,
            caller_id=(args.get(b"from") or [b""])[0].decode("utf-8", "replace"),
            remote_csid=(args.get(b"csid") or [b""])[0].decode("utf-8", "replace"),
        )
        gone: list[bool] = []
        request.notifyFinish().addErrback(lambda _: gone.append(True))

        def answer(received: Any) -> None:
            if gone:
                return
            if received.code == ResultCode.OK:
                body = f"MessageID {received.message_id}\n"
            else:
                request.setResponseCode(_STATUS.get(received.code, 500))
                if received.code == ResultCode.AUTHENTICATION_FAILED:
                    request.setHeader(b"www-authenticate", b'Basic realm="interfax-soap"')
                body = f"{int(received.code)} {received.reason or received.code.description}\n"
            request.write(body.encode("utf-8"))
            request.finish()

        def failed(failure: Any) -> None:
            logger.error("receive gateway failed: %s", failure.getTraceback())
            if not gone:
                request.setResponseCode(500)
                request.write(b"internal error\n")
                request.finish()

        defer.Deferred.fromCoroutine(work).addCallbacks(answer, failed)
        return server.NOT_DONE_YET


class ReceiveGateway(resource.Resource):
    """``/inbound/...``: only ``receive`` exists."""

    def __init__(self, inbound: Any, proxies: Any) -> None:
        super().__init__()
        self._receive = _Receive(inbound, proxies)

    def getChild(self, path: bytes, request: server.Request) -> resource.Resource:  # noqa: N802
        return self._receive if path == b"receive" else PlainNotFound()

    def render(self, request: server.Request) -> bytes:
        return PlainNotFound().render(request)
