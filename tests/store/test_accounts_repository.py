"""store/accounts.py (and the schema rules it relies on), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy
from sqlalchemy import delete, select

from interfax_soap.engine.records import LoginState, NewFax
from interfax_soap.store import migrate
from interfax_soap.store.accounts import DuplicateName
from interfax_soap.store.db import Database
from interfax_soap.store.models import LoginFailure, Transaction, User
from interfax_soap.store.unit import UnitOfWork

NOW = dt.datetime(2024, 5, 1, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url, None)
    migrate.upgrade(database.engine)
    yield database
    database.engine.dispose()


def add_user(db: Database, username: str) -> int:
    return db.transaction_sync(
        "add_user", lambda uow: uow.accounts.add_user(username, f"hash-of-{username}", NOW)
    ).user_id


def test_added_users_are_found_by_name_and_by_id(db: Database) -> None:
    alice = db.transaction_sync("t", lambda uow: uow.accounts.add_user("alice", "h1", NOW))
    bob = db.transaction_sync("t", lambda uow: uow.accounts.add_user("bob", "h2", NOW))

    by_name = db.transaction_sync("t", lambda uow: uow.accounts.user_by_name("alice"))
    by_id = db.transaction_sync("t", lambda uow: uow.accounts.user_by_id(bob.user_id))
    listed = db.transaction_sync("t", lambda uow: uow.accounts.list_users())

    assert by_name == alice
    assert (alice.username, alice.password_hash) == ("alice", "h1")
    assert alice.account_id is None and alice.account_name is None and not alice.is_primary
    assert (alice.timezone, alice.default_retries, alice.csid, alice.disabled) == (
        None,
        3,
        "",
        False,
    )
    assert by_id == bob
    assert [u.username for u in listed] == ["alice", "bob"]
    assert db.transaction_sync("t", lambda uow: uow.accounts.user_by_name("carol")) is None
    assert db.transaction_sync("t", lambda uow: uow.accounts.user_by_id(999)) is None


def test_a_taken_username_raises_duplicate_name_and_stores_nothing(db: Database) -> None:
    add_user(db, "alice")

    with pytest.raises(DuplicateName, match="alice"):
        db.transaction_sync("t", lambda uow: uow.accounts.add_user("alice", "other", NOW))

    users = db.transaction_sync("t", lambda uow: uow.accounts.list_users())
    assert [(u.username, u.password_hash) for u in users] == [("alice", "hash-of-alice")]


def test_the_unique_constraint_refuses_a_duplicate_username_that_slips_past_the_check(
    db: Database,
) -> None:
    # Two admin commands racing both pass the SELECT; the constraint is what stops the second.
    add_user(db, "alice")

    def insert_directly(uow: UnitOfWork) -> None:
        uow.session.add(User(username="alice", password_hash="x", created_at=NOW))
        uow.session.flush()

    with pytest.raises(sqlalchemy.exc.IntegrityError):
        db.transaction_sync("t", insert_directly)


def test_an_account_has_its_primary_user_and_lists_every_member(db: Database) -> None:
    alice, bob, carol = (add_user(db, name) for name in ("alice", "bob", "carol"))

    db.transaction_sync("t", lambda uow: uow.accounts.add_account("acme", alice, NOW))
    account_id = db.transaction_sync("t", lambda uow: uow.accounts.account_id_by_name("acme"))
    assert account_id is not None
    db.transaction_sync("t", lambda uow: uow.accounts.update_user(bob, account_id=account_id))

    records = {
        u.username: u for u in db.transaction_sync("t", lambda uow: uow.accounts.list_users())
    }
    assert (records["alice"].account_name, records["alice"].is_primary) == ("acme", True)
    assert (records["bob"].account_name, records["bob"].is_primary) == ("acme", False)
    assert (records["carol"].account_id, records["carol"].is_primary) == (None, False)
    members = db.transaction_sync("t", lambda uow: uow.accounts.account_user_ids(account_id))
    assert sorted(members) == sorted([alice, bob])
    assert carol not in members
    assert db.transaction_sync("t", lambda uow: uow.accounts.account_id_by_name("nope")) is None


def test_a_taken_account_name_raises_duplicate_name(db: Database) -> None:
    alice, bob = add_user(db, "alice"), add_user(db, "bob")
    db.transaction_sync("t", lambda uow: uow.accounts.add_account("acme", alice, NOW))

    with pytest.raises(DuplicateName, match="acme"):
        db.transaction_sync("t", lambda uow: uow.accounts.add_account("acme", bob, NOW))

    assert db.transaction_sync("t", lambda uow: uow.accounts.user_by_id(bob)).account_id is None


def test_update_user_changes_the_defaults(db: Database) -> None:
    alice = add_user(db, "alice")

    updated = db.transaction_sync(
        "t",
        lambda uow: uow.accounts.update_user(
            alice, timezone="Asia/Tokyo", default_retries=5, csid="ACME", disabled=True
        ),
    )

    again = db.transaction_sync("t", lambda uow: uow.accounts.user_by_name("alice"))
    assert updated == again
    assert (again.timezone, again.default_retries, again.csid, again.disabled) == (
        "Asia/Tokyo",
        5,
        "ACME",
        True,
    )


def test_login_state_round_trips_per_user_and_address(db: Database) -> None:
    alice, bob = add_user(db, "alice"), add_user(db, "bob")
    locked_until = dt.datetime(2024, 5, 1, 10, 30, 15, tzinfo=dt.UTC)

    assert db.transaction_sync("t", lambda uow: uow.accounts.login_state(alice, "10.0.0.1")) == (
        LoginState(0, None)
    )
    db.transaction_sync(
        "t", lambda uow: uow.accounts.set_login_state(alice, "10.0.0.1", LoginState(2, None))
    )
    db.transaction_sync(
        "t",
        lambda uow: uow.accounts.set_login_state(alice, "10.0.0.1", LoginState(3, locked_until)),
    )
    db.transaction_sync(
        "t", lambda uow: uow.accounts.set_login_state(alice, "10.0.0.2", LoginState(1, None))
    )

    def state(user_id: int, address: str) -> LoginState:
        return db.transaction_sync("t", lambda uow: uow.accounts.login_state(user_id, address))

    assert state(alice, "10.0.0.1") == LoginState(3, locked_until)
    assert state(alice, "10.0.0.1").locked_until.tzinfo is not None
    assert state(alice, "10.0.0.2") == LoginState(1, None)
    assert state(bob, "10.0.0.1") == LoginState(0, None)

    db.transaction_sync(
        "t", lambda uow: uow.accounts.set_login_state(alice, "10.0.0.2", LoginState(0, None))
    )
    assert state(alice, "10.0.0.2") == LoginState(0, None)
    assert state(alice, "10.0.0.1") == LoginState(3, locked_until)

    db.transaction_sync("t", lambda uow: uow.accounts.clear_login_failures(alice))
    assert state(alice, "10.0.0.1") == LoginState(0, None)
    rows = db.transaction_sync(
        "t", lambda uow: uow.session.scalars(select(LoginFailure.user_id)).all()
    )
    assert rows == []


def test_deleting_a_user_cascades_to_its_login_failures(db: Database) -> None:
    # ON DELETE CASCADE only works on SQLite when foreign keys are ON for the connection.
    alice = add_user(db, "alice")
    db.transaction_sync(
        "t", lambda uow: uow.accounts.set_login_state(alice, "10.0.0.1", LoginState(2, None))
    )

    db.transaction_sync("t", lambda uow: uow.session.execute(delete(User).where(User.id == alice)))

    rows = db.transaction_sync(
        "t", lambda uow: uow.session.scalars(select(LoginFailure.user_id)).all()
    )
    assert rows == []


def test_a_fax_for_an_unknown_user_is_refused_by_the_foreign_key(db: Database) -> None:
    fax = NewFax(user_id=4242, destination_fax="0012125550100", status=-2, submit_time=NOW)

    with pytest.raises(sqlalchemy.exc.IntegrityError):
        db.transaction_sync("t", lambda uow: uow.faxes.add(fax))


def test_utc_datetime_refuses_naive_datetimes(db: Database) -> None:
    naive = dt.datetime(2024, 5, 1, 9, 30)

    with pytest.raises(sqlalchemy.exc.StatementError) as raised:
        db.transaction_sync("t", lambda uow: uow.accounts.add_user("alice", "h", naive))

    assert isinstance(raised.value.orig, ValueError)
    assert "naive" in str(raised.value.orig)
    assert db.transaction_sync("t", lambda uow: uow.accounts.list_users()) == []


def test_utc_datetime_stores_aware_times_as_the_same_instant_in_utc(db: Database) -> None:
    alice = add_user(db, "alice")
    tokyo = dt.datetime(2024, 5, 1, 18, 30, 5, tzinfo=ZoneInfo("Asia/Tokyo"))

    db.transaction_sync(
        "t", lambda uow: uow.accounts.set_login_state(alice, "a", LoginState(1, tokyo))
    )

    stored = db.transaction_sync("t", lambda uow: uow.accounts.login_state(alice, "a"))
    assert stored.locked_until == tokyo
    assert stored.locked_until.utcoffset() == dt.timedelta(0)
    assert (stored.locked_until.hour, stored.locked_until.minute) == (9, 30)


def test_transaction_ids_are_never_reused_after_a_delete(db: Database) -> None:
    # SQLite without AUTOINCREMENT hands the highest rowid out again once it is deleted; a
    # client holding the old TransactionID would then see someone else's fax.
    alice = add_user(db, "alice")

    def add_fax() -> int:
        fax = NewFax(user_id=alice, destination_fax="0012125550100", status=-2, submit_time=NOW)
        return db.transaction_sync("t", lambda uow: uow.faxes.add(fax))

    first, second = add_fax(), add_fax()
    db.transaction_sync(
        "t", lambda uow: uow.session.execute(delete(Transaction).where(Transaction.id == second))
    )
    third = add_fax()

    assert first < second < third
    assert db.transaction_sync("t", lambda uow: uow.faxes.get(second)) is None
    record = db.transaction_sync("t", lambda uow: uow.faxes.get(third))
    assert record is not None and record.parent_transaction_id == third
