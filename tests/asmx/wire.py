"""Helpers for the end-to-end wire tests of dfs.asmx: one server per module, raw envelopes,
raw HTTP over sockets (for HTTP/1.0, chunked bodies and ``Expect: 100-continue``).

Imported as ``tests.asmx.wire``; every request stays on loopback and has a 10 s bound so a
hang fails the test instead of stalling the run (CONVENTIONS "Time").
"""

from __future__ import annotations

import dataclasses
import http.client
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import requests
from lxml import etree

from tests.conftest import RunningServer, start_server

NS = "http://www.interfax.cc"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"
CT_SOAP11 = "text/xml; charset=utf-8"
CT_SOAP12 = "application/soap+xml; charset=utf-8"
CT_TEXT = "text/plain; charset=utf-8"
TIMEOUT = 10  # seconds: every answer, good or bad, must come within this
NUMBER = "+1 212 555 0100"
PASSWORD = "pw-wire-tests"

# The exact ASP.NET head of every SOAP answer (COMPAT 13, ASPNET-OBSERVED "Success responses").
HEAD11 = (
    '<?xml version="1.0" encoding="utf-8"?>'
    f'<soap:Envelope xmlns:soap="{SOAP11}" xmlns:xsi="{XSI}" xmlns:xsd="{XSD}"><soap:Body>'
)
HEAD12 = HEAD11.replace(SOAP11, SOAP12)
TAIL = "</soap:Body></soap:Envelope>"


@contextmanager
def module_server(
    directory: Path, users: tuple[str, ...] = (), extra_env: dict[str, str] | None = None
) -> Iterator[RunningServer]:
    """A real ``interfax-soap serve`` for one test module, with ``users`` (password PASSWORD).

    Users are added in parallel: each ``user add`` is a fresh interpreter plus a slow hash.
    """
    server = start_server(directory / "data", extra_env)
    try:
        errors: list[BaseException] = []

        def add(name: str) -> None:
            try:
                server.add_user(name, PASSWORD)
            except BaseException as exc:  # reported below, in the test's thread
                errors.append(exc)

        threads = [threading.Thread(target=add, args=(name,)) for name in users]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        if errors:
            raise errors[0]
        yield server
    finally:
        server.stop()


def host_port(server: RunningServer) -> tuple[str, int]:
    parts = urlsplit(server.base_url)
    assert parts.hostname is not None and parts.port is not None
    return parts.hostname, parts.port


# Envelopes ------------------------------------------------------------------------------------


def children(**params: Any) -> str:
    """``<Name>value</Name>`` for each parameter, in the order given; None writes nothing."""
    return "".join(
        f"<{name}>{escape(str(value))}</{name}>"
        for name, value in params.items()
        if value is not None
    )


def envelope(operation: str, inner: str, version: str = "1.1", declaration: bool = True) -> bytes:
    """A plain envelope: ``soap`` prefix, operation element with the default namespace."""
    env = SOAP12 if version == "1.2" else SOAP11
    head = '<?xml version="1.0" encoding="utf-8"?>' if declaration else ""
    return (
        f'{head}<soap:Envelope xmlns:soap="{env}"><soap:Body>'
        f'<{operation} xmlns="{NS}">{inner}</{operation}></soap:Body></soap:Envelope>'
    ).encode()


def send_char_fax_params(
    user: str,
    number: str = NUMBER,
    data: str = "Hello fax",
    file_type: str | None = "TXT",
    password: str = PASSWORD,
) -> str:
    return children(
        Username=user, Password=password, FaxNumber=number, Data=data, FileType=file_type
    )


def fax_status_params(
    user: str, last: int = 999999999, max_items: int = 100, password: str = PASSWORD
) -> str:
    return children(
        Username=user,
        Password=password,
        LastTransactionID=last,
        MaxItems=max_items,
        TotalCount=0,
        ListSize=0,
        ResultCode=0,
    )


# HTTP -----------------------------------------------------------------------------------------


def post(
    url: str,
    body: bytes,
    content_type: str | None = CT_SOAP11,
    soap_action: str | None = None,
    **headers: str,
) -> requests.Response:
    sent = dict(headers)
    if content_type is not None:
        sent["Content-Type"] = content_type
    if soap_action is not None:
        sent["SOAPAction"] = soap_action
    return requests.post(url, data=body, headers=sent, timeout=TIMEOUT)


@dataclasses.dataclass
class RawResponse:
    version: int  # 10 or 11, as http.client reports it
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


def raw_exchange(
    server: RunningServer, request: bytes, body_after_continue: bytes | None = None
) -> tuple[bytes, RawResponse]:
    """Sends ``request`` on a fresh socket and reads one response with http.client.

    With ``body_after_continue``, first waits for the interim ``100 Continue`` (returned as the
    first element) and only then sends the body.
    """
    with socket.create_connection(host_port(server), timeout=TIMEOUT) as sock:
        sock.sendall(request)
        interim = b""
        if body_after_continue is not None:
            while b"\r\n\r\n" not in interim:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                interim += chunk
            sock.sendall(body_after_continue)
        response = http.client.HTTPResponse(sock)
        response.begin()
        body = response.read()
        return interim, RawResponse(response.version, response.status, response.headers, body)


def chunked(body: bytes, size: int) -> bytes:
    """``body`` in HTTP/1.1 chunked framing, ``size`` bytes per chunk."""
    out = b""
    for start in range(0, len(body), size):
        piece = body[start : start + size]
        out += b"%x\r\n%s\r\n" % (len(piece), piece)
    return out + b"0\r\n\r\n"


# Reading answers ------------------------------------------------------------------------------


def response_element(content: bytes, operation: str) -> etree._Element:
    """The ``<OpResponse>`` element of a successful SOAP answer (1.1 or 1.2)."""
    root = etree.fromstring(content)
    element = root.find(f"./{{{root.nsmap['soap']}}}Body/{{{NS}}}{operation}Response")
    assert element is not None, content
    return element


def result(response: requests.Response | RawResponse, operation: str) -> int:
    """The integer ``<OpResult>`` of a 200 answer."""
    status = response.status if isinstance(response, RawResponse) else response.status_code
    content = response.body if isinstance(response, RawResponse) else response.content
    assert status == 200, content
    text = response_element(content, operation).findtext(f"{{{NS}}}{operation}Result")
    assert text is not None, content
    return int(text)


def status_items(content: bytes) -> list[dict[str, str]]:
    """FaxStatus's FaxItems, in document order, as name -> text."""
    element = response_element(content, "FaxStatus")
    return [
        {etree.QName(child).localname: child.text or "" for child in item}
        for item in element.iter(f"{{{NS}}}FaxItem")
    ]


def status_echo(content: bytes) -> dict[str, int]:
    """FaxStatus's ByRef echoes: TotalCount, ListSize, ResultCode."""
    element = response_element(content, "FaxStatus")
    return {
        name: int(element.findtext(f"{{{NS}}}{name}") or "nan")
        for name in ("TotalCount", "ListSize", "ResultCode")
    }


def one_line(text: str) -> bool:
    return bool(text.strip()) and "\n" not in text.strip() and "\r" not in text
