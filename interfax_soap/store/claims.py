"""Claiming rows for one worker with a lease: the one query every job table uses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

__all__ = ["claim_rows"]


def claim_rows(
    session: Session,
    model: Any,
    conditions: Sequence[Any],
    order_by: Sequence[Any],
    now: dt.datetime,
    worker_id: str,
    lease_until: dt.datetime,
    limit: int,
) -> list[Any]:
    """Marks up to ``limit`` matching rows that no live worker holds as ``worker_id``'s.

    On PostgreSQL the rows are locked with ``FOR UPDATE SKIP LOCKED``, so concurrent workers
    never claim the same row; SQLite has one writer at a time. A claim whose lease expired
    (its worker died) can be taken over.
    """
    query = (
        select(model)
        .where(*conditions, (model.claimed_by.is_(None)) | (model.lease_until < now))
        .order_by(*order_by)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(session.scalars(query))
    for row in rows:
        row.claimed_by = worker_id
        row.lease_until = lease_until
    session.flush()
    return rows
