"""Plain value types the REST face's reads return (stdlib only, shared with the store)."""

from __future__ import annotations

import dataclasses

from interfax_soap.engine.records import FaxRecord

__all__ = ["BatchSummary", "Fetched"]


@dataclasses.dataclass(frozen=True)
class BatchSummary:
    """A batch (transactions sharing a ParentTransactionID): its head, the parent
    transaction, and how its members stand."""

    head: FaxRecord
    members: int
    total_ok: int
    total_failed: int
    total_in_process: int
    pages_submitted: int


@dataclasses.dataclass(frozen=True)
class Fetched:
    """What a URL fetch brought back: data and its MIME type, or why not."""

    data: bytes | None
    content_type: str | None = None
    reason: str = ""
