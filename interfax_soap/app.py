"""Composition root: settings -> store -> engine -> wire. The only place that wires objects."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any

from interfax_soap.asmx.resource import AsmxSite, ProxyPolicy, RootResource, ServiceResource
from interfax_soap.asmx.schema import ServiceSchema, build_schema
from interfax_soap.config import Settings
from interfax_soap.engine.accounts import Accounts, SecurityPolicy
from interfax_soap.engine.outbound import Outbound, SubmitPolicy
from interfax_soap.engine.management import FaxManagement
from interfax_soap.engine.queries import FaxQueries
from interfax_soap.engine.search import FaxSearcher
from interfax_soap.engine.uploads import UploadPolicy, Uploads
from interfax_soap.engine.scheduler import RetryPolicy
from interfax_soap.engine.worker import Worker, WorkerPolicy
from interfax_soap.soap.context import CallContext
from interfax_soap.soap.outbound import SERVICE_DOC, build_application
from interfax_soap.store import migrate
from interfax_soap.store.blobs import BlobStore, make_blob_store
from interfax_soap.store.db import Database
from interfax_soap.transports.virtual import DEFAULT_RULES, VirtualFaxNetwork

__all__ = ["outbound_schema", "Services", "build_services", "build_site", "open_database"]

logger = logging.getLogger(__name__)



def outbound_schema() -> ServiceSchema:
    return build_schema(build_application(), "InterFax", SERVICE_DOC)


def open_database(settings: Settings, reactor: Any, upgrade: bool = True) -> Database:
    """Opens the database (creating the data folder) and brings its schema to the newest."""
    Path(settings.server.data_dir).mkdir(parents=True, exist_ok=True)
    database = Database(settings.database_url, reactor, settings.database.pool_threads)
    if upgrade:
        migrate.upgrade(database.engine)
    return database


def security_policy(settings: Settings) -> SecurityPolicy:
    return SecurityPolicy(
        credential_cache_seconds=settings.security.credential_cache_seconds,
        lockout_failures=settings.security.lockout_failures,
        lockout_minutes=settings.security.lockout_minutes,
        default_timezone=settings.server.default_timezone,
    )


@dataclasses.dataclass
class Services:
    database: Database
    blobs: BlobStore
    accounts: Accounts
    outbound: Outbound
    queries: FaxQueries
    management: FaxManagement
    uploads: Uploads
    search: FaxSearcher
    worker: Worker | None


def build_worker(
    settings: Settings, reactor: Any, database: Database, blobs: BlobStore
) -> Worker:
    """The fax worker with its render pool (stopped with the reactor) and transport."""
    from interfax_soap.render.threaded import ThreadedRenderer

    limits = settings.limits
    renderer = ThreadedRenderer(
        reactor,
        workers=limits.render_workers,
        timeout_seconds=limits.render_timeout_seconds,
        memory_mb=limits.render_memory_mb,
    )
    network = settings.virtual_network
    transport = VirtualFaxNetwork(
        reactor, network.time_scale, network.csid, {**DEFAULT_RULES, **network.rules}
    )
    policy = WorkerPolicy(
        concurrency=settings.worker.concurrency,
        poll_seconds=settings.worker.poll_seconds,
        lease_seconds=settings.worker.lease_seconds,
        retry=RetryPolicy(network.busy_retry_seconds, network.retry_seconds, network.time_scale),
        max_pages=limits.max_pages,
        outbound_retention_days=limits.outbound_retention_days,
        # SQLite serves one worker process: claims left by a dead one can be taken at once.
        release_claims_on_start=database.is_sqlite,
    )
    worker = Worker(database, blobs, renderer, transport, reactor, policy)
    reactor.addSystemEventTrigger("before", "shutdown", worker.stop)
    reactor.addSystemEventTrigger("during", "shutdown", renderer.close)
    return worker


def build_services(
    settings: Settings, reactor: Any, database: Database, with_worker: bool = True
) -> Services:
    from interfax_soap.render.threaded import supported_file_types

    blobs = make_blob_store(settings.server.blob_store, settings.data_path, database.sessions)
    accounts = Accounts(database, reactor, security_policy(settings))
    worker = build_worker(settings, reactor, database, blobs) if with_worker else None
    limits = settings.limits
    uploads = Uploads(
        database, blobs, accounts, reactor,
        UploadPolicy(
            chunk_bytes=int(limits.upload_chunk_mb * 1024 * 1024),
            total_bytes=int(limits.upload_total_mb * 1024 * 1024),
            idle_hours=limits.upload_session_hours,
        ),
    )
    outbound = Outbound(
        database,
        blobs,
        accounts,
        reactor,
        SubmitPolicy(
            default_country=settings.numbers.default_country,
            supported_file_types=supported_file_types(),
        ),
        uploads=uploads,
        wake_worker=worker.wake if worker else lambda: None,
    )
    queries = FaxQueries(database, blobs, accounts)
    management = FaxManagement(
        database, accounts, reactor, settings.numbers.default_country,
        wake_worker=worker.wake if worker else lambda: None,
    )
    search = FaxSearcher(database, accounts, reactor)
    return Services(
        database, blobs, accounts, outbound, queries, management, uploads, search, worker
    )


def build_site(settings: Settings, services: Services) -> AsmxSite:
    proxies = ProxyPolicy(settings.server.trusted_proxies)

    def context(address: str) -> CallContext:
        return CallContext(
            outbound=services.outbound,
            queries=services.queries,
            management=services.management,
            uploads=services.uploads,
            search=services.search,
            address=address,
        )

    dfs = ServiceResource(outbound_schema(), context, proxies, settings.server.http_get_binding)
    root = RootResource({"dfs.asmx": dfs})
    return AsmxSite(root, max_body_bytes=int(settings.limits.max_request_mb * 1024 * 1024))
