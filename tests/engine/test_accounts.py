"""engine/accounts.py: authentication, the verified-credentials cache, lockout, administration.

Runs on a real database through a store whose pool runs work inline (STYLE 7), with a
``task.Clock``, so every call finishes before ``authenticate`` returns and time only moves
when the test advances it.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
from twisted.internet import defer, task
from twisted.python.failure import Failure

from interfax_soap.engine.accounts import (
    Accounts,
    AdminError,
    AuthOutcome,
    Credentials,
    SecurityPolicy,
)
from interfax_soap.store import migrate
from interfax_soap.store.accounts import DuplicateName
from interfax_soap.store.db import Database
from interfax_soap.store.unit import UnitOfWork

T = TypeVar("T")

OK, AUTHENTICATION_FAILED, USER_LOCKED = 0, -1003, -1876
PASSWORD = "correct horse"
FAILURES, MINUTES, CACHE_SECONDS = 3, 60, 300
START = 1_714_550_400.0  # 2024-05-01T08:00:00Z
HERE, THERE = "192.0.2.10", "192.0.2.20"


class InlineDatabase(Database):
    """The real store, with a pool that runs work inline on the caller's thread."""

    def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> defer.Deferred[T]:
        try:
            return defer.succeed(fn(*args, **kwargs))
        except Exception:
            return defer.fail(Failure())

    def transaction(self, name: str, fn: Callable[[UnitOfWork], T]) -> defer.Deferred[T]:
        return self.run(self.transaction_sync, name, fn)


def resolve(coroutine: Coroutine[Any, Any, T]) -> T:
    """The coroutine's result; it must have finished inline."""
    results: list[Any] = []
    defer.Deferred.fromCoroutine(coroutine).addBoth(results.append)
    assert results, "the call waited for something: the store should run inline"
    if isinstance(results[0], Failure):
        results[0].raiseException()
    return results[0]


class Harness:
    def __init__(self, url: str, **policy: Any) -> None:
        self.db = InlineDatabase(url, None)
        migrate.upgrade(self.db.engine)
        self.clock = task.Clock()
        self.clock.advance(START)
        self.policy = SecurityPolicy(
            **{
                "credential_cache_seconds": CACHE_SECONDS,
                "lockout_failures": FAILURES,
                "lockout_minutes": MINUTES,
                **policy,
            }
        )
        self.accounts = Accounts(self.db, self.clock, self.policy)
        self.verifications = 0
        real_verify = self.accounts._verify

        def counting_verify(stored_hash: str, password: str) -> bool:
            self.verifications += 1
            return real_verify(stored_hash, password)

        self.accounts._verify = counting_verify  # type: ignore[method-assign]  # count argon2

    def login(
        self, username: str | None = "alice", password: str | None = PASSWORD, address: str = HERE
    ) -> AuthOutcome:
        return resolve(self.accounts.authenticate(Credentials(username, password, address)))

    def code(self, *args: Any, **kwargs: Any) -> int:
        return int(self.login(*args, **kwargs).code)

    def advance_minutes(self, minutes: float) -> None:
        self.clock.advance(minutes * 60)


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file at head; each test works on its own copy."""
    path = tmp_path_factory.mktemp("accounts") / "template.db"
    database = Database(f"sqlite:///{path}", None)
    migrate.upgrade(database.engine)
    database.engine.dispose()
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path, migrated_sqlite: Path) -> str:
    shutil.copyfile(migrated_sqlite, tmp_path / "accounts.db")
    return f"sqlite:///{tmp_path / 'accounts.db'}"


@pytest.fixture
def harness(sqlite_url: str) -> Iterator[Harness]:
    running = Harness(sqlite_url)
    running.accounts.add_user_sync("alice", PASSWORD)
    yield running
    running.db.engine.dispose()


def test_the_right_password_authenticates_the_user(harness: Harness) -> None:
    outcome = harness.login()

    assert int(outcome.code) == OK
    assert outcome.caller is not None
    assert outcome.caller.user.username == "alice"
    assert outcome.caller.user_id == outcome.caller.user.user_id


def test_a_wrong_password_answers_1003(harness: Harness) -> None:
    outcome = harness.login(password="wrong")

    assert int(outcome.code) == AUTHENTICATION_FAILED
    assert outcome.caller is None


def test_an_unknown_user_answers_1003_after_the_same_slow_hash(harness: Harness) -> None:
    outcome = harness.login(username="mallory")

    assert int(outcome.code) == AUTHENTICATION_FAILED
    assert outcome.caller is None
    assert harness.verifications == 1


@pytest.mark.parametrize(
    ("username", "password"),
    [(None, PASSWORD), ("", PASSWORD), ("alice", None), (None, None)],
    ids=["no-username", "empty-username", "no-password", "nothing"],
)
def test_missing_credentials_answer_1003(
    harness: Harness, username: str | None, password: str | None
) -> None:
    assert harness.code(username, password) == AUTHENTICATION_FAILED


def test_an_empty_password_is_not_the_password(harness: Harness) -> None:
    assert harness.code(password="") == AUTHENTICATION_FAILED


def lock_out(harness: Harness, address: str = HERE) -> None:
    codes = [harness.code(password=f"wrong-{n}", address=address) for n in range(FAILURES)]
    assert codes == [AUTHENTICATION_FAILED] * FAILURES


def check_lockout_for_one_address(harness: Harness) -> None:
    lock_out(harness)

    assert harness.code() == USER_LOCKED
    assert harness.code(password="wrong again") == USER_LOCKED
    assert harness.code(address=THERE) == OK


def test_repeated_failures_lock_the_user_for_that_address_only(harness: Harness) -> None:
    check_lockout_for_one_address(harness)


def test_lockout_on_postgresql(pg_url: str) -> None:
    running = Harness(pg_url)
    try:
        running.accounts.add_user_sync("alice", PASSWORD)
        check_lockout_for_one_address(running)
        running.advance_minutes(MINUTES)
        assert running.code() == OK
    finally:
        running.db.engine.dispose()


def test_fewer_failures_than_the_limit_do_not_lock(harness: Harness) -> None:
    for _ in range(FAILURES - 1):
        assert harness.code(password="wrong") == AUTHENTICATION_FAILED

    assert harness.code() == OK


def test_a_locked_call_does_not_check_the_password(harness: Harness) -> None:
    lock_out(harness)
    before = harness.verifications

    assert harness.code() == USER_LOCKED
    assert harness.verifications == before


def test_the_lock_expires_after_lockout_minutes(harness: Harness) -> None:
    lock_out(harness)

    harness.advance_minutes(MINUTES - 1)
    assert harness.code() == USER_LOCKED
    harness.advance_minutes(1)
    # An expired lock starts the count again: one more failure does not lock.
    assert harness.code(password="wrong") == AUTHENTICATION_FAILED
    assert harness.code() == OK


def test_a_success_resets_the_failure_count(harness: Harness) -> None:
    for _ in range(FAILURES - 1):
        assert harness.code(password="wrong") == AUTHENTICATION_FAILED
    assert harness.code() == OK
    for _ in range(FAILURES - 1):
        assert harness.code(password="wrong") == AUTHENTICATION_FAILED

    assert harness.code() == OK
    lock_out(harness)  # the count still works: a full run of failures locks
    assert harness.code() == USER_LOCKED


def test_a_second_successful_call_does_not_hash_again(harness: Harness) -> None:
    assert harness.code() == OK
    assert harness.verifications == 1

    assert harness.code() == OK
    assert harness.code(address=THERE) == OK
    assert harness.verifications == 1


def test_the_cache_holds_only_the_right_password(harness: Harness) -> None:
    assert harness.code() == OK

    assert harness.code(password="wrong") == AUTHENTICATION_FAILED
    assert harness.code(password="wrong") == AUTHENTICATION_FAILED
    assert harness.verifications == 3


def test_a_cached_login_expires_after_credential_cache_seconds(harness: Harness) -> None:
    assert harness.code() == OK
    harness.clock.advance(CACHE_SECONDS - 1)
    assert harness.code() == OK
    assert harness.verifications == 1

    harness.clock.advance(1)
    assert harness.code() == OK
    assert harness.verifications == 2


def test_no_cache_when_credential_cache_seconds_is_0(sqlite_url: str) -> None:
    running = Harness(sqlite_url, credential_cache_seconds=0)
    try:
        running.accounts.add_user_sync("alice", PASSWORD)
        assert [running.code(), running.code()] == [OK, OK]
        assert running.verifications == 2
    finally:
        running.db.engine.dispose()


def test_a_password_change_invalidates_the_cache_at_once(harness: Harness) -> None:
    assert harness.code() == OK  # cached now

    harness.accounts.set_password_sync("alice", "new password")

    assert harness.code() == AUTHENTICATION_FAILED
    assert harness.code(password="new password") == OK


def test_a_password_change_by_another_process_invalidates_the_cache(
    harness: Harness, sqlite_url: str
) -> None:
    # The command line changes passwords in its own process, with its own Accounts.
    assert harness.code() == OK
    other = Harness(sqlite_url)
    try:
        other.accounts.set_password_sync("alice", "new password")
    finally:
        other.db.engine.dispose()

    assert harness.code() == AUTHENTICATION_FAILED
    assert harness.code(password="new password") == OK


def test_a_password_change_clears_lockouts(harness: Harness) -> None:
    lock_out(harness)
    lock_out(harness, THERE)
    assert harness.code(address=THERE) == USER_LOCKED

    harness.accounts.set_password_sync("alice", "new password")

    assert harness.code(password="new password") == OK
    assert harness.code(password="new password", address=THERE) == OK


def test_a_disabled_user_answers_1003_even_when_cached(harness: Harness) -> None:
    assert harness.code() == OK

    harness.accounts.set_user_sync("alice", disabled=True)

    assert harness.code() == AUTHENTICATION_FAILED
    harness.accounts.set_user_sync("alice", disabled=False)
    assert harness.code() == OK


def test_the_caller_carries_the_users_time_zone(harness: Harness) -> None:
    record = harness.accounts.set_user_sync("alice", timezone="Asia/Tokyo")

    caller = harness.login().caller

    assert record.timezone == "Asia/Tokyo"
    assert caller is not None
    assert caller.tz == ZoneInfo("Asia/Tokyo")
    assert dt.datetime(2024, 5, 1, 12, tzinfo=caller.tz).utcoffset() == dt.timedelta(hours=9)


def test_a_user_without_a_time_zone_gets_the_default(sqlite_url: str) -> None:
    running = Harness(sqlite_url, default_timezone="Europe/Paris")
    try:
        running.accounts.add_user_sync("alice", PASSWORD)
        caller = running.login().caller
        assert caller is not None and caller.tz == ZoneInfo("Europe/Paris")
    finally:
        running.db.engine.dispose()


def test_an_unknown_time_zone_is_refused(harness: Harness) -> None:
    harness.accounts.set_user_sync("alice", timezone="Asia/Tokyo")

    with pytest.raises(AdminError, match="Mars/Olympus"):
        harness.accounts.set_user_sync("alice", timezone="Mars/Olympus")

    caller = harness.login().caller
    assert caller is not None and caller.tz == ZoneInfo("Asia/Tokyo")


def test_admin_changes_name_the_missing_user(harness: Harness) -> None:
    with pytest.raises(AdminError, match="bob"):
        harness.accounts.set_password_sync("bob", "pw")
    with pytest.raises(AdminError, match="bob"):
        harness.accounts.set_user_sync("bob", csid="X")


def test_adding_a_taken_username_raises_duplicate_name(harness: Harness) -> None:
    with pytest.raises(DuplicateName):
        harness.accounts.add_user_sync("alice", "another password")

    assert harness.code() == OK


@pytest.mark.parametrize("username", ["", "x" * 101])
def test_usernames_need_1_to_100_characters(harness: Harness, username: str) -> None:
    with pytest.raises(AdminError):
        harness.accounts.add_user_sync(username, PASSWORD)


def test_an_empty_password_cannot_be_set(harness: Harness) -> None:
    with pytest.raises(AdminError):
        harness.accounts.add_user_sync("bob", "")
    with pytest.raises(AdminError):
        harness.accounts.set_password_sync("alice", "")

    assert harness.code() == OK


def test_passwords_are_stored_as_argon2id_hashes(harness: Harness) -> None:
    stored = harness.db.transaction_sync("t", lambda uow: uow.accounts.user_by_name("alice"))

    assert stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash


def test_accounts_group_users_under_one_primary(harness: Harness) -> None:
    harness.accounts.add_user_sync("bob", PASSWORD)
    harness.accounts.add_user_sync("carol", PASSWORD)

    harness.accounts.add_account_sync("acme", "alice")
    harness.accounts.add_account_user_sync("acme", "bob")

    users = {
        u.username: u
        for u in harness.db.transaction_sync("t", lambda uow: uow.accounts.list_users())
    }
    assert (users["alice"].account_name, users["alice"].is_primary) == ("acme", True)
    assert (users["bob"].account_name, users["bob"].is_primary) == ("acme", False)
    assert users["carol"].account_name is None
    with pytest.raises(AdminError, match="already belongs"):
        harness.accounts.add_account_sync("other", "bob")
    with pytest.raises(AdminError, match="already belongs"):
        harness.accounts.add_account_user_sync("acme", "alice")
    with pytest.raises(AdminError, match="no account"):
        harness.accounts.add_account_user_sync("nope", "carol")
    with pytest.raises(AdminError, match="dave"):
        harness.accounts.add_account_sync("other", "dave")
