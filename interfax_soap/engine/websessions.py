"""Sign-in sessions of the account web: sign in (with the SOAP lockout), resume, switch the
user looked at (primary users), sign out.

The browser holds a random token; the store keeps only its SHA-256. A session ends at its
absolute lifetime, after being idle too long, when the user is disabled, and when the
password changes (the session carries a stamp derived from the password hash).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import secrets
from typing import Any

from interfax_soap.engine.accounts import Accounts, Caller, Credentials
from interfax_soap.engine.clock import Clock, utcnow
from interfax_soap.engine.codes import ResultCode
from interfax_soap.engine.ports import Store
from interfax_soap.engine.records import UserRecord
from interfax_soap.engine.webrecords import WebSessionRecord

__all__ = ["SessionPolicy", "WebSession", "SignIn", "WebSessions"]

logger = logging.getLogger(__name__)

# last_seen_at is written at most this often, so reading pages does not write every time.
_TOUCH_SECONDS = 60


@dataclasses.dataclass(frozen=True)
class SessionPolicy:
    lifetime_hours: float = 12
    idle_minutes: float = 120


@dataclasses.dataclass(frozen=True)
class WebSession:
    """A live session: who signed in, whose faxes they look at, and the form token.

    ``acting`` is the signed-in user itself, or another user of its account chosen by a
    primary user; its ``tz`` is always the signed-in user's (the person reading the page).
    """

    session_id: str
    caller: Caller
    acting: Caller
    csrf_token: str
    switchable: tuple[str, ...] = ()  # usernames a primary user may look at (itself included)

    @property
    def is_switched(self) -> bool:
        return self.acting.user_id != self.caller.user_id


@dataclasses.dataclass(frozen=True)
class SignIn:
    code: ResultCode
    token: str = ""


def _session_id(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _stamp(user: UserRecord) -> str:
    return hashlib.sha256(("web-session\0" + user.password_hash).encode("utf-8")).hexdigest()


def _may_act_as(caller: UserRecord, other: UserRecord | None) -> bool:
    """A primary user may look at the users of its own account (as GetList2's RequestedUserID)."""
    return (
        other is not None
        and caller.is_primary
        and caller.account_id is not None
        and other.account_id == caller.account_id
    )


def _resume_txn(uow: Any, session_id: str) -> tuple[WebSessionRecord, UserRecord, UserRecord | None,
                                                     tuple[str, ...]] | None:
    record = uow.web_sessions.get(session_id)
    if record is None:
        return None
    user = uow.accounts.user_by_id(record.user_id)
    if user is None:
        return None
    acting = None
    if record.acting_user_id is not None and record.acting_user_id != user.user_id:
        acting = uow.accounts.user_by_id(record.acting_user_id)
    switchable: tuple[str, ...] = ()
    if user.is_primary and user.account_id is not None:
        ids = uow.accounts.account_user_ids(user.account_id)
        members = [uow.accounts.user_by_id(i) for i in ids]
        switchable = tuple(sorted(m.username for m in members if m is not None and not m.disabled))
    return record, user, acting, switchable


class WebSessions:
    """Sessions for the account web; authentication is :meth:`Accounts.authenticate`, so the
    lockout, the credential cache and disabled users behave exactly as for SOAP."""

    def __init__(
        self, store: Store, accounts: Accounts, clock: Clock, policy: SessionPolicy
    ) -> None:
        self._store = store
        self._accounts = accounts
        self._clock = clock
        self._policy = policy

    async def sign_in(self, credentials: Credentials) -> SignIn:
        """Checks the credentials and opens a session.

        Returns:
            OK with the token for the cookie; -1003 for bad credentials; -1876 while the user
            is locked for the client's address (CONVENTIONS "Security defaults").
        """
        auth = await self._accounts.authenticate(credentials)
        if auth.caller is None:
            return SignIn(auth.code)
        user = auth.caller.user
        token = secrets.token_urlsafe(32)
        now = utcnow(self._clock)
        record = WebSessionRecord(
            session_id=_session_id(token),
            user_id=user.user_id,
            acting_user_id=None,
            csrf_token=secrets.token_urlsafe(32),
            stamp=_stamp(user),
            address=credentials.address,
            created_at=now,
            last_seen_at=now,
            expires_at=now + dt.timedelta(hours=self._policy.lifetime_hours),
        )

        def txn(uow: Any) -> None:
            uow.web_sessions.delete_expired(now)  # housekeeping: sign-ins are rare enough
            uow.web_sessions.add(record)

        await self._store.transaction("web_sign_in", txn)
        logger.info("web session opened for %s from %s", user.username, credentials.address)
        return SignIn(ResultCode.OK, token)

    async def resume(self, token: str | None) -> WebSession | None:
        """The live session of a cookie's token, or None (unknown, expired, idle too long,
        user disabled, password changed since sign-in)."""
        if not token or len(token) > 128:
            return None
        session_id = _session_id(token)
        found = await self._store.read("web_session", lambda uow: _resume_txn(uow, session_id))
        if found is None:
            return None
        record, user, acting, switchable = found
        now = utcnow(self._clock)
        idle_limit = record.last_seen_at + dt.timedelta(minutes=self._policy.idle_minutes)
        if (
            record.expires_at <= now
            or idle_limit <= now
            or user.disabled
            or record.stamp != _stamp(user)
        ):
            await self._store.transaction(
                "web_session_end", lambda uow: uow.web_sessions.delete(session_id)
            )
            return None
        if (now - record.last_seen_at).total_seconds() >= _TOUCH_SECONDS:
            await self._store.transaction(
                "web_session_touch", lambda uow: uow.web_sessions.touch(session_id, now)
            )
        caller = self._accounts.caller_for(user)
        acting_caller = caller
        if acting is not None and _may_act_as(user, acting):
            acting_caller = Caller(user=acting, tz=caller.tz)
        return WebSession(session_id, caller, acting_caller, record.csrf_token, switchable)

    async def switch_user(self, session: WebSession, username: str) -> ResultCode:
        """Looks at another user of the account (primary users only; -310 otherwise)."""
        caller = session.caller.user
        other = await self._store.read("user", lambda uow: uow.accounts.user_by_name(username))
        if other is None or (other.user_id != caller.user_id and not _may_act_as(caller, other)):
            return ResultCode.NOT_PRIMARY_USER
        acting_id = None if other.user_id == caller.user_id else other.user_id
        await self._store.transaction(
            "web_switch_user",
            lambda uow: uow.web_sessions.set_acting_user(session.session_id, acting_id),
        )
        return ResultCode.OK

    async def sign_out(self, token: str | None) -> None:
        if token:
            session_id = _session_id(token)
            await self._store.transaction(
                "web_sign_out", lambda uow: uow.web_sessions.delete(session_id)
            )
