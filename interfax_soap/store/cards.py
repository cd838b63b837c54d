"""Repository of billing: account billing settings, prepaid cards and the card charges."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from interfax_soap.engine.billing_records import BillingAccount, CardRecord, ChargeRecord
from interfax_soap.engine.codes import FaxStatus
from interfax_soap.store.models import Account, CardCharge, PrepaidCard, Transaction, User

__all__ = ["CardRepository"]

_BILLING_FIELDS = ("billing", "currency_code", "date_format", "account_type")


def _account(row: Account) -> BillingAccount:
    return BillingAccount(
        account_id=row.id,
        name=row.name,
        billing=row.billing,
        currency_code=row.currency_code,
        date_format=row.date_format,
        account_type=row.account_type,
        primary_user_id=row.primary_user_id,
    )


def _card(row: PrepaidCard) -> CardRecord:
    return CardRecord(
        card_id=row.id,
        account_id=row.account_id,
        face_value=row.face_value,
        bonus=row.bonus,
        issue_date=row.issue_date,
        close_date=row.close_date,
        created_at=row.created_at,
    )


class CardRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    # Accounts

    def account(self, account_id: int, lock: bool = False) -> BillingAccount | None:
        """An account's billing settings. ``lock`` holds the account row until commit, so
        credit checks of one account run one at a time (PostgreSQL ``FOR UPDATE``; SQLite
        has one writer anyway)."""
        query = select(Account).where(Account.id == account_id)
        if lock:
            query = query.with_for_update()
        row = self._session.scalars(query).one_or_none()
        return _account(row) if row else None

    def account_by_name(self, name: str) -> BillingAccount | None:
        row = self._session.scalars(select(Account).where(Account.name == name)).one_or_none()
        return _account(row) if row else None

    def account_of_user(self, user_id: int, lock: bool = False) -> BillingAccount | None:
        account_id = self._session.scalar(select(User.account_id).where(User.id == user_id))
        return self.account(account_id, lock) if account_id is not None else None

    def update_account(self, account_id: int, **changes: str) -> BillingAccount:
        unknown = set(changes) - set(_BILLING_FIELDS)
        if unknown:
            raise ValueError(f"not billing settings: {sorted(unknown)}")
        self._session.execute(update(Account).where(Account.id == account_id).values(**changes))
        found = self.account(account_id)
        assert found is not None
        return found

    def user_ids(self, account_id: int) -> list[int]:
        return list(self._session.scalars(select(User.id).where(User.account_id == account_id)))

    # Cards

    def add_card(
        self, account_id: int, face_value: Decimal, bonus: Decimal, issue_date: dt.datetime,
        close_date: dt.datetime, now: dt.datetime,
    ) -> CardRecord:
        row = PrepaidCard(
            account_id=account_id, face_value=face_value, bonus=bonus, issue_date=issue_date,
            close_date=close_date, created_at=now,
        )
        self._session.add(row)
        self._session.flush()
        self._session.refresh(row)  # the Numeric values as the database keeps them (scale 4)
        return _card(row)

    def cards(self, account_id: int) -> list[CardRecord]:
        """The account's cards, oldest first."""
        rows = self._session.scalars(
            select(PrepaidCard).where(PrepaidCard.account_id == account_id).order_by(PrepaidCard.id)
        )
        return [_card(row) for row in rows]

    # Charges

    def charges(self, card_ids: Sequence[int]) -> list[ChargeRecord]:
        """The charges on these cards, in the order they were made."""
        if not card_ids:
            return []
        rows = self._session.execute(
            select(CardCharge, Transaction)
            .join(Transaction, Transaction.id == CardCharge.transaction_id)
            .where(CardCharge.card_id.in_(list(card_ids)))
            .order_by(CardCharge.charged_at, CardCharge.transaction_id)
        )
        return [
            ChargeRecord(
                transaction_id=charge.transaction_id,
                card_id=charge.card_id,
                user_id=fax.user_id,
                status=fax.status,
                units=fax.units,
                cost_per_unit=fax.cost_per_unit,
                estimate=charge.estimate,
                charged_at=charge.charged_at,
            )
            for charge, fax in rows
        ]

    def has_charge(self, transaction_id: int) -> bool:
        found = self._session.scalar(
            select(CardCharge.transaction_id).where(CardCharge.transaction_id == transaction_id)
        )
        return found is not None

    def add_charge(
        self, transaction_id: int, card_id: int, estimate: Decimal, now: dt.datetime
    ) -> None:
        self._session.add(
            CardCharge(transaction_id=transaction_id, card_id=card_id, estimate=estimate,
                       charged_at=now)
        )
        self._session.flush()

    # Transactions waiting for credit

    def credit_wait_since(self, transaction_id: int) -> dt.datetime | None:
        return self._session.scalar(
            select(Transaction.out_of_credit_since).where(Transaction.id == transaction_id)
        )

    def release_waiting(self, user_ids: Sequence[int], now: dt.datetime) -> int:
        """Puts the users' faxes waiting for credit (-22) back in the queue (-2), due now;
        their first wait time is kept, so the 24 hours still count from it."""
        if not user_ids:
            return 0
        result: Any = self._session.execute(
            update(Transaction)
            .where(
                Transaction.user_id.in_(list(user_ids)),
                Transaction.status == int(FaxStatus.OUT_OF_CREDIT),
            )
            .values(status=int(FaxStatus.QUEUED), next_attempt_at=now)
        )
        return int(result.rowcount or 0)
