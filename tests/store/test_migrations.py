"""store/migrate.py and the Alembic revisions: an empty database upgraded to head is the models."""

from __future__ import annotations

import multiprocessing
import queue
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from interfax_soap.store import migrate
from interfax_soap.store.db import Database
from interfax_soap.store.models import Base

PROCESSES = 5


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url, None)
    yield db
    db.engine.dispose()


def _unquote(default: str) -> str:
    default = default.strip()
    while default.startswith("(") and default.endswith(")"):
        default = default[1:-1].strip()
    if len(default) >= 2 and default[0] == default[-1] == "'":
        default = default[1:-1]
    return default


def _server_default_differs(
    context: Any,
    inspected_column: Any,
    metadata_column: Any,
    inspected_default: str | None,
    metadata_default: Any,
    rendered_metadata_default: str | None,
) -> bool | None:
    # Alembic's SQLite comparison does not unquote an empty string (it reflects ``('')``), so it
    # reports every ``server_default=""`` as changed; compare SQLite defaults ourselves.
    if context.dialect.name != "sqlite":
        return None
    if inspected_default is None or rendered_metadata_default is None:
        return inspected_default != rendered_metadata_default
    return _unquote(inspected_default) != _unquote(rendered_metadata_default)


def schema_differences(db: Database) -> list[Any]:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "compare_server_default": _server_default_differs},
        )
        return list(compare_metadata(context, Base.metadata))


def test_an_empty_database_upgraded_to_head_matches_the_models(database: Database) -> None:
    before, after = migrate.upgrade(database.engine)

    assert before is None
    assert after == migrate.head_revision()
    assert migrate.current_revision(database.engine) == migrate.head_revision()
    tables = set(inspect(database.engine).get_table_names())
    assert set(Base.metadata.tables) | {"alembic_version"} <= tables
    assert schema_differences(database) == []


def test_the_comparison_notices_a_schema_that_differs_from_the_models(database: Database) -> None:
    # Guards the test above: compare_metadata, as configured here, does see differences.
    migrate.upgrade(database.engine)
    with database.engine.begin() as connection:
        connection.execute(text("DROP INDEX ix_transactions_user_id_id"))

    differences = schema_differences(database)

    assert [d[0] for d in differences] == ["add_index"]


def test_upgrading_twice_is_a_no_op(database: Database) -> None:
    migrate.upgrade(database.engine)
    tables = sorted(inspect(database.engine).get_table_names())

    assert migrate.upgrade(database.engine) == (migrate.head_revision(), migrate.head_revision())

    database.engine.dispose()
    assert sorted(inspect(database.engine).get_table_names()) == tables
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM alembic_version")).scalar() == 1
    assert schema_differences(database) == []


def _upgrade_together(url: str, barrier: Any, results: Any) -> None:
    """Child process: connect, wait until every sibling is ready, then upgrade at once."""
    try:
        db = Database(url, None)
        with db.engine.connect():
            pass
        barrier.wait(60)
        results.put(("ok", migrate.upgrade(db.engine)))
        db.engine.dispose()
    except BaseException as exc:  # reported to the parent, which fails the test
        results.put(("error", repr(exc)))


def test_several_processes_upgrading_one_empty_database_at_once_all_succeed(
    database_url: str,
) -> None:
    # On PostgreSQL only the advisory lock keeps the others from creating the same tables
    # (without it all but one fail with a duplicate key on pg_type); SQLite's IMMEDIATE
    # transactions do the same there.
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    results = context.Queue()
    processes = [
        context.Process(target=_upgrade_together, args=(database_url, barrier, results))
        for _ in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    try:
        outcomes = [results.get(timeout=90) for _ in processes]
    except queue.Empty:
        pytest.fail("an upgrading process did not answer")
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()

    assert [kind for kind, _ in outcomes] == ["ok"] * PROCESSES, outcomes
    head = migrate.head_revision()
    befores = [before for _, (before, _) in outcomes]
    assert befores.count(None) == 1  # one process upgraded, the others found nothing to do
    assert befores.count(head) == PROCESSES - 1
    assert {after for _, (_, after) in outcomes} == {head}
    db = Database(database_url, None)
    try:
        assert migrate.current_revision(db.engine) == head
        assert schema_differences(db) == []
    finally:
        db.engine.dispose()


def test_a_failing_upgrade_raises_its_own_error_and_releases_the_lock(pg_url: str) -> None:
    db = Database(pg_url, None)
    try:
        with db.engine.begin() as connection:
            connection.execute(text("CREATE TABLE blobs (key VARCHAR(10))"))

        with pytest.raises(sqlalchemy.exc.ProgrammingError, match="already exists"):
            migrate.upgrade(db.engine)

        # The pool holds the one connection the upgrade used; a session-level advisory lock
        # left on it would make every other process wait forever.
        assert db.engine.pool.checkedin() == 1
        with db.engine.connect() as connection:
            held = connection.execute(
                text(
                    "SELECT COUNT(*) FROM pg_locks "
                    "WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
                )
            ).scalar()
        assert held == 0
    finally:
        db.engine.dispose()


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: Any) -> None:
    db = Database(f"sqlite:///{tmp_path / 'pragmas.db'}", None)
    try:
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    finally:
        db.engine.dispose()


def test_sqlite_transactions_table_uses_autoincrement(tmp_path: Any) -> None:
    # compare_metadata does not see sqlite_autoincrement; without it, IDs of deleted faxes
    # would be handed out again (see test_accounts_repository for the behaviour).
    db = Database(f"sqlite:///{tmp_path / 'autoincrement.db'}", None)
    try:
        migrate.upgrade(db.engine)
        with db.engine.connect() as connection:
            sql = connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'transactions'"
            ).scalar()
        assert "AUTOINCREMENT" in sql.upper()
    finally:
        db.engine.dispose()
