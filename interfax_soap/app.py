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
from interfax_soap.soap.context import CallContext
from interfax_soap.soap.outbound import SERVICE_DOC, build_application
from interfax_soap.store import migrate
from interfax_soap.store.blobs import LocalBlobStore
from interfax_soap.store.db import Database

__all__ = ["outbound_schema", "Services", "build_services", "build_site", "open_database"]

logger = logging.getLogger(__name__)

SUPPORTED_FILE_TYPES = ("TXT",)


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
    blobs: LocalBlobStore
    accounts: Accounts
    outbound: Outbound


def build_services(settings: Settings, reactor: Any, database: Database) -> Services:
    blobs = LocalBlobStore(Path(settings.server.data_dir) / "blobs")
    accounts = Accounts(database, reactor, security_policy(settings))
    outbound = Outbound(
        database,
        blobs,
        accounts,
        reactor,
        SubmitPolicy(
            default_country=settings.numbers.default_country,
            supported_file_types=SUPPORTED_FILE_TYPES,
        ),
    )
    return Services(database, blobs, accounts, outbound)


def build_site(settings: Settings, services: Services) -> AsmxSite:
    proxies = ProxyPolicy(settings.server.trusted_proxies)

    def context(address: str) -> CallContext:
        return CallContext(outbound=services.outbound, address=address)

    dfs = ServiceResource(outbound_schema(), context, proxies, settings.server.http_get_binding)
    root = RootResource({"dfs.asmx": dfs})
    return AsmxSite(root, max_body_bytes=int(settings.limits.max_request_mb * 1024 * 1024))
