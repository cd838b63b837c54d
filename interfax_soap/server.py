"""``interfax-soap serve``: one reactor serving the web services (and the worker)."""

from __future__ import annotations

import logging
import sys

from interfax_soap.config import Settings

__all__ = ["run_server", "run_worker"]

logger = logging.getLogger(__name__)


def run_server(settings: Settings, with_worker: bool = True) -> int:
    """Opens and upgrades the database, listens, prints ``listening on ...``, runs the reactor."""
    from twisted.internet import reactor

    from twisted.internet import defer, task

    from interfax_soap.app import build_services, build_site, open_database

    database = open_database(settings, reactor)
    database.start()
    services = build_services(settings, reactor, database, with_worker=with_worker)
    if services.worker is not None:
        worker = services.worker
        reactor.callWhenRunning(lambda: defer.Deferred.fromCoroutine(worker.start()))
    # Abandoned upload sessions expire (hourly; several servers doing it is harmless).
    expiry = task.LoopingCall(lambda: defer.Deferred.fromCoroutine(services.uploads.expire()))
    reactor.callWhenRunning(expiry.start, 3600, now=True)
    site = build_site(settings, services)
    port = reactor.listenTCP(settings.server.port, site, interface=settings.server.host)
    address = port.getHost()
    host = f"[{address.host}]" if ":" in address.host else address.host
    print(f"listening on http://{host}:{address.port}", flush=True)
    sys.stdout.flush()
    reactor.run()
    return 0


def run_worker(settings: Settings) -> int:
    """``interfax-soap worker``: the fax worker alone (scale-out: several per database)."""
    from twisted.internet import defer, reactor

    from interfax_soap.app import build_worker, open_database
    from interfax_soap.store.blobs import make_blob_store

    database = open_database(settings, reactor)
    database.start()
    blobs = make_blob_store(settings.server.blob_store, settings.data_path, database.sessions)
    worker = build_worker(settings, reactor, database, blobs)
    reactor.callWhenRunning(lambda: defer.Deferred.fromCoroutine(worker.start()))
    print(f"worker {worker.worker_id} running", flush=True)
    reactor.run()
    return 0
