"""Creating and upgrading the schema with Alembic, safe when several processes start at once."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

__all__ = ["upgrade", "current_revision", "head_revision"]

logger = logging.getLogger(__name__)

# Any constant works; it only has to be the same in every interfax-soap process.
_MIGRATION_LOCK_KEY = 0x1F4A50A9

_SCRIPT_LOCATION = str(Path(__file__).with_name("migrations"))


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", _SCRIPT_LOCATION)
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Upgrades the database to the newest revision.

    On PostgreSQL the whole upgrade holds an advisory lock, so that several serve and worker
    processes starting together upgrade once and the others wait, then find nothing to do.
    SQLite serialises the writers itself.

    Returns:
        The revisions before and after.
    """
    config = _config()
    with engine.connect() as connection:
        is_pg = connection.dialect.name == "postgresql"
        if is_pg:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
            connection.commit()
        try:
            before = MigrationContext.configure(connection).get_current_revision()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            connection.commit()
            after = MigrationContext.configure(connection).get_current_revision()
        finally:
            if is_pg:
                # A failed revision leaves the transaction aborted: roll back first, or the unlock
                # fails, hides the real error and leaves the lock held by the pooled connection.
                connection.rollback()
                connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": _MIGRATION_LOCK_KEY}
                )
                connection.commit()
    if before != after:
        logger.info("database upgraded from %s to %s", before, after)
    assert after is not None
    return before, after
