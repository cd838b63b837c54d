"""Repository of the account web's sign-in sessions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from interfax_soap.engine.webrecords import WebSessionRecord
from interfax_soap.store.models import WebSession

__all__ = ["WebSessionRepository"]


def _record(row: WebSession) -> WebSessionRecord:
    return WebSessionRecord(
        session_id=row.id,
        user_id=row.user_id,
        acting_user_id=row.acting_user_id,
        csrf_token=row.csrf_token,
        stamp=row.stamp,
        address=row.address,
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
        expires_at=row.expires_at,
    )


class WebSessionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, record: WebSessionRecord) -> None:
        self._session.add(
            WebSession(
                id=record.session_id,
                user_id=record.user_id,
                acting_user_id=record.acting_user_id,
                csrf_token=record.csrf_token,
                stamp=record.stamp,
                address=record.address[:255],
                created_at=record.created_at,
                last_seen_at=record.last_seen_at,
                expires_at=record.expires_at,
            )
        )
        self._session.flush()

    def get(self, session_id: str) -> WebSessionRecord | None:
        row = self._session.get(WebSession, session_id)
        return _record(row) if row else None

    def touch(self, session_id: str, last_seen_at: dt.datetime) -> None:
        self._session.execute(
            update(WebSession).where(WebSession.id == session_id).values(last_seen_at=last_seen_at)
        )

    def set_acting_user(self, session_id: str, user_id: int | None) -> None:
        self._session.execute(
            update(WebSession).where(WebSession.id == session_id).values(acting_user_id=user_id)
        )

    def delete(self, session_id: str) -> None:
        self._session.execute(delete(WebSession).where(WebSession.id == session_id))

    def delete_expired(self, now: dt.datetime) -> int:
        """Removes sessions past their absolute expiry; returns how many."""
        result = self._session.execute(delete(WebSession).where(WebSession.expires_at <= now))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
