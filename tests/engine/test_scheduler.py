"""The scheduling rules as tables: transitions, retries and Units."""

import datetime as dt
from decimal import Decimal

import pytest

from interfax_soap.engine.scheduler import RetryPolicy, call_outcome, can_transition, units_for

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("old", "new", "allowed"),
    [
        (-1, -2, True),  # rendered
        (-1, 204000, True),  # rendering failed
        (-1, 403, True),  # cancelled while rendering
        (-1, -3, False),  # never sent before it is rendered
        (-2, -3, True),  # first call
        (-2, 403, True),
        (-2, 0, False),  # sent without a call
        (-3, -3, True),  # next call
        (-3, 0, True),
        (-3, 6017, True),
        (-3, 403, True),
        (0, -3, False),  # final statuses never change
        (0, 403, False),
        (6017, -3, False),
        (403, -2, False),
        (204000, -2, False),
        (-22, -2, True),  # credit arrived
        (-22, 205000, True),  # no credit for 24 hours
    ],
)
def test_transition_table(old: int, new: int, allowed: bool) -> None:
    assert can_transition(old, new) is allowed


def test_a_failed_call_with_calls_left_waits_the_busy_interval_scaled() -> None:
    policy = RetryPolicy(busy_retry_seconds=180, retry_seconds=300, time_scale=0.5)
    changes = call_outcome(6017, 1, 3, True, NOW, policy)
    assert changes == {"status": -3, "next_attempt_at": NOW + dt.timedelta(seconds=90)}
    other = call_outcome(6018, 1, 3, False, NOW, policy)
    assert other["next_attempt_at"] == NOW + dt.timedelta(seconds=150)


def test_the_last_allowed_call_fails_the_transaction_with_its_code() -> None:
    changes = call_outcome(6018, 3, 3, False, NOW, RetryPolicy())
    assert changes == {"status": 6018, "completion_time": NOW, "next_attempt_at": None}


def test_retries_to_perform_zero_still_places_one_call() -> None:
    assert call_outcome(6001, 1, 0, False, NOW, RetryPolicy())["status"] == 6001


def test_a_sent_fax_is_final_whatever_calls_remain() -> None:
    assert call_outcome(0, 1, 5, False, NOW, RetryPolicy())["status"] == 0


@pytest.mark.parametrize(
    ("seconds", "units"),
    [
        ((), "0"),
        ((20.0,), "1"),
        ((60.0,), "1"),
        ((61.0,), "1.1"),
        ((66.0,), "1.1"),
        ((67.0,), "1.2"),
        ((30.0, 30.0, 90.0), "3.5"),
    ],
)
def test_units_count_pages_of_up_to_a_minute_and_six_second_steps_beyond(
    seconds: tuple[float, ...], units: str
) -> None:
    assert units_for(seconds) == Decimal(units)
