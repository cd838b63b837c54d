"""A bare Twisted web server answering every POST with a canned SendCharFax response.

The floor for benchmarks/soap_throughput.py: what Twisted's HTTP layer alone costs on this
machine. It imports nothing from interfax_soap. Prints ``listening on http://HOST:PORT`` once it
accepts connections, like ``interfax-soap serve``.

    python benchmarks/_canned_server.py [--port 0]
"""

from __future__ import annotations

import argparse
import sys

from twisted.internet import reactor
from twisted.web import resource, server

CANNED_SEND_CHAR_FAX = (
    b'<?xml version="1.0" encoding="utf-8"?>'
    b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
    b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    b'xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
    b'<soap:Body><SendCharFaxResponse xmlns="http://www.interfax.cc">'
    b"<SendCharFaxResult>123456789</SendCharFaxResult>"
    b"</SendCharFaxResponse></soap:Body></soap:Envelope>"
)


class CannedAnswer(resource.Resource):
    isLeaf = True

    def render_POST(self, request: server.Request) -> bytes:  # noqa: N802 (Twisted API)
        request.content.read()  # consume the body, as a real handler would
        request.setHeader(b"content-type", b"text/xml; charset=utf-8")
        return CANNED_SEND_CHAR_FAX

    def render_GET(self, request: server.Request) -> bytes:  # noqa: N802 (Twisted API)
        request.setHeader(b"content-type", b"text/plain; charset=utf-8")
        return b"canned SendCharFax server\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    site = server.Site(CannedAnswer())
    site.noisy = False
    port = reactor.listenTCP(args.port, site, interface=args.host)  # type: ignore[attr-defined]
    address = port.getHost()
    print(f"listening on http://{address.host}:{address.port}", flush=True)
    reactor.run()  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    sys.exit(main())
