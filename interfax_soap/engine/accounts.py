"""Accounts and users: credentials, the verified-credentials cache, lockout, administration."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import logging
import secrets
from typing import Any

import argon2

from interfax_soap.engine.clock import Clock, utcnow, zone
from interfax_soap.engine.codes import ResultCode
from interfax_soap.engine.ports import Store
from interfax_soap.engine.records import LoginState, UserRecord

__all__ = ["Credentials", "Caller", "AuthOutcome", "Accounts", "AdminError"]

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Credentials:
    """What a client sent to identify itself, and from where."""

    username: str | None
    password: str | None
    address: str = ""


@dataclasses.dataclass(frozen=True)
class Caller:
    """An authenticated user, with the time zone its dates are written in."""

    user: UserRecord
    tz: dt.tzinfo

    @property
    def user_id(self) -> int:
        return self.user.user_id


@dataclasses.dataclass(frozen=True)
class AuthOutcome:
    code: ResultCode
    caller: Caller | None = None


@dataclasses.dataclass(frozen=True)
class SecurityPolicy:
    credential_cache_seconds: int = 300
    lockout_failures: int = 10
    lockout_minutes: int = 60
    default_timezone: str = "UTC"


class AdminError(Exception):
    """An administration request that cannot be done; the message is the one-line reason."""


class Accounts:
    """Authenticates callers and administers users and accounts."""

    def __init__(self, store: Store, clock: Clock, policy: SecurityPolicy) -> None:
        self._store = store
        self._clock = clock
        self._policy = policy
        self._hasher = argon2.PasswordHasher()
        # Keyed hash of (username, password) -> (stored hash it matched, expiry). The key lives
        # only in this process, so the cache never holds anything that could be replayed.
        self._cache_key = secrets.token_bytes(32)
        self._verified: dict[bytes, tuple[str, float]] = {}
        # A hash to verify against for unknown users, so their answer takes as long.
        self._dummy_hash = self._hasher.hash(secrets.token_hex(8))

    def hash_password(self, password: str) -> str:
        """Blocking (argon2id): call in a thread."""
        return self._hasher.hash(password)

    def _cache_id(self, username: str, password: str) -> bytes:
        return hmac.new(
            self._cache_key, f"{username}\0{password}".encode(), hashlib.sha256
        ).digest()

    def _verify(self, stored_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored_hash, password)
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
            return False

    async def authenticate(self, credentials: Credentials) -> AuthOutcome:
        """Checks a username and password.

        Returns -1003 for unknown users and wrong passwords, -1876 while the user is locked
        for the client's address; otherwise OK with the caller.
        """
        username, password = credentials.username, credentials.password
        if not username or password is None:
            return AuthOutcome(ResultCode.AUTHENTICATION_FAILED)
        now = utcnow(self._clock)
        address = credentials.address or "-"
        user, state = await self._store.read(
            "load_login", lambda uow: _load_login_txn(uow, username, address)
        )
        if user is None or user.disabled:
            await self._store.run(self._verify, self._dummy_hash, password)
            return AuthOutcome(ResultCode.AUTHENTICATION_FAILED)
        if state.locked_until is not None and state.locked_until > now:
            return AuthOutcome(ResultCode.USER_LOCKED)
        cache_id = self._cache_id(username, password)
        cached = self._verified.get(cache_id)
        monotonic = self._clock.seconds()
        if cached and cached[0] == user.password_hash and cached[1] > monotonic:
            ok = True
        else:
            ok = await self._store.run(self._verify, user.password_hash, password)
            if ok and self._policy.credential_cache_seconds > 0:
                self._verified[cache_id] = (
                    user.password_hash,
                    monotonic + self._policy.credential_cache_seconds,
                )
        if ok:
            if state.failures or state.locked_until:
                await self._store.transaction(
                    "reset_login",
                    lambda uow: uow.accounts.set_login_state(
                        user.user_id, address, LoginState(0, None)
                    ),
                )
            return AuthOutcome(ResultCode.OK, self.caller_for(user))
        self._verified.pop(cache_id, None)
        locked = await self._store.transaction(
            "record_login_failure",
            lambda uow: _record_failure_txn(uow, user.user_id, address, now, self._policy),
        )
        if locked:
            logger.warning("user %s locked for %s after failed logins", username, address)
        return AuthOutcome(ResultCode.AUTHENTICATION_FAILED)

    def caller_for(self, user: UserRecord) -> Caller:
        return Caller(user=user, tz=zone(user.timezone, self._policy.default_timezone))

    # Administration (command line). Blocking: these run outside a reactor.

    def add_user_sync(self, username: str, password: str) -> UserRecord:
        if not username or len(username) > 100:
            raise AdminError("a username has 1 to 100 characters")
        _require_password(password)
        password_hash = self.hash_password(password)
        now = utcnow(self._clock)
        return self._store.transaction_sync(
            "add_user", lambda uow: uow.accounts.add_user(username, password_hash, now)
        )

    def set_password_sync(self, username: str, password: str) -> None:
        _require_password(password)
        password_hash = self.hash_password(password)

        def txn(uow: Any) -> None:
            user = _require_user(uow, username)
            uow.accounts.update_user(user.user_id, password_hash=password_hash)
            uow.accounts.clear_login_failures(user.user_id)

        self._store.transaction_sync("set_password", txn)

    def set_user_sync(self, username: str, **changes: Any) -> UserRecord:
        if "timezone" in changes and changes["timezone"] is not None:
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

            try:
                ZoneInfo(changes["timezone"])
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise AdminError(f"unknown time zone {changes['timezone']!r}") from exc
        return self._store.transaction_sync(
            "set_user",
            lambda uow: uow.accounts.update_user(_require_user(uow, username).user_id, **changes),
        )

    def add_account_sync(self, name: str, primary: str) -> None:
        now = utcnow(self._clock)

        def txn(uow: Any) -> None:
            user = _require_user(uow, primary)
            if user.account_id is not None:
                raise AdminError(
                    f"user {primary!r} already belongs to account {user.account_name!r}"
                )
            uow.accounts.add_account(name, user.user_id, now)

        self._store.transaction_sync("add_account", txn)

    def add_account_user_sync(self, name: str, username: str) -> None:
        def txn(uow: Any) -> None:
            account_id = uow.accounts.account_id_by_name(name)
            if account_id is None:
                raise AdminError(f"no account {name!r}")
            user = _require_user(uow, username)
            if user.account_id is not None:
                raise AdminError(
                    f"user {username!r} already belongs to account {user.account_name!r}"
                )
            uow.accounts.update_user(user.user_id, account_id=account_id)

        self._store.transaction_sync("add_account_user", txn)


def _require_password(password: str) -> None:
    # An empty password would let a client that sends an empty <Password/> in.
    if not password:
        raise AdminError("a password must not be empty")


def _require_user(uow: Any, username: str) -> UserRecord:
    user = uow.accounts.user_by_name(username)
    if user is None:
        raise AdminError(f"no user {username!r}")
    return user


def _load_login_txn(uow: Any, username: str, address: str) -> tuple[UserRecord | None, LoginState]:
    result: tuple[UserRecord | None, LoginState] = uow.accounts.login_view(username, address)
    return result


def _record_failure_txn(
    uow: Any, user_id: int, address: str, now: dt.datetime, policy: SecurityPolicy
) -> bool:
    """Counts one more consecutive failure; locks the user for the address at the limit."""
    state = uow.accounts.login_state(user_id, address)
    failures = state.failures + 1
    locked_until = state.locked_until
    if locked_until is not None and locked_until <= now:
        failures, locked_until = 1, None  # an expired lock starts the count again
    locked = policy.lockout_failures > 0 and failures >= policy.lockout_failures
    if locked:
        locked_until = now + dt.timedelta(minutes=policy.lockout_minutes)
    uow.accounts.set_login_state(user_id, address, LoginState(failures, locked_until))
    return locked
