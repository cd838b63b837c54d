"""The ASP.NET-compatible HTTP face: one Twisted resource per .asmx service.

SOAP 1.1 and 1.2 on one URL, the HTTP GET/POST form bindings under ``/<service>.asmx/<Op>``,
``?WSDL`` with addresses taken from the request. Every answer is SOAP, XML or plain text:
never an HTML error page, whatever happens (CONVENTIONS "Wire errors").
"""

from __future__ import annotations

import inspect
import ipaddress
import logging
from collections.abc import Callable
from typing import Any

from twisted.internet import defer
from twisted.web import resource, server

from interfax_soap import ns
from interfax_soap.asmx.envelope import (
    SoapFault,
    fault_bytes,
    parse_envelope,
    read_params,
    response_bytes,
)
from interfax_soap.asmx.forms import form_response_bytes, read_form
from interfax_soap.asmx.schema import Operation, ServiceSchema
from interfax_soap.asmx.values import BadValue
from interfax_soap.asmx.wsdl import ADDRESS_PLACEHOLDER, generate_wsdl

__all__ = [
    "AsmxSite",
    "AsmxRequest",
    "RootResource",
    "ServiceResource",
    "ProxyPolicy",
    "PlainNotFound",
]

logger = logging.getLogger(__name__)

_SERVER_FAULT = "Server was unable to process request."


class AsmxRequest(server.Request):
    """Counts the body as it arrives and stops storing it past the site's limit.

    An oversize body is refused before any parsing and never reaches memory or disk.
    """

    body_too_large = False
    _received = 0

    def gotLength(self, length: int | None) -> None:  # noqa: N802 (Twisted API)
        limit = self.channel.site.max_body_bytes
        if length is not None and length > limit:
            self.body_too_large = True
            length = 0
        super().gotLength(length)

    def handleContentChunk(self, data: bytes) -> None:  # noqa: N802 (Twisted API)
        self._received += len(data)
        if self.body_too_large or self._received > self.channel.site.max_body_bytes:
            self.body_too_large = True
            return
        super().handleContentChunk(data)

    def processingFailed(self, reason: Any) -> None:  # noqa: N802 (Twisted API)
        # Twisted's default writes an HTML traceback page; we answer plain text.
        logger.error("request failed: %s", reason.getTraceback())
        body = b"Internal server error\n"
        self.setResponseCode(500)
        self.setHeader(b"content-type", ns.CONTENT_TEXT.encode())
        self.setHeader(b"content-length", str(len(body)).encode())
        self.write(body)
        self.finish()


class AsmxSite(server.Site):
    requestFactory = AsmxRequest
    displayTracebacks = False

    def __init__(self, root: resource.Resource, max_body_bytes: int, **kwargs: Any) -> None:
        super().__init__(root, **kwargs)
        self.max_body_bytes = max_body_bytes


def _header(request: server.Request, name: bytes) -> str | None:
    value = request.getHeader(name)
    return value.decode("latin-1") if value is not None else None


class ProxyPolicy:
    """Which peers' X-Forwarded-* headers are believed (``[server] trusted_proxies``)."""

    def __init__(self, trusted: tuple[str, ...]) -> None:
        self._networks = [ipaddress.ip_network(t, strict=False) for t in trusted]

    def trusts(self, host: str) -> bool:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in self._networks)

    def client_address(self, request: server.Request) -> str:
        peer = getattr(request.getClientAddress(), "host", "") or ""
        forwarded = _header(request, b"x-forwarded-for")
        if forwarded and self.trusts(peer):
            return forwarded.split(",")[-1].strip() or peer
        return peer

    def base_url(self, request: server.Request) -> str:
        """Scheme and host the client used: what the WSDL's addresses must name (COMPAT 2)."""
        scheme = "https" if request.isSecure() else "http"
        host = _header(request, b"host")
        if not host:
            address = request.getHost()
            host = f"{address.host}:{address.port}"
        peer = getattr(request.getClientAddress(), "host", "") or ""
        if self.trusts(peer):
            scheme = (_header(request, b"x-forwarded-proto") or scheme).split(",")[0].strip()
            host = (_header(request, b"x-forwarded-host") or host).split(",")[0].strip()
        return f"{scheme}://{host}"


def _text(request: server.Request, code: int, message: str) -> bytes:
    request.setResponseCode(code)
    request.setHeader(b"content-type", ns.CONTENT_TEXT.encode())
    return (message + "\n").encode("utf-8")


def _charset(request: server.Request) -> str | None:
    content_type = (_header(request, b"content-type") or "").lower()
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.strip() == "charset" and value:
            return value.strip().strip('"')
    return None


def _asks_for_wsdl(request: server.Request) -> bool:
    """``?WSDL`` / ``?wsdl`` in any case (COMPAT 2); Twisted's args drop keys without ``=``."""
    _, _, query = request.uri.partition(b"?")
    return any(part.partition(b"=")[0].lower() == b"wsdl" for part in query.split(b"&"))


class RootResource(resource.Resource):
    """Routes ``/dfs.asmx`` and ``/inbound.asmx`` case-insensitively (COMPAT 1)."""

    def __init__(
        self,
        services: dict[str, resource.Resource],
        others: dict[str, resource.Resource] | None = None,
    ) -> None:
        super().__init__()
        self._services = {name.lower().encode(): child for name, child in services.items()}
        # Other endpoints (e.g. the receive gateway) are matched exactly.
        self._others = {name.encode(): child for name, child in (others or {}).items()}

    def getChild(self, path: bytes, request: server.Request) -> resource.Resource:  # noqa: N802
        child = self._services.get(path.lower()) or self._others.get(path)
        if child is not None:
            return child
        return PlainNotFound()

    def render(self, request: server.Request) -> bytes:
        names = ", ".join(sorted(n.decode() for n in self._services))
        return _text(request, 200, f"interfax-soap: services {names}")


class PlainNotFound(resource.Resource):
    """404 in plain text (Twisted's own NoResource is an HTML page)."""

    isLeaf = True

    def render(self, request: server.Request) -> bytes:
        return _text(request, 404, "Not found")


class ServiceResource(resource.Resource):
    """One .asmx endpoint for one service schema."""

    isLeaf = True

    def __init__(
        self,
        service: ServiceSchema,
        context_factory: Callable[[str], Any],
        proxies: ProxyPolicy,
        http_get: bool = True,
    ) -> None:
        super().__init__()
        self._service = service
        self._context_factory = context_factory
        self._proxies = proxies
        self._http_get = http_get
        self._wsdl_template = generate_wsdl(service, http_get=http_get)

    # Entry points

    def render(self, request: server.Request) -> Any:
        try:
            if request.method == b"POST":
                if request.postpath and request.postpath[0]:
                    return self._render_form(request, post=True)
                return self._render_soap(request)
            if request.method in (b"GET", b"HEAD"):
                if request.postpath and request.postpath[0]:
                    return self._render_form(request, post=False)
                if _asks_for_wsdl(request):
                    return self._render_wsdl(request)
                return _text(request, 200, f"{self._service.name} web service. WSDL: ?WSDL")
            request.setHeader(b"allow", b"GET, HEAD, POST")
            return _text(request, 405, "Method not allowed")
        except Exception:
            logger.exception("unexpected error in %s", self._service.name)
            return _text(request, 500, _SERVER_FAULT)

    def wsdl_for(self, base_url: str, path: str) -> bytes:
        address = (base_url + path).replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
        return self._wsdl_template.replace(ADDRESS_PLACEHOLDER, address).encode("utf-8")

    def _render_wsdl(self, request: server.Request) -> bytes:
        path = request.path.decode("utf-8", "replace")
        request.setHeader(b"content-type", ns.CONTENT_SOAP11.encode())
        return self.wsdl_for(self._proxies.base_url(request), path)

    # SOAP

    def _render_soap(self, request: server.Request) -> Any:
        content_type = (_header(request, b"content-type") or "").lower()
        version = "1.2" if "application/soap+xml" in content_type else "1.1"
        if request.body_too_large:
            return self._fault(request, version, "Maximum request length exceeded.", client=True)
        body = request.content.read()
        try:
            soap_request = parse_envelope(body, _charset(request), self._service)
            version = soap_request.version
            args = read_params(soap_request)
        except SoapFault as fault:
            return self._fault(request, version, fault.reason, fault.client)
        operation = soap_request.operation
        context = self._context_factory(self._proxies.client_address(request))
        self._respond_later(
            request,
            _invoke(operation, context, args),
            lambda values: self._soap_ok(request, version, operation, values),
            lambda: self._fault(request, version, _SERVER_FAULT, client=False),
        )
        return server.NOT_DONE_YET

    def _soap_ok(self, request: server.Request, version: str, operation: Operation, values: list[Any]) -> bytes:
        request.setHeader(
            b"content-type", (ns.CONTENT_SOAP12 if version == "1.2" else ns.CONTENT_SOAP11).encode()
        )
        return response_bytes(version, operation, values)

    def _fault(self, request: server.Request, version: str, reason: str, client: bool) -> bytes:
        request.setResponseCode(500)
        request.setHeader(
            b"content-type", (ns.CONTENT_SOAP12 if version == "1.2" else ns.CONTENT_SOAP11).encode()
        )
        return fault_bytes(version, reason, client)

    # HTTP GET/POST form bindings

    def _render_form(self, request: server.Request, post: bool) -> Any:
        name = request.postpath[0].decode("utf-8", "replace")
        operation = self._service.find(name)
        # Fix: HEAD was served like GET and ran the operation (a link checker's HEAD sent a
        # fax). Only GET is the HttpGet binding, as in ASP.NET.
        get_refused = not post and (not self._http_get or request.method != b"GET")
        if operation is None or not operation.http_binding or get_refused:
            return _text(request, 500, f"Request format is unrecognized for URL unexpectedly "
                                       f"ending in '/{name}'.")
        if request.body_too_large:
            return _text(request, 500, "Maximum request length exceeded.")
        try:
            args = read_form(operation, request.args, _charset(request) or "utf-8")
        except (BadValue, LookupError) as exc:
            return _text(request, 500, str(exc).splitlines()[0])
        context = self._context_factory(self._proxies.client_address(request))

        def ok(values: list[Any]) -> bytes:
            request.setHeader(b"content-type", ns.CONTENT_SOAP11.encode())
            return form_response_bytes(operation, values[0])

        self._respond_later(
            request, _invoke(operation, context, args), ok, lambda: _text(request, 500, _SERVER_FAULT)
        )
        return server.NOT_DONE_YET

    # Plumbing

    def _respond_later(
        self,
        request: server.Request,
        work: Any,
        on_success: Callable[[list[Any]], bytes],
        on_failure: Callable[[], bytes],
    ) -> None:
        """Finishes the request when the engine answers. A client that went away does not
        cancel the engine's work (it finishes and commits); only the answer is dropped."""
        gone: list[bool] = []
        request.notifyFinish().addErrback(lambda _: gone.append(True))

        def done(body: bytes) -> None:
            if gone:
                return
            request.setHeader(b"content-length", str(len(body)).encode())
            request.write(body)
            request.finish()

        def succeeded(values: list[Any]) -> None:
            try:
                body = on_success(values)
            except Exception:
                logger.exception("cannot serialise the answer of %s", request.path)
                body = on_failure()
            done(body)

        def failed(failure: Any) -> None:
            logger.error("operation failed: %s", failure.getTraceback())
            done(on_failure())

        defer.Deferred.fromCoroutine(work).addCallbacks(succeeded, failed)


async def _invoke(operation: Operation, context: Any, args: list[Any]) -> list[Any]:
    """Calls the Spyne method; returns its results in response order."""
    result = operation.function(context, *args)
    if inspect.isawaitable(result):
        result = await result
    if len(operation.results) == 1:
        return [result]
    return list(result)
