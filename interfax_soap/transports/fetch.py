"""Fetching a document from a web URL (REST ``Content-Location``), when the settings allow."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from twisted.internet import threads
from twisted.web.client import Agent, readBody
from twisted.web.http_headers import Headers

from interfax_soap.engine.rest_records import Fetched

__all__ = ["UrlFetcher"]

logger = logging.getLogger(__name__)


class UrlFetcher:
    """GETs a URL with a timeout and a size limit. Redirects are not followed: each hop would
    need vetting again (a public URL may redirect to a private address).

    ``check`` vets the URL first (blocking: it resolves the host) and returns why it is
    refused, or None; so a fetch never reaches loopback or private addresses unless the
    settings allow it.
    """

    def __init__(
        self,
        reactor: Any,
        check: Callable[[str], str | None],
        timeout_seconds: float,
        max_bytes: int,
    ) -> None:
        self._reactor = reactor
        self._check = check
        self._agent = Agent(reactor, connectTimeout=timeout_seconds)
        self._timeout = timeout_seconds
        self._max_bytes = max_bytes

    async def __call__(self, url: str) -> Fetched:
        refused = await threads.deferToThread(self._check, url)
        if refused:
            return Fetched(None, reason=f"{url}: {refused}")
        request = self._agent.request(
            b"GET", url.encode("utf-8"), Headers({b"user-agent": [b"interfax-soap"]})
        )
        request.addTimeout(self._timeout, self._reactor)
        try:
            response = await request
            length = response.length if isinstance(response.length, int) else 0
            if length > self._max_bytes:
                response.deliverBody(_Discard())
                return Fetched(None, reason=f"{url}: larger than {self._max_bytes} bytes")
            body = await readBody(response)
        except Exception as exc:  # connection, TLS or timeout failure
            logger.info("fetching %s failed: %r", url, exc)
            return Fetched(None, reason=f"{url}: {exc.__class__.__name__}")
        if not 200 <= int(response.code) < 300:
            return Fetched(None, reason=f"{url}: HTTP {response.code}")
        if len(body) > self._max_bytes:
            return Fetched(None, reason=f"{url}: larger than {self._max_bytes} bytes")
        types = response.headers.getRawHeaders(b"content-type") or [b""]
        return Fetched(body, types[0].decode("latin-1"))


class _Discard:
    """A body consumer that drops what arrives (an oversize response is not read)."""

    def makeConnection(self, transport: Any) -> None:  # noqa: N802 (Twisted API)
        transport.stopProducing()

    def dataReceived(self, data: bytes) -> None:  # noqa: N802 (Twisted API)
        pass

    def connectionLost(self, reason: Any) -> None:  # noqa: N802 (Twisted API)
        pass
