"""engine/websessions.py, websent.py, webreceived.py, websettings.py and their store methods,
on real databases (SQLite and PostgreSQL) with a pool that runs inline and a task.Clock."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import uuid
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from twisted.internet import defer, task
from twisted.python.failure import Failure

from interfax_soap.engine.accounts import Accounts, Caller, Credentials, SecurityPolicy
from interfax_soap.engine.codes import ResultCode
from interfax_soap.engine.inbound import Inbound, InboundPolicy
from interfax_soap.engine.records import FaxRecord, NewDocument, NewFax, NewMessage
from interfax_soap.engine.webreceived import ReceivedQuery, WebReceived
from interfax_soap.engine.websent import SentQuery, WebFaxes
from interfax_soap.engine.websessions import SessionPolicy, WebSessions
from interfax_soap.engine.websettings import NumberSettings, WebSettings
from interfax_soap.store import migrate
from interfax_soap.store.blobs import LocalBlobStore
from interfax_soap.store.db import Database
from interfax_soap.store.unit import UnitOfWork

T = TypeVar("T")
PASSWORD = "pw-engine"
START = 1_714_550_400.0  # 2024-05-01T08:00:00Z
TOKYO = "Asia/Tokyo"
_names = itertools.count()


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
    results: list[Any] = []
    defer.Deferred.fromCoroutine(coroutine).addBoth(results.append)
    assert results, "the call waited for something: the store should run inline"
    if isinstance(results[0], Failure):
        results[0].raiseException()
    return results[0]


class FakeImages:
    async def page_png(self, tiff: bytes, page: int, width: int) -> bytes | None:
        return b"png:%d:%d" % (page, width)

    async def to_pdf(self, tiff: bytes) -> bytes:
        return b"%PDF-" + tiff


class World:
    def __init__(self, url: str, blobs_root: Path) -> None:
        self.db = InlineDatabase(url, None)
        migrate.upgrade(self.db.engine)
        self.clock = task.Clock()
        self.clock.advance(START)
        self.accounts = Accounts(self.db, self.clock, SecurityPolicy(lockout_failures=2))
        self.blobs = LocalBlobStore(blobs_root)
        self.woken = 0
        self.sessions = WebSessions(self.db, self.accounts, self.clock,
                                    SessionPolicy(lifetime_hours=12, idle_minutes=30))
        self.faxes = WebFaxes(self.db, self.blobs, FakeImages(), self.clock, "JP", self._wake)
        self.inbound = Inbound(self.db, self.blobs, self.accounts, self.clock, None,  # type: ignore[arg-type]
                               InboundPolicy(default_country="JP"))
        self.received = WebReceived(self.db, self.blobs, self.inbound, FakeImages())
        self.settings = WebSettings(self.db)

    def _wake(self) -> None:
        self.woken += 1

    def user(self, timezone: str | None = TOKYO) -> Caller:
        name = f"u{next(_names)}-{uuid.uuid4().hex[:6]}"
        self.accounts.add_user_sync(name, PASSWORD)
        if timezone:
            self.accounts.set_user_sync(name, timezone=timezone)
        return self.caller(name)

    def caller(self, name: str) -> Caller:
        user = self.db.transaction_sync("u", lambda uow: uow.accounts.user_by_name(name))
        return self.accounts.caller_for(user)

    def fax(self, caller: Caller, number: str = "0012125550100", status: int = 0,
            subject: str = "", minutes: float = 0, trials: int = 0, parent: int | None = None,
            image: bytes | None = b"II*\x00tiff") -> int:
        when = dt.datetime.fromtimestamp(START, dt.UTC) + dt.timedelta(minutes=minutes)
        key = self.blobs.new_key("txt")
        self.blobs.put(key, b"document")
        image_key = None
        if image is not None:
            image_key = self.blobs.new_key("tif")
            self.blobs.put(image_key, image)
        new = NewFax(user_id=caller.user_id, destination_fax=number, status=status,
                     submit_time=when, subject=subject,
                     documents=(NewDocument("TXT", key, 8),))

        def txn(uow: UnitOfWork) -> int:
            transaction_id = uow.faxes.add(new, parent_transaction_id=parent)
            uow.jobs.update(transaction_id, trials_performed=trials, image_blob=image_key)
            return transaction_id

        return self.db.transaction_sync("fax", txn)

    def many(self, caller: Caller, count: int) -> list[int]:
        """``count`` finished faxes in one transaction (no documents: quick)."""
        start = dt.datetime.fromtimestamp(START, dt.UTC)
        faxes = [NewFax(user_id=caller.user_id, destination_fax="0012125550100", status=0,
                        submit_time=start + dt.timedelta(minutes=n), subject=f"row {n}")
                 for n in range(count)]
        return self.db.transaction_sync("many", lambda uow: [uow.faxes.add(f) for f in faxes])

    def record(self, transaction_id: int) -> FaxRecord:
        return self.db.transaction_sync("get", lambda uow: uow.faxes.get(transaction_id))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("web-engine")
    if request.param == "sqlite":
        yield World(f"sqlite:///{folder / 'web.db'}", folder / "blobs")
        return
    if not request.getfixturevalue("pg_available"):
        pytest.skip("PostgreSQL is not running (set CI=true to make this a failure)")
    import sqlalchemy

    from tests.conftest import PG_URL

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://"))
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in PG_URL else "?"
    running = World(f"{PG_URL}{separator}options=-csearch_path%3D{schema}", folder / "blobs")
    yield running
    running.db.engine.dispose()
    with admin.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    admin.dispose()


# Sessions


def test_sign_in_opens_a_session_and_uses_the_soap_lockout(world: World) -> None:
    caller = world.user()
    name = caller.user.username
    assert resolve(world.sessions.sign_in(Credentials(name, "wrong", "192.0.2.1"))).code == -1003
    signed = resolve(world.sessions.sign_in(Credentials(name, PASSWORD, "192.0.2.2")))
    assert signed.code == ResultCode.OK and len(signed.token) >= 40
    session = resolve(world.sessions.resume(signed.token))
    assert session is not None and session.caller.user_id == caller.user_id
    assert session.acting.user_id == caller.user_id and str(session.caller.tz) == TOKYO
    assert resolve(world.sessions.resume(signed.token + "x")) is None
    # Two failures lock the user for that address (policy: 2), exactly as for SOAP.
    assert resolve(world.sessions.sign_in(Credentials(name, "wrong", "192.0.2.1"))).code == -1003
    assert resolve(world.sessions.sign_in(Credentials(name, PASSWORD, "192.0.2.1"))).code == -1876


def test_a_session_ends_when_idle_expired_signed_out_or_the_password_changes(world: World) -> None:
    caller = world.user()
    name = caller.user.username

    def sign_in() -> str:
        return resolve(world.sessions.sign_in(Credentials(name, PASSWORD, "192.0.2.9"))).token

    token = sign_in()
    world.clock.advance(29 * 60)
    assert resolve(world.sessions.resume(token)) is not None  # and that counts as activity
    world.clock.advance(29 * 60)
    assert resolve(world.sessions.resume(token)) is not None
    world.clock.advance(31 * 60)
    assert resolve(world.sessions.resume(token)) is None  # idle 31 minutes
    assert resolve(world.sessions.resume(token)) is None  # and it is gone for good

    token = sign_in()
    for _ in range(25):  # active every 29 minutes, but 12 hours is the most a session lives
        world.clock.advance(29 * 60)
        if resolve(world.sessions.resume(token)) is None:
            break
    else:
        pytest.fail("the session outlived its lifetime")

    token = sign_in()
    resolve(world.sessions.sign_out(token))
    assert resolve(world.sessions.resume(token)) is None

    token = sign_in()
    world.accounts.set_password_sync(name, "another")
    assert resolve(world.sessions.resume(token)) is None
    world.accounts.set_password_sync(name, PASSWORD)
    token = sign_in()
    world.accounts.set_user_sync(name, disabled=True)
    assert resolve(world.sessions.resume(token)) is None


def test_only_a_primary_user_switches_and_only_within_its_account(world: World) -> None:
    primary, member, stranger = world.user(), world.user(timezone="UTC"), world.user()
    account = f"acct-{uuid.uuid4().hex[:6]}"
    world.accounts.add_account_sync(account, primary.user.username)
    world.accounts.add_account_user_sync(account, member.user.username)

    def session_of(caller: Caller) -> Any:
        token = resolve(world.sessions.sign_in(Credentials(caller.user.username, PASSWORD, "x")))
        return token.token, resolve(world.sessions.resume(token.token))

    token, session = session_of(primary)
    assert set(session.switchable) == {primary.user.username, member.user.username}
    assert resolve(world.sessions.switch_user(session, stranger.user.username)) == -310
    assert resolve(world.sessions.switch_user(session, member.user.username)) == 0
    switched = resolve(world.sessions.resume(token))
    assert switched.acting.user_id == member.user_id and switched.is_switched
    assert str(switched.acting.tz) == TOKYO  # dates in the reader's zone
    _, member_session = session_of(member)
    assert member_session.switchable == ()
    assert resolve(world.sessions.switch_user(member_session, primary.user.username)) == -310


# Sent faxes


def test_the_sent_search_reads_subject_number_status_class_batch_and_dates(world: World) -> None:
    caller, other = world.user(), world.user()
    ok = world.fax(caller, subject="PO-1001 Tokyo", minutes=0)
    failed = world.fax(caller, "0012125550101", status=6001, subject="PO-4711 Nagoya", minutes=60)
    queued = world.fax(caller, "0081355500100", status=-2, subject="PO-9 later", minutes=24 * 60)
    member = world.fax(caller, status=6017, subject="PO-5 batch", minutes=120, parent=ok)
    world.fax(other, subject="PO-4711 not mine")

    def ids(**query: Any) -> list[int]:
        page = resolve(world.faxes.sent(caller, SentQuery(**query)))
        return [f.transaction_id for f in page.items]

    assert ids() == [member, queued, failed, ok]
    assert ids(subject="po-4711") == [failed]
    assert ids(destination="+1 212 555 0101") == [failed]  # a whole number: exactly it
    assert ids(destination="03-5550-0100") == [queued]  # national, [numbers] default_country JP
    assert ids(destination="0101") == [failed]  # some digits
    assert ids(status_class="progress") == [queued]
    assert ids(status_class="sent") == [ok]
    assert ids(status_class="failed") == [member, failed]
    assert ids(status=6017) == [member]
    assert ids(batch=ok) == [member, ok]
    # 2024-05-01 08:00Z is 17:00 in Tokyo; the next day's fax is 2024-05-02 17:00 there.
    assert ids(date_from=dt.date(2024, 5, 2)) == [queued]
    assert ids(date_to=dt.date(2024, 5, 1)) == [member, failed, ok]
    assert ids(order_by="subject", ascending=True) == [ok, failed, member, queued]
    page = resolve(world.faxes.sent(caller, SentQuery(page_size=20, page=1)))
    assert page.total == 4 and page.pages == 1 and page.in_progress
    assert dict(page.stats) == {-2: 1, 0: 1, 6001: 1, 6017: 1}
    assert page.items[0].submit_time.utcoffset() == dt.timedelta(hours=9)


def test_cancel_hide_and_resend_follow_the_soap_rules(world: World) -> None:
    caller, other = world.user(), world.user()
    queued = world.fax(caller, status=-2)
    sending = world.fax(caller, status=-3, trials=1)
    done = world.fax(caller, status=6001)
    gone = world.fax(caller, status=0, image=None)

    view = resolve(world.faxes.fax(caller, queued))
    assert view.cancellable and view.documents[0].file_type == "TXT" and view.batch_size == 1
    assert not resolve(world.faxes.fax(caller, sending)).cancellable
    assert resolve(world.faxes.fax(other, queued)) is None
    assert resolve(world.faxes.cancel(other, queued)) == -1005
    assert resolve(world.faxes.cancel(caller, sending)) == -162
    assert resolve(world.faxes.cancel(caller, queued)) == 0
    assert world.record(queued).status == 403

    assert resolve(world.faxes.resend(other, done, None)).code == -1005
    assert resolve(world.faxes.resend(caller, done, "not a number")).code == -112
    woken = world.woken
    again = resolve(world.faxes.resend(caller, done, "+81 3 5550 0100"))
    assert again.code == 0 and world.woken == woken + 1
    assert world.record(again.transaction_id).destination_fax == "0081355500100"
    assert world.record(again.transaction_id).status == -1

    assert resolve(world.faxes.hide(other, done)) == -1005
    assert resolve(world.faxes.hide(caller, done)) == 0
    assert done not in [f.transaction_id for f in
                        resolve(world.faxes.sent(caller, SentQuery())).items]

    assert resolve(world.faxes.image(caller, done)) == b"II*\x00tiff"
    assert resolve(world.faxes.image(other, done)) is None
    assert resolve(world.faxes.pdf(caller, done)) == b"%PDF-II*\x00tiff"
    assert resolve(world.faxes.page_png(caller, done, 2, 864)) == b"png:2:864"
    assert resolve(world.faxes.image(caller, gone)) is None


def test_an_export_reads_every_match_in_slices_and_stops_when_told(world: World) -> None:
    caller = world.user()
    made = world.many(caller, 1201)
    slices: list[int] = []

    async def take(rows: tuple[FaxRecord, ...]) -> bool:
        slices.append(len(rows))
        return True

    assert resolve(world.faxes.export_sent(caller, SentQuery(ascending=True), take)) == 1201
    assert slices == [500, 500, 201]
    seen: list[int] = []

    async def two_slices(rows: tuple[FaxRecord, ...]) -> bool:
        seen.extend(r.transaction_id for r in rows)
        return len(seen) < 1000

    assert resolve(world.faxes.export_sent(caller, SentQuery(ascending=True), two_slices)) == 1000
    assert seen == made[:1000]


# Received faxes and settings


def _message(world: World, caller: Caller, number: str, caller_id: str, csid: str) -> int:
    key = world.blobs.new_key("tif")
    world.blobs.put(key, b"II*\x00received")
    message = NewMessage(
        user_id=caller.user_id, phone_number=number, remote_csid=csid, caller_id=caller_id,
        status=0, pages=1, receive_time=dt.datetime.fromtimestamp(START, dt.UTC),
        recording_duration=20, image_blob=key, image_size=12, attachment_format="TIF",
    )
    return world.db.transaction_sync("m", lambda uow: uow.inbound.add_message(message))


def test_received_faxes_are_searched_read_and_resent_by_their_owner_only(world: World) -> None:
    caller, other = world.user(), world.user()
    first = _message(world, caller, "0081355500200", "+81 6 5555 0100", "OSAKA HQ")
    second = _message(world, caller, "0081355500201", "", "Nagoya branch")

    def ids(**query: Any) -> list[int]:
        page = resolve(world.received.received(caller, ReceivedQuery(**query)))
        return [m.message_id for m in page.items]

    assert ids() == [second, first]
    assert ids(number="0201") == [second]
    assert ids(caller="osaka") == [first] and ids(caller="5555 0100") == [first]
    assert ids(caller="NAGOYA") == [second]
    assert resolve(world.received.message(other, first)) is None
    view = resolve(world.received.message(caller, first))
    assert view.message.read and view.log == ()
    assert ids(unread_only=True) == [second]
    assert resolve(world.received.mark(caller, first, False)) == 0
    assert resolve(world.received.mark(other, first, True)) == ResultCode.INVALID_MESSAGE_ID
    assert ids(unread_only=True) == [second, first]
    answer = resolve(world.received.resend_to_email(caller, first, False, "a@example.com"))
    assert answer.code == 0 and answer.emails_sent == 1
    again = resolve(world.received.resend_to_email(caller, first, False, None))
    assert again.code == ResultCode.ALREADY_RESENT  # the first one is still pending
    assert resolve(world.received.resend_to_email(caller, first, False, "no address")).code == -112
    assert resolve(world.received.image(caller, first, pdf=True)) == b"%PDF-II*\x00received"


def test_settings_are_checked_then_stored_together_and_only_for_own_numbers(world: World) -> None:
    caller, other = world.user(), world.user()
    now = dt.datetime.fromtimestamp(START, dt.UTC)
    mine = f"00813555{uuid.uuid4().int % 10**5:05d}"
    theirs = f"00813556{uuid.uuid4().int % 10**5:05d}"
    for number, owner, address in ((mine, caller, "a@example.com"),
                                   (theirs, other, "b@example.com")):
        world.db.transaction_sync("n", lambda uow, n=number, o=owner, a=address:
                                  uow.inbound.add_number(n, o.user_id, (a,), None, now))
    settings = resolve(world.settings.load(caller))
    assert settings.numbers == (NumberSettings(mine, ("a@example.com",), None),)
    wrong = dataclasses.replace(settings, csid="é" * 3, page_size="A3", timezone="Mars/Olympus",
                                numbers=(NumberSettings(mine, ("nope",), "GIF"),))
    assert resolve(world.settings.save(caller, wrong)) == {
        "csid": "csid", "page_size": "choice", "timezone": "timezone", "number-0": "forwarding"}
    assert resolve(world.settings.load(caller)) == settings  # nothing stored
    right = dataclasses.replace(
        settings, csid="+81 3 5555 0100", page_size="Letter", page_orientation="Landscape",
        page_header="From {csid}", notify_format="csv", timezone="UTC",
        numbers=(NumberSettings(mine, ("a@example.com", "c@example.com"), "PDF"),
                 NumberSettings(theirs, ("evil@example.com",), None)),
    )
    assert resolve(world.settings.save(caller, right)) == {}
    stored = resolve(world.settings.load(caller))
    assert stored.csid == "+81 3 5555 0100" and stored.page_size == "Letter"
    assert stored.numbers == (NumberSettings(mine, ("a@example.com", "c@example.com"), "PDF"),)
    theirs_now = world.db.transaction_sync("n", lambda uow: uow.inbound.number(theirs))
    assert theirs_now.forward_addresses == ("b@example.com",)  # not the caller's: untouched
    user = world.caller(caller.user.username).user
    assert (user.page_orientation, user.page_header, user.notify_format) == (
        "Landscape", "From {csid}", "csv")
