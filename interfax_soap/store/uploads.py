"""Repository of chunk-upload sessions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from interfax_soap.engine.records import UploadRecord
from interfax_soap.store.models import UploadSession

__all__ = ["UploadRepository"]


def _record(row: UploadSession) -> UploadRecord:
    return UploadRecord(
        session_id=row.id,
        user_id=row.user_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        size=row.size,
        blob_key=row.blob_key,
        closed=row.closed,
    )


class UploadRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._postgres = session.get_bind().dialect.name == "postgresql"

    def create(self, session_id: str, user_id: int, blob_key: str, now: dt.datetime) -> None:
        self._session.add(
            UploadSession(
                id=session_id, user_id=user_id, blob_key=blob_key, created_at=now, updated_at=now
            )
        )
        self._session.flush()

    def get(self, session_id: str, for_update: bool = False) -> UploadRecord | None:
        """The session; ``for_update`` locks its row until commit (chunks arrive in order)."""
        query = select(UploadSession).where(UploadSession.id == session_id)
        if for_update and self._postgres:
            query = query.with_for_update()
        row = self._session.scalars(query).one_or_none()
        return _record(row) if row else None

    def grown(self, session_id: str, size: int, closed: bool, now: dt.datetime) -> None:
        row = self._session.get(UploadSession, session_id)
        assert row is not None
        row.size = size
        row.closed = row.closed or closed
        row.updated_at = now
        self._session.flush()

    def delete(self, session_id: str) -> None:
        row = self._session.get(UploadSession, session_id)
        if row is not None:
            self._session.delete(row)
            self._session.flush()

    def idle_since(self, before: dt.datetime, limit: int) -> list[UploadRecord]:
        rows = self._session.scalars(
            select(UploadSession).where(UploadSession.updated_at < before).limit(limit)
        )
        return [_record(row) for row in rows]
