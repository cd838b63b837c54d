"""Alembic environment: runs on the connection handed over by store.migrate."""

from alembic import context

from interfax_soap.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite can only ALTER through batch copies
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
