"""The light part of composition: opening the database and the security policy.

Administration commands need only these; importing them must not pull in the SOAP, HTTP and
rendering stacks (each command would pay a second for it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from interfax_soap.config import Settings
from interfax_soap.engine.accounts import SecurityPolicy
from interfax_soap.store import migrate
from interfax_soap.store.db import Database

__all__ = ["open_database", "security_policy"]


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
