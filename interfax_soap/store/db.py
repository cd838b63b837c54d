"""Database engine, connection settings and the store's own thread pool."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import sessionmaker
from twisted.internet import defer, threads
from twisted.python.threadpool import ThreadPool

from interfax_soap.store.unit import UnitOfWork

__all__ = ["normalise_url", "make_engine", "Database"]

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Bounded retries of a whole transaction on lock or serialization failures (SQLite busy,
# PostgreSQL 40001/40P01). Each *_txn function is written to be safe to run again.
_RETRIES = 5
_READ_ONLY = "interfax_read_only"


def normalise_url(url: str) -> str:
    """Makes plain ``postgresql://`` URLs use psycopg 3, the driver the project installs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str) -> Engine:
    """Creates an engine; SQLite gets WAL, foreign keys, a busy timeout and IMMEDIATE writes."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            # pysqlite's own BEGIN handling defers the write lock until the first write, so two
            # processes can both read then fail to upgrade; we begin IMMEDIATE ourselves.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Any) -> None:
            # Readers take no lock up front (WAL lets them run beside the one writer).
            if connection.get_execution_options().get(_READ_ONLY):
                connection.exec_driver_sql("BEGIN")
            else:
                connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


def _is_retryable(exc: DBAPIError) -> bool:
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    if code in ("40001", "40P01"):
        return True
    return isinstance(exc, OperationalError) and "locked" in str(exc).lower()


class Database:
    """Owns the engine, the session factory and a dedicated thread pool for blocking I/O.

    Everything that touches the database or the disk runs through :meth:`run` or
    :meth:`transaction`, never on the reactor thread.
    """

    def __init__(self, url: str, reactor: Any, threads_count: int = 0) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url)
        self.is_sqlite = self.url.startswith("sqlite")
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        if threads_count <= 0:
            threads_count = 2 if self.is_sqlite else 8
        self._reactor = reactor
        self._pool = ThreadPool(minthreads=1, maxthreads=threads_count, name="store")
        self._started = False

    def start(self) -> None:
        if not self._started:
            self._pool.start()
            self._started = True
            self._shutdown_trigger = self._reactor.addSystemEventTrigger(
                "during", "shutdown", self.stop
            )

    def stop(self) -> None:
        if self._started:
            self._started = False
            self._pool.stop()
            self.engine.dispose()

    def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> defer.Deferred[T]:
        """Runs blocking ``fn`` in the store's pool; the result arrives on the reactor."""
        return threads.deferToThreadPool(self._reactor, self._pool, fn, *args, **kwargs)

    def transaction_sync(
        self, name: str, fn: Callable[[UnitOfWork], T], read_only: bool = False
    ) -> T:
        """Runs ``fn(uow)`` inside one transaction, retrying lock/serialization failures.

        ``read_only`` transactions must not write; on SQLite they do not wait for the writer.
        """
        for attempt in range(_RETRIES):
            try:
                with self.sessions() as session, session.begin():
                    if read_only:
                        session.connection(execution_options={_READ_ONLY: True})
                    return fn(UnitOfWork(session))
            except DBAPIError as exc:
                if attempt + 1 < _RETRIES and _is_retryable(exc):
                    logger.info("retrying %s after %s", name, exc.__class__.__name__)
                    time.sleep(0.05 * (attempt + 1))
                    continue
                raise
        raise AssertionError("unreachable")

    def transaction(self, name: str, fn: Callable[[UnitOfWork], T]) -> defer.Deferred[T]:
        """Like :meth:`transaction_sync`, in the pool."""
        return self.run(self.transaction_sync, name, fn)

    def read(self, name: str, fn: Callable[[UnitOfWork], T]) -> defer.Deferred[T]:
        """A read-only transaction in the pool."""
        return self.run(self.transaction_sync, name, fn, True)
