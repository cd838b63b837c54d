"""``interfax-soap serve``: one reactor serving the web services (and the worker)."""

from __future__ import annotations

import logging
import sys

from interfax_soap.config import Settings

__all__ = ["run_server"]

logger = logging.getLogger(__name__)


def run_server(settings: Settings, with_worker: bool = True) -> int:
    """Opens and upgrades the database, listens, prints ``listening on ...``, runs the reactor."""
    from twisted.internet import reactor

    from interfax_soap.app import build_services, build_site, open_database

    database = open_database(settings, reactor)
    database.start()
    services = build_services(settings, reactor, database)
    site = build_site(settings, services)
    port = reactor.listenTCP(settings.server.port, site, interface=settings.server.host)
    address = port.getHost()
    host = f"[{address.host}]" if ":" in address.host else address.host
    print(f"listening on http://{host}:{address.port}", flush=True)
    sys.stdout.flush()
    reactor.run()
    return 0
