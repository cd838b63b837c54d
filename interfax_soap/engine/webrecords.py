"""Plain value types of the account web shared with its ports (stdlib only)."""

from __future__ import annotations

import dataclasses
import datetime as dt

__all__ = ["WebSessionRecord"]


@dataclasses.dataclass(frozen=True)
class WebSessionRecord:
    """A signed-in browser session as stored (``session_id`` is the SHA-256 of the token)."""

    session_id: str
    user_id: int
    acting_user_id: int | None
    csrf_token: str
    stamp: str
    address: str
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime
