"""The prepaid-card results of dfs.asmx (GetListPP, GetPPCardDetails, GetPPCardTransactions,
GetPPCardTransactionsAsByteArray) from the engine's card reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from interfax_soap.engine.billing import CardSummary
from interfax_soap.engine.cardreports import (
    CardDetails,
    CardList,
    CardTransactions,
    MonthlyStatement,
)
from interfax_soap.engine.records import FaxRecord
from interfax_soap.soap import compat  # noqa: F401  (shims before Spyne)
from interfax_soap.soap.types import (
    FaxItemEx,
    ListPPResult,
    PPCardDetails,
    PPCardResult,
    PPCardTransactions,
    PPCardTrasnactionsByteArray,
)

__all__ = [
    "pp_card_details",
    "list_pp_result",
    "pp_card_result",
    "pp_card_transactions",
    "pp_card_byte_array",
]


def pp_card_details(card: CardSummary | None) -> PPCardDetails:
    """A card's figures; without a card the struct's .NET defaults (it is always written)."""
    if card is None:
        return PPCardDetails()
    return PPCardDetails(
        Balance=card.balance,
        Bonus=card.card.bonus,
        CloseDate=card.card.close_date,
        CurrentUsage=card.usage,
        FaceValue=card.card.face_value,
        IssueDate=card.card.issue_date,
        PPCardID=card.card.card_id,
        PreviousCharge=card.previous_charge,
        PreviousPPCard=card.previous_card_id,
        OriginalBalance=card.original_balance,
    )


def list_pp_result(answer: CardList) -> ListPPResult:
    cards = None
    if answer.cards is not None:
        cards = [pp_card_details(card) for card in answer.cards]
    return ListPPResult(
        Valid=answer.valid,
        AccountID=answer.account_id,
        CurrencyCode=answer.currency or None,
        DateFormat=answer.date_format or None,
        AccountType=answer.account_type or None,
        PPCardsDetails=cards,
        ResultCode=int(answer.code),
    )


def pp_card_result(answer: CardDetails) -> PPCardResult:
    return PPCardResult(Details=pp_card_details(answer.card), ResultCode=int(answer.code))


def pp_card_transactions(
    answer: CardTransactions, item: Callable[[FaxRecord], FaxItemEx]
) -> PPCardTransactions:
    items: Any = None
    if answer.items is not None:
        items = [item(record) for record in answer.items]
    return PPCardTransactions(
        Transactions=items,
        TotalNumOfTransactions=answer.total,
        Currency=answer.currency or None,
        FirstResult=answer.first,
        NumOfResults=len(items or ()),
        ResultCode=int(answer.code),
        LastBalance=answer.last_balance,
    )


def pp_card_byte_array(answer: MonthlyStatement) -> PPCardTrasnactionsByteArray:
    return PPCardTrasnactionsByteArray(Transactions=answer.zip_bytes, ResultCode=int(answer.code))
