"""The REST face's Twisted resources: routing, HTTP Basic authentication, and answers.

Every answer is JSON (``text/json``), an image, or empty; never an HTML page. Errors from the
engine and from request parsing become ``{code, message, moreInfo}`` with their status
(wire.py); anything unexpected is logged with its traceback and answered 500 / -150.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import urllib.parse
from collections.abc import Sequence
from typing import Any

from twisted.internet import defer
from twisted.web import resource, server

from interfax_soap.asmx.gateway import basic_credentials
from interfax_soap.asmx.resource import ProxyPolicy
from interfax_soap.engine.accounts import Credentials
from interfax_soap.engine.codes import ResultCode
from interfax_soap.rest.context import Call, Handler, RestServices
from interfax_soap.rest.query import Query
from interfax_soap.rest.wire import ApiError, Reply, error_for

__all__ = ["Route", "RestRoot", "REST_ROOTS", "is_rest_path"]

logger = logging.getLogger(__name__)

REST_ROOTS = ("outbound", "inbound", "accounts")
_NUMBER = re.compile(r"^\d{1,18}$")
_DOCUMENT = re.compile(r"^[0-9A-Za-z]{1,64}$")
_CORS = (
    ("Cache-Control", "private"),
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Allow-Methods", "*"),
    (
        "Access-Control-Allow-Headers",
        "Authorization, Content-Type, Content-Length, Content-Location, Range, Accept, "
        "Accept-Encoding, X-Requested-With",
    ),
    ("Access-Control-Expose-Headers", "Accept-Ranges, Content-Range, Location, X-Content-Range"),
)


def is_rest_path(path: bytes) -> bool:
    """``/outbound/...``, ``/inbound/...`` or ``/accounts/...`` (not ``/inbound.asmx``)."""
    first = path.split(b"?", 1)[0].lstrip(b"/").split(b"/", 1)[0]
    return first.decode("latin-1").lower() in REST_ROOTS


@dataclasses.dataclass(frozen=True)
class Route:
    """``GET /outbound/faxes/{id}``: literal segments match case-insensitively; ``{id}`` is a
    decimal ID, ``{doc}`` a document ID."""

    method: str
    path: str
    handler: Handler
    summary: str = ""
    anonymous: bool = False

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(s for s in self.path.split("/") if s)

    def match(self, segments: Sequence[str]) -> tuple[str, ...] | None:
        pattern = self.segments
        if len(pattern) != len(segments):
            return None
        args = []
        for expected, actual in zip(pattern, segments, strict=True):
            if expected == "{id}":
                if not _NUMBER.match(actual):
                    return None
                args.append(actual)
            elif expected == "{doc}":
                if not _DOCUMENT.match(actual):
                    return None
                args.append(actual.lower())
            elif expected.lower() != actual.lower():
                return None
        return tuple(args)


def _segments(request: server.Request) -> list[str]:
    path = request.path.decode("latin-1")
    return [urllib.parse.unquote(s) for s in path.split("/") if s]


def _refused(code: ResultCode, username: str | None) -> Reply:
    """401 for bad credentials (with a challenge), 403 while the user is locked out."""
    reply = error_for(code, f"user {username!r}" if username else None).reply()
    if code == ResultCode.AUTHENTICATION_FAILED:
        reply = dataclasses.replace(
            reply, headers=(("WWW-Authenticate", 'Basic realm="InterFAX"'),)
        )
    return reply


class _Dispatch(resource.Resource):
    """Routes every request under one root path; a leaf, so it sees the whole path."""

    isLeaf = True

    def __init__(
        self, routes: Sequence[Route], services: RestServices, proxies: ProxyPolicy
    ) -> None:
        super().__init__()
        self._routes = list(routes)
        self._services = services
        self._proxies = proxies

    @property
    def routes(self) -> list[Route]:
        return list(self._routes)

    def render(self, request: server.Request) -> Any:
        # No default text/html on empty answers: Node and Ruby decide by this header.
        request.defaultContentType = None
        method = request.method.decode("latin-1").upper()
        if method == "OPTIONS":
            return self._prepare(request, Reply(200))
        segments = _segments(request)
        candidates = [(route, route.match(segments)) for route in self._routes]
        matching = [(route, args) for route, args in candidates if args is not None]
        if not matching:
            path = request.path.decode("latin-1", "replace")
            return self._prepare(
                request, ApiError(404, int(ResultCode.BAD_VERB), "Endpoint not found", path).reply()
            )
        wanted = "GET" if method == "HEAD" else method
        chosen = next(((r, a) for r, a in matching if r.method == wanted), None)
        if chosen is None:
            allowed = ", ".join(sorted({r.method for r, _ in matching}))
            reply = ApiError(
                405, int(ResultCode.BAD_VERB), "Method not allowed", f"allowed: {allowed}"
            ).reply()
            return self._prepare(request, dataclasses.replace(reply, headers=(("Allow", allowed),)))
        if getattr(request, "body_too_large", False):
            reply = error_for(
                ResultCode.UPLOAD_TOO_BIG, "the request body is over the limit"
            ).reply()
            return self._prepare(request, reply)
        route, args = chosen
        self._respond_later(request, self._serve(request, route, args))
        return server.NOT_DONE_YET

    async def _serve(self, request: server.Request, route: Route, args: tuple[str, ...]) -> Reply:
        try:
            username, password = basic_credentials(request)
            credentials = Credentials(username, password, self._proxies.client_address(request))
            caller = None
            if not route.anonymous:
                auth = await self._services.accounts.authenticate(credentials)
                if auth.caller is None:
                    return _refused(auth.code, username)
                caller = auth.caller
            call = Call(
                request=request,
                services=self._services,
                authenticated=caller,
                credentials=credentials,
                query=Query.of_uri(request.uri),
                args=args,
                base_url=self._proxies.base_url(request),
            )
            return await route.handler(call)
        except ApiError as error:
            return error.reply()

    def _respond_later(self, request: server.Request, work: Any) -> None:
        """Finishes the request when the engine answers. A client that went away does not
        cancel the engine's work (it finishes and commits); only the answer is dropped."""
        gone: list[bool] = []
        request.notifyFinish().addErrback(lambda _: gone.append(True))

        def done(reply: Reply) -> None:
            if not gone:
                body = self._prepare(request, reply)
                request.write(body)
                request.finish()

        def failed(failure: Any) -> None:
            logger.error(
                "REST %s %s failed: %s", request.method, request.path, failure.getTraceback()
            )
            done(error_for(ResultCode.INTERNAL_ERROR).reply())

        defer.Deferred.fromCoroutine(work).addCallbacks(done, failed)

    @staticmethod
    def _prepare(request: server.Request, reply: Reply) -> bytes:
        request.setResponseCode(reply.status)
        for name, value in (*_CORS, *reply.headers):
            request.setHeader(name.encode("latin-1"), value.encode("latin-1"))
        if reply.content_type:
            request.setHeader(b"content-type", reply.content_type.encode("latin-1"))
        request.setHeader(b"content-length", str(len(reply.body)).encode())
        return reply.body


class RestRoot(resource.Resource):
    """One REST root (``/outbound``, ``/inbound``, ``/accounts``).

    ``previous`` is the resource that had this root before the REST face, and ``keep`` the
    children it goes on serving (``/inbound/receive``, the receive gateway).
    """

    def __init__(
        self,
        routes: Sequence[Route],
        services: RestServices,
        proxies: ProxyPolicy,
        previous: resource.Resource | None = None,
        keep: tuple[bytes, ...] = (),
    ) -> None:
        super().__init__()
        self._dispatch = _Dispatch(routes, services, proxies)
        self._previous = previous
        self._keep = keep

    @property
    def routes(self) -> list[Route]:
        return self._dispatch.routes

    def getChild(self, path: bytes, request: server.Request) -> resource.Resource:  # noqa: N802
        if self._previous is not None and path in self._keep:
            return self._previous.getChildWithDefault(path, request)
        return self._dispatch

    def render(self, request: server.Request) -> Any:
        return self._dispatch.render(request)
