"""FaxQuery2: searching outbound faxes by a query form, with paging, order and statistics."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

from interfax_soap.engine.accounts import Accounts, Credentials
from interfax_soap.engine.codes import ResultCode
from interfax_soap.engine.ports import Store
from interfax_soap.engine.queries import QUERY_LIMIT, in_zone
from interfax_soap.engine.records import Condition, FaxRecord, FaxSearch

__all__ = ["FaxSearcher", "QueryForm", "QueryControl", "SearchAnswer", "OPERATORS", "ORDER_COLUMNS"]

OPERATORS = (
    "Equals", "GreaterThan", "GreaterOrEqual", "LessThan", "LessOrEqual", "Like", "IncludedIn",
    "Between",
)
# OrderByColumnEnum value -> FaxSearch.order_by
ORDER_COLUMNS = {
    "TransactionID": "transaction_id",
    "SubmitTime": "submit_time",
    "CompletionTime": "completion_time",
    "Status": "status",
    "DestinationFax": "destination_fax",
    "Subject": "subject",
    "PagesSent": "pages_sent",
    "UserID": "username",
    "ReplyEmail": "reply_email",
}
_TEXT_FIELDS = ("subject", "destination_fax", "username", "reply_email")
_INT = re.compile(r"^\s*-?\d{1,10}\s*$")
_DEFAULT_PAGE = 100


@dataclasses.dataclass(frozen=True)
class QueryForm:
    """FaxQuery2's QueryForm: field -> (verb, verb data); an empty verb data is no filter."""

    conditions: dict[str, tuple[str, str | None]]
    date_from: dt.datetime | None = None  # naive = the caller's zone; None = no bound
    date_to: dt.datetime | None = None
    show_hidden: bool = False


@dataclasses.dataclass(frozen=True)
class QueryControl:
    only_parents: bool = False
    num_results: int = 0
    starting_record: int = 0
    order_by: str = "TransactionID"
    ascending: bool = False
    return_items: bool = True
    return_stats: bool = False


@dataclasses.dataclass(frozen=True)
class SearchAnswer:
    code: ResultCode
    items: tuple[FaxRecord, ...] | None = None
    stats: tuple[tuple[int, int], ...] | None = None
    total: int = 0
    batch_sizes: dict[int, int] = dataclasses.field(default_factory=dict)
    gmt_bias_minutes: int = 0


def _values(field: str, operator: str, data: str) -> tuple[Any, ...] | None:
    """Parses VerbData for the operator; None when it does not read (-1030)."""
    if operator in ("IncludedIn", "Between"):
        parts = [p.strip() for p in data.split(",")]
        if operator == "Between" and len(parts) != 2:
            return None
    else:
        parts = [data.strip() if operator != "Like" else data]
    if field in _TEXT_FIELDS:
        return tuple(parts)
    if operator == "Like" or not all(_INT.match(p) for p in parts):
        return None
    return tuple(int(p) for p in parts)


def _conditions(form: QueryForm) -> tuple[Condition, ...] | None:
    conditions = []
    for field, (operator, data) in form.conditions.items():
        if data is None or not data.strip():
            continue  # "don't care" (COMPAT 21)
        if operator not in OPERATORS:
            return None
        values = _values(field, operator, data)
        if values is None:
            return None
        conditions.append(Condition(field, operator, values))
    return tuple(conditions)


def _utc(value: dt.datetime | None, tz: dt.tzinfo) -> dt.datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(dt.UTC)


class FaxSearcher:
    def __init__(self, store: Store, accounts: Accounts, clock: Any) -> None:
        self._store = store
        self._accounts = accounts
        self._clock = clock

    async def fax_query2(
        self, credentials: Credentials, form: QueryForm, control: QueryControl
    ) -> SearchAnswer:
        """A primary user searches every user of its account, other users only themselves.

        Returns -710 when neither items nor statistics are asked for, -1030 for a condition
        that does not read.
        """
        auth = await self._accounts.authenticate(credentials)
        if auth.caller is None:
            return SearchAnswer(auth.code)
        if not control.return_items and not control.return_stats:
            return SearchAnswer(ResultCode.NO_RESULT_REQUESTED)
        conditions = _conditions(form)
        if conditions is None or control.order_by not in ORDER_COLUMNS:
            return SearchAnswer(ResultCode.BAD_VERB)
        caller = auth.caller
        limit = control.num_results if control.num_results > 0 else _DEFAULT_PAGE
        search_base = FaxSearch(
            user_ids=(caller.user_id,),
            conditions=conditions,
            submitted_from=_utc(form.date_from, caller.tz),
            submitted_to=_utc(form.date_to, caller.tz),
            include_hidden=form.show_hidden,
            only_parents=control.only_parents,
            order_by=ORDER_COLUMNS[control.order_by],
            ascending=control.ascending,
            offset=max(0, control.starting_record),
            limit=min(limit, QUERY_LIMIT),
            with_items=control.return_items,
            with_stats=control.return_stats,
        )

        def txn(uow: Any) -> Any:
            search = search_base
            if caller.user.is_primary and caller.user.account_id is not None:
                users = tuple(uow.accounts.account_user_ids(caller.user.account_id))
                search = dataclasses.replace(search, user_ids=users)
            return uow.faxes.search(search)

        found = await self._store.read("fax_query2", txn)
        now = dt.datetime.fromtimestamp(self._clock.seconds(), dt.UTC)
        offset = now.astimezone(caller.tz).utcoffset() or dt.timedelta(0)
        return SearchAnswer(
            ResultCode.OK,
            tuple(in_zone(i, caller.tz) for i in found.items) if control.return_items else None,
            found.stats if control.return_stats else None,
            found.total,
            found.batch_sizes,
            int(offset.total_seconds() // 60),
        )
