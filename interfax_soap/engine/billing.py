"""Billing: prices per Unit, the card that pays each fax, credit waits (-22, then 205000).

Every transaction costs Units x CostPerUnit. CostPerUnit is fixed at the first call from the
price table (``[billing]``, by destination country-code prefix); Units are the line time the
worker records. A prepaid account pays from its cards: before the first call the fax is
assigned to an open card whose balance covers an estimate (one Unit per page) and that
estimate is held; once the fax is final the card is charged its real cost. A fax that no
card can pay waits with status -22 until a card is added, and fails with 205000 after 24
hours of waiting. Postpaid accounts (and users without an account) are never blocked.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from interfax_soap.engine.accounts import AdminError
from interfax_soap.engine.billing_records import (
    POSTPAID,
    PREPAID,
    BillingAccount,
    CardRecord,
    ChargeRecord,
)
from interfax_soap.engine.clock import Clock, utcnow
from interfax_soap.engine.codes import FaxStatus
from interfax_soap.engine.notifications import queue_notifications_txn
from interfax_soap.engine.ports import Store
from interfax_soap.engine.records import FaxRecord

__all__ = [
    "BillingPolicy",
    "Billing",
    "CardSummary",
    "money",
    "charge_amount",
    "summarise_cards",
    "CREDIT_WAIT",
    "DEFAULT_CARD_DAYS",
]

logger = logging.getLogger(__name__)

# InterFAX's rule: a fax out of credit for 24 hours is cancelled with 205000.
CREDIT_WAIT = dt.timedelta(hours=24)
# A card added without a close date can be used for a year.
DEFAULT_CARD_DAYS = 365
_SCALE = Decimal("0.0001")  # money is kept with four decimals (SQL Server's money type)


def money(value: Decimal | int | str) -> Decimal:
    """An amount with the four decimals .NET writes for it (``0.1500``)."""
    return Decimal(value).quantize(_SCALE, rounding=ROUND_HALF_UP)


@dataclasses.dataclass(frozen=True)
class BillingPolicy:
    """The ``[billing]`` settings, parsed."""

    prices: Mapping[str, Decimal] = dataclasses.field(default_factory=dict)
    default_price: Decimal = Decimal("0.10")
    currency: str = "USD"
    date_format: str = "MM/dd/yyyy"

    @classmethod
    def from_texts(
        cls, prices: Mapping[str, str], default_price: str, currency: str, date_format: str
    ) -> BillingPolicy:
        return cls(
            prices={prefix: money(text.strip()) for prefix, text in prices.items()},
            default_price=money(default_price.strip()),
            currency=currency,
            date_format=date_format,
        )

    def price_for(self, destination_fax: str) -> Decimal:
        """CostPerUnit to a canonical number (``00`` + country code + national number): the
        price of the longest matching country-code prefix, else the default."""
        digits = destination_fax[2:] if destination_fax.startswith("00") else destination_fax
        best = None
        for prefix in self.prices:
            if digits.startswith(prefix) and (best is None or len(prefix) > len(best)):
                best = prefix
        return money(self.prices[best] if best is not None else self.default_price)


def charge_amount(charge: ChargeRecord) -> Decimal:
    """What a fax costs its card: Units x CostPerUnit once final, the held estimate before."""
    if charge.status >= 0:
        return money(charge.units * charge.cost_per_unit)
    return money(charge.estimate)


@dataclasses.dataclass(frozen=True)
class CardSummary:
    """A card with the figures PPCardDetails reports."""

    card: CardRecord
    previous_card_id: int  # the account's card added before this one; 0 for the first
    usage: Decimal  # CurrentUsage: the charges on the card so far
    previous_charge: Decimal  # PreviousCharge: the latest charge on the card

    @property
    def original_balance(self) -> Decimal:
        return money(self.card.face_value + self.card.bonus)

    @property
    def balance(self) -> Decimal:
        return money(self.original_balance - self.usage)

    def is_open(self, now: dt.datetime) -> bool:
        return self.card.issue_date <= now < self.card.close_date


def summarise_cards(
    cards: Sequence[CardRecord], charges: Sequence[ChargeRecord]
) -> list[CardSummary]:
    """Each card with its usage, from the charges on it (in the order they were made)."""
    usage: dict[int, Decimal] = {}
    latest: dict[int, Decimal] = {}
    for charge in charges:
        amount = charge_amount(charge)
        usage[charge.card_id] = usage.get(charge.card_id, Decimal(0)) + amount
        latest[charge.card_id] = amount
    summaries = []
    previous = 0
    for card in sorted(cards, key=lambda c: c.card_id):
        summaries.append(
            CardSummary(
                card=card,
                previous_card_id=previous,
                usage=money(usage.get(card.card_id, 0)),
                previous_charge=money(latest.get(card.card_id, 0)),
            )
        )
        previous = card.card_id
    return summaries


class Billing:
    """Charging rules for the worker, and the administration of billing and cards."""

    def __init__(self, store: Store, clock: Clock, policy: BillingPolicy) -> None:
        self._store = store
        self._clock = clock
        self.policy = policy

    # Worker hooks: each runs inside the worker's own transaction.

    def _account_summaries(self, uow: Any, account: BillingAccount) -> list[CardSummary]:
        cards = uow.cards.cards(account.account_id)
        return summarise_cards(cards, uow.cards.charges([c.card_id for c in cards]))

    def _paying_card(
        self, summaries: Sequence[CardSummary], amount: Decimal, now: dt.datetime
    ) -> CardSummary | None:
        """The open card that closes first among those whose balance covers ``amount``."""
        usable = [s for s in summaries if s.is_open(now) and s.balance >= amount]
        usable.sort(key=lambda s: (s.card.close_date, s.card.card_id))
        return usable[0] if usable else None

    def _next_check(
        self, summaries: Sequence[CardSummary], since: dt.datetime, now: dt.datetime
    ) -> dt.datetime:
        """When a waiting fax is looked at again: the end of its 24 hours, or earlier when a
        card opens (a card with a later issue date brings credit without being added)."""
        deadline = since + CREDIT_WAIT
        openings = [s.card.issue_date for s in summaries if now < s.card.issue_date < deadline]
        return min([deadline, *openings])

    def authorise_call_txn(self, uow: Any, fax: FaxRecord, now: dt.datetime) -> bool:
        """Before a fax's first call (status -2): fixes its CostPerUnit and, on a prepaid
        account, assigns the card that pays it. Without credit the fax waits with -22 (claim
        released) and False is returned: no call is placed."""
        if fax.status != FaxStatus.QUEUED:
            return True  # later calls of a fax already authorised
        price = self.policy.price_for(fax.destination_fax)
        account = uow.cards.account_of_user(fax.user_id, lock=True)
        if account is None or not account.prepaid or uow.cards.has_charge(fax.transaction_id):
            uow.jobs.update(fax.transaction_id, cost_per_unit=price)
            return True
        estimate = money(price * max(1, fax.pages_submitted))
        summaries = self._account_summaries(uow, account)
        card = self._paying_card(summaries, estimate, now) if estimate > 0 else None
        if card is not None or estimate == 0:
            if card is not None:
                uow.cards.add_charge(fax.transaction_id, card.card.card_id, estimate, now)
            uow.jobs.update(fax.transaction_id, cost_per_unit=price)
            return True
        since = uow.cards.credit_wait_since(fax.transaction_id) or now
        logger.info(
            "transaction %s: out of credit (needs %s, account %s)",
            fax.transaction_id, estimate, account.name,
        )
        uow.jobs.update(
            fax.transaction_id, status=int(FaxStatus.OUT_OF_CREDIT), out_of_credit_since=since,
            next_attempt_at=self._next_check(summaries, since, now), claimed_by=None,
            lease_until=None,
        )
        return False

    def credit_wait_over_txn(
        self, uow: Any, transaction_id: int, worker_id: str, now: dt.datetime
    ) -> None:
        """A fax waiting for credit (-22) is due: back to the queue when it can be paid now,
        failed with 205000 once it has waited 24 hours, else it waits on."""
        fax = uow.faxes.get(transaction_id)
        if fax is None or not uow.jobs.holds(transaction_id, worker_id):
            return
        if fax.status != FaxStatus.OUT_OF_CREDIT:  # released or cancelled meanwhile
            uow.jobs.update(transaction_id, claimed_by=None, lease_until=None)
            return
        account = uow.cards.account_of_user(fax.user_id, lock=True)
        summaries = self._account_summaries(uow, account) if account is not None else []
        estimate = money(self.policy.price_for(fax.destination_fax) * max(1, fax.pages_submitted))
        if account is None or not account.prepaid or self._paying_card(summaries, estimate, now):
            uow.jobs.update(
                transaction_id, status=int(FaxStatus.QUEUED), next_attempt_at=now,
                claimed_by=None, lease_until=None,
            )
            return
        since = uow.cards.credit_wait_since(transaction_id) or now
        if now >= since + CREDIT_WAIT:
            logger.info("transaction %s: no credit for 24 hours; failed", transaction_id)
            uow.jobs.update(
                transaction_id, status=int(FaxStatus.CREDIT_DEPLETED), completion_time=now,
                next_attempt_at=None, claimed_by=None, lease_until=None,
            )
            queue_notifications_txn(uow, transaction_id, now)
            return
        uow.jobs.update(
            transaction_id, next_attempt_at=self._next_check(summaries, since, now),
            claimed_by=None, lease_until=None,
        )

    # Administration (command line). Blocking: these run outside a reactor.

    def set_account_sync(self, name: str, **changes: str) -> BillingAccount:
        """Changes an account's billing settings (``billing``: prepaid | postpaid,
        ``currency_code``, ``date_format``, ``account_type``). An account that becomes
        postpaid releases its faxes waiting for credit."""
        if changes.get("billing", PREPAID) not in (PREPAID, POSTPAID):
            raise AdminError("billing is prepaid or postpaid")
        now = utcnow(self._clock)

        def txn(uow: Any) -> BillingAccount:
            account = _require_account(uow, name)
            changed: BillingAccount = uow.cards.update_account(account.account_id, **changes)
            if not changed.prepaid:
                uow.cards.release_waiting(uow.cards.user_ids(account.account_id), now)
            return changed

        updated: BillingAccount = self._store.transaction_sync("set_billing", txn)
        return updated

    def add_card_sync(
        self, name: str, face_value: Decimal, bonus: Decimal = Decimal(0),
        issue_date: dt.datetime | None = None, close_date: dt.datetime | None = None,
    ) -> tuple[CardSummary, int]:
        """Adds a prepaid card to an account (issue date default now, close date default a
        year later) and releases the account's faxes waiting for credit, which are then
        checked again in their order. Returns the card and how many faxes were released."""
        now = utcnow(self._clock)
        issue = issue_date or now
        close = close_date or issue + dt.timedelta(days=DEFAULT_CARD_DAYS)
        if face_value < 0 or bonus < 0:
            raise AdminError("face value and bonus must not be negative")
        if close <= issue:
            raise AdminError("the close date must be after the issue date")

        def txn(uow: Any) -> tuple[CardSummary, int]:
            account = _require_account(uow, name)
            card = uow.cards.add_card(
                account.account_id, money(face_value), money(bonus), issue, close, now
            )
            released = uow.cards.release_waiting(uow.cards.user_ids(account.account_id), now)
            summary = next(
                s for s in self._account_summaries(uow, account) if s.card.card_id == card.card_id
            )
            return summary, released

        added: tuple[CardSummary, int] = self._store.transaction_sync("add_card", txn)
        return added

    def list_cards_sync(self, name: str) -> tuple[BillingAccount, list[CardSummary]]:
        def txn(uow: Any) -> tuple[BillingAccount, list[CardSummary]]:
            account = _require_account(uow, name)
            return account, self._account_summaries(uow, account)

        listed: tuple[BillingAccount, list[CardSummary]] = self._store.transaction_sync(
            "list_cards", txn
        )
        return listed

    def summaries_txn(self, uow: Any, account: BillingAccount) -> list[CardSummary]:
        """The account's cards with their figures (for the reports)."""
        return self._account_summaries(uow, account)


def _require_account(uow: Any, name: str) -> BillingAccount:
    account: BillingAccount | None = uow.cards.account_by_name(name)
    if account is None:
        raise AdminError(f"no account {name!r}")
    return account
