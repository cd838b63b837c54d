"""``interfax-soap serve``: one reactor serving the web services (and the worker)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from interfax_soap.config import Settings

__all__ = ["run_server", "run_worker"]

logger = logging.getLogger(__name__)


def run_server(settings: Settings, with_worker: bool = True) -> int:
    """Opens and upgrades the database, listens, prints ``listening on ...``, runs the reactor."""
    from twisted.internet import reactor

    from interfax_soap.app import (
        build_services,
        build_site,
        listen_mail_gateway,
        open_database,
    )

    database = open_database(settings, reactor)
    database.start()
    try:
        services = build_services(settings, reactor, database, with_worker=with_worker)
        _start_background(settings, services, reactor)
        site = build_site(settings, services)
        mail = []
        if settings.mail_gateway.enabled:
            mail = listen_mail_gateway(settings, reactor, services.mail_gateway)
        server = settings.server
        if server.certificate:
            from twisted.internet import ssl

            tls = ssl.DefaultOpenSSLContextFactory(server.private_key, server.certificate)
            port = reactor.listenSSL(server.port, site, tls, interface=server.host)
        else:
            port = reactor.listenTCP(server.port, site, interface=server.host)
    except BaseException:
        # The store's threads would keep a failed start alive: stop them, then report.
        database.stop()
        raise
    address = port.getHost()
    host = f"[{address.host}]" if ":" in address.host else address.host
    for url in mail:
        print(f"mail gateway listening on {url}", flush=True)
    scheme = "https" if settings.server.certificate else "http"
    print(f"listening on {scheme}://{host}:{address.port}", flush=True)
    sys.stdout.flush()
    reactor.run()
    return 0


def run_worker(settings: Settings) -> int:
    """``interfax-soap worker``: the fax worker alone (scale-out: several per database)."""
    from twisted.internet import reactor

    from interfax_soap.app import build_services, open_database

    database = open_database(settings, reactor)
    database.start()
    try:
        services = build_services(settings, reactor, database, with_worker=True)
        _start_background(settings, services, reactor)
    except BaseException:
        database.stop()
        raise
    assert services.worker is not None
    print(f"worker {services.worker.worker_id} running", flush=True)
    reactor.run()
    return 0


def _start_background(settings: Settings, services: Any, reactor: Any) -> None:
    """The fax worker, the mail deliveries and the hourly clean-ups (expired upload sessions,
    inbound images past retention); several processes doing the clean-ups is harmless."""
    from twisted.internet import defer, task

    def every_hour(work: Callable[[], Any]) -> None:
        loop = task.LoopingCall(lambda: defer.Deferred.fromCoroutine(work()))
        reactor.callWhenRunning(loop.start, 3600, now=True)

    if services.worker is not None:
        worker = services.worker
        reactor.callWhenRunning(lambda: defer.Deferred.fromCoroutine(worker.start()))
    if services.mailer is not None:
        reactor.callWhenRunning(services.mailer.start)
        # Accepted request mails become faxes where the fax worker runs.
        reactor.callWhenRunning(services.mail_gateway.start)
    every_hour(services.uploads.expire)
    retention = settings.limits.inbound_retention_days
    every_hour(lambda: services.inbound.expire_images(retention))
