"""Billing on a real database with time on task.Clock: prices, prepaid cards, the -22 wait
and its 24 hours (InterFAX's rule), release when a card is added."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from twisted.internet import defer, task

from interfax_soap.engine.billing import (
    Billing,
    BillingPolicy,
    charge_amount,
    money,
    summarise_cards,
)
from interfax_soap.engine.billing_records import CardRecord, ChargeRecord
from interfax_soap.engine.records import NewDocument, NewFax, RenderedFax, RenderRequest
from interfax_soap.engine.scheduler import RetryPolicy
from interfax_soap.engine.worker import Worker, WorkerPolicy
from interfax_soap.store import migrate
from interfax_soap.store.blobs import LocalBlobStore
from interfax_soap.store.db import Database
from interfax_soap.transports.virtual import VirtualFaxNetwork

START = 1_800_000_000.0
HOUR = 3600.0
PRICES = BillingPolicy.from_texts({"1": "0.10", "81": "0.15", "8190": "0.25"}, "0.20", "USD",
                                  "MM/dd/yyyy")


class InlineDatabase(Database):
    """The real Database, with work run at once on the calling thread (deterministic)."""

    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> defer.Deferred[Any]:
        return defer.maybeDeferred(fn, *args, **kwargs)

    def transaction(self, name: str, fn: Callable[[Any], Any]) -> defer.Deferred[Any]:
        return defer.maybeDeferred(self.transaction_sync, name, fn)


class OnePageRenderer:
    """One blank fax page per document (same signature as ThreadedRenderer.render)."""

    async def render(self, request: RenderRequest) -> RenderedFax:
        out = io.BytesIO()
        Image.new("1", (1728, 1100), 1).save(out, "TIFF", compression="group4", dpi=(204, 196))
        return RenderedFax(out.getvalue(), len(request.documents))


def test_one_page_renderer_keeps_the_real_renderer_signature() -> None:
    import inspect

    from interfax_soap.render.threaded import ThreadedRenderer

    assert inspect.signature(OnePageRenderer.render) == inspect.signature(ThreadedRenderer.render)


class Harness:
    """A worker with billing, a prepaid account ``acme`` and its user ``u`` (time scale 0:
    calls end at once, so every step is driven by the clock only)."""

    def __init__(self, database_url: str, tmp_path: Path) -> None:
        self.clock = task.Clock()
        self.clock.advance(START)
        self.db = InlineDatabase(database_url, reactor=None)
        migrate.upgrade(self.db.engine)
        self.blobs = LocalBlobStore(tmp_path / "blobs")
        self.billing = Billing(self.db, self.clock, PRICES)
        policy = WorkerPolicy(concurrency=4, poll_seconds=1.0, retry=RetryPolicy(180, 300, 0))
        self.worker = Worker(
            self.db, self.blobs, OnePageRenderer(), VirtualFaxNetwork(self.clock, 0, "FAR"),
            self.clock, policy, billing=self.billing,
        )

        def setup(uow: Any) -> int:
            user = uow.accounts.add_user("u", "x", self.now())
            uow.accounts.add_account("acme", user.user_id, self.now())
            return int(user.user_id)

        self.user_id = self.db.transaction_sync("setup", setup)
        self.billing.set_account_sync("acme", billing="prepaid")

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.clock.seconds(), dt.UTC)

    def submit(self, number: str = "0012125550100") -> int:
        key = self.blobs.new_key("txt")
        self.blobs.put(key, b"page")
        fax = NewFax(user_id=self.user_id, destination_fax=number, status=-1,
                     submit_time=self.now(), retries_to_perform=1,
                     documents=(NewDocument("TXT", key, 4),))
        return int(self.db.transaction_sync("submit", lambda uow: uow.faxes.add(fax)))

    def fax(self, transaction_id: int) -> Any:
        return self.db.transaction_sync("get", lambda uow: uow.faxes.get(transaction_id))

    def statuses(self, ids: list[int]) -> list[int]:
        return [self.fax(i).status for i in ids]

    def start(self) -> None:
        defer.Deferred.fromCoroutine(self.worker.start())

    def run_for(self, seconds: float, step: float = 1.0) -> None:
        elapsed = 0.0
        while elapsed < seconds:
            self.clock.advance(step)
            elapsed += step


@pytest.fixture
def harness(database_url: str, tmp_path: Path) -> Iterator[Harness]:
    made = Harness(database_url, tmp_path)
    yield made
    made.worker.stop()
    made.db.engine.dispose()


def test_prices_come_from_the_longest_country_code_prefix_with_four_decimals() -> None:
    assert str(PRICES.price_for("0012125550100")) == "0.1000"
    assert str(PRICES.price_for("0081355550100")) == "0.1500"
    assert str(PRICES.price_for("00819012345678")) == "0.2500"
    assert str(PRICES.price_for("00441615550100")) == "0.2000"  # no prefix: the default
    assert str(money("1.5")) == "1.5000" and str(money(Decimal("0.12345"))) == "0.1235"


def _card(card_id: int, face: str, bonus: str = "0") -> CardRecord:
    now = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    return CardRecord(card_id, 1, Decimal(face), Decimal(bonus), now, now + dt.timedelta(days=9),
                      now)


def _charge(card_id: int, status: int, units: str, estimate: str = "0.1000") -> ChargeRecord:
    now = dt.datetime(2030, 1, 2, tzinfo=dt.UTC)
    return ChargeRecord(1, card_id, 1, status, Decimal(units), Decimal("0.1500"),
                        Decimal(estimate), now)


def test_a_final_fax_costs_units_times_cost_per_unit_and_one_in_progress_its_estimate() -> None:
    assert str(charge_amount(_charge(1, 0, "2.0000"))) == "0.3000"
    assert str(charge_amount(_charge(1, 6017, "0"))) == "0.0000"  # a failed call costs nothing
    assert str(charge_amount(_charge(1, -3, "0", estimate="0.3000"))) == "0.3000"
    first, second = summarise_cards(
        [_card(1, "1.00", "0.50"), _card(2, "2.00")],
        [_charge(1, 0, "1.0000"), _charge(1, 0, "1.3000"), _charge(2, -3, "0")],
    )
    assert (str(first.usage), str(first.balance), str(first.original_balance)) == (
        "0.3450", "1.1550", "1.5000",
    )
    assert (first.previous_card_id, str(first.previous_charge)) == (0, "0.1950")
    assert (second.previous_card_id, str(second.usage), str(second.balance)) == (
        1, "0.1000", "1.9000",
    )


def test_a_prepaid_account_out_of_credit_waits_with_minus_22_then_fails_after_24_hours(
    harness: Harness,
) -> None:
    harness.billing.add_card_sync("acme", Decimal("0.30"))  # three one-page faxes at 0.10
    ids = [harness.submit() for _ in range(5)]
    harness.start()
    harness.run_for(5)
    assert sorted(harness.statuses(ids)) == [-22, -22, 0, 0, 0]
    sent = [i for i in ids if harness.fax(i).status == 0]
    assert all(str(harness.fax(i).cost_per_unit) == "0.1000" for i in sent)
    assert all(harness.fax(i).units == 1 for i in sent)
    _, (card,) = harness.billing.list_cards_sync("acme")
    assert (str(card.usage), str(card.balance)) == ("0.3000", "0.0000")
    waiting = [i for i in ids if i not in sent]
    harness.run_for(23 * HOUR + 3000, step=600)  # 23 h 50 min: still waiting
    assert harness.statuses(waiting) == [-22, -22]
    harness.run_for(20 * 60, step=60)
    assert harness.statuses(waiting) == [205000, 205000]
    for transaction_id in waiting:
        fax = harness.fax(transaction_id)
        assert fax.trials_performed == 0 and fax.completion_time is not None
        waited = fax.completion_time - fax.submit_time
        assert dt.timedelta(hours=24) <= waited <= dt.timedelta(hours=24, minutes=2)
    _, (card,) = harness.billing.list_cards_sync("acme")
    assert str(card.usage) == "0.3000"  # the failed faxes cost nothing


def test_adding_a_card_releases_the_waiting_faxes_in_their_order(harness: Harness) -> None:
    ids = [harness.submit("0081355550100") for _ in range(3)]  # 0.15 each
    harness.start()
    harness.run_for(5)
    assert harness.statuses(ids) == [-22, -22, -22]
    harness.run_for(10 * HOUR, step=600)
    _, released = harness.billing.add_card_sync("acme", Decimal("0.20"), Decimal("0.10"))
    assert released == 3
    harness.run_for(5)
    # 0.30 of credit pays two of them; the third waits on, its 24 hours still counted from
    # when it first waited.
    assert harness.statuses(ids) == [0, 0, -22]
    harness.run_for(13 * HOUR, step=600)
    assert harness.statuses(ids) == [0, 0, -22]
    harness.run_for(1 * HOUR + 600, step=600)
    assert harness.statuses(ids) == [0, 0, 205000]
    _, (card,) = harness.billing.list_cards_sync("acme")
    assert (str(card.usage), str(card.balance)) == ("0.3000", "0.0000")


def test_a_card_that_opens_later_brings_credit_when_it_opens(harness: Harness) -> None:
    opens = harness.now() + dt.timedelta(hours=2)
    harness.billing.add_card_sync("acme", Decimal("5"), issue_date=opens)
    transaction_id = harness.submit()
    harness.start()
    harness.run_for(5)
    assert harness.fax(transaction_id).status == -22
    harness.run_for(2 * HOUR, step=300)
    assert harness.fax(transaction_id).status == 0


def test_postpaid_accounts_and_users_without_an_account_are_never_blocked(
    harness: Harness,
) -> None:
    harness.billing.set_account_sync("acme", billing="postpaid")
    loner = harness.db.transaction_sync(
        "loner", lambda uow: uow.accounts.add_user("loner", "x", harness.now()).user_id
    )
    first = harness.submit("00441615550100")
    harness.user_id = loner
    second = harness.submit("0081355550100")
    harness.start()
    harness.run_for(5)
    assert harness.statuses([first, second]) == [0, 0]
    assert str(harness.fax(first).cost_per_unit) == "0.2000"
    assert str(harness.fax(second).cost_per_unit) == "0.1500"


def test_switching_an_account_to_postpaid_releases_its_waiting_faxes(harness: Harness) -> None:
    transaction_id = harness.submit()
    harness.start()
    harness.run_for(5)
    assert harness.fax(transaction_id).status == -22
    harness.billing.set_account_sync("acme", billing="postpaid")
    harness.run_for(5)
    assert harness.fax(transaction_id).status == 0
