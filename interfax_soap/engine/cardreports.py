"""Prepaid-card reports: GetListPP, GetPPCardDetails, GetPPCardTransactions and the monthly
ZIP of GetPPCardTransactionsAsByteArray."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from interfax_soap.engine.accounts import Accounts, Caller, Credentials
from interfax_soap.engine.billing import Billing, CardSummary
from interfax_soap.engine.billing_records import BillingAccount, ChargeRecord
from interfax_soap.engine.codes import ResultCode
from interfax_soap.engine.ports import Store
from interfax_soap.engine.queries import QUERY_LIMIT, in_zone
from interfax_soap.engine.records import FaxRecord

__all__ = [
    "CardReports",
    "CardList",
    "CardDetails",
    "CardTransactions",
    "MonthlyStatement",
    "FAX_ITEM_EX_COLUMNS",
    "fax_item_ex_row",
    "statement_zip",
]

# FaxItemEx's fields in the WSDL's order: the CSV columns of the monthly statement.
FAX_ITEM_EX_COLUMNS = (
    "ParentTransactionID", "TransactionID", "SubmitTime", "PostponeTime", "CompletionTime",
    "UserID", "Contact", "JobID", "DestinationFax", "ReplyEmail", "RemoteCSID", "PagesSent",
    "Status", "Duration", "Subject", "PagesSubmitted", "SenderCSID", "Priority", "Units",
    "CostPerUnit", "PageSize", "PageOrientation", "PageResolution", "RenderingQuality",
    "PageHeader", "RetriesToPerform", "TrialsPerformed",
)
_MIN_DATE = "0001-01-01T00:00:00"


@dataclasses.dataclass(frozen=True)
class CardList:
    """GetListPP's answer."""

    code: ResultCode
    valid: bool = False
    account_id: int = 0
    currency: str = ""
    date_format: str = ""
    account_type: str = ""
    cards: tuple[CardSummary, ...] | None = None


@dataclasses.dataclass(frozen=True)
class CardDetails:
    code: ResultCode
    card: CardSummary | None = None


@dataclasses.dataclass(frozen=True)
class CardTransactions:
    """One page of the transactions a card paid for, oldest charge first."""

    code: ResultCode
    items: tuple[FaxRecord, ...] | None = None
    total: int = 0
    currency: str = ""
    first: int = 0
    last_balance: Decimal = Decimal(0)


@dataclasses.dataclass(frozen=True)
class MonthlyStatement:
    code: ResultCode
    zip_bytes: bytes | None = None


def _date_text(value: dt.datetime | None) -> str:
    """As ASP.NET writes an unspecified-kind DateTime (no offset, fractions trimmed)."""
    if value is None:
        return _MIN_DATE
    return value.replace(tzinfo=None).isoformat(timespec="microseconds").rstrip("0").rstrip(".")


def fax_item_ex_row(record: FaxRecord) -> list[str]:
    """A transaction's FaxItemEx fields as text, as the SOAP responses write them."""
    values: list[Any] = [
        record.parent_transaction_id, record.transaction_id, _date_text(record.submit_time),
        _date_text(record.postpone_time), _date_text(record.completion_time), record.username,
        record.contact, record.job_id, record.destination_fax, record.reply_email,
        record.remote_csid, record.pages_sent, record.status, record.duration, record.subject,
        record.pages_submitted, record.sender_csid, record.priority, record.units,
        record.cost_per_unit, record.page_size, record.page_orientation,
        "Fine" if record.fine else "Standard", "Fine" if record.fine_rendering else "Standard",
        record.page_header, record.retries_to_perform, record.trials_performed,
    ]
    return [str(value) for value in values]


def statement_zip(records: Sequence[FaxRecord], year: int, month: int) -> bytes:
    """A ZIP holding ``transactions-YYYY-MM.csv``: a header of FaxItemEx's field names and
    one row per transaction (UTF-8, CRLF line ends)."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(FAX_ITEM_EX_COLUMNS)
    writer.writerows(fax_item_ex_row(record) for record in records)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"transactions-{year:04d}-{month:02d}.csv", text.getvalue().encode())
    return out.getvalue()


def _month_bounds(year: int, month: int, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(year, month, 1, tzinfo=tz)
    after = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
    return start.astimezone(dt.UTC), after.astimezone(dt.UTC)


class CardReports:
    """What a caller may see of its account's cards: every card of the account; the
    transactions of the whole account for its primary user, else the caller's own."""

    def __init__(self, store: Store, accounts: Accounts, billing: Billing) -> None:
        self._store = store
        self._accounts = accounts
        self._billing = billing

    def _labels(self, account: BillingAccount | None) -> tuple[str, str, str]:
        """(CurrencyCode, DateFormat, AccountType): the account's, else the defaults."""
        policy = self._billing.policy
        if account is None:
            return policy.currency, policy.date_format, "Postpaid"
        kind = account.account_type or ("Prepaid" if account.prepaid else "Postpaid")
        return (
            account.currency_code or policy.currency,
            account.date_format or policy.date_format,
            kind,
        )

    def _visible(self, uow: Any, caller: Caller, account: BillingAccount) -> set[int]:
        if account.primary_user_id == caller.user_id:
            return set(uow.cards.user_ids(account.account_id))
        return {caller.user_id}

    async def list_cards(self, credentials: Credentials) -> CardList:
        """GetListPP: Valid is true for a user of a prepaid account; the account's cards,
        oldest first (an account of another kind may have none)."""
        auth = await self._accounts.authenticate(credentials)
        if auth.caller is None:
            return CardList(auth.code)
        caller = auth.caller

        def txn(uow: Any) -> tuple[BillingAccount | None, list[CardSummary]]:
            account = uow.cards.account_of_user(caller.user_id)
            if account is None:
                return None, []
            return account, self._billing.summaries_txn(uow, account)

        account, cards = await self._store.read("list_cards", txn)
        currency, date_format, kind = self._labels(account)
        return CardList(
            ResultCode.OK,
            valid=account is not None and account.prepaid,
            account_id=account.account_id if account else 0,
            currency=currency,
            date_format=date_format,
            account_type=kind,
            cards=tuple(_local_card(card, caller.tz) for card in cards),
        )

    async def _card(
        self, credentials: Credentials, card_id: int, with_charges: bool
    ) -> tuple[ResultCode, Caller | None, Any]:
        """(code, caller, (account, card, visible charges)); a card of another account, or
        none, is -3007."""
        auth = await self._accounts.authenticate(credentials)
        if auth.caller is None:
            return auth.code, None, None
        caller = auth.caller

        def txn(uow: Any) -> Any:
            account = uow.cards.account_of_user(caller.user_id)
            if account is None:
                return None
            summaries = self._billing.summaries_txn(uow, account)
            found = [s for s in summaries if s.card.card_id == card_id]
            if not found:
                return None
            charges: list[ChargeRecord] = []
            if with_charges:
                visible = self._visible(uow, caller, account)
                charges = [c for c in uow.cards.charges([card_id]) if c.user_id in visible]
            return account, found[0], charges

        found = await self._store.read("card", txn)
        if found is None:
            return ResultCode.NO_PERMISSION, caller, None
        return ResultCode.OK, caller, found

    async def card_details(self, credentials: Credentials, card_id: int) -> CardDetails:
        """GetPPCardDetails: one card of the caller's account."""
        code, caller, found = await self._card(credentials, card_id, with_charges=False)
        if found is None or caller is None:
            return CardDetails(code)
        return CardDetails(ResultCode.OK, _local_card(found[1], caller.tz))

    async def card_transactions(
        self, credentials: Credentials, card_id: int, first_result: int, num_results: int
    ) -> CardTransactions:
        """GetPPCardTransactions: the transactions the card paid for, oldest charge first,
        ``num_results`` of them (0 = all) from the zero-based ``first_result``."""
        code, caller, found = await self._card(credentials, card_id, with_charges=True)
        if found is None or caller is None:
            return CardTransactions(code)
        account, card, charges = found
        first = max(0, first_result)
        count = QUERY_LIMIT if num_results <= 0 else min(num_results, QUERY_LIMIT)
        ids = [charge.transaction_id for charge in charges[first : first + count]]
        records = await self._store.read("card_transactions", lambda uow: uow.faxes.by_ids(ids))
        return CardTransactions(
            ResultCode.OK,
            items=tuple(in_zone(record, caller.tz) for record in records),
            total=len(charges),
            currency=self._labels(account)[0],
            first=first,
            last_balance=card.balance,
        )

    async def monthly_statement(
        self, credentials: Credentials, year: int, month: int
    ) -> MonthlyStatement:
        """GetPPCardTransactionsAsByteArray: the ZIP of the transactions the account's cards
        paid for in one month of the caller's time zone (by the time of the charge, i.e. the
        first call). A month outside 1..12 (or a year outside 1..9998) is -1030."""
        if not (1 <= month <= 12 and 1 <= year <= 9998):
            return MonthlyStatement(ResultCode.BAD_VERB)
        auth = await self._accounts.authenticate(credentials)
        if auth.caller is None:
            return MonthlyStatement(auth.code)
        caller = auth.caller
        start, end = _month_bounds(year, month, caller.tz)

        def txn(uow: Any) -> list[FaxRecord]:
            account = uow.cards.account_of_user(caller.user_id)
            if account is None:
                return []
            visible = self._visible(uow, caller, account)
            cards = [card.card_id for card in uow.cards.cards(account.account_id)]
            charges = [
                charge for charge in uow.cards.charges(cards)
                if charge.user_id in visible and start <= charge.charged_at < end
            ]
            return list(uow.faxes.by_ids([charge.transaction_id for charge in charges]))

        records = await self._store.read("monthly_statement", txn)
        local = [in_zone(record, caller.tz) for record in records]
        return MonthlyStatement(ResultCode.OK, statement_zip(local, year, month))


def _local_card(summary: CardSummary, tz: dt.tzinfo) -> CardSummary:
    card = dataclasses.replace(
        summary.card,
        issue_date=summary.card.issue_date.astimezone(tz),
        close_date=summary.card.close_date.astimezone(tz),
    )
    return dataclasses.replace(summary, card=card)
