"""HTTP callbacks: a form-encoded POST of a fax's result to the user's URL."""

from __future__ import annotations

import io
import logging
from typing import Any

from twisted.internet import threads
from twisted.web.client import Agent, FileBodyProducer, readBody
from twisted.web.http_headers import Headers

from interfax_soap.transports.mail import SendOutcome

__all__ = ["CallbackSender"]

logger = logging.getLogger(__name__)


class CallbackSender:
    """POSTs with a timeout; 2xx is delivered, 4xx (but 408/429) permanent, the rest retried.

    ``check`` vets the URL first (blocking: it resolves the host), so a callback never
    reaches loopback or private addresses unless the settings allow it.
    """

    def __init__(self, reactor: Any, check: Any, timeout_seconds: float = 30) -> None:
        self._reactor = reactor
        self._check = check
        self._agent = Agent(reactor, connectTimeout=timeout_seconds)
        self._timeout = timeout_seconds

    async def post(self, url: str, body: bytes) -> SendOutcome:
        refused = await threads.deferToThread(self._check, url)
        if refused:
            return SendOutcome(False, 403, True, refused)
        request = self._agent.request(
            b"POST", url.encode("utf-8"),
            Headers({b"content-type": [b"application/x-www-form-urlencoded"],
                     b"user-agent": [b"interfax-soap"]}),
            FileBodyProducer(io.BytesIO(body)),
        )
        request.addTimeout(self._timeout, self._reactor)
        try:
            response = await request
            await readBody(response)
        except Exception as exc:  # a connection or timeout failure: try again later
            return SendOutcome(False, 0, False, f"{exc.__class__.__name__}: {exc}")
        code = int(response.code)
        if 200 <= code < 300:
            return SendOutcome(True, code, False)
        permanent = 400 <= code < 500 and code not in (408, 429)
        return SendOutcome(False, code, permanent, f"HTTP {code}")
