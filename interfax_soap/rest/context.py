"""What a REST handler gets: the engine entry points, and the call (caller, query, body)."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable

from twisted.web import server

from interfax_soap.engine.accounts import Accounts, Caller, Credentials
from interfax_soap.engine.documents import DocumentSessions
from interfax_soap.engine.inbound import Inbound
from interfax_soap.engine.management import FaxManagement
from interfax_soap.engine.outbound import Outbound
from interfax_soap.engine.queries import FaxQueries
from interfax_soap.engine.rest_queries import RestQueries
from interfax_soap.engine.rest_send import RestSender
from interfax_soap.engine.search import FaxSearcher
from interfax_soap.rest.query import Query
from interfax_soap.rest.wire import Reply

__all__ = ["RestServices", "Call", "Handler"]


@dataclasses.dataclass(frozen=True)
class RestServices:
    """The engine as the REST face sees it: SOAP's entry points plus the REST additions."""

    accounts: Accounts
    outbound: Outbound
    queries: FaxQueries
    management: FaxManagement
    search: FaxSearcher
    inbound: Inbound
    rest_queries: RestQueries
    documents: DocumentSessions
    sender: RestSender
    default_country: str = ""
    max_image_chunk: int = 10 * 1024 * 1024


@dataclasses.dataclass(frozen=True)
class Call:
    """One authenticated request, as handlers read it."""

    request: server.Request
    services: RestServices
    authenticated: Caller | None
    credentials: Credentials
    query: Query
    args: tuple[str, ...]
    base_url: str

    @property
    def caller(self) -> Caller:
        """The authenticated user (every route but the anonymous help routes has one)."""
        if self.authenticated is None:
            raise RuntimeError("an anonymous route asked for its caller")
        return self.authenticated

    @property
    def body(self) -> bytes:
        content = self.request.content
        if content is None:
            return b""
        content.seek(0)
        return bytes(content.read())

    def header(self, name: str) -> str | None:
        value = self.request.getHeader(name.encode("latin-1"))
        return value.decode("latin-1") if value is not None else None

    def location(self, path: str) -> tuple[tuple[str, str], ...]:
        """The ``Location`` header of a create: absolute, from the request's scheme and host."""
        return (("Location", f"{self.base_url}{path}"),)


Handler = Callable[[Call], Awaitable[Reply]]
