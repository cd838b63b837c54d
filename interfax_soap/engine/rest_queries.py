"""Reads the REST face needs beyond SOAP's: cursor-paged fax and batch lists, batch records,
inbound lists by cursor, and the prepaid balance."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from interfax_soap.engine.accounts import Caller
from interfax_soap.engine.billing import summarise_cards
from interfax_soap.engine.clock import Clock, utcnow
from interfax_soap.engine.codes import ResultCode
from interfax_soap.engine.ports import Store
from interfax_soap.engine.records import FaxRecord, MessageRecord
from interfax_soap.engine.rest_records import BatchSummary

__all__ = ["RestQueries", "Listed", "MAX_LIMIT"]

MAX_LIMIT = 1000


@dataclasses.dataclass(frozen=True)
class Listed:
    code: ResultCode
    items: tuple[Any, ...] = ()


def _limit(limit: int) -> int:
    return min(max(0, limit), MAX_LIMIT)


class RestQueries:
    """A user sees its own faxes; a primary user may also see the users of its account where
    the REST API offers it (``userId``, ``allUsers``)."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def _users(
        self, caller: Caller, username: str | None, all_users: bool
    ) -> tuple[int, ...] | None:
        """Whose transactions: the caller's; a named user's or the whole account's for a
        primary user; None when the caller may not see the named user."""
        user = caller.user
        if username and username != user.username:
            other = await self._store.read("user", lambda uow: uow.accounts.user_by_name(username))
            if (
                other is None
                or not user.is_primary
                or user.account_id is None
                or other.account_id != user.account_id
            ):
                return None
            return (other.user_id,)
        if all_users and user.is_primary and user.account_id is not None:
            account_id = user.account_id
            return tuple(
                await self._store.read(
                    "account_users", lambda uow: uow.accounts.account_user_ids(account_id)
                )
            )
        return (caller.user_id,)

    async def faxes(
        self,
        caller: Caller,
        limit: int,
        last_id: int | None,
        ascending: bool,
        username: str | None = None,
    ) -> Listed:
        """Faxes outside batches, not hidden, by ID from the cursor; NOT_PRIMARY_USER when
        ``username`` names a user the caller may not see."""
        users = await self._users(caller, username, False)
        if users is None:
            return Listed(ResultCode.NOT_PRIMARY_USER)
        count = _limit(limit)
        items = await self._store.read(
            "rest_faxes", lambda uow: uow.rest.singles(users, last_id, count, ascending)
        )
        return Listed(ResultCode.OK, tuple(items))

    async def fax(self, caller: Caller, transaction_id: int) -> FaxRecord | None:
        """One of the caller's transactions (hidden ones included), or None."""
        fax: FaxRecord | None = await self._store.read(
            "rest_fax", lambda uow: uow.faxes.get(transaction_id)
        )
        if fax is None or fax.user_id != caller.user_id:
            return None
        return fax

    async def batches(
        self, caller: Caller, limit: int, last_id: int | None, ascending: bool, all_users: bool
    ) -> Listed:
        """Batches of two or more transactions, by parent ID from the cursor."""
        users = await self._users(caller, None, all_users)
        assert users is not None
        count = _limit(limit)
        items = await self._store.read(
            "rest_batches",
            lambda uow: uow.rest.batch_summaries(users, last_id, count, ascending),
        )
        return Listed(ResultCode.OK, tuple(items))

    async def batch(self, caller: Caller, batch_id: int) -> BatchSummary | None:
        """One of the caller's batches by its parent TransactionID (a single fax is a batch
        of one, as SOAP reports it); None when unknown or another user's."""
        found = await self._store.read(
            "rest_batch",
            lambda uow: uow.rest.batch_summaries(
                (caller.user_id,), batch_id=batch_id, limit=1, min_members=1
            ),
        )
        return found[0] if found else None

    async def batch_members(self, caller: Caller, batch_id: int, limit: int, offset: int) -> Listed:
        """The transactions of one of the caller's batches, oldest first, paged;
        NO_SUCH_TRANSACTION when it is not the caller's."""
        members = await self._store.read(
            "rest_batch_members", lambda uow: uow.faxes.members(batch_id)
        )
        if not members or members[0].user_id != caller.user_id:
            return Listed(ResultCode.NO_SUCH_TRANSACTION)
        start = max(0, offset)
        return Listed(ResultCode.OK, tuple(members[start : start + _limit(limit)]))

    async def messages(
        self, caller: Caller, unread_only: bool, limit: int, last_id: int | None, all_users: bool
    ) -> Listed:
        """Received faxes, newest first, below the cursor ``last_id``; ``all_users`` lists
        the whole account for a primary user (other users get their own)."""
        users = await self._users(caller, None, all_users)
        assert users is not None
        count = _limit(limit)
        items: list[MessageRecord] = await self._store.read(
            "rest_messages", lambda uow: uow.rest.messages(users, last_id, unread_only, count)
        )
        return Listed(ResultCode.OK, tuple(items))

    async def balance(self, caller: Caller) -> Decimal:
        """The prepaid credit left to the caller's account: the balances of its cards open
        now (issue 7's cards); 0 for a user without a prepaid account."""
        now = utcnow(self._clock)

        def txn(uow: Any) -> Decimal:
            account = uow.cards.account_of_user(caller.user_id)
            if account is None or not account.prepaid:
                return Decimal(0)
            cards = uow.cards.cards(account.account_id)
            summaries = summarise_cards(cards, uow.cards.charges([c.card_id for c in cards]))
            return sum((s.balance for s in summaries if s.is_open(now)), Decimal(0))

        balance: Decimal = await self._store.read("rest_balance", txn)
        return balance
