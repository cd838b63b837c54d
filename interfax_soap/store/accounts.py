"""Repository of accounts, users and login failures."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from interfax_soap.engine.records import LoginState, UserRecord
from interfax_soap.store.models import Account, LoginFailure, User

__all__ = ["AccountRepository", "DuplicateName"]


class DuplicateName(Exception):
    """A username or account name that is taken."""


class AccountRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def _record(self, user: User, account: Account | None = None) -> UserRecord:
        if account is None and user.account_id:
            account = self._session.get(Account, user.account_id)
        return UserRecord(
            user_id=user.id,
            username=user.username,
            password_hash=user.password_hash,
            account_id=user.account_id,
            account_name=account.name if account else None,
            is_primary=bool(account and account.primary_user_id == user.id),
            timezone=user.timezone,
            default_retries=user.default_retries,
            csid=user.csid,
            reply_address=user.reply_address,
            disabled=user.disabled,
            inbound_format=user.inbound_format,
            notify_format=user.notify_format,
            callback_url=user.callback_url,
            page_size=user.page_size,
            page_orientation=user.page_orientation,
            page_header=user.page_header,
        )

    def user_by_name(self, username: str) -> UserRecord | None:
        user = self._session.scalars(select(User).where(User.username == username)).one_or_none()
        return self._record(user) if user else None

    def login_view(self, username: str, address: str) -> tuple[UserRecord | None, LoginState]:
        """The user and its failed logins from ``address``, in one query: every call of every
        wire authenticates, so this is on the hot path."""
        found = self._session.execute(
            select(User, Account, LoginFailure)
            .outerjoin(Account, Account.id == User.account_id)
            .outerjoin(
                LoginFailure, (LoginFailure.user_id == User.id) & (LoginFailure.address == address)
            )
            .where(User.username == username)
        ).one_or_none()
        if found is None:
            return None, LoginState(failures=0, locked_until=None)
        user, account, failure = found
        state = (
            LoginState(failures=failure.failures, locked_until=failure.locked_until)
            if failure is not None
            else LoginState(failures=0, locked_until=None)
        )
        return self._record(user, account), state

    def user_by_id(self, user_id: int) -> UserRecord | None:
        user = self._session.get(User, user_id)
        return self._record(user) if user else None

    def list_users(self) -> list[UserRecord]:
        return [self._record(u) for u in self._session.scalars(select(User).order_by(User.id))]

    def add_user(self, username: str, password_hash: str, now: dt.datetime) -> UserRecord:
        if self._session.scalars(select(User.id).where(User.username == username)).first():
            raise DuplicateName(f"user {username!r} exists")
        user = User(username=username, password_hash=password_hash, created_at=now)
        self._session.add(user)
        self._session.flush()
        return self._record(user)

    def update_user(self, user_id: int, **changes: object) -> UserRecord:
        user = self._session.get(User, user_id)
        assert user is not None
        for key, value in changes.items():
            setattr(user, key, value)
        self._session.flush()
        return self._record(user)

    def add_account(self, name: str, primary_user_id: int, now: dt.datetime) -> None:
        if self._session.scalars(select(Account.id).where(Account.name == name)).first():
            raise DuplicateName(f"account {name!r} exists")
        account = Account(name=name, created_at=now)
        self._session.add(account)
        self._session.flush()
        account.primary_user_id = primary_user_id
        user = self._session.get(User, primary_user_id)
        assert user is not None
        user.account_id = account.id
        self._session.flush()

    def account_id_by_name(self, name: str) -> int | None:
        return self._session.scalars(select(Account.id).where(Account.name == name)).first()

    def account_user_ids(self, account_id: int) -> list[int]:
        return list(self._session.scalars(select(User.id).where(User.account_id == account_id)))

    def login_state(self, user_id: int, address: str) -> LoginState:
        row = self._session.get(LoginFailure, (user_id, address))
        if row is None:
            return LoginState(failures=0, locked_until=None)
        return LoginState(failures=row.failures, locked_until=row.locked_until)

    def set_login_state(self, user_id: int, address: str, state: LoginState) -> None:
        if state.failures == 0 and state.locked_until is None:
            self._session.execute(
                delete(LoginFailure).where(
                    LoginFailure.user_id == user_id, LoginFailure.address == address
                )
            )
            return
        row = self._session.get(LoginFailure, (user_id, address))
        if row is None:
            row = LoginFailure(user_id=user_id, address=address)
            self._session.add(row)
        row.failures = state.failures
        row.locked_until = state.locked_until
        self._session.flush()

    def clear_login_failures(self, user_id: int) -> None:
        self._session.execute(delete(LoginFailure).where(LoginFailure.user_id == user_id))
