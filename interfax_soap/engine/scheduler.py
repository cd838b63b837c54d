"""Scheduling rules: the status transition table, retries and their waits, Units.

Pure decisions (no I/O): the worker applies them inside its transactions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from decimal import Decimal
from typing import Any

from interfax_soap.engine.codes import FaxStatus

__all__ = [
    "RetryPolicy",
    "can_transition",
    "call_outcome",
    "units_for",
    "INTERRUPTED_CALL_STATUS",
]

PREPROCESSING, QUEUED, SENDING = FaxStatus.PREPROCESSING, FaxStatus.QUEUED, FaxStatus.SENDING
# A call a crash cut short is a failed call; InterFAX's "internal error (call dropped)".
INTERRUPTED_CALL_STATUS = int(FaxStatus.INTERNAL_ERROR)

# status -> statuses it may move to; any positive code is "failed" (final).
_TRANSITIONS: dict[int, set[str]] = {
    PREPROCESSING: {"queued", "failed", "cancelled"},
    QUEUED: {"sending", "cancelled", "out_of_credit"},
    FaxStatus.OUT_OF_CREDIT: {"queued", "failed", "cancelled"},
    SENDING: {"sending", "sent", "failed", "cancelled"},
}


def _kind(status: int) -> str:
    if status == PREPROCESSING:
        return "preprocessing"
    if status == QUEUED:
        return "queued"
    if status == SENDING:
        return "sending"
    if status == FaxStatus.OUT_OF_CREDIT:
        return "out_of_credit"
    if status == 0:
        return "sent"
    if status == FaxStatus.CANCELLED:
        return "cancelled"
    return "failed" if status > 0 else "in_progress"


def can_transition(old: int, new: int) -> bool:
    """The documented transition table (tested as a table). Final statuses never change."""
    return _kind(new) in _TRANSITIONS.get(old, set())


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    busy_retry_seconds: float = 180
    retry_seconds: float = 300
    time_scale: float = 0.1

    def wait(self, busy: bool) -> dt.timedelta:
        seconds = self.busy_retry_seconds if busy else self.retry_seconds
        return dt.timedelta(seconds=seconds * self.time_scale)


def units_for(page_seconds: tuple[float, ...]) -> Decimal:
    """InterFAX's rule: a Unit is a page of up to one minute of line time; longer pages count
    in 6-second steps (a tenth of a Unit each)."""
    total = Decimal(0)
    for seconds in page_seconds:
        steps = max(10, math.ceil(seconds / 6))
        total += Decimal(steps) / 10
    return total


def call_outcome(
    status: int,
    trials_performed: int,
    retries_to_perform: int,
    busy: bool,
    now: dt.datetime,
    policy: RetryPolicy,
) -> dict[str, Any]:
    """The transaction fields after a call ended with ``status``.

    ``retries_to_perform`` is the maximum number of calls, the first included
    (CONVENTIONS "Transmission attempts"); a failed call with calls left waits and retries.
    """
    if status == 0:
        return {"status": 0, "completion_time": now, "next_attempt_at": None}
    if trials_performed < max(1, retries_to_perform):
        return {"status": int(SENDING), "next_attempt_at": now + policy.wait(busy)}
    return {"status": status, "completion_time": now, "next_attempt_at": None}
