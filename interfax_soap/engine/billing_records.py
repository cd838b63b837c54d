"""Plain value types of billing shared by the engine and the store (stdlib only)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

__all__ = ["BillingAccount", "CardRecord", "ChargeRecord", "PREPAID", "POSTPAID"]

PREPAID = "prepaid"
POSTPAID = "postpaid"


@dataclasses.dataclass(frozen=True)
class BillingAccount:
    """An account's billing settings (empty texts mean the server's ``[billing]`` default)."""

    account_id: int
    name: str
    billing: str  # prepaid | postpaid
    currency_code: str
    date_format: str
    account_type: str
    primary_user_id: int | None

    @property
    def prepaid(self) -> bool:
        return self.billing == PREPAID


@dataclasses.dataclass(frozen=True)
class CardRecord:
    """A prepaid card as stored; its balance is derived from the charges on it."""

    card_id: int
    account_id: int
    face_value: Decimal
    bonus: Decimal
    issue_date: dt.datetime
    close_date: dt.datetime
    created_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class ChargeRecord:
    """A transaction paid by a card, with what its cost is computed from."""

    transaction_id: int
    card_id: int
    user_id: int
    status: int
    units: Decimal
    cost_per_unit: Decimal
    estimate: Decimal
    charged_at: dt.datetime
